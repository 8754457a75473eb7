"""Login throttling (issue 19 item 3): an outside probe met no 429 and no delay after 130 wrong
passwords on /api/auth/token/ and 30 on /accounts/login/, and the right password worked at
once afterwards. Failures are counted per username (5) and per client address (20), for a
cool-off of 15 minutes; a locked client is refused before any password is checked.

Every test here goes through django.contrib.auth.authenticate with the request, as the real
entry points do (the token serializer passes it too: otherwise nothing here would lock). The
failures are database rows, so each test's transaction takes its lockouts away with it.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from salesoffice.lockout import client_address

pytestmark = pytest.mark.django_db

RIGHT = "pass12345"  # tests/factories.py
COOL_OFF = timedelta(minutes=15)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


def token(username, password, address="127.0.0.1", **headers):
    return APIClient(REMOTE_ADDR=address, **headers).post(
        "/api/auth/token/", {"username": username, "password": password}
    )


def log_in(client, username, password, **headers):
    return client.post("/accounts/login/", {"username": username, "password": password}, **headers)


def fail(times, username, address="127.0.0.1"):
    return [token(username, "wrong-password", address).status_code for _ in range(times)]


@pytest.fixture
def hashes(monkeypatch):
    """How many times a password was hashed: what a login attempt's time is made of."""
    calls = []
    encode = MD5PasswordHasher.encode

    def counted(self, password, salt):
        calls.append(1)
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counted)
    return calls


def test_wrong_passwords_on_token_endpoint_are_throttled_with_429(alice, frozen):
    assert fail(4, "alice") == [400] * 4

    fifth = token("alice", "wrong-password")
    right = token("alice", RIGHT)

    assert fifth.status_code == 429
    assert right.status_code == 429
    body = right.json()
    assert body == {"detail": body["detail"], "code": "login_locked", "fields": {}}
    until = timezone.localtime(timezone.now() + COOL_OFF).strftime("%H:%M")
    assert f"locked until {until}" in body["detail"]
    assert right["Retry-After"] == str(int(COOL_OFF.total_seconds()))
    assert "token" not in body


def test_the_lock_lifts_after_the_cool_off_and_trying_meanwhile_does_not_extend_it(alice, frozen):
    fail(5, "alice")
    frozen.shift(timedelta(minutes=10))
    assert fail(3, "alice") == [429] * 3
    assert token("alice", RIGHT)["Retry-After"] == str(5 * 60)

    frozen.shift(timedelta(minutes=5))

    assert token("alice", RIGHT).status_code == 200


