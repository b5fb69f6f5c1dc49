from __future__ import annotations

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from tracker.forms import GovDateField, choices, strip_text
from tracker.models import MIN_PASSWORD_LENGTH, ROLE_LABELS

ROLE_CHOICES = choices((role.value, label) for role, label in ROLE_LABELS.items())
SLUG_RULE = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80]


def _email_field(label: str = "Email address") -> EmailField:
    return EmailField(
        label,
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired("Enter an email address"),
            Email("Enter an email address in the correct format, like name@example.gov.uk",
                  check_deliverability=False),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )


class AuthorityForm(FlaskForm):
    name = StringField(
        "Authority name",
        widget=GovTextInput(),
        filters=[strip_text],
        description="For example, Demo Borough Council",
        validators=[
            DataRequired("Enter the authority's name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    slug = StringField(
        "Short name for web addresses",
        widget=GovTextInput(),
        filters=[lambda v: (v or "").strip().lower()],
        description="Optional. Lower-case letters, numbers and hyphens, like demo-borough. "
        "Made from the name if left blank.",
        validators=[
            Optional(),
            Length(max=80, message="Short name must be 80 characters or fewer"),
            Regexp(SLUG_RULE, message="Short name can only use lower-case letters, numbers and "
                   "single hyphens between them"),
        ],
    )
    start_date = GovDateField(
        "Programme start date",
        description="When the authority began Phase 1. For example, 27 3 2026",
        required_message="Enter the programme start date",
    )


class UserForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired("Enter the person's full name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    email = _email_field()
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        description=f"Optional. At least {MIN_PASSWORD_LENGTH} characters. Leave blank to create "
        "a link the person uses to set their own password.",
        validators=[
            Optional(),
            Length(min=MIN_PASSWORD_LENGTH,
                   message=f"Password must be at least {MIN_PASSWORD_LENGTH} characters"),
        ],
    )
    is_site_admin = BooleanField("Site administrator", widget=GovCheckboxInput())


class EditUserForm(FlaskForm):
    name = UserForm.name
    active = BooleanField("Account is active (can sign in)", widget=GovCheckboxInput())
    is_site_admin = BooleanField("Site administrator", widget=GovCheckboxInput())


class MembershipForm(FlaskForm):
    email = _email_field("Email address of an existing account")
    role = RadioField(
        "Role",
        choices=ROLE_CHOICES,
        widget=GovRadioInput(),
        validators=[DataRequired("Select the person's role")],
    )
    job_role = StringField(
        "Job role",
        widget=GovTextInput(),
        filters=[strip_text],
        description="Optional. For example, Principal Social Worker",
        validators=[Length(max=200, message="Job role must be 200 characters or fewer")],
    )


class ChangeRoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES, widget=GovSelect())
    job_role = MembershipForm.job_role
