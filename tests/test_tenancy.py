"""Every route, swept: a non-member gets 404 anywhere under another authority, an observer
gets 403 for every write, a signed-out visitor is sent to sign in, and /admin is invisible to
everyone but site administrators. A new route with an argument this file does not know fails
here until it is added, so no route can be forgotten."""

import pytest

from tracker.extensions import db
from tracker.models import ChecklistTask, Membership, PhaseOutcome, Programme, Role

PUBLIC = {"/login", "/healthz", "/set-password/<token>", "/static/<path:filename>"}


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule not in PUBLIC]


def _ids_for(authority):
    programme = db.session.execute(
        db.select(Programme).where(Programme.authority_id == authority.id)
    ).scalar_one()
    task = db.session.execute(
        db.select(ChecklistTask).where(ChecklistTask.programme_id == programme.id).limit(1)
    ).scalar_one()
    outcome = db.session.execute(
        db.select(PhaseOutcome).where(PhaseOutcome.programme_id == programme.id).limit(1)
    ).scalar_one()
    membership = db.session.execute(
        db.select(Membership).where(Membership.authority_id == authority.id).limit(1)
    ).scalar_one()
    return {
        "authority_slug": authority.slug,
        "slug": authority.slug,
        "task_id": task.id,
        "outcome_id": outcome.id,
        "number": 1,
        "membership_id": membership.id,
        "user_id": membership.user_id,
    }


def _url(rule, values):
    missing = set(rule.arguments) - set(values)
    assert not missing, f"{rule.rule}: tell tests/test_tenancy.py a value for {missing}"
    return rule.build({a: values[a] for a in rule.arguments}, append_unknown=False)[1]


def _methods(rule):
    return sorted(rule.methods & {"GET", "POST"})


@pytest.fixture
def two_authorities(create_authority, create_user, add_member):
    ours = create_authority("Ourshire Council", slug="ourshire")
    theirs = create_authority("Theirshire Council", slug="theirshire")
    outsider = create_user("outsider@example.org")
    add_member(outsider, theirs, Role.LEAD)
    return ours, theirs


def test_non_member_gets_404_for_every_authority_route(app, client, auth, create_user,
                                                       add_member, two_authorities):
    ours, theirs = two_authorities
    me = create_user("me@example.org")
    add_member(me, ours, Role.LEAD)
    auth.login(me)
    theirs_ids = _ids_for(theirs)
    checked = 0
    for rule in _rules(app):
        if "authority_slug" not in rule.arguments:
            continue
        for method in _methods(rule):
            url = _url(rule, theirs_ids)
            response = client.open(url, method=method)
            assert response.status_code == 404, f"{method} {url}"
            assert "Theirshire" not in response.get_data(as_text=True)
            checked += 1
    assert checked >= 10


def test_member_cannot_reach_another_authoritys_records_through_their_own_slug(
    app, client, auth, create_user, add_member, two_authorities
):
    ours, theirs = two_authorities
    me = create_user("me@example.org")
    add_member(me, ours, Role.LEAD)
    auth.login(me)
    mixed = {**_ids_for(theirs), "authority_slug": ours.slug, "number": 99}
    checked = 0
    for rule in _rules(app):
        if "authority_slug" not in rule.arguments or set(rule.arguments) == {"authority_slug"}:
            continue
        for method in _methods(rule):
            url = _url(rule, mixed)
            assert client.open(url, method=method).status_code == 404, f"{method} {url}"
            checked += 1
    assert checked >= 5


def test_observer_gets_403_for_every_write(app, client, auth, create_user, add_member,
                                           two_authorities):
    ours, _ = two_authorities
    observer = create_user("observer@example.org")
    add_member(observer, ours, Role.OBSERVER)
    auth.login(observer)
    ids = _ids_for(ours)
    checked = 0
    for rule in _rules(app):
        if "authority_slug" not in rule.arguments:
            continue
        view = app.view_functions[rule.endpoint]
        is_write = getattr(view, "required_permission", None) is not None
        for method in _methods(rule):
            url = _url(rule, ids)
            status = client.open(url, method=method).status_code
            if method == "POST" or is_write:
                assert status == 403, f"{method} {url}"
                checked += 1
            else:
                assert status == 200, f"{method} {url}"
    assert checked >= 5


def test_every_post_route_under_an_authority_declares_a_permission(app):
    for rule in _rules(app):
        if "authority_slug" in rule.arguments and "POST" in rule.methods:
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "required_permission", None), f"{rule.rule} checks no permission"


def test_signed_out_visitor_is_sent_to_sign_in_everywhere(app, client, two_authorities):
    ids = _ids_for(two_authorities[1])
    for rule in _rules(app):
        for method in _methods(rule):
            if rule.rule == "/logout":
                continue
            url = _url(rule, {**ids, "token": "x"})
            response = client.open(url, method=method)
            assert response.status_code == 302, f"{method} {url}"
            assert response.headers["Location"].startswith("/login"), f"{method} {url}"


def test_admin_pages_are_invisible_to_non_administrators(app, client, auth, create_user,
                                                          add_member, two_authorities):
    ours, _ = two_authorities
    lead = create_user("lead@example.org")
    add_member(lead, ours, Role.LEAD)
    auth.login(lead)
    ids = _ids_for(ours)
    for rule in _rules(app):
        if not rule.rule.startswith("/admin"):
            continue
        for method in _methods(rule):
            assert client.open(_url(rule, ids), method=method).status_code == 404


def test_site_administrator_sees_no_authority_content(app, client, auth, create_user,
                                                      two_authorities):
    admin = create_user("admin@example.org", admin_=True)
    auth.login(admin)
    assert client.get("/a/ourshire/").status_code == 404
    assert client.get("/a/ourshire/checklist").status_code == 404
    assert client.get("/admin").status_code == 200


def test_unknown_urls_get_a_404_page(client, signed_in):
    signed_in(Role.LEAD)
    for url in ("/nowhere", "/a/testshire/checklist/tasks/999999", "/a/testshire/checklist/phase/9",
                "/a/nope/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in response.get_data(as_text=True)
