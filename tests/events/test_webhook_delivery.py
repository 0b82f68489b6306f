"""Webhook delivery to a real local receiver: signatures, retries, ordering, refusals."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from email.utils import format_datetime

import pytest
from standardwebhooks import Webhook

from models.accounts import ApiKey, ApiScope
from models.events import DomainEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from models.events import WebhookDeliveryStatus as Status
from services import clock
from services.accounts.tokens import create_api_key
from services.errors import DomainError
from services.events import delivery, outbox, targets, webhooks
from services.events.records import EventRecord
from services.events.types import EventTypeName
from services.transactions import transaction
from tests.events._receiver import Receiver, always, receiver

pytestmark = pytest.mark.usefixtures("app")
T = EventTypeName


@pytest.fixture(autouse=True)
def allow_local_receivers() -> object:
    before = delivery.CONFIG
    delivery.configure(allow_private=True)
    yield
    delivery.configure(**{f: getattr(before, f) for f in before.__dataclass_fields__})


@pytest.fixture
async def key() -> AsyncIterator[ApiKey]:
    row, _ = await create_api_key(
        name="partner", scopes=[ApiScope.READ_CATALOG, ApiScope.READ_ORDERS], created_by_id=None
    )
    yield row
    # Endpoints of finished tests must not keep failing against receivers that are gone.
    await WebhookEndpoint.filter(api_key_id=row.id).delete()


Register = Callable[..., Awaitable[tuple[WebhookEndpoint, str]]]


@pytest.fixture
def register(key: ApiKey) -> Register:
    async def make(url: str, types: list[str] | None = None) -> tuple[WebhookEndpoint, str]:
        return await webhooks.create_endpoint(
            api_key=key, url=url, event_types=types or [T.PRODUCT_UPDATED.value]
        )

    return make


def _aggregate() -> str:
    return f"hook-{uuid.uuid4().hex[:10]}"


async def _emit(aggregate: str, count: int = 1, type: T = T.PRODUCT_UPDATED) -> list[str]:
    ids = []
    for n in range(count):
        async with transaction():
            ids.append(await outbox.emit(type, aggregate_id=aggregate, payload={"n": n}))
    return ids


async def _until(check: Callable[[], Awaitable[bool]], *, seconds: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.05)


async def _deliveries(endpoint: WebhookEndpoint) -> list[WebhookDelivery]:
    return list(await WebhookDelivery.filter(endpoint_id=endpoint.id).order_by("event_position"))


async def _attempted(endpoint: WebhookEndpoint, count: int = 1) -> list[WebhookDelivery]:
    async def done() -> bool:
        rows = await _deliveries(endpoint)
        return len(rows) >= count and all(row.attempts >= 1 for row in rows)

    await _until(done)
    return await _deliveries(endpoint)


def _stdlib_verify(secret: str, headers: dict[str, str], raw: bytes) -> bool:
    """The README's receiver check, standard library only."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + raw
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(expected, sig.removeprefix("v1,"))
        for sig in headers["webhook-signature"].split()
    )


async def test_a_delivery_is_signed_the_standard_webhooks_way(register: Register) -> None:
    with receiver() as box:
        endpoint, secret = await register(box.url)
        assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
        aggregate = _aggregate()
        [event_id] = await _emit(aggregate)
        await _until(lambda: _has(box, 1))
    got = box.requests[0]
    body = Webhook(secret).verify(got.raw, got.headers)  # the reference receiver
    assert _stdlib_verify(secret, got.headers, got.raw)
    assert got.headers["webhook-id"] == event_id
    assert body["type"] == "product.updated"
    assert body["data"]["id"] == event_id
    assert body["data"]["aggregate"] == {"type": "product", "id": aggregate}
    assert body["data"]["payload"] == {"n": 0}
    other = Webhook(base64.b64encode(b"x" * 32).decode())
    with pytest.raises(Exception, match="signature"):
        other.verify(got.raw, got.headers)
    stored = await WebhookEndpoint.get(id=endpoint.id)
    assert secret not in stored.secret_ciphertext  # kept encrypted at rest


async def _has(box: Receiver, count: int, status: int | None = None) -> bool:
    return len(box.answered(status)) >= count


async def test_a_rotated_secret_signs_beside_the_new_one_during_the_overlap(
    register: Register,
) -> None:
    with receiver() as box:
        endpoint, old = await register(box.url)
        new = await webhooks.rotate_secret(endpoint=endpoint, overlap=timedelta(hours=1))
        await _emit(_aggregate())
        await _until(lambda: _has(box, 1))
        endpoint.previous_secret_until = clock.now() - timedelta(seconds=1)
        await endpoint.save()
        await _emit(_aggregate())
        await _until(lambda: _has(box, 2))
    during, after = box.requests
    assert len(during.headers["webhook-signature"].split()) == 2
    Webhook(old).verify(during.raw, during.headers)
    Webhook(new).verify(during.raw, during.headers)
    assert len(after.headers["webhook-signature"].split()) == 1
    Webhook(new).verify(after.raw, after.headers)
    with pytest.raises(Exception, match="signature"):
        Webhook(old).verify(after.raw, after.headers)


