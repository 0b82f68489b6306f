"""A guest is known only by a secret it holds: a signed guest id or its cart token."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry.relay import to_base64

from models.analytics import BehaviourEvent
from services.accounts import guests
from tests.factories import auth_headers, create_product, create_user

NEW_ID = "mutation { guestIdCreate { anonymousId } }"
TRACK = """
mutation T($events: [TrackEventInput!]!, $id: String) {
  trackEvents(events: $events, anonymousId: $id) { accepted errors { code } }
}
"""
FEED = """
query F($id: String) { feed(section: FOR_YOU, first: 5, anonymousId: $id) { totalCount } }
"""
HIDE = """
mutation H($p: ID!, $id: String) {
  markNotInterested(productId: $p, anonymousId: $id) { product { name } errors { code } }
}
"""

pytestmark = pytest.mark.usefixtures("app")


def _refused(body: dict[str, Any]) -> None:
    assert body["data"] is None, body
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "anonymousId"}


async def _view(product_id: int) -> list[dict[str, Any]]:
    return [{"kind": "VIEW", "productId": to_base64("Product", product_id)}]


async def test_a_signed_guest_id_files_events_under_its_own_identity(gql: Any) -> None:
    product = await create_product()
    guest_id = (await gql(NEW_ID))["data"]["guestIdCreate"]["anonymousId"]

    tracked = await gql(TRACK, {"events": await _view(product.id), "id": guest_id})
    feed = await gql(FEED, {"id": guest_id})

    assert tracked["data"]["trackEvents"] == {"accepted": 1, "errors": []}
    assert feed["data"]["feed"]["totalCount"] >= 0
    identity = guests.identity_from_guest_id(guest_id)
    assert await BehaviourEvent.filter(anonymous_id=identity).count() == 1


@pytest.mark.parametrize(
    "made_up", ["my-guest-42", "g1.abc.0123456789abcdef0123456789abcdef", "g:abc"]
)
async def test_a_made_up_or_forged_anonymous_id_is_refused_everywhere(
    gql: Any, made_up: str
) -> None:
    product = await create_product()

    _refused(await gql(TRACK, {"events": await _view(product.id), "id": made_up}))
    _refused(await gql(FEED, {"id": made_up}))
    _refused(await gql(HIDE, {"p": to_base64("Product", product.id), "id": made_up}))


async def test_knowing_where_a_guest_is_filed_gives_no_access(gql: Any) -> None:
    product = await create_product()
    victim = (await gql(NEW_ID))["data"]["guestIdCreate"]["anonymousId"]
    await gql(TRACK, {"events": await _view(product.id), "id": victim})
    stored = guests.identity_from_guest_id(victim)
    assert stored is not None
    signed_in = auth_headers(await create_user())

    # Neither the stored identity nor its random part reads, writes or merges that history.
    for leaked in (stored, stored[2:]):
        _refused(await gql(FEED, {"id": leaked}))
        _refused(await gql(TRACK, {"events": await _view(product.id), "id": leaked}))
        _refused(await gql(TRACK, {"events": await _view(product.id), "id": leaked}, **signed_in))
    assert await BehaviourEvent.filter(anonymous_id=stored).count() == 1


async def test_a_cart_token_guest_is_filed_under_a_digest_of_the_token(gql: Any) -> None:
    product = await create_product()
    token = (await gql("mutation { cartCreate { cart { token } } }"))["data"]["cartCreate"]["cart"][
        "token"
    ]

    body = await gql(TRACK, {"events": await _view(product.id)}, **{"X-Cart-Token": token})

    assert body["data"]["trackEvents"]["accepted"] == 1
    identity = guests.identity_from_cart_token(token)
    assert token not in identity
    assert await BehaviourEvent.filter(anonymous_id=identity).count() == 1
    assert await BehaviourEvent.filter(anonymous_id=token).count() == 0
    # The stored digest is not accepted as an id either.
    _refused(await gql(FEED, {"id": identity}))
