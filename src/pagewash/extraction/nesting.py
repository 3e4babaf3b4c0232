"""Grouping flat runs into a tree: block units by their list/quote frames, inline pieces by
their formats. Each item carries the path of containers it sits in, outermost first."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item", bound=tuple[Any, tuple[Any, ...]])


def runs_at(items: Sequence[Item], depth: int) -> Iterator[tuple[Any, Sequence[Item]]]:
    """The items in order, grouped by the container at ``depth`` of their paths: consecutive
    items inside the same container (the same object) form one group with that container;
    an item whose path ends above ``depth`` stands alone, with None."""
    index = 0
    while index < len(items):
        path = items[index][1]
        if len(path) <= depth:
            yield None, items[index : index + 1]
            index += 1
            continue
        container = path[depth]
        end = index + 1
        while end < len(items) and len(items[end][1]) > depth and items[end][1][depth] is container:
            end += 1
        yield container, items[index:end]
        index = end
