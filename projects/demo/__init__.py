"""The demo sales office of ``make run``: 和玺一期 (HX01), its staff and a month of business.

Every fact is written through the real services, so the demo is data the application could
have produced itself. The month is *replayed on a simulated clock*: while each step runs,
``django.utils.timezone.now`` is patched to that step's entry time, so ``entered_at`` reads as if
a consultant had entered the visit minutes after it, or a clerk had entered the paper sheet that
evening, and a contract is signed, paid and handed over on the days it says. Without it every
past fact would be "entered now": a month squashed into one instant, late by every rule.

The plan is drawn first, as data (``plan_demo``: deterministic for a seed and a "now"), then
written step by step (``seed_demo``). Running it again is a no-op: the project code marks the
demo as present.

- ``history``: the month's visits, calls and follow-ups, each customer's ``Track``;
- ``inventory``: the two buildings' units and prices;
- ``sales``: subscriptions, contracts, payments, certificates, cancellations (``deals``: steps);
- ``aftercare``: the handover and the after-sales tickets;
- ``channels``: the channel's agreement and reports; ``conflicts``: the disputes;
- ``floor``: the pipeline, the pool, pending confirmations, today's rotation;
- ``seed``: the order of it all and the scheduled jobs; ``logins``: what is printed.
"""

from projects.demo.history import plan_history
from projects.demo.logins import logins, logins_table, width
from projects.demo.seed import (
    CUSTOMER_COUNT,
    FAMILY_COUNT,
    PROJECT_CODE,
    PROJECT_NAME,
    SEED,
    SeedResult,
    admin_create,
    demo_counts,
    plan_demo,
    seed_demo,
    staff_create_all,
)
from projects.demo.staff import PASSWORD

__all__ = [
    "CUSTOMER_COUNT",
    "FAMILY_COUNT",
    "PASSWORD",
    "PROJECT_CODE",
    "PROJECT_NAME",
    "SEED",
    "SeedResult",
    "admin_create",
    "demo_counts",
    "logins",
    "logins_table",
    "plan_demo",
    "plan_history",
    "seed_demo",
    "staff_create_all",
    "width",
]
