# shellcheck shell=bash
# Shared by scripts/backup.sh and scripts/restore.sh (sourced, not run): database URLs, the
# PostgreSQL client of the server's major version, and running it without a password in argv.

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# pg_url ACTION URL [NAME]: a part of a postgres:// URL, or the URL changed. Actions:
#   conninfo   the URL without its password (what the client gets on its command line)
#   password   the password, decoded ("" if none)
#   dbname     the database name, decoded
#   display    user@host:port/name, for messages
#   with-db    the same URL naming the database NAME instead
pg_url() {
  python3 - "$@" <<'PY'
import sys
from urllib.parse import quote, unquote, urlsplit, urlunsplit

action, url, *rest = sys.argv[1:]
parts = urlsplit(url)
if parts.scheme not in ("postgres", "postgresql"):
    sys.exit(f"not a PostgreSQL URL (postgres://user:password@host:port/name): {parts.scheme}://…")
user = parts.username or ""
host = parts.netloc.rpartition("@")[2]
login = quote(unquote(user), safe="") + "@" if user else ""
if action == "conninfo":
    print(urlunsplit(parts._replace(netloc=login + host)))
elif action == "password":
    print(unquote(parts.password or ""))
elif action == "dbname":
    print(unquote(parts.path.lstrip("/")))
elif action == "display":
    print(f"{login}{host}/{unquote(parts.path.lstrip('/'))}")
elif action == "with-db":
    print(urlunsplit(parts._replace(path="/" + quote(rest[0], safe=""))))
else:
    sys.exit(f"pg_url: unknown action {action}")
PY
}

# pg URL COMMAND [ARGS…]: runs a PostgreSQL client on URL's database. The password goes in
# PGPASSWORD, not on the command line, where `ps` would show it to every user of the machine.
pg() {
  local url=$1 password conninfo
  shift
  password=$(pg_url password "$url") && conninfo=$(pg_url conninfo "$url") || return 1
  if [ -n "$password" ]; then
    PGPASSWORD=$password "$@" --dbname="$conninfo"
  else
    "$@" --dbname="$conninfo"
  fi
}

# pg_bin_for URL: the folder of the client binaries matching the server's major version, like
# scripts/with-services.sh finds the server's. pg_dump refuses a server newer than itself, and
# a newer pg_restore writes settings an older server rejects. PGBIN, when set, is used as is.
pg_bin_for() {
  local url=$1 psql number major dir
  if [ -n "${PGBIN:-}" ]; then
    echo "$PGBIN"
    return
  fi
  psql=$(printf '%s\n' /usr/lib/postgresql/*/bin/psql | sort -V | tail -n 1)
  [ -x "$psql" ] || psql=$(command -v psql) || die "no PostgreSQL client installed (psql, pg_dump, pg_restore)."
  number=$(pg "$url" "$psql" -X -At -c "SHOW server_version_num") \
    || die "cannot connect to $(pg_url display "$url")."
  major=$((number / 10000))
  for dir in "/usr/lib/postgresql/$major/bin" "$(dirname "$(command -v pg_dump || echo /none/pg_dump)")"; do
    if [ -x "$dir/pg_dump" ] && [[ $("$dir/pg_dump" --version) == *" $major."* ]]; then
      echo "$dir"
      return
    fi
  done
  die "no PostgreSQL $major client (the server's version): install postgresql-client-$major, or set PGBIN."
}
