"""What the national-scale work changed, as rules: the CSV export streams the same words the
pages show, and pages keep a fixed number of queries. Timing is measured by `make bench`, not
here (machines are noisy)."""

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.factories import make_meeting
from tracker import clock
from tracker.actions import services
from tracker.extensions import db
from tracker.models import ChecklistTask, Role

TODAY = date(2026, 11, 23)
BASE = "/a/testshire/actions"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 12, 0))


def test_the_csv_streams_the_sources_owners_and_rag_the_action_pages_show(
        client, signed_in, programme, member):
    me = signed_in(Role.LEAD)
    task = db.session.query(ChecklistTask).filter_by(programme_id=programme.id).order_by(
        ChecklistTask.phase, ChecklistTask.number).first()
    meeting = make_meeting(programme)
    made = [
        services.create_action(programme, title="From the checklist", actor=None, owner=me,
                               checklist_task=task, due_date=TODAY - timedelta(days=3)),
        services.create_action(programme, title="From a meeting", actor=None,
                               owner_name="Head of Commissioning", meeting_id=meeting.id),
        services.create_action(programme, title="=SUM(A1)", actor=None, owner=member(Role.STEERING),
                               due_date=TODAY + timedelta(days=60)),
    ]
    db.session.commit()
    response = client.get(f"{BASE}/export.csv?status=open&sort=title")
    assert response.is_streamed
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [r["title"] for r in rows] == ["'=SUM(A1)", "From a meeting", "From the checklist"]
    by_id = {int(r["id"]): r for r in rows}
    for action in made:
        row = by_id[action.id]
        db.session.refresh(action)
        assert row["source"] == services.source_label(action)
        assert row["owner"] == action.owner_label
        status = services.action_rag(action, TODAY)
        assert row["rag"] == (status.colour.value if status else "")
    assert by_id[made[0].id]["source"].startswith("Checklist Phase 1 Task")
    assert by_id[made[1].id]["source"].endswith(", " + clock.format_date(meeting.day))


def test_the_csv_is_the_same_whatever_the_chunk_size(programme, member):
    owner = member(Role.STEERING)
    for i in range(7):
        services.create_action(programme, title=f"Action {i}", actor=None, owner=owner,
                               details="line one\nline two, with a comma")
    db.session.commit()

    def text(chunk: int) -> str:
        query = services.export_select(services.ActionFilter(), programme.id, owner, TODAY)
        return "".join(services.export_csv(db.session.execute(query), TODAY, chunk=chunk))

    assert text(2) == text(500)
    assert text(2).count("Action ") == 7


def test_reminders_are_queued_a_batch_at_a_time_each_once(programme, member):
    from sqlalchemy import func

    from tracker.models import OutboxMessage
    from tracker.notifications import jobs

    owners = [member(Role.STEERING) for _ in range(2)]
    for i in range(5):
        services.create_action(programme, title=f"Due {i}", actor=None, owner=owners[i % 2],
                               due_date=TODAY - timedelta(days=i))
    services.create_action(programme, title="Far off", actor=None, owner=owners[0],
                           due_date=TODAY + timedelta(days=60))
    db.session.commit()
    assert jobs.queue_reminders(TODAY, batch=2) == 5
    assert jobs.queue_reminders(TODAY, batch=2) == 0
    keys = db.session.execute(select(OutboxMessage.key)).scalars().all()
    assert len(keys) == len(set(keys)) == 5
    assert db.session.execute(select(func.count()).select_from(OutboxMessage)).scalar() == 5


def test_the_bench_endpoint_is_there_only_when_bench_is_on(client, app):
    assert not app.config["BENCH"]
    assert client.get("/bench/bare").status_code == 404


def test_bench_is_refused_in_production(monkeypatch, tmp_path):
    from tracker import config

    monkeypatch.setenv("HOMEWARD_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("HOMEWARD_BENCH", "1")
    with pytest.raises(config.ConfigError, match="HOMEWARD_BENCH"):
        config.from_environment(tmp_path)
    monkeypatch.setenv("HOMEWARD_ENV", "development")
    assert config.from_environment(tmp_path)["BENCH"] is True


def test_gunicorn_workers_freeze_what_the_app_loaded():
    """A worker's collector then skips the app's own objects: measured on the consultant's
    calendar feed, a full collection paused a request for 148 ms, 0.7 ms once frozen."""
    import gc
    import runpy

    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        settings["post_worker_init"](None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@pytest.mark.commits  # what reaches the database itself, not a test's rolled-back transaction
def test_a_request_that_only_read_commits_so_prepared_statements_survive(app, create_user):
    """psycopg drops its prepared statements at every ROLLBACK: a request that sent nothing but
    SELECTs ends with COMMIT instead (the same for the data)."""
    from tracker.models import User
    from tracker.web import end_unwritten_transaction

    create_user(email="reader@example.org")
    with app.test_request_context("/"):
        db.session.execute(select(User.id)).all()
        assert db.session().in_transaction()
        end_unwritten_transaction(None)
        assert not db.session().in_transaction()


@pytest.mark.commits
def test_a_request_that_wrote_or_failed_is_still_rolled_back(app, create_user):
    from tracker.models import User
    from tracker.web import end_unwritten_transaction

    user_id = create_user(email="writer@example.org", name="As saved").id
    for error in (None, RuntimeError("the page failed")):
        with app.test_request_context("/"):
            user = db.session.get(User, user_id)
            user.name = "Changed but never committed"
            db.session.flush()
            if error is not None:  # a failed request that only read is not committed either
                db.session.expire_all()
            end_unwritten_transaction(error)
            assert db.session().in_transaction()
            db.session.rollback()  # as the end of the request does
        with app.app_context():
            assert db.session.get(User, user_id).name == "As saved"
