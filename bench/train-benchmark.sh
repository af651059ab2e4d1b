#!/usr/bin/env bash
# Training benchmark (issue: full default training of one variant in under 5 minutes on 2 cores).
# Imports amazon2018-scientific, trains every variant with `zesrec train`'s defaults (D=300, Adagrad lr 0.1,
# dropout 0.2, at most 20 epochs with early stopping) and prints a markdown table from the model cards.
#   bash bench/train-benchmark.sh [--paper] [--all-epochs] [variants...]   (default: gru4rec tcn hrnn)
# --paper trains --preset paper (no skip connection from the last item) instead of the default preset.
# --all-epochs sets --patience 20, so all 20 epochs run (throughput over a full run); without it training
# stops early on validation loss, as by default.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
extra=()
suffix=""
if [[ ${1:-} == --paper ]]; then
  extra=(--preset paper)
  suffix="-paper"
  shift
fi
if [[ ${1:-} == --all-epochs ]]; then
  extra+=(--patience 20)
  suffix+="-all-epochs"
  shift
fi
variants=("${@:-gru4rec tcn hrnn}")
read -r -a variants <<<"${variants[*]}"
data=.local/datasets/scientific
./zesrec --help >/dev/null
# A private copy of the build, so editing the sources meanwhile cannot rebuild the binary under the benchmark.
rm -rf .local/bench-bin && cp -r .local/bin .local/bench-bin
zesrec() { dotnet .local/bench-bin/zesrec.dll "$@"; }
[[ -f $data/dataset.json ]] || zesrec data import --format recbole --input ../shared/data/amazon2018-scientific --out "$data"
echo "machine: $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

echo "| variant | epochs run | best epoch | best validation loss | mean train interactions/s | wall time (s) |"
echo "|---|---:|---:|---:|---:|---:|"
for v in "${variants[@]}"; do
  out=.local/models/bench-scientific-$v$suffix
  start=$(date +%s.%N)
  zesrec train --source "$data" --variant "$v" --out "$out" "${extra[@]}" >"$out.log" 2>&1 || { echo "| $v | failed: see $out.log |"; continue; }
  end=$(date +%s.%N)
  python3 - "$out/model-card.json" "$start" "$end" "$v" <<'PY'
import json, sys
card = json.load(open(sys.argv[1]))
epochs = card["epochs"]
ips = sum(e["interactionsPerSecond"] for e in epochs) / len(epochs)
wall = float(sys.argv[3]) - float(sys.argv[2])
print(f"| {sys.argv[4]} | {len(epochs)} | {card['bestEpoch']} | {card['bestValidationLoss']:.4f} | {ips:,.0f} | {wall:.0f} |")
PY
done
