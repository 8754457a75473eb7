"""Channel agents see nothing of the site (DOMAIN.md §11, a Must-hold of A13).

Every URL the project serves is walked from the resolver, with every object id of a small but
complete office, by every method, as chan (a channel agent): no response may carry a site
customer's name or phone (full or masked), nor a rival channel's report; and everything
outside the agent's own corner (their portal, their reports, their notifications, the login)
refuses them: 403, 404, 405, the admin's login page, or at most a 400 for a body it could not
read, never a success nor a 409 (which would tell what state a customer is in).

Each GET carries a project and a site customer's phone, each POST once an empty body and once
a plausible one naming that customer, so that a view missing its role check would serve it.
"""

import itertools
import re
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from attribution.models import Reception
from channels.confirmation import visit_confirm
from customers.models import Customer, FollowUp, Household, Registration
from desk.services import follow_up_create
from tests.channels.conftest import register, report

pytestmark = pytest.mark.django_db

# Where an agent may be served: their portal and reports, notifications, session, and the
# project's own name and policy (the report form needs the visible-digits pattern).
AGENT_MAY_USE = re.compile(
    r"^/(|healthz/|accounts/.*|i18n/.*|admin/login/|admin/logout/|notifications/.*|channel/.*|"
    r"api/(auth/token/|schema/|docs/|notifications/.*|channel-reports/.*|projects/|projects/HX01/))$"
)
# 400: a body the view could not read (it answered before looking anything up).
REFUSED = {400, 401, 403, 404, 405, 415}
METHODS = {"api": ("get", "post", "patch", "put", "delete"), "page": ("get", "post")}
SECRETS = {
    "欧阳秘密": "a site customer's name",
    "13912345678": "a site customer's phone",
    "139****5678": "a site customer's masked phone",
    "司马隐私": "a pool customer's name",
    "13987654321": "a pool customer's phone",
    "139****4321": "a pool customer's masked phone",
    "13911112222": "a received visitor's phone",
    "13700006666": "the full phone of the agent's own confirmed customer",
    "诸葛对手": "a rival channel's report",
    "135****1234": "a rival channel's reported phone",
}


@pytest.fixture
def office(project, alice, bob, clara, mike, chan, dan, clock):
    """A live claim with a follow-up, a pool household, an unregistered walk-in, the agent's
    own confirmed report, a rival channel's report."""
    clock.move_to(timezone.now() - timedelta(days=20), tick=False)
    register(project, bob, phone="13987654321", name="司马隐私")
    clock.move_to(timezone.now() + timedelta(days=20), tick=False)
    secret = register(project, alice, phone="13912345678", name="欧阳秘密")
    follow_up_create(
        customer=secret.customer,
        consultant=alice,
        occurred_at=timezone.now(),
        channel="phone",
        note="回访",
        acting_user=alice,
    )
    now = timezone.now()
    Reception.objects.create(
        project=project,
        consultant=bob,
        received_at=now,
        register_by=now + timedelta(hours=1),
        phone="13911112222",
        created_by=clara,
    )
    own = report(project, chan, name="渠道客户", phone="137****6666")
    visit = register(project, bob, phone="13700006666", name="渠道客户")
    visit_confirm(report=own, registration=visit, acting_user=clara)
    report(project, dan, name="诸葛对手", phone="135****1234")
    return project


