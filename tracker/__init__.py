"""Homeward: run a local authority's rollout of the Reunification Practice Framework."""

from __future__ import annotations

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
    from tracker import config

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
    _register_blueprints(app)

    from tracker import cli, web

    web.init_app(app)
    cli.init_app(app)
    return app


def _bind_extensions(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from tracker import models  # noqa: F401 - registers every table on the metadata
    from tracker.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    WTFormsHelpers(app)


def _register_blueprints(app: Flask) -> None:
    from tracker.actions.routes import bp as actions_bp
    from tracker.admin.routes import bp as admin_bp
    from tracker.auth.routes import bp as auth_bp
    from tracker.checklist.routes import bp as checklist_bp
    from tracker.costs.routes import bp as costs_bp
    from tracker.main.routes import authority_bp
    from tracker.main.routes import bp as main_bp
    from tracker.meetings.routes import bp as meetings_bp
    from tracker.notifications.routes import bp as notifications_bp
    from tracker.outcomes.routes import bp as outcomes_bp
    from tracker.plan.routes import bp as plan_bp
    from tracker.portfolio.routes import bp as portfolio_bp
    from tracker.postcards.routes import bp as postcards_bp
    from tracker.report.routes import bp as report_bp
    from tracker.stakeholders.routes import bp as stakeholders_bp

    for bp in (main_bp, auth_bp, admin_bp, notifications_bp, portfolio_bp, authority_bp,
               checklist_bp, actions_bp, plan_bp, meetings_bp, postcards_bp, stakeholders_bp,
               outcomes_bp, costs_bp, report_bp):
        app.register_blueprint(bp)
