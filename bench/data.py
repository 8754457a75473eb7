"""The benchmarks' data, seeded once with set-based SQL and reused by later runs on the same
database: a project of ``BENCH_CUSTOMERS`` customers (1,000,000 by default), each with a
household and one registration; its 20 consultants' live claims (about 50,000 each at full
size); and a second project of as many expired claims for the lapse sweep.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

from bench.sql import column_defaults, table

CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "1000000"))
CONSULTANTS = 20
PROJECT = "BENCH"
LAPSE_PROJECT = "BENCH-LAPSE"
# A consultant with a short list: the list's query count must be the same as with 50,000.
FEW = 20


def bench_project(code: str = PROJECT):
    from bench.product import policy_version_create
    from projects.models import Project

    project, created = Project.objects.get_or_create(
        code=code, defaults={"name": f"基准项目 {code}", "timezone": "Asia/Shanghai"}
    )
    if created:
        policy_version_create(
            project=project,
            preset="first-registration-7d",
            effective_at=datetime(2020, 1, 1, tzinfo=UTC),
        )
    return project


def _person(project, username: str, name: str, role: str):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from projects.models import Membership

    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": name}
    )
    if created:
        user.set_unusable_password()  # no password hashing: it is not what is measured
        user.save()
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    Membership.objects.get_or_create(project=project, user=user)
    return user


def staff(project):
    """20 consultants and a clerk."""
    consultants = [
        _person(project, f"bench{i:02d}", f"顾问{i:02d}", "consultant")
        for i in range(1, CONSULTANTS + 1)
    ]
    return consultants, _person(project, "benchclerk", "内业", "clerk")


def few_claims_consultant(project):
    return _person(project, "benchfew", "少客顾问", "consultant")


def token(user) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0].key


def known_phone(n: int) -> str:
    """The phone of the n-th seeded customer (1 ≤ n ≤ CUSTOMERS)."""
    return f"130{n:08d}"


def seed(project, consultants) -> float:
    """CUSTOMERS customers, each with a household and one registration, in set-based SQL."""
    from django.db import connection, transaction

    from customers.models import Customer, Household, Registration

    have = Customer.objects.filter(project=project, phone__startswith="130").count()
    if have >= CUSTOMERS:
        return 0.0
    started = time.perf_counter()
    last_before = Customer.objects.filter(project=project).order_by("-pk").values("pk").first()
    ids = ",".join(str(c.pk) for c in consultants)
    household_columns, household_exprs, household_params = column_defaults(
        Household, {"project_id": f"{project.pk}", "created_at": "now()"}
    )
    customer_columns, customer_exprs, customer_params = column_defaults(
        Customer,
        {
            "project_id": f"{project.pk}",
            "phone": f"'130' || lpad((n + {have})::text, 8, '0')",
            "name": f"'客户' || (n + {have})",
            "gender": "CASE WHEN n %% 2 = 0 THEN 'M' ELSE 'F' END",
            "household_id": "id",
            "origin_household_id": "id",
            "created_at": "now()",
        },
    )
    registration_columns, registration_exprs, registration_params = column_defaults(
        Registration,
        {
            "project_id": f"{project.pk}",
            "kind": "'visit'",
            "occurred_at": "now() - (c.id %% 700) * interval '1 day'",
            "attributed_at": "now() - (c.id %% 700) * interval '1 day'",
            "entered_at": "now() - (c.id %% 700) * interval '1 day'",
            "consultant_id": f"(ARRAY[{ids}])[1 + c.id %% {len(consultants)}]",
            "customer_id": "c.id",
            "name": "c.name",
            "gender": "c.gender",
            "phone_input": "c.phone",
            "phone": "c.phone",
            "valid": "true",
        },
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH h AS (
                INSERT INTO {table(Household)} ({", ".join(household_columns)})
                SELECT {", ".join(household_exprs)} FROM generate_series(1, %s)
                RETURNING id
            ), numbered AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM h)
            INSERT INTO {table(Customer)} ({", ".join(customer_columns)})
            SELECT {", ".join(customer_exprs)} FROM numbered
            """,
            [*household_params, CUSTOMERS - have, *customer_params],
        )
        cursor.execute(
            f"""
            INSERT INTO {table(Registration)} ({", ".join(registration_columns)})
            SELECT {", ".join(registration_exprs)}
            FROM {table(Customer)} c WHERE c.project_id = %s AND c.id > %s
            """,
            [*registration_params, project.pk, last_before["pk"] if last_before else 0],
        )
    _analyze()
    return time.perf_counter() - started