async def _fast_forward(endpoint: WebhookEndpoint) -> None:
    """Make waiting retries due now: the schedule's minutes pass in the test's milliseconds."""
    await WebhookDelivery.filter(endpoint_id=endpoint.id, status=Status.PENDING).update(
        next_attempt_at=clock.now()
    )


async def test_a_receiver_failing_then_recovering_gets_every_event_in_order(
    register: Register,
) -> None:
    fails = 7

    def script(number: int, body: dict[str, object]) -> tuple[int, dict[str, str]]:
        return (500, {}) if number <= fails else (200, {})

    with receiver(script) as box:
        endpoint, _ = await register(box.url)
        aggregates = [_aggregate() for _ in range(3)]
        for _round in range(4):
            for aggregate in aggregates:
                await _emit(aggregate)

        async def all_delivered() -> bool:
            await _fast_forward(endpoint)
            rows = await _deliveries(endpoint)
            return len(rows) == 12 and all(r.status == Status.SUCCEEDED for r in rows)

        await _until(all_delivered, seconds=60)
    assert len(box.answered(500)) == fails
    events = {e.event_id: e for e in await DomainEvent.filter(aggregate_id__in=aggregates)}
    by_aggregate: dict[str, list[tuple[int, int]]] = {a: [] for a in aggregates}
    for got in box.requests:
        event = events[got.headers["webhook-id"]]
        by_aggregate[event.aggregate_id].append((event.sequence, got.status))
    for aggregate, seen in by_aggregate.items():
        # Never a later event of the aggregate before the earlier one was accepted.
        accepted = [seq for seq, status in seen if status == 200]
        assert accepted == [1, 2, 3, 4], (aggregate, seen)
        for index, (sequence, _) in enumerate(seen):
            assert all(s >= sequence for s, _ in seen[index:]), (aggregate, seen)


def test_the_retry_schedule_is_standard_webhooks_with_jitter() -> None:
    expected = [0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]
    for failed, seconds in enumerate(expected):
        for _ in range(20):
            delay = delivery.next_delay(failed)
            assert delay is not None and seconds * 0.9 <= delay <= seconds * 1.1
    assert delivery.next_delay(10) is None  # ten attempts, then the delivery has FAILED
    assert delivery.next_delay(1, retry_after=120) == 120
    assert delivery.next_delay(3, retry_after=10) >= 1800 * 0.9  # type: ignore[operator]


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_is_honoured(register: Register, status: int) -> None:
    when = clock.now() + timedelta(seconds=600)
    answers = {429: {"Retry-After": "120"}, 503: {"Retry-After": format_datetime(when, True)}}
    with receiver(lambda n, b: (status, answers[status])) as box:
        endpoint, _ = await register(box.url)
        await _emit(_aggregate())
        [row] = await _attempted(endpoint)
    attempt = await WebhookAttempt.get(delivery_id=row.id)
    assert (row.status, row.attempts, row.last_status_code) == (Status.PENDING, 1, status)
    assert row.next_attempt_at is not None
    wait = (row.next_attempt_at - attempt.created_at).total_seconds()
    expected = 120 if status == 429 else 600
    assert expected - 5 <= wait <= expected + 1, wait


async def test_a_500_waits_the_schedules_five_seconds(register: Register) -> None:
    with receiver(always(500)) as box:
        endpoint, _ = await register(box.url)
        await _emit(_aggregate())
        [row] = await _attempted(endpoint)
    attempt = await WebhookAttempt.get(delivery_id=row.id)
    assert row.next_attempt_at is not None
    assert 4.4 <= (row.next_attempt_at - attempt.created_at).total_seconds() <= 5.6
    assert (attempt.number, attempt.status_code, attempt.response_excerpt) == (1, 500, "ok")


async def _disabled_events(endpoint: WebhookEndpoint) -> list[DomainEvent]:
    return list(
        await DomainEvent.filter(
            type=T.WEBHOOK_ENDPOINT_DISABLED.value, aggregate_id=str(endpoint.id)
        )
    )


async def test_410_gone_disables_the_endpoint_and_tells_its_owner(
    register: Register, key: ApiKey
) -> None:
    with receiver(always(410)) as box:
        endpoint, _ = await register(box.url)
        await _emit(_aggregate())
        await _attempted(endpoint)
        await _emit(_aggregate())
        await asyncio.sleep(0.5)
    await endpoint.refresh_from_db()
    assert not endpoint.is_active and "410" in endpoint.disabled_reason
    [event] = await _disabled_events(endpoint)
    assert event.payload["apiKeyId"] == key.id
    assert len(box.requests) == 1  # nothing more is sent to a disabled endpoint


