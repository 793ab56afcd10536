"""Encryption at rest on a laptop: an SQLCipher database and the files kept beside it.

The key is 32 random bytes, used raw (``PRAGMA key = "x'…'"``: no slow passphrase derivation on
every connection). It lives in the operating system's keyring (service ``doorstep``, username =
the database file's absolute path), or is given in ``DOORSTEP_DB_KEY`` as 64 hex digits, which
wins over the keyring. Without a secure keyring and without that variable, encryption cannot be
turned on: a key that cannot be kept safely would only lock the officer out of their cases.

An encrypted database file has no SQLite header: its first bytes are SQLCipher's random salt.
Attachments and visit drafts of an encrypted database are sealed with the same key (AES-256-GCM,
a fresh random nonce per file), so a stolen laptop's disk holds no case text in the clear.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
from pathlib import Path
from types import ModuleType

from app.errors import StorageError, ValidationError

log = logging.getLogger(__name__)
KEY_ENV = "DOORSTEP_DB_KEY"
KEYRING_SERVICE = "doorstep"
KEY_BYTES = 32
HEX_KEY = re.compile(r"[0-9a-fA-F]{64}")
SQLITE_MAGIC = b"SQLite format 3\x00"
SEALED_MAGIC = b"DOORSTEP-AESGCM1"  # 16 bytes, then a 12-byte nonce, then ciphertext + tag
NONCE_BYTES = 12
NO_KEY_STORE = (
    "Encryption cannot be turned on: this computer has no secure key store (a keyring such as "
    "GNOME Keyring, KWallet, macOS Keychain or Windows Credential Manager) to keep the key in, "
    f"and no key is given in {KEY_ENV}."
)


# -- the driver ------------------------------------------------------------------------------
_quiet = False


def driver() -> ModuleType:
    """The SQLCipher DB-API module (``sqlcipher3``), told not to write its own log to stderr."""
    global _quiet
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        raise StorageError(
            "Encrypted databases need SQLCipher (the sqlcipher3 package), which is not installed "
            "here; install sqlcipher3-binary (Linux) or sqlcipher3 built against SQLCipher."
        ) from None
    if not _quiet:
        # SQLCipher logs a failed key to stderr by default; the person gets one sentence instead.
        conn = dbapi2.connect(":memory:")
        try:
            conn.execute("PRAGMA cipher_log_level = NONE")
        finally:
            conn.close()
        _quiet = True
    return dbapi2


def key_pragma(key: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect(target: str | Path, key: bytes, **kwargs):
    """An SQLCipher connection with the key applied first (the key is not checked here)."""
    conn = driver().connect(str(target), **kwargs)
    conn.execute(key_pragma(key))
    return conn


def looks_encrypted(path: Path) -> bool:
    """Whether ``path`` may be an SQLCipher database: a file of whole pages without SQLite's
    header (a text file or other stray file is reported as 'not an SQLite file' instead)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return size >= 1024 and size % 512 == 0 and head != SQLITE_MAGIC


def cannot_open(path: Path, error: type[Exception] = StorageError) -> Exception:
    return error(
        f"{path} is encrypted and cannot be opened with the key on this computer; "
        "nothing was changed."
    )


def key_opens(path: Path, key: bytes) -> bool:
    """Whether ``key`` decrypts the database at ``path`` (read-only: the file is not touched)."""
    dbapi = driver()
    try:
        conn = connect(f"{Path(path).resolve().as_uri()}?mode=ro", key, uri=True)
    except dbapi.Error:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except dbapi.DatabaseError:
        return False
    finally:
        conn.close()
    return True


# -- the key ---------------------------------------------------------------------------------
def parse_key(text: str, where: str) -> bytes:
    text = text.strip()
    if not HEX_KEY.fullmatch(text):
        raise ValidationError(f"The key in {where} is not 64 hexadecimal digits.")
    return bytes.fromhex(text)


def env_key() -> bytes | None:
    text = os.environ.get(KEY_ENV)
    return parse_key(text, KEY_ENV) if text else None


def keyring_backend():
    """The keyring when it is a secure one; None on a machine without (a headless server),
    or when only an insecure file-based one (keyrings.alt) is installed."""
    try:
        import keyring
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
        priority = float(getattr(backend, "priority", 0))
    except Exception:  # a keyring that cannot even start counts as none
        return None
    module = type(backend).__module__
    if priority <= 0 or module.startswith(("keyrings.alt", "keyring.backends.fail")):
        return None
    return backend


def _username(path: Path) -> str:
    return str(Path(path).expanduser().resolve())


