"""Inputs of the exchange rate mutations that name a rate only (M6)."""

from __future__ import annotations

from typing import Annotated

import strawberry


@strawberry.input(description="A rate to remove (M6: global master data).")
class DeleteExchangeRateInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of the exchange rate; NOT_FOUND otherwise."
    )


DeleteExchangeRateArgument = Annotated[
    DeleteExchangeRateInput, strawberry.argument(description="The rate to remove.")
]
