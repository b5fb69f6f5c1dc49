"""Outcome tracking: quarterly aggregate figures and their trends."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker.outcomes.routes import bp

    app.register_blueprint(bp)