def stored_key(path: Path) -> bytes | None:
    """The key kept in the keyring for the database at ``path``, if any."""
    backend = keyring_backend()
    if backend is None:
        return None
    try:
        text = backend.get_password(KEYRING_SERVICE, _username(path))
    except Exception:  # locked or broken keyring: as good as no key here
        log.warning("the keyring could not be read")
        return None
    if not text:
        return None
    return parse_key(text, "the keyring")


def opening_key(path: Path, *extra: bytes | None) -> bytes | None:
    """The first key that decrypts ``path``: those given, then ``DOORSTEP_DB_KEY``, then the
    keyring entry for ``path``. None when none does."""
    for candidate in (*extra, env_key(), stored_key(path)):
        if candidate is not None and key_opens(path, candidate):
            return candidate
    return None


def key_for(path: Path) -> bytes | None:
    """The key for the database at ``path``: ``DOORSTEP_DB_KEY`` first, then the keyring."""
    return env_key() or stored_key(path)


def save_key(path: Path, key: bytes) -> None:
    backend = keyring_backend()
    if backend is None:
        raise ValidationError(
            "This computer has no secure key store (keyring) to keep the key in; give the key "
            f"in {KEY_ENV} instead."
        )
    try:
        backend.set_password(KEYRING_SERVICE, _username(path), key.hex())
    except Exception as exc:
        raise StorageError(
            f"The key could not be stored in the keyring ({exc.__class__.__name__}); nothing "
            "was changed."
        ) from None


def forget_key(path: Path) -> None:
    backend = keyring_backend()
    if backend is not None:
        with contextlib.suppress(Exception):
            backend.delete_password(KEYRING_SERVICE, _username(path))


def encryption_unavailable() -> str | None:
    """Why encryption cannot be turned on here, or None when it can."""
    try:
        driver()
        env_key()
    except (StorageError, ValidationError) as exc:
        return str(exc)
    if os.environ.get(KEY_ENV) or keyring_backend() is not None:
        return None
    return NO_KEY_STORE


def new_key(path: Path) -> tuple[bytes, bool]:
    """The key to encrypt ``path`` with, and whether it was put in the keyring (undo with
    ``forget_key``). ``DOORSTEP_DB_KEY`` wins; else 32 random bytes go into the keyring."""
    reason = encryption_unavailable()
    if reason is not None:
        raise ValidationError(reason)
    given = env_key()
    if given is not None:
        return given, False
    key = os.urandom(KEY_BYTES)
    save_key(path, key)
    return key, True


# -- files sealed with the key ---------------------------------------------------------------
def _aead(key: bytes):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def is_sealed(data: bytes) -> bool:
    return data.startswith(SEALED_MAGIC)


def seal(data: bytes, key: bytes, label: str) -> bytes:
    """``data`` encrypted and authenticated; ``label`` binds it to its purpose (not secret)."""
    nonce = os.urandom(NONCE_BYTES)
    return SEALED_MAGIC + nonce + _aead(key).encrypt(nonce, data, label.encode())


def unseal(data: bytes, key: bytes | None, label: str, name: str) -> bytes:
    """The plain bytes of a sealed file; a plain (never sealed) file is returned as it is."""
    if not is_sealed(data):
        return data
    from cryptography.exceptions import InvalidTag

    if key is None:
        raise StorageError(f"{name} is encrypted and there is no key for it on this computer.")
    start = len(SEALED_MAGIC)
    nonce, body = data[start : start + NONCE_BYTES], data[start + NONCE_BYTES :]
    try:
        return _aead(key).decrypt(nonce, body, label.encode())
    except InvalidTag:
        raise StorageError(
            f"{name} cannot be decrypted with the key on this computer (or it is damaged)."
        ) from None


def key_fingerprint(key: bytes) -> str:
    """A short, safe-to-show name for a key (never the key itself)."""
    return hashlib.sha256(b"doorstep-key-id" + key).hexdigest()[:12]


# -- whole databases -------------------------------------------------------------------------
def copy_database(source: Path, target: Path, source_key: bytes | None, key: bytes) -> None:
    """Write an encrypted copy of ``source`` (plain, or encrypted with ``source_key``) to
    ``target`` with ``key``: the backup API when the keys match, else ``sqlcipher_export``."""
    dbapi = driver()
    if source_key == key:
        src = connect(source, key)
        try:
            dst = connect(target, key)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        return
    src = connect(source, source_key) if source_key else dbapi.connect(str(source))
    try:
        src.isolation_level = None
        src.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(target), f"x'{key.hex()}'"))
        try:
            src.execute("SELECT sqlcipher_export('encrypted')").fetchall()
        finally:
            src.execute("DETACH DATABASE encrypted")
    finally:
        src.close()
