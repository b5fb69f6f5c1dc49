"""What the input tests share (tests/test_property_inputs.py, tests/test_bad_input.py): every
form a programme lead meets, read from the pages as a browser would, with one of each record to
edit; a post built from a form's own values; and the check that a refused post saved nothing.

FORMS names each form by the endpoint it posts to, with the page it is on. A form on a page that
FORMS does not name fails test_every_form_is_swept until it is added, so none is forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from flask import Flask
from sqlalchemy import func, inspect, literal, select, union_all

from tests.test_tenancy import _ids_for
from tracker.extensions import db
from tracker.meetings import groups as meeting_groups
from tracker.models import GroupKind, ItemKind, Role
from tracker.postcards import services as postcards

SLUG = "/a/testshire"
# endpoint -> the page its forms are on, under the authority but for /account ({ids} from
# tests/test_tenancy.py `_ids_for`, and draft_*: a postcard still being written).
FORMS = {
    "actions.new": "/actions/new",
    "actions.edit": "/actions/{action_id}/edit",
    "actions.add_note": "/actions/{action_id}",
    "actions.bulk": "/actions",
    "actions.import_csv": "/actions/import",
    "checklist.set_current_phase": "/checklist",
    "checklist.edit_task": "/checklist/tasks/{task_id}/edit",
    "checklist.add_local_task": "/checklist/phase/1/tasks/new",
    "checklist.outcome": "/checklist/outcomes/{outcome_id}",
    "costs.save": "/costs",
    "costs.choose": "/costs/scenarios",
    "costs.delete": "/costs/scenarios/{scenario_id}/delete",
    "plan.new_workstream": "/workstreams/new",
    "plan.edit_workstream": "/workstreams/{workstream_id}/edit",
    "plan.new_milestone": "/milestones/new",
    "plan.edit_milestone": "/milestones/{milestone_id}/edit",
    "meetings.new": "/meetings/new",
    "meetings.edit": "/meetings/{meeting_id}/edit",
    "meetings.add_item": "/meetings/{meeting_id}/items/new",
    "meetings.edit_item": "/meetings/{meeting_id}/items/{item_id}",
    "meetings.remove_item": "/meetings/{meeting_id}/items/{item_id}/remove",
    "meetings.add_outcome": "/meetings/{meeting_id}/items/{item_id}/outcomes/new",
    "meetings.remove_outcome": "/meetings/{meeting_id}/items/{item_id}",
    "meetings.attendance": "/meetings/{meeting_id}/attendance",
    "meetings.sheet": "/meetings/{meeting_id}/sheets/{member_id}",
    "meetings.circulation_rule": "/meetings",
    "meetings.plan": "/meetings/plan",
    "meetings.add_strategic_member": "/groups/strategic/members/new",
    "meetings.add_practice_member": "/groups/practice/members/new",
    "meetings.edit_member": "/groups/members/{member_id}/edit",
    "outcomes.new": "/outcomes/new",
    "outcomes.edit": "/outcomes/{quarter_id}/edit",
    "outcomes.import_csv": "/outcomes/import",
    "postcards.new": "/postcards/new",
    "postcards.edit": "/postcards/{draft_postcard_id}/edit",
    "postcards.add_item": "/postcards/{draft_postcard_id}/items/new",
    "postcards.edit_item": "/postcards/{draft_postcard_id}/items/{draft_item_id}",
    "postcards.remove_item": "/postcards/{draft_postcard_id}/items/{draft_item_id}",
    "postcards.send": "/postcards/{draft_postcard_id}/send",
    "postcards.commitment_action": "/postcards/{draft_postcard_id}/items/{draft_commitment_id}"
                                   "/action",
    "postcards.answer": "/postcards/{postcard_id}/items/{postcard_item_id}/answer",
    "auth.account": "/account",
    "auth.calendar_feed": "/account",
    "stakeholders.new_stakeholder": "/stakeholders/new",
    "stakeholders.edit_stakeholder": "/stakeholders/{stakeholder_id}/edit",
    "stakeholders.remove_stakeholder": "/stakeholders/{stakeholder_id}/remove",
    "stakeholders.new_engagement": "/engagements/new",
    "stakeholders.edit_engagement": "/engagements/{engagement_id}/edit",
    "stakeholders.record": "/engagements/{engagement_id}/record",
    "stakeholders.new_feedback": "/feedback/new",
    "stakeholders.raise_action": "/feedback/{feedback_id}/action",
    "stakeholders.import_stakeholders": "/stakeholders/import",
    "plan.import_milestones": "/milestones/import",
    "framework.new_team": "/framework/teams/new",
    "framework.edit_team": "/framework/teams/{team_id}/edit",
    "framework.add_staff": "/framework/teams/{team_id}/staff/new",
    "framework.edit_staff": "/framework/staff/{staff_id}/edit",
    "framework.import_staff": "/framework/staff/import",
    "framework.new_event": "/framework/training/new",
    "framework.attendance": "/framework/training/{event_id}",
    "framework.rate": "/framework/teams/{team_id}/fidelity",
    "framework.new_adaptation": "/framework/adaptations/new",
    "evaluation.open_round": "/evaluation",
    "evaluation.send_links": "/evaluation/rounds/{round_id}",
    "evaluation.close_round": "/evaluation/rounds/{round_id}",
    "health.thresholds": "/health/thresholds",
}
# Not swept: sign-out, and the site administrator's pages (no programme content).
NOT_SWEPT = {"auth.logout"}


@dataclass
class Input:
    """One named field of a form: its kind (text, textarea, date-day/-month/-year, select,
    radio, checkbox, hidden), the value the page gives it and, for choices, the options."""

    name: str
    kind: str
    value: str | None = None
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    inputs: list[Input] = field(default_factory=list)

    def values(self, fill=None) -> dict[str, list[str]]:
        """The post a browser would send, with `fill(input)` (None: keep) for each input."""
        post: dict[str, list[str]] = {}
        for each in self.inputs:
            value = fill(each) if fill else None
            if value is None:
                value = each.value
            if value is not None:
                post.setdefault(each.name, []).append(value)
        return post


class _Forms(HTMLParser):
    """The POST forms of a page (sign-out aside), each with its inputs and their values."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Input | None = None
        self._textarea: Input | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(a.get("action") or self.page)
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name and name != "csrf_token":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind in ("radio", "checkbox"):
                self._choice(name, kind, a)
                return
            if "govuk-date-input__input" in a.get("class", ""):
                kind = "date" + a.get("id", "")[a.get("id", "").rfind("-"):]
            self._form.inputs.append(Input(name, kind, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = Input(name, "textarea", "")
            self._form.inputs.append(self._textarea)
        elif tag == "select" and name:
            self._select = Input(name, "select")
            self._form.inputs.append(self._select)
        elif tag == "option" and self._select:
            self._select.options.append(a.get("value", ""))
            if "selected" in a or self._select.value is None:
                self._select.value = a.get("value", "")

    def _choice(self, name, kind, a):
        found = next((i for i in self._form.inputs if i.name == name and i.kind == kind), None)
        if found is None or kind == "checkbox":
            found = Input(name, kind)
            self._form.inputs.append(found)
        found.options.append(a.get("value", "y"))
        if "checked" in a:
            found.value = a.get("value", "y")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_on(client, page: str) -> list[Form]:
    response = client.get(page)
    if response.status_code != 200 or response.mimetype != "text/html":
        return []
    parser = _Forms(page)
    parser.feed(response.get_data(as_text=True))
    return [f for f in parser.forms if f.action != "/logout"]


def endpoint_of(app: Flask, action: str) -> str:
    path = action.split("?")[0]
    return app.url_map.bind("localhost").match(path, method="POST")[0]


def page_of(endpoint: str, world: dict) -> str:
    page = FORMS[endpoint].format(**world)
    return page if page == "/account" else SLUG + page


def forms_for(app: Flask, client, world: dict, endpoint: str) -> list[Form]:
    """The forms posting to `endpoint` on its page; none when the page is gone (removed)."""
    return [f for f in forms_on(client, page_of(endpoint, world))
            if endpoint_of(app, f.action) == endpoint]


@pytest.fixture
def world(client, signed_in, programme, authority):
    """A lead signed in, in both groups, with one of every record (a draft postcard too)."""
    lead = signed_in(Role.LEAD)
    ids = _ids_for(authority)
    for group in (GroupKind.STRATEGIC, GroupKind.PRACTICE):
        meeting_groups.add_member(programme, group, actor=None, user=lead)
    draft = postcards.create_postcard(programme, from_group=GroupKind.PRACTICE, actor=None)
    item = postcards.add_item(draft, kind=ItemKind.REQUEST, text="Who signs off?", actor=None)
    commitment = postcards.add_item(draft, kind=ItemKind.COMMITMENT, text="Share it",
                                    actor=None)
    db.session.commit()
    return {**ids, "draft_postcard_id": draft.id, "draft_item_id": item.id,
            "draft_commitment_id": commitment.id, "lead_id": lead.id}


_tables: list = []


def fingerprint() -> tuple:
    """Every table's row count and, where rows carry a version, the sum of their versions:
    in one query, it changes when any row is added, removed or saved by an edit."""
    if not _tables:  # the migrated tables, once: they are the same for the whole session
        existing = set(inspect(db.engine).get_table_names())
        _tables.extend(t for t in db.metadata.sorted_tables if t.name in existing)
    parts = []
    for table in _tables:
        version = func.coalesce(func.sum(table.c.version), 0) if "version" in table.c \
            else literal(0)
        parts.append(select(literal(table.name).label("t"), func.count().label("n"),
                            version.label("v")).select_from(table))
    return tuple(tuple(row) for row in db.session.execute(union_all(*parts)))


def check(client, response, before: tuple, label: str) -> None:
    """No server error; a refused post saved nothing; what an accepted post leads to opens."""
    body = response.get_data(as_text=True)
    assert response.status_code != 500, f"{label}: {body[-1500:]}"
    db.session.rollback()
    if response.status_code >= 400:
        assert fingerprint() == before, f"{label}: a refused post saved nothing"
    elif response.status_code in (302, 303):
        # One stored value must never break a page: open where the save leads.
        after = client.get(response.headers["Location"])
        assert after.status_code != 500, f"{label}: {response.headers['Location']} broke"
