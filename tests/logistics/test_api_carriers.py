"""`POST /carriers/<code>/events`: signed pushes in each format move shipments; anything
malformed or unsigned is a clear 4xx with a log line, never a 500."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import httpx
import orjson
import pytest

from models.logistics import Carrier, PushFormat, Shipment, ShipmentStatus, TrackingEvent
from services.logistics import signatures
from tests.logistics._helpers import carrier, lately, shipment
from tests.logistics.test_adapters import fixture

S = ShipmentStatus


async def _post(
    client: httpx.AsyncClient, code: str, body: bytes, *, secret: str | None = None
) -> httpx.Response:
    row = await Carrier.get(code=code)
    headers = signatures.sign(PushFormat(row.push_format), secret or row.signing_secret, body)
    return await client.post(
        f"/carriers/{code}/events",
        content=body,
        headers={**headers, "content-type": "application/json"},
    )


def _native(number: str, *events: tuple[str, str]) -> bytes:
    return orjson.dumps(
        {
            "events": [
                {"trackingNumber": number, "status": status, "occurredAt": at, "code": status}
                for status, at in events
            ]
        }
    )


async def test_a_signed_native_batch_moves_the_parcel_and_a_repeat_stores_nothing(
    client: httpx.AsyncClient,
) -> None:
    parcel = await shipment()
    n = parcel.tracking_number or ""
    body = _native(n, ("IN_TRANSIT", lately(10)), ("delivered", lately(36)))

    first = await _post(client, "dhl", body)
    again = await _post(client, "dhl", body)

    assert first.status_code == 200, first.text
    assert first.json() == {"received": 2, "stored": 2, "duplicates": 0, "unmatched": 0, "moved": 2}
    assert again.json()["duplicates"] == 2 and again.json()["stored"] == 0
    assert (await Shipment.get(id=parcel.id)).status == S.DELIVERED


@pytest.mark.parametrize(
    ("code", "name", "number_path"),
    [
        ("aftership", "aftership_tracking_update.json", ("msg", "tracking_number")),
        ("easypost", "easypost_tracker_updated.json", ("result", "tracking_code")),
        ("17track", "17track_tracking_updated.json", ("data", "number")),
    ],
)
async def test_each_aggregators_push_reaches_its_shipment(
    client: httpx.AsyncClient, code: str, name: str, number_path: tuple[str, str]
) -> None:
    # Given a shipment with the fixture's carrier (the aggregator names it by slug)
    push: dict[str, Any] = fixture(name)
    slug = {"aftership": "dhl", "easypost": "usps", "17track": "17track"}[code]
    parcel = await shipment(code=slug)
    push[number_path[0]][number_path[1]] = parcel.tracking_number
    # ... that left before the fixture's first scan
    await Shipment.filter(id=parcel.id).update(ship_date=date(2026, 11, 24))

    response = await _post(client, code, orjson.dumps(push))

    assert response.status_code == 200, response.text
    assert response.json()["unmatched"] == 0
    row = await Shipment.get(id=parcel.id)
    expected = {
        "aftership": S.OUT_FOR_DELIVERY,
        "easypost": S.DELIVERED,
        "17track": S.RETURNING_TO_SENDER,
    }[code]
    assert row.status == expected
    assert await TrackingEvent.filter(shipment_id=parcel.id).count() == response.json()["stored"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"[]", 400),
        (b'{"events": [{"trackingNumber": "A1", "status": "teleported"}]}', 400),
        (b'{"events": {"a": 1}}', 400),
        (b'"\\u0000"', 400),
        (orjson.dumps({"events": [{}] * 600}), 400),
    ],
)
async def test_malformed_pushes_are_a_400_with_a_log_line(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, body: bytes, status: int
) -> None:
    await carrier()
    with caplog.at_level(logging.WARNING, logger="shopgraph.logistics.pushes"):
        response = await _post(client, "dhl", body)

    assert response.status_code == status
    assert response.json()["error"]["code"] == "BODY_INVALID"
    assert any("refused (400)" in r.getMessage() for r in caplog.records)


async def test_unsigned_or_badly_signed_pushes_are_refused(client: httpx.AsyncClient) -> None:
    parcel = await shipment()
    body = _native(parcel.tracking_number or "", ("IN_TRANSIT", lately(10)))

    unsigned = await client.post("/carriers/dhl/events", content=body)
    forged = await _post(client, "dhl", body, secret="guessed")

    assert unsigned.status_code == 401 and forged.status_code == 401
    assert forged.json()["error"]["code"] == "SIGNATURE_INVALID"
    assert (await Shipment.get(id=parcel.id)).status == S.PENDING


async def test_unknown_carriers_are_a_404(client: httpx.AsyncClient) -> None:
    for code in ("nobody", "x" * 300, "%00"):
        response = await client.post(f"/carriers/{code}/events", content=b"{}")
        assert response.status_code == 404
