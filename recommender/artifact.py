"""The saved form of a model: named numpy arrays plus one JSON `meta` entry (format, version)."""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import numpy as np
import scipy.sparse as sp

from recommender.config import Config
from recommender.content import ContentFeatures
from recommender.data import IdMap
from recommender.factors import Factors
from recommender.hybrid import Blend
from recommender.neighbours import Neighbours
from recommender.state import ModelState

FORMAT = "shopgraph-recommender"
VERSION = 1
State = TypeVar("State", bound=ModelState)


def to_arrays(model: ModelState) -> dict[str, np.ndarray]:
    """Everything needed to serve, as arrays; `meta` holds the JSON part."""
    arrays: dict[str, np.ndarray] = {
        "history_indptr": model.history.indptr,
        "history_indices": model.history.indices,
        "history_data": model.history.data,
        "history_events": model.history_events,
        "popularity": model.popularity,
        "user_counts": model.user_counts,
        "recent_share": model.recent_share,
        "overall_share": model.overall_share,
        "first_seen": model.first_seen,
        "warm": model.warm,
        "neighbour_index": model.neighbours.index,
        "neighbour_weight": model.neighbours.weight,
        "blend_weights": model.blend.weights,
    }
    meta: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "saved_at": datetime.now(UTC).isoformat(),
        "config": model.config.to_json(),
        "users": json_ready(model.users.ids),
        "items": json_ready(model.items.ids),
        "event_names": model.event_names,
        "categories": model.categories,
        "blend_bounds": list(model.blend.bounds),
        "reference_time": model.reference_time,
        "popularity_half_life": model.popularity_half_life,
        "tuning": model.tuning,
        "has_content": model.content is not None,
        "has_factors": model.factors is not None,
    }
    if model.content is not None and model.features is not None:
        arrays["content_index"] = model.content.index
        arrays["content_weight"] = model.content.weight
        features = model.features
        arrays["feature_indptr"] = features.matrix.indptr
        arrays["feature_indices"] = features.matrix.indices
        arrays["feature_data"] = features.matrix.data
        arrays["age_min"] = features.age_min
        arrays["age_max"] = features.age_max
        arrays["created_at"] = features.created_at
        meta["vocabulary"] = features.vocabulary
    if model.factors is not None:
        arrays["factor_user"] = model.factors.user
        arrays["factor_item"] = model.factors.item
        arrays["factor_user_bias"] = model.factors.user_bias
        arrays["factor_item_bias"] = model.factors.item_bias
        meta["global_mean"] = model.factors.global_mean
    arrays["meta"] = encode_meta(meta)
    return arrays


def from_arrays(arrays: dict[str, np.ndarray], into: type[State]) -> State:
    """Rebuild a model from `to_arrays` output; rejects other formats and newer versions."""
    if "meta" not in arrays:
        raise ValueError("not a recommender artifact: no meta entry")
    meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    if meta.get("format") != FORMAT:
        raise ValueError(f"not a recommender artifact: format {meta.get('format')!r}")
    if meta.get("version") != VERSION:
        raise ValueError(
            f"artifact version {meta.get('version')} is not {VERSION}: refit the model"
        )
    users, items = IdMap(meta["users"]), IdMap(meta["items"])
    shape = (len(users), len(items))
    history = sp.csr_matrix(
        (arrays["history_data"], arrays["history_indices"], arrays["history_indptr"]), shape=shape
    )
    content = features = None
    if meta["has_content"]:
        content = Neighbours(arrays["content_index"], arrays["content_weight"])
        matrix = sp.csr_matrix(
            (arrays["feature_data"], arrays["feature_indices"], arrays["feature_indptr"]),
            shape=(len(items), len(meta["vocabulary"])),
        )
        features = ContentFeatures(
            matrix, meta["vocabulary"], arrays["age_min"], arrays["age_max"], arrays["created_at"]
        )
    factors = None
    if meta["has_factors"]:
        factors = Factors(
            arrays["factor_user"],
            arrays["factor_item"],
            arrays["factor_user_bias"],
            arrays["factor_item_bias"],
            float(meta["global_mean"]),
        )
    return into(
        config=Config.from_json(meta["config"]),
        users=users,
        items=items,
        history=history,
        history_events=arrays["history_events"],
        event_names=meta["event_names"],
        popularity=arrays["popularity"],
        user_counts=arrays["user_counts"],
        recent_share=arrays["recent_share"],
        overall_share=arrays["overall_share"],
        first_seen=arrays["first_seen"],
        warm=arrays["warm"],
        neighbours=Neighbours(arrays["neighbour_index"], arrays["neighbour_weight"]),
        content=content,
        features=features,
        categories=meta["categories"],
        factors=factors,
        blend=Blend(tuple(meta["blend_bounds"]), arrays["blend_weights"]),
        reference_time=float(meta["reference_time"]),
        popularity_half_life=meta["popularity_half_life"],
        tuning=meta["tuning"],
    )


def json_ready(ids: Sequence[Hashable]) -> list[Any]:
    """Ids as JSON values; only str and int survive a round trip unchanged."""
    ready: list[Any] = []
    for raw in ids:
        if isinstance(raw, np.integer):
            raw = int(raw)
        if isinstance(raw, bool) or not isinstance(raw, str | int):
            raise TypeError(f"ids must be str or int to be saved, got {type(raw).__name__}")
        ready.append(raw)
    return ready


def encode_meta(meta: dict[str, Any]) -> np.ndarray:
    """JSON metadata as a uint8 array (npz holds arrays only)."""
    return np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
