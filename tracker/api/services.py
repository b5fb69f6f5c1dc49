"""The read API's rules: who a token is, which authorities it reads, and the pages of rows it
gets. Every list is one query, ordered by id, so a page costs the same whatever the data."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker import clock
from tracker.actions.services import action_rag
from tracker.extensions import db
from tracker.health import services as health
from tracker.links import Link
from tracker.models import (
    Action,
    ApiToken,
    Authority,
    ChecklistTask,
    Meeting,
    Membership,
    Milestone,
    OutcomeQuarter,
    Programme,
    ProgrammePhase,
    User,
)
from tracker.models.api import hash_token
from tracker.notifications.outbox import Draft, queue
from tracker.permissions import Permission, role_may
from tracker.plan.services import milestone_views
from tracker.rag import RagStatus
from tracker.tenancy import in_programme, member_of

# last_used_at is a guide for the person, not an audit trail: writing it on every request of
# a Power BI refresh would turn a read into a write each time.
LAST_USED_GRANULARITY = timedelta(minutes=5)
MAX_TOKENS = 20
TOKEN_NAME_MAX = 100


# -- tokens ------------------------------------------------------------------------------------


def user_for_token(secret: str) -> User | None:
    """The active person whose live token this is, or None. Notes when it was used."""
    row = db.session.execute(
        select(ApiToken, User).join(ApiToken.user)
        .where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None),
               User.active.is_(True))
    ).first()
    if row is None:
        return None
    token, user = row
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
        token.last_used_at = now
        db.session.commit()
    return user


def live_tokens(user: User) -> list[ApiToken]:
    return list(db.session.execute(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at, ApiToken.id)
    ).scalars())


class TokenRefused(Exception):
    """Why a token cannot be made, for the form."""


def create_token(user: User, name: str) -> str:
    """A new token's secret: shown to the person once and never again."""
    if len(live_tokens(user)) >= MAX_TOKENS:
        raise TokenRefused(f"You have {MAX_TOKENS} tokens already: revoke one you no longer use")
    _token, secret = ApiToken.issue(user, name)
    return secret


def every_token(user: User) -> list[ApiToken]:
    """All the person's tokens, newest first, revoked ones too: what an administrator reviews."""
    return list(db.session.execute(
        select(ApiToken).options(joinedload(ApiToken.revoked_by))
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).scalars())


def revoke_token(owner: User, token_id: int, actor: User) -> ApiToken | None:
    """Revoke one of `owner`'s live tokens, as `actor` (the owner, or an administrator); None
    if it is not the owner's (or is revoked already)."""
    token = db.session.execute(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == owner.id,
                               ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if token is not None:
        token.revoked_at = clock.now()
        token.revoked_by = actor
        if actor.id != owner.id and owner.active:
            _tell_owner(token, actor)
    return token


def _tell_owner(token: ApiToken, actor: User) -> None:
    """An administrator stopped someone's token: they learn it from us, not from a report that
    stopped working. Sent whatever emails they chose, as a change to their account is; not to
    a deactivated account (someone who has left)."""
    queue([Draft(key=f"api-token:revoked:{token.id}", kind="api_token_revoked",
                 recipient=token.user, template="api_token_revoked",
                 context={"token": token, "actor": actor.name},
                 link=Link.to("auth.account", anchor="api-tokens"))])


# -- tenancy -------------------------------------------------------------------------------------


def authorities(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Authority, Membership).join(Membership, Membership.authority_id == Authority.id)
        .where(Membership.user_id == user.id).order_by(Authority.name, Authority.id)
    ).all()
    return [_authority(a, m) for a, m in rows if role_may(m.role, Permission.VIEW)]


def readable(slug: str, user: User) -> tuple[Authority, Membership, Programme] | None:
    """The authority, membership and programme the person may read, by the pages' rules:
    None (a 404) for someone who is not a member."""
    row = member_of(slug, user.id)
    if row is None or not role_may(row[1].role, Permission.VIEW):
        return None
    return row


def _authority(authority: Authority, membership: Membership) -> dict[str, Any]:
    return {"slug": authority.slug, "name": authority.name, "role": membership.role}


# -- the programme -------------------------------------------------------------------------------


def programme_health(authority: Authority, programme: Programme) -> dict[str, Any]:
    """The programme's health as the pages judge it (tracker/health): the status, the summary
    in words, every signal with its evidence, and the headline figures."""
    assessment = health.assess(programme, authority.slug)
    judgement = assessment.judgement
    return {
        "status": judgement.status.value,
        "label": judgement.status.label,
        "summary": judgement.summary,
        "signals": [{**s.as_data(), "evidence": s.evidence.external()} for s in judgement.signals],
        "figures": assessment.figures.as_data(),
    }


def programme(authority: Authority, membership: Membership, programme: Programme) -> dict[str, Any]:
    phases = db.session.execute(
        in_programme(ProgrammePhase, programme).order_by(ProgrammePhase.number)
    ).scalars()
    return {
        "authority": _authority(authority, membership),
        "name": programme.name,
        "start_date": programme.start_date,
        "current_phase": programme.current_phase,
        "checklist_version": f"{programme.template_key} {programme.template_version}",
        "phases": [{"number": p.number, "title": p.title, "started_on": p.started_on}
                   for p in phases],
        "health": programme_health(authority, programme),
    }


# -- pages of rows -------------------------------------------------------------------------------


