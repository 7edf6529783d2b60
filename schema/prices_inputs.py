"""Inputs of the price list mutations that name a line only (M4)."""

from __future__ import annotations

from typing import Annotated

import strawberry


@strawberry.input(description="A price list line to remove (M4).")
class DeletePriceListLineInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of one of your price list lines; NOT_FOUND otherwise."
    )


DeletePriceListLineArgument = Annotated[
    DeletePriceListLineInput, strawberry.argument(description="The line to remove.")
]
