"""Community content of a product that is no longer published (draft or archived) is read by
no shopper, its authors included: not by node(id:), not in myReviews, not in any list, and
nobody votes on, answers or edits it; a post's unpublished linked products are left out.
Staff who may read the product by ID, and moderators, still read its content by ID."""

from __future__ import annotations

from typing import Any

import pytest

from models.accounts import Permission, User
from models.catalog import Product, ProductStatus
from services.community import questions, reviews
from services.community.posts.writing import create_post
from tests.community import _review_helpers as h
from tests.community._post_helpers import member, moderation_settings, moderator
from tests.community.test_api_reviews import gid
from tests.factories import auth_headers, create_user

pytestmark = pytest.mark.usefixtures("app")

NODES = """query($ids: [ID!]!) { nodes(ids: $ids) {
  ... on Review { id body } ... on Question { id body } ... on Answer { id body } } }"""
MINE = """{ myReviews(first: 10) { totalCount edges { node { id } } } }"""
VOTE = """mutation($id: ID!) { voteReview(id: $id, helpful: true) {
  review { id body } errors { code } } }"""
ANSWER = """mutation($id: ID!) { answerQuestion(questionId: $id, body: "Later?") {
  answer { id } errors { code } } }"""
VOTE_ANSWER = """mutation($id: ID!) { voteAnswer(id: $id, helpful: true) {
  answer { id body } errors { code } } }"""
EDIT = """mutation($id: ID!) { updateReview(id: $id, input: {body: "Edited"}) {
  review { id body } errors { code } } }"""
DELETE_QUESTION = """mutation($id: ID!) { deleteQuestion(id: $id) {
  question { id body } errors { code } } }"""
DELETE_ANSWER = (
    """mutation($id: ID!) { deleteAnswer(id: $id) { answer { id body } errors { code } } }"""
)
POST = """query($id: ID!) { node(id: $id) { ... on Post { linkedProducts { id } } } }"""


async def _content(product: Product) -> tuple[Any, Any, Any, Any, Any]:
    author, asker, other = await create_user(), await create_user(), await create_user()
    with moderation_settings():
        review = await reviews.submit_review(
            author_id=author.id, product_id=product.id, rating=2, body="Too small"
        )
        question = await questions.ask_question(
            author_id=asker.id, product_id=product.id, body="Batteries included?"
        )
        answer = await questions.answer_question(
            author_id=author.id, question_id=question.id, body="No"
        )
    return author, other, review, question, answer


def _ids(review: Any, question: Any, answer: Any) -> list[str]:
    return [gid("Review", review.id), gid("Question", question.id), gid("Answer", answer.id)]


@pytest.mark.parametrize("status", [ProductStatus.DRAFT, ProductStatus.ARCHIVED])
async def test_content_of_an_unpublished_product_is_read_by_no_shopper(
    gql: Any, status: ProductStatus
) -> None:
    product = await h.product()
    author, other, review, question, answer = await _content(product)
    ids = _ids(review, question, answer)
    mine = await gql(MINE, **auth_headers(author))
    assert mine["data"]["myReviews"]["totalCount"] == 1
    seen = await gql(NODES, {"ids": ids}, **auth_headers(author))
    assert [node["id"] for node in seen["data"]["nodes"]] == ids

    await Product.filter(id=product.id).update(status=status)

    for headers in ({}, auth_headers(author), auth_headers(other)):
        assert (await gql(NODES, {"ids": ids}, **headers))["data"]["nodes"] == [None] * 3
    mine = await gql(MINE, **auth_headers(author))
    assert mine["data"]["myReviews"] == {"totalCount": 0, "edges": []}
    # Every way in that would return the content answers as if it did not exist.
    with moderation_settings():
        voted = await gql(VOTE, {"id": ids[0]}, **auth_headers(other))
        assert voted["data"]["voteReview"] == {"review": None, "errors": [{"code": "NOT_FOUND"}]}
        edited = await gql(EDIT, {"id": ids[0]}, **auth_headers(author))
        assert edited["data"]["updateReview"]["errors"] == [{"code": "NOT_FOUND"}]
        answered = await gql(ANSWER, {"id": ids[1]}, **auth_headers(other))
        assert answered["data"]["answerQuestion"]["errors"] == [{"code": "NOT_FOUND"}]
        voted = await gql(VOTE_ANSWER, {"id": ids[2]}, **auth_headers(other))
        assert voted["data"]["voteAnswer"]["errors"] == [{"code": "ANSWER_NOT_FOUND"}]
        gone = await gql(DELETE_ANSWER, {"id": ids[2]}, **auth_headers(author))
        assert gone["data"]["deleteAnswer"] == {
            "answer": None,
            "errors": [{"code": "ANSWER_NOT_FOUND"}],
        }
        asker = auth_headers(await User.get(id=question.author_id))
        gone = await gql(DELETE_QUESTION, {"id": ids[1]}, **asker)
        assert gone["data"]["deleteQuestion"]["errors"] == [{"code": "NOT_FOUND"}]

    # Published again, everything is back as it was.
    await Product.filter(id=product.id).update(status=ProductStatus.ACTIVE)
    seen = await gql(NODES, {"ids": ids}, **auth_headers(other))
    assert [node["id"] for node in seen["data"]["nodes"]] == ids
    assert (await gql(MINE, **auth_headers(author)))["data"]["myReviews"]["totalCount"] == 1


