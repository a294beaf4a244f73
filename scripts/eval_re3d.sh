#!/usr/bin/env bash
# Scores recon on the re3d dev split with the built-in evaluator (`recon eval`)
# and, when python3 is there, with the reference scorer (score.py), then checks
# that the two agree on every figure.
#
# Needs ../shared/eval (not part of the crate; set SHARED to move it).
# Usage: scripts/eval_re3d.sh [extra `recon extract` args...]
# Output: target/eval/re3d-recon.jsonl (predictions), re3d-eval.txt / .json
# (recon eval), re3d-score.json (score.py).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}/eval
out=${OUT:-target/eval}
mkdir -p "$out"
cargo build --release --quiet
recon=target/release/recon
map=data/eval/re3d_map.json

"$recon" extract --input jsonl "$@" "$shared/re3d-dev.input.jsonl" > "$out/re3d-recon.jsonl"
echo "\$ recon eval $shared/re3d-dev.gold.jsonl $out/re3d-recon.jsonl --map $map --undirected"
"$recon" eval "$shared/re3d-dev.gold.jsonl" "$out/re3d-recon.jsonl" --map "$map" --undirected \
    | tee "$out/re3d-eval.txt"
"$recon" eval "$shared/re3d-dev.gold.jsonl" "$out/re3d-recon.jsonl" --map "$map" --undirected \
    --json > "$out/re3d-eval.json"

if ! command -v python3 > /dev/null; then
    echo "python3 not found: score.py not run" >&2
    exit 0
fi
python3 "$shared/from_recon.py" "$out/re3d-recon.jsonl" > "$out/re3d-pred.jsonl"
python3 "$shared/score.py" --gold "$shared/re3d-dev.gold.jsonl" --pred "$out/re3d-pred.jsonl" \
    --type-map "$map" --offsets byte --undirected-relations --json "$out/re3d-score.json" --quiet
python3 - "$out/re3d-eval.json" "$out/re3d-score.json" <<'PY'
import json, sys
ours, ref = (json.load(open(p)) for p in sys.argv[1:3])
measures = {"entities": ["exact_typed", "overlap_typed", "exact_untyped", "overlap_untyped"],
            "relations": ["overlap_typed", "exact_typed", "overlap_untyped"]}
checked, bad = 0, []
for layer, ms in measures.items():
    for m in ms:
        a, b = ours[layer][m], ref[layer][m]
        rows = [("micro", a["micro"], b["micro"])]
        rows += [(t, a["per_type"].get(t), c) for t, c in b.get("per_type", {}).items()]
        if "macro" in b:
            rows.append(("macro", a["macro"], b["macro"]))
        for name, x, y in rows:
            for k in y:
                checked += 1
                if x is None or not isinstance(y[k], (int, float)) or abs(x[k] - y[k]) > 1e-9:
                    bad.append(f"{layer}.{m}.{name}.{k}: recon eval {x and x.get(k)} vs score.py {y[k]}")
        if set(a.get("per_type", {})) != set(b.get("per_type", {})):
            bad.append(f"{layer}.{m}: labels differ")
if bad:
    print("recon eval and score.py DISAGREE:\n  " + "\n  ".join(bad))
    sys.exit(1)
print(f"score.py agrees with recon eval on all {checked} figures "
      f"(micro, macro and per type, every measure).")
PY
