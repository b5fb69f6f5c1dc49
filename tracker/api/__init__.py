"""The read API (/api/v1/), its OpenAPI document, and personal API tokens."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api


class _BlueprintOnlyApi(Api):
    """flask-smorest's Api, minus its app-wide JSON error handler: the rest of Homeward answers
    errors with pages, so the API blueprint registers its own JSON handler instead."""

    def _register_error_handlers(self) -> None:
        pass



def init_app(app: Flask) -> None:
    from flask_login import current_user

    from tracker.api import routes, services

    app.config.setdefault("API_RATE_LIMIT", "120 per minute;3000 per hour")
    app.config.update(
        API_TITLE="Homeward read API",
        API_VERSION="1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = _BlueprintOnlyApi(app, spec_kwargs={
        "info": {"description": "Read-only JSON for an authority's own reporting (Excel, "
                                "Power BI). Authenticate with a personal token from your "
                                "account page: `Authorization: Bearer <token>`."},
        "security": [{"token": []}],
    })
    api.spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    api.register_blueprint(routes.api_bp)
    app.register_blueprint(routes.pages)

    @app.context_processor
    def api_tokens() -> dict:
        def my_api_tokens():
            return services.live_tokens(current_user) if current_user.is_authenticated else []

        return {"my_api_tokens": my_api_tokens}
