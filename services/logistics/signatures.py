"""Each push format's signature scheme, checked before a byte of the body is parsed.

- native: Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature:
  v1,<base64 HMAC-SHA256 of id.timestamp.body>`), within five minutes of our clock.
- AfterShip: `aftership-hmac-sha256: <base64 HMAC-SHA256 of the body>`.
- EasyPost: `x-hmac-signature: hmac-sha256-hex=<hex HMAC-SHA256 of the body>` (the secret
  NFKD-normalized, as EasyPost's client libraries do).
- 17TRACK: `sign: <hex SHA-256 of body + "/" + secret>`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import unicodedata
from collections.abc import Mapping

from models.logistics import PushFormat

TOLERANCE_SECONDS = 300


def _hmac(secret: str, body: bytes) -> bytes:
    return hmac.new(secret.encode(), body, hashlib.sha256).digest()


def sign(
    push_format: PushFormat,
    secret: str,
    body: bytes,
    *,
    msg_id: str = "msg_1",
    ts: int | None = None,
) -> dict[str, str]:
    """The headers a sender of `push_format` attaches (tests, the benchmark, the demo)."""
    if push_format == PushFormat.AFTERSHIP:
        return {"aftership-hmac-sha256": base64.b64encode(_hmac(secret, body)).decode()}
    if push_format == PushFormat.EASYPOST:
        key = unicodedata.normalize("NFKD", secret)
        return {"x-hmac-signature": "hmac-sha256-hex=" + _hmac(key, body).hex()}
    if push_format == PushFormat.TRACK17:
        return {"sign": hashlib.sha256(body + b"/" + secret.encode()).hexdigest()}
    stamp = str(int(time.time()) if ts is None else ts)
    mac = _hmac(secret, f"{msg_id}.{stamp}.".encode() + body)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": stamp,
        "webhook-signature": "v1," + base64.b64encode(mac).decode(),
    }


def verify(
    push_format: PushFormat, secret: str, body: bytes, headers: Mapping[str, str]
) -> str | None:
    """None when the push is signed by `secret`; else why it is refused."""
    if not secret:
        return "the carrier has no signing secret"
    if push_format == PushFormat.NATIVE:
        return _verify_standard(secret, body, headers)
    name = {
        PushFormat.AFTERSHIP: "aftership-hmac-sha256",
        PushFormat.EASYPOST: "x-hmac-signature",
        PushFormat.TRACK17: "sign",
    }[push_format]
    given = headers.get(name, "")
    if not given:
        return f"missing {name} header"
    expected = sign(push_format, secret, body)[name]
    return None if hmac.compare_digest(given.strip(), expected) else f"bad {name} signature"


def _verify_standard(secret: str, body: bytes, headers: Mapping[str, str]) -> str | None:
    msg_id = headers.get("webhook-id", "")
    stamp = headers.get("webhook-timestamp", "")
    signatures = headers.get("webhook-signature", "")
    if not (msg_id and stamp and signatures):
        return "missing webhook-id, webhook-timestamp or webhook-signature header"
    if not stamp.isdigit() or abs(time.time() - int(stamp)) > TOLERANCE_SECONDS:
        return "webhook-timestamp outside the tolerance"
    expected = sign(PushFormat.NATIVE, secret, body, msg_id=msg_id, ts=int(stamp))
    wanted = expected["webhook-signature"].encode()
    for candidate in signatures.split():
        if hmac.compare_digest(candidate.encode(), wanted):
            return None
    return "bad webhook-signature"
