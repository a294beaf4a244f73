"""Optional benchmark (not run by CI), called by benches/compare/run.sh.

Measures single-threaded throughput (MB/s, MB = 10^6 bytes of UTF-8 document text, median of
3 runs) of several entity matchers over the same corpus and the same gazetteer aliases, and
prints a Markdown table with the ratio to spaCy's EntityRuler and the machine it ran on.
The Python matchers are built before timing; recon's time is the CLI's wall time minus its
build time (a run on an empty input), so both exclude building the matcher.
"""
import argparse, importlib.metadata as md, json, statistics, subprocess, sys, time
from datetime import date

RUNS = 3


def median_time(fn):
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def load_aliases(path):
    """(alias, canonical, label) for every alias of the TSV gazetteer (canonical included)."""
    out = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            names = [row["canonical"]] + [a for a in row.get("aliases", "").split("|") if a]
            out += [(a, row["canonical"], row["label"]) for a in names]
    return out


def version(pkg):
    try:
        return md.version(pkg)
    except md.PackageNotFoundError:
        return "?"


def bench_spacy(texts, aliases):
    import spacy
    v = version("spacy")
    nlp = spacy.blank("en")
    yield f"spaCy {v} blank `en`, tokenizer only", median_time(
        lambda: [None for _ in nlp.tokenizer.pipe(texts)])
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns([{"label": l, "pattern": a, "id": c} for a, c, l in aliases])
    yield f"spaCy {v} blank `en` + EntityRuler (LOWER)", median_time(
        lambda: [d.ents for d in nlp.pipe(texts, n_process=1)])


def bench_flashtext(texts, aliases):
    from flashtext import KeywordProcessor
    kp = KeywordProcessor(case_sensitive=False)
    for a, c, _ in aliases:
        kp.add_keyword(a, c)
    yield "FlashText 2.7 `extract_keywords(span_info=True)`", median_time(
        lambda: [kp.extract_keywords(t, span_info=True) for t in texts])


def bench_flashtext2(texts, aliases):
    from flashtext2 import KeywordProcessor
    kp = KeywordProcessor(case_sensitive=False)
    for a, c, _ in aliases:
        kp.add_keyword(a, c)
    yield f"flashtext2 {version('flashtext2')} `extract_keywords_with_span`", median_time(
        lambda: [kp.extract_keywords_with_span(t) for t in texts])


def bench_recon(recon, gazetteer, corpus, empty):
    def run(args, path):
        cmd = [recon, "extract", "--input", "jsonl", *args, path]
        return median_time(lambda: subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL))

    only = ["--no-default-gazetteer", "--no-default-rules", "--gazetteer", gazetteer]
    build = run(only, empty)
    yield "recon CLI, tokenizer + gazetteer only", run(only, corpus) - build, build
    build = run([], empty)
    yield "recon CLI, full default pipeline (default gazetteer + rules)", run([], corpus) - build, build


def bench_recon_lib(timer, gazetteer, corpus):
    # examples/time_extract.rs: the model built first, then the median of 3
    # in-process passes over the documents, as for the Python tools.
    def run(args):
        out = subprocess.run([timer, *args], check=True, capture_output=True, text=True)
        return float(out.stdout.strip())

    yield "recon library, tokenizer + gazetteer (`Gazetteer::find_all`)", run(
        ["gazetteer", gazetteer, corpus])
    yield "recon library, full default pipeline (`Extractor::extract`)", run(["pipeline", corpus])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--recon", required=True)
    p.add_argument("--gazetteer", required=True)
    p.add_argument("--corpus", required=True)
    p.add_argument("--empty", required=True)
    p.add_argument("--timer", help="the time_extract example binary")
    a = p.parse_args()

    texts = [json.loads(l)["text"] for l in open(a.corpus, encoding="utf-8")]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    aliases = load_aliases(a.gazetteer)
    print(f"corpus: {len(texts)} documents, {mb:.2f} MB; gazetteer: {len(aliases)} aliases",
          file=sys.stderr)

    rows, notes = [], []
    for bench in (bench_spacy, bench_flashtext, bench_flashtext2):
        try:
            for name, secs in bench(texts, aliases):
                rows.append((name, mb / secs))
                print(f"  {name}: {secs:.2f} s", file=sys.stderr)
        except ImportError as e:
            notes.append(f"{bench.__name__[6:]} skipped: {e}")
    if a.timer:
        for name, secs in bench_recon_lib(a.timer, a.gazetteer, a.corpus):
            rows.append((name, mb / secs))
            print(f"  {name}: {secs:.2f} s", file=sys.stderr)
    for name, secs, build in bench_recon(a.recon, a.gazetteer, a.corpus, a.empty):
        rows.append((name, mb / secs))
        notes.append(f"{name}: wall time minus {build * 1000:.0f} ms build time "
                     "(median of 3 runs on an empty input); output written to /dev/null")
        print(f"  {name}: {secs:.2f} s", file=sys.stderr)

    ruler = next((v for n, v in rows if "EntityRuler" in n), None)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), "unknown CPU")
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()

    print(f"Machine: {nproc} CPUs (`nproc`), {cpu}, {date.today().isoformat()}; "
          f"one thread each, median of {RUNS} runs, {mb:.1f} MB corpus, {len(aliases)} aliases.\n")
    ft2 = next((v for n, v in rows if n.startswith("flashtext2")), None)
    print("| tool | MB/s | vs spaCy EntityRuler | vs flashtext2 |")
    print("| --- | ---: | ---: | ---: |")
    for name, v in rows:
        ratio = f"{v / ruler:.2f}×" if ruler else "—"
        vs_ft2 = f"{v / ft2:.2f}×" if ft2 else "—"
        print(f"| {name} | {v:.1f} | {ratio} | {vs_ft2} |")
    print()
    for n in notes:
        print(f"- {n}")


if __name__ == "__main__":
    main()