async def test_catalog_staff_and_moderators_still_read_it_by_id(gql: Any) -> None:
    product = await h.product()
    _, _, review, question, answer = await _content(product)
    ids = _ids(review, question, answer)
    await Product.filter(id=product.id).update(status=ProductStatus.ARCHIVED)
    catalog_staff = await create_user(permissions=[Permission.MANAGE_PRODUCTS])
    for staff in (catalog_staff, await moderator()):
        seen = await gql(NODES, {"ids": ids}, **auth_headers(staff))
        assert [node["id"] for node in seen["data"]["nodes"]] == ids


async def test_lists_of_an_unpublished_product_are_empty_whoever_reaches_it(gql: Any) -> None:
    """Product.reviews and Product.questions check the product themselves, whatever led to
    it: catalog staff read the archived product by ID, and its lists show nothing."""
    product = await h.product()
    await _content(product)
    page = """query($id: ID!) { product(id: $id) {
      reviews(first: 5) { totalCount edges { node { id } } }
      questions(first: 5) { totalCount edges { node { id answers(first: 5) { totalCount } } } }
    } }"""
    catalog_staff = auth_headers(await create_user(permissions=[Permission.MANAGE_PRODUCTS]))
    shown = (await gql(page, {"id": gid("Product", product.id)}, **catalog_staff))["data"]
    assert shown["product"]["reviews"]["totalCount"] == 1
    assert shown["product"]["questions"]["edges"][0]["node"]["answers"]["totalCount"] == 1
    await Product.filter(id=product.id).update(status=ProductStatus.ARCHIVED)
    shown = (await gql(page, {"id": gid("Product", product.id)}, **catalog_staff))["data"]
    assert shown["product"]["reviews"] == {"totalCount": 0, "edges": []}
    assert shown["product"]["questions"] == {"totalCount": 0, "edges": []}
    assert (await gql(page, {"id": gid("Product", product.id)}))["data"]["product"] is None


async def test_a_posts_unpublished_linked_products_are_left_out_for_everyone(gql: Any) -> None:
    kept, dropped = await h.product(), await h.product()
    author = await member(approved=5)
    with moderation_settings():
        post = await create_post(
            author=author,
            title="Bath toys",
            body="Two we like.",
            product_ids=[kept.id, dropped.id],
        )
    post_id = gid("Post", post.id)
    both = [{"id": gid("Product", kept.id)}, {"id": gid("Product", dropped.id)}]
    assert (await gql(POST, {"id": post_id}))["data"]["node"]["linkedProducts"] == both

    await Product.filter(id=dropped.id).update(status=ProductStatus.ARCHIVED)
    catalog_staff = await create_user(permissions=[Permission.MANAGE_PRODUCTS])
    for headers in ({}, auth_headers(author), auth_headers(catalog_staff)):
        linked = (await gql(POST, {"id": post_id}, **headers))["data"]["node"]["linkedProducts"]
        assert linked == both[:1]
