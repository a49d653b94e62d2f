"""API tokens of institutions: created once (the plain token shown once), stored hashed, revoked."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import Account, ApiToken, Role, utcnow
from admissions.services import audit

PREFIX = "zk_"


class TokenError(ValueError):
    """A token operation the rules refuse (Chinese message)."""


def may_manage(account: Account) -> bool:
    """Whether the account manages its institution's tokens: a university's admin user only."""
    return bool(
        account.role == Role.UNIVERSITY and account.institution_id and account.is_institution_admin
    )


def hash_token(token: str) -> str:
    """SHA-256 of the token (tokens carry 256 random bits, so a fast hash is enough)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    actor: Account | None, institution_id: int, name: str, days: int, now: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token of the institution, valid ``days`` days; returns the row and the plain token."""
    if not name.strip():
        raise TokenError("请填写令牌名称")
    if not 1 <= days <= 366:
        raise TokenError("有效天数应为 1 至 366")
    plain = PREFIX + secrets.token_urlsafe(32)
    now = now or utcnow()
    token = ApiToken(
        institution_id=institution_id, token_hash=hash_token(plain), name=name.strip()[:60],
        created_by_id=actor.id if actor else None, created_at=now,
        expires_at=now + timedelta(days=days),
    )  # fmt: skip
    db.session.add(token)
    db.session.flush()
    audit.record(actor, "api_token.create", token, after={"name": token.name, "days": days})
    return token, plain


def revoke_token(actor: Account | None, institution_id: int, token_id: int) -> ApiToken:
    """Revoke one of the institution's tokens (another institution's is "not found")."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.institution_id != institution_id:
        raise TokenError("令牌不存在")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        audit.record(actor, "api_token.revoke", token, after={"name": token.name})
    return token


def tokens_of(institution_id: int) -> list[ApiToken]:
    """The institution's tokens, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.institution_id == institution_id)
            .order_by(ApiToken.id.desc())
        )
    )


def token_actor(token: ApiToken) -> Account | None:
    """Who acts through a token: the account that created it (an admin of its institution)."""
    return db.session.get(Account, token.created_by_id) if token.created_by_id else None


def creator_may_act(token: ApiToken) -> bool:
    """A token acts with its creator's rights: only while the creator is an active admin user of
    the token's own institution (a token without a creator has no rights)."""
    creator = token_actor(token)
    return bool(
        creator is not None
        and creator.active
        and may_manage(creator)
        and creator.institution_id == token.institution_id
    )


def active_token(plain: str, now: datetime | None = None) -> ApiToken | None:
    """The token for a presented value, if it exists, is not revoked, has not expired, and its
    creator still holds the rights it acts with."""
    if not plain.startswith(PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plain)))
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and (now or utcnow()) >= token.expires_at:
        return None
    return token if creator_may_act(token) else None


def revoke_tokens_created_by(actor: Account | None, creator: Account, why: str) -> int:
    """Revoke every live token ``creator`` made (flush, each audited); how many were revoked.

    Called when the creator is deactivated or stops being the institution's admin user."""
    live = db.session.scalars(
        select(ApiToken).where(ApiToken.created_by_id == creator.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in live:
        token.revoked_at = utcnow()
        audit.record(actor, "api_token.revoke", token, after={"name": token.name, "why": why})
    db.session.flush()
    return len(live)
