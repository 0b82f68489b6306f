"""Moderation over GraphQL: members report, staff with MANAGE_COMMUNITY work the queue
(filters, oldest first), act, read the audit log and extend the word list; others cannot."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry import relay

from models.accounts import Permission
from tests.community._post_helpers import member, moderation_settings, moderator
from tests.factories import auth_headers, create_user, unique

pytestmark = pytest.mark.usefixtures("app")

CREATE = """mutation($input: PostInput!) { createPost(input: $input) {
  post { id status } errors { code } } }"""
REPORT = """mutation($id: ID!, $reason: ReportReason!) { reportContent(id: $id, reason: $reason) {
  reported status errors { code } } }"""
MODERATE = """mutation($id: ID!, $action: ModerationAction!, $reason: ModerationReason) {
  moderateContent(id: $id, action: $action, reason: $reason, note: "checked") {
    status errors { code field } } }"""
QUEUE = """query($status: ContentStatus, $kind: ContentKind, $reason: String, $first: Int) {
  moderationQueue(status: $status, kind: $kind, reason: $reason, first: $first) {
    totalCount edges { node { kind contentId status reasons reportCount excerpt } } } }"""
LOG = """query($id: ID) { moderationLog(contentId: $id) { totalCount edges { node {
  action kind contentId moderatorId reason note fromStatus toStatus createdAt } } } }"""
SILENCE = """mutation($m: ID!, $h: Int!) {
  silenceMember(memberId: $m, hours: $h, reason: HARASSMENT) {
  standing { silencedUntil trustLevel } errors { code } } }"""
WORDS = """mutation($w: String!) { addBlockedWord(word: $w) { word { word } errors { code } } }"""
LIST_WORDS = """query($first: Int, $after: String) {
  communityBlockedWords(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { word addedAt } } } }"""
REMOVE_WORD = (
    """mutation($w: String!) { removeBlockedWord(word: $w) { removed errors { code } } }"""
)
POST = """query($id: ID!) { node(id: $id) { ... on Post { status
  moderation { heldFor reason fixable } } } }"""


async def _post(gql: Any, user: Any, title: str, body: str) -> dict[str, Any]:
    with moderation_settings():
        made = await gql(CREATE, {"input": {"title": title, "body": body}}, **auth_headers(user))
    post: dict[str, Any] = made["data"]["createPost"]["post"]
    return post


async def test_the_queue_lists_held_and_reported_content_oldest_first_with_filters(
    gql: Any,
) -> None:
    staff = await moderator()
    tag = unique("q")
    held = await _post(gql, await member(), f"{tag} held", "see https://spam.example/1")
    published = await _post(gql, await member(approved=5), f"{tag} fine", "a normal post")
    reported = await gql(
        REPORT, {"id": published["id"], "reason": "SPAM"}, **auth_headers(await member())
    )
    assert reported["data"]["reportContent"] == {
        "reported": True,
        "status": "PUBLISHED",
        "errors": [],
    }
    body = await gql(QUEUE, {"kind": "POST", "first": 100}, **auth_headers(staff))
    nodes = [e["node"] for e in body["data"]["moderationQueue"]["edges"]]
    mine = [n for n in nodes if n["excerpt"].startswith(tag)]
    assert [n["contentId"] for n in mine] == [held["id"], published["id"]]
    assert mine[0]["reasons"] == ["too_many_links"] and mine[0]["status"] == "HELD"
    assert mine[1]["reasons"] == ["reported", "spam"] and mine[1]["reportCount"] == 1
    by_reason = await gql(QUEUE, {"reason": "spam", "first": 100}, **auth_headers(staff))
    ids = [e["node"]["contentId"] for e in by_reason["data"]["moderationQueue"]["edges"]]
    assert published["id"] in ids and held["id"] not in ids
    by_status = await gql(QUEUE, {"status": "HELD", "first": 100}, **auth_headers(staff))
    ids = [e["node"]["contentId"] for e in by_status["data"]["moderationQueue"]["edges"]]
    assert held["id"] in ids and published["id"] not in ids


async def test_members_and_other_staff_cannot_read_the_queue_or_log_or_act(gql: Any) -> None:
    held = await _post(gql, await member(), "held", "see https://spam.example/2")
    for user in (await member(), await create_user(permissions=[Permission.MANAGE_TICKETS])):
        queue = await gql(QUEUE, {}, **auth_headers(user))
        assert queue["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        log = await gql(LOG, {}, **auth_headers(user))
        assert log["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        acted = await gql(MODERATE, {"id": held["id"], "action": "APPROVE"}, **auth_headers(user))
        assert acted["data"]["moderateContent"]["errors"][0]["code"] == "PERMISSION_DENIED"
    assert (await gql(QUEUE, {}))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_rejection_shows_its_reason_to_the_author_and_is_in_the_log(gql: Any) -> None:
    author, staff = await member(), await moderator()
    held = await _post(gql, author, "held", "see https://spam.example/3")
    missing = await gql(MODERATE, {"id": held["id"], "action": "REJECT"}, **auth_headers(staff))
    assert missing["data"]["moderateContent"]["errors"] == [
        {"code": "REASON_REQUIRED", "field": "reason"}
    ]
    done = await gql(
        MODERATE,
        {"id": held["id"], "action": "REJECT", "reason": "PROMOTIONAL_LINKS"},
        **auth_headers(staff),
    )
    assert done["data"]["moderateContent"] == {"status": "REJECTED", "errors": []}
    seen = await gql(POST, {"id": held["id"]}, **auth_headers(author))
    assert seen["data"]["node"]["moderation"]["reason"] == "PROMOTIONAL_LINKS"
    assert seen["data"]["node"]["moderation"]["fixable"] is True
    assert (await gql(POST, {"id": held["id"]}, **auth_headers(await member())))["data"][
        "node"
    ] is None
    log = await gql(LOG, {"id": held["id"]}, **auth_headers(staff))
    entries = [e["node"] for e in log["data"]["moderationLog"]["edges"]]
    assert len(entries) == 1
    entry = entries[0]
    assert (entry["action"], entry["kind"], entry["reason"], entry["note"]) == (
        "REJECT",
        "POST",
        "promotional_links",
        "checked",
    )
    assert entry["moderatorId"] == relay.to_base64("User", staff.id)
    assert (entry["fromStatus"], entry["toStatus"]) == ("HELD", "REJECTED")
    assert entry["createdAt"]


async def test_a_silenced_member_is_refused_and_the_silence_is_logged(gql: Any) -> None:
    author, staff = await member(approved=5), await moderator()
    gid = relay.to_base64("User", author.id)
    body = await gql(SILENCE, {"m": gid, "h": 48}, **auth_headers(staff))
    assert body["data"]["silenceMember"]["standing"]["silencedUntil"]
    with moderation_settings():
        refused = await gql(
            CREATE, {"input": {"title": "hi", "body": "there"}}, **auth_headers(author)
        )
    assert refused["data"]["createPost"]["errors"] == [{"code": "MEMBER_SILENCED"}]
    own = await gql("{ myCommunityStanding { silencedUntil } }", **auth_headers(author))
    assert own["data"]["myCommunityStanding"]["silencedUntil"]


async def test_staff_extend_the_word_list(gql: Any) -> None:
    staff, author = await moderator(), await member(approved=5)
    word = unique("zonk").replace("-", "")
    added = await gql(WORDS, {"w": word}, **auth_headers(staff))
    assert added["data"]["addBlockedWord"] == {"word": {"word": word}, "errors": []}
    refused = await gql(WORDS, {"w": word}, **auth_headers(author))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    with moderation_settings(profanity_mode="mask"):
        made = await gql(
            """mutation($input: PostInput!) { createPost(input: $input) { post { body } } }""",
            {"input": {"title": "Words", "body": f"what a {word} toy"}},
            **auth_headers(author),
        )
    assert made["data"]["createPost"]["post"]["body"] == "what a **** toy"


async def test_the_shops_words_are_a_connection_for_staff(gql: Any) -> None:
    staff = await moderator()
    added = [unique(f"qq{n}").replace("-", "") for n in range(3)]
    for word in added:
        await gql(WORDS, {"w": word}, **auth_headers(staff))
    first = (await gql(LIST_WORDS, {"first": 2}, **auth_headers(staff)))["data"]
    listed = first["communityBlockedWords"]
    assert listed["totalCount"] >= 3 and listed["pageInfo"]["hasNextPage"] is True
    words = [e["node"]["word"] for e in listed["edges"]]
    after = listed["pageInfo"]["endCursor"]
    while after:
        more = await gql(LIST_WORDS, {"first": 2, "after": after}, **auth_headers(staff))
        page = more["data"]["communityBlockedWords"]
        words += [e["node"]["word"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    assert words == sorted(words) and set(added) <= set(words)
    removed = await gql(REMOVE_WORD, {"w": added[0]}, **auth_headers(staff))
    assert removed["data"]["removeBlockedWord"] == {"removed": True, "errors": []}
    again = await gql(REMOVE_WORD, {"w": added[0]}, **auth_headers(staff))
    assert again["data"]["removeBlockedWord"]["removed"] is False
    left = await gql(LIST_WORDS, {"first": 100}, **auth_headers(staff))
    assert added[0] not in [
        e["node"]["word"] for e in left["data"]["communityBlockedWords"]["edges"]
    ]
    member_view = await gql(LIST_WORDS, {"first": 2}, **auth_headers(await member()))
    assert member_view["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_reporting_twice_or_ones_own_is_refused(gql: Any) -> None:
    author, reporter = await member(approved=5), await member()
    post = await _post(gql, author, "reported", "twice")
    first = await gql(REPORT, {"id": post["id"], "reason": "OFF_TOPIC"}, **auth_headers(reporter))
    again = await gql(REPORT, {"id": post["id"], "reason": "SPAM"}, **auth_headers(reporter))
    own = await gql(REPORT, {"id": post["id"], "reason": "SPAM"}, **auth_headers(author))
    assert first["data"]["reportContent"]["reported"] is True
    assert again["data"]["reportContent"]["errors"] == [{"code": "ALREADY_REPORTED"}]
    assert own["data"]["reportContent"]["errors"] == [{"code": "OWN_CONTENT"}]
    wrong = await gql(
        REPORT, {"id": relay.to_base64("Order", 1), "reason": "SPAM"}, **auth_headers(reporter)
    )
    assert wrong["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
