"""Backups and restores (scripts/backup.sh, scripts/restore.sh: `make backup`, `make restore`)
on the suite's PostgreSQL: a dump of the test database restores into a fresh database with
every row, verified by the application; a corrupted dump, a database holding data and a failing
verification are refused with a clear message and a non-zero exit.

The data must be committed for pg_dump, another process, to see it: transactional tests."""

import hashlib
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from psycopg import sql

from tests.factories import CustomerFactory, ProjectFactory, RegistrationFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)


def server() -> dict:
    s = connection.settings_dict
    return {"host": s["HOST"], "port": s["PORT"], "user": s["USER"], "password": s["PASSWORD"]}


def url(dbname: str, user: str | None = None, password: str | None = None) -> str:
    s = server()
    user, password = user or s["user"], password if password is not None else s["password"]
    login = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    return f"postgres://{login}@{s['host']}:{s['port']}/{quote(dbname, safe='')}"


def admin(dbname: str = "postgres") -> psycopg.Connection:
    """A connection of the suite's superuser, outside Django's (CREATE and DROP DATABASE)."""
    s = server()
    return psycopg.connect(dbname=dbname, autocommit=True, **{k: v for k, v in s.items() if v})


def database_exists(name: str) -> bool:
    with admin() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def row_counts(conn) -> dict[str, int]:
    tables = conn.execute(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    ).fetchall()
    count = "SELECT count(*) FROM {}"
    return {
        t: conn.execute(sql.SQL(count).format(sql.Identifier(t))).fetchone()[0] for (t,) in tables
    }


def source_row_counts() -> dict[str, int]:
    connection.ensure_connection()
    return row_counts(connection.connection)


def run(command: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def backup(backup_dir: Path, database_url: str, **env: str) -> Path:
    done = run(["scripts/backup.sh"], DATABASE_URL=database_url, BACKUP_DIR=str(backup_dir), **env)
    assert done.returncode == 0, done.stdout + done.stderr
    return Path(done.stdout.strip())


def restore(dump: Path, **env: str) -> subprocess.CompletedProcess:
    return run(["scripts/restore.sh", str(dump)], **env)


@pytest.fixture
def source() -> str:
    """The test database's name (one per xdist worker)."""
    return connection.settings_dict["NAME"]


@pytest.fixture
def dropped(source):
    """Names of databases to drop after the test; restores beside the source are dropped too."""
    names: list[str] = []
    yield names
    with admin() as conn:
        beside = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [source + "\\_restore\\_%"]
        ).fetchall()
        for name in {*names, *(n for (n,) in beside)}:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def backup_user(source, dropped):
    """A user without superuser rights, as a site's own would be: it may create databases and
    read every table (pg_read_all_data), nothing more. Dropped after the test."""
    name, password = f"backup_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    with admin() as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}").format(
                sql.Identifier(name), sql.Literal(password)
            )
        )
        conn.execute(sql.SQL("GRANT pg_read_all_data TO {}").format(sql.Identifier(name)))
    yield name, password
    with admin() as conn:
        owned = "SELECT datname FROM pg_database WHERE pg_get_userbyid(datdba) = %s"
        for (database,) in conn.execute(owned, [name]).fetchall():
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(database)))
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


@pytest.fixture
def office():
    """A project, its staff, customers and their registrations, committed."""
    project = ProjectFactory(code="BK01")
    alice = UserFactory(username="bk-alice", role="consultant", project=project)
    bob = UserFactory(username="bk-bob", role="consultant", project=project)
    UserFactory(username="bk-mike", role="manager", project=project)
    for n, consultant in enumerate([alice, alice, bob]):
        customer = CustomerFactory(project=project, id_number=f"11010119900307{n:04d}")
        RegistrationFactory(customer=customer, consultant=consultant)
    return project


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_is_verified(
    tmp_path, source, dropped, backup_user, office
):
    user, password = backup_user
    database_url = url(source, user, password)  # a user without superuser rights, both ways

    made = run(
        ["make", "--no-print-directory", "backup"],
        DATABASE_URL=database_url,
        BACKUP_DIR=str(tmp_path),
    )
    assert made.returncode == 0, made.stdout + made.stderr
    dump = Path(made.stdout.strip().splitlines()[-1])
    assert dump.parent == tmp_path and dump.name.startswith(f"salesoffice-{source}-")
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    digest, name = (tmp_path / f"{dump.name}.sha256").read_text().split()
    assert (digest, name) == (hashlib.sha256(dump.read_bytes()).hexdigest(), dump.name)
    assert password not in made.stdout + made.stderr

    done = run(
        ["make", "--no-print-directory", "restore", f"FILE={dump}"], DATABASE_URL=database_url
    )

    assert done.returncode == 0, done.stdout + done.stderr
    (restored,) = re.findall(r'into database "([^"]+)"', done.stdout)
    assert restored.startswith(f"{source}_restore_")  # created beside the source, by that user
    assert "Checksum: OK" in done.stdout
    assert "Migrations: up to date (manage.py migrate --check)" in done.stdout
    # verify_ledger does not exist yet: the restore falls back to manage.py check, which passed.
    assert "Verification: manage.py check passed" in done.stdout
    with admin(restored) as conn:
        restored_counts = row_counts(conn)
        owner = conn.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [restored]
        ).fetchone()[0]
    source_counts = source_row_counts()
    assert restored_counts == source_counts
    assert len(source_counts) > 50
    for table, at_least in [
        ("projects_project", 1),
        ("auth_user", 3),
        ("customers_customer", 3),
        ("customers_registration", 3),
        ("django_migrations", 50),
    ]:
        assert restored_counts[table] >= at_least, table
    assert owner == user


