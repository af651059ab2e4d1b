#!/usr/bin/env bash
# Consecutive latency runs of bench/ZesRec.Streaming.Bench at a fixed offered rate, one table row per run with the
# load average before and after it (the machine may be shared), and every run's per-event trace.
#
#   bash bench/latency-runs.sh [--runs N] [--out DIR] [--nice N] -- BENCH-OPTIONS...
#
# --nice N runs the bench, this checkout's development broker and PostgreSQL at niceness N (below 0 needs root), so that
# other work on a shared machine takes CPU from them last; they are put back to 0 at the end. Where the kernel groups
# processes by session (/proc/sys/kernel/sched_autogroup_enabled = 1) a thread's niceness only counts within its session,
# so the sessions' own niceness (/proc/PID/autogroup) is set too. Without --nice they keep the priority they have.
#
# Example (10 GRU4Rec runs, interaction figures only, items from the text cache):
#   bash bench/latency-runs.sh --runs 10 --out .local/latency -- --model .local/models/bench-scientific-gru4rec \
#     --text-cache .local/cache/bench-text --skip-encoder-alone --interactions 5000 --warmup 5000 --scorer-batches 2
#
# Needs the local services (bash infra/dev/stack.sh up && eval "$(bash infra/dev/stack.sh env)"). Writes DIR/run-K.log
# (the bench's whole output, with the breakdown of where the slow events spent their time) and DIR/run-K.csv (the trace).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=10
out=.local/latency-runs
niceness=
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --nice) niceness=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "latency-runs.sh: unknown option '$1' (bench options go after --)" >&2; exit 2 ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "latency-runs.sh: --runs must be a positive number, got '$runs'" >&2; exit 2; }

mkdir -p "$out"
dotnet build bench/ZesRec.Streaming.Bench -c Release -nologo -v quiet >"$out/build.log" 2>&1 ||
  { echo "latency-runs.sh: building the bench failed (see $out/build.log)" >&2; exit 1; }
dll=$(find bench/ZesRec.Streaming.Bench/bin/Release -name ZesRec.Streaming.Bench.dll | head -n 1)

load() { cut -d' ' -f1-3 /proc/loadavg; }

# Every thread of the services of this checkout (pid files of infra/dev), and PostgreSQL's backends.
renice_services() {
  local pids=() pid
  [[ -f .local/kafka/devbroker.pid ]] && pids+=("$(<.local/kafka/devbroker.pid)")
  [[ -f .local/postgres/data/postmaster.pid ]] && pid=$(head -n 1 .local/postgres/data/postmaster.pid) &&
    pids+=("$pid") && mapfile -t -O "${#pids[@]}" pids < <(pgrep -P "$pid")
  for pid in "${pids[@]}"; do
    for task in /proc/"$pid"/task/*; do renice -n "$1" -p "${task##*/}" >/dev/null 2>&1 || true; done
    [[ -w /proc/$pid/autogroup ]] && { echo "$1" >"/proc/$pid/autogroup"; } 2>/dev/null || true
  done
}
bench=(dotnet "$dll")
if [[ -n $niceness ]]; then
  [[ $niceness =~ ^-?[0-9]+$ ]] || { echo "latency-runs.sh: --nice must be a number, got '$niceness'" >&2; exit 2; }
  trap 'renice_services 0' EXIT
  # This script's session holds the bench.
  [[ -w /proc/$$/autogroup ]] && { echo "$niceness" >"/proc/$$/autogroup"; } 2>/dev/null || true
  bench=(nice -n "$niceness" dotnet "$dll")
fi
echo "| run | model | p50 ms | p95 ms | p99 ms | seconds with events over 100 ms (of them CPU-starved) | load before | load after |"
echo "|---:|---|---:|---:|---:|---:|---|---|"
for ((k = 1; k <= runs; k++)); do
  before=$(load)
  [[ -n $niceness ]] && renice_services "$niceness"
  if ! "${bench[@]}" "$@" --trace-csv "$out/run-$k.csv" >"$out/run-$k.log" 2>&1; then
    echo "| $k | failed (see $out/run-$k.log) | | | | | $before | $(load) |"
    continue
  fi
  after=$(load)
  # LATENCY <model> p50 X p95 Y p99 Z slow-seconds S starved T
  grep '^LATENCY ' "$out/run-$k.log" | while read -r _ model _ p50 _ p95 _ p99 _ slow _ starved; do
    echo "| $k | $model | $p50 | $p95 | $p99 | $slow ($starved) | $before | $after |"
  done
done