def seed_claims(project, consultants, few) -> float:
    """A live claim on every seeded household: the registering consultant's, lapsing within the
    next 30 days, so each of the 20 consultants owns CUSTOMERS / 20; ``few`` owns FEW of them.

    The list pages read these materialised states, never the engine, so they are written
    directly (the seeded registrations are older than the policy's window: the engine itself
    would call most of these households lapsed)."""
    from django.db import connection, transaction

    from attribution.models import HouseholdState
    from customers.models import Customer

    # Other benchmarks add states of their own (imports, registrations): count the seeded ones.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {table(HouseholdState)} s JOIN {table(Customer)} c "
            "ON c.household_id = s.household_id WHERE c.project_id = %s AND c.phone LIKE '130%%'",
            [project.pk],
        )
        if cursor.fetchone()[0] >= CUSTOMERS:
            return 0.0
    started = time.perf_counter()
    ids = ",".join(str(c.pk) for c in consultants)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table(HouseholdState)} (household_id, project_id, owner_id, status,
                since, expires_at, last_contact_at, computed_at)
            SELECT c.household_id, c.project_id, (ARRAY[{ids}])[1 + c.id %% {len(consultants)}],
                'active', now() - interval '1 day',
                now() + (1 + c.id %% 30) * interval '1 day' + (c.id %% 86400) * interval '1 s',
                now() - interval '1 day', now()
            FROM {table(Customer)} c WHERE c.project_id = %s AND c.phone LIKE '130%%'
            ON CONFLICT (household_id) DO NOTHING
            """,
            [project.pk],
        )
        cursor.execute(
            f"""
            UPDATE {table(HouseholdState)} SET owner_id = %s WHERE household_id IN (
                SELECT household_id FROM {table(HouseholdState)} WHERE project_id = %s
                ORDER BY household_id LIMIT %s)
            """,
            [few.pk, project.pk, FEW],
        )
    _analyze()
    return time.perf_counter() - started


# The lapse sweep's claims lapsed one second apart, the first at this many days ago, so that a
# sweep "as of" an earlier time lapses exactly the first n of them.
LAPSED_SINCE_DAYS = 60


def seed_lapsed_claims(project, consultants, count: int) -> float:
    """``count`` households of the lapse project, each with an active claim already expired."""
    from django.db import connection, transaction

    from attribution.models import HouseholdState
    from customers.models import Household

    have = HouseholdState.objects.filter(project=project).count()
    if have >= count:
        return 0.0
    started = time.perf_counter()
    ids = ",".join(str(c.pk) for c in consultants)
    columns, exprs, params = column_defaults(
        Household, {"project_id": f"{project.pk}", "created_at": "now()"}
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH h AS (
                INSERT INTO {table(Household)} ({", ".join(columns)})
                SELECT {", ".join(exprs)} FROM generate_series(1, %s)
                RETURNING id
            ), numbered AS (SELECT id, row_number() OVER (ORDER BY id) + %s AS n FROM h)
            INSERT INTO {table(HouseholdState)} (household_id, project_id, owner_id, status,
                since, expires_at, computed_at)
            SELECT id, %s, (ARRAY[{ids}])[1 + n %% {len(consultants)}], 'active',
                %s + n * interval '1 s' - interval '7 days', %s + n * interval '1 s', now()
            FROM numbered
            """,
            [*params, count - have, have, project.pk, lapse_origin(), lapse_origin()],
        )
    _analyze()
    return time.perf_counter() - started


def lapse_origin() -> datetime:
    """Midnight UTC, LAPSED_SINCE_DAYS ago: the n-th seeded claim expires n seconds after it
    (the sweep finds its cut-offs in the database, not from this)."""
    from datetime import timedelta

    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=LAPSED_SINCE_DAYS)


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
