"""The engine's verdict in words: the API's ATTRIBUTION object and one plain sentence per rule,
in the reader's language, e.g.
归属王芳:3月2日首次来访登记(A1),最后跟进3月8日,保护期至3月15日(7天,A2)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attribution.facts import BasisItem, Verdict

PEOPLE_KEYS = ("consultant", "owner", "previous", "closer", "receiver")
STATUS_LABELS = {
    "active": lambda: _("Owned"),
    "pending": lambda: _("Pending confirmation"),
    "pool": lambda: _("Public pool"),
    "locked": lambda: _("Deal signed"),
    "disputed": lambda: _("Disputed"),
}
KIND_LABELS = {"visit": gettext_lazy("visit"), "call": gettext_lazy("call")}


def local_date(value: datetime | None, tz: ZoneInfo) -> str:
    if value is None:
        return ""
    return formats.date_format(value.astimezone(tz), "MONTH_DAY_FORMAT")


def local_datetime(value: datetime | None, tz: ZoneInfo) -> str:
    if value is None:
        return ""
    return formats.date_format(value.astimezone(tz), "DATETIME_FORMAT")


def _sentence(item: BasisItem, p: dict) -> str:
    rule, params = item.rule, item.params
    if rule == "A1" and params.get("collision"):
        return (
            _("%(consultant)s registered the same day as %(owner)s: the manager decides (A1)") % p
        )
    if rule == "A1":
        return _("%(consultant)s owns it: first %(kind)s registration on %(date)s (A1)") % p
    if rule == "A2" and "until" in params:
        return _("last contact %(date)s, protected until %(until)s (%(days)s days, A2)") % p
    if rule == "A2" and "lapsed" in params:
        return _("%(previous)s's claim lapsed after %(lapsed)s: public pool (A2)") % p
    if rule == "A2":
        return _("subscription cancelled on %(date)s: %(consultant)s's claim restarts (A2)") % p
    if rule == "A3" and params.get("consultant"):
        return (
            _(
                "households joined on %(date)s: %(consultant)s keeps it, "
                "%(previous)s's claim is superseded (A3)"
            )
            % p
        )
    if rule == "A3":
        return _("households joined on %(date)s with no live claim: public pool (A3)") % p
    if rule == "A4" and params.get("outcome") == "approved":
        return _("%(consultant)s's claim approved on %(date)s (A4)") % p
    if rule == "A4" and params.get("outcome") == "unclaimed":
        return _("nobody claimed it: %(consultant)s's registration of %(date)s (A4)") % p
    if rule == "A4":
        return (
            _(
                "pending confirmation, registered by %(consultant)s on %(date)s; "
                "claims until %(until)s (A4)"
            )
            % p
        )
    if rule == "A5":
        return _("%(consultant)s owns it: named by the visitor on %(date)s (A5)") % p
    if rule == "A6":
        return _("%(consultant)s owns it: referred by their customer on %(date)s (A6)") % p
    if rule == "A8" and params.get("collision"):
        return (
            _(
                "subscription by %(closer)s on %(date)s while %(consultant)s's claim was "
                "alive: a collision for the manager (A8)"
            )
            % p
        )
    if rule == "A8" and params.get("earlier"):
        return (
            _(
                "subscription on %(date)s: %(consultant)s's claim was alive at %(closer)s's "
                "first registration, %(consultant)s keeps it (A8)"
            )
            % p
        )
    if rule == "A8":
        return _("subscription on %(date)s: %(consultant)s's deal (A8)") % p
    if rule == "A9":
        return _("%(consultant)s had reached the claim quota on %(date)s: public pool (A9)") % p
    if rule == "A11":
        return _("reassigned to %(consultant)s on %(date)s (A11)") % p
    if rule == "A12":
        return _("%(previous)s left on %(date)s: public pool (A12)") % p
    if rule == "A14" and params.get("cooldown"):
        return _("%(consultant)s let it lapse and cannot win it back yet (A14)") % p
    if rule == "A14":
        return _("%(consultant)s took it from the public pool on %(date)s (A14)") % p
    if rule == "M" and params.get("consultant"):
        return _("manager's ruling on %(date)s: %(consultant)s (M)") % p
    if rule == "M":
        return _("manager's ruling on %(date)s: public pool (M)") % p
    return _("rule %(rule)s on %(date)s") % p


def basis_text(item: BasisItem, names: dict[str, str], tz: ZoneInfo) -> str:
    params = {
        key: names.get(value, value) if key in PEOPLE_KEYS else value
        for key, value in item.params.items()
    }
    params = {k: (_("nobody") if k in PEOPLE_KEYS and v is None else v) for k, v in params.items()}
    for key in ("until", "lapsed"):
        if isinstance(params.get(key), datetime):
            params[key] = local_date(params[key], tz)
    params["kind"] = KIND_LABELS.get(params.get("kind"), params.get("kind", ""))
    params["date"] = local_date(item.event.occurred_at if item.event else None, tz)
    params["rule"] = item.rule
    return _sentence(item, params)


def status_label(status: str) -> str:
    label = STATUS_LABELS.get(status)
    return label() if label else status


def verdict_usernames(verdict: Verdict) -> set[str]:
    found = {verdict.owner, verdict.last_owner}
    for item in verdict.basis:
        found |= {v for k, v in item.params.items() if k in PEOPLE_KEYS}
    return {u for u in found if isinstance(u, str) and u}


def verdict_payload(verdict: Verdict, tz: ZoneInfo, names: dict[str, str]) -> dict:
    """The ATTRIBUTION object of API.md."""

    def person(username: str | None) -> dict | None:
        return {"username": username, "name": names.get(username, username)} if username else None

    def iso(value: datetime | None) -> str | None:
        return value.astimezone(tz).isoformat() if value else None

    channel = dict(verdict.channel) if verdict.channel else None
    if channel and isinstance(channel.get("protected_until"), datetime):
        channel["protected_until"] = iso(channel["protected_until"])
    return {
        "owner": person(verdict.owner),
        "channel": channel,
        "status": verdict.status,
        "status_label": status_label(verdict.status),
        "since": iso(verdict.since),
        "expires_at": iso(verdict.expires_at),
        "last_owner": person(verdict.last_owner),
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


def verdict_json(verdict: Verdict, tz: ZoneInfo) -> dict:
    """The ATTRIBUTION object, looking up the names it mentions (one query)."""
    from attribution.selectors import names_for

    return verdict_payload(verdict, tz, names_for(verdict_usernames(verdict)))


def verdict_line(verdict: Verdict, tz: ZoneInfo, names: dict[str, str]) -> str:
    """One sentence for the front desk: who owns it, why, until when."""
    return _(", ").join(basis_text(item, names, tz) for item in verdict.basis)
