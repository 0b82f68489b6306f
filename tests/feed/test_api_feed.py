"""feed(section:): personal picks with reasons, cold start, real-time fold-in, rules, cost."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from strawberry.relay import to_base64

from models.accounts import User
from models.analytics import BehaviourEvent, EventKind
from models.catalog import Category
from models.orders import Order, OrderLine, OrderStatus
from services.feed import rules
from services.feed.registry import registry
from tests.factories import auth_headers, create_child_profile, create_user, unique
from tests.feed._helpers import FEED, feed, gid, neighbours, nodes, pk, track_views
from tests.feed.conftest import FeedWorld

PERSONAL = {"VIEWED_SIMILAR", "BOUGHT_SIMILAR"}


async def test_a_new_user_gets_popular_products_without_personal_reasons(
    gql: Any, feed_world: FeedWorld
) -> None:
    user = await create_user()
    items = nodes(await feed(gql, "FOR_YOU", auth_headers(user), first=10))
    assert len(items) == 10
    assert not {item["reason"]["kind"] for item in items} & PERSONAL
    # The most viewed background product comes before the rarely viewed ones.
    shown = [pk(item["product"]["id"]) for item in items]
    assert feed_world.popular[0] in shown
    assert all(item["reason"]["sourceProduct"] is None for item in items)


async def test_a_guest_with_one_view_sees_that_products_neighbours_first(
    gql: Any, feed_world: FeedWorld
) -> None:
    guest = {"X-Cart-Token": unique("guest")}
    await track_views(gql, [feed_world.anchor], guest)
    items = nodes(await feed(gql, "FOR_YOU", guest, first=10))
    top = items[0]
    assert pk(top["product"]["id"]) in await neighbours(feed_world.anchor)
    assert top["reason"]["kind"] == "VIEWED_SIMILAR"
    assert pk(top["reason"]["sourceProduct"]["id"]) == feed_world.anchor
    # The viewed product itself is not recommended back.
    assert feed_world.anchor not in {pk(item["product"]["id"]) for item in items}


async def test_because_you_viewed_names_a_product_the_user_viewed(
    gql: Any, feed_world: FeedWorld
) -> None:
    user = await create_user()
    viewed = [feed_world.anchor, feed_world.cluster[0]]
    await track_views(gql, viewed, auth_headers(user))
    items = nodes(await feed(gql, "FOR_YOU", auth_headers(user), first=20))
    explained = [item for item in items if item["reason"]["kind"] == "VIEWED_SIMILAR"]
    assert len(explained) >= 3
    for item in explained:
        source = item["reason"]["sourceProduct"]
        assert pk(source["id"]) in viewed
        assert item["reason"]["text"] == f"Because you viewed {source['name']}"


async def test_the_next_feed_reflects_views_tracked_a_moment_ago(
    gql: Any, feed_world: FeedWorld
) -> None:
    """No retraining: the session's events are folded in at request time (and the cache drops)."""
    user = await create_user()
    headers = auth_headers(user)
    before = nodes(await feed(gql, "FOR_YOU", headers, first=10))
    assert not {item["reason"]["kind"] for item in before} & PERSONAL
    version = (await registry.current()).version  # type: ignore[union-attr]

    await track_views(gql, [feed_world.cluster[0]], headers)

    after = nodes(await feed(gql, "FOR_YOU", headers, first=10))
    assert (await registry.current()).version == version  # type: ignore[union-attr]
    similar_items = await neighbours(feed_world.cluster[0])
    top = after[0]
    assert pk(top["product"]["id"]) in similar_items
    assert top["reason"]["kind"] == "VIEWED_SIMILAR"
    assert pk(top["reason"]["sourceProduct"]["id"]) == feed_world.cluster[0]


async def test_no_more_than_two_products_of_one_category_in_a_row(
    gql: Any, feed_world: FeedWorld
) -> None:
    guest = {"X-Cart-Token": unique("guest")}
    await track_views(gql, feed_world.cluster[:2], guest)
    items = nodes(await feed(gql, "FOR_YOU", guest, first=40))
    categories = [
        item["product"]["category"]["id"] if item["product"]["category"] else None for item in items
    ]
    cluster = to_base64("Category", feed_world.cluster_category)
    assert categories.count(cluster) >= 4  # the model wants many of them near the top...
    for i in range(len(categories) - 2):
        run = categories[i : i + 3]
        assert not (run[0] == run[1] == run[2]), f"three of {run[0]} at {i}: {categories}"