def routes(patterns=None, prefix="/"):
    """(route with <converters>, pattern) for every URL; regex routes (the admin's catch-alls,
    staff-only) are reached through their plain siblings."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def concrete_paths(route: str, ids: list[int]):
    names = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    choices = [_values(converter, name, ids) for converter, name in names]
    for combo in itertools.product(*choices):
        values = iter(combo)
        yield re.sub(r"<(?:\w+:)?\w+>", lambda _m, v=values: str(next(v)), route)


def _values(converter: str, name: str, ids: list[int]) -> list:
    if name == "code":
        return ["HX01"]
    if name == "username":
        return ["alice", "chan"]
    if converter == "int" or name.endswith("id") or name == "pk":
        return ids
    return ["x"]


def object_ids() -> list[int]:
    models = (Customer, Household, Registration, FollowUp, Reception)
    ids = {pk for model in models for pk in model.objects.values_list("pk", flat=True)}
    from channels.models import ChannelReport

    ids |= set(ChannelReport.objects.values_list("pk", flat=True))
    return sorted(ids)


def leaks(body: str) -> list[str]:
    return [f"{what} ({text})" for text, what in SECRETS.items() if text in body]


def refused(response) -> bool:
    if response.status_code in REFUSED:
        return True
    location = response.headers.get("Location", "")
    return response.status_code == 302 and "login" in location


def plausible_body(office) -> dict:
    """A body most site endpoints would accept from staff, naming the secret customer."""
    customer = Customer.objects.get(phone="13912345678")
    other = Customer.objects.get(phone="13987654321")
    return {
        "project": "HX01",
        "phone": "13912345678",
        "customer": customer.pk,
        "relative": other.pk,
        "households": [customer.household_id],
        "household": customer.household_id,
        "consultant": "chan",
        "claimant": "chan",
        "name": "试探客户",  # what the agent types is theirs to see again
        "kind": "visit",
        "gender": "F",
        "occurred_at": timezone.now().isoformat(),
        "channel": "phone",
        "note": "试探",
        "reason": "试探",
        "evidence": "试探",
        "state": "free",
        "approve": True,
        "date": timezone.localdate().isoformat(),
        "order": ["alice"],
    }


def requests_for(kind: str, path: str, body: dict):
    # The agent's own pages may echo what the agent asks for, and every page repeats its own
    # URL in the language switch: a page gets no phone to repeat.
    query = {"project": "HX01"}
    if kind == "api" and not AGENT_MAY_USE.match(path):
        query["phone"] = "13912345678"
    for method in METHODS[kind]:
        if method == "get":
            yield method, query, {}
        else:
            extra = {"format": "json"} if kind == "api" else {}
            yield method, {}, extra
            yield method, body, extra


def test_no_url_shows_a_channel_agent_anything_of_the_site(office, chan, api, client):
    client.force_login(chan)
    agents_api = api(chan)
    ids, body = object_ids(), plausible_body(office)
    problems, seen = [], 0
    for route in routes():
        kind = "api" if route.startswith("/api/") else "page"
        http = agents_api if kind == "api" else client
        for path in concrete_paths(route, ids):
            for method, data, extra in requests_for(kind, path, body):
                response = getattr(http, method)(path, data, **extra)
                if "logout" in path:  # the walk passes the logout pages too
                    client.force_login(chan)
                seen += 1
                text = response.content.decode(errors="replace")
                problems += [f"{method.upper()} {path}: {leak}" for leak in leaks(text)]
                if not AGENT_MAY_USE.match(path) and not refused(response):
                    problems.append(f"{method.upper()} {path}: {response.status_code} {text[:120]}")
    assert seen > 300  # the walk reached the whole site
    assert not problems, "\n".join(problems)


def test_the_agents_own_report_shows_the_phone_as_typed_never_the_visit(office, chan, api):
    results = api(chan).get("/api/channel-reports/").json()["results"]
    assert [(r["name"], r["phone_visible"], r["status"]) for r in results] == [
        ("渠道客户", "137****6666", "confirmed")
    ]
    assert not {"site_customer", "registration", "skimming", "agent"} & set(results[0])


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/lookup/?project=HX01&phone=13912345678", 403),
        ("/api/customers/{customer}/", 404),
        ("/api/households/{household}/attribution/", 403),
        ("/api/staff/?project=HX01", 403),
        ("/p/HX01/desk/", 403),
        ("/p/HX01/desk/lookup/?phone=13800000000", 403),
        ("/p/HX01/sheet/", 403),
        ("/customers/{customer}/", 404),
        ("/p/HX01/pool/", 403),
        ("/p/HX01/my-customers/", 403),
        ("/p/HX01/rotation/", 403),
        ("/p/HX01/channel-reports/", 403),
    ],
)
def test_each_site_screen_refuses_an_agent(office, chan, client, url, status):
    """The screens DOMAIN.md §11 protects, one by one, by session as the browser calls them."""
    customer = Customer.objects.get(phone="13912345678")
    client.force_login(chan)
    response = client.get(url.format(customer=customer.pk, household=customer.household_id))
    assert response.status_code == status
    assert not leaks(response.content.decode())


def test_an_agent_posting_a_follow_up_for_a_site_customer_is_refused(office, chan, api):
    customer = Customer.objects.get(phone="13912345678")
    response = api(chan).post(
        "/api/follow-ups/",
        {
            "customer": customer.pk,
            "consultant": "chan",
            "occurred_at": timezone.now().isoformat(),
            "channel": "phone",
        },
    )
    assert (response.status_code, response.json()["code"]) == (403, "not_permitted")
    assert not FollowUp.objects.filter(consultant=chan).exists()
