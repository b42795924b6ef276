#!/usr/bin/env bash
# Instructions of one extraction worker (issue 13, part 3): `evalmine worker`
# (release build) extracts and segments corpus/r01.pdf to r08.pdf under
# valgrind's callgrind, sent one request each as `run` sends them, with the
# allocator setting `run` gives its workers. Instruction counts do not move
# with the load of a shared machine, unlike times. Prints the total; the
# profile is left in the file named by the first argument, for
# callgrind_annotate. Needs valgrind (apt-get install valgrind).
# Usage: benches/worker.sh [PROFILE]    (default: callgrind.out.worker)
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-callgrind.out.worker}
command -v valgrind >/dev/null || { echo "valgrind not found: apt-get install valgrind" >&2; exit 2; }
cargo build --release --quiet
# The target folder cargo chose (CARGO_TARGET_DIR, .cargo/config.toml or ./target).
target=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bin="$target/release/evalmine"
# A request carries the path as bytes; the settings are the defaults
# (those of pipeline.toml's [extract]).
requests() {
  local f bytes
  for f in "$PWD"/corpus/r0[1-8].pdf; do
    bytes=$(printf '%s' "$f" | od -An -tu1 -v | tr -s ' \n' ',' | sed 's/^,//; s/,$//')
    printf '{"path":[%s]}\n' "$bytes"
  done
}
requests | MIMALLOC_PURGE_DELAY=1000 valgrind --tool=callgrind --callgrind-out-file="$profile" \
  "$bin" worker --settings '{}' 2>&1 >/dev/null | sed -n 's/.*I *refs: *//p' \
  | { read -r total; echo "worker on corpus/r01-r08: $total instructions (profile: $profile)"; }
