"""Writes of the orders app: units, subscriptions (认购) and their cancellation (退订).

A subscription locks the unit row, then the household (always in that order, so two writers
cannot deadlock), records the deal as a ledger event, lets the engine decide the household
(A8), and stores the commission split of §6. The ``UnitHold`` one-to-one is the database's
own guarantee that a unit is never subscribed twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.facts import Verdict
from attribution.policy import Policy
from attribution.selectors import household_verdict, policy_in_force
from attribution.services import ensure_acts_for, ensure_manager, household_states_refresh
from channels.selectors import channel_share
from commission.models import CommissionSource
from commission.rules import OWNER, DealFacts, Share, deal_shares
from commission.services import commission_set
from customers.models import Customer, Household, Stage
from customers.validity import attribution_time
from desk.pipeline import stage_move
from disputes.models import Dispute, DisputeKind
from disputes.opening import dispute_open
from orders.grid import floor_from_room
from orders.models import Subscription, SubscriptionCancellation, Unit, UnitHold, UnitStatus
from projects.access import display_name, has_role
from projects.models import Project
from projects.notifications import notify
from projects.roles import Role
from salesoffice.errors import Conflict, DomainError

User = get_user_model()
CLOSING_ROLES = (Role.CONSULTANT, Role.MANAGER)


# -- units --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitInput:
    building: str
    room: str
    area: Decimal
    list_price: Decimal
    unit: str = ""
    floor: int | None = None
    layout: str = ""


def unit_create(*, project: Project, data: UnitInput, acting_user) -> Unit:
    """A unit of the inventory (manager). Without a floor, the room number gives it (1502)."""
    ensure_manager(acting_user, project)
    floor = data.floor if data.floor is not None else floor_from_room(data.room)
    try:
        with transaction.atomic():
            return Unit.objects.create(
                project=project,
                building=data.building.strip(),
                unit=data.unit.strip(),
                floor=floor,
                room=data.room.strip(),
                layout=data.layout.strip(),
                area=data.area,
                list_price=data.list_price,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("This unit is already in the inventory."),
            code="unit_exists",
            fields={"room": [_("Already in the inventory.")]},
        ) from exc


# -- subscriptions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionInput:
    unit: Unit
    customer: Customer
    consultant: object  # the closer: who took the subscription
    deposit: Decimal
    occurred_at: datetime
    owner_absent: bool = False
    deposit_only: bool = False
    assisted_by: object | None = None
    price: Decimal | None = None
    note: str = ""


@dataclass(frozen=True)
class SubscriptionResult:
    subscription: Subscription
    verdict: Verdict
    shares: list[Share]
    dispute: Dispute | None = None


def _invalid(field: str, message: str, code: str) -> DomainError:
    return DomainError(message, code=code, fields={field: [message]})


def ensure_may_subscribe(data: SubscriptionInput, acting_user) -> None:
    """A consultant takes a deal as themself, clerks and managers for anyone; the closer and
    any helper are consultants (or managers) of the project, the customer one of its own."""
    project = data.unit.project
    ensure_acts_for(acting_user, data.consultant, project)
    if not has_role(data.consultant, *CLOSING_ROLES):
        raise _invalid("consultant", _("Only consultants take subscriptions."), "not_a_consultant")
    if data.assisted_by is not None and not has_role(data.assisted_by, *CLOSING_ROLES):
        raise _invalid("assisted_by", _("The helper must be a consultant."), "not_a_consultant")
    if data.customer.project_id != project.pk:
        raise _invalid(
            "customer",
            _("The customer is not one of this project's."),
            "customer_not_in_project",
        )


def validate_amounts(price: Decimal, deposit: Decimal) -> None:
    if price <= 0:
        raise _invalid("price", _("The price must be positive."), "invalid")
    if deposit <= 0:
        raise _invalid("deposit", _("The deposit must be positive."), "invalid")
    if deposit > price:
        raise _invalid("deposit", _("The deposit exceeds the price."), "deposit_exceeds_price")


def lock_unit(unit: Unit) -> Unit:
    """The unit's row, locked: the first of the two locks of a deal."""
    return Unit.objects.select_for_update().get(pk=unit.pk)


def lock_household_of(customer: Customer) -> Household:
    """The customer's household, locked: the second lock of a deal. A merge (A3) may move the
    customer while we wait for it, so their household is read again once the lock is held."""
    while True:
        household = Household.objects.select_for_update().get(pk=customer.household_id)
        customer.refresh_from_db(fields=["household"])
        if customer.household_id == household.pk:
            return household


