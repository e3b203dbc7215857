#!/usr/bin/env python3
"""Score the `clean` stage on the seed articles against ../shared/gold/clean.jsonl.

Runs `nkpipe run` with a clean + export pipeline over the seeds (or reads an export you
made), then prints per document and in total:
  - line precision / recall: kept text lines vs. the gold body lines,
  - boilerplate dropped: gold boilerplate lines that are not in the text,
  - meta.removed check: each removed raw byte range is exactly one gold boilerplate line,
  - metadata accuracy for title, publisher, date, dateline (exact match, null = null).

With --html, runs the stage over ../shared/corpus/html-dev/*.html instead and prints the
word-level F1 (\\w+, lower-cased, multisets) of the stage's text against each page's true body,
and of the HTML extractor alone (without the line rules) when nk-html-dump is built.

Usage: bench/score-clean.py [--nkpipe build/core/nkpipe] [--export FILE] [--shared DIR] [-v]
       bench/score-clean.py --html [--nkpipe ...] [-v]
Standard library only.
"""
import argparse
import collections
import glob
import json
import re
import os
import subprocess
import sys
import tempfile
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
META_KEYS = ("title", "publisher", "date", "dateline")


def norm(line):
    """The stage applies NFC and collapses whitespace; compare on that form."""
    return " ".join(unicodedata.normalize("NFC", line).split())


def run_export(nkpipe, seeds):
    with tempfile.TemporaryDirectory() as tmp:
        pipeline = os.path.join(tmp, "clean.json")
        with open(pipeline, "w", encoding="utf-8") as f:
            json.dump({"stages": [{"plugin": "clean"}, {"plugin": "export"}]}, f)
        proc = subprocess.run([nkpipe, "run", pipeline, seeds, "--jobs", "1", "--quiet"],
                              capture_output=True, check=False)
        if proc.returncode != 0:
            sys.exit("nkpipe failed (%d): %s" % (proc.returncode, proc.stderr.decode(errors="replace")))
        return proc.stdout.decode("utf-8")


WORD = re.compile(r"\w+")


def word_f1(extracted, body):
    e = collections.Counter(w.lower() for w in WORD.findall(extracted))
    b = collections.Counter(w.lower() for w in WORD.findall(body))
    shared = sum((e & b).values())
    p = shared / sum(e.values()) if e else 0.0
    r = shared / sum(b.values()) if b else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_html(args):
    pages = sorted(glob.glob(os.path.join(args.shared, "corpus", "html-dev", "*.html")))
    if not pages:
        sys.exit("no pages in html-dev")
    with tempfile.TemporaryDirectory() as tmp:
        pipeline = os.path.join(tmp, "clean.json")
        with open(pipeline, "w", encoding="utf-8") as f:
            json.dump({"stages": [{"plugin": "clean"}, {"plugin": "export"}]}, f)
        proc = subprocess.run([args.nkpipe, "run", pipeline] + pages + ["--jobs", "1", "--quiet"],
                              capture_output=True, check=False)
    if proc.returncode != 0:
        sys.exit("nkpipe failed: %s" % proc.stderr.decode(errors="replace"))
    docs = {d["id"]: d for d in (json.loads(l) for l in proc.stdout.decode().splitlines() if l)}
    dump = os.path.join(os.path.dirname(os.path.dirname(args.nkpipe)), "tests", "html", "nk-html-dump")
    sums = [0.0, 0.0]
    print("%-28s %6s %6s %6s  %s" % ("page", "prec", "recall", "F1", "extractor-F1"))
    for page in pages:
        name = os.path.basename(page)[:-5]
        body = json.load(open(page[:-5] + ".json", encoding="utf-8"))["body"]
        p, r, f = word_f1(docs[name]["text"], body)
        ex = ""
        if os.access(dump, os.X_OK):
            raw = subprocess.run([dump, page], capture_output=True, check=False).stdout
            ex_f = word_f1(raw.decode("utf-8", errors="replace"), body)[2]
            sums[1] += ex_f
            ex = "%.3f" % ex_f
        sums[0] += f
        print("%-28s %6.3f %6.3f %6.3f  %s" % (name, p, r, f, ex))
        if args.verbose:
            for r_ in docs[name]["meta"].get("removed", []):
                if not r_["reason"].startswith("html-"):
                    raw_bytes = open(page, "rb").read()[r_["start"]:r_["end"]]
                    print("    %-16s %.100s" % (r_["reason"], re.sub(r"<[^>]*>|\s+", " ", raw_bytes.decode("utf-8", "replace")).strip()))
    n = len(pages)
    print("MEAN word F1 %.3f over %d pages (extractor alone %s)" % (
        sums[0] / n, n, "%.3f" % (sums[1] / n) if sums[1] else "n/a"))


