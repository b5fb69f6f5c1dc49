from __future__ import annotations

from flask_wtf import FlaskForm

from tracker.api.services import TOKEN_NAME_MAX
from tracker.forms import text_field


class TokenForm(FlaskForm):
    name = text_field("Token name", "Enter a name for the token, such as the report it is for",
                      max_length=TOKEN_NAME_MAX,
                      description="So you can tell your tokens apart, for example "
                                  "“Power BI: quarterly outcomes report”.")
