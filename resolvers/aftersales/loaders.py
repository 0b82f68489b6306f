"""Per-request DataLoaders for cases: one SQL query per relation per request tick."""

from __future__ import annotations

from collections.abc import Sequence

from models.aftersales import Case, CaseLine, CaseMessage, CaseTimelineEntry
from resolvers.loaders import ByForeignKeyLoader, ByIdLoader
from resolvers.orders.loaders import forget


class AftersalesLoaders:
    def __init__(self) -> None:
        self.case_by_id = ByIdLoader(Case)
        self.lines_by_case_id = ByForeignKeyLoader(CaseLine, "case_id")
        self.timeline_by_case_id = ByForeignKeyLoader(CaseTimelineEntry, "case_id")
        self.messages_by_case_id = ByForeignKeyLoader(CaseMessage, "case_id")

    def prime(self, cases: Sequence[Case]) -> None:
        for row in cases:
            self.case_by_id.prime(row.pk, row)

    def forget_case(self, case_id: int) -> None:
        """After a change, read the case and its relations again."""
        for loader in (
            self.case_by_id,
            self.lines_by_case_id,
            self.timeline_by_case_id,
            self.messages_by_case_id,
        ):
            forget(loader, case_id)
