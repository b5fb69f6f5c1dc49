"""The suite's own guarantees: the app is built once, yet each test starts from an empty
database and each request from a fresh context. The tests run in file order."""

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Authority, Role


def _authorities() -> int:
    return db.session.execute(select(func.count()).select_from(Authority)).scalar_one()


def test_a_test_commits_its_rows(client, create_authority, member, auth):
    create_authority("Left Behind Council", slug="left-behind")
    auth.login(member(Role.LEAD))  # a request commits too (the sign-in)
    assert _authorities() == 2


def test_the_next_test_starts_from_an_empty_database(app):
    assert _authorities() == 0


@pytest.mark.commits
def test_a_test_marked_commits_writes_to_the_database_itself(app, create_authority):
    create_authority("Left Behind Council", slug="left-behind")
    assert _authorities() == 1


def test_and_the_next_test_still_starts_empty(app):
    assert _authorities() == 0


def test_the_signed_in_user_does_not_follow_the_next_request(app, client, auth, member):
    auth.login(member(Role.LEAD))
    assert client.get("/a/testshire/").status_code == 200
    assert app.test_client().get("/a/testshire/").status_code == 302  # asked to sign in


def test_a_config_change_lasts_one_test(app):
    assert app.config["WTF_CSRF_ENABLED"] is False
    app.config["WTF_CSRF_ENABLED"] = True


def test_the_next_test_has_the_config_back(app):
    assert app.config["WTF_CSRF_ENABLED"] is False
