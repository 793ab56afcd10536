"""Files attached to a case or a contact: stored once, content-addressed by SHA-256.

When the database is encrypted (SQLCipher) each stored file is sealed with the same key
(AES-256-GCM, app/store/cipher.py); its name stays the SHA-256 of the plain content, which is
checked again whenever it is read back.
"""

from __future__ import annotations

import atexit
import hashlib
import mimetypes
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.errors import NotFound, StorageError, ValidationError
from app.paths import data_dir, make_private, private_dir, private_umask
from app.services.access import check_case
from app.services.cases import find_case, log_action
from app.services.workspace import Workspace
from app.store import cipher
from app.store.models import Attachment, Case, CaseEvent

CHUNK = 1 << 20
SHA256 = re.compile(r"[0-9a-f]{64}")
_viewing: Path | None = None  # this process's private folder of copies opened for viewing


@dataclass(frozen=True)
class AttachmentView:
    id: str
    filename: str
    size: int
    mime: str
    sha256: str
    event_id: str | None
    added_by: str
    added_at: str


def store_dir(ws: Workspace) -> Path:
    """Beside an SQLite database (so the demo's files stay with the demo), else in the data directory."""
    base = ws.db.path.parent if ws.db.path is not None else data_dir()
    return base / "attachments"


def blob_path(ws: Workspace, sha256: str) -> Path:
    """Where a file is stored; a checksum that is not 64 hex digits (a damaged or doctored row)
    is refused, so no stored value can point outside the folder."""
    if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
        raise StorageError("An attachment's stored checksum is not valid, so it cannot be used.")
    return store_dir(ws) / sha256[:2] / sha256


def safe_name(name: str, sha256: str) -> str:
    """A stored filename usable inside a folder: no folders, no ``..``, nothing absolute;
    anything else becomes a plain name made from the checksum."""
    text = str(name or "")
    plain = (
        text
        and text not in (".", "..")
        and ".." not in text
        and not any(ch in text for ch in ("/", "\\", "\x00", ":"))
        and not os.path.isabs(text)
    )
    return text if plain else f"attachment-{sha256[:12]}"


def viewing_dir() -> Path:
    """A private (0700) temporary folder for copies opened in the system viewer, removed when
    Doorstep exits (or earlier with ``clear_viewing``)."""
    global _viewing
    if _viewing is None or not _viewing.is_dir():
        with private_umask():
            _viewing = Path(tempfile.mkdtemp(prefix="doorstep-view-"))
        atexit.register(clear_viewing)
    return _viewing


def clear_viewing() -> None:
    """Remove every copy made for viewing."""
    global _viewing
    if _viewing is not None:
        shutil.rmtree(_viewing, ignore_errors=True)
        _viewing = None


def blob_label(sha256: str) -> str:
    """What a sealed blob is bound to: it cannot be swapped for another file of the store."""
    return f"doorstep-attachment:{sha256}"


def seal_blob(ws: Workspace, sha256: str, data: bytes) -> bytes:
    """The bytes to store for ``data``: sealed with the database's key when it is encrypted."""
    key = ws.db.cipher_key
    return data if key is None else cipher.seal(data, key, blob_label(sha256))


def read_blob(ws: Workspace, sha256: str, name: str) -> bytes:
    """A stored file's plain content, checked against its SHA-256."""
    blob = blob_path(ws, sha256)
    if not blob.exists():
        raise StorageError(f"The stored copy of {name} is missing from {store_dir(ws)}.")
    data = cipher.unseal(
        blob.read_bytes(), ws.db.cipher_key, blob_label(sha256), f"The stored copy of {name}"
    )
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StorageError(f"The stored copy of {name} is damaged (its checksum does not match).")
    return data


def viewable_copy(ws: Workspace, sha256: str, name: str) -> Path:
    """A plain copy of a sealed file in the private viewing folder (removed on exit)."""
    data = read_blob(ws, sha256, name)
    named = private_dir(viewing_dir() / sha256[:12]) / safe_name(name, sha256)
    if not named.exists():
        with private_umask():
            named.write_bytes(data)
        make_private(named)
    return named


