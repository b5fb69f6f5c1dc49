"""The read API (/api/v1/): tokens, tenancy, pages, filters, ETags, limits and the token pages."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tracker import clock
from tracker.actions import services as actions
from tracker.api import services as api_services
from tracker.extensions import db
from tracker.models import (
    Action,
    ActionStatus,
    ApiToken,
    FinancialQuarter,
    MeetingKind,
    Milestone,
    OutcomeQuarter,
    Programme,
    Role,
)
from tracker.models.api import hash_token
from tracker.outcomes import services as outcomes
from tracker.plan import services as plan

from .factories import make_meeting

LISTS = ("tasks", "actions", "milestones", "meetings", "outcomes")


def _programme(authority) -> Programme:
    return db.session.execute(
        db.select(Programme).where(Programme.authority_id == authority.id)).scalar_one()


def _get(client, url, secret, **headers):
    return client.get(url, headers={"Authorization": f"Bearer {secret}", **headers})


def fill_programme(programme, n: int, *, owner=None, tag: str = ""):
    """n each of actions (with a milestone), meetings and outcome quarters, in one programme;
    `tag` starts every title, so a test can tell one programme's rows from another's."""
    workstream = plan.create_workstream(programme, None, name=f"Data {tag}{n}")
    quarters_so_far = db.session.execute(db.select(db.func.count(OutcomeQuarter.id)).where(
        OutcomeQuarter.programme_id == programme.id)).scalar_one()
    for i in range(n):
        milestone = plan.create_milestone(
            programme, None, title=f"{tag}Milestone {i}", target_date=date(2027, 3, 1),
            workstream=workstream)
        actions.create_action(
            programme, title=f"{tag}Action {i}", actor=None, owner=owner,
            due_date=date(2026, 12, 1 + i % 28), milestone=milestone, workstream=workstream)
        make_meeting(programme, kind=MeetingKind.STEERING, day=date(2026, 3, 2) + timedelta(7 * i))
        outcomes.create_quarter(
            programme, FinancialQuarter(2000 + quarters_so_far + i, 1), actor=None,
            returned_home=10, framework_cases=4, not_returned_risk=2, unplanned_returns=1,
            returned_s20=5, returned_care_order=4)
    db.session.commit()


# -- tokens --------------------------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_hash(app, member, token_for):
    user = member(Role.STEERING)
    secret = token_for(user)
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    assert secret.startswith("hw_") and len(secret) > 40
    assert token.token_hash == hash_token(secret) != secret
    assert token.hint == secret[-4:]


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nonsense", "Basic abc", "hw_x"])
def test_no_valid_token_is_401_json(client, header):
    response = client.get("/api/v1/authorities",
                          headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json["code"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_session_does_not_open_the_api(client, signed_in):
    signed_in(Role.LEAD)
    assert client.get("/a/testshire/").status_code == 200
    assert client.get("/api/v1/authorities").status_code == 401


def test_a_stale_session_cookie_beside_a_token_changes_nothing(client, auth, member, token_for,
                                                               monkeypatch):
    user = member(Role.LEAD)
    secret = token_for(user)
    auth.login(user)
    later = clock.now() + timedelta(days=8)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert _get(client, "/api/v1/authorities", secret).status_code == 200
    assert client.get("/a/testshire/").status_code == 302


def test_a_revoked_token_stops_working(client, member, token_for):
    user = member(Role.LEAD)
    secret = token_for(user)
    assert _get(client, "/api/v1/authorities", secret).status_code == 200
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    api_services.revoke_token(user, token.id, user)
    db.session.commit()
    assert _get(client, "/api/v1/authorities", secret).status_code == 401


def test_a_deactivated_persons_token_stops_working(client, member, token_for):
    user = member(Role.LEAD)
    secret = token_for(user)
    user.active = False
    db.session.commit()
    assert _get(client, "/api/v1/authorities", secret).status_code == 401


def test_use_is_noted_at_most_every_few_minutes(client, member, token_for, monkeypatch):
    user = member(Role.LEAD)
    secret = token_for(user)
    first = datetime(2026, 11, 23, 9, 0)
    monkeypatch.setattr(clock, "now", lambda: first)
    _get(client, "/api/v1/authorities", secret)
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    assert token.last_used_at == first
    monkeypatch.setattr(clock, "now", lambda: first + timedelta(minutes=1))
    _get(client, "/api/v1/authorities", secret)
    db.session.refresh(token)
    assert token.last_used_at == first
    monkeypatch.setattr(clock, "now", lambda: first + timedelta(minutes=6))
    _get(client, "/api/v1/authorities", secret)
    db.session.refresh(token)
    assert token.last_used_at == first + timedelta(minutes=6)


# -- tenancy and roles -----------------------------------------------------------------------------


@pytest.fixture
def two_authorities(create_authority, create_user, add_member):
    ours = create_authority("Ourshire Council", slug="ourshire")
    theirs = create_authority("Theirshire Council", slug="theirshire")
    outsider = create_user("outsider@example.org")
    add_member(outsider, theirs, Role.LEAD)
    return ours, theirs


def _api_rules(app):
    return [r for r in app.url_map.iter_rules()
            if r.rule.startswith("/api/v1/authorities/<slug>")]


def test_a_non_member_gets_404_everywhere_under_another_authority(
        app, client, create_user, add_member, token_for, two_authorities):
    ours, theirs = two_authorities
    fill_programme(_programme(theirs), 2)
    me = create_user("me@example.org")
    add_member(me, ours, Role.LEAD)
    secret = token_for(me)
    rules = _api_rules(app)
    assert len(rules) == 1 + len(LISTS)
    for rule in rules:
        for slug in ("theirshire", "nowhere"):
            response = _get(client, rule.build({"slug": slug})[1], secret)
            assert response.status_code == 404, rule.rule
            assert response.json["code"] == 404
            assert "Theirshire" not in response.get_data(as_text=True)
    listed = _get(client, "/api/v1/authorities", secret).json["items"]
    assert [a["slug"] for a in listed] == ["ourshire"]


def test_a_token_for_one_authority_never_receives_anothers_data(
        app, client, create_user, add_member, token_for, two_authorities):
    ours, theirs = two_authorities
    fill_programme(_programme(ours), 3, tag="Ours ")
    fill_programme(_programme(theirs), 3, tag="Theirs ")
    me = create_user("me@example.org")
    add_member(me, ours, Role.OBSERVER)
    secret = token_for(me)
    for kind in LISTS:
        response = _get(client, f"/api/v1/authorities/ourshire/{kind}?limit=500", secret)
        assert response.status_code == 200, kind
        assert response.json["items"], kind
        body = response.get_data(as_text=True)
        assert "Theirs" not in body, kind
    theirs_ids = {kind: {row["id"] for row in _get(
        client, f"/api/v1/authorities/ourshire/{kind}?limit=500", secret).json["items"]}
        for kind in LISTS}
    other = _programme(theirs)
    for model, kind in ((Action, "actions"), (Milestone, "milestones"),
                        (OutcomeQuarter, "outcomes")):
        their_rows = set(db.session.execute(
            db.select(model.id).where(model.programme_id == other.id)).scalars())
        assert their_rows and not their_rows & theirs_ids[kind], kind


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_what_the_pages_let_it_read(client, member, token_for, programme, role):
    fill_programme(programme, 1)
    secret = token_for(member(role))
    assert _get(client, "/api/v1/authorities/testshire", secret).status_code == 200
    assert _get(client, "/api/v1/authorities/testshire/actions", secret).json["items"]


# -- what comes back -------------------------------------------------------------------------------


def test_the_programme(client, member, token_for):
    secret = token_for(member(Role.LEAD))
    body = _get(client, "/api/v1/authorities/testshire", secret).json
    assert body["authority"] == {"slug": "testshire", "name": "Testshire County Council",
                                 "role": "lead"}
    assert [p["number"] for p in body["phases"]] == [1, 2, 3]
    health = body["health"]
    assert health["status"] in ("on_track", "at_risk", "off_track")
    assert health["summary"].startswith(health["label"])
    assert health["figures"]["phase"] == 1
    # The same judgement as the page that explains it.
    page = client.get("/a/testshire/health")
    assert page.status_code == 302  # the API token opens no pages
    for signal in health["signals"]:
        assert signal["evidence"].startswith("http") and "/a/testshire/" in signal["evidence"]
    tasks = _get(client, "/api/v1/authorities/testshire/tasks?phase=1&limit=3", secret).json
    assert [t["phase"] for t in tasks["items"]] == [1, 1, 1]


def test_pages_follow_one_another_in_a_fixed_order(client, member, token_for, programme):
    fill_programme(programme, 5)
    secret = token_for(member(Role.LEAD))
    seen, url, pages = [], "/api/v1/authorities/testshire/actions?limit=2&status=open", 0
    while url:
        body = _get(client, url, secret).json
        seen += [row["id"] for row in body["items"]]
        url = body["next"]
        pages += 1
        if url:
            assert url.startswith("http://") and f"after={body['next_after']}" in url
            assert "status=open" in url
    assert pages == 3
    assert seen == sorted(seen) and len(set(seen)) == 5


def test_actions_filter_by_status_owner_due_and_change(client, member, token_for, programme):
    owner = member(Role.CHAMPION, email="owner@example.org")
    fill_programme(programme, 4, owner=owner)
    fill_programme(programme, 2, tag="Unowned ")
    rows = list(db.session.execute(
        db.select(Action).order_by(Action.id)).scalars())
    rows[0].status = ActionStatus.DONE
    for row in rows:
        row.updated_at = datetime(2026, 1, 1)
    rows[1].updated_at = datetime(2026, 11, 23, 10, 0)
    db.session.commit()
    secret = token_for(member(Role.OBSERVER))
    url = "/api/v1/authorities/testshire/actions"

    def ids(query):
        response = _get(client, f"{url}?{query}", secret)
        assert response.status_code == 200, response.json
        return [row["id"] for row in response.json["items"]]

    assert ids("status=done") == [rows[0].id]
    assert ids("status=done&status=open") == [r.id for r in rows]
    assert ids("owner=OWNER@example.org") == [r.id for r in rows[:4]]
    assert ids("due_from=2026-12-02&due_to=2026-12-03") == [rows[1].id, rows[2].id, rows[5].id]
    assert ids("updated_since=2026-11-23T10:00:00Z") == [rows[1].id]
    # 11:00 in London in November is 11:00 UTC: later than the change
    assert ids("updated_since=2026-11-23T11:00:00%2B00:00") == []
    action = _get(client, f"{url}?status=open&limit=1", secret).json["items"][0]
    assert action["owner"] == {"name": owner.name, "email": "owner@example.org"}
    assert action["rag"] in ("red", "amber", "green")
    assert action["updated_at"].endswith("+00:00")  # times say they are UTC


def test_milestones_changed_since_a_time(client, member, token_for, programme):
    lead = member(Role.LEAD)
    fill_programme(programme, 3)
    rows = list(db.session.execute(db.select(Milestone).order_by(Milestone.id)).scalars())
    for row in rows:
        row.updated_at = datetime(2026, 1, 1)
    db.session.commit()
    # A change made through the plan's own rule, on today's clock.
    assert plan.update_milestone(rows[1], seen_version=rows[1].version, actor=lead,
                                 title="Plan agreed by the steering group")
    db.session.commit()
    secret = token_for(lead)
    url = "/api/v1/authorities/testshire/milestones"

    def ids(query):
        response = _get(client, f"{url}?{query}", secret)
        assert response.status_code == 200, response.json
        return [row["id"] for row in response.json["items"]]

    assert ids("") == [r.id for r in rows]
    assert ids("updated_since=2026-06-01T00:00:00Z") == [rows[1].id]
    assert ids("updated_since=2026-01-01T00:00:00Z") == [r.id for r in rows]
    changed = _get(client, f"{url}?updated_since=2026-06-01T00:00:00Z", secret).json["items"][0]
    assert changed["title"] == "Plan agreed by the steering group"
    assert changed["updated_at"].endswith("+00:00")
    assert _get(client, f"{url}?updated_since=soon", secret).status_code == 422


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "after=-1", "status=finished",
                                   "owner=not-an-email", "due_from=31/03/2027",
                                   "updated_since=yesterday",
                                   "updated_since=0001-01-01T00:00:00%2B01:00",
                                   "after=99999999999999", "stauts=open"])
def test_bad_parameters_are_422_not_500(client, member, token_for, query):
    secret = token_for(member(Role.LEAD))
    response = _get(client, f"/api/v1/authorities/testshire/actions?{query}", secret)
    assert response.status_code == 422, query
    assert response.json["code"] == 422


def test_an_unchanged_page_is_304_with_its_etag(client, member, token_for, programme):
    fill_programme(programme, 2)
    secret = token_for(member(Role.LEAD))
    url = "/api/v1/authorities/testshire/milestones"
    first = _get(client, url, secret)
    etag = first.headers["ETag"]
    again = _get(client, url, secret, **{"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    fill_programme(programme, 1)
    assert _get(client, url, secret, **{"If-None-Match": etag}).status_code == 200


def test_api_answers_are_not_cached_by_shared_caches(client, member, token_for):
    response = _get(client, "/api/v1/authorities", token_for(member(Role.LEAD)))
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "Authorization" in response.headers["Vary"]


def test_too_many_requests_is_429_json(app, client, member, token_for):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    secret = token_for(member(Role.LEAD))
    statuses = [_get(client, "/api/v1/authorities", secret).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert _get(client, "/api/v1/authorities", secret).json["code"] == 429


@pytest.mark.parametrize("kind", LISTS)
def test_each_list_runs_a_fixed_number_of_queries(client, member, token_for, programme,
                                                  count_queries, kind):
    secret = token_for(member(Role.LEAD))
    url = f"/api/v1/authorities/testshire/{kind}?limit=500"
    fill_programme(programme, 2, owner=member(Role.CHAMPION))
    _get(client, url, secret)  # the token's use is noted once: not part of the count
    with count_queries() as few:
        _get(client, url, secret)
    fill_programme(programme, 12, owner=member(Role.CHAMPION), tag="More ")
    with count_queries() as many:
        assert len(_get(client, url, secret).json["items"]) > 12
    assert few.count == many.count <= 5, many.statements


# The programme's answer carries its health, judged as the dashboard does (tracker/health).
@pytest.mark.parametrize("url, most", [("/api/v1/authorities", 3),
                                       ("/api/v1/authorities/testshire", 40)])
def test_the_authorities_and_the_programme_run_a_fixed_number_of_queries(
        client, member, token_for, create_authority, add_member, count_queries, url, most):
    user = member(Role.LEAD)
    secret = token_for(user)
    _get(client, url, secret)
    with count_queries() as few:
        _get(client, url, secret)
    for n in range(5):
        add_member(user, create_authority(f"Shire {n}", slug=f"shire-{n}"), Role.OBSERVER)
    with count_queries() as many:
        assert _get(client, url, secret).status_code == 200
    assert few.count == many.count <= most, many.statements


def test_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"] == "3.1.0"
    assert spec["components"]["securitySchemes"]["token"] == {"type": "http", "scheme": "bearer"}
    paths = set(spec["paths"])
    assert {"/api/v1/authorities", "/api/v1/authorities/{slug}"} | {
        f"/api/v1/authorities/{{slug}}/{kind}" for kind in LISTS} <= paths
    for path in paths:
        responses = spec["paths"][path]["get"]["responses"]
        assert {"200", "401", "429", "304"} <= set(responses), path


# -- the account page ------------------------------------------------------------------------------


def test_a_token_is_made_on_the_account_page_and_shown_once(client, signed_in):
    user = signed_in(Role.STEERING)
    account = client.get("/account").get_data(as_text=True)
    assert "API tokens" in account and "/account/api-tokens/new" in account
    response = client.post("/account/api-tokens/new", data={"name": "  Outcomes report "})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    secret = next(word.split('"')[0] for word in page.split('value="')[1:]
                  if word.startswith("hw_"))
    assert token.token_hash == hash_token(secret) and token.user_id == user.id
    assert token.name == "Outcomes report"
    account = client.get("/account").get_data(as_text=True)
    assert "Outcomes report" in account and secret not in account
    assert _get(client, "/api/v1/authorities", secret).status_code == 200


def test_a_token_needs_a_name(client, signed_in):
    from tests.conftest import form_errors

    signed_in(Role.STEERING)
    response = client.post("/account/api-tokens/new", data={"name": "x" * 101})
    assert response.status_code == 400
    assert form_errors(response.get_data(as_text=True)) == [
        "Token name must be 100 characters or fewer"]
    assert 'value="' + "x" * 101 in response.get_data(as_text=True)
    assert db.session.execute(db.select(ApiToken)).first() is None


def test_revoking_on_the_account_page(client, signed_in, member, token_for):
    user = signed_in(Role.STEERING)
    secret = token_for(user)
    someone_elses = token_for(member(Role.LEAD))
    mine, theirs = db.session.execute(db.select(ApiToken).order_by(ApiToken.id)).scalars()
    assert client.post(f"/account/api-tokens/{theirs.id}/revoke").status_code == 404
    response = client.post(f"/account/api-tokens/{mine.id}/revoke")
    assert response.status_code == 302
    assert _get(client, "/api/v1/authorities", secret).status_code == 401
    assert _get(client, "/api/v1/authorities", someone_elses).status_code == 200
    assert client.post(f"/account/api-tokens/{mine.id}/revoke").status_code == 404
    assert "You have no API tokens" in client.get("/account").get_data(as_text=True)


def test_revoking_on_the_account_page_records_the_owner_as_who_revoked(client, signed_in,
                                                                      token_for):
    user = signed_in(Role.STEERING)
    token_for(user)
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    client.post(f"/account/api-tokens/{token.id}/revoke")
    db.session.refresh(token)
    assert token.revoked_at is not None and token.revoked_by_id == user.id


def test_an_administrator_sees_every_token_and_who_revoked_it(client, auth, create_user, member,
                                                               token_for, count_queries):
    admin = create_user("admin@example.org", admin_=True)
    person = member(Role.STEERING)
    for name in ("Power BI", "Excel on my laptop", "Old report"):
        token_for(person, name)
    old, laptop, _live = db.session.execute(db.select(ApiToken).order_by(ApiToken.id)).scalars()
    api_services.revoke_token(person, old.id, person)
    api_services.revoke_token(person, laptop.id, admin)
    db.session.commit()
    auth.login(admin)
    client.get(f"/admin/users/{person.id}")
    with count_queries() as three_tokens:
        page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    tokens = page[page.index('id="api-tokens"'):]
    # Newest first, revoked ones kept with who revoked them.
    assert tokens.index("Old report") < tokens.index("Excel on my laptop") < tokens.index(
        "Power BI")
    assert f"by {admin.name}" in tokens and f"by {person.name}" in tokens
    assert tokens.count(">Revoke<") == 1  # only the live one can be revoked
    for name in ("More", "And more", "Yet more"):
        token_for(person, name)
    more = db.session.execute(db.select(ApiToken).filter_by(name="More")).scalar_one()
    api_services.revoke_token(person, more.id, admin)
    db.session.commit()
    client.get(f"/admin/users/{person.id}")
    with count_queries() as six_tokens:
        client.get(f"/admin/users/{person.id}")
    assert six_tokens.count == three_tokens.count


def test_an_administrator_revokes_a_persons_token(client, auth, create_user, member, token_for):
    admin = create_user("admin@example.org", admin_=True)
    person, someone_else = member(Role.STEERING), member(Role.LEAD)
    secret, theirs = token_for(person), token_for(someone_else)
    token, other = db.session.execute(db.select(ApiToken).order_by(ApiToken.id)).scalars()
    auth.login(admin)
    # Only a token of the person the URL names, and only once.
    assert client.post(
        f"/admin/users/{person.id}/api-tokens/{other.id}/revoke").status_code == 404
    response = client.post(f"/admin/users/{person.id}/api-tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/users/{person.id}#api-tokens")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{person.name}'s token ‘Power BI’ is revoked" in page.replace("&#39;", "'")
    db.session.refresh(token)
    assert token.revoked_by_id == admin.id
    assert _get(client, "/api/v1/authorities", secret).status_code == 401
    assert _get(client, "/api/v1/authorities", theirs).status_code == 200
    assert client.post(
        f"/admin/users/{person.id}/api-tokens/{token.id}/revoke").status_code == 404


def test_the_owner_is_emailed_when_an_administrator_revokes_their_token(
        app, client, auth, create_user, member, token_for, smtp):
    from email import policy
    from email.parser import BytesParser

    from tracker.models import OutboxMessage
    from tracker.notifications import delivery

    admin = create_user("admin@example.org", admin_=True, name="Ada Admin")
    person = member(Role.STEERING, email="owner@example.org")
    secret = token_for(person, "Power BI")
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    auth.login(admin)
    response = client.post(f"/admin/users/{person.id}/api-tokens/{token.id}/revoke",
                           follow_redirects=True)
    assert "An email tells them so." in response.get_data(as_text=True)
    assert delivery.deliver() == (1, 0)
    email = BytesParser(policy=policy.default).parsebytes(smtp.messages[0].content)
    assert email["To"] == "owner@example.org"
    assert email["Subject"] == 'Your API token "Power BI" was revoked'
    text = email.get_body(("plain",)).get_content()
    assert f'Ada Admin, a site administrator, revoked your API token "Power BI" (ending ' \
           f'{secret[-4:]})' in text
    assert "/account#api-tokens" in text
    assert "Ada Admin" in email.get_body(("html",)).get_content()
    # Told once: the message's key is the token's.
    assert db.session.execute(db.select(db.func.count()).select_from(OutboxMessage)).scalar() == 1


def test_no_email_when_owners_revoke_their_own_or_have_left(client, auth, create_user, member,
                                                           token_for, signed_in):
    from tracker.models import OutboxMessage

    admin = create_user("admin@example.org", admin_=True)
    gone = member(Role.STEERING)
    token_for(gone, "Old laptop")
    gone.active = False
    db.session.commit()
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    auth.login(admin)
    response = client.post(f"/admin/users/{gone.id}/api-tokens/{token.id}/revoke",
                           follow_redirects=True)
    assert "An email tells them" not in response.get_data(as_text=True)
    auth.logout()
    me = signed_in(Role.STEERING)
    token_for(me, "Mine")
    mine = db.session.execute(db.select(ApiToken).filter_by(name="Mine")).scalar_one()
    client.post(f"/account/api-tokens/{mine.id}/revoke")
    db.session.refresh(token)
    db.session.refresh(mine)
    assert token.revoked_at and mine.revoked_at
    assert db.session.execute(db.select(OutboxMessage)).first() is None


def test_only_administrators_revoke_someone_elses_token(client, signed_in, member, token_for):
    person = member(Role.STEERING)
    secret = token_for(person)
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    signed_in(Role.LEAD)
    assert client.post(
        f"/admin/users/{person.id}/api-tokens/{token.id}/revoke").status_code == 404
    assert _get(client, "/api/v1/authorities", secret).status_code == 200


def test_the_guide_page(client, signed_in):
    signed_in(Role.OBSERVER)
    page = client.get("/account/api").get_data(as_text=True)
    assert "Power Query" in page and "/api/v1/authorities/testshire/actions" in page
