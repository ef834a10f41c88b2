"""API.md's rule for stages: consecutive steps with the same non-null parallel group form one
stage (并联), every other step is its own stage, numbered from 1 in order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar, cast


class StepLike(Protocol):
    parallel_group: str
    kind: str
    days: int


# Unbounded: Django model fields are not structural attributes to the type checker, so steps
# are read through the StepLike view below.
S = TypeVar("S")


@dataclass(frozen=True)
class Stage(Generic[S]):
    order: int
    kind: str
    steps: tuple[S, ...]

    @property
    def days(self) -> int:
        """Parallel steps count once: the stage takes as long as its longest step."""
        return max((cast(StepLike, s).days for s in self.steps), default=0)


def build_stages(steps: Sequence[S]) -> list[Stage[S]]:
    """Group ordered steps into stages."""
    groups: list[list[S]] = []
    for step in steps:
        group = cast(StepLike, step).parallel_group
        if groups and group and cast(StepLike, groups[-1][-1]).parallel_group == group:
            groups[-1].append(step)
        else:
            groups.append([step])
    return [
        Stage(order=i, kind=cast(StepLike, g[0]).kind, steps=tuple(g))
        for i, g in enumerate(groups, 1)
    ]


def critical_path_days(steps: Sequence[S]) -> int:
    """Sum over stages of each stage's longest step (the catalog's promised-days rule)."""
    return sum(stage.days for stage in build_stages(steps))
