#!/usr/bin/env bash
# Scores recon on the spec examples and on the re3d dev split.
# Optional: needs ../shared (not part of the crate) and python3.
# Usage: scripts/evaluate.sh [examples|re3d|all] [extra recon args...]
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}; shift || true
shared=${SHARED:-../shared}
out=${OUT:-target/eval}
mkdir -p "$out"
cargo build --release --quiet
recon=target/release/recon
if [[ $what == examples || $what == all ]]; then
    "$recon" extract --input jsonl "$@" "$shared/spec/examples.jsonl" > "$out/examples.jsonl"
    python3 "$shared/spec/score_examples.py" "$shared/spec/examples.jsonl" "$out/examples.jsonl" ${VERBOSE:+--verbose}
fi
if [[ $what == re3d || $what == all ]]; then
    "$recon" extract --input jsonl "$@" "$shared/eval/re3d-dev.input.jsonl" > "$out/re3d.jsonl"
    python3 "$shared/eval/from_recon.py" "$out/re3d.jsonl" > "$out/re3d-pred.jsonl"
    python3 "$shared/eval/score.py" --gold "$shared/eval/re3d-dev.gold.jsonl" --pred "$out/re3d-pred.jsonl" \
        --type-map "$shared/eval/recon_re3d_map.json" --offsets byte --undirected-relations \
        --errors "$out/re3d-errors.txt"
fi
