"""Outcome tracking: quarterly aggregate figures and their trends."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker.health import SIGNALS
    from tracker.outcomes import spc_views
    from tracker.outcomes.routes import bp

    app.register_blueprint(bp)
    SIGNALS.add(spc_views.health_signals)
