from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect
from wtforms import RadioField, SelectField
from wtforms.validators import DataRequired, ValidationError

from tracker import clock
from tracker.forms import NONE, OwnedActionForm, VersionField, area_field, choices, text_field
from tracker.models import AnswerKind, GroupKind, ItemKind, Meeting

GROUP_CHOICES = choices((g.value, f"The {g.label.lower()}") for g in GroupKind)


def meeting_choices(meetings: list[Meeting]) -> list:
    return choices([(NONE, "Not written at a meeting")] + [
        (m.id, f"{m.title}, {clock.format_date(m.day)}") for m in meetings])


class _Details(FlaskForm):
    greeting = text_field("Greeting", optional=True, max_length=300,
                     description="The first line of the postcard, like “Dear Strategic Group,”.")
    meeting = SelectField("Written at", widget=GovSelect(), validate_choice=True,
                          description="The learning set the group wrote it at, if it did.")


class NewPostcardForm(_Details):
    from_group = RadioField("Who is it from?", widget=GovRadioInput(), choices=GROUP_CHOICES,
                            validators=[DataRequired("Choose the group the postcard is from")])


class EditPostcardForm(_Details):
    version = VersionField()


class ItemForm(FlaskForm):
    kind = RadioField("Kind of line", widget=GovRadioInput(),
                      choices=choices([
                          (ItemKind.COMMITMENT.value,
                           "A commitment: something our group will do"),
                          (ItemKind.REQUEST.value,
                           "A question or request for the other group to answer"),
                      ]),
                      validators=[DataRequired("Choose a commitment or a question or request")])
    text = area_field("What it says", max_length=2000,
                 required="Enter the commitment, or the question or request")


class EditItemForm(FlaskForm):
    text = area_field("What it says", max_length=2000,
                 required="Enter the commitment, or the question or request")
    version = VersionField()


class AnswerForm(OwnedActionForm):
    text = area_field("Answer", max_length=2000, required="Enter the answer",
                 description="For example, “Head of Service to lead a task and finish group”.")
    kind = RadioField("What happens next?", widget=GovRadioInput(),
                      choices=choices([
                          (AnswerKind.ANSWER.value, "Nothing more: the answer is enough"),
                          (AnswerKind.ACTION.value,
                           "Make this an action, so it is tracked until it is done"),
                          (AnswerKind.DISCUSS.value,
                           "To be discussed at the next meeting: put it on the agenda"),
                      ]),
                      validators=[DataRequired("Choose what happens next")])

    def validate_text(self, field):
        if self.kind.data == AnswerKind.ACTION.value and len(field.data or "") > 300:
            raise ValidationError("An answer made into an action must be 300 characters or "
                                  "fewer: it becomes the action's title")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.kind.data == AnswerKind.ACTION.value:
            ok = self.check_owner_and_due() and ok
        return ok


class CommitmentActionForm(OwnedActionForm):
    title = text_field("Action", "Enter what needs to be done",
                  description="What will be done, in a few words.")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        return self.check_owner_and_due() and ok


class LinkActionForm(FlaskForm):
    action = SelectField("Action", widget=GovSelect(), validate_choice=True,
                         validators=[DataRequired("Choose the action")])


class ReviewForm(FlaskForm):
    meeting = SelectField("Reviewed at", widget=GovSelect(), validate_choice=True,
                          validators=[DataRequired("Choose the meeting it was reviewed at")])


class ConfirmForm(FlaskForm):
    """CSRF only, for buttons."""
