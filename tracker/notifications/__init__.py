"""Reminders, the weekly digest and the outbox, and each person's notifications page."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker.notifications import jobs
    from tracker.notifications.routes import bp

    app.register_blueprint(bp)
    jobs.DIGEST_SECTIONS.add(jobs.digest_actions)
    jobs.DIGEST_SECTIONS.add(jobs.digest_milestones)
