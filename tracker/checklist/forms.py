from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovTextArea, GovTextInput
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.forms import GovDateField, VersionField, choices, strip_text
from tracker.models import TaskStatus


class TaskForm(FlaskForm):
    status = RadioField(
        "Status",
        choices=choices((s.value, s.label) for s in TaskStatus),
        widget=GovRadioInput(),
        validators=[DataRequired("Select the task's status")],
    )
    not_applicable_reason = TextAreaField(
        "Why does this task not apply?",
        description="Only if you chose Not applicable.",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[Length(max=2000, message="Reason must be 2,000 characters or fewer")],
    )
    owner = SelectField("Owner", widget=GovSelect(), validate_choice=True)
    due_date = GovDateField("Due date", description="For example, 27 3 2027")
    notes = TextAreaField(
        "Notes",
        widget=GovTextArea(),
        filters=[strip_text],
        description="You can use Markdown: *emphasis*, lists with -, and [links](https://…).",
        validators=[Length(max=20000, message="Notes must be 20,000 characters or fewer")],
    )
    evidence = TextAreaField(
        "Evidence",
        widget=GovTextArea(),
        filters=[strip_text],
        description="A link to the document, minutes or data, or a short description of it.",
        validators=[Length(max=2000, message="Evidence must be 2,000 characters or fewer")],
    )
    version = VersionField()

    def validate_not_applicable_reason(self, field):
        if self.status.data == TaskStatus.NOT_APPLICABLE.value and not field.data:
            raise ValidationError("Say why this task does not apply to your authority")


class LocalTaskForm(FlaskForm):
    title = StringField(
        "Task",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired("Enter what needs to be done"),
            Length(max=300, message="Task must be 300 characters or fewer"),
        ],
    )
    guidance = TextAreaField(
        "Guidance",
        widget=GovTextArea(),
        filters=[strip_text],
        description="Optional. What the task means here, and how you will know it is done.",
        validators=[Length(max=5000, message="Guidance must be 5,000 characters or fewer")],
    )
    owner = SelectField("Owner", widget=GovSelect(), validate_choice=True)
    due_date = GovDateField("Due date", description="Optional. For example, 27 3 2027")


class OutcomeForm(FlaskForm):
    achieved_on = GovDateField("Date achieved", description="Leave blank if not achieved yet.")
    version = VersionField()


class CurrentPhaseForm(FlaskForm):
    phase = SelectField("Current phase", widget=GovSelect(), coerce=int)
