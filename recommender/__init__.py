"""The embedded recommender: a hybrid of popularity, item-item neighbours, latent factors
(surprise's SVD on 0/1 interactions) and item content, served from numpy arrays.

No database and no GraphQL in here; nothing else of shopgraph is imported.
"""

from recommender.config import DEFAULT_EVENT_WEIGHTS, Config
from recommender.content import Context, ItemInfo
from recommender.data import Interaction, Interactions
from recommender.evaluate import Evaluation, Scores, evaluate
from recommender.model import Explanation, Model, Recommendation, load
from recommender.training import fit

__all__ = [
    "DEFAULT_EVENT_WEIGHTS",
    "Config",
    "Context",
    "Evaluation",
    "Explanation",
    "Interaction",
    "Interactions",
    "ItemInfo",
    "Model",
    "Recommendation",
    "Scores",
    "evaluate",
    "fit",
    "load",
]
