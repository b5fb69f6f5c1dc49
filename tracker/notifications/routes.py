"""A person's own notifications, in the app: everything the outbox holds for them."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from tracker import clock
from tracker.extensions import db
from tracker.models import Membership, OutboxMessage

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def mine():
    page = db.paginate(
        select(OutboxMessage).where(
            OutboxMessage.recipient_id == current_user.id,
            # Only about authorities the person still belongs to.
            or_(OutboxMessage.authority_id.is_(None), OutboxMessage.authority_id.in_(
                select(Membership.authority_id).where(Membership.user_id == current_user.id))))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
        page=request.args.get("page", 1, type=int), per_page=50, error_out=False)
    seen_before = current_user.notifications_seen_at
    current_user.notifications_seen_at = clock.now()
    db.session.commit()
    return render_template("notifications/mine.html", page=page, seen_before=seen_before)


@bp.app_context_processor
def notification_count() -> dict:
    def unread_notifications() -> int:
        """How many of the person's notifications came since they last opened the list."""
        if not current_user.is_authenticated:
            return 0
        query = select(func.count(OutboxMessage.id)).where(
            OutboxMessage.recipient_id == current_user.id)
        if current_user.notifications_seen_at:
            query = query.where(OutboxMessage.created_at > current_user.notifications_seen_at)
        return db.session.scalar(query) or 0

    return {"unread_notifications": unread_notifications}
