#!/usr/bin/env bash
# Optional benchmark: compares recon with spaCy (blank "en" + EntityRuler), FlashText 2.7 and
# flashtext2 on the same news-like corpus and the same generated aliases. Not run by CI.
#
#   bash benches/compare/run.sh [ALIASES]     # ALIASES: gazetteer size, default 10000
#
# Creates a virtualenv in target/compare-venv (needs network for pip the first time), builds
# recon in release mode, writes the gazetteer and a ~4 MB JSON Lines corpus to
# target/compare/, then runs benches/compare/compare.py, which prints a Markdown table.
set -euo pipefail

cd "$(dirname "$0")/../.."
N="${1:-10000}"
OUT=target/compare
VENV=target/compare-venv
mkdir -p "$OUT"

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --upgrade pip
# spaCy is optional: if it cannot be installed, the other tools are still measured.
"$VENV/bin/pip" install -q 'flashtext==2.7' flashtext2
"$VENV/bin/pip" install -q 'spacy==3.8.*' || echo "warning: spaCy could not be installed; skipping it" >&2

cargo build --release --quiet
cargo build --release --quiet --example gen_gazetteer --example time_extract
target/release/examples/gen_gazetteer "$N" > "$OUT/gaz.tsv"
# The generated names do not occur in the news text: add the default
# gazetteer's aliases (about 12k, which do) so that every tool also finds
# and reports matches, as on real news.
python3 - "$OUT/gaz.tsv" data/gazetteer/*.tsv <<'PY'
import sys
out, files = sys.argv[1], sys.argv[2:]
with open(out, "a", encoding="utf-8") as f:
    for path in files:
        header = None
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if header is None:
                header = {c: i for i, c in enumerate(cols)}
                continue
            canonical, label = cols[header["canonical"]], cols[header["label"]]
            aliases = cols[header["aliases"]] if "aliases" in header else ""
            if "match_canonical" in header and cols[header["match_canonical"]] == "no":
                # Demonym entries: the aliases only (the canonical is the country).
                first, _, rest = aliases.partition("|")
                canonical, aliases = first, rest
            if canonical:
                f.write(f"{canonical}\t{label}\t{aliases}\n")
PY

# Corpus: the committed articles of benches/data/corpus/ split on blank lines into
# documents (paragraphs), repeated to ~4 MB.
"$VENV/bin/python" - "$OUT" <<'PY'
import glob, json, re, sys
out = sys.argv[1]
text = "\n\n".join(open(f, encoding="utf-8").read() for f in sorted(glob.glob("benches/data/corpus/*.txt")))
paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
size, i = 0, 0
with open(f"{out}/corpus.jsonl", "w", encoding="utf-8") as f:
    while size < 4_000_000:
        p = paras[i % len(paras)]
        f.write(json.dumps({"id": str(i), "text": p}) + "\n")
        size += len(p.encode("utf-8"))
        i += 1
open(f"{out}/empty.jsonl", "w").close()
PY

"$VENV/bin/python" benches/compare/compare.py \
    --recon target/release/recon --gazetteer "$OUT/gaz.tsv" \
    --corpus "$OUT/corpus.jsonl" --empty "$OUT/empty.jsonl" \
    --timer target/release/examples/time_extract
