"""The carrier registry: a few common carriers built in, staff add more."""

from __future__ import annotations

import re
import secrets

from tortoise.exceptions import IntegrityError

from models.logistics import Carrier, PushFormat
from services.logistics.errors import LogisticsErrorCode, error

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,31}$")

# (code, name, tracking URL template, push format). Aggregators are carriers too: a push
# to /carriers/aftership/events names the real carrier of each parcel by its slug.
BUILT_IN: tuple[tuple[str, str, str, PushFormat], ...] = (
    # For parcels staff record without naming a carrier (orderMarkShipped).
    ("other", "Other carrier", "", PushFormat.NATIVE),
    ("demo", "Demo Parcel Service", "https://track.example/demo/{number}", PushFormat.NATIVE),
    ("dhl", "DHL", "https://www.dhl.com/track?tracking-id={number}", PushFormat.NATIVE),
    ("ups", "UPS", "https://www.ups.com/track?tracknum={number}", PushFormat.NATIVE),
    ("usps", "USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
     PushFormat.NATIVE),
    ("aftership", "AfterShip", "", PushFormat.AFTERSHIP),
    ("easypost", "EasyPost", "", PushFormat.EASYPOST),
    ("17track", "17TRACK", "https://t.17track.net/en#nums={number}", PushFormat.TRACK17),
)  # fmt: skip


async def ensure_built_in() -> int:
    """Create the built-in carriers that are missing (each with a fresh signing secret)."""
    existing = set(await Carrier.all().values_list("code", flat=True))
    made = 0
    for code, name, template, push_format in BUILT_IN:
        if code in existing:
            continue
        try:
            await Carrier.create(
                code=code,
                name=name,
                tracking_url_template=template,
                push_format=push_format,
                signing_secret=secrets.token_urlsafe(32),
            )
            made += 1
        except IntegrityError:  # another process made it meanwhile
            continue
    return made


async def get_carrier(*, code: str) -> Carrier:
    """An active carrier by code; the built-in ones are created on first use."""
    code = code.strip().lower()
    found = await Carrier.filter(code=code, is_active=True).first()
    if found is None and code in {row[0] for row in BUILT_IN}:
        await ensure_built_in()
        found = await Carrier.filter(code=code, is_active=True).first()
    if found is None:
        raise error(LogisticsErrorCode.CARRIER_NOT_FOUND, f"No carrier {code!r}.", field="carrier")
    return found


async def create_carrier(
    *,
    code: str,
    name: str,
    tracking_url_template: str = "",
    push_format: PushFormat = PushFormat.NATIVE,
    signing_secret: str | None = None,
) -> Carrier:
    """A new carrier; its signing secret is generated unless one is given."""
    code = code.strip().lower()
    if not CODE.match(code):
        raise error(
            LogisticsErrorCode.CARRIER_CODE_INVALID,
            "A carrier code is 2-32 lower-case letters, digits, - or _.",
            field="code",
        )
    if tracking_url_template and "{number}" not in tracking_url_template:
        raise error(
            LogisticsErrorCode.TRACKING_NUMBER_INVALID,
            "The tracking URL template must contain {number}.",
            field="trackingUrlTemplate",
        )
    try:
        return await Carrier.create(
            code=code,
            name=name.strip()[:120] or code,
            tracking_url_template=tracking_url_template,
            push_format=push_format,
            signing_secret=signing_secret or secrets.token_urlsafe(32),
        )
    except IntegrityError:
        raise error(
            LogisticsErrorCode.CARRIER_CODE_TAKEN, f"Carrier {code!r} exists.", field="code"
        ) from None


def tracking_url(carrier: Carrier, number: str | None) -> str:
    if not number or not carrier.tracking_url_template:
        return ""
    return carrier.tracking_url_template.replace("{number}", number)


async def rotate_secret(*, code: str) -> Carrier:
    """A new signing secret for the carrier (the old one stops working at once)."""
    carrier = await get_carrier(code=code)
    carrier.signing_secret = secrets.token_urlsafe(32)
    await carrier.save(update_fields=["signing_secret"])
    return carrier
