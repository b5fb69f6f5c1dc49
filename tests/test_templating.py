"""Rendering GOV.UK form fields: kept per process by their params, a field's HTML must be what
the GOV.UK macros give for exactly those params, whatever was rendered before."""

import pytest
from govuk_frontend_wtf.gov_form_base import GovFormBase
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from markupsafe import Markup
from wtforms import Form, SelectField, StringField
from wtforms.validators import InputRequired

from tracker import templating
from tracker.forms import GovDateField, choices


class _Filter(Form):
    title = StringField("Title", validators=[InputRequired("Enter a title")],
                        widget=GovTextInput())
    owner = SelectField("Owner", choices=choices([("", "Anyone"), ("1", "Asha"), ("2", "Ben")]),
                        widget=GovSelect())
    due = GovDateField("Due by")


def _uncached(field) -> str:
    """The field as the GOV.UK macros render it from the params its widget makes."""
    made = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(GovFormBase, "render", lambda _widget, params: made.setdefault("p", params))
        field()
    return str(templating.render_plain(field.widget.template, params=made["p"]))


def test_a_field_renders_as_the_macros_would_and_follows_its_value_and_errors(app):
    with app.test_request_context():
        templating.field_cache_clear()
        form = _Filter(data={"title": "Book the room", "owner": "2"})
        first = str(form.title())
        assert first == _uncached(form.title) and 'value="Book the room"' in first
        assert str(form.title()) == first  # from the cache
        assert 'value="2" selected' in str(form.owner())
        assert str(form.due()) == _uncached(form.due)

        changed = _Filter(data={"title": "Book the hall", "owner": "1"})
        assert 'value="Book the hall"' in str(changed.title())
        assert 'value="1" selected' in str(changed.owner())
        empty = _Filter(formdata=None)
        empty.validate()
        assert "Enter a title" in str(empty.title())
        assert str(empty.title()) == _uncached(empty.title)


def test_text_and_markup_with_the_same_characters_are_told_apart(app):
    with app.test_request_context():
        templating.field_cache_clear()
        form = _Filter(data={"title": "x"})
        widget = form.title.widget
        plain = widget.map_gov_params(form.title, id="title") | {"hint": {"text": "<b>bold</b>"}}
        marked = widget.map_gov_params(form.title, id="title") | {
            "hint": {"text": Markup("<b>bold</b>")}}
        assert "&lt;b&gt;bold" in widget.render(plain)
        assert "<b>bold</b>" in widget.render(marked)
        assert "&lt;b&gt;bold" in widget.render(plain)


def test_params_that_cannot_be_told_apart_are_rendered_each_time(app):
    class Label:
        def __init__(self, text):
            self.text = text

        def __str__(self):
            return self.text

    with app.test_request_context():
        templating.field_cache_clear()
        form = _Filter(data={"title": "x"})
        widget = form.title.widget
        label = Label("First")
        params = widget.map_gov_params(form.title, id="title") | {"label": {"text": label}}
        assert "First" in widget.render(params)
        label.text = "Second"
        assert "Second" in widget.render(params)


def test_the_same_field_again_is_not_rendered_again(app, monkeypatch):
    rendered = []
    real = templating.render_plain

    def counting(template, **context):
        rendered.append(template)
        return real(template, **context)

    monkeypatch.setattr(templating, "render_plain", counting)
    with app.test_request_context():
        templating.field_cache_clear()
        for _ in range(3):
            _Filter(data={"title": "Book the room"}).title()
        _Filter(data={"title": "Book the hall"}).title()
    assert len(rendered) == 2