def _ensure_unit_free(unit: Unit) -> None:
    if unit.status != UnitStatus.AVAILABLE:
        raise Conflict(
            _("Unit %(unit)s is already taken (%(status)s).")
            % {"unit": unit, "status": unit.get_status_display()},
            code="unit_taken",
        )


def _hold(unit: Unit, subscription: Subscription, now: datetime) -> None:
    """The hold's one-to-one on the unit refuses a second live deal even if a writer skipped
    the row lock (the admin, a script): that is a taken unit too, not a server error."""
    try:
        with transaction.atomic():
            UnitHold.objects.create(unit=unit, subscription=subscription, held_since=now)
    except IntegrityError as exc:
        raise Conflict(
            _("Unit %(unit)s is already taken.") % {"unit": unit}, code="unit_taken"
        ) from exc


def _record(
    data: SubscriptionInput, unit: Unit, price: Decimal, policy: Policy, now: datetime, acting_user
) -> Subscription:
    return Subscription.objects.create(
        project=unit.project,
        unit=unit,
        customer=data.customer,
        consultant=data.consultant,
        price=price,
        deposit=data.deposit,
        occurred_at=data.occurred_at,
        # Entered late (beyond max_entry_delay_hours), a deal counts from its entry: nobody
        # backdates a deposit to win a household.
        attributed_at=attribution_time(data.occurred_at, now, policy.max_entry_delay_hours),
        owner_absent=data.owner_absent,
        deposit_only=data.deposit_only,
        assisted_by=data.assisted_by,
        note=data.note.strip(),
        entered_at=now,
        entered_by=acting_user,
    )


def _take_unit(
    data: SubscriptionInput, unit: Unit, price: Decimal, policy: Policy, now: datetime, acting_user
) -> Subscription:
    """The deal recorded and the (locked) unit held by it."""
    _ensure_unit_free(unit)
    subscription = _record(data, unit, price, policy, now, acting_user)
    _hold(unit, subscription, now)
    unit.status = UnitStatus.SUBSCRIBED
    unit.save(update_fields=["status"])
    return subscription


def _refresh(household: Household, now: datetime) -> Verdict:
    """The engine's answer after the change, stored as the household's materialised state."""
    verdicts = household_states_refresh(
        project=household.project, household_ids=[household.pk], now=now
    )
    return verdicts[household.pk]


def deal_collides(verdict: Verdict, subscription: Subscription) -> bool:
    """A8: the engine flags its basis item when someone other than the live owner closed
    while the owner was not absent."""
    return any(
        item.rule == "A8"
        and item.event is not None
        and item.event.id == subscription.pk
        and item.params.get("collision")
        for item in verdict.basis
    )


def rules_shares(
    subscription: Subscription, verdict: Verdict, policy: Policy, *, collision: bool
) -> list[Share]:
    """§6 for this deal, with users in place of usernames, ready for ``commission_set``."""
    project = subscription.project
    channel = (verdict.channel or {}).get("name")
    facts = DealFacts(
        owner=verdict.owner,
        closer=subscription.consultant.username,
        owner_absent=subscription.owner_absent,
        deposit_only=subscription.deposit_only,
        assisted_by=subscription.assisted_by.username if subscription.assisted_by else None,
        collision=collision,
        channel=channel,
        channel_percent=(
            # The agreement in force on the day the deal counts from.
            channel_share(project=project, channel=channel, at=subscription.attributed_at)
            if channel
            else None
        ),
    )
    shares = deal_shares(facts, policy.splits)
    wanted = {s.consultant for s in shares if s.consultant}
    users = User.objects.in_bulk(wanted, field_name="username")
    return [Share(s.percent, users.get(s.consultant), s.channel, s.role) for s in shares]


def _owner_of(shares: list[Share]):
    return next((s.consultant for s in shares if s.role == OWNER), None)


def _open_collision(subscription: Subscription, household: Household, owner, acting_user):
    """A8: the manager decides a collision; until then the owner's 100 % stands."""
    closer = subscription.consultant
    return dispute_open(
        household=household,
        claimant=closer,
        reason=_("Subscription by %(closer)s while %(owner)s's claim was alive (A8).")
        % {"closer": display_name(closer), "owner": display_name(owner)},
        acting_user=acting_user,
        kind=DisputeKind.DEAL,
        subscription=subscription,
    )


def _tell_absent_owner(subscription: Subscription, owner) -> None:
    """An absent owner learns that a colleague took a deposit from their customer."""
    if owner is None or owner == subscription.consultant or not subscription.owner_absent:
        return
    notify(
        recipients=[owner],
        kind="deal_taken_in_absence",
        params={
            "customer": subscription.customer.name,
            "closer": display_name(subscription.consultant),
            "unit": str(subscription.unit),
        },
        project=subscription.project,
        url=f"/customers/{subscription.customer_id}/",
    )


