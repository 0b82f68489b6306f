"""A member's standing: trust earned from approved contributions and verified purchases, the
level it gives (new, member, trusted; thresholds are settings), and silences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models.community.moderation import MemberStanding, TrustCredit
from services import clock
from services.community.moderation.config import current


class TrustLevel(StrEnum):
    NEW = "new"
    MEMBER = "member"
    TRUSTED = "trusted"


@dataclass(frozen=True)
class Trust:
    points: int
    level: TrustLevel
    silenced_until: datetime | None

    @property
    def silenced(self) -> bool:
        return self.silenced_until is not None and self.silenced_until > clock.now()


def level_for(points: int) -> TrustLevel:
    config = current()
    if points >= config.trust_trusted:
        return TrustLevel.TRUSTED
    if points >= config.trust_member:
        return TrustLevel.MEMBER
    return TrustLevel.NEW


def trust_of(standing: MemberStanding | None) -> Trust:
    if standing is None:
        return Trust(0, level_for(0), None)
    points = (
        standing.approved_contributions + standing.verified_purchases * current().trust_per_purchase
    )
    return Trust(points, level_for(points), standing.silenced_until)


async def standing_for(user_id: int, *, lock: bool = False) -> MemberStanding:
    """The member's standing row, created on first use; `lock` holds its row lock (PG)
    until the caller's transaction ends, which orders one member's submissions."""
    existing = await MemberStanding.filter(user_id=user_id).exists()
    if not existing:
        try:
            async with in_transaction():  # a savepoint: a concurrent creator may win
                await MemberStanding.create(user_id=user_id)
        except IntegrityError:
            pass
    query = MemberStanding.filter(user_id=user_id)
    if lock:
        query = query.select_for_update()
    return await query.get()


async def trust(user_id: int) -> Trust:
    return trust_of(await MemberStanding.get_or_none(user_id=user_id))


async def trust_many(user_ids: list[int]) -> dict[int, Trust]:
    rows = await MemberStanding.filter(user_id__in=user_ids)
    by_user = {row.user_id: row for row in rows}
    return {user_id: trust_of(by_user.get(user_id)) for user_id in user_ids}


async def credit_approved(user_id: int, count: int = 1) -> None:
    """An approved contribution (published on submission, or approved by a moderator)."""
    await standing_for(user_id)
    await MemberStanding.filter(user_id=user_id).update(
        approved_contributions=F("approved_contributions") + count
    )


async def credit_purchase(*, user_id: int, source: str) -> bool:
    """A verified purchase (a delivered order), counted once per `source`; False when it
    was counted already (a replayed event)."""
    async with in_transaction():
        try:
            async with in_transaction():
                await TrustCredit.create(user_id=user_id, source=source)
        except IntegrityError:
            return False
        await standing_for(user_id)
        await MemberStanding.filter(user_id=user_id).update(
            verified_purchases=F("verified_purchases") + 1
        )
    return True


async def set_silence(user_id: int, until: datetime | None, reason: str) -> MemberStanding:
    standing = await standing_for(user_id, lock=True)
    standing.silenced_until = until
    standing.silence_reason = reason if until else ""
    await standing.save(update_fields=["silenced_until", "silence_reason", "updated_at"])
    return standing
