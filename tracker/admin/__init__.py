"""Site administration: authorities, accounts, memberships and the email outbox."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker.admin.routes import bp

    app.register_blueprint(bp)
