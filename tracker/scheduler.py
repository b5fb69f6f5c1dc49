"""The scheduler: one process (`flask --app tracker scheduler`) that queues reminders each
morning and the digest once a week, and delivers the outbox every minute.

Running two by mistake is safe: queueing is idempotent (unique keys) and delivery claims
each message before sending it.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from tracker import clock
from tracker.extensions import db
from tracker.notifications import delivery, jobs

log = logging.getLogger(__name__)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def run_once(app: Flask, *, digest: bool | None = None) -> dict[str, int]:
    """One pass: today's reminders, the digest if it is digest day (or `digest`), delivery."""
    with app.app_context():
        today = clock.today()
        if digest is None:
            digest = DAYS[today.weekday()] == app.config["DIGEST_DAY"]
        reminders = jobs.queue_reminders(today)
        digests = jobs.queue_digests(today) if digest else 0
        sent, failed = delivery.deliver()
        db.session.remove()
    return {"reminders": reminders, "digests": digests, "sent": sent, "failed": failed}


def _in_context(app: Flask, job):
    def run():
        with app.app_context():
            try:
                job()
            except Exception:  # a failed run must not stop the scheduler; the next one retries
                log.exception("scheduled job %s failed", getattr(job, "__name__", job))
            finally:
                db.session.remove()

    return run


def build(app: Flask) -> BlockingScheduler:
    config = app.config
    hour, minute = (int(x) for x in config["REMINDER_TIME"].split(":"))
    digest_hour, digest_minute = (int(x) for x in config["DIGEST_TIME"].split(":"))
    scheduler = BlockingScheduler(timezone=clock.LONDON)
    scheduler.add_job(_in_context(app, jobs.queue_reminders), CronTrigger(
        hour=hour, minute=minute, timezone=clock.LONDON), id="reminders", coalesce=True,
        misfire_grace_time=6 * 3600)
    scheduler.add_job(_in_context(app, jobs.queue_digests), CronTrigger(
        day_of_week=config["DIGEST_DAY"], hour=digest_hour, minute=digest_minute,
        timezone=clock.LONDON), id="digest", coalesce=True, misfire_grace_time=12 * 3600)
    scheduler.add_job(_in_context(app, delivery.deliver), IntervalTrigger(minutes=1),
                      id="deliver", coalesce=True, max_instances=1)
    return scheduler
