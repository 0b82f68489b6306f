"""Product questions and answers: asking, answering, accepting, votes and moderation."""

from services.community.questions import targets  # noqa: F401  (registers moderation's handles)
from services.community.questions.writing import (
    accept_answer,
    answer_question,
    ask_question,
    delete_answer,
    delete_question,
    edit_answer,
    edit_question,
    vote_answer,
)

__all__ = [
    "accept_answer",
    "answer_question",
    "ask_question",
    "delete_answer",
    "delete_question",
    "edit_answer",
    "edit_question",
    "vote_answer",
]
