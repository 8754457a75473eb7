"""The engine's verdict in words: the API's ATTRIBUTION object and plain sentences per rule."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext as _

from attribution.facts import BasisItem, Verdict

STATUS_LABELS = {
    "active": lambda: _("Owned"),
    "pending": lambda: _("Pending confirmation"),
    "pool": lambda: _("Public pool"),
    "locked": lambda: _("Deal signed"),
    "disputed": lambda: _("Disputed"),
}


def local_date(value: datetime | None, tz: ZoneInfo) -> str:
    if value is None:
        return ""
    return formats.date_format(value.astimezone(tz), "MONTH_DAY_FORMAT")


def basis_text(item: BasisItem, names: dict[str, str], tz: ZoneInfo) -> str:
    params = dict(item.params)
    for key in ("consultant", "owner", "previous"):
        if key in params:
            params[key] = names.get(params[key], params[key])
    when = item.event.occurred_at if item.event else None
    params.setdefault("date", local_date(when, tz))
    if item.rule == "A1":
        return _("%(consultant)s: first registration on %(date)s (A1)") % params
    return _("Rule %(rule)s on %(date)s") % {"rule": item.rule, **params}


def verdict_payload(verdict: Verdict, tz: ZoneInfo, names: dict[str, str]) -> dict:
    """The ATTRIBUTION object of API.md."""

    def person(username: str | None) -> dict | None:
        if not username:
            return None
        return {"username": username, "name": names.get(username, username)}

    def iso(value: datetime | None) -> str | None:
        return value.astimezone(tz).isoformat() if value else None

    return {
        "owner": person(verdict.owner),
        "channel": verdict.channel,
        "status": verdict.status,
        "since": iso(verdict.since),
        "expires_at": iso(verdict.expires_at),
        "basis": [
            {
                "rule": item.rule,
                "event": {
                    "type": item.event.type,
                    "id": item.event.id,
                    "occurred_at": iso(item.event.occurred_at),
                }
                if item.event
                else None,
                "text": basis_text(item, names, tz),
            }
            for item in verdict.basis
        ],
        "policy_version": verdict.policy_version,
    }


def verdict_usernames(verdict: Verdict) -> set[str]:
    found = {verdict.owner} if verdict.owner else set()
    for item in verdict.basis:
        found |= {v for k, v in item.params.items() if k in ("consultant", "owner", "previous")}
    return {u for u in found if u}


def verdict_line(verdict: Verdict, tz: ZoneInfo, names: dict[str, str]) -> str:
    """One sentence for the front desk: who owns it, why, until when."""
    parts = [basis_text(item, names, tz) for item in verdict.basis]
    if verdict.expires_at:
        parts.append(_("protected until %(date)s") % {"date": local_date(verdict.expires_at, tz)})
    return ", ".join(parts)
