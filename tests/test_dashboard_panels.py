"""The dashboard's overdue and due-soon panels and the report's most overdue actions, which read
counts and the first few rows in SQL rather than every action (issue 19)."""

from datetime import date, datetime, timedelta

import pytest

from tracker import clock
from tracker.actions import services as actions
from tracker.extensions import db
from tracker.main import services as main
from tracker.models import ActionStatus, Role
from tracker.report import services as report

TODAY = date(2026, 11, 23)
A = "/a/testshire"


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 12, 0))


def panel(page, heading_id):
    """The dashboard section under one heading."""
    start = page.index(f'id="{heading_id}"')
    return page[start:page.index("</section>", start)]


def late(programme, title, days, **owner):
    return actions.create_action(programme, title=title, actor=None,
                                 due_date=TODAY - timedelta(days=days), **owner)


def test_overdue_actions_are_counted_by_owner_with_the_most_overdue_first(programme, member):
    olu = member(Role.STEERING, name="Olu Owner")
    for days in range(1, 8):
        late(programme, f"Olu {days}", days, owner=olu)
    late(programme, "Named", 2, owner_name="Pat Partner")
    late(programme, "Nobody's", 3)
    late(programme, "Done already", 9, owner=olu).status = ActionStatus.DONE
    actions.create_action(programme, title="Not dated", actor=None, owner=olu)
    actions.create_action(programme, title="Today", actor=None, owner=olu, due_date=TODAY)
    db.session.flush()

    board = main.dashboard(programme, TODAY, with_activity=False)

    assert board.overdue_count == 9
    assert [(g.owner, g.count) for g in board.overdue_by_owner] == [
        ("Olu Owner", 7), ("No owner", 1), ("Pat Partner", 1)]
    olus = board.overdue_by_owner[0]
    assert [a.title for a in olus.first] == ["Olu 7", "Olu 6", "Olu 5", "Olu 4", "Olu 3"]
    assert olus.first[0].owner_id == olu.id and olus.first[0].owner_label == "Olu Owner"


def test_the_dashboard_lists_three_per_owner_and_links_the_rest(client, signed_in, programme,
                                                                 member):
    signed_in(Role.LEAD)
    olu = member(Role.STEERING, name="Olu Owner")
    for days in range(1, 6):
        late(programme, f"Olu {days}", days, owner=olu)
    db.session.commit()
    overdue = panel(client.get(f"{A}/").get_data(as_text=True), "overdue-heading")
    assert "Olu 5" in overdue and "Olu 3" in overdue and "Olu 2" not in overdue
    assert f"owner={olu.id}" in overdue and "and 2 more" in overdue


def test_due_soon_shows_eight_and_counts_all(client, signed_in, programme):
    me = signed_in(Role.LEAD)
    for days in range(10):
        actions.create_action(programme, title=f"Soon {days}", actor=None, owner=me,
                              due_date=TODAY + timedelta(days=days))
    actions.create_action(programme, title="Later", actor=None, owner=me,
                          due_date=TODAY + timedelta(days=15))
    db.session.flush()

    board = main.dashboard(programme, TODAY, with_activity=False)
    assert board.due_soon_count == 10
    assert [a.title for a in board.due_soon] == [f"Soon {d}" for d in range(8)]
    assert board.due_soon[0].owner_label == me.name

    db.session.commit()
    page = client.get(f"{A}/").get_data(as_text=True)
    soon = panel(page, "due-soon-heading")
    assert "See all 10" in soon and "Soon 7" in soon and "Soon 8" not in soon
    assert '<span class="app-headline__number">10</span> due in the next 14 days' in page


def test_the_report_takes_the_five_most_overdue_across_owners(programme, member):
    olu = member(Role.STEERING, name="Olu Owner")
    for days in range(20, 26):  # one owner holds the six most overdue
        late(programme, f"Olu {days}", days, owner=olu)
    late(programme, "Pat's", 3, owner_name="Pat Partner")
    db.session.flush()

    built = report.build(programme, TODAY, slug="testshire")
    assert built.overdue_count == 7
    assert [a.title for a in built.most_overdue] == [f"Olu {d}" for d in (25, 24, 23, 22, 21)]
