"""The registration ledger over HTTP: thin views over ``services`` and ``selectors``."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from attribution.explain import verdict_json, verdict_line, verdict_payload, verdict_usernames
from attribution.rotation.queue import next_for_visitor
from attribution.selectors import household_verdict, names_for
from attribution.visibility import household_in_view
from customers.models import (
    Customer,
    FollowUpChannel,
    Gender,
    Kind,
    Registration,
    Relation,
)
from customers.phones import PhoneError, mask_phone, normalise_phone
from customers.selectors import customer_with_timeline
from customers.services import tamper_attempt_record
from customers.validity import reason_text
from desk import selectors, services
from desk.presenters import customer_payload, registration_payload
from projects.access import (
    SITE_STAFF,
    is_member,
    is_office_staff,
    member_project_by_code,
    person,
    staff_in_project,
    with_roles,
)
from projects.roles import DESK_ROLES
from salesoffice.api import IdField, LocalDateTimeField, in_zone
from salesoffice.errors import DomainError, NotFound, NotPermitted


def attribution_for(household, tz, at=None) -> dict:
    return verdict_json(household_verdict(household, at), tz)


class RegistrationCreateApi(APIView):
    permission_classes = with_roles(*DESK_ROLES)  # the role before the body

    class InputSerializer(serializers.Serializer):
        project = serializers.CharField()
        kind = serializers.ChoiceField(choices=Kind.choices)
        occurred_at = LocalDateTimeField()
        consultant = serializers.CharField()
        name = serializers.CharField(allow_blank=True, required=False, default="")
        gender = serializers.ChoiceField(
            choices=Gender.choices, allow_blank=True, required=False, default=""
        )
        phone = serializers.CharField(allow_blank=True, required=False, default="")
        first_visit = serializers.BooleanField(allow_null=True, required=False, default=None)
        mentioned_consultant = serializers.CharField(
            allow_null=True, allow_blank=True, required=False, default=None
        )
        referrer_phone = serializers.CharField(
            allow_null=True, allow_blank=True, required=False, default=None
        )
        referrer_present = serializers.BooleanField(required=False, default=False)
        declines_referrer_consultant = serializers.BooleanField(required=False, default=False)
        relation = inline_serializer(
            "RelationInput",
            {
                "phone": serializers.CharField(),
                "kind": serializers.ChoiceField(choices=Relation.choices),
            },
            allow_null=True,
            required=False,
            default=None,
        )
        proxy = serializers.BooleanField(required=False, default=False)
        returning_unknown = serializers.BooleanField(required=False, default=False)
        intent = serializers.DictField(required=False, default=dict)
        source = serializers.CharField(allow_blank=True, required=False, default="")
        note = serializers.CharField(allow_blank=True, required=False, default="")
        # The rotation's walk-in this registration completes (POST .../rotation/receive/).
        reception = IdField(allow_null=True, required=False, default=None)

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        project = member_project_by_code(request.user, values.pop("project"))
        relation = values.pop("relation") or {}
        mentioned = values.pop("mentioned_consultant")
        values.update(
            consultant=staff_in_project(project, values["consultant"]),
            mentioned_consultant=(
                staff_in_project(project, mentioned, "mentioned_consultant") if mentioned else None
            ),
            occurred_at=in_zone(values["occurred_at"], project.tzinfo),
            referrer_phone=values["referrer_phone"] or "",
            relation_phone=relation.get("phone", ""),
            relation_kind=relation.get("kind", ""),
        )
        result = services.registration_create(
            project=project, data=services.RegistrationInput(**values), acting_user=request.user
        )
        body = registration_payload(result.registration, project.tzinfo)
        body["warnings"] = result.warnings
        customer = result.registration.customer
        verdict = result.verdict or (household_verdict(customer.household) if customer else None)
        body["attribution"] = verdict_json(verdict, project.tzinfo) if verdict else None
        return Response(body, status=status.HTTP_201_CREATED)


class RegistrationDetailApi(APIView):
    """Reading one registration; any attempt to change or delete it is refused and recorded."""

    def get_registration(self, request, pk) -> Registration:
        registration = get_object_or_404(Registration.objects.select_related("project"), pk=pk)
        if not is_member(request.user, registration.project):
            raise NotFound()
        return registration

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        registration = self.get_registration(request, pk)
        customer = registration.customer
        if customer is not None:
            if not household_in_view(customer, request.user)[1]:
                raise NotFound()
        elif registration.consultant_id != request.user.pk and not is_office_staff(request.user):
            raise NotFound()
        return Response(registration_payload(registration, registration.project.tzinfo))

    def _refuse(self, request, pk, action):
        registration = self.get_registration(request, pk)
        tamper_attempt_record(
            target=registration, action=action, channel="api", acting_user=request.user
        )
        raise NotPermitted(
            _("Registrations cannot be changed or deleted; ask a clerk to record a correction."),
            code="ledger_immutable",
        )

    @extend_schema(exclude=True)
    def put(self, request, pk):
        self._refuse(request, pk, "update")

    @extend_schema(exclude=True)
    def patch(self, request, pk):
        self._refuse(request, pk, "update")

    @extend_schema(exclude=True)
    def delete(self, request, pk):
        self._refuse(request, pk, "delete")


class CorrectionCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField()
        void = serializers.BooleanField(required=False, default=False)
        changes = serializers.DictField(
            child=serializers.CharField(allow_blank=True), required=False, default=dict
        )

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request, pk):
        registration = get_object_or_404(Registration.objects.select_related("project"), pk=pk)
        if not is_member(request.user, registration.project):
            raise NotFound()
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        correction = services.correction_create(
            registration=registration, acting_user=request.user, **data.validated_data
        )
        return Response(
            {
                "id": correction.pk,
                "registration": registration.pk,
                "void": correction.void,
                "changes": correction.changes,
            },
            status=status.HTTP_201_CREATED,
        )


class LookupApi(APIView):
    permission_classes = SITE_STAFF  # channel agents see nothing of the site (§11)

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "lookup"

    @extend_schema(
        parameters=[
            OpenApiParameter("project", str, required=True),
            OpenApiParameter("phone", str, required=True),
        ],
        responses={200: dict},
    )
    def get(self, request):
        project = member_project_by_code(request.user, request.query_params.get("project", ""))
        try:
            phone = normalise_phone(request.query_params.get("phone", ""))
        except PhoneError as exc:
            raise DomainError(
                reason_text(exc.code), code=exc.code, fields={"phone": [reason_text(exc.code)]}
            ) from exc
        result = selectors.lookup_phone_logged(
            project=project, phone=phone, viewer=request.user, at=timezone.now()
        )
        return Response(lookup_payload(result, phone, project))


def lookup_payload(result: selectors.LookupResult, phone: str, project) -> dict:
    tz = project.tzinfo
    body = {
        "found": result.customer is not None,
        "customer": None,
        "household": None,
        "owner": None,
        "status": None,
        "expires_at": None,
        "phone": mask_phone(phone),
        "name": None,
        "next_consultant": person(next_for_visitor(project=project, verdict=result.verdict)),
        "basis": [],
        "summary": "",
    }
    if result.customer is None:
        return body
    verdict = result.verdict
    names = names_for(verdict_usernames(verdict))
    attribution = verdict_payload(verdict, tz, names)
    body.update(
        customer=result.customer.pk,
        household=result.customer.household_id,
        owner=attribution["owner"],
        status=verdict.status,
        expires_at=attribution["expires_at"],
        basis=attribution["basis"],
        summary=verdict_line(verdict, tz, names),
    )
    if result.full_view:
        body.update(phone=phone, name=result.customer.name)
    return body


class FollowUpCreateApi(APIView):
    permission_classes = with_roles(*DESK_ROLES)  # the role before the body

    class InputSerializer(serializers.Serializer):
        customer = IdField()
        consultant = serializers.CharField()
        occurred_at = LocalDateTimeField()
        channel = serializers.ChoiceField(choices=FollowUpChannel.choices)
        note = serializers.CharField(allow_blank=True, required=False, default="")

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        customer = (
            Customer.objects.select_related("project", "household")
            .filter(pk=values["customer"])
            .first()
        )
        if customer is None or not is_member(request.user, customer.project):
            raise NotFound(_("No such customer."))
        project = customer.project
        follow_up = services.follow_up_create(
            customer=customer,
            consultant=staff_in_project(project, values["consultant"]),
            occurred_at=in_zone(values["occurred_at"], project.tzinfo),
            channel=values["channel"],
            note=values["note"],
            acting_user=request.user,
        )
        attribution = attribution_for(customer.household, project.tzinfo)
        owner = attribution["owner"]
        return Response(
            {
                "id": follow_up.pk,
                "customer": customer.pk,
                "consultant": person(follow_up.consultant),
                "occurred_at": follow_up.occurred_at.astimezone(project.tzinfo).isoformat(),
                "channel": follow_up.channel,
                "counts": bool(owner and owner["username"] == follow_up.consultant.username),
                "attribution": attribution,
            },
            status=status.HTTP_201_CREATED,
        )


class CustomerDetailApi(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        customer = customer_with_timeline(pk)
        if customer is None or not is_member(request.user, customer.project):
            raise NotFound(_("No such customer."))
        verdict, in_full = household_in_view(customer, request.user)
        if not in_full:
            raise NotFound(_("No such customer."))
        return Response(customer_payload(customer, verdict))


class HouseholdLinkApi(APIView):
    """A3: two customers found to be one family or one buying company."""

    class InputSerializer(serializers.Serializer):
        customer = IdField()
        relative = IdField()
        kind = serializers.ChoiceField(choices=Relation.choices)
        note = serializers.CharField(allow_blank=True, required=False, default="")

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        customers = Customer.objects.select_related("project", "household").in_bulk(
            [values["customer"], values["relative"]]
        )
        customer, relative = customers.get(values["customer"]), customers.get(values["relative"])
        if not customer or not relative or not is_member(request.user, customer.project):
            raise NotFound(_("No such customer."))
        link = services.household_link_create(
            customer=customer,
            relative=relative,
            kind=values["kind"],
            note=values["note"],
            acting_user=request.user,
        )
        customer.refresh_from_db()
        verdict = household_verdict(customer.household)
        return Response(
            {
                "id": link.pk,
                "household": customer.household_id,
                "attribution": verdict_json(verdict, customer.project.tzinfo),
            },
            status=status.HTTP_201_CREATED,
        )
