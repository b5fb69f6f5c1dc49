"""Actions: the action log, one action's page, notes, bulk changes, CSV in and out."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker import calendar
    from tracker.actions import services
    from tracker.actions.routes import bp

    app.register_blueprint(bp)
    calendar.FEED_SOURCES.add(services.calendar_actions)
