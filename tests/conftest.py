"""Fixtures: a migrated database (SQLite by default, PostgreSQL when TEST_DATABASE_URL is set),
the app (built once per session, each test in a transaction rolled back at its end), a client,
the factories of tests/factories.py, a sign-in helper and a query counter."""

from __future__ import annotations

import html as html_module
import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, inspect, make_url

from tracker import create_app
from tracker.extensions import db, limiter
from tracker.models import Role, User

pytest_plugins = ["tests.factories", "tests.form_sweep"]  # create_user, member, world...

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
        url = url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith(
            "postgresql://") else url
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        return _database_of_its_own(url, worker) if worker else url
    # Each pytest-xdist worker has a temporary directory, so a database file, of its own.
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _database_of_its_own(url: str, worker: str) -> str:
    """A database beside TEST_DATABASE_URL's for one pytest-xdist worker (made if need be)."""
    server = make_url(url)
    name = f"{server.database}_{worker}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(db.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                            {"name": name}).first():
            conn.execute(db.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


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


def _sqlite_leaves_transactions_to_sqlalchemy(dbapi_connection, _record) -> None:
    # pysqlite begins transactions itself and ends one at the RELEASE of its first savepoint;
    # SQLAlchemy's recipe: turn that off and emit BEGIN on each begin (see _test_connections).
    dbapi_connection.isolation_level = None


@pytest.fixture(scope="session")
def _test_connections(database_url):
    """The engine whose connection each test runs in, inside a transaction rolled back at its end."""
    engine = create_engine(database_url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_leaves_transactions_to_sqlalchemy)
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def _apps(database_url):
    """The app under test and its twin, built once for the session.

    Test code runs in the app context of the twin, never in the context of the app under test:
    Flask reuses an active context of the same app for requests, which would carry `g` (and the
    signed-in user) from one request to the next. Each request gets a fresh context, as in
    production.
    """
    config = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url}
    app, twin = create_app(config), create_app(config)
    # A session that finds its connection already in a transaction works in a savepoint: its
    # commit releases the savepoint, and the test's rollback still undoes it.
    db.session.session_factory.configure(join_transaction_mode="create_savepoint")
    yield app, twin
    for each in (app, twin):
        with each.app_context():
            db.engine.dispose()


def _engines(app) -> dict:
    with app.app_context():
        return db.engines  # the app's own mapping, by bind key


@pytest.fixture
def app(request, _apps, _test_connections):
    """The app under test, for one test: every session of the test and of its requests shares
    one connection, in a transaction rolled back when the test ends.

    A test marked `commits` (threads, or connections of its own) runs on the database itself
    instead, and the tables are emptied after it.
    """
    app, twin = _apps
    # The app lives for the session, so its in-memory rate limits would carry sign-ins over
    # from earlier tests: each test starts with none.
    with app.app_context():
        limiter.reset()
    configs = [(each, each.config.copy()) for each in (app, twin)]
    with twin.app_context():
        if request.node.get_closest_marker("commits"):
            yield app
            db.session.rollback()
            _empty()
            db.session.remove()
        else:
            connection = _test_connections.connect()
            outer = connection.begin()
            mappings = [_engines(each) for each in (app, twin)]
            engines = [mapping[None] for mapping in mappings]
            for mapping in mappings:
                mapping[None] = connection
            try:
                yield app
            finally:
                db.session.remove()
                for mapping, engine in zip(mappings, engines, strict=True):
                    mapping[None] = engine
                outer.rollback()
                connection.close()
    for each, config in configs:  # a test may change the config: the next one starts afresh
        each.config.clear()
        each.config.update(config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


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
            # The engine behind the app's bind (the test's connection, or the engine itself).
            engine = db.engine.engine
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
