"""Product Q&A over GraphQL: asking, answers by buyers and staff, acceptance by the asker,
votes, held answers for their author only, and the SQL cost of a product's Q&A."""

from __future__ import annotations

from typing import Any

import pytest

from services.community import questions
from tests.community import _review_helpers as h
from tests.community._post_helpers import moderation_settings, moderator
from tests.community.test_api_reviews import gid
from tests.factories import auth_headers, create_user

pytestmark = pytest.mark.usefixtures("app")

ASK = """mutation($id: ID!, $body: String!) { askQuestion(productId: $id, body: $body) {
  question { id body status isMine author { displayName } } errors { field code } } }"""
ANSWER = """mutation($id: ID!, $body: String!) { answerQuestion(questionId: $id, body: $body) {
  answer { id byStaff verifiedBuyer status } errors { code } } }"""
ACCEPT = """mutation($id: ID!) { acceptAnswer(id: $id) {
  question { acceptedAnswer { id accepted } } errors { code } } }"""
VOTE = """mutation($id: ID!, $helpful: Boolean) { voteAnswer(id: $id, helpful: $helpful) {
  answer { helpfulCount myVote } errors { code } } }"""
PAGE = """
query($id: ID!, $first: Int) {
  product(id: $id) {
    questions(first: $first) {
      totalCount
      edges { node {
        id body answerCount isMine author { displayName }
        acceptedAnswer { id }
        answers(first: 3) { totalCount edges { node {
          id body byStaff verifiedBuyer helpfulCount myVote accepted author { displayName }
        } } }
      } }
    }
  }
}"""


async def test_asking_answering_accepting_and_voting(gql: Any) -> None:
    product = await h.product()
    asker, buyer, staff, reader = (
        await create_user(),
        await create_user(),
        await moderator(),
        await create_user(),
    )
    order, line = await h.bought(buyer, product)
    await h.shipped(order, line)

    with moderation_settings():
        asked = await gql(
            ASK,
            {"id": gid("Product", product.id), "body": "Is it loud?"},
            **auth_headers(asker),
        )
        qid = asked["data"]["askQuestion"]["question"]["id"]
        by_buyer = await gql(ANSWER, {"id": qid, "body": "Quiet enough."}, **auth_headers(buyer))
        by_staff = await gql(ANSWER, {"id": qid, "body": "About 60 dB."}, **auth_headers(staff))
        empty = await gql(ANSWER, {"id": qid, "body": "  "}, **auth_headers(reader))

    buyer_answer = by_buyer["data"]["answerQuestion"]["answer"]
    assert (buyer_answer["verifiedBuyer"], buyer_answer["byStaff"]) == (True, False)
    assert by_staff["data"]["answerQuestion"]["answer"]["byStaff"] is True
    assert empty["data"]["answerQuestion"]["errors"][0]["code"] == "BODY_REQUIRED"

    refused = await gql(ACCEPT, {"id": buyer_answer["id"]}, **auth_headers(reader))
    assert refused["data"]["acceptAnswer"]["errors"][0]["code"] == "NOT_AUTHOR"
    accepted = await gql(ACCEPT, {"id": buyer_answer["id"]}, **auth_headers(asker))
    assert accepted["data"]["acceptAnswer"]["question"]["acceptedAnswer"] == {
        "id": buyer_answer["id"],
        "accepted": True,
    }
    voted = await gql(VOTE, {"id": buyer_answer["id"], "helpful": True}, **auth_headers(reader))
    assert voted["data"]["voteAnswer"]["answer"] == {"helpfulCount": 1, "myVote": True}

    page = await gql(PAGE, {"id": gid("Product", product.id)}, **auth_headers(reader))
    (question,) = [e["node"] for e in page["data"]["product"]["questions"]["edges"]]
    assert question["answerCount"] == 2 and question["isMine"] is False
    answers = [e["node"] for e in question["answers"]["edges"]]
    assert answers[0]["id"] == buyer_answer["id"] and answers[0]["myVote"] is True


async def test_a_held_answer_is_seen_by_its_author_only(gql: Any) -> None:
    product = await h.product()
    asker, linker = await create_user(), await create_user()
    with moderation_settings():
        question = await questions.ask_question(
            author_id=asker.id, product_id=product.id, body="Spare parts anywhere?"
        )
        held = await questions.answer_question(
            author_id=linker.id, question_id=question.id, body="https://spam.example"
        )
    node = """query($id: ID!) { node(id: $id) { ... on Answer { id status } } }"""
    aid = gid("Answer", held.id)
    assert (await gql(node, {"id": aid}, **auth_headers(asker)))["data"]["node"] is None
    assert (await gql(node, {"id": aid}, **auth_headers(linker)))["data"]["node"]["status"] == (
        "HELD"
    )


async def test_a_products_qa_costs_the_same_sql_for_2_and_10_questions(
    gql: Any, count_queries: Any
) -> None:
    viewer = await create_user()
    counts = []
    for size in (2, 10):
        product = await h.product()
        with moderation_settings():
            for index in range(size):
                question = await questions.ask_question(
                    author_id=(await create_user()).id,
                    product_id=product.id,
                    body=f"question {index}",
                )
                for n in range(2):
                    answer = await questions.answer_question(
                        author_id=(await create_user()).id,
                        question_id=question.id,
                        body=f"answer {index}.{n}",
                    )
                await questions.vote_answer(user_id=viewer.id, answer_id=answer.id, helpful=True)
        with count_queries() as counter:
            body = await gql(
                PAGE, {"id": gid("Product", product.id), "first": size}, **auth_headers(viewer)
            )
        edges = body["data"]["product"]["questions"]["edges"]
        assert len(edges) == size and all(len(e["node"]["answers"]["edges"]) == 2 for e in edges)
        counts.append(len(counter.statements))
    print(f"product Q&A SQL queries: 2 questions {counts[0]}, 10 questions {counts[1]}")
    assert counts[0] == counts[1]
