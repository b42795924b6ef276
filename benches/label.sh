#!/usr/bin/env bash
# Benchmark: `evalmine label` throughput on 10,000 paragraphs, one core
# (label classifies sequentially). The paragraphs are the shipped labelled
# ones, repeated with fresh ids. Usage: benches/label.sh [paragraphs]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/evalmine-target}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/evalmine"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$n" "$work/input.csv" <<'PY'
import csv, glob, sys
n, out = int(sys.argv[1]), sys.argv[2]
rows = []
for path in sorted(glob.glob("corpus/labels/train_*.csv")):
    rows += [(r["text"], r.get("context", "")) for r in csv.DictReader(open(path, encoding="utf-8"))]
with open(out, "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "text", "context"])
    for i in range(n):
        text, context = rows[i % len(rows)]
        w.writerow([f"p{i}", text, context])
PY
words=$(python3 -c "import csv,sys; print(sum(len(r['text'].split()) for r in csv.DictReader(open(sys.argv[1]))))" "$work/input.csv")
best=999
for _ in 1 2 3; do
  s=$(date +%s.%N); taskset -c 0 "$bin" label --input "$work/input.csv" --out "$work/out.csv"; e=$(date +%s.%N)
  t=$(echo "$e - $s" | bc -l); best=$(echo "if ($t < $best) $t else $best" | bc -l)
done
printf 'label: %s paragraphs (%s words) in %.3f s on one core = %.0f paragraphs/s\n' "$n" "$words" "$best" "$(echo "$n / $best" | bc -l)"
