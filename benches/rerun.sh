#!/usr/bin/env bash
# Benchmark: first run vs rerun after a classifier threshold change, on N
# byte-unique copies of the sample corpus (default 300 copies, 2,700 PDFs).
# The rerun takes extracted paragraphs from the cache. Usage: benches/rerun.sh [copies]
set -euo pipefail
cd "$(dirname "$0")/.."
copies="${1:-300}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/evalmine-target}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/evalmine"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in"
for i in $(seq "$copies"); do
  # The text reports only: the scans (r09, r10) would be OCR'd 300 times.
  for f in corpus/r0[1-8].pdf; do
    # A comment after %%EOF makes each copy byte-unique without changing its content.
    { cat "$f"; printf '\n%% copy %s\n' "$i"; } > "$work/in/$(basename "$f" .pdf)-$i.pdf"
  done
done
write_config() {
  printf '[input]\ndir = "%s"\n[output]\ndir = "%s"\n[classify]\nmodels = "%s"\ntheme_threshold = %s\n[cache]\ndir = "%s"\n' \
    "$work/in" "$work/out" "$PWD/models" "$1" "$work/cache" > "$work/pipeline.toml"
}
seconds() { local s e; s=$(date +%s.%N); "$@" > /dev/null || [ $? -eq 1 ]; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
write_config 0.4
first=$(seconds "$bin" run --config "$work/pipeline.toml")
write_config 0.5
rerun=$(seconds "$bin" run --config "$work/pipeline.toml")
printf '%s PDFs: first run %.1f s, rerun after a threshold change %.1f s, speed-up %.1fx\n' \
  "$(ls "$work/in" | wc -l)" "$first" "$rerun" "$(echo "$first / $rerun" | bc -l)"
