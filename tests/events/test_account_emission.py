"""Sign-up emits customer.registered without secrets; tracking emits the internal event."""

from __future__ import annotations

import json

import pytest
from strawberry.relay import to_base64

from models.analytics import EventKind
from services.accounts import users
from services.analytics import tracking
from services.errors import DomainError
from tests.events._helpers import events_of
from tests.factories import create_user, create_variant, unique

pytestmark = pytest.mark.usefixtures("app")
PASSWORD = "correct horse battery staple"


async def test_sign_up_is_announced_without_password_or_token() -> None:
    email = f"{unique('new')}@example.com"
    user, pair = await users.register(email=email, password=PASSWORD, marketing_consent=True)
    (event,) = await events_of("customer", user.id)
    assert event.type == "customer.registered"
    assert event.payload == {
        "customerId": to_base64("User", user.id),
        "marketingConsent": True,
        "email": email,
    }
    raw = json.dumps(event.payload)
    assert PASSWORD not in raw and pair.access_token not in raw and "$" not in raw


async def test_without_marketing_consent_the_email_stays_out() -> None:
    user, _ = await users.register(email=f"{unique('quiet')}@example.com", password=PASSWORD)
    (event,) = await events_of("customer", user.id)
    assert event.payload["email"] is None and event.payload["marketingConsent"] is False


async def test_a_taken_email_emits_nothing_more() -> None:
    existing = await create_user()
    with pytest.raises(DomainError):
        await users.register(email=existing.email, password=PASSWORD)
    assert await events_of("customer", existing.id) == []


async def test_tracked_events_are_announced_once_per_batch() -> None:
    user = await create_user()
    product_id = (await create_variant()).product_id
    events = [tracking.TrackedEvent(kind=EventKind.VIEW, product_id=product_id)] * 3
    assert await tracking.track_events(events=events, user_id=user.id, anonymous_id=None) == 3
    (event,) = await events_of("shopper", f"user:{user.id}")
    assert event.type == "shopper.events_tracked"
    assert (event.payload["userId"], event.payload["count"], event.payload["kinds"]) == (
        user.id,
        3,
        ["view"],
    )
