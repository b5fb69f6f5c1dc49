"""Rules every form follows: lengths, control characters, invisible text and dates in range."""

import importlib
import inspect
import pkgutil

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

import tracker
from tests.conftest import form_errors
from tracker.extensions import db
from tracker.models import Action, Role

NEW_ACTION = "/a/testshire/actions/new"
# Search boxes and secrets are not stored text.
NOT_STORED = {("FilterForm", "q"), ("SignInForm", "email")}


def _action_form(**fields):
    data = {"title": "Brief the IRO service", "details": "", "owner": "", "owner_name": "",
            "due_date": ["", "", ""], "status": "open", "dropped_reason": "", "workstream": "",
            "milestone": ""}
    data.update(fields)
    return data


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Action))


def test_every_stored_text_field_of_every_form_has_a_length_limit(app):
    missing, checked = [], 0
    with app.test_request_context():
        for module in pkgutil.walk_packages(tracker.__path__, "tracker."):
            if not module.name.endswith(".forms"):
                continue
            for name, form in vars(importlib.import_module(module.name)).items():
                if not (inspect.isclass(form) and issubclass(form, FlaskForm)
                        and form.__module__ == module.name):
                    continue
                for field_name, unbound in vars(form).items():
                    kind = getattr(unbound, "field_class", None)
                    if kind not in (StringField, TextAreaField) or (name, field_name) in NOT_STORED:
                        continue
                    validators = unbound.kwargs.get("validators") or (
                        unbound.args[1] if len(unbound.args) > 1 else [])
                    checked += 1
                    if not any(isinstance(v, Length) for v in validators):
                        missing.append(f"{module.name}.{name}.{field_name}")
    assert checked > 30, "the forms were found"
    assert not missing


@pytest.mark.parametrize(("day", "message"), [
    (["99999999999999999999", "1", "2027"], "Due date must be a real date, like 27 3 2027"),
    (["1", "1", "1900"], "Due date must be between 2000 and 2100"),
    (["1", "1", "2101"], "Due date must be between 2000 and 2100"),
    (["\u0662", "1", "2027"], "Due date must be a real date, like 27 3 2027"),
])
def test_dates_out_of_range_or_unreal_are_refused_with_a_message(client, signed_in, programme,
                                                                 day, message):
    signed_in(Role.LEAD)
    response = client.post(NEW_ACTION, data=_action_form(due_date=day))
    assert response.status_code == 400
    assert message in form_errors(response.get_data(as_text=True))
    assert _count() == 0


def test_control_characters_are_stripped_from_every_form(client, signed_in, programme):
    signed_in(Role.LEAD)
    response = client.post(NEW_ACTION, data=_action_form(title="Brief\x00 the\x07 IRO\x1b",
                                                         details="Line one\nLine\x00 two"))
    assert response.status_code == 302
    action = db.session.execute(select(Action)).scalar_one()
    assert action.title == "Brief the IRO"
    assert action.details == "Line one\nLine two"


def test_a_title_of_only_invisible_characters_is_blank(client, signed_in, programme):
    signed_in(Role.LEAD)
    response = client.post(NEW_ACTION, data=_action_form(title="\u200b \u200b\ufeff"))
    assert "Enter what needs to be done" in form_errors(response.get_data(as_text=True))
    assert _count() == 0


def test_a_title_longer_than_its_column_is_refused(client, signed_in, programme):
    signed_in(Role.LEAD)
    response = client.post(NEW_ACTION, data=_action_form(title="t" * 301))
    assert "Action must be 300 characters or fewer" in form_errors(response.get_data(as_text=True))
    assert _count() == 0


def test_one_odd_stored_date_does_not_break_the_calendar_feed(client, programme, member):
    from datetime import date

    from tracker import calendar
    from tracker.actions import services

    owner = member(Role.STEERING)
    services.create_action(programme, title="At the end of time", actor=None, owner=owner,
                           due_date=date(9999, 12, 31))
    services.create_action(programme, title="Next spring\r\nwith; odd, text\\", actor=None,
                           owner=owner, due_date=date(2027, 3, 31))
    calendar.turn_on(owner)
    db.session.commit()
    response = client.get(f"/calendar/{owner.calendar_token}.ics")
    assert response.status_code == 200
    assert "Next spring" in response.get_data(as_text=True)
