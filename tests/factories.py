"""Factories for the models the tests build; ledger rows get the fields services set."""

from datetime import UTC, datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from attribution.services import policy_version_create
from customers.models import Customer, FollowUp, Household, Registration
from projects.models import Membership, Project

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"P{n:03d}")
    name = "和玺一期"
    timezone = "Asia/Shanghai"
    company_name = "秦皇岛和玺房地产开发有限公司"

    @factory.post_generation
    def policy(obj, create, extracted, **overrides):
        """``ProjectFactory(policy="follow-up-4d", policy__claim_quota=3)``."""
        if create:
            policy_version_create(
                project=obj,
                preset=extracted or "first-registration-7d",
                overrides=overrides,
                effective_at=LONG_AGO,
            )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"顾问{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass12345")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.groups.add(Group.objects.get_or_create(name=extracted)[0])

    @factory.post_generation
    def project(obj, create, extracted, **kwargs):
        if create and extracted:
            Membership.objects.get_or_create(project=extracted, user=obj)
        if create:
            obj.save()


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    project = factory.SubFactory(ProjectFactory)
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    name = factory.Sequence(lambda n: f"客户{n}")
    gender = "M"
    household = factory.LazyAttribute(lambda o: Household.objects.create(project=o.project))
    origin_household = factory.SelfAttribute("household")


class RegistrationFactory(DjangoModelFactory):
    """A ledger row written directly: for reads and the engine, not for the write rules."""

    class Meta:
        model = Registration

    customer = factory.SubFactory(CustomerFactory)
    project = factory.SelfAttribute("customer.project")
    kind = "visit"
    occurred_at = factory.LazyFunction(timezone.now)
    attributed_at = factory.SelfAttribute("occurred_at")
    entered_at = factory.SelfAttribute("occurred_at")
    consultant = factory.SubFactory(UserFactory, role="consultant")
    name = factory.SelfAttribute("customer.name")
    phone = factory.SelfAttribute("customer.phone")
    phone_input = factory.SelfAttribute("customer.phone")
    valid = True


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUp

    customer = factory.SubFactory(CustomerFactory)
    project = factory.SelfAttribute("customer.project")
    consultant = factory.SubFactory(UserFactory, role="consultant")
    occurred_at = factory.LazyFunction(timezone.now)
    attributed_at = factory.SelfAttribute("occurred_at")
    entered_at = factory.SelfAttribute("occurred_at")
    channel = "phone"
