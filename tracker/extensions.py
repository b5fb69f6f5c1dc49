"""Extensions are created here and bound to the app in create_app."""

import enum

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Enum, MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def enum_type(cls: type[enum.Enum]) -> Enum:
    """A Python enum stored by its values in a plain string column: no database enum type,
    so adding a member needs no migration of a PostgreSQL type."""
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Limits are set on the routes that need them (sign-in); storage from RATELIMIT_STORAGE_URI.
limiter = Limiter(key_func=get_remote_address)
