"""Rendering templates cheaply where it is done many times over.

The environment: Jinja checks, at every `{% from ... import %}` (the GOV.UK macros import
others inside every call, some hundreds a page), which of the context's globals the imported
template lacks, by a set difference against a ChainMap of globals that Python works through
one key at a time. The same ChainMap with a plain dict's keys makes that one C operation.

Templates rendered with their own context only, for the parts of a response rendered many
times over: each GOV.UK form field (govuk-frontend-wtf renders every field through Flask's
render_template, running every context processor again for each one) and each email of a
reminder pass. The context is the values given and the environment's globals, made from its
plain dict rather than through a template's merged view of them, which costs more than the
rendering of a small template."""

from __future__ import annotations

from collections import ChainMap

from flask import Flask, current_app
from flask.templating import Environment as FlaskEnvironment
from govuk_frontend_wtf.gov_form_base import GovFormBase
from jinja2 import Template
from markupsafe import Markup


class _Globals(ChainMap):
    def keys(self):
        merged: dict = {}
        for mapping in reversed(self.maps):
            merged.update(mapping)
        return merged.keys()

    def __iter__(self):
        # Every render makes a set of these keys: iterating a ChainMap is Python code per key.
        return iter(self.keys())


class Environment(FlaskEnvironment):
    def make_globals(self, d):
        return _Globals(d or {}, self.globals)


def render_plain(template: str | Template, **context) -> str:
    """A template (or its name) rendered with `context` and the globals only."""
    environment = current_app.jinja_env
    if isinstance(template, str):
        template = environment.get_template(template)
    return environment.concat(template.root_render_func(
        template.new_context({**environment.globals, **context}, shared=True)))


def _render_field(widget: GovFormBase, params: dict) -> Markup:
    # A field's template uses only its params (govuk_frontend_wtf/templates/*.html).
    return Markup(render_plain(widget.template, params=params))


def init_app(_app: Flask) -> None:
    GovFormBase.render = _render_field
