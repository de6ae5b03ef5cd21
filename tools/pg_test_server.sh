#!/usr/bin/env bash
# A throw-away PostgreSQL + PostGIS server for the tests: `start` prints its URL, `stop` removes it.
#
#   url=$(bash tools/pg_test_server.sh start)   # installs Debian's postgresql and postgis when missing
#   ZONEKIT_TEST_PG_URL="$url" pytest ...
#   bash tools/pg_test_server.sh stop
#
# The cluster lives in a temporary folder, runs as the `postgres` user on a free loopback port and
# accepts only password logins from 127.0.0.1; nothing of a server the machine may already run is used.
set -euo pipefail

STATE="${ZONEKIT_PG_STATE:-/tmp/zonekit-test-pg}"
say() { echo "pg_test_server: $*" >&2; }

pg_bin() {  # the newest installed server's binaries
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

install_missing() {
  local bin major
  bin="$(pg_bin)"
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    say "installing PostgreSQL (Debian's postgresql)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin="$(pg_bin)"
  fi
  major="$(basename "$(dirname "$bin")")"
  if [ ! -f "/usr/share/postgresql/$major/extension/postgis.control" ]; then
    say "installing PostGIS for PostgreSQL $major (Debian's postgresql-$major-postgis-3)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$major-postgis-3" >/dev/null
  fi
  [ -x "$bin/initdb" ] || { say "no initdb after installing postgresql"; exit 1; }
  [ -f "/usr/share/postgresql/$major/extension/postgis.control" ] || { say "no PostGIS after installing it"; exit 1; }
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  install_missing
  stop quiet
  local bin port password
  bin="$(pg_bin)"
  port="$(free_port)"
  password="$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
  mkdir -p "$STATE"
  chown postgres "$STATE"
  printf '%s\n' "$password" > "$STATE/password"
  chown postgres "$STATE/password"
  chmod 600 "$STATE/password"
  runuser -u postgres -- "$bin/initdb" -D "$STATE/data" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 --pwfile="$STATE/password" -E UTF8 --locale=C.UTF-8 >/dev/null
  runuser -u postgres -- "$bin/pg_ctl" -D "$STATE/data" -l "$STATE/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $STATE -c fsync=off -c full_page_writes=off" start >/dev/null
  echo "$port" > "$STATE/port"
  runuser -u postgres -- "$bin/psql" -h "$STATE" -p "$port" -U postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE zonekit_test" >/dev/null
  runuser -u postgres -- "$bin/psql" -h "$STATE" -p "$port" -U postgres -d zonekit_test -q -v ON_ERROR_STOP=1 \
    -c "CREATE EXTENSION postgis" >/dev/null
  runuser -u postgres -- "$bin/psql" -h "$STATE" -p "$port" -U postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE zonekit_bare" >/dev/null  # a database without PostGIS, for the error it gives
  echo "postgresql://postgres:$password@127.0.0.1:$port/zonekit_test"
}

stop() {
  local bin
  bin="$(pg_bin)"
  if [ -n "$bin" ] && [ -f "$STATE/data/postmaster.pid" ]; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$STATE/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$STATE"
  [ "${1:-}" = quiet ] || say "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
