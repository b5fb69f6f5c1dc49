"""SQLite under concurrent writes, through a real threaded HTTP server on a file database."""

import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from tests.conftest import PASSWORD
from tracker import create_app
from tracker.extensions import db
from tracker.models import Action, Role

# Threads on a server of their own: the rows must be committed for real, not in the
# test's rolled-back transaction.
pytestmark = pytest.mark.commits


@pytest.fixture
def served(app, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's locking only")
    # Its own app, so the server's threads share nothing with the test's context; no CSRF,
    # as each client would otherwise need a page load first.
    # Nor rate limits or the per-client throttle: every client here is 127.0.0.1, and this is
    # about the database under load, not about guessing passwords (test_security has that).
    served_app = create_app({**app.config, "WTF_CSRF_ENABLED": False,
                             "SIGN_IN_RATE_LIMIT": "100000 per minute",
                             "SIGN_IN_MAX_CLIENT_FAILURES": 10_000})
    server = make_server("127.0.0.1", 0, served_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with served_app.app_context():
        db.engine.dispose()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None  # the redirect's status is the answer


def _post(url: str, fields: dict, opener=None) -> int:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode())
    opener = opener or urllib.request.build_opener(NoRedirect())
    try:
        with opener.open(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_32_simultaneous_sign_ins_get_no_server_error(served, create_user):
    people = [create_user().email for _ in range(32)]
    attempts = [(email, PASSWORD if i % 3 else "wrong password")
                for i, email in enumerate(people * 3)]
    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(
            lambda a: _post(f"{served}/login", {"email": a[0], "password": a[1]}), attempts))
    assert 500 not in statuses
    assert statuses.count(302) == sum(1 for _email, password in attempts if password == PASSWORD)


def test_an_import_beside_other_writers_gets_no_server_error(served, create_user, member,
                                                             programme):
    lead = member(Role.LEAD)
    others = [create_user().email for _ in range(16)]
    importer = urllib.request.build_opener(NoRedirect(), urllib.request.HTTPCookieProcessor())
    assert _post(f"{served}/login", {"email": lead.email, "password": PASSWORD}, importer) == 302
    rows = "title,details\n" + "".join(f"Action {i},{'x' * 500}\n" for i in range(2000))

    def run_import():
        return _post(f"{served}/a/testshire/actions/import", {"csv_text": rows, "confirm": "1"},
                     importer)

    with ThreadPoolExecutor(max_workers=17) as pool:
        imported = pool.submit(run_import)
        statuses = list(pool.map(
            lambda email: _post(f"{served}/login", {"email": email, "password": PASSWORD}),
            others * 3))
    assert imported.result() == 302
    assert 500 not in statuses and set(statuses) == {302}
    assert db.session.scalar(select(func.count()).select_from(Action)) == 2000


def test_each_sqlite_connection_is_set_for_a_server(app, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's settings only")
    from tracker import sqlite

    with app.app_context(), db.engine.connect() as connection:
        setting = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                   for name in ("journal_mode", "synchronous", "busy_timeout", "mmap_size",
                                "cache_size", "temp_store")}
    assert setting == {"journal_mode": "wal", "synchronous": 1,  # NORMAL
                       "busy_timeout": sqlite.BUSY_TIMEOUT_MS, "mmap_size": sqlite.MMAP_BYTES,
                       "cache_size": -sqlite.CACHE_KIB, "temp_store": 2}  # MEMORY