def subscription_create(*, data: SubscriptionInput, acting_user) -> SubscriptionResult:
    """认购: the deal that locks the household (A8) and decides the commission (§6)."""
    ensure_may_subscribe(data, acting_user)
    price = data.price if data.price is not None else data.unit.list_price
    validate_amounts(price, data.deposit)
    with transaction.atomic():
        unit = lock_unit(data.unit)
        household = lock_household_of(data.customer)
        now = timezone.now()
        if data.occurred_at > now:
            raise _invalid(
                "occurred_at", _("The subscription cannot be in the future."), "occurred_in_future"
            )
        policy = policy_in_force(unit.project, now)
        subscription = _take_unit(data, unit, price, policy, now, acting_user)
        stage_move(
            customer=data.customer,
            to_stage=Stage.CLOSED,
            cause=f"subscription:{subscription.pk}",
            acting_user=acting_user,
        )
        verdict = _refresh(household, now)
        collision = deal_collides(verdict, subscription)
        shares = rules_shares(subscription, verdict, policy, collision=collision)
        commission_set(
            subscription_id=subscription.pk,
            shares=shares,
            source=CommissionSource.RULES,
            acting_user=acting_user,
        )
        owner = _owner_of(shares)
        dispute = None
        if collision:
            dispute = _open_collision(subscription, household, owner, acting_user)
            # The dispute reads its own clock: answer as of its opening (status disputed).
            verdict = household_verdict(household, dispute.opened_at)
        _tell_absent_owner(subscription, owner)
    return SubscriptionResult(subscription, verdict, shares, dispute)


# -- cancellation -------------------------------------------------------------------------------


def subscription_cancel(
    *, subscription: Subscription, reason: str, acting_user
) -> tuple[SubscriptionCancellation, Verdict]:
    """退订, approved by a manager: a cancellation event, the hold released, the unit available
    again, the household unlocked (its owner's claim restarts, A2). Nothing else is deleted."""
    project = subscription.project
    ensure_manager(acting_user, project)
    reason = reason_given(reason)
    with transaction.atomic():
        unit = lock_unit(subscription.unit)
        household = lock_household_of(subscription.customer)
        now = timezone.now()
        if SubscriptionCancellation.objects.filter(subscription=subscription).exists():
            raise Conflict(_("This subscription is already cancelled."), code="already_cancelled")
        if unit.status != UnitStatus.SUBSCRIBED:
            raise Conflict(
                _("A contract was signed for this unit: cancel the contract instead."),
                code="contract_signed",
            )
        return deal_release(
            subscription=subscription,
            unit=unit,
            household=household,
            reason=reason,
            acting_user=acting_user,
            now=now,
        )


def reason_given(reason: str) -> str:
    if not reason.strip():
        raise _invalid("reason", _("Give the reason for the cancellation."), "reason_required")
    return reason.strip()


def deal_release(
    *, subscription: Subscription, unit: Unit, household: Household, reason: str, acting_user, now
) -> tuple[SubscriptionCancellation, Verdict]:
    """The subscription's cancellation, whether or not a contract followed it: the event, the
    hold released, the unit available, the household's state refreshed, people told. The
    caller holds the unit's and the household's locks."""
    cancellation = SubscriptionCancellation.objects.create(
        subscription=subscription,
        occurred_at=now,
        reason=reason,
        approved_by=acting_user,
        entered_at=now,
        entered_by=acting_user,
    )
    UnitHold.objects.filter(subscription=subscription).delete()
    stage_move(
        customer=subscription.customer,
        to_stage=Stage.NEGOTIATING,
        cause=f"cancellation:{cancellation.pk}",
        acting_user=acting_user,
    )
    unit.status = UnitStatus.AVAILABLE
    unit.save(update_fields=["status"])
    verdict = _refresh(household, now)
    _tell_cancelled(subscription, verdict, cancellation)
    return cancellation, verdict


def _tell_cancelled(subscription: Subscription, verdict: Verdict, cancellation) -> None:
    """Whoever closed the deal and whoever owns the household again hear of the cancellation."""
    owner = User.objects.filter(username=verdict.owner).first() if verdict.owner else None
    notify(
        recipients=[subscription.consultant, owner],
        kind="subscription_cancelled",
        params={
            "customer": subscription.customer.name,
            "unit": str(subscription.unit),
            "reason": cancellation.reason,
        },
        project=subscription.project,
        url=f"/customers/{subscription.customer_id}/",
    )
