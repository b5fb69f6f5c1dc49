#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on loopback for the test suite and print its URL.
# Uses Debian's postgresql package (install it first: apt-get install postgresql).
# Usage: eval "$(scripts/start-test-postgres.sh)"   → exports TEST_DATABASE_URL
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ]; then
  echo "PostgreSQL server binaries not found: apt-get install postgresql" >&2
  exit 1
fi
PORT=${PGPORT_TEST:-54329}
DATA=${PGDATA_TEST:-/tmp/homeward-pg-$PORT}
RUNAS=()
if [ "$(id -u)" = "0" ]; then
  RUNAS=(runuser -u postgres --)   # initdb refuses to run as root
fi
if [ ! -f "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA"
  [ "$(id -u)" = "0" ] && chown postgres:postgres "$DATA"
  "${RUNAS[@]}" "$PGBIN/initdb" -D "$DATA" -U homeward --auth=trust -E UTF8 >/dev/null
fi
if ! "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
    -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
fi
"${RUNAS[@]}" "$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U homeward -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname='homeward_test'" | grep -q 1 || \
  "${RUNAS[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U homeward homeward_test
echo "export TEST_DATABASE_URL=postgresql://homeward@127.0.0.1:$PORT/homeward_test"
