"""Subject access: everything held about one resident, in one zip, for a manager to send them.

The resident is found by a case ref or by their name (compared without regard to case, spacing
or accents). A resident's cases are those of the same resident record, or of a record with the
same name and the same address (each imported case has its own record). Two people with the
same name are never mixed: the request is refused with the refs to choose from.

The export is recorded in the trail (who, when, which refs), never with the resident's name.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.domain.calendar import LONDON
from app.errors import NotFound, PermissionDenied, StorageError, ValidationError
from app.paths import make_private, private_umask
from app.services.access import Do, acting, person_of, require
from app.services.attachments import CHUNK, blob_path, safe_name
from app.services.bundles import export_bundle
from app.services.cases import log_action
from app.services.people import name_and_title
from app.services.workspace import Workspace
from app.store.models import Attachment, AuditLog, Case, Letter, Resident


@dataclass(frozen=True)
class SarResult:
    path: Path
    refs: tuple[str, ...]
    letters: int
    attachments: int
    trail_entries: int
    missing: tuple[str, ...]  # stored files that were missing or damaged (named in README.txt)


TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr"})


def normalise_name(name: str) -> str:
    """``"  Mr José  O'BRIEN "`` → ``"jose o'brien"``: no accents, one space, case folded,
    without a leading title."""
    plain = name or ""
    if not plain.isascii():
        decomposed = unicodedata.normalize("NFKD", plain)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = plain.casefold().split()
    if len(words) > 1 and words[0].rstrip(".") in TITLES:
        words = words[1:]
    return " ".join(words)


def _address_key(address: str | None) -> str:
    return " ".join((address or "").casefold().replace(",", " ").split())


def _refs_text(refs: Iterable[str]) -> str:
    items = sorted(refs)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _cases_by_resident(
    s: Session, resident_ids: Iterable[uuid.UUID]
) -> list[tuple[str, uuid.UUID]]:
    ids = list(resident_ids)
    if not ids:
        return []
    return [
        (ref, rid)
        for ref, rid in s.execute(
            select(Case.ref, Case.resident_id).where(Case.resident_id.in_(ids)).order_by(Case.ref)
        )
    ]


def find_subject(s: Session, name_or_ref: str) -> tuple[str, ...]:
    """The refs of every case of the resident named (or of the case's resident), or an error."""
    text = (name_or_ref or "").strip()
    if not text:
        raise ValidationError("Give the resident's name or one of their case refs.")
    case = s.scalar(select(Case).where(Case.ref == text))
    if case is None and text.upper() != text:
        case = s.scalar(select(Case).where(Case.ref == text.upper()))
    # every resident record, compared in Python: accents and spacing do not survive SQL LIKE
    wanted = normalise_name(case.resident.name if case is not None else text)
    if not wanted:
        raise ValidationError("Give the resident's name or one of their case refs.")
    rows = s.execute(select(Resident.id, Resident.name, Resident.address)).all()
    same_name = {
        rid: _address_key(address) for rid, name, address in rows if normalise_name(name) == wanted
    }
    if case is not None:
        key = same_name.get(case.resident_id, "")
        chosen = {rid for rid, k in same_name.items() if k == key} | {case.resident_id}
        return tuple(ref for ref, _ in _cases_by_resident(s, chosen))
    if not same_name:
        raise NotFound("No case is held for a resident of that name (try one of their case refs).")
    people: dict[str, list[str]] = {}
    for ref, rid in _cases_by_resident(s, same_name):
        people.setdefault(same_name[rid], []).append(ref)
    if not people:
        raise NotFound("No case is held for a resident of that name (try one of their case refs).")
    if len(people) > 1:
        groups = "; ".join(_refs_text(refs) for refs in sorted(people.values()))
        raise ValidationError(
            f"{len(people)} different residents (at different addresses) have that name; "
            f"give one of their case refs instead ({groups})."
        )
    return tuple(next(iter(people.values())))


def _folder(ref: str) -> str:
    return safe_name(ref.replace("/", "-"), hashlib.sha256(ref.encode()).hexdigest())


def _unique(name: str, used: set[str]) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    candidate, n = name, 1
    while candidate in used:
        n += 1
        candidate = f"{stem} ({n}){dot}{ext}" if dot else f"{name} ({n})"
    used.add(candidate)
    return candidate


def _checked_copy(ws: Workspace, sha: str, zf: zipfile.ZipFile, arcname: str) -> bool:
    """Copy a stored file into the zip if it is there and matches its checksum."""
    try:
        path = blob_path(ws, sha)
    except StorageError:
        return False
    if not path.is_file():
        return False
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    if digest.hexdigest() != sha:
        return False
    zf.write(path, arcname)
    return True


def _letter_record(row: Letter) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "template": row.template,
        "status": row.status,
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "created_by": row.created_by,
        "approved_by": row.approved_by,
        "issued_at": row.issued_at.isoformat() if row.issued_at else None,
        "pdf_sha256": row.pdf_sha256,
        "content": row.content or {},
    }


def _trail_record(row: AuditLog) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "at": row.at.isoformat(),
        "actor": row.actor,
        "device": row.device,
        "action": row.action,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "detail": row.detail or {},
    }


def _json(data: Any) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n"


