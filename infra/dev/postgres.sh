#!/usr/bin/env bash
# Local PostgreSQL 15 + pgvector for development and tests, without Docker.
#
#   infra/dev/postgres.sh up       install what is missing, start, provision; prints ZESREC_Postgres__ConnectionString=...
#   infra/dev/postgres.sh down     stop the cluster (nothing of ours keeps running)
#   infra/dev/postgres.sh status   exit 0 when the cluster is running
#   infra/dev/postgres.sh url      print the ZESREC_Postgres__ConnectionString=... line (the setting Postgres:ConnectionString)
#
# Environment:
#   ZESREC_PG_DIR       folder of the throwaway cluster (default <repo>/.local/postgres, or, as root in a clone
#                       that user postgres cannot enter (e.g. under a mktemp -d folder), a per-clone folder
#                       /var/tmp/zesrec-postgres-<hash of the clone's path>; data in $ZESREC_PG_DIR/data,
#                       socket in $ZESREC_PG_DIR/sock)
#   ZESREC_PG_PORT      TCP port on 127.0.0.1 (default 55432)
#   ZESREC_PG_PASSWORD  password of the zesrec role (default zesrec: a local-dev value only)
#
# Only stdout carries the ZESREC_Postgres__ConnectionString= line; progress goes to stderr.
set -euo pipefail

# shellcheck source=infra/dev/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ZESREC_LOG_TAG=postgres

ROOT=$(zesrec_repo_root)
PG_VERSION=15
PG_BIN=/usr/lib/postgresql/$PG_VERSION/bin
PG_CONFIG=$PG_BIN/pg_config
PG_PORT=${ZESREC_PG_PORT:-55432}
PG_PASSWORD=${ZESREC_PG_PASSWORD:-zesrec}
BUILD_DIR=$ROOT/.local/build/pgvector
# pgvector 0.8 is packaged from Debian 13 on; we build that source package here.
PGVECTOR_SUITE=${ZESREC_PGVECTOR_SUITE:-trixie}
APT_SRC_FILE=/etc/apt/sources.list.d/zesrec-$PGVECTOR_SUITE-src.sources

[[ $PG_PORT =~ ^[0-9]+$ ]] || zesrec_die "ZESREC_PG_PORT must be a number, got '$PG_PORT'"
[[ $PG_PASSWORD != *";"* ]] || zesrec_die "ZESREC_PG_PASSWORD must not contain ';' (it goes into a connection string)"

# PostgreSQL refuses to run as root: as root the cluster belongs to user postgres.
if zesrec_is_root; then
  PG_USER=postgres
  as_pg() { runuser -u postgres -- "$@"; }
else
  PG_USER=$(id -un)
  as_pg() { "$@"; }
fi

PG_DIR=${ZESREC_PG_DIR:-$ROOT/.local/postgres}
if [[ -z ${ZESREC_PG_DIR:-} ]] && zesrec_is_root && id postgres >/dev/null 2>&1 && ! as_pg test -x "$ROOT"; then
  PG_DIR=/var/tmp/zesrec-postgres-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)
fi
PG_DATA=$PG_DIR/data
PG_SOCK=$PG_DIR/sock
PG_LOG=$PG_DIR/postgres.log

connection_string() {
  printf 'ZESREC_Postgres__ConnectionString=Host=127.0.0.1;Port=%s;Database=zesrec;Username=zesrec;Password=%s\n' "$PG_PORT" "$PG_PASSWORD"
}

is_running() {
  [[ -f $PG_DATA/PG_VERSION ]] && as_pg "$PG_BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1
}

# The port the running postmaster listens on (4th line of postmaster.pid).
running_port() {
  sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null
}

install_server() {
  zesrec_apt_install "postgresql-$PG_VERSION"
}

pgvector_installed() {
  [[ -f "$("$PG_CONFIG" --sharedir)/extension/vector.control" ]]
}

