"""Assemble a feed section: candidates, this session's events, business rules, cache."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from models.analytics import EventKind
from services.catalog import versioning
from services.feed import cache as feed_cache
from services.feed import candidates, compute, rules
from services.feed.entries import (
    MODEL_EVENTS,
    PERSONAL_REASONS,
    FeedEntry,
    FeedSection,
    RankedFeed,
    shopper_key,
)
from services.feed.registry import Served, registry

SESSION_WINDOW = timedelta(minutes=30)  # events this recent are folded in at request time
SESSION_EVENTS = 100
NEEDS_PRODUCT = frozenset({FeedSection.SIMILAR, FeedSection.BOUGHT_TOGETHER})
# The same for everybody but for a shopper's exclusions: cached once (see services.feed.cache).
SHARED = frozenset({FeedSection.TRENDING, FeedSection.NEW_ARRIVALS, FeedSection.SIMILAR})


class RecentEvent(Protocol):
    """One event of the shopper's recent behaviour, as the analytics domain records it."""

    @property
    def kind(self) -> EventKind: ...
    @property
    def product_id(self) -> int | None: ...
    @property
    def personalization_off(self) -> bool: ...


class RecentEvents(Protocol):
    """Reads a shopper's events since a time, newest first (the analytics domain's reader)."""

    def __call__(
        self, *, user_id: int | None, anonymous_id: str | None, since: datetime, limit: int
    ) -> Awaitable[Sequence[RecentEvent]]: ...


@dataclass(frozen=True)
class Shopper:
    """Who asks: a signed-in user, a guest's anonymous id, or nobody known."""

    user_id: int | None = None
    anonymous_id: str | None = None
    # False when a signed-in user turned personalization off: no behaviour is used for them.
    personalized: bool = True


@dataclass(frozen=True)
class Child:
    """The child a FOR_CHILD section is for."""

    age_months: int
    interests: tuple[str, ...] = field(default_factory=tuple)


async def feed(
    *,
    section: FeedSection,
    shopper: Shopper,
    product_id: int | None = None,
    child: Child | None = None,
    now: datetime | None = None,
    recent_events: RecentEvents,
) -> RankedFeed:
    """One whole section, ranked and filtered, cached per shopper for a minute.

    `recent_events` supplies this session's behaviour (see `services.flows.shopper_feed`).
    """
    if section in NEEDS_PRODUCT and product_id is None:
        raise ValueError(f"{section} needs a product")
    if section == FeedSection.FOR_CHILD and child is None:
        raise ValueError("FOR_CHILD needs a child")
    served = await registry.current()
    version = served.version if served is not None else None
    if section in SHARED:
        shared = await _shared_feed(section, shopper, served, product_id, now or datetime.now(UTC))
        return _listed_now(shared)
    key = ":".join(
        str(part)
        for part in (
            section.value,
            product_id,
            (child.age_months, child.interests) if child else None,
            version,
            shopper.personalized,
        )
    )

    async def compute() -> RankedFeed:
        entries = await assemble(
            section=section,
            shopper=shopper,
            served=served,
            product_id=product_id,
            child=child,
            now=now or datetime.now(UTC),
            recent_events=recent_events,
        )
        return RankedFeed(tuple(entries), version)

    ranked = await feed_cache.cached_section(
        user_id=shopper.user_id,
        anonymous_id=shopper.anonymous_id,
        section_key=key,
        compute=compute,
    )
    return _listed_now(ranked)


def _listed_now(ranked: RankedFeed) -> RankedFeed:
    """Without the products that sold out or left the shop since the section was cached."""
    keep = feed_cache.still_listed(entry.product_id for entry in ranked.entries)
    if len(keep) == len(ranked.entries):
        return ranked
    return RankedFeed(
        tuple(e for e in ranked.entries if e.product_id in keep), ranked.model_version
    )


@dataclass(frozen=True)
class SharedSection:
    """A non-personal section before a shopper's exclusions: listable, unique, best first."""

    entries: tuple[FeedEntry, ...]
    categories: dict[int, int | None]


@dataclass(frozen=True)
class Exclusions:
    """What a shopper's own choices do to shared sections."""

    hidden: frozenset[int]  # not interested, or bought lately (consumables excepted)
    pushed: frozenset[int]  # neighbours of their not-interested marks


async def _shared_feed(
    section: FeedSection,
    shopper: Shopper,
    served: Served | None,
    product_id: int | None,
    now: datetime,
) -> RankedFeed:
    version = served.version if served is not None else None
    # The catalog's own version (raised by every staff catalog write, seen by every worker)
    # keys the shared sections: a product that joined the shop shows on the next read.
    catalog = await versioning.current()

    async def base() -> SharedSection:
        audience = candidates.Audience(key=None)
        scored = await _candidates(section, served, audience, Shopper(), product_id, None)
        unique: dict[int, FeedEntry] = {}
        for entry in scored:
            if entry.product_id != product_id and entry.product_id not in unique:
                unique[entry.product_id] = entry
        facts = await rules.listed(unique)
        shown = tuple(entry for entry in unique.values() if entry.product_id in facts)
        return SharedSection(shown, {e.product_id: facts[e.product_id].category_id for e in shown})

    async def excluded() -> Exclusions:
        return await exclusions(shopper, served, now)

    key = feed_cache.shared_key(section.value, product_id, version, catalog)
    shared, mine = await asyncio.gather(
        feed_cache.shared_section(key, base),
        feed_cache.shopper_exclusions(
            user_id=shopper.user_id, anonymous_id=shopper.anonymous_id, compute=excluded
        ),
    )
    shown = [entry for entry in shared.entries if entry.product_id not in mine.hidden]
    if mine.pushed:
        shown = rules.push_down(shown, set(mine.pushed))
    return RankedFeed(tuple(rules.diversify(shown, shared.categories.__getitem__)), version)


