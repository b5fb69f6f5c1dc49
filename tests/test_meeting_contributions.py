"""What meetings add elsewhere: the calendar feed, the dashboard, the portfolio and the digest."""

from datetime import time, timedelta

from icalendar import Calendar

from tests.factories import add_group_member, hold_meeting, make_meeting
from tracker import calendar, clock
from tracker.extensions import db
from tracker.links import Link
from tracker.meetings import contributions as meeting_contributions
from tracker.models import (
    MeetingKind,
    MeetingStatus,
    Role,
)

BASE = "/a/testshire"


# -- the calendar feed -----------------------------------------------------------------------------

def test_meetings_are_in_the_calendar_feed_of_invitees(client, programme, member):
    user = member(Role.STEERING)
    add_group_member(programme, user=user)
    meeting = make_meeting(programme, day=clock.today() + timedelta(days=7),
                       start_time=time(9, 30), end_time=time(13, 30))
    cancelled = make_meeting(programme, day=clock.today() + timedelta(days=8))
    cancelled.status = MeetingStatus.CANCELLED
    not_invited = make_meeting(programme, day=clock.today() + timedelta(days=9), invitees=[])
    calendar.turn_on(user)
    db.session.commit()
    feed = Calendar.from_ical(client.get(f"/calendar/{user.calendar_token}.ics").data)
    events = {str(e["uid"]): e for e in feed.walk("VEVENT")}
    event = events[f"meeting-{meeting.id}@homeward"]
    start = event.decoded("dtstart")
    assert start.utcoffset() == timedelta(0)
    assert start.astimezone(clock.LONDON).time() == time(9, 30)
    assert event.decoded("dtend").astimezone(clock.LONDON).time() == time(13, 30)
    assert f"meeting-{cancelled.id}@homeward" not in events
    assert f"meeting-{not_invited.id}@homeward" not in events


def test_meetings_are_ready_for_the_programme_timeline(app, programme):
    from tracker.plan import services as plan

    held = hold_meeting(make_meeting(programme, MeetingKind.STRATEGIC_SET, number=1,
                          day=clock.today() - timedelta(days=20)))
    make_meeting(programme, day=clock.today() + timedelta(days=30))
    cancelled = make_meeting(programme, day=clock.today() + timedelta(days=40))
    cancelled.status = MeetingStatus.CANCELLED
    db.session.commit()
    items = meeting_contributions.timeline_items(programme)
    timeline = plan.timeline(programme.id, extra_items=items)
    assert [(i.title, i.lane, i.status) for i in timeline.items] == [
        ("Strategic Set 1", "Learning sets", "Held"),
        ("Steering group meeting", "Steering group", "Planned")]
    assert timeline.items[0].href == Link.to("meetings.meeting", meeting_id=held.id)
