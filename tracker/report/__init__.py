"""The steering-group report."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker.report.routes import bp

    app.register_blueprint(bp)
