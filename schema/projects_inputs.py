"""Inputs of the project mutations that name a task only."""

from __future__ import annotations

from typing import Annotated

import strawberry


@strawberry.input(description="A task to remove: refused while an expense line or actual uses it.")
class DeleteTaskInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of one of your tasks; NOT_FOUND otherwise, IN_USE when expenses, "
        "invoices or actuals use it."
    )


DeleteTaskArgument = Annotated[
    DeleteTaskInput, strawberry.argument(description="The task to remove.")
]
