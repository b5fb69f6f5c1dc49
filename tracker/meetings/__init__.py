"""Learning sets and meetings: groups, agendas, attendance, minutes, action sheets."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker import calendar
    from tracker.meetings import services
    from tracker.meetings.routes import bp
    from tracker.notifications.jobs import DIGEST_SECTIONS
    from tracker.portfolio.services import COLUMNS, Column

    app.register_blueprint(bp)
    calendar.FEED_SOURCES.add(services.calendar_meetings)
    COLUMNS.add(Column("Last learning set", services.portfolio_last_set))
    COLUMNS.add(Column("Next learning set", services.portfolio_next_set))
    DIGEST_SECTIONS.add(services.digest_meetings)
