from __future__ import annotations

import re
from datetime import time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    Field,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Optional, ValidationError

from tracker.forms import (
    MARKDOWN_HINT,
    NONE,
    GovDateField,
    OwnedActionForm,
    VersionField,
    area_field,
    choices,
    strip_text,
    text_field,
)
from tracker.meetings import planner
from tracker.meetings.core import format_time
from tracker.models import GroupKind, MeetingKind, MeetingStatus, OutcomeKind, SheetQuestion

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(am|pm)?$")


def parse_time(text: str) -> time | None:
    """9:30am, 9.30, 2pm, 14:00 as a time; None for blank; ValueError when it is not a time."""
    text = text.strip().lower().replace(" ", "")
    if not text:
        return None
    match = _TIME.match(text)
    if not match:
        raise ValueError(text)
    hour, minute, suffix = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if suffix and not 1 <= hour <= 12:
        raise ValueError(text)
    if suffix:
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    return time(hour, minute)  # ValueError for 25:00 or 9:75


class TimeField(StringField):
    """A time typed as people write it. `.time` holds it once validated."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, **kw):
        kw.setdefault("filters", [strip_text])
        super().__init__(label, validators, **kw)
        self.time: time | None = None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, time):
            return format_time(self.data)
        return self.data or ""

    def pre_validate(self, form) -> None:
        if isinstance(self.data, time):
            self.time = self.data
            return
        try:
            self.time = parse_time(self.data or "")
        except ValueError as exc:
            self.time = None
            raise ValidationError(
                f"{self.label.text} must be a time, like 9:30am or 14:00") from exc



KIND_CHOICES = choices((k.value, k.label) for k in MeetingKind)
GROUP_CHOICES = choices((g.value, g.label) for g in GroupKind)
NUMBER_CHOICES = choices((n, f"Set {n}") for n in (1, 2, 3))


class _MeetingDetails(FlaskForm):
    name = text_field("Name", optional=True, max_length=200,
                 description="Optional. For a task and finish group, its name, like "
                             "“Assessment template task and finish group”.")
    day = GovDateField("Date", required_message="Enter the date of the meeting",
                       description="For example, 27 3 2027")
    start_time = TimeField("Start time", description="For example, 9:30am",
                           validators=[Optional()])
    end_time = TimeField("End time", description="For example, 1:30pm", validators=[Optional()])
    location = text_field("Place or link", optional=True, max_length=500,
                     description="A room and building, or a link to the video call.")
    facilitators = text_field("Facilitators", optional=True, max_length=500,
                         description="For example, the NSPCC consultant and a co-facilitator.")

    def validate_end_time(self, field):
        start = self.start_time.time
        if field.time and not start:
            raise ValidationError("Enter a start time as well as the end time")
        if field.time and start and field.time <= start:
            raise ValidationError("End time must be after the start time")


class NewMeetingForm(_MeetingDetails):
    kind = SelectField("Kind of meeting", widget=GovSelect(), choices=KIND_CHOICES,
                       validators=[DataRequired("Choose the kind of meeting")])
    number = RadioField("Which set is it?", widget=GovRadioInput(), choices=NUMBER_CHOICES,
                        validate_choice=False,
                        description="Only for strategic and practice learning sets.")
    group = RadioField("Group", widget=GovRadioInput(), choices=GROUP_CHOICES,
                       validators=[DataRequired("Choose the group the meeting belongs to")],
                       description="For a task and finish group. Learning sets, the briefing "
                                   "day, mid-way reviews and steering meetings belong to their "
                                   "own group.")

    def validate_number(self, field):
        numbered = self.kind.data in (k.value for k in MeetingKind if k.numbered)
        if numbered and field.data not in {c.value for c in NUMBER_CHOICES}:
            raise ValidationError("Choose which set this is: 1, 2 or 3")


class EditMeetingForm(_MeetingDetails):
    status = RadioField("Status", widget=GovRadioInput(),
                        choices=choices((s.value, s.label) for s in MeetingStatus),
                        validators=[DataRequired("Choose the meeting's status")])
    invitees = SelectMultipleField("Invitees", widget=GovCheckboxesInput(), validate_choice=True)
    summary = area_field("Summary", description="Optional. A short account of the meeting for people "
                                           "who were not there. " + MARKDOWN_HINT)
    version = VersionField()


def _prompt_lines(text: str | None) -> list[str]:
    return [line.strip().lstrip("-•").strip() for line in (text or "").splitlines()
            if line.strip().lstrip("-•").strip()]


class ItemForm(FlaskForm):
    title = text_field("Item", "Enter the agenda item")
    prompts = area_field("Questions to discuss", max_length=5000,
                    description="Optional. One question a line.")
    notes = area_field("Notes", description="What was said. " + MARKDOWN_HINT)
    position = SelectField("Place on the agenda", widget=GovSelect(), coerce=int,
                           validate_choice=True)
    version = VersionField()

    @property
    def prompt_list(self) -> list[str]:
        return _prompt_lines(self.prompts.data)


class NewItemForm(FlaskForm):
    title = text_field("Item", "Enter the agenda item")
    prompts = area_field("Questions to discuss", max_length=5000,
                    description="Optional. One question a line.")

    @property
    def prompt_list(self) -> list[str]:
        return _prompt_lines(self.prompts.data)


class OutcomeForm(OwnedActionForm):
    kind = RadioField("Kind of outcome", widget=GovRadioInput(),
                      choices=choices([
                          (OutcomeKind.INFORMATION.value, "Information: something noted"),
                          (OutcomeKind.DECISION.value,
                           "Decision: goes on the programme's decisions log"),
                          (OutcomeKind.ACTION.value,
                           "Action: someone will do something by a date"),
                      ]),
                      validators=[DataRequired("Choose the kind of outcome")])
    text = area_field("What was noted, decided or agreed", max_length=2000)

    def validate_text(self, field):
        if not field.data:
            raise ValidationError("Enter what was noted, decided or agreed")
        if self.kind.data == OutcomeKind.ACTION.value and len(field.data) > 300:
            raise ValidationError("An action must be 300 characters or fewer")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.kind.data == OutcomeKind.ACTION.value:
            ok = self.check_owner_and_due() and ok
        return ok


class CirculateForm(FlaskForm):
    to = RadioField("Send the action list to", widget=GovRadioInput(),
                    validators=[DataRequired(message="Choose who to send the action list to")])

    def __init__(self, meeting_group: GroupKind, *args, **kwargs):
        super().__init__(*args, **kwargs)
        other = next(g for g in GroupKind if g != meeting_group)
        self.to.choices = choices([
            ("both", "Both groups"),
            ("meeting_group", f"The {meeting_group.label.lower()} only"),
            ("other_group", f"The {other.label.lower()} only"),
        ])
        if not self.is_submitted():
            # The Bristol evaluation describes the lists going to both groups.
            self.to.data = "both"


DAYS, WORKING_DAYS = "days", "working_days"


class CirculationRuleForm(FlaskForm):
    rule = RadioField(
        "How to count the two days for circulating action lists", widget=GovRadioInput(),
        choices=choices([(DAYS, "Two days after the meeting (the Framework's rule)"),
                         (WORKING_DAYS, "Two working days after the meeting (a local choice)")]),
        validators=[DataRequired(message="Choose how to count the two days")])


class ConfirmForm(FlaskForm):
    """CSRF only: for buttons, and for the attendance page, whose radio groups (one per
    invitee) the route reads from the request."""


class SheetForm(FlaskForm):
    me = area_field(SheetQuestion.ME.label, max_length=5000)
    team = area_field(SheetQuestion.TEAM.label, max_length=5000)
    others = area_field(SheetQuestion.OTHERS.label, max_length=5000)
    before_next = area_field(SheetQuestion.BEFORE_NEXT.label, max_length=5000)
    version = VersionField()


class SheetActionForm(OwnedActionForm):
    question = RadioField("Which answer does it come from?", widget=GovRadioInput(),
                          choices=choices((q.value, q.label) for q in SheetQuestion),
                          validators=[DataRequired("Choose the answer the action comes from")])
    title = text_field("Action", "Enter what needs to be done")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        return self.check_owner_and_due() and ok


NO_ACCOUNT = "none"


class MemberForm(FlaskForm):
    user = SelectField("Person", widget=GovSelect(), validate_choice=True,
                       validators=[DataRequired("Choose a person, or someone without an account")])
    name = text_field("Name of someone without an account", optional=True, max_length=200,
                 description="Only if you chose “Someone without an account” above.")
    job_title = text_field("Job title", optional=True, max_length=200,
                      description="Leave blank to use the job title on their account.")
    framework_role = SelectField("Role the group needs", widget=GovSelect(), validate_choice=True)

    def validate_name(self, field):
        if self.user.data == NO_ACCOUNT and not field.data:
            raise ValidationError("Enter the name of the person without an account")


class EditMemberForm(FlaskForm):
    name = text_field("Name", optional=True, max_length=200)
    job_title = text_field("Job title", optional=True, max_length=200)
    framework_role = SelectField("Role the group needs", widget=GovSelect(), validate_choice=True)
    left = BooleanField("This person has left the group", widget=GovCheckboxInput())
    version = VersionField()


def role_choices(roles) -> list:
    return choices([(NONE, "None of these")] + [(r.key, r.label) for r in roles])


class ClosuresField(Field):
    """School holidays typed one range a line; each line's problem named in the message."""

    widget = GovTextArea()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return planner.format_closures(self.data or [])

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = []
        if valuelist:
            self.data = planner.parse_closures(valuelist[0])


