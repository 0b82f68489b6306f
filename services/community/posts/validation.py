"""What a post or comment may hold, checked before anything is written."""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.community.errors import CommunityErrorCode, error
from services.errors import DomainError

MAX_TITLE = 200
MAX_BODY = 10_000
MAX_COMMENT = 5_000
MAX_TAGS = 5
MAX_PRODUCTS = 5
MAX_AGE_MONTHS = 216  # 18 years
TAG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(frozen=True)
class PostDraft:
    title: str
    body: str
    tags: list[str]
    product_ids: list[int]
    age_min: int | None
    age_max: int | None


def normalize_tag(tag: str) -> str:
    return "-".join(tag.strip().lower().split())


def post_draft(
    *,
    title: str,
    body: str,
    tags: list[str],
    product_ids: list[int],
    age_min: int | None,
    age_max: int | None,
) -> PostDraft:
    title, body = title.strip(), body.strip()
    if not title:
        raise error(CommunityErrorCode.TITLE_REQUIRED, "A post needs a title.", field="title")
    if len(title) > MAX_TITLE:
        raise error(CommunityErrorCode.TOO_LONG, f"At most {MAX_TITLE} characters.", field="title")
    check_body(body, MAX_BODY)
    clean_tags = list(dict.fromkeys(normalize_tag(t) for t in tags))
    if len(clean_tags) > MAX_TAGS or any(not TAG.match(t) for t in clean_tags):
        raise error(
            CommunityErrorCode.TAG_INVALID,
            f"Up to {MAX_TAGS} topic tags of letters, digits and dashes (40 at most).",
            field="tags",
        )
    unique_products = list(dict.fromkeys(product_ids))
    if len(unique_products) > MAX_PRODUCTS:
        raise error(
            CommunityErrorCode.OUT_OF_RANGE,
            f"At most {MAX_PRODUCTS} linked products.",
            field="productIds",
        )
    check_age_range(age_min, age_max)
    return PostDraft(title, body, clean_tags, unique_products, age_min, age_max)


def check_body(body: str, limit: int) -> None:
    if not body:
        raise error(CommunityErrorCode.BODY_REQUIRED, "Write something.", field="body")
    if len(body) > limit:
        raise error(CommunityErrorCode.TOO_LONG, f"At most {limit} characters.", field="body")


def check_age_range(age_min: int | None, age_max: int | None) -> None:
    bad: DomainError | None = None
    for value in (age_min, age_max):
        if value is not None and not 0 <= value <= MAX_AGE_MONTHS:
            bad = error(
                CommunityErrorCode.AGE_RANGE_INVALID,
                f"A child's age in months, 0 to {MAX_AGE_MONTHS}.",
                field="childAge",
            )
    if age_min is not None and age_max is not None and age_min > age_max:
        bad = error(
            CommunityErrorCode.AGE_RANGE_INVALID,
            "The youngest age is above the oldest.",
            field="childAge",
        )
    if bad:
        raise bad
