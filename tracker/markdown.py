"""Markdown to safe HTML: render with cmark-gfm, then clean through an nh3 allowlist, so a
<script> or a javascript: link typed into notes comes out inert.

Notes are rendered on every view, so rendering must take time in proportion to the text:
python-markdown is quadratic on inputs such as "[" repeated (minutes for one note), while
cmark-gfm is linear. nh3's HTML parser slows down on very deep nesting, so text that would
nest deeper than any real note (or is longer than any form accepts) is shown as plain text.
"""

from __future__ import annotations

import re

import cmarkgfm
import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol", "p",
    "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}

# Every free-text field is capped well below this; a longer stored value is shown as it is.
MAX_LENGTH = 50_000
# Lists in lists in quotes: real notes nest a few levels, a pathological one thousands.
MAX_NESTING = 24
_CONTAINER_TAG = re.compile(r"<(/?)(?:blockquote|ol|ul|li|table)[ >]")

# GOV.UK classes on the tags users write, so notes look like the rest of the page.
_GOVUK_CLASSES = {
    "<p>": '<p class="govuk-body">',
    "<ul>": '<ul class="govuk-list govuk-list--bullet">',
    "<ol>": '<ol class="govuk-list govuk-list--number">',
    "<a ": '<a class="govuk-link" ',
    "<h2>": '<h2 class="govuk-heading-m">',
    "<h3>": '<h3 class="govuk-heading-s">',
    "<h4>": '<h4 class="govuk-heading-s">',
    "<table>": '<table class="govuk-table">',
}


def _nesting(html: str) -> int:
    depth = deepest = 0
    for match in _CONTAINER_TAG.finditer(html):
        depth += -1 if match.group(1) else 1
        deepest = max(deepest, depth)
    return deepest


def _plain(text: str) -> Markup:
    return Markup('<p class="govuk-body">{}</p>').format(
        Markup("<br>").join(escape(line) for line in text.splitlines()))


def render(text: str | None) -> Markup:
    if not text:
        return Markup("")
    if len(text) > MAX_LENGTH:
        return _plain(text)
    # Without the UNSAFE option cmark drops raw HTML and javascript: links itself; nh3 is the
    # allowlist that decides what survives.
    html = cmarkgfm.github_flavored_markdown_to_html(text)
    if _nesting(html) > MAX_NESTING:
        return _plain(text)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    for bare, styled in _GOVUK_CLASSES.items():
        clean = clean.replace(bare, styled)
    return Markup(clean)  # noqa: S704 - cleaned by nh3 above