def removed_ok(doc, raw, boiler):
    """How many meta.removed ranges are exactly a gold boilerplate line (raw bytes)."""
    good = 0
    ranges = doc["meta"].get("removed") or []
    for r in ranges:
        text = raw[r["start"]:r["end"]].decode("utf-8", errors="replace")
        good += norm(text) in boiler
    return good, len(ranges)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nkpipe", default=os.path.join(ROOT, "build", "core", "nkpipe"))
    ap.add_argument("--export", help="an existing JSONL export of the seeds (skips running nkpipe)")
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("-v", "--verbose", action="store_true", help="print every wrong line")
    ap.add_argument("--html", action="store_true", help="score HTML pages (word F1) instead")
    args = ap.parse_args()
    if args.html:
        score_html(args)
        return

    seeds = os.path.join(args.shared, "corpus", "seeds")
    gold_path = os.path.join(args.shared, "gold", "clean.jsonl")
    if not os.path.isfile(gold_path):
        sys.exit("no gold at %s" % gold_path)
    gold = [json.loads(l) for l in open(gold_path, encoding="utf-8") if l.strip()]
    out = open(args.export, encoding="utf-8").read() if args.export else run_export(args.nkpipe, seeds)
    docs = {d["id"]: d for d in (json.loads(l) for l in out.splitlines() if l.strip())}

    tot = dict(tp=0, kept=0, body=0, bp_dropped=0, bp=0, rm_ok=0, rm=0, meta_ok=0, meta=0)
    print("%-22s %6s %6s %8s %8s  %s" % ("doc", "prec", "recall", "bp-drop", "removed", "metadata"))
    for g in gold:
        d = docs.get(g["id"])
        if d is None:
            print("%-22s missing from the export" % g["id"])
            continue
        kept = [norm(l) for l in d["text"].split("\n") if l.strip()]
        body = [norm(l) for l in g["body_lines"]]
        boiler = {norm(l) for l in g["boilerplate_lines"]}
        body_set, kept_set = set(body), set(kept)
        tp = sum(1 for l in kept if l in body_set)
        dropped = sum(1 for l in boiler if l not in kept_set)
        with open(os.path.join(seeds, g["id"] + ".txt"), "rb") as f:
            raw = f.read()
        rm_ok, rm = removed_ok(d, raw, boiler)
        meta_ok = [k for k in META_KEYS if d["meta"].get(k) == g.get(k)]
        tot["tp"] += tp
        tot["kept"] += len(kept)
        tot["body"] += len(body)
        tot["bp_dropped"] += dropped
        tot["bp"] += len(boiler)
        tot["rm_ok"] += rm_ok
        tot["rm"] += rm
        tot["meta_ok"] += len(meta_ok)
        tot["meta"] += len(META_KEYS)
        wrong = ["%s=%r (gold %r)" % (k, d["meta"].get(k), g.get(k)) for k in META_KEYS if k not in meta_ok]
        print("%-22s %6.3f %6.3f %4d/%-3d %4d/%-3d  %d/%d %s" % (
            g["id"], tp / max(len(kept), 1), tp / max(len(body), 1), dropped, len(boiler),
            rm_ok, rm, len(meta_ok), len(META_KEYS), "; ".join(wrong)))
        if args.verbose:
            for l in kept:
                if l not in body_set:
                    print("   kept, not body: %.90s" % l)
            for l in body:
                if l not in kept_set:
                    print("   body, dropped:  %.90s" % l)
    print("TOTAL line precision %.3f  recall %.3f  boilerplate dropped %d/%d  "
          "removed-ranges exact %d/%d  metadata %d/%d (%.1f%%)" % (
              tot["tp"] / max(tot["kept"], 1), tot["tp"] / max(tot["body"], 1),
              tot["bp_dropped"], tot["bp"], tot["rm_ok"], tot["rm"], tot["meta_ok"], tot["meta"],
              100.0 * tot["meta_ok"] / max(tot["meta"], 1)))


if __name__ == "__main__":
    main()
