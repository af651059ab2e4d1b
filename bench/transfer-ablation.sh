#!/usr/bin/env bash
# Zero-shot transfer ablation and headline (docs/results.md): trains ZESRec with each named row of options on
# each source, evaluates every model zero-shot on its target against EMB-KNN and Random (last-item NDCG@20),
# and prints one markdown line per row, pair and variant.
#   bash bench/transfer-ablation.sh [--rows R1,R2] [--variants gru4rec,tcn,hrnn] [--seeds 1,2,3]
#        [--pairs scientific:office,office:scientific] [--jobs 2] [--epochs N]
# A source named multi-for-TARGET is every other known domain combined (zesrec data combine) without TARGET.
# Models: .local/ablation/models/ROW/SOURCE-VARIANT-sSEED (kept: a rerun only trains what is missing);
# evaluations: .local/ablation/eval/ROW/SOURCE-TARGET/{report.md,results.csv}. --epochs caps training (for
# scouting; such models go to ROW-eN). Trainings run --jobs at a time with one libtorch thread each.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The rows: a name and the `zesrec train` options it adds. "default" is `zesrec train` with no options.
row_options() {
  case $1 in
    default) echo "" ;;
    paper) echo "--preset paper" ;;
    paper+skip) echo "--preset paper --skip-last-item on" ;;
    paper+head) echo "--preset paper --user-head on" ;;
    paper+norm) echo "--preset paper --normalize-text on" ;;
    paper+cos) echo "--preset paper --temperature 0.1" ;;
    paper+lambda) echo "--preset paper --lambda-v 10000" ;;
    paper+nodropout) echo "--preset paper --dropout 0" ;;
    paper+adagrad) echo "--preset paper --adagrad-init 0.01" ;;
    default-skip) echo "--skip-last-item off" ;;
    default+head) echo "--user-head on" ;;
    default+norm) echo "--normalize-text on" ;;
    default-cos) echo "--temperature 0" ;;
    default-cos+neg1024) echo "--temperature 0 --sampled-negatives 1024" ;;
    *) echo "unknown row '$1'" >&2; return 1 ;;
  esac
}

rows=default,paper variants=gru4rec,tcn,hrnn seeds=1,2,3 pairs=scientific:office,office:scientific jobs=2 epochs=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --rows) rows=$2 ;;
    --variants) variants=$2 ;;
    --seeds) seeds=$2 ;;
    --pairs) pairs=$2 ;;
    --jobs) jobs=$2 ;;
    --epochs) epochs=$2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
  shift 2
done
IFS=, read -r -a rows <<<"$rows"
IFS=, read -r -a variants <<<"$variants"
IFS=, read -r -a seeds <<<"$seeds"
IFS=, read -r -a pairs <<<"$pairs"
for r in "${rows[@]}"; do row_options "$r" >/dev/null; done

./zesrec --help >/dev/null
# A private copy of the build, so editing the sources meanwhile cannot change the binary under the runs.
bin=.local/ablation/bin-$$
mkdir -p .local/ablation && cp -r .local/bin "$bin"
trap 'rm -rf "$bin"' EXIT
zesrec() { dotnet "$bin/zesrec.dll" "$@"; }
import() {
  [[ -f .local/datasets/$1/dataset.json ]] && return
  case $1 in
    scientific) zesrec data import --format recbole --input "$ZESREC_DATA_ROOT/amazon2018-scientific" --out .local/datasets/scientific ;;
    office) zesrec data import --format rechorus --input "$ZESREC_DATA_ROOT/amazon2014-office" --out .local/datasets/office ;;
    games) zesrec data import --format recbole --input "$ZESREC_DATA_ROOT/amazon2018-games" --out .local/datasets/games ;;
    gift-cards) zesrec data import --format amazon2018 --input "$ZESREC_DATA_ROOT/amazon2018-raw/Gift_Cards_5.json.gz" --out .local/datasets/gift-cards ;;
    magazines) zesrec data import --format amazon2018 --input "$ZESREC_DATA_ROOT/amazon2018-raw/Magazine_Subscriptions_5.json.gz" --out .local/datasets/magazines ;;
    movielens) zesrec data import --format movielens --input "$ZESREC_DATA_ROOT/movielens-latest-small" --out .local/datasets/movielens ;;
    multi-for-*) combine "${1#multi-for-}" ;;
    *) echo "no importer known for '$1'" >&2; return 1 ;;
  esac >/dev/null
}
# multi-for-TARGET: every other domain in one source (Games: 8,000 users), TARGET's items left out (docs/results.md).
combine() {
  local target=$1 inputs=() d
  for d in scientific office games movielens gift-cards magazines; do
    [[ $d == "$target" ]] && continue
    import "$d"
    inputs+=(".local/datasets/$d")
  done
  import "$target"
  zesrec data combine --input "$(IFS=,; echo "${inputs[*]}")" --exclude ".local/datasets/$target" --max-users 8000 \
    --out ".local/datasets/multi-for-$target"
}
export ZESREC_DATA_ROOT=${ZESREC_DATA_ROOT:-$(. infra/dev/lib.sh && zesrec_data_root)}
for p in "${pairs[@]}"; do import "${p%%:*}"; import "${p##*:}"; done
echo "machine: $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