def test_wrong_passwords_on_login_page_lock_the_account(client, alice, frozen):
    for _ in range(4):
        page = log_in(client, "alice", "wrong-password")
        assert page.status_code == 200
        assert "Please enter a correct username and password" in page.content.decode()

    log_in(client, "alice", "wrong-password")
    page = log_in(client, "alice", RIGHT)

    assert page.status_code == 429
    assert "registration/login_locked.html" in [t.name for t in page.templates]
    until = timezone.localtime(timezone.now() + COOL_OFF).strftime("%H:%M")
    assert f"this account is locked until {until} (in 15 min)" in page.content.decode()
    assert page["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session
    assert client.get("/notifications/").status_code == 302  # not logged in

    frozen.shift(COOL_OFF)
    assert log_in(client, "alice", RIGHT).status_code == 302
    assert client.get("/notifications/").status_code == 200


def test_the_lockout_page_speaks_chinese_to_the_office(client, alice, chinese, frozen):
    for _ in range(5):
        page = log_in(client, "alice", "wrong-password")

    text = page.content.decode()
    until = timezone.localtime(timezone.now() + COOL_OFF).strftime("%H:%M")
    assert "账号已暂时锁定" in text
    assert f"请于 {until}（约 15 分钟后）再试" in text


def test_the_admins_login_page_is_throttled_too(client, alice, frozen):
    alice.is_staff = True
    alice.save()
    for _ in range(5):
        page = client.post("/admin/login/", {"username": "alice", "password": "wrong"})

    assert page.status_code == 429
    assert client.post("/admin/login/", {"username": "alice", "password": RIGHT}).status_code == 429


def test_unknown_user_gets_same_answer_as_wrong_password(client, alice, hashes, frozen):
    wrong, unknown = token("alice", "wrong-password"), token("nobody", "wrong-password")
    assert (wrong.status_code, wrong.json()) == (unknown.status_code, unknown.json())
    assert wrong.json()["code"] == "authorization"
    # Each cost one password hash: the unknown name is not answered faster.
    assert len(hashes) == 2

    wrong_page = log_in(client, "alice", "wrong-password")
    unknown_page = log_in(client, "nobody", "wrong-password")
    assert wrong_page.status_code == unknown_page.status_code == 200
    errors = [list(page.context["form"].non_field_errors()) for page in (wrong_page, unknown_page)]
    assert errors[0] == errors[1]
    assert "Please enter a correct username and password" in errors[0][0]


def test_a_locked_unknown_username_behaves_like_a_locked_known_one(alice, hashes, frozen):
    fail(5, "alice")
    fail(5, "nobody")
    hashes.clear()

    known, unknown = token("alice", RIGHT), token("nobody", RIGHT)

    assert known.status_code == unknown.status_code == 429
    assert known.json() == unknown.json()
    assert known["Retry-After"] == unknown["Retry-After"]
    assert hashes == []  # refused before any password was checked, known or not


def test_one_persons_typos_do_not_lock_the_office_out(alice, bob, frozen):
    fail(5, "alice", "10.0.0.1")

    assert token("alice", RIGHT, "10.0.0.1").status_code == 429
    assert token("bob", RIGHT, "10.0.0.1").status_code == 200


def test_trying_one_password_on_every_username_locks_the_address(bob, frozen):
    names = [f"guess{n}" for n in range(19)]
    assert [token(name, "demo12345", "203.0.113.9").status_code for name in names] == [400] * 19

    assert token("guess19", "demo12345", "203.0.113.9").status_code == 429
    assert token("bob", RIGHT, "203.0.113.9").status_code == 429
    assert token("bob", RIGHT, "198.51.100.1").status_code == 200  # elsewhere, bob is fine


def test_forwarded_for_cannot_dodge_the_lockout(alice, bob, frozen):
    """With no trusted proxy (the default, and the tests' settings) the address is REMOTE_ADDR,
    whatever a client writes in X-Forwarded-For."""
    statuses = [
        token(f"guess{n}", "demo12345", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(20)
    ]
    assert statuses == [400] * 19 + [429]
    assert token("bob", RIGHT, HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429

    for n in range(5):
        token("alice", "wrong", "10.9.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert token("alice", RIGHT, "10.9.0.2", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_behind_a_trusted_proxy_only_the_address_it_saw_counts(settings, alice, frozen):
    settings.LOGIN_TRUSTED_PROXIES = 1
    proxy = "172.18.0.2"  # REMOTE_ADDR is the proxy's own address
    statuses = [
        token(f"guess{n}", "x", proxy, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.5").status_code
        for n in range(20)
    ]

    assert statuses == [400] * 19 + [429]
    # Another client behind the same proxy is not locked with it.
    assert token("alice", RIGHT, proxy, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, "203.0.113.5", "10.0.0.9"),
        (1, "1.2.3.4, 203.0.113.5", "203.0.113.5"),
        (2, "1.2.3.4, 203.0.113.5, 172.18.0.3", "203.0.113.5"),
        (1, "", "10.0.0.9"),
        (2, "not-an-address", "10.0.0.9"),  # more proxies configured than there are
    ],
)
def test_the_client_address_is_read_as_drf_reads_num_proxies(settings, proxies, forwarded, address):
    settings.LOGIN_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == address


def test_a_successful_login_forgets_that_usernames_failures_only(client, alice, bob, frozen):
    fail(4, "alice")
    fail(4, "bob")

    assert log_in(client, "alice", RIGHT).status_code == 302
    assert fail(4, "alice") == [400] * 4  # alice starts again from nothing
    assert fail(1, "bob") == [429]  # the same address's other failures still count


def test_a_token_forgets_that_usernames_failures_too(alice, frozen):
    fail(4, "alice")

    assert token("alice", RIGHT).status_code == 200
    assert fail(4, "alice") == [400] * 4


def test_code_checking_a_password_without_a_request_is_not_throttled(alice, frozen):
    fail(5, "alice")

    assert authenticate(username="alice", password=RIGHT) == alice


def test_production_trusts_for_lockouts_the_proxies_drf_trusts():
    from tests.test_production import manage, production_env

    done = manage(
        production_env(DJANGO_NUM_PROXIES="2"),
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.LOGIN_TRUSTED_PROXIES, s.REST_FRAMEWORK['NUM_PROXIES'])",
    )

    # The last line: Django's shell first says what it imported.
    assert done.stdout.strip().splitlines()[-1].split() == ["2", "2"], done.stderr
