"""Signing in and out, setting a password, and each person's account page."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker.auth.routes import bp

    app.register_blueprint(bp)
