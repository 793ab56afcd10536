"""`doorstep verify-trail`, `backup` and `restore`: exit codes and one-sentence errors."""

from __future__ import annotations

import sqlite3

import pytest

from app.cli import main
from tests.conftest import EXAMPLE, OWN_EXAMPLES
from tests.pg import skip_without_pg


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "cases.sqlite"
    assert run(capsys, "import", str(OWN_EXAMPLES / EXAMPLE), "--db", str(path))[0] == 0
    return path


def test_verify_trail_passes_on_an_untouched_database(db, capsys):
    assert run(capsys, "verify-trail", "--db", str(db)) == (0, "1 entry verified\n", "")


def test_verify_trail_names_the_first_broken_entry(db, capsys):
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET actor = 'someone.else'")
    conn.commit()
    conn.close()
    code, out, err = run(capsys, "verify-trail", "--db", str(db))
    assert (code, out) == (1, "")
    assert err.startswith("doorstep: Trail entry 1 (") and "import_bundle) was changed" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_verify_trail_without_a_database_is_one_sentence(tmp_path, capsys):
    code, out, err = run(capsys, "verify-trail", "--db", str(tmp_path / "none.sqlite"))
    assert code == 1 and err.count("\n") == 1 and "no database" in err


def test_backup_then_restore_round_trips(db, tmp_path, capsys):
    copy = tmp_path / "copy.sqlite"
    code, out, err = run(capsys, "backup", "--out", str(copy), "--db", str(db))
    assert (code, out, err) == (0, f"Wrote {copy} (verified)\n", "")
    run(capsys, "import", str(OWN_EXAMPLES / EXAMPLE), "--db", str(tmp_path / "x.sqlite"))
    code, out, err = run(capsys, "restore", str(copy), "--db", str(db))
    assert code == 0 and err == ""
    assert out.startswith(f"Restored {db} from {copy}\nThe database it replaced is kept as ")
    assert run(capsys, "verify-trail", "--db", str(db))[0] == 0


def test_backup_goes_to_the_backups_folder_by_default(db, capsys):
    code, out, _ = run(capsys, "backup", "--db", str(db))
    assert code == 0 and out.startswith(f"Wrote {db.parent / 'backups' / 'cases-'}")


@pytest.mark.parametrize(
    "content, words",
    [(b"garbage " * 100, "not an SQLite file"), (None, "there is no such file")],
)
def test_restore_refuses_a_bad_file_in_one_sentence(db, tmp_path, capsys, content, words):
    bad = tmp_path / "bad.sqlite"
    if content is not None:
        bad.write_bytes(content)
    before = db.read_bytes()
    code, out, err = run(capsys, "restore", str(bad), "--db", str(db))
    assert (code, out) == (1, "")
    assert words in err and err.count("\n") == 1
    assert db.read_bytes() == before


def test_restore_needs_a_file(capsys):
    assert run(capsys, "restore")[0] == 2


@pytest.mark.postgres
@skip_without_pg
def test_backup_of_a_team_database_points_to_pg_dump(pg_url, capsys):
    from app.store.database import open_database

    open_database(pg_url).close()
    code, out, err = run(capsys, "backup", "--db", pg_url)
    assert (code, out) == (2, "")
    assert "pg_dump" in err and err.count("\n") == 1
    assert run(capsys, "verify-trail", "--db", pg_url) == (0, "0 entries verified\n", "")
