"""Reviews over GraphQL: submitting with typed errors, the product page (summary, sorts,
photos first, the viewer's votes, merchant replies) and its SQL cost, privacy of reviewers,
held reviews seen only by their author and moderators (also through node(id:))."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry import relay

from models.catalog import Product
from models.community.reviews import Review
from services.community import reviews
from tests.community import _review_helpers as h
from tests.community._post_helpers import moderation_settings, moderator
from tests.factories import auth_headers, create_child_profile, create_user

pytestmark = pytest.mark.usefixtures("app")

SUBMIT = """
mutation($input: SubmitReviewInput!) {
  submitReview(input: $input) {
    review { id rating title status verifiedPurchase verifiedPurchaseBasis childAgeMonths
             author { displayName } isMine }
    errors { field code message }
  }
}"""
PAGE = """
query($id: ID!, $first: Int, $sort: ReviewSort, $photos: Boolean) {
  product(id: $id) {
    name
    rating { average count }
    ratingSummary { average count histogram }
    reviews(first: $first, sort: $sort, withPhotosFirst: $photos) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node {
        id rating title body photoUrls hasPhotos verifiedPurchase childAgeMonths
        helpfulCount unhelpfulCount myVote isMine
        author { displayName }
        merchantReply { body repliedAt }
      } }
    }
  }
}"""
VOTE = """mutation($id: ID!, $helpful: Boolean) { voteReview(id: $id, helpful: $helpful) {
  review { helpfulCount unhelpfulCount myVote } errors { code } } }"""
REPLY = """mutation($id: ID!, $body: String!) { replyToReview(id: $id, body: $body) {
  review { merchantReply { body } } errors { code } } }"""
UPDATE = """mutation($id: ID!, $input: UpdateReviewInput!) { updateReview(id: $id, input: $input) {
  review { rating body editCount editHistory(first: 5) { totalCount edges { node {
    rating body } } } } errors { field code } } }"""
DELETE = """mutation($id: ID!) { deleteReview(id: $id) { review { status } errors { code } } }"""
NODE = """query($id: ID!) { node(id: $id) { ... on Review { id status moderationReason } } }"""
MINE = """{ myReviews(first: 10) { totalCount edges { node { id status } } } }"""


def gid(type_name: str, pk: int) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


async def _page(gql: Any, product: Product, headers: dict[str, str] | None = None, **v: Any) -> Any:
    body = await gql(PAGE, {"id": gid("Product", product.id), **v}, **(headers or {}))
    assert "errors" not in body, body
    return body["data"]["product"]


async def test_submitting_a_verified_review_with_a_childs_age(gql: Any) -> None:
    product = await h.product()
    parent = await create_user()
    child = await create_child_profile(parent)
    order, line = await h.bought(parent, product)
    await h.shipped(order, line)

    with moderation_settings():
        body = await gql(
            SUBMIT,
            {
                "input": {
                    "productId": gid("Product", product.id),
                    "rating": 5,
                    "title": "Built to last",
                    "childId": gid("ChildProfile", child.id),
                }
            },
            **auth_headers(parent),
        )

    payload = body["data"]["submitReview"]
    assert payload["errors"] == []
    review = payload["review"]
    assert review["verifiedPurchase"] is True
    assert review["verifiedPurchaseBasis"] == "DELIVERED"
    assert review["childAgeMonths"] is not None
    assert review["author"] == {"displayName": "Test User"} and review["isMine"] is True


async def test_invalid_reviews_are_typed_errors(gql: Any) -> None:
    product = await h.product()
    user = await create_user()
    variables = {"input": {"productId": gid("Product", product.id), "rating": 0}}
    with moderation_settings():
        body = await gql(SUBMIT, variables, **auth_headers(user))
        again = await gql(
            SUBMIT,
            {"input": {"productId": gid("Product", product.id), "rating": 3}},
            **auth_headers(user),
        )
        twice = await gql(
            SUBMIT,
            {"input": {"productId": gid("Product", product.id), "rating": 4, "body": "b"}},
            **auth_headers(user),
        )
    assert body["data"]["submitReview"]["errors"][0]["code"] == "RATING_INVALID"
    assert again["data"]["submitReview"]["errors"] == []
    assert twice["data"]["submitReview"]["errors"][0]["code"] == "ALREADY_REVIEWED"


async def test_sorts_and_photos_first(gql: Any) -> None:
    product = await h.product()
    with moderation_settings(new_member_max_images=5):
        low = await reviews.submit_review(
            author_id=(await create_user()).id, product_id=product.id, rating=1, body="a"
        )
        high = await reviews.submit_review(
            author_id=(await create_user()).id,
            product_id=product.id,
            rating=5,
            body="b",
            photo_urls=["https://img.example/a.jpg"],
        )
        mid = await reviews.submit_review(
            author_id=(await create_user()).id, product_id=product.id, rating=3, body="c"
        )
    await reviews.vote_review(user_id=(await create_user()).id, review_id=mid.id, helpful=True)

    def ids(page: Any) -> list[str]:
        return [e["node"]["id"] for e in page["reviews"]["edges"]]

    order = {
        "HIGHEST_RATING": [high, mid, low],
        "LOWEST_RATING": [low, mid, high],
        "NEWEST": [mid, high, low],
        "MOST_HELPFUL": [mid, high, low],
    }
    for sort, expected in order.items():
        page = await _page(gql, product, sort=sort)
        assert ids(page) == [gid("Review", r.id) for r in expected], sort
    photos = await _page(gql, product, sort="LOWEST_RATING", photos=True)
    assert ids(photos) == [gid("Review", r.id) for r in (high, low, mid)]
    assert photos["ratingSummary"] == {"average": 3.0, "count": 3, "histogram": [1, 0, 1, 0, 1]}
    assert photos["rating"] == {"average": 3.0, "count": 3}


async def test_votes_replies_edits_and_deletion(gql: Any) -> None:
    product = await h.product()
    author, reader, staff = await create_user(), await create_user(), await moderator()
    review = await reviews.submit_review(
        author_id=author.id, product_id=product.id, rating=2, body="Wobbly wheels"
    )
    rid = gid("Review", review.id)

    voted = await gql(VOTE, {"id": rid, "helpful": True}, **auth_headers(reader))
    assert voted["data"]["voteReview"]["review"] == {
        "helpfulCount": 1,
        "unhelpfulCount": 0,
        "myVote": True,
    }
    changed = await gql(VOTE, {"id": rid, "helpful": False}, **auth_headers(reader))
    assert changed["data"]["voteReview"]["review"]["unhelpfulCount"] == 1
    refused = await gql(REPLY, {"id": rid, "body": "Sorry"}, **auth_headers(reader))
    assert "errors" in refused and refused["data"] is None
    replied = await gql(REPLY, {"id": rid, "body": "We sent new wheels."}, **auth_headers(staff))
    assert replied["data"]["replyToReview"]["review"]["merchantReply"] == {
        "body": "We sent new wheels."
    }
    with moderation_settings():
        edited = await gql(
            UPDATE,
            {"id": rid, "input": {"rating": 4, "body": "New wheels are fine"}},
            **auth_headers(author),
        )
    assert edited["data"]["updateReview"]["review"] == {
        "rating": 4,
        "body": "New wheels are fine",
        "editCount": 1,
        "editHistory": {
            "totalCount": 1,
            "edges": [{"node": {"rating": 2, "body": "Wobbly wheels"}}],
        },
    }
    # Its history is the author's (and moderators'): empty for another member.
    history = """query($id: ID!) { node(id: $id) { ... on Review {
      editHistory(first: 5) { totalCount edges { node { body } } } } } }"""
    seen = await gql(history, {"id": rid}, **auth_headers(reader))
    assert seen["data"]["node"]["editHistory"] == {"totalCount": 0, "edges": []}
    other = await gql(UPDATE, {"id": rid, "input": {"rating": 1}}, **auth_headers(reader))
    assert other["data"]["updateReview"]["errors"][0]["code"] == "NOT_AUTHOR"
    deleted = await gql(DELETE, {"id": rid}, **auth_headers(author))
    assert deleted["data"]["deleteReview"]["review"]["status"] == "REMOVED"
    page = await _page(gql, product)
    assert page["reviews"]["edges"] == [] and page["ratingSummary"]["count"] == 0


async def test_held_reviews_show_only_to_their_author_and_moderators(gql: Any) -> None:
    product = await h.product()
    author, stranger, staff = await create_user(), await create_user(), await moderator()
    with moderation_settings():
        held = await reviews.submit_review(
            author_id=author.id, product_id=product.id, rating=1, body="see https://x.example"
        )
    assert held.status == "held"
    rid = gid("Review", held.id)

    anonymous = await gql(NODE, {"id": rid})
    assert anonymous["data"]["node"] is None
    assert (await gql(NODE, {"id": rid}, **auth_headers(stranger)))["data"]["node"] is None
    own = await gql(NODE, {"id": rid}, **auth_headers(author))
    assert own["data"]["node"]["status"] == "HELD"
    assert (await gql(NODE, {"id": rid}, **auth_headers(staff)))["data"]["node"]["id"] == rid
    assert (await _page(gql, product))["reviews"]["edges"] == []
    mine = await _page(gql, product, auth_headers(author))
    assert [e["node"]["id"] for e in mine["reviews"]["edges"]] == [rid]
    listed = await gql(MINE, **auth_headers(author))
    assert listed["data"]["myReviews"]["totalCount"] == 1
    # ... while its rating counts like any other (moderation does not bend the summary)
    assert (await _page(gql, product))["ratingSummary"]["count"] == 1


async def test_a_reviewer_shows_no_email_or_user_id(gql: Any) -> None:
    fields = await gql('{ __type(name: "Review") { fields { name } } }')
    names = {f["name"] for f in fields["data"]["__type"]["fields"]}
    assert not names & {"email", "userId", "authorId", "user", "phone"}
    member = await gql('{ __type(name: "CommunityMember") { fields { name } } }')
    assert [f["name"] for f in member["data"]["__type"]["fields"]] == ["displayName"]

    product = await h.product()
    author = await create_user()
    await reviews.submit_review(author_id=author.id, product_id=product.id, rating=4)
    body = await gql(PAGE, {"id": gid("Product", product.id)})
    text = str(body)
    assert author.email not in text and gid("User", author.id) not in text


async def test_the_product_page_costs_the_same_sql_for_2_and_20_reviews(
    gql: Any, count_queries: Any
) -> None:
    viewer, staff = await create_user(), await create_user()
    counts = []
    for size in (2, 20):
        product = await h.product()
        with moderation_settings(new_member_max_images=5):
            for index in range(size):
                author = await create_user()
                review = await reviews.submit_review(
                    author_id=author.id,
                    product_id=product.id,
                    rating=1 + index % 5,
                    body=f"review {index}",
                    photo_urls=[f"https://img.example/{index}.jpg"],
                )
                if index % 2:
                    await reviews.vote_review(user_id=viewer.id, review_id=review.id, helpful=True)
                    await reviews.reply_review(
                        staff_id=staff.id, review_id=review.id, body="Thanks!"
                    )
        with count_queries() as counter:
            page = await _page(gql, product, auth_headers(viewer), first=size)
        edges = page["reviews"]["edges"]
        assert len(edges) == size
        assert sum(e["node"]["myVote"] is True for e in edges) == size // 2
        assert sum(e["node"]["merchantReply"] is not None for e in edges) == size // 2
        assert all(e["node"]["photoUrls"] and e["node"]["author"]["displayName"] for e in edges)
        counts.append(len(counter.statements))
    print(f"product page with reviews, SQL queries: 2 reviews {counts[0]}, 20 reviews {counts[1]}")
    assert counts[0] == counts[1]


async def test_review_ids_of_other_types_are_refused(gql: Any) -> None:
    user = await create_user()
    body = await gql(DELETE, {"id": gid("Product", 1)}, **auth_headers(user))
    assert body["data"]["deleteReview"]["errors"][0]["code"] == "INVALID_ID"
    assert await Review.filter(id=-1).count() == 0


async def test_the_edit_history_is_a_connection_oldest_first(gql: Any) -> None:
    product, author = await h.product(), await create_user()
    with moderation_settings():
        review = await reviews.submit_review(
            author_id=author.id, product_id=product.id, rating=1, body="first words"
        )
        for n, words in enumerate(("second words", "third words", "fourth words"), start=2):
            await reviews.edit_review(
                author_id=author.id, review_id=review.id, rating=n, body=words
            )
    history = """query($id: ID!, $after: String) { node(id: $id) { ... on Review {
      editHistory(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor }
        edges { node { rating body } } } } } }"""
    rid = gid("Review", review.id)
    first = (await gql(history, {"id": rid}, **auth_headers(author)))["data"]["node"]
    page = first["editHistory"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["rating"] for e in page["edges"]] == [1, 2]
    after = page["pageInfo"]["endCursor"]
    rest = await gql(history, {"id": rid, "after": after}, **auth_headers(author))
    page = rest["data"]["node"]["editHistory"]
    assert [e["node"]["body"] for e in page["edges"]] == ["third words"]
    assert page["pageInfo"]["hasNextPage"] is False