async def exclusions(shopper: Shopper, served: Served | None, now: datetime) -> Exclusions:
    """The shopper's not-interested marks and lately bought products (and marks' neighbours)."""
    blocked, bought = await asyncio.gather(
        rules.not_interested(user_id=shopper.user_id, anonymous_id=shopper.anonymous_id),
        rules.bought_recently(user_id=shopper.user_id, now=now),
    )
    owned = bought - await rules.consumables(bought) if bought else set()
    pushed: set[int] = set()
    if blocked and served is not None:
        pushed = await compute.off_loop(
            candidates.neighbours,
            served,
            blocked[: rules.NOT_INTERESTED_RECENT],
            rules.NOT_INTERESTED_NEIGHBOURS,
        )
    return Exclusions(frozenset(blocked) | frozenset(owned), frozenset(pushed))


async def session_events(
    shopper: Shopper, *, now: datetime, recent_events: RecentEvents
) -> list[tuple[int, str]]:
    """This session's behaviour as (product id, event), newest first; opt-outs left out."""
    if not shopper.personalized:
        return []
    events = await recent_events(
        user_id=shopper.user_id,
        anonymous_id=shopper.anonymous_id,
        since=now - SESSION_WINDOW,
        limit=SESSION_EVENTS,
    )
    return [
        (event.product_id, MODEL_EVENTS[event.kind])
        for event in events
        if event.product_id is not None
        and event.kind in MODEL_EVENTS
        and not event.personalization_off
    ]


async def assemble(
    *,
    section: FeedSection,
    shopper: Shopper,
    served: Served | None,
    product_id: int | None,
    child: Child | None,
    now: datetime,
    recent_events: RecentEvents,
) -> list[FeedEntry]:
    """Score candidates, then apply the business rules (see `services.feed.rules`)."""
    folds_in = section in (FeedSection.FOR_YOU, FeedSection.FOR_CHILD) and served is not None
    # Independent reads: on PostgreSQL they run side by side on pooled connections.
    blocked, session, bought = await asyncio.gather(
        rules.not_interested(user_id=shopper.user_id, anonymous_id=shopper.anonymous_id),
        session_events(shopper, now=now, recent_events=recent_events) if folds_in else _nothing(),
        rules.bought_recently(user_id=shopper.user_id, now=now),
    )
    audience = candidates.Audience(
        key=shopper_key(shopper.user_id, shopper.anonymous_id) if shopper.personalized else None,
        session=session,
        exclude=blocked,
        age_months=child.age_months if child else None,
        interests=child.interests if child else (),
    )
    scored = await _candidates(section, served, audience, shopper, product_id, child)
    if not shopper.personalized:  # never a personal reason without consent
        scored = [entry for entry in scored if entry.reason not in PERSONAL_REASONS]

    unique: dict[int, FeedEntry] = {}
    skip = set(blocked) | ({product_id} if product_id is not None else set())
    for entry in scored:
        if entry.product_id not in skip and entry.product_id not in unique:
            unique[entry.product_id] = entry
    facts = await rules.listed(unique)
    shown = [entry for entry in unique.values() if entry.product_id in facts]
    if child is not None:
        shown = [e for e in shown if facts[e.product_id].fits_age(child.age_months)]
    owned = bought & {entry.product_id for entry in shown}
    if owned:
        owned -= await rules.consumables(owned)
        shown = [entry for entry in shown if entry.product_id not in owned]
    if session:
        shown = rules.boost_session(shown, {product for product, _ in session})
    if blocked and served is not None:
        pushed = await compute.off_loop(
            candidates.neighbours,
            served,
            blocked[: rules.NOT_INTERESTED_RECENT],
            rules.NOT_INTERESTED_NEIGHBOURS,
        )
        shown = rules.push_down(shown, pushed)
    return rules.diversify(shown, lambda pid: facts[pid].category_id)


async def _nothing() -> list[tuple[int, str]]:
    return []


async def _candidates(
    section: FeedSection,
    served: Served | None,
    audience: candidates.Audience,
    shopper: Shopper,
    product_id: int | None,
    child: Child | None,
) -> list[FeedEntry]:
    if section == FeedSection.NEW_ARRIVALS:
        return await candidates.new_arrivals()
    if section == FeedSection.SIMILAR and product_id is not None:
        found = await compute.off_loop(candidates.similar, served, product_id) if served else []
        return found or await candidates.same_category(product_id)
    if section == FeedSection.BOUGHT_TOGETHER and product_id is not None:
        found = (
            await compute.off_loop(candidates.bought_together, served, product_id) if served else []
        )
        return found or await candidates.bought_together_sql(product_id)
    if section == FeedSection.FOR_CHILD and child is not None:
        if served is None:
            return await candidates.for_child_sql(child.age_months)
        return await compute.off_loop(
            candidates.for_child, served, audience, personalized=shopper.personalized
        )
    if section == FeedSection.TRENDING:
        found = await compute.off_loop(candidates.trending, served) if served else []
        return found or await candidates.popular_sql()
    # FOR_YOU
    if served is None:
        return await candidates.popular_sql()
    if not shopper.personalized:
        return await compute.off_loop(candidates.popular, served, audience)
    return await compute.off_loop(candidates.personal, served, audience)
