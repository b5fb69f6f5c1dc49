from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.forms import GovDateField, VersionField, choices, fits, strip_text
from tracker.models import Action, ActionStatus
from tracker.rag import Rag


class ActionForm(FlaskForm):
    title = StringField(
        "Action",
        widget=GovTextInput(),
        filters=[strip_text],
        description="What needs to be done, in a few words.",
        validators=[DataRequired("Enter what needs to be done"),
                    fits(Action.title, "Action")],
    )
    details = TextAreaField(
        "Details",
        widget=GovTextArea(),
        filters=[strip_text],
        description="Optional. You can use Markdown.",
        validators=[Length(max=20000, message="Details must be 20,000 characters or fewer")],
    )
    # Checked by the one owner rule (permissions.action_owner_refusal), with its own message.
    owner = SelectField("Owner", widget=GovSelect(), validate_choice=False)
    owner_name = StringField(
        "Or an owner without an account",
        widget=GovTextInput(),
        filters=[strip_text],
        description='For example, "Head of Commissioning". Used only when no owner is chosen above.',
        validators=[fits(Action.owner_name, "Owner's name")],
    )
    due_date = GovDateField("Due date", description="For example, 27 3 2027")
    status = RadioField("Status", widget=GovRadioInput(),
                        choices=choices((s.value, s.label) for s in ActionStatus),
                        validators=[DataRequired("Select the action's status")])
    dropped_reason = TextAreaField(
        "Why was it dropped?",
        widget=GovTextArea(),
        filters=[strip_text],
        description="Only if you chose Dropped.",
        validators=[Length(max=2000, message="Reason must be 2,000 characters or fewer")],
    )
    workstream = SelectField("Workstream", widget=GovSelect())
    milestone = SelectField("Milestone", widget=GovSelect())
    version = VersionField()

    def validate_dropped_reason(self, field):
        if self.status.data == ActionStatus.DROPPED.value and not field.data:
            raise ValidationError("Say why the action was dropped")


class NoteForm(FlaskForm):
    text = TextAreaField(
        "Add a progress note",
        widget=GovTextArea(),
        filters=[strip_text],
        description="What has happened since the last update? You can use Markdown.",
        validators=[DataRequired("Enter the progress note"),
                    Length(max=5000, message="Note must be 5,000 characters or fewer")],
    )


class FilterForm(FlaskForm):
    """The action log's filters: a GET form, so a filtered list has a URL to share."""

    class Meta:
        csrf = False

    q = StringField("Search titles and details", widget=GovTextInput(), filters=[strip_text])
    owner = SelectField("Owner", widget=GovSelect(), validate_choice=False)
    status = SelectMultipleField(
        "Status", widget=GovCheckboxesInput(),
        choices=choices((s.value, s.label) for s in ActionStatus), validate_choice=False)
    rag = SelectMultipleField(
        "RAG", widget=GovCheckboxesInput(),
        choices=choices((r.value, r.label) for r in Rag), validate_choice=False)
    workstream = SelectField("Workstream", widget=GovSelect(), validate_choice=False)
    milestone = SelectField("Milestone", widget=GovSelect(), validate_choice=False)
    source = SelectField("Came from", widget=GovSelect(), validate_choice=False)
    due_from = GovDateField("Due on or after")
    due_to = GovDateField("Due on or before")
    sort = SelectField(
        "Sort by", widget=GovSelect(), validate_choice=False,
        choices=choices([("due", "Due date"), ("title", "Title"), ("status", "Status"),
                         ("updated", "Recently updated"), ("created", "Recently created")]))


class BulkForm(FlaskForm):
    action_ids = SelectMultipleField("Actions", coerce=int, validate_choice=False)
    owner = SelectField("Reassign to", widget=GovSelect(), validate_choice=True)
    due_date = GovDateField("Change due date to")
    apply_owner = SubmitField("Reassign selected", widget=GovSubmitInput())
    apply_due = SubmitField("Re-date selected", widget=GovSubmitInput())

    def validate_action_ids(self, field):
        if not field.data:
            raise ValidationError("Select the actions to change")


class ImportForm(FlaskForm):
    file = FileField("Spreadsheet file", widget=GovFileInput(),
                     description="Excel (.xlsx) or CSV, with a first row of column headings.")
    csv_text = HiddenField()
