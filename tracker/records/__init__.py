"""The authority's whole record, out: one zip of a CSV per kind of record and a JSON file with
everything, for FOI requests, audits, or leaving Homeward."""

from flask import Flask


def init_app(app: Flask) -> None:
    from tracker.records.routes import bp

    app.register_blueprint(bp)
