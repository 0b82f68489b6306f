"""The profanity filter: better-profanity's built-in list (with its leetspeak variants), plus
the words a shop adds in its settings or through staff mutations.

better-profanity was chosen over a hand-written list: it is the widely used, MIT-licensed
word-list filter on PyPI, masks as well as detects, and generates the variants (`sh1t`,
`$hit`) of every word it is given, the shop's own included. Its ML-based alternatives
(alt-profanity-check) only score whole texts and cannot mask or take a shop's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from better_profanity import Profanity

MASK = "*"


@dataclass(frozen=True)
class Filtered:
    found: bool
    masked: str


@lru_cache(maxsize=8)
def _filter(extra: frozenset[str]) -> Profanity:
    # Building the variants costs ~25 ms: one filter per distinct word set, kept.
    profanity = Profanity()
    profanity.load_censor_words()
    if extra:
        profanity.add_censor_words(sorted(extra))
    return profanity


def check(text: str, *, extra: frozenset[str] = frozenset()) -> Filtered:
    """Whether `text` holds a listed word, and the text with every such word masked."""
    profanity = _filter(extra)
    masked = profanity.censor(text, MASK)
    return Filtered(found=masked != text, masked=masked)


def normalize_word(word: str) -> str:
    return " ".join(word.lower().split())
