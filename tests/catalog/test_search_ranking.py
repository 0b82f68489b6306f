"""Search, sort and suggestions give the same outcome on SQLite and PostgreSQL.

The suite runs on both databases, so every expectation here is written once and must hold
on whichever one runs it.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from strawberry.relay import to_base64
from tortoise.expressions import Q

from models.catalog import Brand, Product, ProductStatus, Tag
from services.catalog import search
from tests.factories import create_category, create_product, unique

SEARCH = """
query Search($q: String!) {
  products(search: $q, first: 100) { totalCount edges { node { id name } } }
}
"""
SUGGEST = """
query Suggest($prefix: String!) {
  searchSuggestions(prefix: $prefix, first: 8) { text kind score }
}
"""
RATED = """
query Rated($slug: String!, $id: ID!) {
  products(first: 100, sort: RATING, filter: {categorySlugs: [$slug]}) {
    edges { node { name } }
  }
  node(id: $id) {
    ... on Category { products(first: 100, sort: RATING) { edges { node { name } } } }
  }
}
"""

pytestmark = pytest.mark.usefixtures("demo_store")


async def _search(gql: Any, q: str) -> list[tuple[int, str]]:
    body = await gql(SEARCH, {"q": q})
    assert "errors" not in body, body
    edges = body["data"]["products"]["edges"]
    return [(int(_pk(edge["node"]["id"])), edge["node"]["name"]) for edge in edges]


def _pk(gid: str) -> str:
    from strawberry.relay import from_base64

    return from_base64(gid)[1]


async def _listed_with(word: str) -> set[int]:
    """Published, listed products whose name or search document holds `word`."""
    rows = await Product.filter(
        Q(name__icontains=word) | Q(search_document__icontains=word),
        status=ProductStatus.ACTIVE,
        price_min__isnull=False,
    ).values_list("id", flat=True)
    return {int(pk) for pk in rows}  # type: ignore[call-overload]


@pytest.fixture
async def domino_and_dinosaurs(app: Any) -> tuple[Product, Product]:
    """A "Domino Run" beside a dinosaur toy: "dino" is a prefix of one, a typo of the other."""
    domino = await create_product(name=f"Domino Run {unique('set')}")
    dinosaur = await create_product(name=f"Dinosaur Dig Kit {unique('set')}")
    return domino, dinosaur


# (what is typed, the word every result holds, the word the first result's name holds)
QUERIES = [
    ("dino", "dinosaur", "dinosaur"),
    ("dinosuar", "dinosaur", "dinosaur"),
    ("lego technic", "lego technic", "lego technic"),
    ("lego tecnic", "lego technic", "lego technic"),
    ("tecnic", "technic", "technic"),
    ("puzzle", "puzzle", "puzzle"),
    ("puzzlewrigt", "puzzlewright", "puzzlewright"),
    ("brikwell", "brickwell", "brickwell"),
]


@pytest.mark.parametrize(("typed", "held", "first_holds"), QUERIES)
async def test_the_same_queries_find_the_same_products_on_either_database(
    gql: Any, domino_and_dinosaurs: tuple[Product, Product], typed: str, held: str, first_holds: str
) -> None:
    found = await _search(gql, typed)
    assert found, f"{typed!r} found nothing"
    assert {pk for pk, _ in found} == await _listed_with(held), typed
    assert first_holds in found[0][1].lower(), (typed, found[:3])


async def test_a_prefix_is_not_widened_to_its_typo_neighbours(
    gql: Any, domino_and_dinosaurs: tuple[Product, Product]
) -> None:
    domino, dinosaur = domino_and_dinosaurs
    found = [pk for pk, _ in await _search(gql, "dino")]
    assert dinosaur.id in found
    assert domino.id not in found
    # "domino" itself still finds it, and a typo of it too.
    assert domino.id in [pk for pk, _ in await _search(gql, "domino")]
    assert domino.id in [pk for pk, _ in await _search(gql, "dommino")]


async def test_typo_tolerance_works_on_a_host_that_booted_a_moment_ago(
    gql: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # time.monotonic() counts from boot on Linux: a few seconds on a fresh machine.
    monkeypatch.setattr(search.time, "monotonic", lambda: 5.0)
    search.invalidate_vocabulary()
    found = await _search(gql, "lego tecnic")
    assert found, "a fresh host lost typo tolerance"
    assert "lego technic" in found[0][1].lower()


async def test_typo_neighbours_are_worked_out_once_per_word(app: Any) -> None:
    search.invalidate_vocabulary()
    await search.search_products("tecnic")
    vocabulary = await search._load_vocabulary()
    before = vocabulary.close_terms.cache_info()
    await search.search_products("tecnic")
    await search.search_products("lego tecnic")
    after = vocabulary.close_terms.cache_info()
    assert after.hits == before.hits + 2
    assert after.misses == before.misses
    assert after.maxsize == search.CLOSE_TERMS_CACHE


async def test_rating_sort_puts_unrated_products_last(gql: Any) -> None:
    category = await create_category()
    ratings = [None, Decimal("3.50"), None, Decimal("4.80"), Decimal("3.50")]
    names = []
    for index, rating in enumerate(ratings):
        product = await create_product(
            name=f"Rated {index} {uuid.uuid4().hex[:6]}", category=category
        )
        await Product.filter(id=product.id).update(
            rating_average=rating, rating_count=index if rating is not None else 0
        )
        names.append(product.name)
    body = await gql(RATED, {"slug": category.slug, "id": to_base64("Category", category.id)})
    assert "errors" not in body, body
    # Best first; equal averages by more ratings; unrated last, oldest first.
    expected = [names[3], names[4], names[1], names[0], names[2]]
    for connection in (body["data"]["products"], body["data"]["node"]["products"]):
        assert [edge["node"]["name"] for edge in connection["edges"]] == expected


async def test_suggestions_find_the_best_match_among_many_weaker_candidates(gql: Any) -> None:
    word = "sug" + uuid.uuid4().hex[:8]
    # More than any cut of candidates: weaker matches (a later word starts with the prefix)
    # that sort before the best ones by name.
    for index in range(60):
        await Brand.create(slug=unique("brand"), name=f"A {word} brand {index:02d}")
        await Tag.create(slug=unique("tag"), name=f"A {word} tag {index:02d}")
        category = await create_category()
        category.name = f"A {word} category {index:02d}"
        await category.save(update_fields=["name"])
    best_brand = await Brand.create(slug=unique("brand"), name=f"{word} Toys")
    best_tag = await Tag.create(slug=unique("tag"), name=f"{word} picks")
    best_category = await create_category()
    best_category.name = f"{word} corner"
    await best_category.save(update_fields=["name"])
    await create_product(category=best_category, brand=best_brand, tag=best_tag)
    # A draft adds nothing to a name's popularity.
    await create_product(status=ProductStatus.DRAFT, brand=best_brand, tag=best_tag)

    body = await gql(SUGGEST, {"prefix": word})
    assert "errors" not in body, body
    suggestions = body["data"]["searchSuggestions"]
    top = {(s["kind"], s["text"]): s["score"] for s in suggestions[:3]}
    assert set(top) == {
        ("BRAND", best_brand.name),
        ("TAG", best_tag.name),
        ("CATEGORY", best_category.name),
    }
    # 10 per point of match (whole-name prefix: 2) plus log(1 + published products) * weight.
    assert top[("BRAND", best_brand.name)] == pytest.approx(20 + 0.6931 * 1.2, abs=1e-3)
    assert top[("TAG", best_tag.name)] == pytest.approx(20 + 0.6931 * 1.0, abs=1e-3)
    assert [s["score"] for s in suggestions] == sorted(
        (s["score"] for s in suggestions), reverse=True
    )
    assert len(suggestions) == 8
