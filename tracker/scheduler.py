"""The scheduler: one process (`flask --app tracker scheduler`) that queues reminders each
morning and the digest once a week, snapshots every programme's health once a day, and delivers
the outbox every minute.

Running two by mistake is safe: queueing is idempotent (unique keys) and delivery claims
each message before sending it. Each queueing job records when it last ran (JobRun); a
scheduler that starts after a job's time passed unrun (it was down, or restarting) runs the
job at once, so no day's reminders or week's digest are skipped.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy.dialects import postgresql, sqlite

from tracker import clock
from tracker.evaluation import services as evaluation
from tracker.extensions import db
from tracker.health import snapshots as health_snapshots
from tracker.models import JobRun
from tracker.notifications import delivery, jobs

log = logging.getLogger(__name__)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def queue_all_reminders(today=None) -> int:
    """The morning's reminders: action owners', and the groups of questionnaire rounds that
    close soon. One job, so one catch-up and one record cover both."""
    return jobs.queue_reminders(today) + evaluation.queue_round_reminders(today)


def run_once(app: Flask, *, digest: bool | None = None) -> dict[str, int]:
    """One pass: today's reminders, the digest if it is digest day (or `digest`), the day's
    health snapshots if not yet taken since REMINDER_TIME (as the scheduler takes them: a pass
    from cron every few minutes does not judge every programme again each time), delivery."""
    with app.app_context():
        today = clock.today()
        if digest is None:
            digest = DAYS[today.weekday()] == app.config["DIGEST_DAY"]
        reminders = queue_all_reminders(today)
        record_run("reminders")
        now = clock.to_london(clock.now())
        if _missed("health", _last_due(now, app.config["REMINDER_TIME"])):
            health_snapshots.daily(today)
            record_run("health")
        digests = 0
        if digest:
            digests = jobs.queue_digests(today)
            record_run("digest")
        sent, failed = delivery.deliver()
        db.session.remove()
    return {"reminders": reminders, "digests": digests, "sent": sent, "failed": failed}


def record_run(name: str, at: datetime | None = None) -> None:
    """One upsert, so two schedulers recording the same job at once do not collide."""
    values = {"name": name, "last_run_at": at or clock.now()}
    dialect = db.engine.dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect](JobRun)
    db.session.execute(insert.values(**values).on_conflict_do_update(
        index_elements=["name"], set_={"last_run_at": values["last_run_at"]}))
    db.session.commit()


def _recorded(name: str, job):
    def run():
        job()
        record_run(name)

    run.__name__ = name
    return run


def _last_due(now: datetime, at: str, weekday: str | None = None) -> datetime:
    """The latest London time at or before `now` (London) that the job was due."""
    hour, minute = (int(x) for x in at.split(":"))
    due = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    while due > now or (weekday is not None and DAYS[due.weekday()] != weekday):
        due -= timedelta(days=1)
    return due


def _missed(name: str, due: datetime) -> bool:
    """Whether the job has not run since `due` (London time)."""
    last = db.session.get(JobRun, name)
    return last is None or clock.to_london(last.last_run_at) < due


def catch_up(app: Flask) -> list[str]:
    """Run each queueing job whose latest time passed since it last ran; returns their
    names. Safe to run at every start: the jobs queue each message once."""
    ran = []
    with app.app_context():
        config = app.config
        now = clock.to_london(clock.now())
        for name, job, due in (
            ("reminders", queue_all_reminders, _last_due(now, config["REMINDER_TIME"])),
            ("health", health_snapshots.daily, _last_due(now, config["REMINDER_TIME"])),
            ("digest", jobs.queue_digests,
             _last_due(now, config["DIGEST_TIME"], config["DIGEST_DAY"])),
        ):
            if _missed(name, due):
                job(due.date())
                record_run(name)
                ran.append(name)
        db.session.remove()
    return ran


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
    scheduler.add_job(_in_context(app, _recorded("reminders", queue_all_reminders)), CronTrigger(
        hour=hour, minute=minute, timezone=clock.LONDON), id="reminders", coalesce=True,
        misfire_grace_time=6 * 3600)
    scheduler.add_job(_in_context(app, _recorded("digest", jobs.queue_digests)), CronTrigger(
        day_of_week=config["DIGEST_DAY"], hour=digest_hour, minute=digest_minute,
        timezone=clock.LONDON), id="digest", coalesce=True, misfire_grace_time=12 * 3600)
    # Health snapshots: idempotent (one a day per programme), so a rerun changes nothing.
    scheduler.add_job(_in_context(app, _recorded("health", health_snapshots.daily)), CronTrigger(
        hour=hour, minute=minute, timezone=clock.LONDON), id="health", coalesce=True,
        misfire_grace_time=12 * 3600)
    scheduler.add_job(_in_context(app, delivery.deliver), IntervalTrigger(minutes=1),
                      id="deliver", coalesce=True, max_instances=1)
    return scheduler
