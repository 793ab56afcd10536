"""Opening databases: pragmas, refusing what is not ours or is newer, backing up before migrating."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import textwrap
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.errors import StorageError
from app.paths import migrations_dir
from app.store.base import Base
from app.store.database import head_revision, is_search_table, open_database


def test_fresh_database_is_migrated_with_wal_full_sync_and_foreign_keys(tmp_path):
    db = open_database(tmp_path / "new" / "cases.sqlite")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        rev = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert rev == head_revision()
    assert db.backup_path is None  # nothing to back up when created
    db.close()


def test_models_and_migrations_agree(tmp_path):
    db = open_database(tmp_path / "c.sqlite")
    with db.engine.connect() as conn:
        skip_search = {
            "include_name": lambda name, type_, _p: not (type_ == "table" and is_search_table(name))
        }
        diffs = compare_metadata(MigrationContext.configure(conn, opts=skip_search), Base.metadata)
    db.close()
    assert diffs == []


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("this is a text file, not a database\n" * 10)
    with pytest.raises(StorageError, match="not an SQLite file"):
        open_database(path)
    assert path.read_text().startswith("this is a text file")


def test_someone_elses_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError, match="not a Doorstep database"):
        open_database(path)


def test_database_from_a_newer_version_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "c.sqlite"
    open_database(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(StorageError, match="newer version of Doorstep"):
        open_database(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_missing_database_is_not_created_when_asked_not_to(tmp_path):
    with pytest.raises(StorageError, match="no database"):
        open_database(tmp_path / "absent.sqlite", create=False)
    assert not (tmp_path / "absent.sqlite").exists()


def test_database_is_backed_up_before_a_migration(tmp_path, monkeypatch):
    path = tmp_path / "c.sqlite"
    db = open_database(path)
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('marker', '\"kept\"')"))
    db.close()
    # A newer release: the same migrations plus one more.
    migrations = tmp_path / "db"
    shutil.copytree("db", migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / "0999_test_column.py").write_text(
        textwrap.dedent(
            f"""
            import sqlalchemy as sa
            from alembic import op

            revision = "0999"
            down_revision = "{head_revision()}"
            branch_labels = None
            depends_on = None

            def upgrade():
                with op.batch_alter_table("settings") as b:
                    b.add_column(sa.Column("note", sa.Text(), nullable=True))

            def downgrade():
                with op.batch_alter_table("settings") as b:
                    b.drop_column("note")
            """
        )
    )
    monkeypatch.setattr("app.store.database.migrations_dir", lambda: migrations)
    db = open_database(path)
    assert db.backup_path is not None and db.backup_path.exists()
    with db.engine.connect() as conn:
        cols = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(settings)")]
    db.close()
    assert "note" in cols
    old = sqlite3.connect(db.backup_path)
    assert old.execute("SELECT value FROM settings WHERE key='marker'").fetchone() == ('"kept"',)
    assert [r[1] for r in old.execute("PRAGMA table_info(settings)")] == ["key", "value"]
    old.close()


def test_case_events_are_append_only_in_the_database(ws, example_doc):
    from app.services.bundles import import_bundle

    import_bundle(ws, example_doc)
    with ws.db.engine.connect() as conn:
        with pytest.raises(IntegrityError, match="append-only"):
            conn.execute(text("UPDATE case_events SET summary = 'changed'"))
        conn.rollback()
        with pytest.raises(IntegrityError, match="append-only"):
            conn.execute(text("DELETE FROM case_events"))
        conn.rollback()
        assert conn.execute(text("SELECT count(*) FROM case_events")).scalar() == len(
            example_doc["events"]
        )


def test_migrations_run_from_a_folder_whose_path_holds_a_percent_sign(tmp_path, monkeypatch):
    migrations = tmp_path / "100% installed" / "db"
    shutil.copytree(migrations_dir(), migrations, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr("app.store.database.migrations_dir", lambda: migrations)
    db = open_database(tmp_path / "cases.sqlite")
    with db.engine.connect() as conn:
        rev = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    db.close()
    assert rev == head_revision()


def test_connections_keep_sorts_in_memory_with_a_32_mb_page_cache(tmp_path):
    """bench/sqlite_tuning.py's measured settings; synchronous stays FULL."""
    db = open_database(tmp_path / "cases.sqlite")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA temp_store").scalar() == 2  # MEMORY
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -32768
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    db.close()


def test_an_up_to_date_database_opens_without_alembic(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "cases.sqlite"
    open_database(path).close()
    probe = (
        "import sys; from app.store.database import open_database; "
        f"open_database({str(path)!r}).close(); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'mako'}))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
