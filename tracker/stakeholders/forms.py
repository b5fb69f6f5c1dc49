from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker import clock
from tracker.forms import NONE, GovDateField, VersionField, choices, strip_text, today_or_earlier
from tracker.models import (
    EngagementLevel,
    EngagementMethod,
    EngagementStatus,
    FeedbackSource,
    OccurrenceOutcome,
    RepeatUnit,
    StakeholderGroup,
    StakeholderType,
)

# How often an engagement can repeat: (form value, label, unit, every).
REPEATS = [
    (NONE, "Does not repeat", None, None),
    ("1w", "Every week", RepeatUnit.WEEKS, 1),
    ("2w", "Every 2 weeks", RepeatUnit.WEEKS, 2),
    ("4w", "Every 4 weeks", RepeatUnit.WEEKS, 4),
    ("1m", "Every month", RepeatUnit.MONTHS, 1),
    ("2m", "Every 2 months", RepeatUnit.MONTHS, 2),
    ("3m", "Every 3 months", RepeatUnit.MONTHS, 3),
    ("6m", "Every 6 months", RepeatUnit.MONTHS, 6),
    ("12m", "Every year", RepeatUnit.MONTHS, 12),
]
SCALE = choices((n, str(n)) for n in range(1, 6))


def repeat_value(unit: RepeatUnit | None, every: int | None) -> str:
    return next((value for value, _label, u, e in REPEATS if u == unit and e == every), NONE)


def repeat_rule(value: str) -> tuple[RepeatUnit | None, int | None]:
    return next(((u, e) for v, _label, u, e in REPEATS if v == value), (None, None))


def _text(label: str, max_length: int = 5000, **kw) -> TextAreaField:
    return TextAreaField(
        label, widget=GovTextArea(), filters=[strip_text],
        validators=[Length(max=max_length,
                           message=f"{label} must be {max_length:,} characters or fewer")],
        **kw,
    )


def _action_title() -> StringField:
    return StringField(
        "Action from this feedback",
        widget=GovTextInput(),
        filters=[strip_text],
        description="Optional. If the feedback needs something doing, say what: it is added to "
                    "the action log.",
        validators=[Length(max=300, message="Action must be 300 characters or fewer")],
    )


def _action_owner() -> SelectField:
    # Checked by the one owner rule (permissions.action_owner_refusal), with its own message.
    return SelectField("Action owner", widget=GovSelect(), default=NONE, validate_choice=False)


def _action_due() -> GovDateField:
    return GovDateField("Action due date", description="Optional. For example, 27 3 2027")


class StakeholderForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        filters=[strip_text],
        description="For example, IRO service, CAFCASS or Foster carers.",
        validators=[DataRequired("Enter the stakeholder's name"),
                    Length(max=200, message="Name must be 200 characters or fewer")],
    )
    kind = RadioField("Type", widget=GovRadioInput(),
                      choices=choices((t.value, t.label) for t in StakeholderType),
                      validators=[DataRequired("Select the type of stakeholder")])
    group = SelectField(
        "Stakeholder group", widget=GovSelect(),
        choices=choices([(NONE, "Choose a group")] + [(g.value, g.label) for g in StakeholderGroup]),
        description="The engagement plan is set out by group.",
        validators=[DataRequired("Choose the stakeholder group")],
    )
    organisation = StringField(
        "Organisation",
        widget=GovTextInput(),
        filters=[strip_text],
        description="Optional. For example, the NHS trust or the court they belong to.",
        validators=[Length(max=200, message="Organisation must be 200 characters or fewer")],
    )
    contact_owner = SelectField("Contact owner", widget=GovSelect(),
                                description="The member who keeps in touch with them.")
    influence = RadioField(
        "Influence", widget=GovRadioInput(), choices=SCALE,
        description="How much they can help or hinder the rollout, from 1 (very little) to 5 "
                    "(a great deal). 3 or more counts as high.",
        validators=[DataRequired("Select how much influence they have")],
    )
    interest = RadioField(
        "Interest", widget=GovRadioInput(), choices=SCALE,
        description="How much the Framework affects them or matters to them, from 1 (very "
                    "little) to 5 (a great deal). 3 or more counts as high.",
        validators=[DataRequired("Select how much interest they have")],
    )
    level_now = RadioField("Engagement now", widget=GovRadioInput(),
                           choices=choices((lv.value, lv.label) for lv in EngagementLevel),
                           validators=[DataRequired("Select where they stand now")])
    level_wanted = RadioField("Engagement wanted", widget=GovRadioInput(),
                              choices=choices((lv.value, lv.label) for lv in EngagementLevel),
                              validators=[DataRequired("Select where you need them to be")])
    benefits = _text("How the Framework could benefit them", description="Optional.")
    resistance = _text("Expected resistance",
                       description="Optional. What might make them resist the change.")
    mitigation = _text("How to lessen it", description="Optional.")
    needs_to_know = _text("What they need to know", description="Optional.")
    channels = _text(
        "Channels that reach them",
        description="Optional. For example, team meetings, the practice newsletter, the board's "
                    "agenda, the foster carers' support group.",
    )
    version = VersionField()


