"""Postcards between the strategic and practice groups."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker.notifications.jobs import DIGEST_SECTIONS
    from tracker.portfolio.services import COLUMNS, Column
    from tracker.postcards import services
    from tracker.postcards.routes import bp

    app.register_blueprint(bp)
    COLUMNS.add(Column("Postcards waiting", services.portfolio_waiting))
    DIGEST_SECTIONS.add(services.digest_waiting)
