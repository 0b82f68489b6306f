"""Posts over GraphQL: writing, the feed by topic, threaded comments, likes, who sees held
posts (also through node(id:)), and the SQL cost of a posts page."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry import relay

from models.catalog import ProductStatus
from models.community.posts import Post
from tests.community._post_helpers import member, moderation_settings, moderator
from tests.factories import auth_headers, create_product, unique

pytestmark = pytest.mark.usefixtures("app")

CREATE = """
mutation($input: PostInput!) {
  createPost(input: $input) {
    post { id title body status tags childAge { minMonths maxMonths } author { displayName }
           linkedProducts { id } moderation { heldFor reason fixable } }
    errors { field code message }
  }
}"""
COMMENT = """
mutation($postId: ID!, $parentId: ID, $body: String!) {
  createComment(postId: $postId, parentId: $parentId, body: $body) {
    comment { id depth status } errors { field code }
  }
}"""
LIKE = """mutation($id: ID!) { likePost(postId: $id) {
  post { likeCount viewerHasLiked } errors { code } } }"""
FEED = """
query($topic: String, $sort: PostSort, $first: Int) {
  communityPosts(topic: $topic, sort: $sort, first: $first) {
    totalCount
    edges { node {
      id title tags likeCount commentCount viewerHasLiked
      author { displayName }
      linkedProducts { id name }
      comments(first: 2) { totalCount edges { node { id body author { displayName }
        replies(first: 2) { edges { node { id body } } } } } }
    } }
  }
}"""
NODE = """query($id: ID!) { node(id: $id) { ... on Post { id status moderation { heldFor } } } }"""


async def _create(gql: Any, user: Any, **fields: Any) -> dict[str, Any]:
    base = {"title": "Wooden blocks", "body": "Our two year old loves them."}
    with moderation_settings():
        body = await gql(CREATE, {"input": base | fields}, **auth_headers(user))
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["createPost"]
    return payload


async def test_a_post_with_tags_products_and_an_age_range(gql: Any) -> None:
    author = await member(approved=5)
    product = await create_product()
    hidden = await create_product(status=ProductStatus.DRAFT)

    def gid(p: Any) -> str:
        return relay.to_base64("Product", p.id)

    made = await _create(
        gql,
        author,
        tags=["Toddlers", "wooden toys"],
        productIds=[gid(product)],
        childAgeMinMonths=18,
        childAgeMaxMonths=36,
    )
    assert made["errors"] == []
    post = made["post"]
    assert post["status"] == "PUBLISHED" and post["tags"] == ["toddlers", "wooden-toys"]
    assert post["childAge"] == {"minMonths": 18, "maxMonths": 36}
    assert post["author"] == {"displayName": "Test User"}
    assert post["linkedProducts"] == [{"id": gid(product)}]
    assert post["moderation"] == {"heldFor": [], "reason": None, "fixable": False}
    refused = await _create(gql, author, title="Draft product", productIds=[gid(hidden)])
    assert [e["code"] for e in refused["errors"]] == ["PRODUCT_NOT_FOUND"]
    bad_age = await _create(gql, author, title="Ages", childAgeMinMonths=40, childAgeMaxMonths=3)
    assert [e["code"] for e in bad_age["errors"]] == ["AGE_RANGE_INVALID"]


async def test_held_posts_are_seen_only_by_their_author_and_moderators(gql: Any) -> None:
    newcomer = await member()
    made = await _create(gql, newcomer, title="Sale", body="cheap at https://spam.example")
    post = made["post"]
    assert post["status"] == "HELD"
    assert post["moderation"]["heldFor"] == ["too_many_links"]
    stranger, staff = await member(), await moderator()
    assert (await gql(NODE, {"id": post["id"]}))["data"]["node"] is None
    assert (await gql(NODE, {"id": post["id"]}, **auth_headers(stranger)))["data"]["node"] is None
    own = (await gql(NODE, {"id": post["id"]}, **auth_headers(newcomer)))["data"]["node"]
    assert own["status"] == "HELD"
    seen = (await gql(NODE, {"id": post["id"]}, **auth_headers(staff)))["data"]["node"]
    assert seen["moderation"] == {"heldFor": ["too_many_links"]}
    topic = unique("held").lower()
    await _create(gql, newcomer, title="Sale again", body="at https://x.example", tags=[topic])
    feed = await gql(FEED, {"topic": topic}, **auth_headers(stranger))
    assert feed["data"]["communityPosts"]["totalCount"] == 0


async def test_others_cannot_edit_or_delete_a_post(gql: Any) -> None:
    author, other = await member(approved=5), await member(approved=5)
    post = (await _create(gql, author))["post"]
    update = """mutation($id: ID!, $input: PostInput!) { updatePost(id: $id, input: $input) {
      post { title } errors { code } } }"""
    delete = """mutation($id: ID!) { deletePost(id: $id) { post { status } errors { code } } }"""
    with moderation_settings():
        edited = await gql(
            update,
            {"id": post["id"], "input": {"title": "Mine now", "body": "x"}},
            **auth_headers(other),
        )
        deleted = await gql(delete, {"id": post["id"]}, **auth_headers(other))
        own = await gql(delete, {"id": post["id"]}, **auth_headers(author))
    assert edited["data"]["updatePost"]["errors"] == [{"code": "NOT_AUTHOR"}]
    assert deleted["data"]["deletePost"]["errors"] == [{"code": "NOT_AUTHOR"}]
    assert own["data"]["deletePost"]["post"]["status"] == "REMOVED"
    assert (await gql(NODE, {"id": post["id"]}, **auth_headers(author)))["data"]["node"] is None


async def test_comments_nest_to_the_depth_limit_and_count_on_the_post(gql: Any) -> None:
    author = await member(approved=5)
    post = (await _create(gql, author))["post"]
    parent = None
    depths = []
    with moderation_settings(comment_max_depth=2):
        for i in range(4):
            body = await gql(
                COMMENT,
                {"postId": post["id"], "parentId": parent, "body": f"Reply level {i}"},
                **auth_headers(author),
            )
            result = body["data"]["createComment"]
            if result["errors"]:
                depths.append(result["errors"][0]["code"])
                break
            depths.append(result["comment"]["depth"])
            parent = result["comment"]["id"]
    assert depths == [0, 1, 2, "DEPTH_EXCEEDED"]
    row = await Post.get(id=int(relay.from_base64(post["id"])[1]))
    assert row.comment_count == 3


async def test_likes_are_one_per_member(gql: Any) -> None:
    author, fan = await member(approved=5), await member()
    post = (await _create(gql, author))["post"]
    for _ in range(2):
        body = await gql(LIKE, {"id": post["id"]}, **auth_headers(fan))
    assert body["data"]["likePost"]["post"] == {"likeCount": 1, "viewerHasLiked": True}
    unlike = (
        """mutation($id: ID!) { unlikePost(postId: $id) { post { likeCount viewerHasLiked } } }"""
    )
    body = await gql(unlike, {"id": post["id"]}, **auth_headers(fan))
    assert body["data"]["unlikePost"]["post"] == {"likeCount": 0, "viewerHasLiked": False}


async def test_the_feed_by_topic_newest_and_most_active(gql: Any) -> None:
    author = await member(approved=5)
    topic = unique("topic").lower()
    first = (await _create(gql, author, title="First", tags=[topic]))["post"]
    second = (await _create(gql, author, title="Second", tags=[topic]))["post"]
    await _create(gql, author, title="Elsewhere", tags=[unique("other").lower()])
    with moderation_settings():
        await gql(COMMENT, {"postId": first["id"], "body": "bump"}, **auth_headers(author))
    newest = await gql(FEED, {"topic": topic, "sort": "NEWEST"})
    active = await gql(FEED, {"topic": topic, "sort": "MOST_ACTIVE"})
    titles = lambda b: [e["node"]["title"] for e in b["data"]["communityPosts"]["edges"]]  # noqa: E731
    assert titles(newest) == ["Second", "First"]
    assert titles(active) == ["First", "Second"]
    assert second["id"] != first["id"]


async def _posts_page(gql: Any, count: int, topic: str, fan: Any) -> None:
    authors = [await member(approved=5) for _ in range(3)]
    product = await create_product()
    pid = relay.to_base64("Product", product.id)
    for i in range(count):
        post = (
            await _create(
                gql, authors[i % 3], title=f"Post {i}", tags=[topic, f"t{i % 4}"], productIds=[pid]
            )
        )["post"]
        with moderation_settings():
            top = await gql(
                COMMENT, {"postId": post["id"], "body": f"c {i}"}, **auth_headers(authors[0])
            )
            await gql(
                COMMENT,
                {
                    "postId": post["id"],
                    "parentId": top["data"]["createComment"]["comment"]["id"],
                    "body": f"r {i}",
                },
                **auth_headers(authors[1]),
            )
        if i % 2:
            await gql(LIKE, {"id": post["id"]}, **auth_headers(fan))


async def test_a_posts_page_costs_the_same_queries_for_2_and_20_posts(
    gql: Any, count_queries: Any
) -> None:
    fan = await member()
    counts = []
    for size in (2, 20):
        topic = unique("page").lower()
        await _posts_page(gql, size, topic, fan)
        with count_queries() as counter:
            body = await gql(FEED, {"topic": topic, "first": size}, **auth_headers(fan))
        assert "errors" not in body, body
        edges = body["data"]["communityPosts"]["edges"]
        assert len(edges) == size
        assert all(e["node"]["comments"]["edges"][0]["node"]["replies"]["edges"] for e in edges)
        assert sum(e["node"]["viewerHasLiked"] for e in edges) == size // 2
        assert all(e["node"]["linkedProducts"] for e in edges)
        counts.append(len(counter.statements))
    print(f"posts page SQL queries: 2 posts {counts[0]}, 20 posts {counts[1]}")
    assert counts[0] == counts[1]


async def test_a_hidden_posts_comments_are_hidden_with_it(gql: Any) -> None:
    from models.community.moderation import ModerationActionKind, ModerationReason
    from services.community.moderation import actions

    author = await member(approved=5)
    post = (await _create(gql, author))["post"]
    with moderation_settings():
        made = await gql(COMMENT, {"postId": post["id"], "body": "a reply"}, **auth_headers(author))
    comment_id = made["data"]["createComment"]["comment"]["id"]
    query = """query($id: ID!) { node(id: $id) { ... on Comment { body } } }"""
    assert (await gql(query, {"id": comment_id}))["data"]["node"] == {"body": "a reply"}
    await actions.moderate(
        moderator=await moderator(),
        kind="post",
        target_id=int(relay.from_base64(post["id"])[1]),
        action=ModerationActionKind.HIDE,
        reason=ModerationReason.OFF_TOPIC,
    )
    assert (await gql(query, {"id": comment_id}))["data"]["node"] is None
    own = await gql(query, {"id": comment_id}, **auth_headers(author))
    assert own["data"]["node"] == {"body": "a reply"}


async def test_a_held_comment_is_seen_by_its_author_and_moderators_only(gql: Any) -> None:
    author, newcomer = await member(approved=5), await member()
    post = (await _create(gql, author))["post"]
    with moderation_settings():
        made = await gql(
            COMMENT,
            {"postId": post["id"], "body": "buy at https://spam.example/c"},
            **auth_headers(newcomer),
        )
    comment = made["data"]["createComment"]["comment"]
    assert comment["status"] == "HELD"
    query = """query($id: ID!) { node(id: $id) { ... on Comment { status } } }"""
    seen = {
        who: (await gql(query, {"id": comment["id"]}, **headers))["data"]["node"]
        for who, headers in (
            ("guest", {}),
            ("post author", auth_headers(author)),
            ("comment author", auth_headers(newcomer)),
            ("moderator", auth_headers(await moderator())),
        )
    }
    assert seen == {
        "guest": None,
        "post author": None,
        "comment author": {"status": "HELD"},
        "moderator": {"status": "HELD"},
    }
    feed = await gql(
        """query($id: ID!) { node(id: $id) { ... on Post { commentCount
          comments { totalCount } } } }""",
        {"id": post["id"]},
    )
    assert feed["data"]["node"] == {"commentCount": 0, "comments": {"totalCount": 0}}
