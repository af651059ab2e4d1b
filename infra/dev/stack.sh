#!/usr/bin/env bash
# The whole local stack: PostgreSQL + pgvector and the Kafka development broker.
#
#   infra/dev/stack.sh up     install what is missing (also Prometheus/promtool for the tests), start both;
#                             prints ZESREC_Postgres__ConnectionString=... and ZESREC_Kafka__BootstrapServers=...
#   infra/dev/stack.sh down   stop both (nothing of ours keeps running)
#   infra/dev/stack.sh env    print both lines as shell exports (for eval): the settings Postgres:ConnectionString
#                             and Kafka:BootstrapServers that every zesrec verb, the benchmark and the tests read
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")

case "${1:-}" in
  up)
    bash "$here/prometheus.sh" install >/dev/null
    bash "$here/postgres.sh" up
    bash "$here/kafka.sh" up
    ;;
  down)
    status=0
    bash "$here/kafka.sh" down || status=$?
    bash "$here/postgres.sh" down || status=$?
    exit $status
    ;;
  env)
    # Values hold ';' (connection strings): quote them for eval.
    pg=$(bash "$here/postgres.sh" url)
    kafka=$(bash "$here/kafka.sh" url)
    for line in "$pg" "$kafka"; do
      printf 'export %s=%q\n' "${line%%=*}" "${line#*=}"
    done
    ;;
  *)
    echo "usage: $0 up|down|env" >&2
    exit 2
    ;;
esac
