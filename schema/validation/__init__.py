"""One check of every argument value before any resolver runs.

limits.py says what each argument accepts, answers.py how a refusal is answered, and
execution.py runs the checks once per operation inside graphql-core's executor.
"""

from schema.validation.answers import error_payload
from schema.validation.execution import CheckedExecution, answer_id_mismatches
from schema.validation.limits import Limits, Problem, argument_problems, limits_for

__all__ = [
    "CheckedExecution",
    "Limits",
    "Problem",
    "answer_id_mismatches",
    "argument_problems",
    "error_payload",
    "limits_for",
]
