"""How an app lends itself to one below it: the lower app keeps a list (a timeline's sources,
reactions to an event, menu items) and the higher one connects to it in ``AppConfig.ready``,
so that imports only ever run downwards."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def connect(registry: list[T], item: T) -> None:
    """Add ``item`` once: ``ready`` may run more than once (tests that reload apps)."""
    if item not in registry:
        registry.append(item)
