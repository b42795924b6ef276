#!/usr/bin/env bash
# Benchmark (issue 13): a corpus of N byte-unique documents made from the
# sample reports (each copy gets a comment after %%EOF, so no two files
# share a content hash and the cache cannot help), then `evalmine run
# --no-cache` on it: wall time, peak RSS (GNU time), documents per second;
# and poppler's pdftotext over the same files with two processes, for the
# ratio. Needs poppler-utils and GNU time (apt-get install poppler-utils time).
# Usage: benches/scale.sh [N ...]       (default: 300 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then sizes=("$@"); else sizes=(300 1000); fi
cargo build --release --quiet
# The target folder cargo chose (CARGO_TARGET_DIR, .cargo/config.toml or ./target).
target=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bin="$target/release/evalmine"
for tool in pdftotext /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$tool not found: apt-get install poppler-utils time" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sources=(corpus/r0[1-8].pdf)

make_corpus() { # N DIR: N byte-unique copies, in folders of 500
  local n=$1 dir=$2 i src
  mkdir -p "$dir"
  for ((i = 0; i < n; i++)); do
    src=${sources[$((i % ${#sources[@]}))]}
    mkdir -p "$dir/$((i / 500))"
    { cat "$src"; printf '%% copy %d\n' "$i"; } > "$dir/$((i / 500))/doc$i.pdf"
  done
}

printf 'config: [extract] isolation as in pipeline.toml, --no-cache, default threads\n'
for n in "${sizes[@]}"; do
  dir="$work/corpus$n"
  make_corpus "$n" "$dir"
  rm -rf "$work/out"
  /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$bin" run --no-cache --input "$dir" --out "$work/out" \
    > /dev/null 2> "$work/stderr" || [ $? -eq 1 ] || { cat "$work/stderr" >&2; exit 1; }
  read -r wall rss_kb user sys < "$work/time"
  start=$(date +%s.%N)
  find "$dir" -name '*.pdf' -print0 | xargs -0 -P2 -I{} sh -c 'pdftotext "$1" - > /dev/null 2>&1 || true' _ {}
  poppler=$(echo "$(date +%s.%N) - $start" | bc -l)
  printf '%6d documents: evalmine %7.2f s (%6.1f docs/s, CPU %.2f s), peak RSS %5d MB; pdftotext -P2 %7.2f s; ratio %.2f\n' \
    "$n" "$wall" "$(echo "$n / $wall" | bc -l)" "$(echo "$user + $sys" | bc -l)" "$((rss_kb / 1024))" "$poppler" "$(echo "$wall / $poppler" | bc -l)"
  rm -rf "$dir"
done
