"""The implementation plan: workstreams, milestones and the timeline."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker import calendar
    from tracker.plan import services
    from tracker.plan.routes import bp

    app.register_blueprint(bp)
    calendar.FEED_SOURCES.add(services.calendar_milestones)
