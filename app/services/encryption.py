"""Encryption at rest on a laptop: turn it on for an existing database, export and import the key.

``encrypt_database`` converts a plain SQLite database in place: ``sqlcipher_export`` writes an
encrypted copy beside it, the copy is verified (integrity check, the same rows in every table),
then renamed over the original in one step. Nothing plain is kept behind: the old file is
overwritten with zeros and removed with its -wal and -shm, the attachments and issued letters
beside it are sealed, the backups Doorstep made of it are encrypted too, and (for the user's
own database) so are the home-visit drafts. Run it with Doorstep closed, like a restore.

Overwriting a file is a best effort: an SSD or a journalling file system may keep old blocks,
so a laptop that ever held the plain database should also use full-disk encryption.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.errors import StorageError, ValidationError
from app.paths import default_database, make_private, private_umask, sqlite_companions
from app.services import backups
from app.services.visits import DRAFT_LABEL, drafts_dir
from app.store import cipher
from app.store.database import to_url

KEY_FILE_HEADER = (
    "# Doorstep database key for {path}\n"
    "# Anyone with this file can read every case in that database. Keep it offline.\n"
)
KEY_WARNING = (
    "Anyone with this key file can read every case in the database: keep it offline (a USB "
    "stick in a locked drawer, or the organisation's password manager), never beside the "
    "laptop, and delete any other copy."
)


@dataclass(frozen=True)
class EncryptResult:
    path: Path
    in_keyring: bool  # False: the key came from DOORSTEP_DB_KEY and must be kept by the person
    already: bool  # the database was encrypted before; only leftovers were sealed
    files_sealed: int  # attachments, issued letters and visit drafts
    backups_encrypted: int
    fingerprint: str  # a short name for the key (not the key)


def database_path(target: str | Path) -> Path:
    """The SQLite file behind ``target``; a team server is refused in one sentence."""
    _, path = to_url(target)
    if path is None:
        raise ValidationError(
            "Only a laptop's database file can be encrypted here; a team server is protected "
            "on the server (PostgreSQL with an encrypted disk)."
        )
    return path


def is_encrypted(path: Path) -> bool:
    return Path(path).is_file() and cipher.looks_encrypted(Path(path))


# -- encrypt ---------------------------------------------------------------------------------
def encrypt_database(target: str | Path) -> EncryptResult:
    """Encrypt the plain database at ``target`` in place (see the module's docstring)."""
    path = database_path(target)
    if not path.is_file():
        raise ValidationError(f"There is no database at {path}; nothing was changed.")
    stale = path.with_name(f".{path.name}.plain-old")
    if is_encrypted(path):
        key = cipher.opening_key(path)
        if key is None:
            raise cipher.cannot_open(path, ValidationError)
        _wipe(stale)  # a conversion cut short after the swap
        sealed, converted = _seal_leftovers(path, key)
        return EncryptResult(
            path,
            cipher.stored_key(path) == key,
            True,
            sealed,
            converted,
            cipher.key_fingerprint(key),
        )
    stale.unlink(missing_ok=True)  # the database is still plain: only a stray link to it
    backups.verify_backup(path)  # a Doorstep database, whole, at a schema this release knows
    key, in_keyring = cipher.new_key(path)
    tmp = path.with_name(f".{path.name}.encrypting")
    try:
        backups._checkpoint(path)  # nothing may live only in the -wal
        _export(path, tmp, key)
        _swap(path, tmp, stale)
    except BaseException:
        tmp.unlink(missing_ok=True)
        if in_keyring and not is_encrypted(path):
            cipher.forget_key(path)
        raise
    sealed, converted = _seal_leftovers(path, key)
    return EncryptResult(path, in_keyring, False, sealed, converted, cipher.key_fingerprint(key))


def _tables(conn) -> dict[str, int]:
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND rootpage > 0 "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def _export(plain: Path, tmp: Path, key: bytes) -> None:
    """The encrypted copy, checked: integrity ok and the same rows in every table."""
    dbapi = cipher.driver()
    tmp.unlink(missing_ok=True)
    try:
        with private_umask():
            cipher.copy_database(plain, tmp, None, key)
        make_private(tmp)
        with contextlib.closing(
            sqlite3.connect(f"{plain.resolve().as_uri()}?mode=ro", uri=True)
        ) as src:
            expected = _tables(src)
        with contextlib.closing(cipher.connect(tmp, key)) as dst:
            dst.execute("PRAGMA journal_mode=WAL")
            check = [r[0] for r in dst.execute("PRAGMA integrity_check")]
            copied = _tables(dst)
            dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except (sqlite3.Error, dbapi.Error) as exc:
        raise StorageError(
            f"The encrypted copy could not be written ({exc}); nothing was changed."
        ) from None
    if check != ["ok"] or copied != expected:
        raise StorageError(
            "The encrypted copy did not match the database, so it was not used; nothing was changed."
        )
    with tmp.open("rb+") as fh:
        os.fsync(fh.fileno())


def _swap(path: Path, tmp: Path, stale: Path) -> None:
    """Rename the encrypted copy over the database in one step, then wipe the plain one."""
    os.link(path, stale)  # keeps the plain file reachable to wipe it once it is replaced
    os.replace(tmp, path)
    _fsync_dir(path.parent)
    for companion in sqlite_companions(path)[1:]:
        companion.unlink(missing_ok=True)  # the plain -wal (emptied) and -shm
    for companion in sqlite_companions(tmp)[1:]:
        companion.unlink(missing_ok=True)
    _wipe(stale)
    make_private(path)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _wipe(path: Path) -> None:
    """Overwrite a plain file with zeros, then remove it (best effort: see the docstring)."""
    if not path.is_file():
        return
    with contextlib.suppress(OSError), path.open("r+b") as fh:
        size = fh.seek(0, os.SEEK_END)
        fh.seek(0)
        block = b"\0" * (1 << 20)
        while size > 0:
            size -= fh.write(block[: min(size, len(block))])
        fh.flush()
        os.fsync(fh.fileno())
    path.unlink(missing_ok=True)


def _seal_file(file: Path, key: bytes, label: str, check_sha: str | None = None) -> bool:
    """Seal one plain file in place (a sealed or unreadable one is left); True if sealed."""
    data = file.read_bytes()
    if cipher.is_sealed(data):
        return False
    if check_sha is not None and hashlib.sha256(data).hexdigest() != check_sha:
        return False  # damaged: left as it is for a person to look at
    tmp = file.with_name(f".{file.name}.sealing")
    with private_umask():
        tmp.write_bytes(cipher.seal(data, key, label))
    make_private(tmp)
    os.replace(tmp, file)
    return True


def _seal_leftovers(path: Path, key: bytes) -> tuple[int, int]:
    """Seal the plain attachments, letters and (for the user's database) visit drafts; encrypt
    the plain backups Doorstep made of this database. Returns (files sealed, backups)."""
    from app.services.attachments import SHA256, blob_label

    sealed = 0
    store = path.parent / "attachments"
    if store.is_dir():
        for blob in store.glob("??/*"):
            if blob.is_file() and SHA256.fullmatch(blob.name):
                sealed += _seal_file(blob, key, blob_label(blob.name), blob.name)
    if path.resolve() == default_database().resolve() and drafts_dir().is_dir():
        for draft in drafts_dir().glob("*.json"):
            sealed += _seal_file(draft, key, DRAFT_LABEL)
    converted = 0
    for copy in _backups_of(path):
        if not cipher.looks_encrypted(copy) and _encrypt_copy(copy, key):
            converted += 1
    return sealed, converted


def _backups_of(path: Path) -> list[Path]:
    """The copies Doorstep made of this database: daily and before-restore ones in backups/,
    and the ones beside it made before a migration."""
    found = [p for p in path.parent.glob(f"{path.stem}.backup-*{path.suffix}") if p.is_file()]
    folder = backups.backups_dir(path)
    if folder.is_dir():
        for p in folder.iterdir():
            m = backups.NAMED.match(p.name)
            if m and m["stem"] == path.stem and p.is_file():
                found.append(p)
    return sorted(found)


def _encrypt_copy(copy: Path, key: bytes) -> bool:
    """Replace a plain backup with an encrypted one (a copy that does not verify is left)."""
    try:
        backups.verify_backup(copy)
    except ValidationError:
        return False
    tmp = copy.with_name(f".{copy.name}.encrypting")
    try:
        _export(copy, tmp, key)
        with contextlib.closing(cipher.connect(tmp, key)) as conn:
            conn.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
        stale = copy.with_name(f".{copy.name}.plain-old")
        _swap(copy, tmp, stale)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True


# -- the key ---------------------------------------------------------------------------------
def _encrypted_key(path: Path) -> bytes:
    if not path.is_file():
        raise ValidationError(f"There is no database at {path}.")
    if not is_encrypted(path):
        raise ValidationError(f"{path} is not encrypted, so it has no key to export.")
    key = cipher.opening_key(path)
    if key is None:
        raise cipher.cannot_open(path, ValidationError)
    return key


def export_key(target: str | Path, out: Path) -> str:
    """Write the database's key (hex) to ``out``, readable only by its owner; returns the key's
    fingerprint. Refuses to overwrite a file."""
    path = database_path(target)
    key = _encrypted_key(path)
    out = Path(out)
    if out.exists():
        raise ValidationError(f"{out} already exists; choose a new file for the key.")
    if not out.parent.is_dir():
        raise ValidationError(f"{out.parent} is not a folder that exists.")
    with private_umask():
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(KEY_FILE_HEADER.format(path=path) + key.hex() + "\n")
    make_private(out)
    return cipher.key_fingerprint(key)


def read_key_file(file: Path) -> bytes:
    file = Path(file)
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        raise ValidationError(f"{file} cannot be read as a key file.") from None
    body = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    if len(body) != 1:
        raise ValidationError(f"{file} does not hold one key (64 hexadecimal digits).")
    return cipher.parse_key(body[0], str(file))


def import_key(target: str | Path, file: Path) -> tuple[str, bool]:
    """Keep the key from ``file`` in this computer's keyring for the database at ``target``.

    When the database is already there the key must open it (else nothing is stored).
    Returns the key's fingerprint and whether it was checked against the database."""
    path = database_path(target)
    key = read_key_file(file)
    checked = is_encrypted(path)
    if path.exists() and not checked:
        raise ValidationError(f"{path} is not encrypted; it needs no key.")
    if checked and not cipher.key_opens(path, key):
        raise ValidationError(f"That key does not open {path}; nothing was stored.")
    cipher.save_key(path, key)
    return cipher.key_fingerprint(key), checked
