#!/usr/bin/env bash
# Restores a backup of scripts/backup.sh into a fresh database, then verifies what it restored:
#   scripts/restore.sh var/backups/salesoffice-….dump          # or: make restore FILE=…
# Nothing is loaded unless the dump matches its .sha256. The target is RESTORE_DATABASE_URL
# (created if missing, refused unless empty), else a new database beside DATABASE_URL's, named
# <name>_restore_<UTC time>. Then, on the restored database: `manage.py migrate --check`, and
# the ledger's verification, `manage.py verify_ledger`, or `manage.py check` while that command
# does not exist. The restored database is left in place, passed or failed, for inspection.
# MANAGE_PYTHON and MANAGE_PY name the interpreter and the manage.py (default: this checkout's).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/pg-common.sh
. "$ROOT/scripts/pg-common.sh"

dump=${1:-}
[ -n "$dump" ] || die "usage: scripts/restore.sh FILE (make restore FILE=var/backups/salesoffice-….dump)"
[ -f "$dump" ] || die "no such backup: $dump"

# 1. The dump is the one that was backed up, byte for byte: checked before anything is created.
[ -f "$dump.sha256" ] || die "no checksum beside the backup ($dump.sha256): a dump that cannot be verified is not restored; nothing was restored."
expected=$(awk 'NR == 1 { print $1 }' "$dump.sha256")
actual=$(sha256sum "$dump" | cut -d ' ' -f 1)
[ "$expected" = "$actual" ] || die "checksum mismatch: $dump is not the file that was backed up (sha256 $actual, expected $expected): corrupted or altered; nothing was restored."
echo "Checksum: OK (sha256 $actual)"

# 2. A fresh database to restore into, never one with data in it (the live one, by mistake).
if [ -n "${RESTORE_DATABASE_URL:-}" ]; then
  target=$RESTORE_DATABASE_URL
  admin=$(pg_url with-db "$target" postgres)  # every cluster has it; CREATE DATABASE runs there
else
  [ -n "${DATABASE_URL:-}" ] || die "set RESTORE_DATABASE_URL (the database to restore into), or DATABASE_URL (a new database is then created beside it)."
  source=$(pg_url dbname "$DATABASE_URL")
  # PostgreSQL cuts names at 63 bytes; the suffix is 23.
  target=$(pg_url with-db "$DATABASE_URL" "${source:0:40}_restore_$(date -u +%Y%m%d%H%M%S)")
  admin=$DATABASE_URL
fi
name=$(pg_url dbname "$target")
where=$(pg_url display "$target")
bin=$(pg_bin_for "$admin")
psql=("$bin/psql" -X -q -At -v ON_ERROR_STOP=1)

exists=$(echo "SELECT 1 FROM pg_database WHERE datname = :'name';" | pg "$admin" "${psql[@]}" -v name="$name")
if [ "$exists" = 1 ]; then
  relations=$(pg "$target" "${psql[@]}" -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'")
  [ "$relations" = 0 ] || die "$where is not empty ($relations tables, sequences or indexes): restore into a fresh database only; nothing was restored."
else
  echo 'CREATE DATABASE :"name" TEMPLATE template0;' | pg "$admin" "${psql[@]}" -v name="$name" \
    || die "cannot create the database $name (its user needs CREATEDB): create it empty and set RESTORE_DATABASE_URL; nothing was restored."
fi

# 3. The dump, in one transaction: all of it or nothing. Objects belong to the restoring user
#    and no GRANT is replayed, so a user without superuser rights can restore (roles of another
#    cluster need not exist here).
echo "Restoring into $where"
pg "$target" "$bin/pg_restore" --no-owner --no-privileges --exit-on-error --single-transaction "$dump" \
  || die "pg_restore into $where failed; the database was left empty."

# 4. Verification by the application, on the restored database.
python=${MANAGE_PYTHON:-}
if [ -z "$python" ]; then
  if [ -x "$ROOT/.venv/bin/python" ]; then python=$ROOT/.venv/bin/python; else python=python3; fi
fi
manage() { DATABASE_URL=$target "$python" "${MANAGE_PY:-$ROOT/manage.py}" "$@"; }

migrations=$(manage migrate --check --noinput 2>&1) || {
  echo "$migrations" >&2
  die "the restored schema is not the code's: manage.py migrate --check failed on $where (kept for inspection)."
}
echo "Migrations: up to date (manage.py migrate --check)"

commands=$(manage help --commands) || die "manage.py does not run: nothing was verified on $where."
if grep -qx verify_ledger <<<"$commands"; then
  verification=verify_ledger
else
  verification=check  # until the ledger's hash-chain command exists
fi
manage "$verification" || die "verification failed: manage.py $verification on $where (kept for inspection)."
echo "Verification: manage.py $verification passed"
echo "Restored $dump into database \"$name\" ($where)."
