"""The schema is made only by the migrations: they build an empty database, and the models
agree with them (nothing left for autogenerate to add)."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from tests.conftest import TEST_CONFIG, postgres_url
from tracker import create_app
from tracker.extensions import db


def _check(url: str) -> None:
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), db.metadata)
            tables = set(inspect(conn).get_table_names())
        assert diffs == [], f"models and migrations disagree: {diffs}"
        assert {t.name for t in db.metadata.sorted_tables} <= tables
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


# SQLite's reflection cannot read the action log's expression index (lower(title)); the
# migration creates it and autogenerate leaves such indexes alone.
@pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrations_build_an_empty_sqlite_database(tmp_path):
    _check(f"sqlite:///{tmp_path / 'empty.db'}")


@pytest.mark.postgres
def test_migrations_build_an_empty_postgresql_database():
    url = postgres_url()
    name = f"homeward_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _check(url.rsplit("/", 1)[0] + f"/{name}")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# A message's HTML part as stored before 3e7a9c1d5b28: the whole document, in the layout.
OLD_DOCUMENT = (
    '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><meta name="viewport" '
    'content="width=device-width, initial-scale=1"><title>Due today: Book the venue</title>'
    '</head>\n<body style="margin:0;padding:0;background:#f3f2f1;font-family:Arial,Helvetica,'
    'sans-serif;color:#0b0c0c;">\n<table role="presentation" width="100%" cellpadding="0" '
    'cellspacing="0" style="background:#f3f2f1;">\n<tr><td align="center" style="padding:16px;'
    '">\n<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-'
    'width:600px;background:#ffffff;">\n<tr><td style="background:#0b0c0c;color:#ffffff;'
    'padding:12px 20px;font-size:22px;font-weight:bold;border-bottom:6px solid #1d70b8;">'
    'Homeward</td></tr>\n<tr><td style="padding:20px;font-size:17px;line-height:1.5;">\n\n'
    '<p style="margin:0 0 16px;">Hello Helen,</p>\n\n</td></tr>\n<tr><td style="padding:16px '
    '20px;font-size:14px;color:#505a5f;border-top:1px solid #b1b4b6;">\nYou get this email '
    'because of your role in Homeward. <a href="https://homeward.example/account#'
    'notifications" style="color:#1d70b8;">Change which emails you get</a>.\n</td></tr>\n'
    '</table>\n</td></tr>\n</table>\n</body>\n</html>')


def test_messages_waiting_keep_only_their_html_content_once_the_layout_moves_to_sending(
        tmp_path):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'o.db'}"})
    with app.app_context():
        upgrade(revision="8d3f6a2c4b17")
        rows = {"waiting": (OLD_DOCUMENT, None), "sent": (OLD_DOCUMENT, "2026-12-01 07:00:00"),
                "unknown": ("<!DOCTYPE html><p>Another layout</p>", None),
                "text only": ("", None)}
        with db.engine.begin() as conn:
            for key, (html, sent_at) in rows.items():
                conn.execute(text(
                    "INSERT INTO outbox_message (key, kind, to_address, subject, body_text, "
                    "body_html, link, created_at, next_attempt_at, sent_at, attempts, "
                    "last_error) VALUES (:key, 'reminder_due', 'h@example.org', 'Due today', "
                    "'Hello', :html, '', '2026-12-01', '2026-12-01', :sent_at, 0, '')"),
                    {"key": key, "html": html, "sent_at": sent_at})
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            stored = dict(conn.execute(text("SELECT key, body_html FROM outbox_message")).all())
        db.engine.dispose()
    assert stored == {"waiting": '\n<p style="margin:0 0 16px;">Hello Helen,</p>\n',
                      "sent": OLD_DOCUMENT, "unknown": "", "text only": ""}


def test_tokens_revoked_before_administrators_could_were_revoked_by_their_owners(tmp_path):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 't.db'}"})
    with app.app_context():
        upgrade(revision="3e7a9c1d5b28")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO user_account (id, email, name, active, is_site_admin, login_token, "
                "created_at) VALUES (7, 'h@example.org', 'Helen', 1, 0, 'x', '2026-12-01')"))
            for name, revoked_at in (("Live", None), ("Revoked", "2026-12-02 09:00:00")):
                conn.execute(text(
                    "INSERT INTO api_token (user_id, name, token_hash, hint, created_at, "
                    "revoked_at) VALUES (7, :name, :name, 'abcd', '2026-12-01', :revoked_at)"),
                    {"name": name, "revoked_at": revoked_at})
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            revoked_by = dict(conn.execute(text("SELECT name, revoked_by_id FROM api_token")).all())
        db.engine.dispose()
    assert revoked_by == {"Live": None, "Revoked": 7}


def test_milestones_made_before_they_kept_a_change_time_count_as_changed_at_the_migration(
        tmp_path):
    import sqlite3
    from datetime import datetime

    from tracker import clock

    path = tmp_path / "m.db"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade(revision="3f7a2ee8b1d4")
        db.engine.dispose()
        # A connection of its own, without the app's foreign keys: a milestone alone will do.
        with sqlite3.connect(path) as conn:
            conn.execute(
                "INSERT INTO milestone (programme_id, title, target_date, status, notes, "
                "created_at, version) VALUES (1, 'Plan agreed', '2027-03-01', 'planned', '', "
                "'2026-01-01 09:00:00', 1)")
        conn.close()
        before = clock.now()
        upgrade(revision="heads")
        after = clock.now()
        with db.engine.connect() as conn:
            changed = conn.execute(text("SELECT updated_at FROM milestone")).scalar_one()
        db.engine.dispose()
    assert before <= datetime.fromisoformat(changed) <= after


def _statistics(path) -> set[str] | None:
    """The indexes SQLite holds statistics for, or None when it was never analysed."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            return None
        found = {idx for (idx,) in conn.execute("SELECT idx FROM sqlite_stat1")}
    conn.close()
    return found


@pytest.mark.parametrize("analysed", [True, False])
def test_an_analysed_sqlite_database_has_statistics_for_the_indexes_a_migration_adds(
        tmp_path, analysed):
    """SQLite plans with an index that has no statistics, beside indexes that have them, as if
    it were very selective: counting open actions read every one of them rather than an index.
    A database never analysed has none for any index, and is left so."""
    import sqlite3

    path = tmp_path / "s.db"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade(revision="043ed6ab94cf")  # before the stalled actions' index gained noted_at
        db.engine.dispose()
        with sqlite3.connect(path) as conn:
            conn.execute(
                "INSERT INTO action (programme_id, title, details, owner_name, status, "
                "dropped_reason, created_at, updated_at, version) VALUES "
                "(1, 'Book the room', '', 'X', 'open', '', '2026-01-01', '2026-01-01', 1)")
            if analysed:
                conn.execute("ANALYZE")
        conn.close()
        upgrade(revision="heads")
        db.engine.dispose()
    found = _statistics(path)
    if analysed:
        assert "ix_action_programme_status_updated" in found
    else:
        assert found is None
