from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovPasswordInput, GovTextInput
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, ValidationError

from tracker.auth import services
from tracker.forms import strip_text
from tracker.models import MIN_PASSWORD_LENGTH


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[DataRequired("Enter your email address")],
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[DataRequired("Enter your password")]
    )


def _new_password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        widget=GovPasswordInput(),
        description=f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words are easy "
        "to remember and hard to guess.",
        validators=[
            DataRequired("Enter a new password"),
            Length(min=MIN_PASSWORD_LENGTH,
                   message=f"Password must be at least {MIN_PASSWORD_LENGTH} characters"),
            Length(max=200, message="Password must be 200 characters or fewer"),
        ],
    )


class SetPasswordForm(FlaskForm):
    password = _new_password_field("New password")
    confirm = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            DataRequired("Enter the new password again"),
            EqualTo("password", message="The passwords do not match"),
        ],
    )


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[DataRequired("Enter your current password")],
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._user = user

    def validate_current_password(self, field):
        # Through the sign-in throttle: a borrowed session must not become a way to guess.
        try:
            services.authenticate(self._user.email, field.data)
        except services.SignInRefused as exc:
            message = str(exc)
            raise ValidationError("Your current password is not correct"
                                  if message == services.GENERIC_FAILURE else message) from exc


class ProfileForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired("Enter your full name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )


class NotificationsForm(FlaskForm):
    email_reminders = BooleanField("Reminders about my actions", widget=GovCheckboxInput())
    reminder_days_before = IntegerField(
        "How many days before the due date should the first reminder come?",
        widget=GovTextInput(),
        description="From 1 to 14. You are also reminded on the day, and weekly while overdue.",
        validators=[DataRequired("Enter a number of days from 1 to 14"),
                    NumberRange(min=1, max=14, message="Enter a number of days from 1 to 14")],
    )
    email_digest = BooleanField("The weekly digest (strategic leads and consultants)",
                                widget=GovCheckboxInput())
    email_action_lists = BooleanField("Action lists after meetings", widget=GovCheckboxInput())
    email_postcards = BooleanField("Postcards sent to and answered for my groups",
                                   widget=GovCheckboxInput())
