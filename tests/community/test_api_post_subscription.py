"""`postCommentAdded` over a real WebSocket (graphql-transport-ws) against a served shop:
a published comment made over HTTP arrives; a held one does not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api._served import served
from tests.events._live import SECRET, Shop, create_staff, socket

ADDED = """subscription($p: ID!) { postCommentAdded(postId: $p) {
  id body depth editedAt author { displayName } } }"""
EDIT = """mutation($id: ID!, $b: String!) { updateComment(id: $id, body: $b) {
  comment { id status } errors { code } } }"""
CREATE = """mutation($i: PostInput!) { createPost(input: $i) { post { id status }
  errors { code } } }"""
COMMENT = """mutation($p: ID!, $b: String!) { createComment(postId: $p, body: $b) {
  comment { id status } errors { code } } }"""
APPROVE = """mutation($id: ID!) { moderateContent(id: $id, action: APPROVE) {
  status errors { code } } }"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    path: Path = tmp_path_factory.mktemp("community") / "community.sqlite3"
    with served(
        path, SHOPGRAPH_SECRET_KEY=SECRET, SHOPGRAPH_COMMUNITY_PROFANITY_MODE="hold"
    ) as instance:
        import os

        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite://{path}",
            "REDIS_URL": "",
            "SHOPGRAPH_SECRET_KEY": SECRET,
        }
        create_staff(env)
        yield Shop(instance.url)
    assert "Traceback" not in instance.output, instance.output


async def test_a_new_published_comment_reaches_the_post_page_a_held_one_does_not(
    shop: Shop,
) -> None:
    # Given a post, and a guest on its page subscribed to new comments
    author, _ = await shop.customer()
    made = await shop.gql(CREATE, {"i": {"title": "Bath toys", "body": "Which?"}}, **author)
    post = made["createPost"]["post"]
    assert post["status"] == "PUBLISHED"
    async with socket(shop) as ws:
        assert (await ws.init())["type"] == "connection_ack"
        await ws.subscribe("1", ADDED, {"p": post["id"]})

        # When a member's comment is held (profanity, hold mode) and another is published
        commenter, _ = await shop.customer()
        held = await shop.gql(COMMENT, {"p": post["id"], "b": "these are shit"}, **commenter)
        assert held["createComment"]["comment"]["status"] == "HELD"
        fine = await shop.gql(COMMENT, {"p": post["id"], "b": "The ducks!"}, **commenter)
        assert fine["createComment"]["comment"]["status"] == "PUBLISHED"

        # Then the page receives the published one only (first)
        message = await ws.receive()
        assert message["type"] == "next" and message["id"] == "1", message
        comment = message["payload"]["data"]["postCommentAdded"]
        assert comment["id"] == fine["createComment"]["comment"]["id"]
        assert (comment["body"], comment["depth"]) == ("The ducks!", 0)
        assert set(comment["author"]) == {"displayName"}

        # And the held one once a moderator approves it
        held_id = held["createComment"]["comment"]["id"]
        approved = await shop.gql(APPROVE, {"id": held_id}, **await shop.staff())
        assert approved["moderateContent"] == {"status": "PUBLISHED", "errors": []}
        later = await ws.receive()
        assert later["payload"]["data"]["postCommentAdded"]["id"] == held_id

        # And an edit of a published comment arrives with its new words; an edit that
        # screening holds does not
        held_edit = await shop.gql(EDIT, {"id": held_id, "b": "shit, they sank"}, **commenter)
        assert held_edit["updateComment"]["comment"]["status"] == "HELD"
        fine_id = fine["createComment"]["comment"]["id"]
        edited = await shop.gql(EDIT, {"id": fine_id, "b": "The rubber ducks!"}, **commenter)
        assert edited["updateComment"]["comment"]["status"] == "PUBLISHED"
        again = (await ws.receive())["payload"]["data"]["postCommentAdded"]
    assert (again["id"], again["body"]) == (fine_id, "The rubber ducks!")
    assert again["editedAt"] is not None


async def test_a_held_post_cannot_be_followed_by_others(shop: Shop) -> None:
    author, _ = await shop.customer()
    made = await shop.gql(
        CREATE, {"i": {"title": "Deals", "body": "buy at https://spam.example"}}, **author
    )
    post = made["createPost"]["post"]
    assert post["status"] == "HELD"
    async with socket(shop) as ws:
        await ws.init()
        await ws.subscribe("1", ADDED, {"p": post["id"]})
        message = await ws.receive()
    assert message["type"] == "error" or message["payload"].get("errors"), message
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"
