"""Signing in and out, lock-out, the off-site `next`, CSRF, passwords and invitations."""

import re

import pytest

from tests.conftest import PASSWORD, form_errors
from tracker import clock
from tracker.auth.services import invite_token
from tracker.extensions import db
from tracker.models import Role, SignInThrottle


def test_sign_in_and_out(client, auth, member):
    user = member(Role.LEAD)
    response = auth.login(user)
    assert response.status_code == 302
    assert client.get("/a/testshire/").status_code == 200
    auth.logout()
    assert client.get("/a/testshire/").status_code == 302


def test_email_is_case_insensitive(client, auth, member):
    member(Role.LEAD, email="Mixed.Case@Example.org")
    assert auth.login("  MIXED.case@example.ORG ").status_code == 302


def test_wrong_password_gets_a_message_that_keeps_the_email(client, auth, member):
    user = member()
    response = auth.login(user, "not the password")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a correct email address and password" in page
    assert f'value="{user.email}"' in page


def test_blank_fields_are_named(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert form_errors(response.get_data(as_text=True)) == [
        "Enter your email address", "Enter your password"]


def _fail_times(auth, email, times):
    for _ in range(times):
        response = auth.login(email, "wrong password!")
    return response.get_data(as_text=True)


def test_five_failures_lock_the_address_until_its_owner_waits(client, auth, member, monkeypatch):
    user = member()
    assert "too many attempts" not in _fail_times(auth, user.email, 4)
    assert "too many attempts" in _fail_times(auth, user.email, 1)
    # While locked, a password is checked only after the browser has waited.
    assert auth.login(user).status_code == 400
    later = clock.now() + __import__("datetime").timedelta(seconds=31)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert auth.login(user).status_code == 302


def test_lockout_message_does_not_reveal_whether_the_email_exists(client, auth, member):
    user = member()
    real = _fail_times(auth, user.email, 5)
    made_up = _fail_times(auth, "nobody@example.org", 5)
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731
    assert "too many attempts" in real
    assert strip(real) == strip(made_up)
    assert db.session.get(SignInThrottle, "address:nobody@example.org").failures == 5


def test_success_clears_the_failure_count(client, auth, member):
    user = member()
    _fail_times(auth, user.email, 3)
    auth.login(user)
    assert db.session.get(SignInThrottle, f"address:{user.email}") is None


def test_inactive_account_cannot_sign_in(client, auth, member):
    user = member()
    user.active = False
    db.session.commit()
    assert auth.login(user).status_code == 400


@pytest.mark.parametrize("target", [
    "https://evil.example.com/", "//evil.example.com/", "http:evil.example.com",
    "/\\evil.example.com", "javascript:alert(1)",
])
def test_sign_in_refuses_an_off_site_next(client, member, target):
    user = member(Role.LEAD)
    response = client.post(f"/login?next={target}", data={"email": user.email,
                                                          "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_in_follows_an_on_site_next(client, member):
    user = member(Role.LEAD)
    response = client.post("/login?next=/a/testshire/checklist",
                           data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/a/testshire/checklist"


def test_forms_without_a_csrf_token_are_refused(app, client, member):
    app.config["WTF_CSRF_ENABLED"] = True  # as in production; the next test starts without it
    user = member(Role.LEAD)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Your form could not be sent" in response.get_data(as_text=True)
    # With the token from the page, the same sign-in works.
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


def test_session_cookie_is_httponly_and_samesite(client, member):
    user = member()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_password_is_hashed(member):
    # A password of its own, so the app hashes it (the factory's usual one is hashed cheaply).
    user = member(password="a password of its own")
    assert "a password of its own" not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_change_password(client, auth, member):
    user = member()
    auth.login(user)
    response = client.post("/account", data={
        "form": "password", "password-current_password": PASSWORD,
        "password-password": "a brand new passphrase", "password-confirm": "a brand new passphrase",
    })
    assert response.status_code == 302
    auth.logout()
    assert auth.login(user, PASSWORD).status_code == 400
    assert auth.login(user, "a brand new passphrase").status_code == 302


def test_change_password_checks_each_field(client, auth, member):
    user = member()
    auth.login(user)
    response = client.post("/account", data={
        "form": "password", "password-current_password": "wrong",
        "password-password": "short", "password-confirm": "different",
    })
    errors = form_errors(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "Your current password is not correct" in errors
    assert "Password must be at least 12 characters" in errors
    assert "The passwords do not match" in errors


def test_changing_password_signs_out_other_sessions(app, client, auth, member):
    user = member(Role.LEAD)
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": PASSWORD})
    assert other.get("/a/testshire/").status_code == 200
    auth.login(user)
    client.post("/account", data={
        "form": "password", "password-current_password": PASSWORD,
        "password-password": "another long passphrase",
        "password-confirm": "another long passphrase",
    })
    assert client.get("/a/testshire/").status_code == 200
    assert other.get("/a/testshire/").status_code == 302


def test_invitation_link_sets_a_password_once(client, create_user):
    user = create_user(password="")
    user.password_hash = None
    db.session.commit()
    token = invite_token(user)
    assert client.get(f"/set-password/{token}").status_code == 200
    short = client.post(f"/set-password/{token}", data={"password": "short", "confirm": "short"})
    assert "Password must be at least 12 characters" in form_errors(short.get_data(as_text=True))
    done = client.post(f"/set-password/{token}",
                       data={"password": "my chosen passphrase", "confirm": "my chosen passphrase"})
    assert done.status_code == 302
    client.post("/logout")
    assert client.get(f"/set-password/{token}").status_code == 404
    assert client.get("/set-password/not-a-token").status_code == 404
