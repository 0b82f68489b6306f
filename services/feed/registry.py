"""The model a server worker serves: loaded lazily, swapped when CURRENT names a new version.

Every worker checks the `CURRENT` pointer at most every `check_interval` seconds (a tiny
file read). A new version is loaded in a thread while requests keep using the old model;
then one reference assignment swaps it in, so a request sees one whole model or the other.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from recommender import Model
from recommender import load as load_model
from services.feed.copurchase import CoPurchases

logger = logging.getLogger("shopgraph.feed")

CURRENT = "CURRENT"
MODEL_FILE = "model.npz"
COPURCHASE_FILE = "bought_together.npz"
CHECK_INTERVAL = 2.0
DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[2] / "var" / "models"


def model_dir() -> Path:
    """Where artifacts live: `SHOPGRAPH_MODEL_DIR`, else `var/models/` of the project."""
    configured = os.environ.get("SHOPGRAPH_MODEL_DIR", "").strip()
    return Path(configured) if configured else DEFAULT_MODEL_DIR


@dataclass(frozen=True)
class Served:
    """One loaded artifact."""

    version: str
    model: Model
    copurchases: CoPurchases


def read_pointer(directory: Path) -> str | None:
    """The version CURRENT names, or None when nothing was published yet."""
    try:
        text = (directory / CURRENT).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return text or None


def load_artifact(directory: Path, version: str) -> Served:
    """Read one version's files (blocking: call it in a thread)."""
    folder = directory / version
    return Served(
        version, load_model(folder / MODEL_FILE), CoPurchases.load(folder / COPURCHASE_FILE)
    )


class ModelRegistry:
    """The serving model of this process."""

    def __init__(self, directory: Path | None = None, check_interval: float = CHECK_INTERVAL):
        self._directory = directory
        self.check_interval = check_interval
        self._served: Served | None = None
        self._checked_at = -float("inf")
        self._failed: str | None = None
        self._loading: asyncio.Task[None] | None = None

    @property
    def directory(self) -> Path:
        return self._directory or model_dir()

    def configure(
        self, *, directory: Path | None = None, check_interval: float = CHECK_INTERVAL
    ) -> None:
        """Serve from another directory (tests, benchmarks); forgets the loaded model."""
        self._directory = directory
        self.check_interval = check_interval
        self._served = None
        self._checked_at = -float("inf")
        self._failed = None
        self._loading = None

    @property
    def served(self) -> Served | None:
        """The model in memory now, without checking for a newer one."""
        return self._served

    async def current(self, *, wait: bool = False) -> Served | None:
        """The model to serve; None until one was trained (callers fall back to SQL).

        With `wait`, a newer version being loaded is waited for instead of served next time.
        """
        now = time.monotonic()
        if now - self._checked_at >= self.check_interval:
            self._checked_at = now
            version = read_pointer(self.directory)
            served = self._served
            if (
                version is not None
                and version != self._failed
                and (served is None or served.version != version)
            ):
                if self._loading is None or self._loading.done():
                    self._loading = asyncio.ensure_future(self._load(version))
        loading = self._loading
        if loading is not None and not loading.done() and (wait or self._served is None):
            await asyncio.shield(loading)  # the very first load: wait for it
        return self._served

    async def _load(self, version: str) -> None:
        directory = self.directory
        try:
            served = await asyncio.to_thread(load_artifact, directory, version)
        except Exception:
            logger.exception("feed model %s in %s could not be loaded", version, directory)
            self._failed = version
            return
        if directory == self.directory:
            self._served = served  # one assignment: the swap is atomic for every request
            logger.info("serving feed model %s", version)


registry = ModelRegistry()
