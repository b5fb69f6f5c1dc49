"""Health in the weekly digest and the scheduler."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tracker.extensions import db
from tracker.health import services
from tracker.links import Link
from tracker.models import Programme


def worsened(programme_ids: list[int], authorities: dict, today: date) -> dict:
    """Authorities whose status is worse than at the last digest (the snapshot a week ago):
    {programme_id: ("Off track (was At risk): reasons", link to how it is worked out)}."""
    if not programme_ids:
        return {}
    programmes = db.session.execute(
        select(Programme).where(Programme.id.in_(programme_ids))).scalars().all()
    assessments = services.assess_all([(authorities[p.id].slug, p) for p in programmes], today)
    before = services.previous_statuses(programme_ids, today - timedelta(days=7))
    out = {}
    for pid, a in assessments.items():
        if pid in before and a.status.rank > before[pid].rank:
            reasons = "; ".join(s.sentence for s in a.judgement.reasons)
            out[pid] = (f"{a.status.label} (was {before[pid].label}): {reasons}",
                        Link.to("health.how", authority_slug=authorities[pid].slug))
    return out