def corrupt(dump: Path) -> None:
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))


def test_a_corrupted_dump_is_refused_and_nothing_is_loaded(tmp_path, source, dropped, office):
    dump = backup(tmp_path, url(source))
    corrupt(dump)
    target = f"restore_{uuid.uuid4().hex[:8]}"
    dropped.append(target)

    done = restore(dump, RESTORE_DATABASE_URL=url(target))

    assert done.returncode != 0
    assert "checksum mismatch" in done.stderr
    assert "corrupted or altered; nothing was restored" in done.stderr
    assert "Restoring" not in done.stdout
    assert not database_exists(target)


def test_a_dump_without_its_checksum_is_refused(tmp_path, source, dropped):
    dump = backup(tmp_path, url(source))
    (tmp_path / f"{dump.name}.sha256").unlink()

    done = restore(dump, RESTORE_DATABASE_URL=url(f"restore_{uuid.uuid4().hex[:8]}"))

    assert done.returncode != 0
    assert "no checksum beside the backup" in done.stderr


def test_a_restore_never_loads_into_a_database_holding_data(tmp_path, source, office):
    dump = backup(tmp_path, url(source))
    before = source_row_counts()

    done = restore(dump, RESTORE_DATABASE_URL=url(source))  # the live database, by mistake

    assert done.returncode != 0
    assert "is not empty" in done.stderr and "nothing was restored" in done.stderr
    assert source_row_counts() == before


FAKE_MANAGE = """
import os, sys
with open(os.environ["FAKE_MANAGE_LOG"], "a") as log:
    log.write(" ".join(sys.argv[1:]) + "\\n")
if sys.argv[1:] == ["help", "--commands"]:
    print("check\\nmigrate\\nverify_ledger")
elif sys.argv[1] == "verify_ledger":
    ok = os.environ["FAKE_LEDGER_OK"] == "1"
    print("ledger: ok" if ok else "ledger: chain broken at registration 42")
    sys.exit(0 if ok else 1)
"""


@pytest.mark.parametrize("ledger_ok", [True, False], ids=["chain-intact", "chain-broken"])
def test_the_restore_runs_verify_ledger_once_the_command_exists(
    tmp_path, source, dropped, ledger_ok
):
    dump = backup(tmp_path, url(source))
    manage = tmp_path / "manage.py"
    manage.write_text(FAKE_MANAGE)
    log = tmp_path / "manage.log"
    target = f"restore_{uuid.uuid4().hex[:8]}"
    dropped.append(target)

    done = restore(
        dump,
        RESTORE_DATABASE_URL=url(target),
        MANAGE_PYTHON=sys.executable,
        MANAGE_PY=str(manage),
        FAKE_MANAGE_LOG=str(log),
        FAKE_LEDGER_OK="1" if ledger_ok else "0",
    )

    assert log.read_text().splitlines() == [
        "migrate --check --noinput",
        "help --commands",
        "verify_ledger",
    ]
    if ledger_ok:
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Verification: manage.py verify_ledger passed" in done.stdout
    else:
        assert done.returncode != 0
        assert "chain broken at registration 42" in done.stdout
        assert "verification failed: manage.py verify_ledger on " in done.stderr
        assert "kept for inspection" in done.stderr
        assert database_exists(target)


def test_a_backup_deletes_its_own_backups_older_than_the_days_it_keeps(tmp_path, source):
    old = [
        tmp_path / "salesoffice-x-20200101T000000Z.dump",
        tmp_path / "salesoffice-x-20200101T000000Z.dump.sha256",
    ]
    recent = tmp_path / "salesoffice-x-20990101T000000Z.dump"
    other = tmp_path / "notes.txt"
    eight_days_ago = time.time() - 8 * 24 * 3600
    for path in [*old, recent, other]:
        path.write_text("x")
    for path in [*old, other]:
        os.utime(path, (eight_days_ago, eight_days_ago))

    dump = backup(tmp_path, url(source), BACKUP_KEEP_DAYS="7")

    assert not any(path.exists() for path in old)
    assert recent.exists() and other.exists()  # younger, or not a backup of this script
    assert dump.exists() and (tmp_path / f"{dump.name}.sha256").exists()


def test_a_backup_without_database_url_says_what_is_missing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        ["scripts/backup.sh"],
        cwd=ROOT,
        env={**env, "BACKUP_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode != 0
    assert "DATABASE_URL is not set" in done.stderr
    assert list(tmp_path.iterdir()) == []
