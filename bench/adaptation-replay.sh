#!/usr/bin/env bash
# Frozen versus adaptive on replayed target streams (docs/adaptation.md, "Measured"). For each pair, two processors
# serve the same replay of the target in time order, one frozen, one whose store `zesrec adapt --once` rounds move to
# fine-tuned models (a round after each chunk but the last; 8 chunks unless --chunks); then EMB-KNN and a GRU4Rec item-id oracle (D=300,
# lr=1) trained on the first three quarters are scored offline on the same events. Writes
# .local/adapt-bench/NAME/{summary.md,events.csv} and docs/figures/adaptation-NAME-{ndcg20,recall20}.{png,svg}.
#   bash bench/adaptation-replay.sh [--users-fraction F] [--chunks N] [--offline] [office|scientific ...] [-- zesrec adapt options]
# --users-fraction keeps that share of the users, chosen by a hash of their id (the same users on every run).
# --offline runs the rounds alone, without services: at each chunk boundary but the last, the fine-tuning and the
# guard's held-out comparison of `zesrec adapt --once` on the histories the store would hold (a promoted candidate
# serves the next round); prints a table of the rounds and writes nothing.
# Needs the local services (bash infra/dev/stack.sh up; eval "$(bash infra/dev/stack.sh env)"), the imported
# datasets in .local/datasets/{scientific,office} and the trained models in .local/models/{scientific,office}-tcn-s1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
fraction=1
chunks=8
offline=0
while [[ ${1:-} == --users-fraction || ${1:-} == --chunks || ${1:-} == --offline ]]; do
  case $1 in
    --users-fraction) fraction=$2; shift 2 ;;
    --chunks) chunks=$2; shift 2 ;;
    --offline) offline=1; shift ;;
  esac
done
targets=()
while [[ $# -gt 0 && $1 != -- ]]; do targets+=("$1"); shift; done
[[ ${#targets[@]} -gt 0 ]] || targets=(office scientific)
[[ ${1:-} == -- ]] && shift
if [[ $offline == 0 ]]; then
  ./zesrec --help >/dev/null
  # A private copy of the build, so editing the sources meanwhile cannot rebuild the binary under the benchmark.
  rm -rf .local/bench-bin && cp -r .local/bin .local/bench-bin
fi
dotnet build bench/ZesRec.Adaptation.Bench -c Release -nologo -v quiet >/dev/null
echo "machine: $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for target in "${targets[@]}"; do
  case $target in
    office) source=scientific ;;
    scientific) source=office ;;
    *) echo "unknown target $target (office or scientific)" >&2; exit 2 ;;
  esac
  nice -n 10 dotnet bench/ZesRec.Adaptation.Bench/bin/Release/net10.0/linux-x64/ZesRec.Adaptation.Bench.dll \
    --name "$target-from-$source" --model ".local/models/$source-tcn-s1" \
    --target ".local/datasets/$target" --source ".local/datasets/$source" \
    --zesrec .local/bench-bin/zesrec.dll --users-fraction "$fraction" --chunks "$chunks" --offline "$offline" -- "$@"
  echo "load average after $target: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done
