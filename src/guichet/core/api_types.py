"""Field types the API schemas share."""

from decimal import Context, Decimal
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

# The largest primary key the databases hold: a larger id in a path is refused (422), never a 500.
MAX_ID = 2**63 - 1
# An event's key in a path (events and partnering days).
EVENT_KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,79}$"
MONEY_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"
# Texts the API writes: no NUL character anywhere (PostgreSQL cannot store one in a text column; the schema says
# so, so a request the schema takes is never refused for it), and TEXT at least one character strip() keeps.
NO_NUL = r"^[^\x00]*$"
TEXT = r"^[^\x00]*[^\s\x00\x1c-\x1f\x85][^\x00]*$"


def _no_nul(value):
    if isinstance(value, str) and "\x00" in value:
        raise PydanticCustomError("string_nul", "a NUL character")  # its words: api_errors.VALIDATION_MESSAGES
    return value


# Before the pattern: a text with a NUL is refused saying so, not as "not in the expected format".
NoNul = BeforeValidator(_no_nul)
CENT = Decimal("0.01")


def _cents(value: Decimal) -> str:
    """To the cent, however large the stored figure (a row out of bounds, kept for staff to repair, must not
    turn a list into a 500: the default 28-digit context cannot quantize 1e30)."""
    if not value.is_finite():
        return str(value)
    return str(value.quantize(CENT, context=Context(prec=max(28, value.adjusted() + 4))))

# An amount in euros, to the cent, as a JSON string ("1500.00"): a JSON number would go through binary floating
# point in most clients (and lose cents on large amounts); a string keeps the stored Decimal exactly.
Money = Annotated[
    Decimal,
    PlainSerializer(_cents, return_type=str),
    WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN, "examples": ["1500.00"],
                    "description": "euros, to the cent, as a string"}),
]
