"""Learning sets and meetings: groups, agendas, attendance, minutes, action sheets."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker import calendar
    from tracker.meetings import contributions
    from tracker.meetings.routes import bp
    from tracker.notifications.jobs import DIGEST_SECTIONS
    from tracker.portfolio.services import COLUMNS, Column

    app.register_blueprint(bp)
    calendar.FEED_SOURCES.add(contributions.calendar_meetings)
    COLUMNS.add(Column("Last learning set", contributions.portfolio_last_set))
    COLUMNS.add(Column("Next learning set", contributions.portfolio_next_set))
    DIGEST_SECTIONS.add(contributions.digest_meetings)
