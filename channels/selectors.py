"""Reads other apps need from channels."""

from __future__ import annotations

from decimal import Decimal

from projects.models import Project


def channel_share(*, project: Project, channel: str) -> Decimal | None:
    """The channel's commission share (percent) per its agreement with the project, if any."""
    return None
