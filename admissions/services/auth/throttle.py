"""Login throttling that slows guessing without locking anyone out.

Only failed attempts count, in the limiter's storage (Redis when configured, so every worker
shares the counters; memory for one process):

- per (account, address) pair: ``pair`` failures (e.g. 5 a minute). An attacker's own pairs hit
  it; the owner, who types from another address, does not share their counters.
- per account, from every address: past ``account`` failures (e.g. 10 in 15 minutes) the account
  is under backoff: a pair that already failed within ``backoff`` (e.g. 1 in 15 minutes) is
  refused until its window ends. A pair with no recent failure (the owner on a new address)
  still gets its attempts, so a correct password always gets through; a botnet gets one guess
  per address and window.
- per address, over all accounts: ``address`` failures (e.g. 100 a minute): generous, since a
  school's students share one NAT address, but it bounds spraying from one machine.

The account is named by its id when the identifier is known, otherwise by a hash of what was
typed, so counters never hold an ID number and unknown names behave like known ones.
A successful login clears its pair's counters.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from limits import RateLimitItem, parse_many

from admissions.extensions import limiter


@dataclass(frozen=True)
class LoginLimits:
    """The four limits, each a list of "N per period" items."""

    pair: tuple[RateLimitItem, ...]
    account: tuple[RateLimitItem, ...]
    backoff: tuple[RateLimitItem, ...]
    address: tuple[RateLimitItem, ...]

    @classmethod
    def parse(cls, pair: str, account: str, backoff: str, address: str) -> LoginLimits:
        """Limits from strings like ``"5 per minute; 30 per hour"``."""
        return cls(*(tuple(parse_many(text)) for text in (pair, account, backoff, address)))


def subject_key(account_id: int | None, typed: str) -> str:
    """Who the attempt is against: the account id, else a hash of the typed identifier."""
    if account_id is not None:
        return f"a{account_id}"
    return "n" + hashlib.sha256(typed.strip().lower().encode("utf-8")).hexdigest()[:24]


def _room(items: tuple[RateLimitItem, ...], *keys: str) -> bool:
    strategy = limiter.limiter
    return all(strategy.test(item, "login", *keys) for item in items)


def login_allowed(limits: LoginLimits, subject: str, address: str) -> bool:
    """Whether this (account, address) pair may try a password now."""
    if not limiter.enabled:
        return True
    if not _room(limits.address, "addr", address) or not _room(
        limits.pair, "pair", subject, address
    ):
        return False
    under_backoff = not _room(limits.account, "acct", subject)
    return not under_backoff or _room(limits.backoff, "slow", subject, address)


def record_failure(limits: LoginLimits, subject: str, address: str) -> None:
    """Count a failed attempt against the pair, the account and the address."""
    if not limiter.enabled:
        return
    strategy = limiter.limiter
    for item in limits.address:
        strategy.hit(item, "login", "addr", address)
    for item in limits.pair:
        strategy.hit(item, "login", "pair", subject, address)
    for item in limits.backoff:
        strategy.hit(item, "login", "slow", subject, address)
    for item in limits.account:
        strategy.hit(item, "login", "acct", subject)


def record_success(limits: LoginLimits, subject: str, address: str) -> None:
    """A correct password clears its pair's counters (the account's and address's stay)."""
    if not limiter.enabled:
        return
    strategy = limiter.limiter
    for item in limits.pair:
        strategy.clear(item, "login", "pair", subject, address)
    for item in limits.backoff:
        strategy.clear(item, "login", "slow", subject, address)
