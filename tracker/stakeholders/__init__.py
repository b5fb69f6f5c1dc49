"""Stakeholder engagement: the register, the grid, the plan and feedback."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker import calendar
    from tracker.notifications.jobs import DIGEST_SECTIONS
    from tracker.stakeholders import services
    from tracker.stakeholders.routes import bp

    app.register_blueprint(bp)
    calendar.FEED_SOURCES.add(services.calendar_engagements)
    DIGEST_SECTIONS.add(services.digest_engagements)
