"""RAG is derived from dates and facts, never stored. These tests pin the rule at its edges."""

from datetime import date, datetime, timedelta

import pytest

from tracker import clock
from tracker.rag import Rag, RagStatus, combine, rag

TODAY = date(2026, 11, 23)


def test_past_due_and_not_done_is_red_with_days_overdue():
    assert rag(TODAY - timedelta(days=3), has_owner=True, today=TODAY) == RagStatus(
        Rag.RED, "3 days overdue")
    assert rag(TODAY - timedelta(days=1), has_owner=True, today=TODAY).reason == "1 day overdue"


def test_red_beats_a_missing_owner():
    assert rag(TODAY - timedelta(days=1), has_owner=False, today=TODAY).colour == Rag.RED


def test_due_today_is_amber():
    assert rag(TODAY, has_owner=True, today=TODAY) == RagStatus(Rag.AMBER, "due today")


def test_due_in_exactly_seven_days_is_amber_and_eight_is_green():
    assert rag(TODAY + timedelta(days=7), has_owner=True, today=TODAY) == RagStatus(
        Rag.AMBER, "due in 7 days")
    assert rag(TODAY + timedelta(days=1), has_owner=True, today=TODAY).reason == "due tomorrow"
    assert rag(TODAY + timedelta(days=8), has_owner=True, today=TODAY) == RagStatus(
        Rag.GREEN, "due in 8 days")


def test_no_owner_or_no_due_date_is_amber():
    far = TODAY + timedelta(days=60)
    assert rag(far, has_owner=False, today=TODAY) == RagStatus(Rag.AMBER, "no owner")
    assert rag(None, has_owner=True, today=TODAY) == RagStatus(Rag.AMBER, "no due date")
    assert rag(None, has_owner=False, today=TODAY) == RagStatus(
        Rag.AMBER, "no owner and no due date")


def test_finished_things_have_no_rag():
    assert rag(TODAY - timedelta(days=30), has_owner=True, finished=True, today=TODAY) is None


def test_ownerless_things_like_milestones_are_judged_on_dates_alone():
    assert rag(TODAY + timedelta(days=30), has_owner=None, today=TODAY).colour == Rag.GREEN


def test_label_reads_as_a_sentence():
    assert RagStatus(Rag.RED, "3 days overdue").label == "Red: 3 days overdue"


@pytest.mark.parametrize("utc, expected", [
    # 23:30 UTC on 22 November is still 22 November in London in winter (GMT)...
    (datetime(2026, 11, 22, 23, 30), date(2026, 11, 22)),
    # ...but 23:30 UTC on 22 June is already 23 June in London (BST).
    (datetime(2026, 6, 22, 23, 30), date(2026, 6, 23)),
])
def test_today_is_europe_london(monkeypatch, utc, expected):
    monkeypatch.setattr(clock, "now", lambda: utc)
    assert clock.today() == expected


def test_due_today_turns_red_at_london_midnight(monkeypatch):
    due = date(2026, 6, 22)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 6, 22, 22, 59))  # 23:59 BST
    assert rag(due, has_owner=True).colour == Rag.AMBER
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 6, 22, 23, 0))  # 00:00 BST
    assert rag(due, has_owner=True) == RagStatus(Rag.RED, "1 day overdue")


def test_combine_takes_the_worst_and_says_why():
    own = RagStatus(Rag.GREEN, "due in 20 days")
    children = [RagStatus(Rag.RED, "2 days overdue"), RagStatus(Rag.RED, "1 day overdue"),
                RagStatus(Rag.AMBER, "due today"), None]
    assert combine(own, children, "action") == RagStatus(Rag.RED, "2 actions overdue")
    assert combine(own, [RagStatus(Rag.AMBER, "no owner")], "action") == RagStatus(
        Rag.AMBER, "1 action needs attention")
    assert combine(own, [RagStatus(Rag.GREEN, "due in 9 days")], "action") == own
    assert combine(RagStatus(Rag.RED, "4 days overdue"), children, "action") == RagStatus(
        Rag.RED, "4 days overdue; 2 actions overdue")
    assert combine(None, children, "action") is None
