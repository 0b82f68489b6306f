"""Ids in payloads as a client uses them: the GraphQL global ID, built without the schema.

Services may not import the schema, so this repeats strawberry's form (base64 of
"TypeName:pk"); tests/events/test_payloads.py checks that both agree.
"""

from __future__ import annotations

import base64


def global_id(type_name: str, pk: int | str | None) -> str | None:
    """The global ID of row `pk` of GraphQL type `type_name` (None for no row)."""
    if pk is None:
        return None
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode("ascii")


def pk_of(value: object) -> int | None:
    """The row id inside a payload's global ID; None for none or anything malformed."""
    if not value:
        return None
    try:
        _, _, pk = base64.b64decode(str(value), validate=True).decode().partition(":")
        return int(pk)
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        return None
