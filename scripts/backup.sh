#!/usr/bin/env bash
# A backup of the database: pg_dump, custom format (-Fc), of $DATABASE_URL into $BACKUP_DIR
# (default var/backups/), with its SHA-256 beside it (<dump>.sha256, as `sha256sum` writes it).
# Prints the dump's path, its only output, for the next step (a copy off the machine).
#   DATABASE_URL=postgres://user:password@host:port/name scripts/backup.sh    # or: make backup
# BACKUP_KEEP_DAYS=N then deletes this script's backups older than N days (never the new one).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/pg-common.sh
. "$ROOT/scripts/pg-common.sh"
# Names, phones and visits of customers: readable by this user only.
umask 077

[ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is not set: the database to back up (postgres://user:password@host:port/name)."
keep=${BACKUP_KEEP_DAYS:-}
[[ -z $keep || $keep =~ ^[0-9]+$ ]] || die "BACKUP_KEEP_DAYS is a number of days, not '$keep'."
dir=${BACKUP_DIR:-$ROOT/var/backups}
mkdir -p "$dir"

bin=$(pg_bin_for "$DATABASE_URL")
name=$(pg_url dbname "$DATABASE_URL" | tr -c 'A-Za-z0-9_.\n-' '_')
dump="$dir/salesoffice-$name-$(date -u +%Y%m%dT%H%M%SZ).dump"
[ ! -e "$dump" ] || die "$dump exists already: one backup a second at most."

# Written under another name and renamed once complete: a dump that is there is whole.
partial="$dump.partial"
trap 'rm -f "$partial" "$dump.sha256.partial"' EXIT
pg "$DATABASE_URL" "$bin/pg_dump" --format=custom --file="$partial" \
  || die "pg_dump of $(pg_url display "$DATABASE_URL") failed; no backup was written."
digest=$(sha256sum "$partial" | cut -d ' ' -f 1)
mv "$partial" "$dump"
printf '%s  %s\n' "$digest" "$(basename "$dump")" >"$dump.sha256.partial"
mv "$dump.sha256.partial" "$dump.sha256"

if [ -n "$keep" ]; then
  find "$dir" -maxdepth 1 -type f \( -name 'salesoffice-*.dump' -o -name 'salesoffice-*.dump.sha256' \) \
    -mmin +$((keep * 24 * 60)) ! -path "$dump" ! -path "$dump.sha256" -delete
fi
echo "$dump"
