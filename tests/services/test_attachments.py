"""Attachments: content-addressed storage, size limit from policy, clear refusals."""

from __future__ import annotations

import hashlib

import pytest

from app.errors import StorageError, ValidationError
from app.services.attachments import add_attachment, attachment_file, blob_path, list_attachments


def test_files_are_stored_once_by_sha256_and_reopen_intact(office, tmp_path):
    a = tmp_path / "photo.jpg"
    a.write_bytes(b"\xff\xd8 not really a jpeg " * 100)
    b = tmp_path / "copy.jpg"
    b.write_bytes(a.read_bytes())
    first = add_attachment(office, "ASB-1", a)
    second = add_attachment(office, "ASB-1", b)
    sha = hashlib.sha256(a.read_bytes()).hexdigest()
    assert first.sha256 == second.sha256 == sha
    assert blob_path(office, sha).read_bytes() == a.read_bytes()
    assert [x.filename for x in list_attachments(office, "ASB-1")] == ["photo.jpg", "copy.jpg"]
    assert first.mime == "image/jpeg"
    opened = attachment_file(office, first.id)
    assert opened.name == "photo.jpg" and opened.read_bytes() == a.read_bytes()


def test_too_large_unreadable_and_empty_files_are_refused(office, tmp_path):
    limit = office.registry.get().attachments_max_mb
    big = tmp_path / "scan.pdf"
    with big.open("wb") as fh:
        fh.truncate(limit * (1 << 20) + 1)
    with pytest.raises(ValidationError, match=f"larger than the {limit} MB limit"):
        add_attachment(office, "ASB-1", big)
    with pytest.raises(ValidationError, match="not a file that can be read"):
        add_attachment(office, "ASB-1", tmp_path / "missing.eml")
    with pytest.raises(ValidationError, match="not a file"):
        add_attachment(office, "ASB-1", tmp_path)
    empty = tmp_path / "empty.msg"
    empty.write_bytes(b"")
    with pytest.raises(ValidationError, match="empty"):
        add_attachment(office, "ASB-1", empty)
    assert list_attachments(office, "ASB-1") == []


def test_a_damaged_stored_copy_is_reported(office, tmp_path):
    f = tmp_path / "letter.pdf"
    f.write_bytes(b"%PDF-1.4 test")
    view = add_attachment(office, "ASB-1", f)
    blob_path(office, view.sha256).write_bytes(b"tampered")
    with pytest.raises(StorageError, match="damaged"):
        attachment_file(office, view.id)


def _mode(path) -> int:
    import os
    import stat

    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_022():
    import os

    old = os.umask(0o022)
    yield
    os.umask(old)


def test_stored_files_and_their_folders_are_owner_only(office, tmp_path, umask_022):
    from app.services.attachments import store_dir

    src = tmp_path / "letter.pdf"
    src.write_bytes(b"%PDF- a letter " * 50)
    view = add_attachment(office, "ASB-1", src)
    blob = blob_path(office, view.sha256)
    assert _mode(blob) == 0o600
    assert _mode(blob.parent) == 0o700 and _mode(store_dir(office)) == 0o700


def test_files_opened_for_viewing_are_private_copies_removed_afterwards(
    office, tmp_path, umask_022
):
    from app.services.attachments import clear_viewing, viewing_dir

    src = tmp_path / "photo.jpg"
    src.write_bytes(b"\xff\xd8 photo " * 40)
    opened = attachment_file(office, add_attachment(office, "ASB-1", src).id)
    folder = viewing_dir()
    assert opened.is_relative_to(folder)
    assert _mode(folder) == 0o700 and _mode(opened.parent) == 0o700 and _mode(opened) == 0o600
    clear_viewing()
    assert not folder.exists() and not opened.exists()


@pytest.mark.parametrize(
    "stored_name",
    ["/etc/doorstep-escape", "../../doorstep-escape", "..", "a/../../b", "sub/name.txt", ""],
)
def test_a_stored_filename_cannot_point_outside_the_viewing_folder(office, tmp_path, stored_name):
    from sqlalchemy import update

    from app.services.attachments import clear_viewing, viewing_dir
    from app.store.models import Attachment

    src = tmp_path / "note.txt"
    src.write_bytes(b"plain note " * 10)
    view = add_attachment(office, "ASB-1", src)
    with office.db.write() as s:
        s.execute(update(Attachment).values(filename=stored_name))
    opened = attachment_file(office, view.id)
    assert opened.parent.parent == viewing_dir()
    assert opened.name == f"attachment-{view.sha256[:12]}"
    assert opened.read_bytes() == src.read_bytes()
    clear_viewing()


@pytest.mark.parametrize("stored_sha", ["../../../etc/passwd", "/etc/passwd", "ab" * 31 + "/x"])
def test_a_stored_checksum_cannot_point_outside_the_store(office, tmp_path, stored_sha):
    from sqlalchemy import update

    from app.store.models import Attachment

    src = tmp_path / "note.txt"
    src.write_bytes(b"plain note " * 10)
    view = add_attachment(office, "ASB-1", src)
    with office.db.write() as s:
        s.execute(update(Attachment).values(sha256=stored_sha))
    with pytest.raises(StorageError, match="checksum is not valid"):
        attachment_file(office, view.id)