def _write_case(ws: Workspace, ref: str, zf: zipfile.ZipFile, counts: dict[str, Any]) -> None:
    folder = _folder(ref)
    zf.writestr(f"{folder}/case.json", _json(export_bundle(ws, ref)))
    with ws.db.read() as s:
        case_id = s.scalar(select(Case.id).where(Case.ref == ref))
        letters = list(
            s.scalars(select(Letter).where(Letter.case_id == case_id).order_by(Letter.created_at))
        )
        files = list(
            s.scalars(
                select(Attachment)
                .where(Attachment.case_id == case_id)
                .order_by(Attachment.added_at)
            )
        )
        letter_ids = [str(r.id) for r in letters]
        trail = list(
            s.scalars(
                select(AuditLog)
                .where(
                    or_(
                        (AuditLog.entity == "case") & (AuditLog.entity_id == ref),
                        (AuditLog.entity == "letter") & AuditLog.entity_id.in_(letter_ids or [""]),
                    )
                )
                .order_by(AuditLog.seq.is_not(None), AuditLog.seq, AuditLog.at)
            )
        )
        letter_records = [_letter_record(r) for r in letters]
        trail_records = [_trail_record(r) for r in trail]
        issued = {r.pdf_sha256 for r in letters if r.status == "issued" and r.pdf_sha256}
        stored = [(a.filename, a.sha256) for a in files]
    zf.writestr(f"{folder}/letters.json", _json(letter_records))
    zf.writestr(f"{folder}/trail.json", _json(trail_records))
    counts["trail"] += len(trail_records)
    used: set[str] = set()
    for filename, sha in stored:
        sub = "letters" if sha in issued else "attachments"
        name = _unique(f"{sub}/{safe_name(filename, sha)}", used)
        if _checked_copy(ws, sha, zf, f"{folder}/{name}"):
            counts[sub] += 1
        else:
            counts["missing"].append(f"{ref}: {filename}")


def _readme(ws: Workspace, refs: tuple[str, ...], counts: dict[str, Any], when: dt.datetime) -> str:
    local = when.astimezone(LONDON).strftime("%d %B %Y at %H:%M (%Z)")
    lines = [
        "Subject access export from Doorstep",
        "",
        f"Made on {local} by {name_and_title(ws, person_of(ws).username)} "
        f"(device {ws.actor.device}).",
        f"Cases included ({len(refs)}): {', '.join(refs)}.",
        "",
        "For each case there is a folder named after its reference, holding:",
        "  case.json     the case record: the resident's details as held, and every entry of the",
        "                case's history (contacts, reports, decisions, letters sent), as a case bundle",
        "  letters.json  every letter prepared on the case, with its content and status",
        "  letters/      the PDF of each letter issued (as sent)",
        "  attachments/  every file attached to the case (and plain-text copies of letters)",
        "  trail.json    the audit trail entries about the case: who recorded or changed what, when",
        "",
        f"Totals: {counts['letters']} issued letter file(s), {counts['attachments']} attachment(s), "
        f"{counts['trail']} trail entr{'y' if counts['trail'] == 1 else 'ies'}.",
    ]
    if counts["missing"]:
        lines += ["", "Could not be included (the stored copy is missing or damaged):"]
        lines += [f"  {item}" for item in counts["missing"]]
    return "\n".join(lines) + "\n"


def privacy_tools_allowed(ws: Workspace) -> bool:
    """Whether the acting person may export subject access and delete expired cases (for the UI
    to offer File › Privacy…; the services check again)."""
    try:
        with ws.db.read() as s:
            person = acting(s)
    except PermissionDenied:
        return False
    return person.may(Do.SAR) and person.may(Do.RETENTION)


def subject_access(
    ws: Workspace,
    name_or_ref: str,
    out: Path,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SarResult:
    """Write everything held about the resident to ``out`` (a zip, owner-only), and record the
    export in the trail. A manager's or admin's step. ``progress(done, total)`` is called before
    each case; an exception it raises (a cancel) leaves nothing written and nothing recorded."""
    out = Path(out)
    with ws.db.read() as s:
        require(s, Do.SAR)
        refs = find_subject(s, name_or_ref)
    if out.exists() and not overwrite:
        raise ValidationError(f"{out} already exists; choose a new file name.")
    if not out.parent.is_dir():
        raise ValidationError(f"The folder {out.parent} does not exist.")
    when = ws.now()
    counts: dict[str, Any] = {"letters": 0, "attachments": 0, "trail": 0, "missing": []}
    try:
        with private_umask():
            fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=".sar-", suffix=".zip")
    except OSError as exc:
        raise ValidationError(f"Cannot write in {out.parent} ({exc.strerror or exc}).") from None
    tmp = Path(tmp_name)
    moved = False
    try:
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for i, ref in enumerate(refs):
                    if progress is not None:
                        progress(i, len(refs))
                    _write_case(ws, ref, zf, counts)
                zf.writestr("README.txt", _readme(ws, refs, counts, when))
            fh.flush()
            os.fsync(fh.fileno())
        make_private(tmp)
        with ws.db.write() as s:
            require(s, Do.SAR)
            log_action(
                s,
                ws,
                "subject_access",
                "subject_access",
                str(uuid.uuid4()),
                refs=list(refs),
                letters=counts["letters"],
                attachments=counts["attachments"],
                trail_entries=counts["trail"],
            )
            os.replace(tmp, out)
            moved = True
    except OSError as exc:
        if moved:
            with contextlib.suppress(OSError):
                out.unlink()
        if exc.errno == 28:
            raise StorageError("The disk is full, so the export was not written.") from None
        raise StorageError(f"The export could not be written ({exc.strerror or exc}).") from None
    except BaseException:
        if moved:  # the trail entry was not committed: no export without its record
            with contextlib.suppress(OSError):
                out.unlink()
        raise
    finally:
        tmp.unlink(missing_ok=True)
    return SarResult(
        out,
        refs,
        counts["letters"],
        counts["attachments"],
        counts["trail"],
        tuple(counts["missing"]),
    )
