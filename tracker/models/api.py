"""Personal API tokens: a person's key to the read-only API (/api/v1/)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.extensions import db
from tracker.models.accounts import User

# Recognisable in a leaked-secret scan, and in a person's own notes.
TOKEN_PREFIX = "hw_"


def hash_token(secret: str) -> str:
    """Tokens are long random strings, so one fast hash is enough: no one can guess their way
    back from it, and looking a token up stays one indexed query."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(db.Model):
    """A personal token. Only its hash is stored: the secret is shown once, when made.
    It reads what its owner may read, as the owner's memberships are now (not when made)."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The secret's last four characters, so a person can tell their tokens apart.
    hint: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The owner, or an administrator who stopped it (a lost laptop, someone leaving).
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        """A new token for `user` and its secret, which is not kept anywhere."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls(user=user, name=name, token_hash=hash_token(secret), hint=secret[-4:])
        db.session.add(token)
        return token, secret
