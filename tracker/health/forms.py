"""The lead's form for this authority's own health thresholds."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from tracker.forms import VersionField
from tracker.health.thresholds import defaults


def thresholds_form(values: dict[str, int], formdata=None) -> FlaskForm:
    """One whole-number field per threshold in checklists/health.toml, within its bounds."""

    class ThresholdsForm(FlaskForm):
        version = VersionField()

    for key, t in defaults().items():
        setattr(ThresholdsForm, key, IntegerField(
            t.label, widget=GovTextInput(),
            description=f"In {t.unit}. The default is {t.default}; from {t.min} to {t.max}.",
            validators=[InputRequired(message=f"Enter {t.label.lower()}"),
                        NumberRange(t.min, t.max, message=f"{t.label} must be from {t.min} "
                                                          f"to {t.max}")]))
    form = ThresholdsForm(formdata=formdata, data=values)
    return form
