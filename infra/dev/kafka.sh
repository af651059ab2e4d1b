#!/usr/bin/env bash
# Kafka development broker (librdkafka's mock cluster behind a fixed port), without Docker.
#
#   infra/dev/kafka.sh up       build if needed, start in the background; prints ZESREC_Kafka__BootstrapServers=...
#   infra/dev/kafka.sh down     stop it (nothing of ours keeps running)
#   infra/dev/kafka.sh status   exit 0 when it is running and accepting connections
#   infra/dev/kafka.sh url      print the ZESREC_Kafka__BootstrapServers=... line (exit 1 when down)
#   infra/dev/kafka.sh pause    simulate a broker restart, first half: the broker drops every connection and
#                               closes its port, but keeps running with its data (topics, records, offsets,
#                               groups); `resume` (or `up`) brings it back. Outage tests use a private broker.
#   infra/dev/kafka.sh resume   end a pause
#
# Environment:
#   ZESREC_KAFKA_PORT      TCP port on 127.0.0.1 (default 59092)
#   ZESREC_KAFKA_DIR       state folder: pid, log, ready and control files (default <repo>/.local/kafka)
#   ZESREC_KAFKA_BIN_DIR   where the broker is built (default <repo>/.local/devbroker/bin); a private broker
#                          gets its own, so that rebuilding it never rewrites the binary a running one uses
#   ZESREC_KAFKA_TLS_CERT, ZESREC_KAFKA_TLS_KEY
#                          PEM server certificate and key: the port then speaks TLS only (tests of TLS clients)
#   ZESREC_KAFKA_SASL_USERS
#                          user:password,user:password: every connection must then authenticate with SASL first
#                          (clients: security.protocol=SASL_PLAINTEXT, or SASL_SSL together with the TLS pair above;
#                          sasl.mechanism, sasl.username, sasl.password). Read by the broker from its environment,
#                          so passwords stay out of `ps`; a password may hold colons, not commas.
#   ZESREC_KAFKA_SASL_MECHANISMS
#                          the SASL mechanisms offered, comma-separated (default PLAIN,SCRAM-SHA-256,SCRAM-SHA-512)
#
# Only stdout carries the ZESREC_Kafka__BootstrapServers= line; progress goes to stderr.
# Limits of this broker (in memory, ~5 MiB per partition, no transactions): infra/kafka/README.md
set -euo pipefail

# shellcheck source=infra/dev/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ZESREC_LOG_TAG=kafka

ROOT=$(zesrec_repo_root)
HOST=127.0.0.1
PORT=${ZESREC_KAFKA_PORT:-59092}
STATE_DIR=${ZESREC_KAFKA_DIR:-$ROOT/.local/kafka}
PID_FILE=$STATE_DIR/devbroker.pid
LOG_FILE=$STATE_DIR/devbroker.log
READY_FILE=$STATE_DIR/ready
LOCK_FILE=$STATE_DIR/lock
CONTROL_FILE=$STATE_DIR/control
APPLIED_FILE=$CONTROL_FILE.applied
PROJECT_DIR=$ROOT/src/ZesRec.DevBroker
BIN_DIR=${ZESREC_KAFKA_BIN_DIR:-$ROOT/.local/devbroker/bin}
DLL=$BIN_DIR/zesrec-devbroker.dll
TOPICS_FILE=$ROOT/infra/kafka/topics.json
START_TIMEOUT_S=60
STOP_TIMEOUT_S=15
CONTROL_TIMEOUT_S=15

[[ $PORT =~ ^[0-9]+$ ]] || zesrec_die "ZESREC_KAFKA_PORT must be a number, got '$PORT'"

bootstrap_line() {
  printf 'ZESREC_Kafka__BootstrapServers=%s:%s\n' "$HOST" "$PORT"
}

# The pid from the pid file, when that process is still our broker (pids get reused).
broker_pid() {
  [[ -f $PID_FILE ]] || return 1
  local pid
  pid=$(<"$PID_FILE")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'zesrec-devbroker' || return 1
  printf '%s\n' "$pid"
}

