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
