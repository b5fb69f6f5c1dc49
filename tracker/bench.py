"""What the benchmark (scripts/bench.py) needs from the app, added only when BENCH is on
(HOMEWARD_BENCH=1; refused in production): a bare endpoint that runs one SQL query, the yardstick
every page is measured against, and an X-Bench-Queries header counting each response's queries."""

from __future__ import annotations

from flask import Flask, g
from sqlalchemy import event, select

from tracker.extensions import db
from tracker.models import Authority


def init_app(app: Flask) -> None:
    @app.get("/bench/bare")
    def bench_bare():
        name = db.session.execute(select(Authority.name).limit(1)).scalar()
        return {"authority": name}

    @app.before_request
    def start_counting():
        g.bench_queries = 0

    @app.after_request
    def report_count(response):
        response.headers["X-Bench-Queries"] = str(g.get("bench_queries", 0))
        return response

    with app.app_context():
        @event.listens_for(db.engine, "before_cursor_execute")
        def count(*_args):
            if g:
                g.bench_queries = g.get("bench_queries", 0) + 1
