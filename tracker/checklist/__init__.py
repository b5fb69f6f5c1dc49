"""The Implementation Checklist: phases, tasks and phase outcomes."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker.checklist.routes import bp

    app.register_blueprint(bp)
