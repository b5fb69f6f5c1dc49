"""The Framework in use: its practice content as reference, the training register, fidelity
ratings and the adaptation log."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker.framework import services
    from tracker.framework.routes import bp
    from tracker.health import SIGNALS
    from tracker.portfolio.services import COLUMNS, Column

    app.register_blueprint(bp)
    COLUMNS.add(Column("Framework coverage", services.portfolio_coverage))
    SIGNALS.add(services.health_signals)
