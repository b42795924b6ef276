#!/usr/bin/env bash
# Benchmark: wall time of `evalmine run` on the sample corpus against poppler's
# pdftotext on the same files, both using 2 processes/threads.
# Needs: poppler-utils (apt-get install poppler-utils). Usage: benches/extraction.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/evalmine-target}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/evalmine"
command -v pdftotext >/dev/null || { echo "pdftotext not found: apt-get install poppler-utils" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

best() { sort -n | head -1; }
time_it() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc -l; }

evalmine_times=(); poppler_times=()
for _ in $(seq "$runs"); do
  evalmine_times+=("$(time_it "$bin" run --input corpus --out "$out/evalmine")")
  poppler_times+=("$(time_it sh -c "find corpus -name '*.pdf' -print0 | xargs -0 -n1 -P2 -I{} pdftotext {} $out/poppler-\$(basename {}).txt")")
done
e=$(printf '%s\n' "${evalmine_times[@]}" | best)
p=$(printf '%s\n' "${poppler_times[@]}" | best)
printf 'files: %s PDFs, %s pages\n' "$(find corpus -name '*.pdf' | wc -l)" "$(for f in corpus/*.pdf; do pdfinfo "$f" | awk '/^Pages:/{print $2}'; done | paste -sd+ | bc)"
printf 'evalmine run (2 threads): best of %s = %.3f s\n' "$runs" "$e"
printf 'pdftotext (2 processes):  best of %s = %.3f s\n' "$runs" "$p"
printf 'ratio evalmine / pdftotext = %.2f\n' "$(echo "$e / $p" | bc -l)"