async def test_a_user_without_personalization_consent_gets_a_non_personal_feed(
    gql: Any, feed_world: FeedWorld
) -> None:
    user = await create_user(personalization=False)
    headers = auth_headers(user)
    await track_views(gql, [feed_world.anchor, *feed_world.cluster[:3]], headers)
    items = nodes(await feed(gql, "FOR_YOU", headers, first=30))
    assert items
    assert {item["reason"]["kind"] for item in items} == {"POPULAR"}
    assert all(item["reason"]["sourceProduct"] is None for item in items)
    # Their FOR_YOU is the same as anyone's popular list: nothing of theirs shaped it.
    other = await create_user(personalization=False)
    same = nodes(await feed(gql, "FOR_YOU", auth_headers(other), first=30))
    assert [i["product"]["id"] for i in items] == [i["product"]["id"] for i in same]


async def test_only_active_in_stock_products_are_shown(gql: Any, feed_world: FeedWorld) -> None:
    guest = {"X-Cart-Token": unique("guest")}
    await track_views(gql, [feed_world.anchor], guest)
    for section in ("FOR_YOU", "TRENDING", "NEW_ARRIVALS"):
        result = await feed(gql, section, guest, first=100)
        for item in nodes(result):
            assert item["product"]["status"] == "ACTIVE"
            assert item["product"]["inStock"] is True


async def test_similar_and_bought_together_name_their_product(
    gql: Any, feed_world: FeedWorld
) -> None:
    similar = nodes(await feed(gql, "SIMILAR", productId=gid(feed_world.anchor), first=5))
    assert similar
    for item in similar:
        assert item["reason"]["kind"] == "SIMILAR"
        assert pk(item["reason"]["sourceProduct"]["id"]) == feed_world.anchor
        assert item["reason"]["text"].startswith("Similar to ")
    together = nodes(await feed(gql, "BOUGHT_TOGETHER", productId=gid(feed_world.anchor), first=5))
    assert pk(together[0]["product"]["id"]) == feed_world.together
    assert together[0]["reason"]["kind"] == "BOUGHT_TOGETHER"
    assert together[0]["reason"]["text"].startswith("Often bought with ")


async def test_trending_and_new_arrivals(gql: Any, feed_world: FeedWorld) -> None:
    trending = nodes(await feed(gql, "TRENDING", first=10))
    assert trending and {item["reason"]["kind"] for item in trending} == {"TRENDING"}
    new = nodes(await feed(gql, "NEW_ARRIVALS", first=10))
    assert {item["reason"]["kind"] for item in new} == {"NEW_ARRIVAL"}


async def test_pages_follow_each_other(gql: Any, feed_world: FeedWorld) -> None:
    guest = {"X-Cart-Token": unique("guest")}
    first = await feed(gql, "FOR_YOU", guest, first=5)
    second = await feed(gql, "FOR_YOU", guest, first=5, after=first["pageInfo"]["endCursor"])
    both = await feed(gql, "FOR_YOU", guest, first=10)
    ids = [i["product"]["id"] for i in nodes(first) + nodes(second)]
    assert ids == [i["product"]["id"] for i in nodes(both)]
    assert first["totalCount"] == both["totalCount"] > 10


def _age_in(months: int, item: dict[str, Any]) -> bool:
    low, high = item["product"]["ageRange"]["minMonths"], item["product"]["ageRange"]["maxMonths"]
    return (low is None or low <= months) and (high is None or months <= high)


async def test_for_child_shows_only_age_appropriate_products(
    gql: Any, feed_world: FeedWorld
) -> None:
    user = await create_user()
    today = date.today()
    for years in (1, 4, 10):
        child = await create_child_profile(
            user, birth_month=f"{today.year - years}-{today.month:02d}"
        )
        result = await feed(
            gql,
            "FOR_CHILD",
            auth_headers(user),
            childProfileId=to_base64("ChildProfile", child.id),
            first=50,
        )
        items = nodes(result)
        assert items, f"nothing for a {years}-year-old"
        assert all(_age_in(years * 12, item) for item in items)
        expected = f"{years * 12}-month-olds" if years < 2 else f"{years}-year-olds"
        texts = {
            item["reason"]["text"] for item in items if item["reason"]["kind"] == "FOR_CHILD_AGE"
        }
        assert texts == {f"Popular for {expected}"}