class PlanForm(FlaskForm):
    name = text_field("Name of the series", "Enter a name for the series", max_length=200,
                 description="For example, Learning sets 2027.")
    start_date = GovDateField("Date of Strategic Set 1",
                              required_message="Enter the date of the first strategic set",
                              description="The planner starts here. For example, 11 1 2027")
    closures = ClosuresField(
        "School holidays to count out",
        description="Optional. Weekends and bank holidays are always counted out. One holiday "
                    "a line, like 15/2/2027 to 19/2/2027.")
    location = text_field("Place for the sets and the briefing day", optional=True, max_length=500)
    call_link = text_field("Link or number for the mid-way review calls", optional=True,
                      max_length=500)
    facilitators = text_field("Facilitators", optional=True, max_length=500)

    def day_fields(self) -> list[GovDateField]:
        return [self[f"day_{i}"] for i in range(len(planner.SERIES_SHAPE))]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # The planner counts working days from these dates: keep them to plannable years.
        first, last = planner.PLANNING_YEARS
        for field in [self.start_date, *self.day_fields()]:
            if field.data and not field.errors and not first <= field.data.year <= last:
                field.errors = [*field.errors, f"{field.label.text} must be between "
                                               f"{first} and {last}"]
                ok = False
        return ok


# One date field a meeting of the series, labelled with the meeting it dates.
for _i, (_round, _kind, _number, _group, _after) in enumerate(planner.SERIES_SHAPE):
    _title = _kind.title(_number)
    setattr(PlanForm, f"day_{_i}", GovDateField(
        _title, required_message=f"Enter the date of {_title}"))
