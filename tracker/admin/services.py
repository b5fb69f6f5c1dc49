"""Authorities, accounts and memberships: used by the admin pages and the CLI alike."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from tracker import audit, clock
from tracker.admin.forms import slugify
from tracker.checklist import services as checklist
from tracker.errors import RuleBroken
from tracker.extensions import db
from tracker.models import (
    Authority,
    GroupMember,
    Membership,
    OutboxMessage,
    Programme,
    Role,
    User,
    normalise_email,
)

MEMBERSHIP = "membership"


class AdminError(RuleBroken):
    """A request that breaks a rule; the message says which, for the field named."""

    def __init__(self, field: str, message: str):
        super().__init__(message, field)


def create_authority(
    name: str, *, slug: str | None = None, start_date: date | None = None,
    actor: User | None = None,
) -> Authority:
    """An authority with its programme made from the current Checklist template."""
    name = name.strip()
    slug = slug or slugify(name)
    if not slug:
        raise AdminError("slug", "Enter a short name using letters or numbers")
    if db.session.execute(select(Authority.id).where(Authority.name == name)).first():
        raise AdminError("name", "An authority with that name already exists")
    if db.session.execute(select(Authority.id).where(Authority.slug == slug)).first():
        raise AdminError("slug", "That short name is already used by another authority")
    authority = Authority(name=name, slug=slug)
    db.session.add(authority)
    checklist.create_programme(authority, start_date=start_date or clock.today(), actor=actor)
    return authority


def create_user(
    email: str, name: str, *, password: str | None = None, is_site_admin: bool = False
) -> User:
    email = normalise_email(email)
    if db.session.execute(select(User.id).where(User.email == email)).first():
        raise AdminError("email", "An account with that email address already exists")
    user = User(email=email, name=name.strip(), is_site_admin=is_site_admin, active=True)
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def user_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def authority_by_slug(slug: str) -> Authority | None:
    return db.session.execute(select(Authority).where(Authority.slug == slug)).scalar_one_or_none()


def _programme_id(authority: Authority) -> int:
    return db.session.execute(
        select(Programme.id).where(Programme.authority_id == authority.id)
    ).scalar_one()


def add_member(
    user: User, authority: Authority, role: Role, *, job_role: str | None = None,
    actor: User | None = None,
) -> Membership:
    existing = db.session.execute(
        select(Membership).where(
            Membership.user_id == user.id, Membership.authority_id == authority.id
        )
    ).scalar_one_or_none()
    if existing is not None:
        raise AdminError("email", f"{user.name} is already a member of {authority.name}")
    membership = Membership(user=user, authority=authority, role=role, job_role=job_role or None)
    db.session.add(membership)
    db.session.flush()
    audit.record(MEMBERSHIP, membership.id, "created", programme_id=_programme_id(authority),
                 actor=actor, summary=f"{user.name} added as {role.label}")
    return membership


def change_role(membership: Membership, role: Role, job_role: str | None, actor: User) -> None:
    changes = {}
    if membership.role != role:
        changes["Role"] = [membership.role.label, role.label]
    if (membership.job_role or "") != (job_role or ""):
        changes["Job role"] = [membership.job_role or "", job_role or ""]
    if not changes:
        return
    membership.role = role
    membership.job_role = job_role or None
    audit.record(MEMBERSHIP, membership.id, "updated",
                 programme_id=_programme_id(membership.authority), actor=actor, changes=changes,
                 summary=f"{membership.user.name}'s membership changed")


def remove_member(membership: Membership, actor: User) -> None:
    audit.record(MEMBERSHIP, membership.id, "deleted",
                 programme_id=_programme_id(membership.authority), actor=actor,
                 summary=f"{membership.user.name} ({membership.role.label}) removed")
    # Removal cuts the person off: out of the authority's groups, and nothing more sent.
    db.session.execute(
        update(GroupMember)
        .where(GroupMember.user_id == membership.user_id, GroupMember.left_on.is_(None),
               GroupMember.programme_id.in_(select(Programme.id).where(
                   Programme.authority_id == membership.authority_id)))
        .values(left_on=clock.today()))
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.recipient_id == membership.user_id,
               OutboxMessage.authority_id == membership.authority_id,
               OutboxMessage.sent_at.is_(None), OutboxMessage.cancelled_at.is_(None))
        .values(cancelled_at=clock.now()))
    db.session.delete(membership)
