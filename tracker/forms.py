"""Form pieces every area shares: GOV.UK date input, the stale-edit version field, error summary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import flash, redirect, render_template
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.main import wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovFileInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from sqlalchemy.orm.exc import StaleDataError
from wtforms import Field, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from tracker import clock, validation
from tracker.audit import StaleEdit
from tracker.errors import RuleBroken
from tracker.extensions import db
from tracker.permissions import action_owner_refusal, action_owners


class GovDateField(Field):
    """A GOV.UK day / month / year date. Blank is allowed unless the form says otherwise;
    a part-filled or impossible date gets a message saying what is wrong."""

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, required_message: str | None = None, **kw):
        super().__init__(label, validators, **kw)
        self.required_message = required_message

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        parts = [v.strip() for v in valuelist] + [""] * (3 - len(valuelist))
        day, month, year = parts[:3]
        self.raw_data = [day, month, year]
        if not any(parts):
            self.data = None
            if self.required_message:
                raise ValueError(self.required_message)
            return
        missing = [name for name, value in (("day", day), ("month", month), ("year", year))
                   if not value]
        if missing:
            raise ValueError(f"{self.label.text} must include a {' and '.join(missing)}")
        if not all(p.isascii() and p.isdigit() for p in (day, month, year)) or len(year) != 4 \
                or len(day) > 2 or len(month) > 2:
            raise ValueError(f"{self.label.text} must be a real date, like 27 3 2027")
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValueError(f"{self.label.text} must be a real date, like 27 3 2027") from exc
        validation.check_year(self.data, self.label.text)


class VersionField(IntegerField):
    """The record's version when the form was opened, so a save over someone else's is refused."""

    widget = HiddenField.widget

    def process_formdata(self, valuelist: list[str]) -> None:
        # Blank on a form that makes a record; required on an edit (see version_required).
        if valuelist and not valuelist[0].strip():
            self.data = None
            return
        super().process_formdata(valuelist)

    def set(self, version: int) -> None:
        """Carry this version in the re-rendered form (not the one that was submitted)."""
        self.data = version
        self.raw_data = [str(version)]


def error_summary(form) -> dict:
    """Params for govukErrorSummary, each link pointing at the input to fix."""
    params = wtforms_errors(form)
    for item in params["errorList"]:
        field = form._fields.get(item["href"].lstrip("#"))
        if isinstance(field, GovDateField):
            item["href"] = f"#{field.id}-day"
    return params


def fits(column, label: str) -> Length:
    """A Length validator from the model column's own limit, e.g. fits(Action.title, "Action"),
    so a form can never accept more than the database stores."""
    limit = validation.column_length(column)
    return Length(max=limit, message=f"{label} must be {limit:,} characters or fewer")


def strip_text(value):
    """Spaces and invisible characters (zero-width spaces and the like) trimmed from both
    ends, so a value of nothing a reader can see counts as blank."""
    return validation.strip_invisible(value) if isinstance(value, str) else value


def not_blank(message: str):
    def check(_form, field):
        if not (field.data or "").strip():
            raise ValidationError(message)

    return check


def today_or_earlier(_form, field) -> None:
    """A date something happened (received, left): never one still to come."""
    if field.data is not None and field.data > clock.today():
        raise ValidationError(f"{field.label.text} must be today or in the past")


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the option objects WTForms 3.3+ expects."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def _version(record) -> int:
    """`record` is a row, or a callable that reads it afresh: a record whose first save is
    still to come (an action sheet) does not exist yet, and stands at version 0."""
    record = record() if callable(record) else record
    return 0 if record is None else record.version


def save_versioned(save: Callable[[], bool], record, form) -> tuple[bool, list | None]:
    """Run `save` and commit. If someone else saved `record` since the form was opened, roll
    back and return what they changed; the form keeps what was typed and now carries the
    current version, so saving again is a knowing overwrite. Returns (changed, stale)."""
    try:
        changed = save()
        db.session.commit()
        return changed, None
    except StaleEdit as exc:
        db.session.rollback()
        stale = exc.events
    except StaleDataError:  # a save that raced ours between the check and the write
        db.session.rollback()
        stale = []
    form.version.set(_version(record))  # reloaded after the rollback: the newest version
    return False, stale


def version_required(_form, field) -> None:
    """An edit must say which version it was made on: without it the save would overwrite."""
    if field.data is None:
        raise StopValidation("This page is out of date: reload it and make your change again")


EDIT = {"version": [version_required]}


def page_status(form) -> int:
    """400 when the form has errors to show, so tools and tests can tell a refusal."""
    return 400 if form.errors else 200


def edit_versioned(form, row, save: Callable[[], bool], /, *, saved: str,
                   next_url: Callable[[], str],
                   template: str, rule_field: str | None = None, **context):
    """The one edit flow for a versioned record.

    GET: the form carries the row's version. A valid POST runs `save` and commits, flashes
    `saved` (or that nothing changed) and goes to `next_url()`. When someone else saved the
    row since the form was opened, the page answers 409 with what they changed and keeps
    what was typed; a broken rule (RuleBroken) is shown next to its field (or `rule_field`).
    `row` may be a callable that reads the row afresh, for a record not yet created.
    """
    stale = None
    if not form.is_submitted():
        form.version.set(_version(row))
    elif form.validate(extra_validators=EDIT):
        try:
            changed, stale = save_versioned(save, row, form)
        except RuleBroken as exc:
            db.session.rollback()
            form[exc.field or rule_field].errors.append(str(exc))
        else:
            if stale is None:
                flash(saved if changed else "No changes to save.", "success")
                return redirect(next_url())
    status = 409 if stale is not None else page_status(form)
    return render_template(template, form=form, stale=stale, **context), status


# -- field factories and choices every area's forms use ---------------------------------------

NONE = ""


def member_choices(members, blank: str) -> list:
    return choices([(NONE, blank)] + [
        (m.user.id, f"{m.user.name}{f' ({m.job_role})' if m.job_role else ''}") for m in members
    ])


def named_choices(rows, blank: str, attr: str = "name") -> list:
    return choices([(NONE, blank)] + [(r.id, getattr(r, attr)) for r in rows])


def owner_choices(members) -> list:
    """Who may own a checklist task: any member, or nobody yet."""
    return member_choices(members, "No owner yet")


def text_field(label: str, message: str | None = None, *, max_length: int = 300,
               description=None, optional: bool = False) -> StringField:
    validators = [] if optional else [DataRequired(message or f"Enter the {label.lower()}")]
    validators.append(Length(max=max_length,
                             message=f"{label} must be {max_length:,} characters or fewer"))
    return StringField(label, widget=GovTextInput(), filters=[strip_text],
                       description=description, validators=validators)


def area_field(label: str, *, max_length: int = 20000, description: str | None = None,
               required: str | None = None) -> TextAreaField:
    validators = [DataRequired(required)] if required else []
    validators.append(Length(max=max_length,
                             message=f"{label} must be {max_length:,} characters or fewer"))
    return TextAreaField(label, widget=GovTextArea(), filters=[strip_text],
                         description=description, validators=validators)


MARKDOWN_HINT = "You can use Markdown: *emphasis*, lists with -, and [links](https://…)."


class OwnedActionForm(FlaskForm):
    # Checked by the one owner rule (permissions.action_owner_refusal), with its own message.
    owner = SelectField("Owner", widget=GovSelect(), validate_choice=False)
    owner_name = text_field("Or an owner without an account", optional=True, max_length=200,
                       description="For example, “Head of Commissioning”. Used only when no "
                                   "owner is chosen above.")
    due_date = GovDateField("Due date", description="For example, 27 3 2027")

    def set_owner_choices(self, members) -> None:
        self._members = members
        self.owner.choices = member_choices(action_owners(members), "Choose an owner")

    def check_owner_and_due(self) -> bool:
        """An action needs an owner and a due date: it goes on the circulated list."""
        ok = True
        if self.owner.data == NONE and not self.owner_name.data:
            self.owner.errors = [*self.owner.errors, "Choose the owner, or enter the name of "
                                                     "an owner without an account"]
            ok = False
        elif refusal := action_owner_refusal(self.owner.data, self._members):
            self.owner.errors = [*self.owner.errors, refusal]
            ok = False
        if self.due_date.data is None and not self.due_date.errors:
            self.due_date.errors = [*self.due_date.errors, "Enter the date the action is due"]
            ok = False
        return ok


class ImportForm(FlaskForm):
    """The upload form of an import page (tracker/imports.py Upload, macros/imports.html)."""
    file = FileField("Spreadsheet file", widget=GovFileInput(),
                     description="Excel (.xlsx) or CSV, with a first row of column headings.")
    csv_text = HiddenField()