port_open() {
  (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null
}

is_up() {
  broker_pid >/dev/null && [[ -f $READY_FILE ]] && port_open
}

# The state in force after the last pause/resume: up or down (empty before the broker wrote it).
applied_state() {
  cat "$APPLIED_FILE" 2>/dev/null || true
}

is_paused() {
  broker_pid >/dev/null && [[ -f $READY_FILE ]] && [[ $(applied_state) == down ]]
}

# Rebuilds when the binary is missing or older than any source of the broker project. Brokers of several state
# folders may share a binary folder: its own lock keeps two builds from writing it at once.
build_if_needed() {
  mkdir -p "$BIN_DIR"
  exec 8>"$BIN_DIR.lock"
  flock -w 300 8 || zesrec_die "another build of the development broker is still running after 300s (lock $BIN_DIR.lock)"
  if [[ -f $DLL ]] && [[ -z $(find "$PROJECT_DIR" \( -path "$PROJECT_DIR/bin" -o -path "$PROJECT_DIR/obj" \) -prune -o \
    -type f \( -name '*.cs' -o -name '*.csproj' \) -newer "$DLL" -print -quit) ]]; then
    exec 8>&-
    return 0
  fi
  zesrec_log "building the development broker into ${BIN_DIR#"$ROOT"/}"
  # No inherited descriptors: the compiler server that dotnet build may leave running must not hold our locks.
  (zesrec_close_fds && exec dotnet build "$PROJECT_DIR/ZesRec.DevBroker.csproj" -c Release -o "$BIN_DIR" -nologo -v quiet -nodeReuse:false \
    </dev/null >"$STATE_DIR/build.log" 2>&1) ||
    zesrec_die "building the development broker failed (see $STATE_DIR/build.log)"
  # dotnet build leaves an unchanged dll's time alone; mark the build so sources are not rebuilt every time.
  touch "$DLL"
  exec 8>&-
}

cmd_up() {
  local pid
  if is_paused; then
    zesrec_log "paused (pid $(broker_pid)); resuming it"
    cmd_resume
    return 0
  fi
  if is_up; then
    zesrec_log "already running (pid $(broker_pid))"
    bootstrap_line
    return 0
  fi
  if pid=$(broker_pid); then
    zesrec_log "pid $pid is not answering on $HOST:$PORT; restarting it"
    stop_broker
  fi
  port_open && zesrec_die "port $PORT on $HOST is taken by another process; set ZESREC_KAFKA_PORT or stop it"
  build_if_needed
  rm -f "$READY_FILE" "$CONTROL_FILE" "$APPLIED_FILE"
  local security=""
  [[ -n ${ZESREC_KAFKA_TLS_CERT:-} ]] && security+=" TLS"
  [[ -n ${ZESREC_KAFKA_SASL_USERS:-} ]] && security+=" SASL(${ZESREC_KAFKA_SASL_MECHANISMS:-PLAIN,SCRAM-SHA-256,SCRAM-SHA-512})"
  zesrec_log "starting on $HOST:$PORT${security:+ with$security} (log: ${LOG_FILE#"$ROOT"/})"
  # setsid + nohup: the broker outlives this shell and the terminal or test run that started it. It inherits no
  # descriptor but its own stdin/stdout/stderr: not our lock (fd 9), nor any lock or pipe of whoever called us.
  local tls=()
  if [[ -n ${ZESREC_KAFKA_TLS_CERT:-} ]]; then
    tls=(--tls-cert "$ZESREC_KAFKA_TLS_CERT" --tls-key "${ZESREC_KAFKA_TLS_KEY:?ZESREC_KAFKA_TLS_KEY must go with ZESREC_KAFKA_TLS_CERT}")
  fi
  (cd "$ROOT" && zesrec_close_fds && exec setsid nohup dotnet "$DLL" --host "$HOST" --port "$PORT" --topics "$TOPICS_FILE" \
    --ready-file "$READY_FILE" --rebalance-delay-ms 0 --control-file "$CONTROL_FILE" "${tls[@]}" </dev/null >"$LOG_FILE" 2>&1) &
  pid=$!
  echo "$pid" >"$PID_FILE"
  local i
  for ((i = 0; i < START_TIMEOUT_S * 4; i++)); do
    if [[ -f $READY_FILE ]]; then
      break
    fi
    # Not broker_pid: until the exec the child's command line is still this script's.
    kill -0 "$pid" 2>/dev/null || zesrec_die "the broker exited during start-up: $(tail -n 5 "$LOG_FILE" 2>/dev/null)"
    sleep 0.25
  done
  [[ -f $READY_FILE ]] || { stop_broker; zesrec_die "not ready after ${START_TIMEOUT_S}s (see $LOG_FILE)"; }
  zesrec_wait_for 10 port_open || { stop_broker; zesrec_die "ready file written but $HOST:$PORT refuses connections"; }
  zesrec_log "ready (pid $pid)"
  bootstrap_line
}

stop_broker() {
  local pid i
  if pid=$(broker_pid); then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < STOP_TIMEOUT_S * 4; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
      zesrec_log "pid $pid ignored SIGTERM for ${STOP_TIMEOUT_S}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$PID_FILE" "$READY_FILE" "$CONTROL_FILE" "$APPLIED_FILE"
}

cmd_down() {
  if broker_pid >/dev/null; then
    zesrec_log "stopping (pid $(broker_pid))"
    stop_broker
    zesrec_log "stopped"
  else
    rm -f "$PID_FILE" "$READY_FILE" "$CONTROL_FILE" "$APPLIED_FILE"
    zesrec_log "not running"
  fi
}

cmd_status() {
  if is_paused; then
    zesrec_log "paused (pid $(broker_pid)): port $PORT closed, data kept; 'resume' brings it back"
    return 1
  fi
  if is_up; then
    zesrec_log "running (pid $(broker_pid)) on $HOST:$PORT"
    return 0
  fi
  zesrec_log "not running"
  return 1
}

cmd_url() {
  is_up || zesrec_die "not running; start it with: infra/dev/kafka.sh up"
  bootstrap_line
}

# Writes the wanted state for the broker's control loop and waits until it is in force.
set_broker_state() {
  local want=$1 pid
  pid=$(broker_pid) || zesrec_die "not running; start it with: infra/dev/kafka.sh up"
  [[ -f $READY_FILE ]] || zesrec_die "pid $pid is not ready yet"
  [[ -n $(applied_state) ]] || zesrec_die "pid $pid has no control file (started by an older kafka.sh?); restart it with down, up"
  echo "$want" >"$CONTROL_FILE.tmp"
  mv "$CONTROL_FILE.tmp" "$CONTROL_FILE"
  local i
  for ((i = 0; i < CONTROL_TIMEOUT_S * 10; i++)); do
    [[ $(applied_state) == "$want" ]] && return 0
    kill -0 "$pid" 2>/dev/null || zesrec_die "the broker exited: $(tail -n 5 "$LOG_FILE" 2>/dev/null)"
    sleep 0.1
  done
  zesrec_die "the broker did not go $want within ${CONTROL_TIMEOUT_S}s (see $LOG_FILE)"
}

cmd_pause() {
  set_broker_state down
  zesrec_log "paused (pid $(broker_pid)): connections dropped, port $PORT closed, data kept"
}

cmd_resume() {
  set_broker_state up
  zesrec_wait_for 10 port_open || zesrec_die "resumed but $HOST:$PORT refuses connections"
  zesrec_log "resumed (pid $(broker_pid))"
  bootstrap_line
}

main() {
  local cmd=${1:-}
  case $cmd in
    up | down | status | url | pause | resume) ;;
    *) zesrec_die "usage: $0 up|down|status|url|pause|resume" ;;
  esac
  mkdir -p "$STATE_DIR"
  # One caller at a time: parallel test runs may all call `up`, and only one may build and start.
  exec 9>"$LOCK_FILE"
  flock -w 120 9 || zesrec_die "another kafka.sh is still running after 120s (lock $LOCK_FILE)"
  "cmd_$cmd"
}

main "$@"
