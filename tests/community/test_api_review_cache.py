"""Anonymous product pages are cached by catalog version: every review or Q&A change that
alters what a shopper sees in substance (a reply, an answer, hiding) raises it, so a cached
page never shows those late. Votes do not: their counts may lag by the cache's TTL."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from models.community.moderation import ContentStatus, ModerationReason
from services.catalog import versioning
from services.community import questions, reviews
from services.community.moderation import targets
from services.transactions import transaction
from tests.community import _review_helpers as h
from tests.community.test_api_reviews import gid
from tests.factories import create_user

pytestmark = pytest.mark.usefixtures("app")

PAGE = """query($id: ID!) { product(id: $id) {
  reviews(first: 5) { edges { node { id helpfulCount merchantReply { body } } } }
  questions(first: 5) { edges { node { body answerCount } } } } }"""


async def _read(client: httpx.AsyncClient, product_id: int) -> Any:
    params = {"query": PAGE, "variables": json.dumps({"id": gid("Product", product_id)})}
    response = await client.get("/graphql", params=params)
    assert response.headers["cache-control"] == "public, max-age=10"
    return response.json()["data"]["product"]


async def test_cached_anonymous_pages_follow_replies_hiding_and_answers_not_votes(
    client: httpx.AsyncClient,
) -> None:
    product = await h.product()
    author, voter, staff = await create_user(), await create_user(), await create_user()
    review = await reviews.submit_review(
        author_id=author.id, product_id=product.id, rating=4, body="Nice"
    )
    question = await questions.ask_question(
        author_id=voter.id, product_id=product.id, body="Waterproof?"
    )
    assert (await _read(client, product.id))["reviews"]["edges"][0]["node"]["helpfulCount"] == 0

    version = await versioning.current()
    await reviews.vote_review(user_id=voter.id, review_id=review.id, helpful=True)
    # A vote leaves the catalog version (and so the cached page) alone ...
    assert await versioning.current() == version
    node = (await _read(client, product.id))["reviews"]["edges"][0]["node"]
    assert node["helpfulCount"] == 0

    # ... and shows with the next change that raises it.
    await reviews.reply_review(staff_id=staff.id, review_id=review.id, body="Thanks")
    assert await versioning.current() != version
    node = (await _read(client, product.id))["reviews"]["edges"][0]["node"]
    assert node["merchantReply"] == {"body": "Thanks"}
    assert node["helpfulCount"] == 1

    answer = await questions.answer_question(
        author_id=staff.id, question_id=question.id, body="Yes"
    )
    assert (await _read(client, product.id))["questions"]["edges"][0]["node"]["answerCount"] == 1
    version = await versioning.current()
    await questions.vote_answer(user_id=author.id, answer_id=answer.id, helpful=True)
    assert await versioning.current() == version
    await questions.accept_answer(actor_id=voter.id, answer_id=answer.id)
    assert await versioning.current() != version

    handler = targets.handler("review")
    assert handler is not None
    async with transaction():
        target = await handler.load(review.id, for_update=True)
        assert target is not None
        await handler.apply(target, ContentStatus.HIDDEN, reason=ModerationReason.HARASSMENT)
    assert (await _read(client, product.id))["reviews"]["edges"] == []
