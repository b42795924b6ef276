#!/usr/bin/env bash
# Robustness run: one `evalmine run` over ../shared/pdfs/robustness (610 real
# PDFs from public test corpora) plus the generated hostile files of
# tests/it/hostile.rs, under /usr/bin/time -v (wall time, peak RSS of the
# parent and, separately, of the largest worker), then how many files that
# pdftotext reads (more than 20 words) come out without text.
# Usage: benches/robustness.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
# The target folder cargo chose (CARGO_TARGET_DIR, .cargo/config.toml or ./target).
target=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bin="$target/release/evalmine"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in"
cp ../shared/pdfs/robustness/* "$work/in/"
EVALMINE_HOSTILE_DIR="$work/in" cargo test --quiet --test it write_hostile -- --ignored > /dev/null
printf '[input]\ndir = "%s"\n[output]\ndir = "%s"\nformats = ["csv"]\n[classify]\nmodels = "%s"\n[cache]\nenabled = false\n' \
  "$work/in" "$work/out" "$PWD/models" > "$work/pipeline.toml"
/usr/bin/time -v "$bin" run --config "$work/pipeline.toml" > "$work/stdout" 2> "$work/stderr" || true
tail -1 "$work/stdout"
grep -E "Elapsed \(wall|Maximum resident" "$work/stderr"
if command -v pdftotext > /dev/null; then
  for f in "$work"/in/*.pdf; do
    printf '%s\t%s\n' "$(basename "$f" .pdf)" "$(timeout 20 pdftotext -q "$f" - 2> /dev/null | wc -w)"
  done > "$work/pdftotext.tsv"
  python3 - "$work" <<'PY'
import csv, sys
work = sys.argv[1]
words = dict(line.rstrip("\n").split("\t") for line in open(f"{work}/pdftotext.tsv"))
rows = list(csv.DictReader(open(f"{work}/out/documents.csv", encoding="utf-8-sig"), delimiter=";"))
read = [r for r in rows if int(words.get(r["doc_id"], 0)) > 20]
missed = [r for r in read if int(r["n_paragraphs"]) == 0]
print(f"{len(read)} files pdftotext reads; {len(missed)} of them without text here:")
for r in missed:
    print(f"  {r['doc_id']}: {r['status']}: {r['message'][:120]}")
PY
fi
