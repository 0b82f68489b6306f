"""Small deterministic data sets for the recommender tests."""

from __future__ import annotations

import pytest

from recommender import Config, Interactions, ItemInfo, Model, fit

DAY = 86_400.0


def clustered_rows() -> list[tuple[str, str, float, str]]:
    """Two tastes: users u0..u19 use items a0..a5, users v0..v19 use b0..b5; "pop" is everywhere."""
    rows = []
    for group, prefix in (("u", "a"), ("v", "b")):
        for user in range(20):
            for step, offset in enumerate((0, 1, 2)):
                item = f"{prefix}{(user + offset) % 6}"
                event = "purchase" if step == 0 else "view"
                rows.append((f"{group}{user}", item, 1_000_000.0 + DAY * (user + step), event))
            rows.append((f"{group}{user}", "pop", 1_000_000.0 + DAY * user, "view"))
    return rows


def clustered_items() -> list[ItemInfo]:
    infos = [ItemInfo(f"a{i}", ("Toys", "Blocks"), tags=("stack",)) for i in range(6)]
    infos += [
        ItemInfo(f"b{i}", ("Books", "Picture"), tags=("read",), age_min_months=36) for i in range(6)
    ]
    infos.append(ItemInfo("pop", ("Toys", "Balls")))
    # never interacted with: reachable only through content
    infos.append(ItemInfo("a-new", ("Toys", "Blocks"), tags=("stack",), text="new blocks"))
    return infos


@pytest.fixture(scope="package")
def clustered() -> Model:
    data = Interactions.from_records(clustered_rows())
    return fit(data, items=clustered_items(), config=Config(tune=False))
