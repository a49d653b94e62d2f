"""Verification codes printed on admission letters: HMAC-SHA256 of the admission, base32, 16 chars."""

from __future__ import annotations

import base64
import hashlib
import hmac

CODE_LENGTH = 16
# Letters people confuse with digits the base32 alphabet does not use.
_TYPO = str.maketrans({"0": "O", "1": "I", "8": "B"})


def verification_code(
    secret: bytes | str, exam_code: str, candidate_no: str, plan_line_key: str
) -> str:
    """A 16-character code in four groups, e.g. `K7QD-2MZX-PA4R-H6TN`, bound to one admission."""
    key = secret.encode() if isinstance(secret, str) else secret
    if not key:
        raise ValueError("verification secret must not be empty")
    message = "\x1f".join((exam_code, candidate_no, plan_line_key)).encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    raw = base64.b32encode(digest).decode()[:CODE_LENGTH]
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    """The code as typed → canonical form: upper case, no spaces or dashes, 0/1/8 read as O/I/B."""
    compact = "".join(code.split()).replace("-", "").upper().translate(_TYPO)
    return "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def check_verification_code(
    code: str, secret: bytes | str, exam_code: str, candidate_no: str, plan_line_key: str
) -> bool:
    """True when `code` (as a person typed it) is the code of this admission."""
    expected = verification_code(secret, exam_code, candidate_no, plan_line_key)
    return hmac.compare_digest(normalise_code(code).encode(), expected.encode())
