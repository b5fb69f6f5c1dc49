"""Fixtures: a migrated database (SQLite by default, PostgreSQL when TEST_DATABASE_URL is set),
the app, a client, factories, a sign-in helper and a query counter."""

from __future__ import annotations

import html as html_module
import os
import re
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import event, inspect
from werkzeug.security import generate_password_hash

from tracker import create_app
from tracker.admin import services as admin
from tracker.extensions import db
from tracker.models import Authority, Programme, Role, User

PASSWORD = "correct horse battery"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


def _required(name: str) -> bool:
    """In CI, a skipped PostgreSQL or browser run is a failure, not a quiet pass."""
    return os.environ.get(name, "").lower() in {"1", "true", "yes"}


def pytest_report_header(config):
    url = os.environ.get("TEST_DATABASE_URL")
    database = "PostgreSQL (TEST_DATABASE_URL)" if url else "SQLite (set TEST_DATABASE_URL for PostgreSQL)"
    browser = str(CHROMIUM) if CHROMIUM.exists() else "not found: browser tests will be skipped"
    return [f"homeward database: {database}", f"homeward browser: {browser}"]


def postgres_url() -> str | None:
    """A PostgreSQL server for the PostgreSQL-only tests: TEST_POSTGRES_URL, or the suite's
    own database when that is PostgreSQL."""
    for name in ("TEST_POSTGRES_URL", "TEST_DATABASE_URL"):
        url = os.environ.get(name, "")
        if url.startswith(("postgresql", "postgres://")):
            return url.replace("postgres://", "postgresql://", 1).replace(
                "postgresql://", "postgresql+psycopg://", 1)
    return None


def pytest_collection_modifyitems(config, items):
    skip_pg = None if postgres_url() else (
        "PostgreSQL not available: set TEST_POSTGRES_URL (or TEST_DATABASE_URL) to a PostgreSQL "
        "database to run this")
    skip_browser = None if CHROMIUM.exists() else (
        f"Chromium not found at {CHROMIUM}: install Debian's chromium package to run browser tests")
    for item in items:
        if "postgres" in item.keywords and skip_pg:
            if _required("HOMEWARD_REQUIRE_POSTGRES"):
                item.add_marker(pytest.mark.usefixtures("_fail_missing_postgres"))
            else:
                item.add_marker(pytest.mark.skip(reason=skip_pg))
        if "browser" in item.keywords and skip_browser:
            if _required("HOMEWARD_REQUIRE_BROWSER"):
                item.add_marker(pytest.mark.usefixtures("_fail_missing_browser"))
            else:
                item.add_marker(pytest.mark.skip(reason=skip_browser))


@pytest.fixture
def _fail_missing_postgres():
    pytest.fail("HOMEWARD_REQUIRE_POSTGRES is set but no PostgreSQL URL is (TEST_POSTGRES_URL)")


@pytest.fixture
def _fail_missing_browser():
    pytest.fail(f"HOMEWARD_REQUIRE_BROWSER is set but Chromium is not at {CHROMIUM}")


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith(
            "postgresql://") else url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


TEST_CONFIG = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "SERVER_NAME": None,
}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A database migrated once for the whole session, with the real migrations."""
    url = _database_url(tmp_path_factory)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if url.startswith("postgresql"):
            # Start from an empty schema so the migrations, not leftovers, make every table.
            with db.engine.begin() as conn:
                conn.execute(db.text("DROP SCHEMA public CASCADE"))
                conn.execute(db.text("CREATE SCHEMA public"))
        upgrade(revision="heads")
        db.engine.dispose()
    return url


def _empty() -> None:
    # Only tables the migrations made: a model without its migration yet is caught by
    # tests/test_migrations.py, and should not break every other test on the way.
    existing = set(inspect(db.engine).get_table_names())
    for table in reversed(db.metadata.sorted_tables):
        if table.name in existing:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(database_url):
    """The app under test.

    Test code runs in the app context of a twin app on the same database, never in the
    context of the app under test: Flask reuses an active context of the same app for
    requests, which would carry `g` (and the signed-in user) from one request to the next.
    Each request here gets a fresh context, as in production.
    """
    config = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url}
    app = create_app(config)
    twin = create_app(config)
    with twin.app_context():
        yield app
        db.session.rollback()
        _empty()
        db.session.remove()
        db.engine.dispose()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# -- factories -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _password_hash() -> str:
    return generate_password_hash(PASSWORD)


@pytest.fixture
def create_user(app, _password_hash) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(email: str | None = None, name: str | None = None, *, password: str = PASSWORD,
             admin_: bool = False) -> User:
        n = next(counter)
        # The usual test password is hashed once per session: hashing is slow by design.
        user = admin.create_user(email or f"person{n}@example.org", name or f"Person {n}",
                                 password=None if password == PASSWORD else password,
                                 is_site_admin=admin_)
        if password == PASSWORD:
            user.password_hash = _password_hash
        db.session.commit()
        return user

    return make


@pytest.fixture
def create_authority(app) -> Callable[..., Authority]:
    def make(name: str = "Testshire County Council", slug: str | None = None,
             start_date: date = date(2026, 1, 5)) -> Authority:
        authority = admin.create_authority(name, slug=slug, start_date=start_date)
        db.session.commit()
        return authority

    return make


@pytest.fixture
def add_member(app) -> Callable[..., None]:
    def make(user: User, authority: Authority, role: Role | str, job_role: str | None = None):
        membership = admin.add_member(user, authority, Role(role), job_role=job_role)
        db.session.commit()
        return membership

    return make


@pytest.fixture
def member(create_user, add_member, authority) -> Callable[..., User]:
    """A new user holding `role` in the default authority."""

    def make(role: Role | str = Role.STEERING, **kwargs) -> User:
        user = create_user(**kwargs)
        add_member(user, authority, role)
        return user

    return make


@pytest.fixture
def authority(create_authority) -> Authority:
    return create_authority("Testshire County Council", slug="testshire")


@pytest.fixture
def programme(authority) -> Programme:
    return db.session.execute(
        db.select(Programme).where(Programme.authority_id == authority.id)
    ).scalar_one()


# -- signing in --------------------------------------------------------------------------------


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, user_or_email, password: str = PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def signed_in(client, auth, member):
    """A client signed in as a new member with the given role."""

    def make(role: Role | str = Role.STEERING) -> User:
        user = member(role)
        auth.login(user)
        return user

    return make


# -- query counting ----------------------------------------------------------------------------


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as q:` counts the SQL statements run inside the block."""

    @contextmanager
    def counting():
        counter = QueryCounter()

        def before(conn, cursor, statement, parameters, context, executemany):
            if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK)", statement):
                counter.statements.append(statement)

        with app.app_context():
            engine = db.engine  # the engine of the app under test, not the twin's
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting


def form_errors(html: str) -> list[str]:
    """The error messages shown next to fields, for assertions."""
    found = re.findall(
        r'govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span>([^<]+)', html
    )
    return [html_module.unescape(message.strip()) for message in found]
