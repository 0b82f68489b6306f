"""Per-request DataLoaders for posts: tags, linked products, comment pages, the viewer's likes
and authors' display names, each one query per request tick whatever the page size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from strawberry.dataloader import DataLoader
from tortoise.functions import Count

from models.accounts import User
from models.community.moderation import ContentStatus
from models.community.posts import Comment, Post, PostLike, PostProduct, PostTag
from resolvers.loaders import ByForeignKeyLoader, ByIdLoader

PUBLISHED = ContentStatus.PUBLISHED.value


@dataclass(frozen=True)
class CommentPageKey:
    """Published comments of a post (top level) or replies of a comment, one page."""

    on: str  # "post" or "parent"
    key: int
    offset: int
    limit: int


class CommentPagesLoader(DataLoader[CommentPageKey, list[Comment]]):
    """`limit + 1` comments per key (the extra one signals a next page), oldest first, for
    every key of the tick in one query per (on, offset, limit): a window function numbers
    each thread's comments so no thread is read past its page."""

    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[CommentPageKey]) -> list[list[Comment]]:
        groups: dict[tuple[str, int, int], set[int]] = defaultdict(set)
        for k in keys:
            groups[(k.on, k.offset, k.limit)].add(k.key)
        found: dict[CommentPageKey, list[Comment]] = {}
        # Known once the ORM is initialised (foreign keys' columns included).
        columns = ", ".join(f"t.{c}" for c in Comment._meta.fields_db_projection.values())
        for (on, offset, limit), ids in groups.items():
            column = "post_id" if on == "post" else "parent_id"
            top = " AND parent_id IS NULL" if on == "post" else ""
            id_list = ",".join(str(int(i)) for i in sorted(ids))
            # Only integers and fixed names are interpolated.
            sql = (
                f"SELECT {columns} FROM (SELECT c.*, ROW_NUMBER() OVER (PARTITION BY c."
                f"{column} ORDER BY c.created_at, c.id) AS rn FROM community_comment c "
                f"WHERE c.{column} IN ({id_list}) AND c.status = '{PUBLISHED}'{top}) t "
                f"WHERE t.rn > {int(offset)} AND t.rn <= {int(offset) + int(limit) + 1} "
                "ORDER BY t.rn"
            )
            comments: list[Comment] = await Comment.raw(sql)
            for comment in comments:
                owner = comment.post_id if on == "post" else comment.parent_id
                assert owner is not None
                found.setdefault(CommentPageKey(on, owner, offset, limit), []).append(comment)
        return [found.get(k, []) for k in keys]


class CommentCountLoader(DataLoader[tuple[str, int], int]):
    """How many published comments each post has on itself, or each comment as replies:
    one grouped count per kind of key."""

    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[tuple[str, int]]) -> list[int]:
        counts: dict[tuple[str, int], int] = {}
        for on in ("post", "parent"):
            ids = list({key for kind, key in keys if kind == on})
            if not ids:
                continue
            column = "post_id" if on == "post" else "parent_id"
            query = Comment.filter(**{f"{column}__in": ids}, status=PUBLISHED)
            if on == "post":
                query = query.filter(parent_id=None)
            rows = await query.annotate(n=Count("id")).group_by(column).values_list(column, "n")
            counts.update({(on, int(owner)): int(n) for owner, n in rows})
        return [counts.get(key, 0) for key in keys]


class LikedByLoader(DataLoader[int, bool]):
    """Whether one user liked each post."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[int]) -> list[bool]:
        liked = set(
            await PostLike.filter(user_id=self.user_id, post_id__in=list(set(keys))).values_list(
                "post_id", flat=True
            )
        )
        return [key in liked for key in keys]


class DisplayNameLoader(DataLoader[int, str]):
    """Members' display names: the only personal data the community shows."""

    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[int]) -> list[str]:
        rows = await User.filter(id__in=list(set(keys))).values_list("id", "display_name")
        names = {int(pk): str(name) for pk, name in rows}
        return [names.get(key, "") for key in keys]


class PostLoaders:
    @cached_property
    def post_by_id(self) -> ByIdLoader[Post]:
        return ByIdLoader(Post)

    @cached_property
    def comment_by_id(self) -> ByIdLoader[Comment]:
        return ByIdLoader(Comment)

    @cached_property
    def tags_by_post_id(self) -> ByForeignKeyLoader[PostTag]:
        return ByForeignKeyLoader(PostTag, "post_id")

    @cached_property
    def products_by_post_id(self) -> ByForeignKeyLoader[PostProduct]:
        return ByForeignKeyLoader(PostProduct, "post_id")

    @cached_property
    def comment_pages(self) -> CommentPagesLoader:
        return CommentPagesLoader()

    @cached_property
    def comment_counts(self) -> CommentCountLoader:
        return CommentCountLoader()

    @cached_property
    def display_names(self) -> DisplayNameLoader:
        return DisplayNameLoader()

    def liked_by(self, user_id: int) -> LikedByLoader:
        loaders = self.__dict__.setdefault("_liked", {})
        if user_id not in loaders:
            loaders[user_id] = LikedByLoader(user_id)
        loader: LikedByLoader = loaders[user_id]
        return loader

    def prime(self, posts: Sequence[Post]) -> None:
        for post in posts:
            self.post_by_id.prime(post.pk, post)
