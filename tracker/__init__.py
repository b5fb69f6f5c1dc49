"""Homeward: run a local authority's rollout of the Reunification Practice Framework."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """The one app factory. `test_config` is merged over the environment's settings."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from tracker import config, templating

    app.jinja_environment = templating.Environment
    app.config.from_mapping(config.from_environment(Path(app.instance_path)))
    if test_config:
        app.config.from_mapping(test_config)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    if app.config["PROXY_FIX_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _bind_extensions(app)
    _init_areas(app)

    from tracker import cli, web

    web.init_app(app)
    cli.init_app(app)
    if app.config.get("BENCH"):
        from tracker import bench

        bench.init_app(app)
    return app


def _bind_extensions(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from tracker import (
        models,  # noqa: F401 - registers every table on the metadata
        sqlite,
        templating,
    )
    from tracker.extensions import csrf, db, limiter, login_manager, migrate

    sqlite.init()
    templating.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    WTFormsHelpers(app)


# The areas, in the order their blueprints and extension-point entries are added.
AREAS = ("main", "auth", "admin", "notifications", "portfolio", "checklist", "actions", "plan",
         "meetings", "postcards", "stakeholders", "outcomes", "costs", "report", "api", "framework",
         "evaluation", "records", "health")


def _init_areas(app: Flask) -> None:
    for name in AREAS:
        import_module(f"tracker.{name}").init_app(app)
