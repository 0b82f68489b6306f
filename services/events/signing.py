"""Standard Webhooks signing: `whsec_` secrets, kept encrypted, and the three headers.

The signature is HMAC-SHA256 over `"{webhook-id}.{webhook-timestamp}.{body}"`, base64, sent
as `v1,<signature>`; several space-separated signatures are sent while a rotated secret is
still honoured. The stdlib's hmac does it in three lines; the `standardwebhooks` package (the
reference receiver) verifies our headers in the tests.

Secrets at rest: the server has to sign with them, so unlike API keys they cannot be hashed.
They are encrypted with Fernet (AES-128-CBC + HMAC, from `cryptography`) under a key derived
from SHOPGRAPH_SECRET_KEY, so a copy of the database alone does not let anyone forge our
deliveries; changing the secret key makes the stored secrets unreadable (rotate them then).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable

from cryptography.fernet import Fernet, InvalidToken

PREFIX = "whsec_"
SECRET_BYTES = 32
_fernet: Fernet | None = None


def configure(*, secret_key: str) -> None:
    """Derive the at-rest key from the server's secret key (app and worker start-up)."""
    global _fernet
    digest = hashlib.sha256(b"shopgraph webhook secrets\x00" + secret_key.encode()).digest()
    _fernet = Fernet(base64.urlsafe_b64encode(digest))


def _cipher() -> Fernet:
    if _fernet is None:
        raise RuntimeError("signing.configure() was not called at start-up")
    return _fernet


def new_secret() -> str:
    """A fresh `whsec_<base64 of 32 random bytes>` secret."""
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def seal(secret: str) -> str:
    return _cipher().encrypt(secret.encode()).decode()


def unseal(ciphertext: str) -> str:
    """The plain secret; ValueError when it was sealed under another secret key."""
    try:
        return _cipher().decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        raise ValueError("webhook secret sealed under another SHOPGRAPH_SECRET_KEY") from None


def signature(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256>` of one message under one `whsec_` secret."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def headers(
    secrets_in_use: Iterable[str], *, msg_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The Standard Webhooks headers of one delivery attempt, signed with every secret."""
    signed = " ".join(
        signature(secret, msg_id=msg_id, timestamp=timestamp, body=body)
        for secret in secrets_in_use
    )
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signed,
        "content-type": "application/json",
    }
