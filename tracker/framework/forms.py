from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import BooleanField, IntegerField, RadioField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, InputRequired, NumberRange, ValidationError

from tracker.forms import (
    GovDateField,
    VersionField,
    area_field,
    choices,
    text_field,
    today_or_earlier,
)
from tracker.framework import content
from tracker.models import (
    AdaptationLevel,
    AdaptationNature,
    FidelityLevel,
    KeepsIntent,
    StaffRole,
    TrainingKind,
)


class WholeNumberField(IntegerField):
    """A head count: a whole number from 0, with a message a person can act on."""

    widget = GovTextInput()

    def __init__(self, label: str, **kwargs):
        super().__init__(label, validators=[
            InputRequired(f"Enter the number of {label.lower()}, or 0"),
            NumberRange(0, 9999, f"{label} must be a whole number from 0 to 9999")], **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0].strip())
            except ValueError as exc:
                self.data = None
                raise ValueError(f"{self.label.text} must be a whole number, like 12") from exc


class TeamForm(FlaskForm):
    name = text_field("Team name", max_length=200)
    service_area = text_field("Service area", optional=True, max_length=200,
                              description="For example, Children looked after, or Edge of care.")
    practitioners = WholeNumberField("Practitioners")
    managers = WholeNumberField("Managers")
    version = VersionField()


class StaffForm(FlaskForm):
    name = text_field("Name", max_length=200)
    email = text_field("Work email address", "Enter their work email address", max_length=254)
    role = RadioField("Role", widget=GovRadioInput(),
                      choices=choices([(r.value, r.label) for r in StaffRole]),
                      validators=[DataRequired("Choose their role")])
    is_champion = BooleanField("A practice champion for the team", widget=GovCheckboxInput())
    # Only when changing an entry: the person may move to another team, or have left it (a
    # new entry is someone in the team now).
    team = SelectField("Team", widget=GovSelect(), validate_choice=False)
    left_on = GovDateField("Date they left the team", validators=[today_or_earlier], description=(
        "Only if they have left the team or the authority, for example 31 3 2027. They stay "
        "in the register with their training, and are no longer counted. Clear the date if "
        "it was recorded by mistake."))

    def validate_email(self, field) -> None:
        value = (field.data or "").strip()
        if value and "@" not in value.strip("@"):
            raise ValidationError("Enter an email address like name@example.gov.uk")


class EventForm(FlaskForm):
    kind = RadioField("What kind of event", widget=GovRadioInput(),
                      choices=choices([(k.value, k.label) for k in TrainingKind]),
                      validators=[DataRequired("Choose what kind of event it was")])
    title = text_field("Title", "Enter a title for the event", max_length=200,
                       description="For example, “Full-day briefing for the LAC teams”.")
    held_on = GovDateField("Date", required_message="Enter the date it was held",
                           description="For example, 27 3 2027")
    trainer = SelectField("Delivered by", widget=GovSelect(), validate_choice=False,
                          description="For train the trainer, who trained the new trainers.")
    trainer_name = text_field("Or someone not in the register", optional=True, max_length=200,
                              description="For example, “NSPCC consultant”.")
    meeting = SelectField("The learning set", widget=GovSelect(), validate_choice=False,
                          description="For a learning set: which of your meetings it was.")


class AttendanceForm(FlaskForm):
    present = SelectMultipleField("Who was there", widget=GovCheckboxesInput(),
                                  validate_choice=False, coerce=str)


LEVEL_CHOICES = [(level.value, level.label) for level in FidelityLevel]


def fidelity_form(practices: tuple[content.Practice, ...]) -> type[FlaskForm]:
    """A rating and a note for each stage and key element, in the content file's order."""

    class FidelityForm(FlaskForm):
        quarter = SelectField("Quarter", widget=GovSelect(), validate_choice=False,
                              description="Financial quarters: Q1 is April to June.")

    for p in practices:
        setattr(FidelityForm, f"level_{p.key}", RadioField(
            p.label, widget=GovRadioInput(), choices=choices(LEVEL_CHOICES),
            validators=[DataRequired(f"Choose how far the team uses: {p.label}")]))
        setattr(FidelityForm, f"note_{p.key}", area_field("Note", max_length=2000))
    return FidelityForm


class AdaptationForm(FlaskForm):
    what = area_field("What was changed", max_length=2000,
                      required="Say what was changed")
    practice = SelectField("Which part of the Framework", widget=GovSelect(),
                           validate_choice=False)
    level = RadioField("At what level", widget=GovRadioInput(),
                       choices=choices([(v.value, v.label) for v in AdaptationLevel]),
                       validators=[DataRequired("Choose whether it is the whole authority's "
                                                "change or one team's")])
    team = SelectField("Which team", widget=GovSelect(), validate_choice=False,
                       description="Only for one team's change.")
    nature = RadioField("The nature of the change", widget=GovRadioInput(),
                        choices=choices([(v.value, v.label) for v in AdaptationNature]),
                        validators=[DataRequired("Choose the nature of the change")])
    reason = area_field("Why", max_length=2000, required="Say why it was changed")
    decided_by = text_field("Who decided", "Say who decided", max_length=200,
                            description="A person or a group, for example “Steering group”.")
    decided_on = GovDateField("When it was decided", required_message="Enter when it was decided",
                              description="For example, 27 3 2027")
    keeps_intent = RadioField("Does it keep the element's intent?", widget=GovRadioInput(),
                              choices=choices([(v.value, v.label) for v in KeepsIntent]),
                              validators=[DataRequired("Say whether it keeps the intent")])
