#!/usr/bin/env python3
"""What each rule of a rules file costs, in instructions of extraction.

Optional, not run by CI; needs valgrind. For each `entity` or `relation`
rule of RULES, the rules are written out without it, and callgrind counts
the instructions of `Extractor::extract` (the model's build is not counted)
over CORPUS (JSON Lines, `{"id", "text"}` a line) with the default
gazetteer and those rules, by `examples/time_extract.rs` in its `rules`
mode (three passes). A rule's cost is the count with every rule less the
count without it: what removing it would save, its share of the work the
rules share (preparing each sentence, start sets, resolving candidates)
not included. Rules are printed costliest first.

    cargo build --release --example time_extract
    python3 benches/rule_costs.py data/rules/entities.rules corpus.jsonl
    # relation rules need the entity rules' lexicons: cost them together
    cat data/rules/entities.rules data/rules/relations.rules > /tmp/all.rules
    python3 benches/rule_costs.py /tmp/all.rules corpus.jsonl --kind relation
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "examples", "time_extract")


def rule_blocks(lines, kind):
    """(first line, line past the end, name) of each rule of `kind`: its
    header at the start of a line, then its indented continuation lines."""
    blocks = []
    i = 0
    while i < len(lines):
        if lines[i].startswith(kind + " "):
            j = i + 1
            while j < len(lines) and lines[j].startswith((" ", "\t")):
                j += 1
            blocks.append((i, j, lines[i].split()[1]))
            i = j
        else:
            i += 1
    return blocks


def instructions(lines, corpus, scratch):
    """Instructions of extraction over `corpus` with the rules `lines`."""
    path = os.path.join(scratch, "rules.rules")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    run = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--toggle-collect=recon::extractor::Extractor::extract",
            "--callgrind-out-file=" + os.path.join(scratch, "callgrind.out"),
            BINARY,
            "rules",
            path,
            corpus,
        ],
        capture_output=True,
        text=True,
    )
    found = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode != 0 or not found:
        sys.exit("time_extract failed:\n" + run.stderr[-2000:])
    return int(found.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rules")
    ap.add_argument("corpus")
    ap.add_argument("--kind", choices=["entity", "relation"], default="entity")
    args = ap.parse_args()
    if not os.path.exists(BINARY):
        sys.exit("build it first: cargo build --release --example time_extract")
    try:
        with open(args.rules, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except OSError as e:
        sys.exit(f"{args.rules}: {e.strerror}")
    blocks = rule_blocks(lines, args.kind)
    if not blocks:
        sys.exit(f"no `{args.kind}` rules in {args.rules}")
    with tempfile.TemporaryDirectory() as scratch:
        every = instructions(lines, args.corpus, scratch)
        rest = [l for k, l in enumerate(lines) if not any(a <= k < b for a, b, _ in blocks)]
        none = instructions(rest, args.corpus, scratch)
        costs = []
        for a, b, name in blocks:
            costs.append((every - instructions(lines[:a] + lines[b:], args.corpus, scratch), name))
    print(f"every rule: {every / 1e6:.2f} M instructions; without the {len(blocks)} "
          f"{args.kind} rules: {none / 1e6:.2f} M; their single costs add up to "
          f"{sum(c for c, _ in costs) / 1e6:.2f} M of {(every - none) / 1e6:.2f} M")
    for cost, name in sorted(costs, reverse=True):
        print(f"{cost / 1e6:8.2f} M  {name}")


if __name__ == "__main__":
    main()
