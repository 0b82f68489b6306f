"""The webhook API: endpoints of the calling key, secrets shown once, the delivery log,
redelivery and replay, payload documents, and no access to another key's endpoints."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest
from standardwebhooks import Webhook

from models.accounts import ApiKey, ApiScope, Permission
from models.events import DomainEvent, WebhookDelivery, WebhookEndpoint
from models.events import WebhookDeliveryStatus as Status
from services import clock
from services.accounts.tokens import create_api_key
from services.events import delivery, outbox
from services.events.types import EventTypeName
from services.transactions import transaction
from tests.conftest import GraphQLClient
from tests.events._receiver import receiver
from tests.factories import auth_headers, create_product, create_user

pytestmark = pytest.mark.usefixtures("app")

CREATE = """
mutation($input: WebhookEndpointCreateInput!) {
  webhookEndpointCreate(input: $input) {
    secret
    endpoint { id url eventTypes active subscriptionQuery }
    errors { field code message }
  }
}"""
UPDATE = """
mutation($id: ID!, $input: WebhookEndpointUpdateInput!) {
  webhookEndpointUpdate(id: $id, input: $input) { endpoint { active url } errors { code field } }
}"""
ROTATE = """
mutation($id: ID!) {
  webhookSecretRotate(id: $id, overlapHours: 2) {
    secret endpoint { previousSecretExpiresAt } errors { code }
  }
}"""
DELETE = """
mutation($id: ID!) { webhookEndpointDelete(id: $id) { deletedId errors { code } } }"""
ENDPOINTS = "{ webhookEndpoints(first: 50) { totalCount edges { node { id url } } } }"
DELIVERIES = """
query($endpoint: ID) {
  webhookDeliveries(endpointId: $endpoint, first: 50) {
    totalCount
    edges { node {
      id eventId eventType status attempts lastStatusCode nextAttemptAt payload
      endpoint { url }
      attemptLog { number statusCode latencyMs error responseExcerpt }
    } }
  }
}"""
REDELIVER = """
mutation($id: ID!) {
  webhookDeliveryRedeliver(id: $id) { delivery { status attempts } errors { code } }
}"""
REPLAY = """
mutation($id: ID!, $from: DateTime!, $to: DateTime!) {
  webhookEventsReplay(endpointId: $id, from: $from, to: $to) { queued errors { code field } }
}"""


@pytest.fixture(autouse=True)
def allow_local_receivers() -> object:
    before = delivery.CONFIG.allow_private
    delivery.configure(allow_private=True)
    yield
    delivery.configure(allow_private=before)


Keyed = tuple[ApiKey, dict[str, str]]


@pytest.fixture
async def partner() -> AsyncIterator[Keyed]:
    row, plain = await create_api_key(
        name="erp", scopes=[ApiScope.READ_CATALOG, ApiScope.READ_ORDERS], created_by_id=None
    )
    yield row, {"X-Api-Key": plain}
    await WebhookEndpoint.filter(api_key_id=row.id).delete()


@pytest.fixture
async def stranger() -> Keyed:
    row, plain = await create_api_key(
        name="other", scopes=[ApiScope.READ_CATALOG], created_by_id=None
    )
    return row, {"X-Api-Key": plain}


async def _create(gql: GraphQLClient, headers: dict[str, str], **input: object) -> dict:  # type: ignore[type-arg]
    body = await gql(CREATE, {"input": {"eventTypes": ["PRODUCT_UPDATED"], **input}}, **headers)
    assert "errors" not in body, body
    result: dict = body["data"]["webhookEndpointCreate"]  # type: ignore[type-arg]
    return result


async def _until(check: Callable[[], Awaitable[bool]], seconds: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached"
        await asyncio.sleep(0.05)


async def _emit(aggregate: str, type: EventTypeName = EventTypeName.PRODUCT_UPDATED) -> str:
    async with transaction():
        return await outbox.emit(type, aggregate_id=aggregate, payload={"note": "x"})


async def test_create_shows_the_secret_once_and_lists_only_the_callers_endpoints(
    gql: GraphQLClient, partner: Keyed, stranger: Keyed
) -> None:
    created = await _create(gql, partner[1], url="https://erp.example.com/hooks")
    assert created["errors"] == [] and created["secret"].startswith("whsec_")
    endpoint = created["endpoint"]
    assert endpoint["eventTypes"] == ["PRODUCT_UPDATED"] and endpoint["active"] is True
    mine = await gql(ENDPOINTS, **partner[1])
    assert [e["node"]["id"] for e in mine["data"]["webhookEndpoints"]["edges"]] == [endpoint["id"]]
    theirs = await gql(ENDPOINTS, **stranger[1])
    assert theirs["data"]["webhookEndpoints"]["totalCount"] == 0
    # Another key cannot change, rotate or delete it, nor tell that it exists.
    for query, variables in (
        (UPDATE, {"id": endpoint["id"], "input": {"active": False}}),
        (ROTATE, {"id": endpoint["id"]}),
        (DELETE, {"id": endpoint["id"]}),
    ):
        body = await gql(query, variables, **stranger[1])
        [payload] = body["data"].values()
        assert [e["code"] for e in payload["errors"]] == ["NOT_FOUND"]
    node = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": endpoint["id"]})
    assert node["data"]["node"] is None
    staff = await create_user(permissions=[Permission.MANAGE_API_KEYS])
    listed = await gql(ENDPOINTS, **auth_headers(staff))
    ids = [e["node"]["id"] for e in listed["data"]["webhookEndpoints"]["edges"]]
    assert endpoint["id"] in ids


async def test_anonymous_callers_and_customers_are_refused(gql: GraphQLClient) -> None:
    body = await gql(ENDPOINTS)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    customer = await create_user()
    body = await gql(ENDPOINTS, **auth_headers(customer))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    ("input", "code", "field"),
    [
        ({"url": "ftp://erp.example.com/x"}, "INVALID_URL", "url"),
        ({"url": "https://u:p@erp.example.com/x"}, "INVALID_URL", "url"),
        ({"url": "https://e.example/" + "a" * 2100}, "TOO_LONG", "url"),
        ({"url": "https://e.example/h", "eventTypes": []}, "REQUIRED", "eventTypes"),
        ({"url": "https://e.example/h", "eventTypes": ["CUSTOMER_REGISTERED"]},
         "EVENT_TYPE_NOT_ALLOWED", "eventTypes"),
        ({"url": "https://e.example/h", "subscriptionQuery": "subscription { nope }"},
         "INVALID_DOCUMENT", "subscriptionQuery"),
        ({"url": "https://e.example/h", "subscriptionQuery": "mutation { x }"},
         "INVALID_DOCUMENT", "subscriptionQuery"),
    ],
)  # fmt: skip
async def test_invalid_endpoints_are_refused_with_typed_errors(
    gql: GraphQLClient, partner: Keyed, input: dict[str, object], code: str, field: str
) -> None:
    variables = {"input": {"eventTypes": ["PRODUCT_UPDATED"], **input}}
    body = await gql(CREATE, variables, **partner[1])
    payload = body["data"]["webhookEndpointCreate"]
    assert payload["endpoint"] is None and payload["secret"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]


async def test_the_delivery_log_redelivery_and_replay(
    gql: GraphQLClient, partner: Keyed, count_queries: object
) -> None:
    with receiver(lambda n, b: (500, {}) if n == 1 else (204, {})) as box:
        created = await _create(gql, partner[1], url=box.url)
        endpoint_id = created["endpoint"]["id"]
        aggregates = [f"api-{uuid.uuid4().hex[:8]}" for _ in range(3)]
        started = clock.now()
        for aggregate in aggregates:
            await _emit(aggregate)
        rows = lambda: WebhookDelivery.filter(endpoint__api_key_id=partner[0].id)  # noqa: E731

        async def settled() -> bool:
            found = await rows()
            return len(found) == 3 and all(r.attempts >= 1 for r in found)

        await _until(settled)
        with count_queries() as counter:  # type: ignore[operator]
            body = await gql(DELIVERIES, {"endpoint": endpoint_id}, **partner[1])
        log = [e["node"] for e in body["data"]["webhookDeliveries"]["edges"]]
        # Endpoint and attempt log through loaders: the same statements for 1 or 50 rows.
        assert len(counter.statements) <= 6, counter.statements
        assert len(log) == 3
        failed = [d for d in log if d["status"] == "PENDING"]
        assert len(failed) == 1 and failed[0]["lastStatusCode"] == 500
        assert failed[0]["nextAttemptAt"] is not None
        assert failed[0]["attemptLog"][0]["statusCode"] == 500
        assert all(d["endpoint"]["url"] == box.url for d in log)
        assert {d["payload"]["type"] for d in log} == {"product.updated"}

        redo = await gql(REDELIVER, {"id": failed[0]["id"]}, **partner[1])
        assert redo["data"]["webhookDeliveryRedeliver"]["errors"] == []
        await _until(lambda: _all_succeeded(rows))
        before = len(box.requests)

        window = {
            "from": started.isoformat(),
            "to": (clock.now() + timedelta(seconds=1)).isoformat(),
        }
        replayed = await gql(REPLAY, {"id": endpoint_id, **window}, **partner[1])
        assert replayed["data"]["webhookEventsReplay"] == {"queued": 3, "errors": []}
        await _until(lambda: _sent(box, before + 3))
        await _until(lambda: _all_succeeded(rows))
        backwards = {"from": window["to"], "to": window["from"]}
        wrong = await gql(REPLAY, {"id": endpoint_id, **backwards}, **partner[1])
        assert wrong["data"]["webhookEventsReplay"]["errors"][0]["code"] == "INVALID_RANGE"
    replay_ids = [got.headers["webhook-id"] for got in box.requests[before:]]
    events = await DomainEvent.filter(aggregate_id__in=aggregates).order_by("position")
    assert sorted(replay_ids) == sorted(e.event_id for e in events)


async def _all_succeeded(rows: Callable[[], object]) -> bool:
    found = await rows()  # type: ignore[misc]
    return bool(found) and all(r.status == Status.SUCCEEDED for r in found)


async def _sent(box: object, count: int) -> bool:
    return len(box.requests) >= count  # type: ignore[attr-defined]


async def test_a_subscription_document_shapes_the_payload(
    gql: GraphQLClient, partner: Keyed
) -> None:
    product = await create_product()
    document = (
        "subscription { event { id type aggregateId product { id name slug } order { id } } }"
    )
    with receiver() as box:
        created = await _create(gql, partner[1], url=box.url, subscriptionQuery=document)
        assert created["errors"] == []
        event_id = await _emit(str(product.id))
        await _until(lambda: _sent(box, 1))
    got = box.requests[0]
    Webhook(created["secret"]).verify(got.raw, got.headers)
    data = got.body["data"]
    assert data["event"]["id"] == event_id and data["event"]["type"] == "PRODUCT_UPDATED"
    assert data["event"]["product"]["name"] == product.name
    assert data["event"]["order"] is None


async def test_rotation_returns_a_new_secret_and_deletion_removes_the_endpoint(
    gql: GraphQLClient, partner: Keyed
) -> None:
    created = await _create(gql, partner[1], url="https://erp.example.com/h")
    endpoint_id = created["endpoint"]["id"]
    rotated = (await gql(ROTATE, {"id": endpoint_id}, **partner[1]))["data"]["webhookSecretRotate"]
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    assert rotated["endpoint"]["previousSecretExpiresAt"] is not None
    disabled = await gql(UPDATE, {"id": endpoint_id, "input": {"active": False}}, **partner[1])
    assert disabled["data"]["webhookEndpointUpdate"]["endpoint"]["active"] is False
    deleted = await gql(DELETE, {"id": endpoint_id}, **partner[1])
    assert deleted["data"]["webhookEndpointDelete"]["deletedId"] == endpoint_id
    assert not await WebhookEndpoint.filter(api_key_id=partner[0].id).exists()
