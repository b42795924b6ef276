#!/usr/bin/env bash
# Benchmark: wall time of `evalmine run` against poppler's pdftotext on the
# same files, both using 2 workers (evalmine: 2 threads; pdftotext: 2
# processes). Runs on the sample corpus, and on ../shared/pdfs/french when
# present. Needs poppler-utils (apt-get install poppler-utils) and bc.
# Usage: benches/extraction.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/evalmine-target}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/evalmine"
for tool in pdftotext pdfinfo bc; do
  command -v "$tool" >/dev/null || { echo "$tool not found: apt-get install poppler-utils bc" >&2; exit 2; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>"$out/stderr" || { cat "$out/stderr" >&2; return 1; }; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
best() { sort -n | head -1; }
# Exit code 1 means "some documents failed, tables written": a finished run.
# --no-cache: every run extracts (the cache would make runs after the first free).
run_evalmine() { "$bin" run --no-cache "$@" || [ $? -eq 1 ]; }

bench() {
  local dir="$1" label="$2" e_times=() p_times=()
  local files pages
  files=$(find "$dir" -iname '*.pdf' | wc -l)
  pages=$(find "$dir" -iname '*.pdf' -print0 | xargs -0 -n1 pdfinfo 2>/dev/null | awk '/^Pages:/{s+=$2} END{print s}')
  for _ in $(seq "$runs"); do
    rm -rf "$out/evalmine" "$out/poppler"; mkdir -p "$out/poppler"
    e_times+=("$(seconds run_evalmine --input "$dir" --out "$out/evalmine")")
    # pdftotext exits non-zero on files it cannot read; that is its answer, not a failure here.
    p_times+=("$(seconds sh -c 'find "$1" -iname "*.pdf" -print0 | xargs -0 -P2 -I{} sh -c '\''pdftotext "$1" "$2/$(basename "$1").txt" 2>/dev/null || true'\'' _ {} "$2"' _ "$dir" "$out/poppler")")
  done
  local e p
  e=$(printf '%s\n' "${e_times[@]}" | best)
  p=$(printf '%s\n' "${p_times[@]}" | best)
  printf '%s: %s PDFs, %s pages\n' "$label" "$files" "$pages"
  printf '  evalmine run (2 threads): best of %s = %.3f s\n' "$runs" "$e"
  printf '  pdftotext (2 processes):  best of %s = %.3f s\n' "$runs" "$p"
  printf '  ratio evalmine / pdftotext = %.2f\n' "$(echo "$e / $p" | bc -l)"
}

bench corpus "sample corpus"
[ -d ../shared/pdfs/french ] && bench ../shared/pdfs/french "../shared/pdfs/french"
exit 0
