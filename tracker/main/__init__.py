"""The home page, an authority's dashboard, the calendar feed and health check."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker.main.routes import authority_bp, bp

    app.register_blueprint(bp)
    app.register_blueprint(authority_bp)
