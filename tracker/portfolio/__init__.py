"""The NSPCC consultant's portfolio across the authorities they support."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker.portfolio.routes import bp

    app.register_blueprint(bp)
