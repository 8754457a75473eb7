"""What each kind of notification says, in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from projects.models import Notification

MESSAGES = {
    "claim_lapsing": _("Your claim on %(customer)s lapses at the end of %(until)s: follow up."),
    "claim_superseded": _(
        "%(customer)s joined a household owned by %(owner)s; your claim is superseded (A3)."
    ),
    "claim_released": _("%(count)s households of %(consultant)s went to the pool (A12)."),
    "household_assigned": _("%(customer)s is now yours (%(rule)s): %(reason)s"),
    "household_taken_away": _("%(customer)s was moved to %(owner)s (%(rule)s): %(reason)s"),
    "pending_claim_submitted": _("%(consultant)s claims pending customer %(customer)s."),
    "pending_claim_decided": _("Your claim on %(customer)s was %(outcome)s."),
    "reception_unregistered": _(
        "A walk-in received by %(consultant)s at %(time)s was not registered in time."
    ),
    "dispute_opened": _("A dispute was opened on %(customer)s: %(reason)s"),
    "dispute_ruled": _("The dispute on %(customer)s was ruled: %(owner)s owns it."),
    "dispute_appealed": _("The ruling on %(customer)s was appealed."),
    "deal_taken_in_absence": _(
        "%(closer)s took a subscription of %(unit)s from your customer %(customer)s while you "
        "were away; the commission is shared."
    ),
    "subscription_cancelled": _(
        "The subscription of %(unit)s by %(customer)s was cancelled: %(reason)s"
    ),
    "payment_overdue": _("%(customer)s: %(amount)s due on %(due)s is overdue."),
    "payment_overdue_escalated": _(
        "%(customer)s: %(amount)s due on %(due)s is %(days)s days overdue (contract %(number)s)."
    ),
    "ticket_overdue": _("Ticket %(number)s is past its deadline."),
    "ticket_promise_overdue": _(
        "Ticket %(number)s: the deadline promised to %(customer)s (%(due)s) has passed."
    ),
    "ticket_waiting": _("Ticket %(number)s (%(customer)s) waits for you: %(title)s"),
    "follow_up_due": _("After-handover visit due for %(customer)s."),
    "certificate_issued": _(
        "The payoff certificate %(number)s of %(unit)s (%(customer)s) was issued."
    ),
    "certificate_revoked": _(
        "The payoff certificate %(number)s of %(unit)s was revoked: %(reason)s"
    ),
    "daily_summary": _("Today: %(visits)s visits, %(calls)s calls, %(unregistered)s unregistered."),
    "channel_report_lapsed": _(
        "Your report of %(customer)s (%(phone)s) lapsed after %(until)s without a visit."
    ),
    "channel_visit_confirmed": _(
        "The visit of %(customer)s reported by %(channel)s is confirmed, protected until "
        "%(until)s: sign the confirmation."
    ),
    "channel_report_skimming": _(
        "%(agent)s (%(channel)s) reported %(customer)s (%(phone)s), received on site at "
        "%(time)s before the report: possible skimming (A13)."
    ),
}


def render(notification: Notification) -> str:
    template = MESSAGES.get(notification.kind)
    if template is None:
        return notification.kind
    try:
        return str(template) % notification.params
    except (KeyError, TypeError, ValueError):
        return str(template)
