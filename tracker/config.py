"""Settings from environment variables, with safe defaults for a development machine."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

MIN_SECRET_KEY_BYTES = 32


class ConfigError(RuntimeError):
    """The environment does not describe a safe configuration."""


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: Path, production: bool) -> str:
    key = os.environ.get("SECRET_KEY")
    if key and production and len(key.encode()) < MIN_SECRET_KEY_BYTES:
        raise ConfigError(
            f"SECRET_KEY is too short: in production it must be at least {MIN_SECRET_KEY_BYTES} "
            "bytes (python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    if key:
        return key
    if production:
        raise ConfigError(
            "SECRET_KEY is not set. In production Homeward refuses to start without one: "
            "set SECRET_KEY to a long random value (python -c 'import secrets; "
            "print(secrets.token_hex(32))')."
        )
    # Development: generate once and keep it, so sessions survive a restart.
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        instance_path.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance_path / 'homeward.db'}"
    # Hosting platforms often hand out postgres:// URLs; SQLAlchemy wants the psycopg 3 driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _not_in_production(production: bool) -> bool:
    if production:
        raise ConfigError("HOMEWARD_BENCH is for the benchmark only; unset it in production.")
    return True


def from_environment(instance_path: Path) -> dict:
    production = os.environ.get("HOMEWARD_ENV", "development").lower() == "production"
    return {
        "HOMEWARD_ENV": "production" if production else "development",
        "SECRET_KEY": _secret_key(instance_path, production),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # Every request body is read into memory: refuse larger ones with a page saying so. An
        # import's confirm form carries the file's text, so forms may be as large as files.
        "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 6 * 1024 * 1024,
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,  # a token lives as long as the session: long forms are normal
        # Behind a reverse proxy, trust this many X-Forwarded-* hops.
        "PROXY_FIX_HOPS": int(os.environ.get("PROXY_FIX_HOPS", "0")),
        # Where links in emails point, e.g. https://homeward.example.gov.uk
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_USE_STARTTLS": _flag("MAIL_USE_STARTTLS", True),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Homeward <homeward@localhost>"),
        # Sign-in throttling: this many failures lock an email address for this many minutes
        # (its owner still gets in by waiting SIGN_IN_LOCKED_DELAY_SECONDS before trying), and
        # SIGN_IN_MAX_CLIENT_FAILURES lock the client (IP address) they came from.
        "SIGN_IN_MAX_FAILURES": int(os.environ.get("SIGN_IN_MAX_FAILURES", "5")),
        "SIGN_IN_LOCK_MINUTES": int(os.environ.get("SIGN_IN_LOCK_MINUTES", "15")),
        "SIGN_IN_MAX_CLIENT_FAILURES": int(os.environ.get("SIGN_IN_MAX_CLIENT_FAILURES", "20")),
        "SIGN_IN_LOCKED_DELAY_SECONDS": int(os.environ.get("SIGN_IN_LOCKED_DELAY_SECONDS", "30")),
        # A rate limit on password checks per client, whatever the addresses (Flask-Limiter).
        "SIGN_IN_RATE_LIMIT": os.environ.get("SIGN_IN_RATE_LIMIT", "20 per minute;200 per hour"),
        # memory:// counts per process; with several processes use e.g. redis://host:6379.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Sessions end after this long without a request, and this long after signing in.
        "SESSION_IDLE_HOURS": float(os.environ.get("SESSION_IDLE_HOURS", "12")),
        "SESSION_MAX_DAYS": float(os.environ.get("SESSION_MAX_DAYS", "7")),
        "INVITE_MAX_AGE_DAYS": int(os.environ.get("INVITE_MAX_AGE_DAYS", "7")),
        # The scheduler: reminders each day at this London time; the digest once a week.
        "REMINDER_TIME": os.environ.get("REMINDER_TIME", "07:00"),
        "DIGEST_DAY": os.environ.get("DIGEST_DAY", "mon").strip().lower()[:3],
        "DIGEST_TIME": os.environ.get("DIGEST_TIME", "07:30"),
        # The benchmark's bare endpoint and query-count header (tracker/bench.py); refused in
        # production.
        "BENCH": _flag("HOMEWARD_BENCH") and _not_in_production(production),
    }