# Writes the project's deb-src entry for the next release, on the same mirror
# (and with the same keyring) as this machine's own main suite.
write_source_entry() {
  local codename found uri signed
  codename=$(zesrec_debian_codename)
  found=$(zesrec_apt_source_for "$codename" main) ||
    zesrec_die "no enabled 'deb' source for $codename main in /etc/apt/sources.list{,.d/}: cannot derive a mirror"
  uri=${found%%$'\t'*}
  signed=${found#*$'\t'}
  {
    echo "# Written by infra/dev/postgres.sh (ZesRec): source packages of Debian $PGVECTOR_SUITE,"
    echo "# only to build pgvector for PostgreSQL $PG_VERSION. Mirror copied from the $codename entry."
    echo "Types: deb-src"
    echo "URIs: $uri"
    echo "Suites: $PGVECTOR_SUITE"
    echo "Components: main"
    [[ -n $signed ]] && echo "Signed-By: $signed"
  } >"$APT_SRC_FILE.tmp"
  mv "$APT_SRC_FILE.tmp" "$APT_SRC_FILE"
  zesrec_log "wrote $APT_SRC_FILE (deb-src $uri $PGVECTOR_SUITE main)"
}

install_pgvector() {
  if pgvector_installed; then
    return 0
  fi
  zesrec_is_root || zesrec_die "pgvector is not installed for PostgreSQL $PG_VERSION and building it needs root"
  mkdir -p "$BUILD_DIR"
  local log=$BUILD_DIR/build.log started=$SECONDS
  : >"$log"
  zesrec_log "building pgvector from Debian $PGVECTOR_SUITE source (log: $log)"
  ZESREC_APT_LOG=$log zesrec_apt_install "postgresql-server-dev-$PG_VERSION" build-essential dpkg-dev
  write_source_entry
  # Refresh only our own list: the rest of the machine's apt state is left alone.
  DEBIAN_FRONTEND=noninteractive apt-get update -q \
    -o Dir::Etc::SourceList="$APT_SRC_FILE" -o Dir::Etc::SourceParts=/dev/null \
    -o APT::Get::List-Cleanup=false >>"$log" 2>&1 ||
    zesrec_die "apt-get update of $APT_SRC_FILE failed (see $log)"
  rm -rf "$BUILD_DIR/src"
  mkdir -p "$BUILD_DIR/src"
  (cd "$BUILD_DIR/src" && apt-get source -q "pgvector/$PGVECTOR_SUITE") >>"$log" 2>&1 ||
    zesrec_die "apt-get source pgvector/$PGVECTOR_SUITE failed (see $log)"
  local src
  src=$(find "$BUILD_DIR/src" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n1)
  [[ -n $src ]] || zesrec_die "no pgvector-* folder after apt-get source (see $log)"
  # OPTFLAGS empty (as Debian builds it): no -march=native, so the library
  # still loads if this machine image moves to another CPU.
  (cd "$src" && make PG_CONFIG="$PG_CONFIG" OPTFLAGS="" && make PG_CONFIG="$PG_CONFIG" OPTFLAGS="" install) >>"$log" 2>&1 ||
    zesrec_die "building pgvector failed (see $log)"
  pgvector_installed || zesrec_die "make install did not install vector.control (see $log)"
  zesrec_log "pgvector $(basename "$src" | sed 's/^pgvector-//') built and installed in $((SECONDS - started)) s (log: $log)"
}

init_cluster() {
  [[ -f $PG_DATA/PG_VERSION ]] && return 0
  zesrec_log "initdb in $PG_DATA"
  mkdir -p "$PG_DIR"
  if zesrec_is_root; then
    chown "$PG_USER": "$PG_DIR"
    as_pg test -w "$PG_DIR" ||
      zesrec_die "user $PG_USER cannot reach $PG_DIR (a parent folder is closed to it); set ZESREC_PG_DIR elsewhere"
  fi
  rm -rf "$PG_DATA" "$PG_SOCK"
  as_pg mkdir -m 700 "$PG_SOCK"
  # Peer auth on the private socket for the superuser; passwords over TCP.
  as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_USER" --encoding=UTF8 --no-locale \
    --auth-local=peer --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 ||
    zesrec_die "initdb failed (see $PG_DIR/initdb.log)"
  cat >>"$PG_DATA/postgresql.conf" <<EOF

# --- ZesRec local development cluster (infra/dev/postgres.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_SOCK'
# A throwaway cluster: faster commits are worth losing the last few on a crash.
synchronous_commit = off
EOF
}

start_cluster() {
  zesrec_log "starting on 127.0.0.1:$PG_PORT (log: $PG_LOG)"
  # The port is passed on the command line so ZESREC_PG_PORT may change between runs.
  # The postmaster inherits pg_ctl's descriptors and runs long after this script: it gets none of ours.
  (zesrec_close_fds && as_pg "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -o "-p $PG_PORT" </dev/null >/dev/null 2>&1) || {
    tail -n 20 "$PG_LOG" >&2 || true
    zesrec_die "pg_ctl start failed (port $PG_PORT taken? see $PG_LOG)"
  }
  zesrec_wait_for 30 "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d postgres ||
    zesrec_die "server did not become ready on 127.0.0.1:$PG_PORT (see $PG_LOG)"
}

provision() {
  # Read from stdin so the SQL file need not be readable by user postgres.
  as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -v password="$PG_PASSWORD" \
    -h "$PG_SOCK" -p "$PG_PORT" -U "$PG_USER" -d postgres -f - \
    <"$ROOT/infra/postgres/roles.sql" >"$PG_DIR/provision.log" 2>&1 ||
    zesrec_die "applying infra/postgres/roles.sql failed: $(tail -n 5 "$PG_DIR/provision.log")"
}

cmd_up() {
  if is_running; then
    local port
    port=$(running_port)
    [[ $port == "$PG_PORT" ]] ||
      zesrec_die "already running on port $port, not $PG_PORT: run '$0 down' first"
    connection_string
    return 0
  fi
  local started=$SECONDS
  install_server
  install_pgvector
  init_cluster
  start_cluster
  provision
  zesrec_log "up in $((SECONDS - started)) s"
  connection_string
}

cmd_down() {
  if ! is_running; then
    zesrec_log "not running"
    return 0
  fi
  as_pg "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 60 >/dev/null ||
    zesrec_die "pg_ctl stop failed (see $PG_LOG)"
  zesrec_log "stopped"
}

cmd_status() {
  if is_running; then
    zesrec_log "running (pid $(head -n1 "$PG_DATA/postmaster.pid")) on 127.0.0.1:$(running_port), data $PG_DATA"
    return 0
  fi
  zesrec_log "not running"
  return 1
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  url) connection_string ;;
  *)
    echo "usage: $0 up|down|status|url" >&2
    exit 2
    ;;
esac