async def test_an_endpoint_failing_for_days_is_disabled(register: Register) -> None:
    with receiver(always(500)) as box:
        endpoint, _ = await register(box.url)
        await WebhookEndpoint.filter(id=endpoint.id).update(
            failing_since=clock.now() - timedelta(days=6)
        )
        await _emit(_aggregate())
        await _attempted(endpoint)
    await endpoint.refresh_from_db()
    assert not endpoint.is_active and "failing since" in endpoint.disabled_reason
    assert len(await _disabled_events(endpoint)) == 1
    assert len(box.requests) == 1


async def test_a_redirect_is_a_failure_and_is_not_followed(register: Register) -> None:
    with receiver(lambda n, b: (302, {"Location": "/elsewhere"})) as box:
        endpoint, _ = await register(box.url)
        await _emit(_aggregate())
        [row] = await _attempted(endpoint)
    attempt = await WebhookAttempt.get(delivery_id=row.id)
    assert (row.status, row.last_status_code) == (Status.PENDING, 302)
    assert attempt.error == "redirects are not followed"
    assert len(box.requests) == 1


async def test_private_targets_are_refused_unless_allowed(register: Register) -> None:
    delivery.configure(allow_private=False)
    with receiver() as box:
        port = box.url.split(":")[2].split("/")[0]
        direct, _ = await register(box.url)
        by_name, _ = await register(f"http://localhost:{port}/hook")
        await _emit(_aggregate())
        rows = [*(await _attempted(direct)), *(await _attempted(by_name))]
        assert box.requests == []
    for row in rows:
        attempt = await WebhookAttempt.get(delivery_id=row.id)
        assert attempt.error.startswith("refused:") and attempt.status_code is None


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.5", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),
        ("fd00::1", False),
        ("0.0.0.0", False),
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
    ],
)
def test_which_addresses_are_public(address: str, public: bool) -> None:
    assert targets.is_public(address) is public


async def test_a_name_is_refused_when_any_of_its_addresses_is_private() -> None:
    with pytest.raises(targets.RefusedTarget, match="non-public"):
        await targets.resolve("http://localhost:9/x", allow_private=False)
    found = await targets.resolve("http://localhost:9/x", allow_private=True)
    assert found.address in ("127.0.0.1", "::1")


async def test_endpoints_get_only_what_their_key_may_follow_and_only_after_they_exist(
    key: ApiKey,
) -> None:
    catalog_only, _ = await create_api_key(
        name="catalog", scopes=[ApiScope.READ_CATALOG], created_by_id=None
    )
    with pytest.raises(DomainError) as refused:
        await webhooks.create_endpoint(
            api_key=catalog_only, url="http://x.test/h", event_types=["order.paid"]
        )
    assert refused.value.code == "EVENT_TYPE_NOT_ALLOWED"
    with pytest.raises(DomainError) as internal:
        await webhooks.create_endpoint(
            api_key=catalog_only, url="http://x.test/h", event_types=["shopper.events_tracked"]
        )
    assert internal.value.code == "EVENT_TYPE_NOT_ALLOWED"
    aggregate = _aggregate()
    [before] = await _emit(aggregate)
    await _until(lambda: DomainEvent.filter(event_id=before, position__isnull=False).exists())
    with receiver() as box:
        _endpoint, _ = await webhooks.create_endpoint(
            api_key=key, url=box.url, event_types=[T.PRODUCT_UPDATED.value]
        )
        [after] = await _emit(aggregate)
        await _until(lambda: _has(box, 1))
        await asyncio.sleep(0.3)
    assert [got.headers["webhook-id"] for got in box.requests] == [after]
    await WebhookEndpoint.filter(api_key_id=catalog_only.id).delete()


async def test_fan_out_is_idempotent(register: Register) -> None:
    endpoint, _ = await register("http://192.0.2.1/never")
    await WebhookEndpoint.filter(id=endpoint.id).update(is_active=False)
    endpoint.is_active = True
    [event_id] = await _emit(_aggregate())
    await _until(lambda: DomainEvent.filter(event_id=event_id, position__isnull=False).exists())
    record = EventRecord.from_model(await DomainEvent.get(event_id=event_id))
    await webhooks.owe(endpoint, [record])
    await webhooks.owe(endpoint, [record])
    assert await WebhookDelivery.filter(endpoint_id=endpoint.id).count() == 1


async def test_payloads_are_dropped_after_the_retention_window(register: Register) -> None:
    with receiver() as box:
        endpoint, _ = await register(box.url)
        await _emit(_aggregate())
        await _emit(_aggregate())
        old, recent = await _attempted(endpoint, 2)
        await WebhookDelivery.filter(id=old.id).update(
            created_at=clock.now() - delivery.CONFIG.retention - timedelta(minutes=1)
        )
        assert await delivery.forget_old_payloads() >= 1
        await old.refresh_from_db()
        await recent.refresh_from_db()
        assert old.payload is None and recent.payload is not None
        with pytest.raises(DomainError) as expired:
            await webhooks.redeliver(delivery=old)
        assert expired.value.code == "PAYLOAD_EXPIRED"
        await webhooks.redeliver(delivery=recent)
        await _until(lambda: _has(box, 3))
    assert box.requests[2].headers["webhook-id"] == recent.event_id
