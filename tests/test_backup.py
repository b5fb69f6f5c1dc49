"""flask backup / restore: a consistent copy while the app runs, and a restore that gives back
the same database, row for row, and never overwrites data unasked."""

import shutil
import sqlite3
import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from tests.conftest import TEST_CONFIG, postgres_url
from tracker import backup as backups
from tracker import create_app, demo
from tracker.extensions import db


def _app(path):
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})


def _rows(path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}


def _run(app, *args):
    """As `flask --app tracker ...` runs a command: inside the app's context."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=[str(a) for a in args])
        db.session.remove()
        db.engine.dispose()
    return result


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """The demo loaded once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    app = _app(path)
    with app.app_context():
        upgrade(revision="heads")
        demo.load()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return path


@pytest.fixture
def demo_db(demo_file, tmp_path):
    path = tmp_path / "live.db"
    with sqlite3.connect(demo_file) as source, sqlite3.connect(path) as target:
        source.backup(target)
    return _app(path), path


def test_the_demo_round_trips_through_backup_and_restore(demo_db, tmp_path):
    app, live = demo_db
    saved = tmp_path / "homeward.backup"
    result = _run(app, "backup", saved)
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output

    restored = tmp_path / "restored.db"
    other = _app(restored)
    result = _run(other, "restore", saved)
    assert result.exit_code == 0, result.output
    before, after = _rows(live), _rows(restored)
    assert set(before) == set(after)
    assert sum(len(rows) for rows in before.values()) > 100  # the demo, not an empty database
    for table in before:
        assert after[table] == before[table], table


def test_restore_refuses_a_database_with_data_unless_forced(demo_db, tmp_path):
    app, live = demo_db
    saved = tmp_path / "homeward.backup"
    _run(app, "backup", saved)
    with sqlite3.connect(live) as conn:
        conn.execute("DELETE FROM action_note")
    refused = _run(app, "restore", saved)
    assert refused.exit_code != 0
    assert "The database is not empty" in refused.output and "--force" in refused.output
    assert _rows(live)["action_note"] == []
    forced = _run(app, "restore", saved, "--force")
    assert forced.exit_code == 0, forced.output
    assert _rows(live) == _rows(saved)


def test_a_backup_taken_during_a_write_holds_only_what_was_committed(demo_db, tmp_path):
    app, live = demo_db
    writer = sqlite3.connect(live, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM action")
    saved = tmp_path / "during.backup"
    result = _run(app, "backup", saved)
    writer.execute("ROLLBACK")
    writer.close()
    assert result.exit_code == 0, result.output
    assert _rows(saved)["action"] == _rows(live)["action"] != []


def test_backup_never_overwrites_and_restore_wants_a_backup(demo_db, tmp_path):
    app, live = demo_db
    result = _run(app, "backup", live)
    assert result.exit_code != 0 and "already exists" in result.output
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    empty = _app(tmp_path / "empty.db")
    result = _run(empty, "restore", junk)
    assert result.exit_code != 0 and "is not a SQLite backup" in result.output


def test_postgresql_tools_are_checked_before_they_run(monkeypatch):
    monkeypatch.setattr(backups.shutil, "which", lambda tool: None)
    with pytest.raises(backups.BackupProblem, match="pg_dump is not installed"):
        backups._pg_tool(None, "pg_dump")
    assert backups._major("16.4 (Debian 16.4-1.pgdg120+1)") == 16
    assert backups._major("pg_dump (PostgreSQL) 15.8") == 15


@pytest.mark.postgres
def test_the_demo_round_trips_through_pg_dump_and_pg_restore(tmp_path):
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not on PATH")
    url = postgres_url()
    names = [f"homeward_backup_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    live, restored = (create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI":
                                  url.rsplit("/", 1)[0] + f"/{name}"}) for name in names)
    try:
        with live.app_context():
            upgrade(revision="heads")
            demo.load()
            db.session.commit()
        saved = tmp_path / "homeward.dump"
        result = _run(live, "backup", saved)
        assert result.exit_code == 0, result.output
        result = _run(restored, "restore", saved)
        assert result.exit_code == 0, result.output

        def rows(app):
            with app.app_context():
                return {t.name: db.session.execute(
                    select(t).order_by(*t.primary_key.columns)).all()
                    for t in db.metadata.sorted_tables}

        before, after = rows(live), rows(restored)
        assert sum(len(r) for r in before.values()) > 100
        for table in before:
            assert after[table] == before[table], table
        refused = _run(restored, "restore", saved)
        assert refused.exit_code != 0 and "The database is not empty" in refused.output
    finally:
        for app in (live, restored):
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