def _hash_copy(
    source: Path,
    limit: int,
    folder: Path,
    key: bytes | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[str, int, Path]:
    """Stream the file into a temporary (owner-only) file beside the store while hashing it;
    with a key the content is sealed (so it is held in memory: attachments are size-limited)."""
    private_dir(folder)
    digest = hashlib.sha256()
    size = 0
    held = bytearray() if key is not None else None
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    total = source.stat().st_size
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            while chunk := src.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ValidationError(
                        f"{source.name} is larger than the {limit // (1 << 20)} MB limit for attachments."
                    )
                digest.update(chunk)
                if progress is not None:  # may raise to cancel: the temporary file goes
                    progress(size, total)
                if held is None:
                    out.write(chunk)
                else:
                    held += chunk
            if held is not None and key is not None:
                sha = digest.hexdigest()
                out.write(cipher.seal(bytes(held), key, blob_label(sha)))
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size, Path(tmp)


def add_attachment(
    ws: Workspace,
    ref: str,
    source: Path,
    event_id: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AttachmentView:
    """Attach a file; ``progress(bytes_done, bytes_total)`` is called while it is hashed (a
    long job off the UI thread may raise from it to cancel: nothing is attached)."""
    source = Path(source)
    policy = ws.registry.get()
    limit = policy.attachments_max_mb * (1 << 20)
    if not source.is_file():
        raise ValidationError(
            f"{source.name} cannot be attached: it is not a file that can be read."
        )
    try:
        if source.stat().st_size > limit:
            raise ValidationError(
                f"{source.name} is larger than the {policy.attachments_max_mb} MB limit for attachments."
            )
        if source.stat().st_size == 0:
            raise ValidationError(f"{source.name} is empty; nothing to attach.")
        sha, size, tmp = _hash_copy(source, limit, store_dir(ws), ws.db.cipher_key, progress)
    except PermissionError:
        raise ValidationError(f"{source.name} cannot be read (permission denied).") from None
    except OSError as exc:
        if exc.errno == 28:  # ENOSPC
            raise StorageError("The disk is full, so the file was not attached.") from None
        raise ValidationError(f"{source.name} cannot be read ({exc.strerror or exc}).") from None
    target = blob_path(ws, sha)
    try:
        private_dir(target.parent)
        if target.exists():
            tmp.unlink(missing_ok=True)
        else:
            os.replace(tmp, target)
        with ws.db.write() as s:
            case = find_case(s, ref)
            if (
                event_id is not None
                and s.scalar(
                    select(CaseEvent.id).where(
                        CaseEvent.case_id == case.id, CaseEvent.local_id == event_id
                    )
                )
                is None
            ):
                raise NotFound(f"There is no entry {event_id!r} on case {ref}.")
            row = Attachment(
                case_id=case.id,
                event_local_id=event_id,
                filename=source.name,
                sha256=sha,
                size=size,
                mime=mimetypes.guess_type(source.name)[0] or "application/octet-stream",
                added_by=ws.actor.username,
                added_at=ws.now(),
                device=ws.actor.device,
            )
            s.add(row)
            s.flush()
            log_action(s, ws, "add_attachment", "case", ref, sha256=sha, size=size)
            return _view(row)
    finally:
        tmp.unlink(missing_ok=True)


def _view(a: Attachment) -> AttachmentView:
    return AttachmentView(
        id=str(a.id),
        filename=a.filename,
        size=a.size,
        mime=a.mime,
        sha256=a.sha256,
        event_id=a.event_local_id,
        added_by=a.added_by,
        added_at=a.added_at.isoformat(),
    )


def list_attachments(ws: Workspace, ref: str) -> list[AttachmentView]:
    with ws.db.read() as s:
        case = find_case(s, ref)
        rows = s.scalars(
            select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.added_at)
        )
        return [_view(a) for a in rows]


def attachment_file(ws: Workspace, attachment_id: str) -> Path:
    """The stored file, checked against its hash, under a readable name for the system viewer."""
    with ws.db.read() as s:
        row = s.get(Attachment, uuid.UUID(attachment_id))
        if row is None:
            raise NotFound("That attachment no longer exists.")
        case = s.get(Case, row.case_id)  # an attachment is seen only with its case
        check_case(s, case.ref, case.officer_id, write=False)
        sha, name = row.sha256, row.filename
    blob = blob_path(ws, sha)
    if not blob.exists():
        raise StorageError(f"The stored copy of {name} is missing from {store_dir(ws)}.")
    with blob.open("rb") as fh:
        sealed = cipher.is_sealed(fh.read(len(cipher.SEALED_MAGIC)))
    if sealed:
        return viewable_copy(ws, sha, name)
    digest = hashlib.sha256()
    with blob.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    if digest.hexdigest() != sha:
        raise StorageError(f"The stored copy of {name} is damaged (its checksum does not match).")
    view_dir = private_dir(viewing_dir() / sha[:12])
    named = view_dir / safe_name(name, sha)
    if not named.exists():
        with private_umask():
            shutil.copyfile(blob, named)
        make_private(named)
    return named
