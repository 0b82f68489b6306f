"""Query texts and helpers shared by the feed API tests."""

from __future__ import annotations

from typing import Any

from strawberry.relay import from_base64, to_base64

from services.feed.registry import registry

FEED = """
query Feed($section: FeedSection!, $productId: ID, $childProfileId: ID, $first: Int,
           $after: String, $anonymousId: String) {
  feed(section: $section, productId: $productId, childProfileId: $childProfileId,
       first: $first, after: $after, anonymousId: $anonymousId) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      score
      product { id name status inStock ageRange { minMonths maxMonths } category { id } }
      reason { kind text sourceProduct { id name } }
    } }
  }
}
"""

TRACK = """
mutation Track($events: [TrackEventInput!]!, $anonymousId: String) {
  trackEvents(events: $events, anonymousId: $anonymousId) { accepted errors { code } }
}
"""


def gid(product_id: int) -> str:
    return to_base64("Product", product_id)


def pk(global_id: str) -> int:
    return int(from_base64(global_id)[1])


async def feed(
    gql: Any, section: str, headers: dict[str, str] | None = None, **variables: Any
) -> dict[str, Any]:
    body = await gql(FEED, {"section": section, **variables}, **(headers or {}))
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["feed"]
    return result


def nodes(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in result["edges"]]


async def track_views(gql: Any, product_ids: list[int], headers: dict[str, str]) -> None:
    events = [{"kind": "VIEW", "productId": gid(pid)} for pid in product_ids]
    body = await gql(TRACK, {"events": events}, **headers)
    assert body["data"]["trackEvents"] == {"accepted": len(events), "errors": []}, body


async def neighbours(product_id: int, k: int = 20) -> set[int]:
    served = await registry.current()
    assert served is not None
    return {int(rec.item) for rec in served.model.similar(product_id, k=k)}  # type: ignore[call-overload]
