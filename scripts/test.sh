#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: installs what the tests need (Debian's
# Chromium, ChromeDriver and a CJK font; MariaDB and nginx; the Python packages), starts
# PostgreSQL, Redis and MariaDB when they are not running, then runs the linter (ruff), the dependency check (pip-audit) and
# pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
fc-list 2>/dev/null | grep -qiE 'wqy|noto (sans|serif) cjk' || missing+=(fonts-wqy-zenhei)
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# The one map's PostGIS layers (tests/test_map_layers.py): PostGIS 3 for PostgreSQL 15.
ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || missing+=(postgresql-15-postgis-3)
# The MySQL-protocol warehouse tests (tests/test_mariadb_*.py) and the nginx deployment test.
[ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
# The briefing: WeasyPrint draws PDFs with Debian's Pango; its tests read them with poppler (pdftotext).
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
# The video wall's demo clips are encoded at setup (demo/media.py).
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -r requirements-test.txt

if ! pg_isready -h 127.0.0.1 -q 2>/dev/null; then
  echo "starting PostgreSQL"
  as_root service postgresql start >/dev/null 2>&1 || as_root pg_ctlcluster --skip-systemctl-redirect 15 main start || true
  for _ in $(seq 20); do pg_isready -h 127.0.0.1 -q && break; sleep 0.5; done
fi
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  echo "starting Redis"
  as_root service redis-server start >/dev/null 2>&1 || redis-server --daemonize yes --save '' >/dev/null
  for _ in $(seq 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi

if ! mysqladmin -h 127.0.0.1 -u root ping >/dev/null 2>&1; then
  echo "starting MariaDB"
  as_root install -d -o mysql -g mysql /run/mysqld
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  for _ in $(seq 40); do mysqladmin -u root ping >/dev/null 2>&1 && break; sleep 0.5; done
  # The tests connect as root without a password over TCP, to throwaway databases of their own.
  mysqladmin -h 127.0.0.1 -u root ping >/dev/null 2>&1 || as_root mysql -u root -e \
    "CREATE USER IF NOT EXISTS root@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL ON *.* TO root@'127.0.0.1' WITH GRANT OPTION; CREATE DATABASE IF NOT EXISTS test" || true
fi

echo "ruff check ."
python3 -m ruff check .
# Fails on a known vulnerability that a newer release fixes; skips when the vulnerability
# database cannot be reached (docs/security.md, "Dependency check").
echo "pip-audit -r requirements.txt"
python3 scripts/dependency_audit.py requirements.txt
exec python3 -m pytest --headless "$@"
