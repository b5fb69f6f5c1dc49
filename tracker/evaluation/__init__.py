"""The evaluation questionnaires: rounds at Time 1 and Time 2, anonymous answering through a
link, and the paired analysis the Bristol evaluation used."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker.evaluation import services
    from tracker.evaluation.respond.routes import bp as respond_bp
    from tracker.evaluation.routes import bp
    from tracker.health import SIGNALS
    from tracker.portfolio.services import COLUMNS, Column

    app.register_blueprint(bp)
    app.register_blueprint(respond_bp)
    COLUMNS.add(Column("Staff questionnaires", services.portfolio_column))
    SIGNALS.add(services.health_signals)
