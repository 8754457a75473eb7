#!/usr/bin/env bash
# Runs a command beside a throw-away PostgreSQL and Redis on free loopback ports, then stops
# them whatever happened, and exits with the command's status.
#   scripts/with-services.sh .venv/bin/pytest
set -uo pipefail

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL is not installed (scripts/system-deps.sh test)." >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

WORK=$(mktemp -d /tmp/salesoffice-services.XXXXXX)
chmod 755 "$WORK"
PGPORT=$(free_port)
REDISPORT=$(free_port)
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop() {
  as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1
  redis-cli -p "$REDISPORT" shutdown nosave >/dev/null 2>&1
  rm -rf "$WORK"
}
trap stop EXIT
trap 'exit 130' INT TERM

mkdir -p "$WORK/pg"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$WORK/pg"
as_postgres "$PGBIN/initdb" -D "$WORK/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null \
  || { echo "initdb failed" >&2; exit 1; }
as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w -o \
  "-c listen_addresses=127.0.0.1 -p $PGPORT -k $WORK/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$WORK/pg/log" >&2; exit 1; }
redis-server --port "$REDISPORT" --bind 127.0.0.1 --daemonize yes --dir "$WORK" \
  --pidfile "$WORK/redis.pid" --save '' --appendonly no >/dev/null || exit 1
for _ in $(seq 50); do redis-cli -p "$REDISPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/salesoffice"
export REDIS_URL="redis://127.0.0.1:$REDISPORT/0"
as_postgres "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres salesoffice || exit 1
echo "PostgreSQL on 127.0.0.1:$PGPORT, Redis on 127.0.0.1:$REDISPORT"

"$@"
