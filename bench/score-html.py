#!/usr/bin/env python3
"""Word-level F1 of HTML main-content extraction on ../shared/corpus/html-dev.

Words are `\\w+`, lower-cased, compared as multisets (the corpus README's measure):
precision = shared / extracted, recall = shared / body.

usage: bench/score-html.py [--dump PATH-TO-nk-html-dump] [--dir CORPUS] [-v] [--diff NAME]
       bench/score-html.py --cli [--nkpipe BUILD/core/nkpipe]
The dump tool is tests/html/nk-html-dump (built by meson in BUILD/tests/html/): the extractor
alone. --cli scores the whole `clean` stage instead (extractor + line rules), running
`nkpipe run {clean, export}` once over all pages.
"""
import argparse
import collections
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORD = re.compile(r"\w+")


def words(text):
    return collections.Counter(w.lower() for w in WORD.findall(text))


def f1(extracted, body):
    e, b = words(extracted), words(body)
    shared = sum((e & b).values())
    p = shared / sum(e.values()) if e else 0.0
    r = shared / sum(b.values()) if b else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def newest(pattern):
    """The most recently built match (several build dirs may coexist)."""
    cands = [c for c in glob.glob(os.path.join(ROOT, pattern)) if os.access(c, os.X_OK)]
    return max(cands, key=os.path.getmtime) if cands else None


def find_dump():
    return newest(os.path.join("build*", "tests", "html", "nk-html-dump"))


def find_nkpipe():
    """The newest build whose plugins include the clean stage."""
    cands = [c for c in glob.glob(os.path.join(ROOT, "build*", "core", "nkpipe"))
             if os.access(c, os.X_OK) and os.path.exists(
                 os.path.join(os.path.dirname(os.path.dirname(c)), "plugins", "nk-clean.so"))]
    return max(cands, key=os.path.getmtime) if cands else None


def cli_texts(nkpipe, pages):
    """id -> text from one `nkpipe run` of clean + export over the pages."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump({"stages": [{"plugin": "clean"}, {"plugin": "export"}]}, fh)
        pipeline = fh.name
    try:
        out = subprocess.run([nkpipe, "run", pipeline, *pages, "--jobs", "1", "--quiet",
                              "-o", "-"], capture_output=True, text=True)
    finally:
        os.unlink(pipeline)
    if out.returncode not in (0, 1):
        sys.exit(f"nkpipe failed ({out.returncode}): {out.stderr.strip()}")
    texts = {}
    for line in out.stdout.splitlines():
        if line.strip():
            doc = json.loads(line)
            texts[doc["id"]] = doc.get("text", "")
    return texts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", default=None)
    ap.add_argument("--dir", default=os.path.join(ROOT, "..", "shared", "corpus", "html-dev"))
    ap.add_argument("-v", action="store_true", help="print missing/extra words per page")
    ap.add_argument("--diff", default=None, help="show extracted text vs body for one page")
    ap.add_argument("--cli", action="store_true", help="score the clean stage via nkpipe")
    ap.add_argument("--nkpipe", default=None)
    args = ap.parse_args()
    pages = sorted(glob.glob(os.path.join(args.dir, "*.html")))
    if not pages:
        sys.exit("no pages in " + args.dir)
    cli = None
    if args.cli:
        nkpipe = args.nkpipe or find_nkpipe()
        if not nkpipe:
            sys.exit("nkpipe not found: build it or pass --nkpipe")
        cli = cli_texts(nkpipe, pages)
    else:
        dump = args.dump or find_dump()
        if not dump:
            sys.exit("nk-html-dump not found: build it or pass --dump")
    scores = []
    for page in pages:
        name = os.path.basename(page)[:-5]
        with open(page[:-5] + ".json", encoding="utf-8") as fh:
            body = json.load(fh)["body"]
        if cli is not None:
            text = cli.get(name)
            if text is None:
                print(f"{name}: no output document")
                scores.append((name, 0.0, 0.0, 0.0))
                continue
        else:
            out = subprocess.run([dump, page], capture_output=True, text=True, errors="replace")
            if out.returncode != 0:
                print(f"{name}: dump failed: {out.stderr.strip()}")
                scores.append((name, 0.0, 0.0, 0.0))
                continue
            text = out.stdout
        p, r, f = f1(text, body)
        scores.append((name, p, r, f))
        if args.diff == name:
            print(text)
            print("=" * 70)
            print(body)
        if args.v:
            e, b = words(text), words(body)
            extra = sum((e - b).values())
            miss = sum((b - e).values())
            print(f"  {name}: extra {extra} {list((e - b).elements())[:25]}")
            print(f"  {name}: missing {miss} {list((b - e).elements())[:25]}")
    print(f"{'page':32} {'P':>6} {'R':>6} {'F1':>6}")
    for name, p, r, f in scores:
        print(f"{name:32} {p:6.3f} {r:6.3f} {f:6.3f}")
    n = len(scores)
    print(f"{'MEAN (' + str(n) + ' pages)':32} {sum(s[1] for s in scores) / n:6.3f} "
          f"{sum(s[2] for s in scores) / n:6.3f} {sum(s[3] for s in scores) / n:6.3f}")


if __name__ == "__main__":
    main()
