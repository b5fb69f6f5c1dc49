"""flask --app tracker <command>: the names and arguments here are an interface that scripts
outside the repo rely on, so change them only with care."""

from __future__ import annotations

import atexit
import gc
import sys
import time
from pathlib import Path

import click
from flask import Flask

from tracker.admin import services
from tracker.checklist import data
from tracker.extensions import db
from tracker.models import MIN_PASSWORD_LENGTH, Role


def init_app(app: Flask) -> None:
    for command in (create_authority, create_user, add_member, demo, check_checklists,
                    scheduler, send_due):
        app.cli.add_command(command)
    for command in (backup, restore):
        app.cli.add_command(command)


def _fail(message: str) -> None:
    raise click.ClickException(message)


@click.command("create-authority")
@click.argument("name")
@click.option("--slug", help="Short name for web addresses (default: made from NAME).")
def create_authority(name: str, slug: str | None) -> None:
    """Create an authority and its programme from the current Checklist."""
    try:
        authority = services.create_authority(name, slug=slug)
    except services.AdminError as exc:
        _fail(str(exc))
    db.session.commit()
    click.echo(f"Created {authority.name} at /a/{authority.slug}/")


@click.command("create-user")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--admin", is_flag=True, help="Make the user a site administrator.")
def create_user(email: str, name: str, password_stdin: bool, admin: bool) -> None:
    """Create an account. Without --password-stdin the person needs a set-password link."""
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if len(password) < MIN_PASSWORD_LENGTH:
            _fail(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")
    try:
        user = services.create_user(email, name, password=password, is_site_admin=admin)
    except services.AdminError as exc:
        _fail(str(exc))
    db.session.commit()
    click.echo(f"Created {user.email}{' (site administrator)' if admin else ''}")


@click.command("add-member")
@click.argument("email")
@click.argument("authority_slug")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@click.option("--job-role", help='The person\'s job, e.g. "Principal Social Worker".')
def add_member(email: str, authority_slug: str, role: str, job_role: str | None) -> None:
    """Give an account a role in an authority."""
    user = services.user_by_email(email)
    if user is None:
        _fail(f"There is no account for {email}")
    authority = services.authority_by_slug(authority_slug)
    if authority is None:
        _fail(f"There is no authority with the short name {authority_slug}")
    try:
        services.add_member(user, authority, Role(role), job_role=job_role)
    except services.AdminError as exc:
        _fail(str(exc))
    db.session.commit()
    click.echo(f"{user.email} is now {Role(role).label} in {authority.name}")


@click.command("demo")
@click.option("--reset", is_flag=True, help="Delete everything first and load the demo afresh.")
def demo(reset: bool) -> None:
    """Load the demo authority and its people into an empty database."""
    from tracker import demo as demo_data

    if reset:
        demo_data.wipe()
    elif not demo_data.database_is_empty():
        click.echo("The database already has data; demo not loaded (use --reset to start over).")
        if services.authority_by_slug("demo") is not None:
            click.echo(demo_data.sign_in_text())
        return
    demo_data.load()
    db.session.commit()
    click.echo(demo_data.sign_in_text())


@click.command("check-checklists")
def check_checklists() -> None:
    """Validate the data files in checklists/: the sources, the Checklist, the agendas, Annex 2's
    questions. Every item must say where it comes from (a source, or added by Homeward)."""
    from tracker import sources
    from tracker.evaluation import questionnaires as evaluation_questionnaires
    from tracker.framework import content as framework_content
    from tracker.health import thresholds as health_thresholds
    from tracker.meetings import agendas
    from tracker.outcomes import questions

    try:
        documents = sources.load()
        template = data.load()
        agenda_set = agendas.load()
        questions.load()
        framework = framework_content.load()
        framework_content.check_links(framework, template)
        health = health_thresholds.load()
        evaluation = evaluation_questionnaires.load()
    except data.ChecklistError as exc:
        _fail(str(exc))
    tasks = sum(len(p.tasks) for p in template.phases)
    click.echo(
        f"{template.title} {template.version}: {len(template.phases)} phases, {tasks} tasks, "
        f"{len(template.annexes)} annexes: valid"
    )
    click.echo(f"Learning-set and meeting agendas: {len(agenda_set.agendas)} agendas: valid")
    click.echo("Annex 2 tracking questions: valid")
    click.echo(f"Programme health thresholds: {len(health)} thresholds: valid")
    click.echo(f"{evaluation.title} {evaluation.version}: {len(evaluation.instruments)} "
               "questionnaires: valid")
    click.echo(f"Sources: {len(documents)} documents: valid")
    click.echo(f"Framework content: {len(framework.stages)} stages, {len(framework.elements)} key "
               f"elements, {len(framework.risk_levels)} risk levels: valid")


@click.command("scheduler")
def scheduler() -> None:
    """Run the scheduler in the foreground: reminders, the weekly digest and email delivery."""
    from flask import current_app

    from tracker import scheduler as schedule

    app = current_app._get_current_object()
    click.echo(f"Scheduler running: reminders at {app.config['REMINDER_TIME']}, digest on "
               f"{app.config['DIGEST_DAY']} at {app.config['DIGEST_TIME']} (Europe/London), "
               "delivery every minute. Ctrl+C to stop.")
    gc.freeze()  # as in send-due: the app's objects live as long as the scheduler
    caught_up = schedule.catch_up(app)
    if caught_up:
        click.echo(f"Caught up on jobs missed while stopped: {', '.join(caught_up)}.")
    try:
        schedule.build(app).start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


@click.command("send-due")
@click.option("--digest/--no-digest", default=None,
              help="Queue the weekly digest now (default: only on DIGEST_DAY).")
def send_due(digest: bool | None) -> None:
    """Run one pass by hand: queue today's reminders (and the digest), then deliver."""
    from flask import current_app

    from tracker import scheduler as schedule
    from tracker.notifications.delivery import smtp_configured

    # The app's own objects (models, templates, routes) outlive the pass: frozen, the collector
    # stops walking them, which took 0.3 s of a pass over 9,000 reminders in full collections.
    gc.freeze()
    started = time.perf_counter()
    counts = schedule.run_once(current_app._get_current_object(), digest=digest)
    click.echo(f"Queued {counts['reminders']} reminders and {counts['digests']} digests; "
               f"sent {counts['sent']}, failed {counts['failed']}; "
               f"in {time.perf_counter() - started:.1f} s.")
    if not smtp_configured():
        click.echo("No MAIL_SERVER is set: messages wait in the outbox (see /admin/outbox).")
    # Run from cron every few minutes, the command then ends: as the interpreter shuts down it
    # collects garbage again and again among what the pass made, which took longer (0.6 s) than
    # the pass's delivery of a hundred messages. Frozen at exit, that is skipped; the memory
    # goes back to the system with the process all the same.
    atexit.register(gc.freeze)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup(path: Path) -> None:
    """Copy the whole database to PATH, consistently, while the app runs (README: Backups)."""
    from tracker import backup as backups

    try:
        click.echo(backups.backup(db.engine, path))
    except backups.BackupProblem as exc:
        _fail(str(exc))


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore(path: Path, force: bool) -> None:
    """Replace the database with the backup at PATH; refuses a non-empty one without --force."""
    from tracker import backup as backups

    db.session.remove()
    try:
        click.echo(backups.restore(db.engine, path, force=force))
    except backups.BackupProblem as exc:
        _fail(str(exc))
