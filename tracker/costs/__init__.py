"""The Annex 3 cost calculator and saved scenarios."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker.costs.routes import bp

    app.register_blueprint(bp)
