"""Programme health: signals, the On track / At risk / Off track rule, snapshots and the
thresholds behind them. Read by the dashboard, the portfolio, the report and the digest.

Other areas add signals from their own init_app: `from tracker.health import SIGNALS;
SIGNALS.add(source)` (see tracker/health/signals.py for what a source is)."""

from flask import Flask

from tracker.health.signals import SIGNALS, Signal  # noqa: F401 - the extension point


def init_app(app: Flask) -> None:
    from tracker.health.routes import bp
    from tracker.notifications import jobs

    app.register_blueprint(bp)
    jobs.DIGEST_HEADLINES.add(digest_headlines)


def digest_headlines(programme_ids, authorities, today):
    from tracker.health.jobs import worsened

    return worsened(programme_ids, authorities, today)
