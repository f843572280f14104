"""Field types the API schemas share."""

from decimal import Decimal
from typing import Annotated

from pydantic import PlainSerializer, WithJsonSchema

MONEY_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"
CENT = Decimal("0.01")

# An amount in euros, to the cent, as a JSON string ("1500.00"): a JSON number would go through binary floating
# point in most clients (and lose cents on large amounts); a string keeps the stored Decimal exactly.
Money = Annotated[
    Decimal,
    PlainSerializer(lambda value: str(value.quantize(CENT)), return_type=str),
    WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN, "examples": ["1500.00"],
                    "description": "euros, to the cent, as a string"}),
]
