"""GraphQL documents known by their SHA-256: automatic persisted queries and trusted documents.

Automatic persisted queries (Apollo's protocol) live in the cache (Redis when configured, so
every process and host shares them; memory otherwise). Trusted documents are a client's
operations registered ahead of a release from its manifest; they are kept in one JSON file
(`var/trusted_documents.json` unless configured) that every process on the host reads and
re-reads when it changes, so a registration reaches running servers without a restart.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from services import cache

APQ_PREFIX = "graphql:apq:"
#: Registered persisted queries live a day after their last registration: clients register
#: again on a miss, so eviction costs one round trip, never an error.
APQ_TTL = 86_400
MANIFEST_FORMAT = "apollo-persisted-query-manifest"


class ManifestError(ValueError):
    """A manifest file that is not one of the accepted formats."""


def document_hash(text: str) -> str:
    """The hex SHA-256 of a document's text, as Apollo's clients compute it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


async def remember(sha256_hash: str, text: str) -> None:
    """Register an automatic persisted query (the caller checked the hash)."""
    await cache.set(APQ_PREFIX + sha256_hash, text, ttl=APQ_TTL)


async def recall(sha256_hash: str) -> str | None:
    """The text of a registered automatic persisted query, or None."""
    value = await cache.get(APQ_PREFIX + sha256_hash)
    return value if isinstance(value, str) else None


def parse_manifest(data: Any) -> dict[str, str]:
    """Operations by id from an Apollo persisted-query manifest or a plain `{hash: query}` map.

    Every body is also registered under its own SHA-256, so a client may send either the
    manifest's id or the full text.
    """
    if isinstance(data, Mapping) and data.get("format") == MANIFEST_FORMAT:
        if data.get("version") != 1:
            raise ManifestError(f"Unsupported manifest version {data.get('version')!r}.")
        operations = data.get("operations")
        if not isinstance(operations, list):
            raise ManifestError("The manifest has no `operations` list.")
        pairs = []
        for number, operation in enumerate(operations):
            if not isinstance(operation, Mapping) or not isinstance(operation.get("body"), str):
                raise ManifestError(f"Operation {number} has no `body` string.")
            pairs.append((str(operation.get("id") or ""), operation["body"]))
    elif isinstance(data, Mapping) and data and "format" not in data:
        if not all(isinstance(key, str) and isinstance(v, str) for key, v in data.items()):
            raise ManifestError("A plain manifest maps operation ids to query strings.")
        pairs = list(data.items())
    else:
        raise ManifestError(
            f'Expected {{"format": "{MANIFEST_FORMAT}", "version": 1, "operations": [...]}} '
            'or a {"<sha256>": "<query>"} map.'
        )
    documents: dict[str, str] = {}
    for given_id, body in pairs:
        documents[document_hash(body)] = body
        if given_id:
            documents[given_id] = body
    return documents


class TrustedDocuments:
    """The registered operations in one JSON file, re-read when the file changes."""

    #: How often a request may look at the file's modification time.
    check_every = 1.0

    def __init__(self, path: Path) -> None:
        self.path = path
        self._documents: dict[str, str] = {}
        self._stamp: tuple[int, int] | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def get(self, document_id: str) -> str | None:
        """The registered text for an id (a manifest id or the text's SHA-256)."""
        self._refresh()
        return self._documents.get(document_id)

    def __len__(self) -> int:
        self._refresh()
        return len(self._documents)

    def _refresh(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.check_every and self._stamp is not None:
            return
        self._checked = now
        try:
            status = self.path.stat()
        except FileNotFoundError:
            self._documents, self._stamp = {}, (0, 0)
            return
        stamp = (status.st_mtime_ns, status.st_size)
        if stamp != self._stamp:
            self._documents, self._stamp = read_registry(self.path), stamp

    def register(self, documents: Mapping[str, str]) -> tuple[int, int]:
        """Add documents to the file; returns (how many were new, how many it now holds)."""
        with self._lock:
            current = read_registry(self.path)
            added = sum(1 for key in documents if key not in current)
            current.update(documents)
            write_registry(self.path, current)
        self._stamp = None
        return added, len(current)


def read_registry(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    documents = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(documents, dict):
        raise ManifestError(f"{path} is not a trusted documents registry.")
    return {str(key): str(value) for key, value in documents.items()}


def write_registry(path: Path, documents: Mapping[str, str]) -> None:
    """Write atomically (temporary file, then rename): a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"version": 1, "documents": dict(sorted(documents.items()))}, handle)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
