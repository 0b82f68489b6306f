"""Each aggregator's push, as its documentation shows it, read into our vocabulary."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from models.logistics import PushFormat, ShipmentStatus
from services.logistics import adapters, signatures, vocabulary
from services.logistics.adapters import PushInvalid

FIXTURES = Path(__file__).parent / "fixtures"
S = ShipmentStatus


def fixture(name: str) -> Any:
    return orjson.loads((FIXTURES / name).read_bytes())


def test_aftership_checkpoints_become_updates_with_their_places() -> None:
    updates = adapters.parse(PushFormat.AFTERSHIP, fixture("aftership_tracking_update.json"))

    assert [u.status for u in updates] == [S.INFO_RECEIVED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY]
    last = updates[-1]
    assert last.tracking_number == "00340434292135100186"
    assert last.carrier_slug == "dhl"
    assert (last.city, last.region, last.country, last.postal_code) == (
        "Berlin",
        "Berlin",
        "DE",
        "10115",
    )
    assert last.occurred_at == datetime(2026, 12, 1, 6, 48, tzinfo=UTC)
    assert last.estimated_delivery == date(2026, 12, 2)
    assert last.carrier_code == "OFD"


def test_aftership_return_subtag_is_returning_to_sender() -> None:
    push = fixture("aftership_tracking_update.json")
    push["msg"]["checkpoints"][-1].update(tag="Exception", subtag="Exception_011")
    assert adapters.parse(PushFormat.AFTERSHIP, push)[-1].status == S.RETURNING_TO_SENDER


def test_aftership_subtags_as_documented_returning_returned_damage_lost() -> None:
    # Exception_010 returning, 011 returned, 012 damage, 013 lost (AfterShip's subtag list).
    push = fixture("aftership_tracking_update.json")
    statuses = {}
    for subtag in ("Exception_010", "Exception_011", "Exception_012", "Exception_013"):
        push["msg"]["checkpoints"][-1].update(tag="Exception", subtag=subtag)
        last = adapters.parse(PushFormat.AFTERSHIP, push)[-1]
        statuses[subtag] = (last.status, vocabulary.is_lost(last.sub_status))
    assert statuses == {
        "Exception_010": (S.RETURNING_TO_SENDER, False),
        "Exception_011": (S.RETURNING_TO_SENDER, False),
        "Exception_012": (S.EXCEPTION, False),
        "Exception_013": (S.EXCEPTION, True),
    }


def test_17track_lost_sub_status_reads_as_lost() -> None:
    push = fixture("17track_tracking_updated.json")
    for event in push["data"]["track_info"]["tracking"]["providers"][0]["events"][:1]:
        event.update(stage="Exception", sub_status="Exception_Lost")
    newest = max(adapters.parse(PushFormat.TRACK17, push), key=lambda u: u.occurred_at)
    assert newest.status == S.EXCEPTION and vocabulary.is_lost(newest.sub_status)


def test_easypost_tracking_details_with_an_attempt_and_delivery() -> None:
    updates = adapters.parse(PushFormat.EASYPOST, fixture("easypost_tracker_updated.json"))

    assert [u.status for u in updates] == [
        S.INFO_RECEIVED,
        S.IN_TRANSIT,
        S.ATTEMPTED_DELIVERY,
        S.DELIVERED,
    ]
    assert updates[0].carrier_slug == "usps"
    assert updates[1].city == "NORTH HOUSTON" and updates[1].country == "US"
    assert updates[-1].estimated_delivery == date(2026, 12, 1)


def test_17track_events_of_every_provider_with_the_return() -> None:
    updates = adapters.parse(PushFormat.TRACK17, fixture("17track_tracking_updated.json"))

    assert sorted((u.occurred_at, u.status) for u in updates) == [
        (datetime(2026, 11, 25, 2, 0, tzinfo=UTC), S.INFO_RECEIVED),
        (datetime(2026, 11, 28, 8, 5, tzinfo=UTC), S.IN_TRANSIT),
        (datetime(2026, 12, 1, 8, 30, tzinfo=UTC), S.RETURNING_TO_SENDER),
    ]
    assert {u.tracking_number for u in updates} == {"RR123456785CN"}
    assert updates[0].postal_code == "60549" and updates[0].region == "HE"
    assert updates[0].estimated_delivery == date(2026, 12, 5)


def test_events_that_carry_no_tracking_are_accepted_empty() -> None:
    assert adapters.parse(PushFormat.TRACK17, {"event": "TRACKING_STOPPED", "data": {}}) == []
    assert adapters.parse(PushFormat.EASYPOST, {"description": "batch.created"}) == []


@pytest.mark.parametrize(
    ("push_format", "body", "fragment"),
    [
        (PushFormat.NATIVE, [], "body must be an object"),
        (PushFormat.NATIVE, {"events": "x"}, "events must be a list"),
        (PushFormat.NATIVE, {"events": [{"trackingNumber": "A1", "status": "flying"}]}, "status"),
        (
            PushFormat.NATIVE,
            {"events": [{"trackingNumber": "A1", "status": "delivered", "occurredAt": "soon"}]},
            "not an ISO 8601 time",
        ),
        (
            PushFormat.NATIVE,
            {"events": [{"trackingNumber": "A\x001", "status": "delivered"}]},
            "NUL",
        ),
        (PushFormat.NATIVE, {"events": [{}] * 501}, "at most 500"),
        (PushFormat.AFTERSHIP, {"event": "tracking_update", "msg": []}, "msg must be an object"),
        (
            PushFormat.EASYPOST,
            {"description": "tracker.updated", "result": {"tracking_code": 5 * "x" * 20}},
            "tracking_code",
        ),
        (PushFormat.TRACK17, {"event": "TRACKING_UPDATED", "data": {"number": None}}, "number"),
    ],
)
def test_malformed_pushes_say_what_is_wrong(
    push_format: PushFormat, body: Any, fragment: str
) -> None:
    with pytest.raises(PushInvalid) as invalid:
        adapters.parse(push_format, body)
    assert fragment in str(invalid.value)


@pytest.mark.parametrize("push_format", list(PushFormat))
def test_each_signature_scheme_accepts_its_own_and_refuses_a_changed_body(
    push_format: PushFormat,
) -> None:
    body = b'{"events": []}'
    headers = signatures.sign(push_format, "s3cret", body)

    assert signatures.verify(push_format, "s3cret", body, headers) is None
    assert signatures.verify(push_format, "s3cret", body + b" ", headers) is not None
    assert signatures.verify(push_format, "other", body, headers) is not None
    assert signatures.verify(push_format, "s3cret", body, {}) is not None


def test_a_standard_webhooks_push_from_long_ago_is_refused() -> None:
    body = b"{}"
    headers = signatures.sign(PushFormat.NATIVE, "s3cret", body, ts=1_000_000_000)
    assert "tolerance" in (signatures.verify(PushFormat.NATIVE, "s3cret", body, headers) or "")
