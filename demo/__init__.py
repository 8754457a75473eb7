"""The demo sales office of ``make run``: 和玺一期 (HX01), its staff and a month of business.

Every fact is written through the real services, so the demo is data the application could
have produced itself. The month is *replayed on a simulated clock*: while each step runs,
``django.utils.timezone.now`` is patched to that step's entry time, so ``entered_at`` reads as if
a consultant had entered the visit minutes after it, or a clerk had entered the paper sheet that
evening, and a contract is signed, paid and handed over on the days it says. Without it every
past fact would be "entered now": a month squashed into one instant, late by every rule.

The plan is drawn first, as data (``seed.plan_demo``: deterministic for a seed and a "now"),
then written step by step (``seed.seed_demo``, which the ``seed_demo`` command runs). Running
it again is a no-op: the project code marks the demo as present.

- ``history``: the month's visits, calls and follow-ups, each customer's ``Track``;
- ``inventory``: the two buildings' units and prices;
- ``sales``: subscriptions, contracts, payments, certificates, cancellations (``deals``: steps);
- ``aftercare``: the handover and the after-sales tickets;
- ``channels``: the channel's agreement and reports; ``conflicts``: the disputes;
- ``floor``: the pipeline, the pool, pending confirmations, today's rotation;
- ``seed``: the order of it all and the scheduled jobs; ``logins``: what is printed.
"""

# An app at the top of the house: it imports every app, and no app imports it. Nothing is
# imported here, so that Django can load the app before the models are ready.
