"""Stakeholder engagement: the register, the power / interest grid, the engagement plan and
the feedback that comes back (Checklist Phase 1 task 15, Phase 2 task 6, Annex 10)."""