async def test_for_child_needs_the_callers_own_child(gql: Any, feed_world: FeedWorld) -> None:
    owner, stranger = await create_user(), await create_user()
    child = await create_child_profile(owner)
    variables = {"section": "FOR_CHILD", "childProfileId": to_base64("ChildProfile", child.id)}
    body = await gql(FEED, variables, **auth_headers(stranger))
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "child profile" in body["errors"][0]["message"]
    guest = await gql(FEED, variables)
    assert guest["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_missing_or_misplaced_arguments_are_clear_errors(
    gql: Any, feed_world: FeedWorld
) -> None:
    cases = [
        ({"section": "SIMILAR"}, "productId"),
        ({"section": "BOUGHT_TOGETHER"}, "productId"),
        ({"section": "SIMILAR", "productId": to_base64("Category", 1)}, "productId"),
        ({"section": "SIMILAR", "productId": gid(2_000_000_000)}, "productId"),
        ({"section": "FOR_CHILD"}, "childProfileId"),
        ({"section": "FOR_YOU", "productId": gid(feed_world.anchor)}, "productId"),
        ({"section": "FOR_YOU", "first": 101}, "first"),
        ({"section": "FOR_YOU", "after": "nonsense"}, "after"),
    ]
    for variables, argument in cases:
        body = await gql(FEED, variables)
        assert body.get("data") is None, variables
        error = body["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (variables, error)
        assert error["extensions"]["argument"] == argument, (variables, error)


async def test_a_page_costs_the_same_queries_whatever_its_size(
    gql: Any, feed_world: FeedWorld, count_queries: Any
) -> None:
    async def cost(first: int) -> tuple[int, int]:
        user = await create_user()
        await BehaviourEvent.create(
            user_id=user.id,
            kind=EventKind.VIEW,
            product_id=feed_world.anchor,
            occurred_at=datetime.now(UTC),
        )
        headers = auth_headers(user)
        with count_queries() as cold:
            result = await feed(gql, "FOR_YOU", headers, first=first)
        assert len(result["edges"]) == first
        with count_queries() as warm:
            await feed(gql, "FOR_YOU", headers, first=first)
        return len(cold.statements), len(warm.statements)

    small, large = await cost(5), await cost(20)
    assert small == large, f"first:5 cost {small}, first:20 cost {large}"
    cold, warm = large
    # user, recent events, not-interested, bought recently, listable products, then the page's
    # products, their variants (inStock) and categories: one batched query each.
    assert cold <= 8, cold
    assert warm <= 4, warm  # the ranking comes from the cache: user and the page's products


async def test_products_bought_lately_are_left_out_unless_consumable(
    gql: Any, feed_world: FeedWorld, monkeypatch: Any
) -> None:
    owned, refill = feed_world.partners[0], feed_world.partners[1]
    anyone = nodes(await feed(gql, "SIMILAR", productId=gid(feed_world.anchor), first=100))
    assert {owned, refill} <= {pk(item["product"]["id"]) for item in anyone}
    refill_category = await Category.get(products__id=refill)
    monkeypatch.setattr(rules, "CONSUMABLE_CATEGORY_SLUGS", frozenset({refill_category.slug}))
    user = await create_user()
    await buy(user, [owned, refill])

    mine = nodes(
        await feed(gql, "SIMILAR", auth_headers(user), productId=gid(feed_world.anchor), first=100)
    )
    shown = {pk(item["product"]["id"]) for item in mine}
    assert owned not in shown
    assert refill in shown


async def buy(user: User, product_ids: list[int]) -> None:
    now = datetime.now(UTC) - timedelta(days=30)
    order = await Order.create(
        number=unique("F").upper()[:32],
        user=user,
        email=user.email,
        status=OrderStatus.DELIVERED,
        subtotal=Decimal("10.00"),
        total=Decimal("10.00"),
        placed_at=now,
        paid_at=now,
    )
    for product_id in product_ids:
        await OrderLine.create(
            order=order,
            product_id=product_id,
            product_name="Bought toy",
            sku="SKU",
            quantity=1,
            unit_price=Decimal("5.00"),
            total=Decimal("5.00"),
        )


async def test_without_a_model_feeds_come_from_the_catalog(
    gql: Any, feed_world: FeedWorld, fresh_registry: Any
) -> None:
    guest = {"X-Cart-Token": unique("guest")}
    await track_views(gql, [feed_world.anchor], guest)
    for_you = nodes(await feed(gql, "FOR_YOU", guest, first=10))
    assert len(for_you) == 10
    assert {item["reason"]["kind"] for item in for_you} == {"POPULAR"}
    similar = nodes(await feed(gql, "SIMILAR", productId=gid(feed_world.cluster[0]), first=10))
    assert {pk(item["product"]["id"]) for item in similar} <= set(feed_world.cluster[1:])
    assert len(similar) == len(feed_world.cluster) - 1
