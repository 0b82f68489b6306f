"""Checks of what a member writes in a review or Q&A (shared by reviews and questions)."""

from __future__ import annotations

from collections.abc import Sequence

from models.accounts import ChildProfile
from models.catalog import Product
from services import clock
from services.accounts.children import age_months
from services.catalog.visibility import PUBLIC_STATUSES
from services.community.errors import CommunityErrorCode as C
from services.community.errors import error
from services.errors import DomainError, DomainErrors

MAX_TITLE = 150
MAX_BODY = 5000
MAX_PHOTOS = 10
MAX_URL = 500


def review_problems(
    *, rating: int, title: str, body: str, photo_urls: Sequence[str]
) -> list[DomainError]:
    problems: list[DomainError] = []
    if not 1 <= rating <= 5:
        problems.append(error(C.RATING_INVALID, "A rating is 1 to 5 stars.", field="rating"))
    if len(title) > MAX_TITLE:
        problems.append(error(C.TOO_LONG, f"At most {MAX_TITLE} characters.", field="title"))
    if len(body) > MAX_BODY:
        problems.append(error(C.TOO_LONG, f"At most {MAX_BODY} characters.", field="body"))
    problems += photo_problems(photo_urls)
    return problems


def photo_problems(photo_urls: Sequence[str]) -> list[DomainError]:
    if len(photo_urls) > MAX_PHOTOS:
        return [error(C.TOO_MANY_PHOTOS, f"At most {MAX_PHOTOS} photos.", field="photoUrls")]
    for url in photo_urls:
        if not url.startswith("https://") or len(url) > MAX_URL or any(c.isspace() for c in url):
            message = f"Photo URLs must be https:// and at most {MAX_URL} characters."
            return [error(C.URL_INVALID, message, field="photoUrls")]
    return []


def text_problems(body: str, *, field: str = "body") -> list[DomainError]:
    if not body.strip():
        return [error(C.BODY_REQUIRED, "Write something.", field=field)]
    if len(body) > MAX_BODY:
        return [error(C.TOO_LONG, f"At most {MAX_BODY} characters.", field=field)]
    return []


def check(problems: list[DomainError]) -> None:
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise DomainErrors(problems)


async def is_public(product_id: int) -> bool:
    """Whether shoppers see the product, and so its reviews and Q&A (visibility.py)."""
    return await Product.filter(id=product_id, status__in=sorted(PUBLIC_STATUSES)).exists()


async def public_product(product_id: int) -> int:
    """The product's id when shoppers can see it; PRODUCT_NOT_FOUND otherwise."""
    if not await is_public(product_id):
        raise error(C.PRODUCT_NOT_FOUND, "No such product.", field="productId")
    return product_id


async def child_age_months(*, user_id: int, child_id: int | None) -> int | None:
    """The age in months of one of the member's children, to show beside their review."""
    if child_id is None:
        return None
    child = await ChildProfile.get_or_none(id=child_id, user_id=user_id)
    if child is None:
        raise error(C.CHILD_NOT_FOUND, "No such child profile.", field="childId")
    return age_months(child.birth_month, on=clock.now().date())
