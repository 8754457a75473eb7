"""The production topology (Dockerfile, docker-compose.yml, .env.example) and its settings.

Docker does not run where the suite runs: the files are checked as data, the settings by
Django's own deployment check with the documented variables.
"""

import importlib.util
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APP_SERVICES = ("web", "worker", "beat")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def env_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    pairs = (line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))
    return {key.strip(): value for key, value in pairs}


def settings_variables() -> set[str]:
    """Every variable the deployed settings read (dj-database-url reads DATABASE_URL)."""
    folder = ROOT / "salesoffice" / "settings"
    source = "".join((folder / name).read_text() for name in ("base.py", "production.py"))
    read = set(re.findall(r'os\.environ(?:\.get\(|\[)\s*"([A-Z][A-Z0-9_]*)"', source))
    return read | {"DATABASE_URL"}


def production_env(**overrides: str) -> dict[str, str]:
    """The documented variables, with real secrets instead of the placeholders, and nothing
    of the test run's own environment (conftest sets DJANGO_ALLOW_ASYNC_UNSAFE, for one)."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(
        env_example(),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEY=secrets.token_urlsafe(50),
    )
    env.update(DJANGO_SETTINGS_MODULE="salesoffice.settings.production", **overrides)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_service_is_health_checked_and_waits_for_healthy_dependencies():
    services = compose()["services"]

    assert set(services) == {"postgres", "redis", *APP_SERVICES}
    assert services["postgres"]["image"].split(":")[1] in ("15", "16")
    for name, service in services.items():
        assert service["healthcheck"]["test"], name
        for dependency in service.get("depends_on", {}).values():
            assert dependency == {"condition": "service_healthy"}, name
    assert set(services["web"]["depends_on"]) == {"postgres", "redis"}


def test_web_migrates_before_gunicorn_and_the_worker_and_beat_run_celery():
    services = compose()["services"]

    web = " ".join(services["web"]["command"])
    assert web.index("manage.py migrate") < web.index("gunicorn salesoffice.wsgi")
    # A deploy error (a weak encryption key) stops the site before it migrates or serves.
    assert web.index("manage.py check --deploy --fail-level ERROR &&") < web.index("migrate")
    assert "/healthz/" in (ROOT / "docker" / "healthcheck.py").read_text()
    assert services["worker"]["command"][:4] == ["celery", "-A", "salesoffice", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "salesoffice", "beat"]
    for name in APP_SERVICES:
        assert services[name]["env_file"] == ".env", name


def test_env_example_documents_every_variable_the_settings_read():
    documented = env_example()

    assert settings_variables() - set(documented) == set()
    assert documented["DATABASE_URL"].startswith("postgres://")
    assert documented["REDIS_URL"].startswith("redis://")


def test_the_image_is_slim_bookworm_with_the_pdf_libraries_and_runs_unprivileged():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert re.search(r"^FROM python:3\.11-slim-bookworm$", dockerfile, re.M)
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-noto-cjk"):
        assert package in dockerfile
    assert "pip install ." in dockerfile
    assert "collectstatic --noinput" in dockerfile
    users = re.findall(r"^USER (\S+)$", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    assert ".venv" in (ROOT / ".dockerignore").read_text().split()


def test_the_deployment_check_is_clean_with_the_documented_variables():
    done = manage(production_env(), "check", "--deploy", "--fail-level", "WARNING")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


# A request through the production settings' middleware, in a process of their own. Static
# links need the collected files' manifest, which only the image has: plain names instead.
PRODUCTION_REQUEST = """
import json
from django.conf import settings
from django.test import Client, override_settings

plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
    client = Client(HTTP_HOST="crm.example.com")
    page = client.get("/accounts/login/", secure=True)
    plain_http = client.get("/accounts/login/")
print(json.dumps({
    "status": page.status_code,
    "headers": dict(page.headers),
    "csrf_cookie_secure": page.cookies["csrftoken"]["secure"],
    "plain_http": [plain_http.status_code, plain_http.get("Location")],
}))
"""


def test_production_pages_carry_hsts_secure_cookies_and_the_content_security_policy():
    done = manage(production_env(), "shell", "-v", "0", "-c", PRODUCTION_REQUEST)
    assert done.returncode == 0, done.stdout + done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    headers = answer["headers"]

    assert answer["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert answer["csrf_cookie_secure"] is True
    assert answer["plain_http"] == [301, "https://crm.example.com/accounts/login/"]
    policy = dict(
        part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DATABASE_URL", "REDIS_URL"]
)
def test_production_settings_refuse_to_load_without_a_required_variable(missing):
    env = production_env()
    del env[missing]

    done = manage(env, "check")

    assert done.returncode != 0
    assert f"{missing} must be set in production" in done.stderr


@pytest.mark.parametrize("how", ["unset", "empty"])
def test_production_refuses_to_start_without_field_encryption_key(how):
    # The defect: the ID-card numbers' key silently fell back to the secret key.
    env = production_env()
    if how == "unset":
        del env["FIELD_ENCRYPTION_KEY"]
    else:
        env["FIELD_ENCRYPTION_KEY"] = ""  # "FIELD_ENCRYPTION_KEY=" in .env

    done = manage(env, "check")

    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "FIELD_ENCRYPTION_KEY must be set in production" in done.stderr


SAME_AS_SECRET = "same-as-the-secret-key-" + "k3Y9wQ" * 6


@pytest.mark.parametrize(
    ("key", "weakness"),
    [
        (env_example()["FIELD_ENCRYPTION_KEY"], "the placeholder of .env.example"),
        ("short-but-random-x7Qz", "shorter than 32 characters"),
        ("ab" * 30, "fewer than 8 distinct characters"),
        (SAME_AS_SECRET, "the same as DJANGO_SECRET_KEY"),
    ],
    ids=["placeholder", "short", "few-characters", "the-secret-key"],
)
def test_the_deployment_check_refuses_a_weak_field_encryption_key(key, weakness):
    env = production_env(FIELD_ENCRYPTION_KEY=key)
    if key == SAME_AS_SECRET:
        env["DJANGO_SECRET_KEY"] = key

    done = manage(env, "check", "--deploy")

    assert done.returncode != 0
    assert "salesoffice.E002" in done.stderr
    assert weakness in done.stderr
    assert key not in done.stderr  # the check names the weakness, never the key


def test_the_image_build_loads_the_production_settings_with_its_placeholders():
    """collectstatic in the Dockerfile runs with placeholders for the required variables: one
    missing there and the image would no longer build."""
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    collectstatic = r"^RUN ((?:[A-Z_]+=\S+\s+)+)python manage.py collectstatic"
    (build,) = re.findall(collectstatic, dockerfile, re.M)
    placeholders = dict(pair.split("=", 1) for pair in build.split())
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(placeholders, DJANGO_SETTINGS_MODULE="salesoffice.settings.production")

    done = manage(env, "check")

    assert done.returncode == 0, done.stdout + done.stderr


def test_the_demo_refuses_to_seed_a_production_database():
    done = manage(production_env(), "seed_demo")

    assert done.returncode != 0
    assert "published password" in done.stderr


def load_healthcheck():
    spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "docker" / "healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("allowed", "host"),
    [
        ("crm.example.com,www.example.com", "crm.example.com"),
        (".example.com", "example.com"),
        ("*", "localhost"),
    ],
)
def test_the_web_health_check_asks_for_a_host_the_site_allows(monkeypatch, allowed, host):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", allowed)

    assert load_healthcheck().allowed_host() == host
