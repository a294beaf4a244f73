#!/usr/bin/env python3
"""Validate every TSV under data/gazetteer/ (stdlib only).

Checks: header present (with canonical and label); every data line has as many fields as the
header; labels in the allowed set; only the escapes \\t \\n \\\\ \\| ; no empty alias; ids present
and unique across all files; case column empty/sensitive/insensitive. Also warns about aliases
shared by several entries (across files) and reports counts per file and per label.
Exit status 1 on any error.
"""
import collections
import glob
import os
import re
import sys

LABELS = {"LOCATION", "NATIONALITY", "MILITARY_UNIT", "ORGANIZATION", "WEAPON_SYSTEM", "PERSON"}
CASES = {"", "sensitive", "insensitive"}
ESC_OK = re.compile(r"\\(?:[tn\\|])")


def bad_escape(field):
    stripped = ESC_OK.sub("", field)
    return "\\" in stripped


def split_aliases(field):
    out, cur, i = [], [], 0
    while i < len(field):
        c = field[i]
        if c == "\\" and i + 1 < len(field):
            cur.append(field[i:i + 2])
            i += 2
            continue
        if c == "|":
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    out.append("".join(cur))
    return out


def unescape(s):
    return re.sub(r"\\([tn\\|])", lambda m: {"t": "\t", "n": "\n", "\\": "\\", "|": "|"}[m.group(1)], s)


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "gazetteer")
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else root)
    errors = []
    ids = {}
    alias_users = collections.defaultdict(set)
    per_label = collections.Counter()
    per_label_alias = collections.Counter()
    files = sorted(glob.glob(os.path.join(root, "*.tsv")))
    if not files:
        print("no TSV files under", root)
        return 1
    print("%-20s %7s %8s  labels" % ("file", "entries", "aliases"))
    for path in files:
        name = os.path.basename(path)
        header = None
        n_entries = n_alias = 0
        labels = collections.Counter()
        with open(path, encoding="utf-8") as f:
            for ln, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if line.endswith("\r"):
                    errors.append("%s:%d: CR line ending" % (name, ln))
                    line = line.rstrip("\r")
                if not line.strip() or line.startswith("#"):
                    continue
                fields = line.split("\t")
                if header is None:
                    header = fields
                    for col in ("canonical", "label"):
                        if col not in header:
                            errors.append("%s: header lacks %r" % (name, col))
                    for col in header:
                        if col not in ("canonical", "label", "aliases", "id", "case", "match_canonical") and not col.startswith("meta."):
                            errors.append("%s: unknown column %r" % (name, col))
                    continue
                if len(fields) != len(header):
                    errors.append("%s:%d: %d fields, header has %d" % (name, ln, len(fields), len(header)))
                    continue
                row = dict(zip(header, fields))
                for col, val in row.items():
                    if bad_escape(val):
                        errors.append("%s:%d: bad escape in %s: %r" % (name, ln, col, val))
                if not row["canonical"].strip():
                    errors.append("%s:%d: empty canonical" % (name, ln))
                if row["label"] not in LABELS:
                    errors.append("%s:%d: bad label %r" % (name, ln, row["label"]))
                if row.get("case", "") not in CASES:
                    errors.append("%s:%d: bad case %r" % (name, ln, row["case"]))
                i = row.get("id", "")
                if not i:
                    errors.append("%s:%d: missing id" % (name, ln))
                elif i in ids:
                    errors.append("%s:%d: duplicate id %s (first in %s)" % (name, ln, i, ids[i]))
                else:
                    ids[i] = "%s:%d" % (name, ln)
                aliases = []
                if row.get("aliases", ""):
                    aliases = split_aliases(row["aliases"])
                    for a in aliases:
                        if not a.strip():
                            errors.append("%s:%d: empty alias in %r" % (name, ln, row["aliases"]))
                        elif a != a.strip():
                            errors.append("%s:%d: alias with surrounding space %r" % (name, ln, a))
                n_entries += 1
                n_alias += len(aliases)
                labels[row["label"]] += 1
                per_label[row["label"]] += 1
                per_label_alias[row["label"]] += len(aliases)
                if row["label"] != "NATIONALITY":
                    alias_users[unescape(row["canonical"]).casefold()].add(i)
                for a in aliases:
                    alias_users[unescape(a).casefold()].add(i)
        if header is None:
            errors.append("%s: no header" % name)
        print("%-20s %7d %8d  %s" % (name, n_entries, n_alias, dict(labels)))
    print()
    print("%-15s %7s %8s" % ("label", "entries", "aliases"))
    for lab in sorted(per_label):
        print("%-15s %7d %8d" % (lab, per_label[lab], per_label_alias[lab]))
    print("%-15s %7d %8d" % ("TOTAL", sum(per_label.values()), sum(per_label_alias.values())))
    shared = {a: s for a, s in alias_users.items() if len(s) > 1}
    if shared:
        print("\nwarning: %d surface forms shared by several entries:" % len(shared))
        for a, s in sorted(shared.items())[:40]:
            print("  %r: %s" % (a, ", ".join(sorted(s))))
    if errors:
        print("\n%d ERRORS" % len(errors))
        for e in errors[:200]:
            print("  " + e)
        return 1
    print("\nOK: %d files, %d ids" % (len(files), len(ids)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
