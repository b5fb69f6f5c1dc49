"""Each finding of the security review (issue 20) as a regression test."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from tracker import markdown
from tracker.extensions import db
from tracker.models import Action, Role

# -- stored Markdown renders in linear time, and no stored value breaks a page ---------------

PATHOLOGICAL_MARKDOWN = {
    "brackets": "[" * 20000,
    "image brackets": "![" * 10000,
    "unclosed links": "[a](" * 5000,
    "nested bullets": "- " * 600,
    "nested quotes": "> " * 10000,
    "nested numbers": "1. " * 6000,
    "emphasis runs": "*a" * 10000,
    "backticks": "`a" * 10000,
    "table rows": "a\n|-|\n" * 3000,
    "angle brackets": "<a" * 10000,
    "reference links": "[a]" * 5000 + "\n\n" + "[a]: /b\n" * 1000,
}


@pytest.mark.parametrize("text", PATHOLOGICAL_MARKDOWN.values(), ids=PATHOLOGICAL_MARKDOWN.keys())
def test_pathological_markdown_renders_within_a_second(text):
    started = time.perf_counter()
    html = markdown.render(text)
    assert time.perf_counter() - started < 1.0
    assert "<script" not in html


def test_markdown_still_renders_what_people_write():
    html = markdown.render("Agreed:\n\n- one\n- two\n\n**Bold** and [a link](https://example.org)"
                           "\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert "<strong>Bold</strong>" in html
    assert 'class="govuk-link" href="https://example.org"' in html
    assert '<table class="govuk-table">' in html


def test_a_stored_note_too_deep_or_too_long_shows_as_plain_text():
    assert markdown.render("- " * 600 + "x") == '<p class="govuk-body">' + "- " * 600 + "x</p>"
    long = "<b>" + "a" * markdown.MAX_LENGTH
    assert markdown.render(long).startswith('<p class="govuk-body">&lt;b&gt;aaa')


def test_an_action_page_with_a_pathological_stored_note_answers_quickly(
        client, signed_in, programme):
    signed_in(Role.LEAD)
    action = Action(programme_id=programme.id, title="Hostile", details="- " * 600 + "[" * 19000)
    db.session.add(action)
    db.session.commit()
    started = time.perf_counter()
    response = client.get(f"/a/testshire/actions/{action.id}")
    assert response.status_code == 200
    assert time.perf_counter() - started < 2.0
    assert db.session.execute(select(Action)).scalar_one().details.startswith("- - ")
