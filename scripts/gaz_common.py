"""Shared helpers for the gazetteer generator (stdlib only)."""
import re
import unicodedata

LABELS = {"LOCATION", "NATIONALITY", "MILITARY_UNIT", "ORGANIZATION", "WEAPON_SYSTEM", "PERSON"}


def esc(field):
    """Escape a TSV field (backslash, tab, newline)."""
    return field.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def esc_alias(alias):
    return esc(alias).replace("|", "\\|")


def slug(text):
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = t.lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    t = re.sub(r"[^a-z0-9]+", "-", t).strip("-")
    return t or "x"


def norm_alias(a):
    """Key used to detect duplicate aliases (case/space/hyphen-insensitive)."""
    t = unicodedata.normalize("NFKC", a).casefold()
    t = t.replace("\u2019", "'")
    return re.sub(r"[\s\-]+", "", t)


class Entry:
    __slots__ = ("canonical", "label", "aliases", "id", "case", "meta", "match_canonical")

    def __init__(self, canonical, label, aliases=(), id=None, case="", meta=None):
        self.canonical = canonical.strip()
        self.label = label
        self.aliases = []
        self.id = id
        self.case = case
        self.meta = dict(meta or {})
        self.match_canonical = True
        for a in aliases:
            self.add_alias(a)

    def add_alias(self, a):
        a = (a or "").strip()
        if not a:
            return
        k = norm_alias(a)
        if k == norm_alias(self.canonical):
            # keep only exact-case variants that differ from the canonical (e.g. all-caps acronym)
            if a == self.canonical or a.lower() == self.canonical.lower():
                return
        if any(norm_alias(x) == k and x.lower() == a.lower() for x in self.aliases):
            return
        self.aliases.append(a)

    def all_names(self):
        return [self.canonical] + self.aliases


def write_tsv(path, entries, meta_keys, header_comment):
    # NATIONALITY entries name the country as canonical but must not match it.
    no_canon = any(getattr(e, "match_canonical", True) is False for e in entries)
    cols = ["canonical", "label", "aliases", "id", "case"] + (["match_canonical"] if no_canon else []) + ["meta." + k for k in meta_keys]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for line in header_comment.strip("\n").split("\n"):
            f.write("# " + line + "\n" if line else "#\n")
        f.write("\t".join(cols) + "\n")
        for e in entries:
            row = [esc(e.canonical), e.label, "|".join(esc_alias(a) for a in e.aliases), e.id, e.case]
            if no_canon:
                row.append("no" if getattr(e, "match_canonical", True) is False else "")
            row += [esc(str(e.meta.get(k, "") or "")) for k in meta_keys]
            f.write("\t".join(row) + "\n")


def parse_curated(path, positional):
    """Parse a curated '.txt' list.

    Lines: 'canonical ; alias|alias ; pos1 ; pos2 ...'; '@key value' sets a default meta value for
    following lines; '#' starts a comment line.
    """
    out = []
    defaults = {}
    with open(path, encoding="utf-8") as f:
        for ln, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            if s.startswith("@"):
                k, _, v = s[1:].partition(" ")
                defaults[k.strip()] = v.strip()
                continue
            parts = [p.strip() for p in s.split(";")]
            canonical = parts[0]
            aliases = [a.strip() for a in parts[1].split("|")] if len(parts) > 1 and parts[1] else []
            meta = dict(defaults)
            for i, key in enumerate(positional):
                if len(parts) > 2 + i and parts[2 + i]:
                    meta[key] = parts[2 + i]
            out.append((canonical, aliases, meta, "%s:%d" % (path, ln)))
    return out
