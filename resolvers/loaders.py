"""Generic per-request DataLoaders every domain builds its loaders from."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Generic, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

M = TypeVar("M", bound=Model)


class ByIdLoader(DataLoader[int, M | None], Generic[M]):
    """Rows of one model by primary key, `None` for ids that do not exist."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[int]) -> list[M | None]:
        rows = await self.model.filter(id__in=list(set(keys)))
        by_id = {row.pk: row for row in rows}
        return [by_id.get(key) for key in keys]


class ByForeignKeyLoader(DataLoader[int, list[M]], Generic[M]):
    """All rows of one model that point at each key through `fk`, in model ordering."""

    def __init__(self, model: type[M], fk: str) -> None:
        self.model = model
        self.fk = fk
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[int]) -> list[list[M]]:
        rows = await self.model.filter(**{f"{self.fk}__in": list(set(keys))})
        grouped: dict[int, list[M]] = defaultdict(list)
        for row in rows:
            grouped[getattr(row, self.fk)].append(row)
        return [grouped.get(key, []) for key in keys]