def _page(query, model, after: int | None, limit: int) -> tuple[list, int | None]:
    """Rows after `after` by id, at most `limit`, and the id to continue after (or None)."""
    if after is not None:
        query = query.where(model.id > after)
    rows = list(db.session.execute(query.order_by(model.id).limit(limit + 1)).unique().scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more else None)


def _changed(query, model, updated_since: datetime | None):
    """Rows changed at or after `updated_since` (naive UTC, as stored)."""
    return query if updated_since is None else query.where(
        model.updated_at >= updated_since)


def _person(user: User | None, name: str = "") -> dict[str, Any] | None:
    if user is not None:
        return {"name": user.name, "email": user.email}
    return {"name": name, "email": None} if name else None


def _rag(status: RagStatus | None) -> dict[str, Any]:
    return {"rag": status.colour.value if status else None,
            "rag_reason": status.reason if status else None}


def tasks(programme: Programme, *, after: int | None = None, limit: int = 100,
          updated_since: datetime | None = None, phase: int | None = None,
          status=None) -> tuple[list[dict], int | None]:
    query = _changed(in_programme(ChecklistTask, programme).options(
        joinedload(ChecklistTask.owner)), ChecklistTask, updated_since)
    if phase is not None:
        query = query.where(ChecklistTask.phase == phase)
    if status is not None:
        query = query.where(ChecklistTask.status == status)
    rows, next_after = _page(query, ChecklistTask, after, limit)
    return [{
        "id": t.id, "phase": t.phase, "number": t.number, "label": t.label, "local": t.is_local,
        "added_by_homeward": t.reconstructed, "title": t.title, "status": t.status,
        "owner": _person(t.owner), "due_date": t.due_date, "completed_at": t.completed_at,
        "updated_at": t.updated_at,
    } for t in rows], next_after


def actions(programme: Programme, *, after: int | None = None, limit: int = 100,
            updated_since: datetime | None = None, status=None, owner: str | None = None,
            due_from: date | None = None, due_to: date | None = None,
            today: date | None = None) -> tuple[list[dict], int | None]:
    today = today or clock.today()
    query = _changed(in_programme(Action, programme).options(
        joinedload(Action.owner), joinedload(Action.workstream)), Action, updated_since)
    if status:
        query = query.where(Action.status.in_(status))
    if owner is not None:
        query = query.where(Action.owner_id.in_(
            select(User.id).where(User.email == owner.strip().lower())))
    if due_from is not None:
        query = query.where(Action.due_date >= due_from)
    if due_to is not None:
        query = query.where(Action.due_date <= due_to)
    rows, next_after = _page(query, Action, after, limit)
    return [{
        "id": a.id, "title": a.title, "status": a.status, "owner": _person(a.owner, a.owner_name),
        "due_date": a.due_date, **_rag(action_rag(a, today)),
        "workstream": a.workstream.name if a.workstream else None,
        "milestone_id": a.milestone_id, "checklist_task_id": a.checklist_task_id,
        "meeting_id": a.meeting_id, "created_at": a.created_at, "completed_at": a.completed_at,
        "updated_at": a.updated_at,
    } for a in rows], next_after


def milestones(programme: Programme, *, after: int | None = None, limit: int = 100,
               updated_since: datetime | None = None, status=None,
               today: date | None = None) -> tuple[list[dict], int | None]:
    query = _changed(in_programme(Milestone, programme).options(
        joinedload(Milestone.workstream)), Milestone, updated_since)
    if status is not None:
        query = query.where(Milestone.status == status)
    rows, next_after = _page(query, Milestone, after, limit)
    # The same RAG as the plan pages: the milestone's own date and its open actions'.
    return [{
        "id": v.milestone.id, "title": v.milestone.title, "target_date": v.milestone.target_date,
        "status": v.milestone.status, "achieved_on": v.milestone.achieved_on,
        "workstream": v.milestone.workstream.name if v.milestone.workstream else None,
        **_rag(v.rag), "updated_at": v.milestone.updated_at,
    } for v in milestone_views(rows, today)], next_after


def meetings(programme: Programme, *, after: int | None = None, limit: int = 100,
             updated_since: datetime | None = None, held_from: date | None = None,
             held_to: date | None = None) -> tuple[list[dict], int | None]:
    query = _changed(in_programme(Meeting, programme), Meeting, updated_since)
    if held_from is not None:
        query = query.where(Meeting.day >= held_from)
    if held_to is not None:
        query = query.where(Meeting.day <= held_to)
    rows, next_after = _page(query, Meeting, after, limit)
    return [{
        "id": m.id, "title": m.title, "kind": m.kind, "day": m.day, "start_time": m.start_time,
        "end_time": m.end_time, "status": m.status, "updated_at": m.updated_at,
    } for m in rows], next_after


OUTCOME_FIGURES = ("returned_home", "framework_cases", "reentered_3_months",
                   "framework_reentered_3_months", "reentered_12_months",
                   "framework_reentered_12_months", "repeat_breakdowns", "not_returned_risk",
                   "unplanned_returns", "returned_s20", "returned_care_order")


def outcomes(programme: Programme, *, after: int | None = None, limit: int = 100,
             updated_since: datetime | None = None) -> tuple[list[dict], int | None]:
    query = _changed(in_programme(OutcomeQuarter, programme), OutcomeQuarter, updated_since)
    rows, next_after = _page(query, OutcomeQuarter, after, limit)
    return [{
        "id": q.id, "period": q.period.key, "year": q.year, "quarter": q.quarter,
        **{name: getattr(q, name) for name in OUTCOME_FIGURES}, "updated_at": q.updated_at,
    } for q in rows], next_after
