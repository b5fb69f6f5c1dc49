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

import functools
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


# -- form fields, kept by their params ----------------------------------------------------------
#
# A field's template uses only its params (govuk_frontend_wtf/templates/*.html), so its HTML is
# kept, per process, for the fields rendered most recently: a page shown again with the same
# fields (the action log's filters at each visit) skips the GOV.UK macros, which were a third
# of that page's time (a date input alone 1.4 ms). Params are kept as a frozen copy that tells
# apart everything the HTML depends on (Markup from text with the same characters, the order
# of attributes); a field whose params hold anything else is rendered each time.

FIELDS_KEPT = 2048


class _Unfrozen(Exception):
    pass


_PLAIN = (str, Markup, int, float, bool, type(None))


def _frozen(value):
    kind = type(value)
    if kind in _PLAIN:
        return kind, value
    if kind is dict:
        return dict, tuple((k, _frozen(v)) for k, v in value.items())
    if kind is list or kind is tuple:
        return kind, tuple(_frozen(v) for v in value)
    raise _Unfrozen


def _thawed(frozen):
    kind, value = frozen
    if kind is dict:
        return {k: _thawed(v) for k, v in value}
    if kind is list or kind is tuple:
        return kind(_thawed(v) for v in value)
    return value


@functools.lru_cache(maxsize=FIELDS_KEPT)
def _field_html(template: str, frozen) -> Markup:
    return Markup(render_plain(template, params=_thawed(frozen)))


def field_cache_clear() -> None:
    _field_html.cache_clear()


def _render_field(widget: GovFormBase, params: dict) -> Markup:
    try:
        frozen = _frozen(params)
    except _Unfrozen:
        return Markup(render_plain(widget.template, params=params))
    return _field_html(widget.template, frozen)


def init_app(_app: Flask) -> None:
    GovFormBase.render = _render_field