class EngagementForm(FlaskForm):
    title = StringField(
        "What",
        widget=GovTextInput(),
        filters=[strip_text],
        description="A short name, for example “Briefing for new starters” or “Paper to the "
                    "Corporate Parenting Board”.",
        validators=[DataRequired("Enter what the engagement is"),
                    Length(max=300, message="What must be 300 characters or fewer")],
    )
    stakeholders = SelectMultipleField(
        "Who it is for", widget=GovCheckboxesInput(),
        validators=[DataRequired("Choose at least one stakeholder")],
    )
    method = SelectField(
        "How", widget=GovSelect(),
        choices=choices([(NONE, "Choose a method")] + [(m.value, m.label) for m in EngagementMethod]),
        validators=[DataRequired("Choose how you will engage them")],
    )
    message = _text(
        "Key message",
        description="Optional. What they should take away. Local case studies, quotes from "
                    "local staff and local data help the message land.",
    )
    owner = SelectField("Owner", widget=GovSelect(), description="Who makes it happen.")
    planned_date = GovDateField("Date", required_message="Enter the date",
                                description="The first date, if it repeats. For example, 27 3 2027")
    repeat = SelectField(
        "Repeats", widget=GovSelect(), choices=choices((v, label) for v, label, _u, _e in REPEATS),
        description="A rolling programme, such as a briefing for new starters every 3 months, "
                    "means new staff learn the approach too.",
    )
    repeat_until = GovDateField("Repeat until",
                                description="Optional. Leave blank to keep repeating.")
    notes = _text("Notes", max_length=20000, description="Optional. You can use Markdown.")
    version = VersionField()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        until, start = self.repeat_until.data, self.planned_date.data
        if until and not self.repeat_until.errors:
            if not self.repeat.data:
                self.repeat_until.errors.append(
                    "Choose how often it repeats, or leave Repeat until blank")
                ok = False
            elif start and until < start:
                self.repeat_until.errors.append("Repeat until must be on or after the date")
                ok = False
        return ok


class EditEngagementForm(EngagementForm):
    status = RadioField("Status", widget=GovRadioInput(),
                        choices=choices((s.value, s.label) for s in EngagementStatus),
                        description="Cancel it if it will not happen: it leaves the plan but "
                                    "keeps its history.",
                        validators=[DataRequired("Select the status")])


def _check_feedback_and_action(form) -> bool:
    ok = True
    if form.feedback_text.data and not form.feedback_source.data:
        form.feedback_source.errors.append("Select who the feedback came from")
        ok = False
    if form.action_title.data and not form.feedback_text.data:
        form.feedback_text.errors.append("Enter the feedback the action comes from")
        ok = False
    return ok


class RecordForm(FlaskForm):
    outcome = RadioField(
        "Did it happen?", widget=GovRadioInput(),
        choices=choices([(OccurrenceOutcome.DONE.value, "Yes, it happened"),
                         (OccurrenceOutcome.NOT_HELD.value, "No, it did not happen")]),
        validators=[DataRequired("Say whether it happened")],
    )
    done_on = GovDateField("Date it happened", description="For example, 27 3 2027")
    notes = _text("Notes", description="Optional. Who came, what went well, what to change.")
    feedback_text = _text(
        "Feedback received",
        description="Optional. What people said. Do not include names or details that could "
                    "identify a child or family.",
    )
    feedback_source = RadioField(
        "Who the feedback came from", widget=GovRadioInput(),
        choices=choices((s.value, s.label) for s in FeedbackSource), validators=[Optional()],
    )
    action_title = _action_title()
    action_owner = _action_owner()
    action_due = _action_due()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        done = self.outcome.data == OccurrenceOutcome.DONE.value
        if done and not self.done_on.data and not self.done_on.errors:
            self.done_on.errors.append("Enter the date it happened")
            ok = False
        elif done and self.done_on.data and self.done_on.data > clock.today():
            self.done_on.errors.append("Date it happened must be today or in the past")
            ok = False
        return _check_feedback_and_action(self) and ok


class FeedbackForm(FlaskForm):
    received_on = GovDateField("Date received", description="For example, 27 3 2027",
                               required_message="Enter the date the feedback was received",
                               validators=[today_or_earlier])
    feedback_source = RadioField(
        "Who the feedback came from", widget=GovRadioInput(),
        choices=choices((s.value, s.label) for s in FeedbackSource),
        validators=[DataRequired("Select who the feedback came from")],
    )
    feedback_text = TextAreaField(
        "Feedback",
        widget=GovTextArea(),
        filters=[strip_text],
        description="What people said. Do not include names or details that could identify a "
                    "child or family.",
        validators=[DataRequired("Enter the feedback"),
                    Length(max=5000, message="Feedback must be 5,000 characters or fewer")],
    )
    engagement = SelectField("Engagement it is about", widget=GovSelect())
    stakeholder = SelectField("Stakeholder it is about", widget=GovSelect())
    action_title = _action_title()
    action_owner = _action_owner()
    action_due = _action_due()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.engagement.data and not self.stakeholder.data:
            self.engagement.errors.append(
                "Choose the engagement or the stakeholder the feedback is about")
            ok = False
        return _check_feedback_and_action(self) and ok


class RaiseActionForm(FlaskForm):
    action_title = StringField(
        "Action",
        widget=GovTextInput(),
        filters=[strip_text],
        description="What needs to be done, in a few words.",
        validators=[DataRequired("Enter what needs to be done"),
                    Length(max=300, message="Action must be 300 characters or fewer")],
    )
    action_owner = _action_owner()
    action_due = _action_due()


class ConfirmForm(FlaskForm):
    """Carries only the CSRF token, for a confirmation button."""
