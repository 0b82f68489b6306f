"""Errors at the edge of the contract.

Unexpected failures reach the client as a request id, never as internals; expected ones stay
readable, carry an `extensions.code`, never echo a huge input back, and log one line.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import strawberry
from graphql import GraphQLSyntaxError
from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.schema.exceptions import CannotGetOperationTypeError
from strawberry.types import ExecutionContext

logger = logging.getLogger("shopgraph.errors")

# A value quoted back in a message is cut to this many characters; a message to MAX_MESSAGE.
MAX_VALUE = 80
MAX_MESSAGE = 500
_LONG_RUN = re.compile(rf"\S{{{MAX_VALUE + 1},}}")
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def is_unexpected(error: GraphQLError) -> bool:
    """Errors we raised on purpose (GraphQLError) and validation errors stay readable."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def shorten(message: str) -> str:
    """`message` with every long run cut, and at most MAX_MESSAGE characters overall."""
    message = _LONG_RUN.sub(
        lambda run: f"{run.group()[: MAX_VALUE // 2]}…[{len(run.group())} characters]",
        message,
    )
    if len(message) > MAX_MESSAGE:
        # The end usually says what was expected, so keep it.
        message = f"{message[: MAX_MESSAGE - 120]} … {message[-100:]}"
    return message


def without_suggestions(message: str) -> str:
    """`message` without graphql-core's "Did you mean ...?" hints (they name schema parts)."""
    return _SUGGESTION.sub("", message)


def error_code(error: GraphQLError) -> str:
    code = (error.extensions or {}).get("code")
    return str(code) if code else "GRAPHQL_ERROR"


class ShopSchema(strawberry.Schema):
    """strawberry's Schema, coding and logging client errors as one INFO line each.

    strawberry logs every error at ERROR with a traceback; expected errors are the client's
    business, and unexpected ones are logged with their traceback when they are masked.
    """

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        executed = execution_context is not None and execution_context.result is not None
        request_id = getattr(getattr(execution_context, "context", None), "request_id", "-")
        for error in errors:
            if is_unexpected(error):
                continue
            extensions = error.extensions or {}
            if not extensions.get("code"):
                error.extensions = {**extensions, "code": _phase_code(error, executed)}
            logger.info(
                "client error %s at %s (request id %s): %s",
                error_code(error),
                ".".join(str(part) for part in error.path or []) or "operation",
                request_id,
                shorten(error.message),
            )


def _phase_code(error: GraphQLError, executed: bool) -> str:
    if isinstance(error, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED"
    if not executed:
        return "GRAPHQL_VALIDATION_FAILED"
    # Execution errors without a path are about the request: variables that do not coerce.
    return "BAD_USER_INPUT" if error.path is None else "GRAPHQL_ERROR"


class AmbiguousOperation(CannotGetOperationTypeError):
    """A document with several operations and no `operationName`."""

    def __init__(self) -> None:
        super().__init__(None)

    def as_http_error_reason(self) -> str:
        return "The document contains several operations; say which one to run with operationName."


class MaskUnexpectedErrors(MaskErrors):
    """Mask unexpected errors, logged with the request id the client is shown; bound the rest."""

    def __init__(self, *, suggestions: bool = True) -> None:
        super().__init__(should_mask_error=is_unexpected)
        self.suggestions = suggestions

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors(errors)
        for error in processed:
            message = error.message if self.suggestions else without_suggestions(error.message)
            error.message = shorten(message)
        return processed

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        context: Any = self.execution_context.context
        request_id = getattr(context, "request_id", "unknown")
        logger.error(
            "Unexpected error in %s (request id %s)",
            ".".join(str(part) for part in error.path or []) or "operation",
            request_id,
            exc_info=error.original_error,
        )
        return GraphQLError(
            message=f"Unexpected error. Quote request id {request_id} when reporting it.",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )
