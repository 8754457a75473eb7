#!/usr/bin/env bash
# Installs the Debian packages a target needs, only those missing (one apt-get update, one install).
#   runtime: PDF rendering (WeasyPrint: pango, harfbuzz subsetting, a CJK font)
#   test:    runtime + PostgreSQL, Redis, poppler (pdftotext) and chromium for browser tests
set -euo pipefail

runtime=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk)
test=(postgresql redis-server poppler-utils chromium gettext)

case "${1:-runtime}" in
  runtime) wanted=("${runtime[@]}") ;;
  test) wanted=("${runtime[@]}" "${test[@]}") ;;
  *) echo "usage: $0 runtime|test" >&2; exit 2 ;;
esac
python3 -c "import ensurepip, venv" 2>/dev/null || wanted+=(python3-venv)

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "Missing Debian packages: ${missing[*]} (install them as root with apt-get)." >&2
  [ "${1:-runtime}" = test ] && exit 1 || exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