folder() { echo "$1${epochs:+-e$epochs}"; }
# Trainings first, --jobs at a time.
plan=$(mktemp)
for r in "${rows[@]}"; do
  for p in "${pairs[@]}"; do
    for v in "${variants[@]}"; do
      for s in "${seeds[@]}"; do
        out=.local/ablation/models/$(folder "$r")/${p%%:*}-$v-s$s
        [[ -f $out/model-card.json ]] && continue
        echo "$out|--source .local/datasets/${p%%:*} --variant $v --seed $s $(row_options "$r")${epochs:+ --epochs $epochs}" >>"$plan"
      done
    done
  done
done
sort -u "$plan" | BIN=$bin xargs -d '\n' -P "$jobs" -I{} bash -c '
  out=${1%%|*}; opts=${1#*|}; mkdir -p "$(dirname "$out")"
  start=$(date +%s)
  # One retry: about one training in 25 stopped inside libtorch with "Expected false to be true" from
  # c10::Scalar::toFloat, and the same command then ran through, identical up to that point.
  # shellcheck disable=SC2086
  for attempt in 1 2; do
    dotnet "$BIN/zesrec.dll" train $opts --threads 1 --out "$out" >"$out.log" 2>&1 && break
    [[ $attempt == 1 ]] && mv "$out.log" "$out.failed.log"
  done
  [[ -f $out/model-card.json ]] \
    && echo "trained $out in $(( $(date +%s) - start )) s (load $(cut -d" " -f1 /proc/loadavg))" >&2 \
    || echo "FAILED $out: see $out.log" >&2' _ {}
rm -f "$plan"

echo "| row | pair | variant | runs | ZESRec NDCG@20 | EMB-KNN | ratio | Random |"
echo "|---|---|---|---:|---:|---:|---:|---:|"
for r in "${rows[@]}"; do
  for p in "${pairs[@]}"; do
    src=${p%%:*} tgt=${p##*:}
    models=()
    for v in "${variants[@]}"; do
      for s in "${seeds[@]}"; do
        m=.local/ablation/models/$(folder "$r")/$src-$v-s$s
        [[ -f $m/model-card.json ]] && models+=("$m")
      done
    done
    [[ ${#models[@]} -gt 0 ]] || continue
    out=.local/ablation/eval/$(folder "$r")/$src-$tgt
    mkdir -p "$out"
    models_csv=$(IFS=,; echo "${models[*]}")
    if [[ ! -f $out/results.csv || $(cat "$out/models" 2>/dev/null) != "$models_csv" ]]; then
      zesrec evaluate --model "$models_csv" --source ".local/datasets/$src" --target ".local/datasets/$tgt" \
        --out "$out" --baselines random,embknn --seeds 1 --case-study 0 >"$out/evaluate.log" 2>&1 \
        || { echo "FAILED evaluate $out: see $out/evaluate.log" >&2; continue; }
      echo "$models_csv" >"$out/models"
    fi
    python3 - "$out/results.csv" "$r" "$src → $tgt" <<'PY'
import csv, statistics, sys
rows = [x for x in csv.DictReader(open(sys.argv[1])) if x["protocol"] == "last-item" and x["metric"].lower() == "ndcg@20" and x["experiment"] == "main"]
by = {}
for x in rows:
    by.setdefault(x["method"], []).append(float(x["value"]))
knn = statistics.mean(by.get("EMB-KNN", [float("nan")]))
rnd = statistics.mean(by.get("Random", [float("nan")]))
for method, values in sorted(by.items()):
    if not method.startswith("ZESRec-"):
        continue
    mean = statistics.mean(values)
    std = f" ± {statistics.stdev(values):.4f}" if len(values) > 1 else ""
    print(f"| {sys.argv[2]} | {sys.argv[3]} | {method[7:]} | {len(values)} | {mean:.4f}{std} | {knn:.4f} | {mean / knn:.2f} | {rnd:.4f} |")
PY
  done
done
