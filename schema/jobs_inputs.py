"""Inputs of the job mutations (K1)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain import jobs as domain


@strawberry.input(description="The demo job: it counts to n, showing progress and its log.")
class StartDemoJobInput:
    n: int = strawberry.field(description="How far it counts: 1 to 1,000 steps.")

    def to_domain(self) -> domain.DemoJob:
        return domain.DemoJob(n=self.n)


StartDemoJobArgument = Annotated[
    StartDemoJobInput, strawberry.argument(description="How far the job counts.")
]
