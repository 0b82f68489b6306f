"""What a fitted model holds: the arrays and id maps `fit` builds and an artifact stores."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from recommender.config import Config
from recommender.content import ContentFeatures
from recommender.data import IdMap
from recommender.factors import Factors
from recommender.hybrid import Blend
from recommender.neighbours import Neighbours


@dataclass
class ModelState:
    """Fitted arrays; build with `recommender.fit`, never by hand."""

    config: Config
    users: IdMap
    items: IdMap
    history: sp.csr_matrix  # users x items, log(1 + decayed weighted events)
    history_events: np.ndarray  # int8 per history entry: index into event_names
    event_names: list[str | None]
    popularity: np.ndarray  # normalised popularity component (max 1)
    user_counts: np.ndarray  # distinct users per item
    recent_share: np.ndarray  # share of events in the trending window
    overall_share: np.ndarray  # share of all events
    first_seen: np.ndarray  # timestamp, NaN when unknown
    warm: np.ndarray  # bool: the item has interactions
    neighbours: Neighbours
    content: Neighbours | None
    features: ContentFeatures | None
    categories: list[str | None]
    factors: Factors | None
    blend: Blend
    reference_time: float
    popularity_half_life: float | None
    tuning: dict[str, Any] = field(default_factory=dict)
