#!/usr/bin/env python3
"""Score the `quotes` stage against the hand-made gold (../shared/gold/quotes.jsonl).

Usage:
  bench/score-quotes.py EXPORT.jsonl          score an existing export ('-' reads stdin)
  bench/score-quotes.py --run [--nkpipe BIN]  run clean -> segment -> entity -> quotes ->
                                              export over the seed articles, then score

The export's `quotes` layer has code-point offsets into the exported `text`; quotations are
matched to the gold by their text (whitespace-normalised; a trailing punctuation difference
is tolerated), one to one, within each document. Reported: detection precision / recall /
F1, speaker accuracy on matched quotations (the gold `speaker`; `speaker_alt` is shown
separately), and partial/full agreement. stdlib only.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.normpath(os.path.join(REPO, "..", "shared"))
TRAIL = " \t\n,.;:!?\u2026\u2014-"


def norm(s):
    return " ".join(s.split())


def loose(s):
    return norm(s).rstrip(TRAIL)


def load_gold(path):
    gold = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                g = json.loads(line)
                gold.setdefault(g["id"], []).append(g)
    return gold


def load_export(stream):
    pred = {}
    for line in stream:
        if not line.strip():
            continue
        doc = json.loads(line)
        text = doc.get("text") or ""
        quotes = (doc.get("layers") or {}).get("quotes")
        if quotes is None:
            sys.exit("score-quotes: document %s has no quotes layer" % doc.get("id"))
        items = []
        for q in quotes:
            items.append(dict(q, quote=text[q["start"]:q["end"]]))
        pred[doc["id"]] = items
    return pred


def match(golds, preds):
    """Greedy one-to-one matching: exact normalised text first, then loose."""
    pairs, used = [], set()
    for key in (norm, loose):
        for gi, g in enumerate(golds):
            if any(gi == p[0] for p in pairs):
                continue
            for pi, p in enumerate(preds):
                if pi not in used and key(p["quote"]) == key(g["quote"]):
                    pairs.append((gi, pi))
                    used.add(pi)
                    break
    return pairs


def score(gold, pred, verbose):
    n_gold = sum(len(v) for v in gold.values())
    n_pred = sum(len(pred.get(d, [])) for d in gold)
    tp = sp_ok = sp_alt_ok = kind_ok = 0
    lines = []
    missing_docs = [d for d in gold if d not in pred]
    for doc, golds in sorted(gold.items()):
        preds = pred.get(doc, [])
        pairs = match(golds, preds)
        tp += len(pairs)
        matched_g = {gi for gi, _ in pairs}
        matched_p = {pi for _, pi in pairs}
        for gi, pi in pairs:
            g, p = golds[gi], preds[pi]
            ok = p.get("speaker") == g["speaker"]
            alt = ok or p.get("speaker") in (g.get("speaker_alt") or [])
            sp_ok += ok
            sp_alt_ok += alt
            kind_ok += bool(p.get("partial")) == (g.get("kind") == "partial")
            if not ok:
                lines.append("SPEAKER %s %r gold=%r got=%r cue=%r" % (
                    doc[:3], g["quote"][:60], g["speaker"], p.get("speaker"), p.get("cue")))
        for gi, g in enumerate(golds):
            if gi not in matched_g:
                lines.append("MISSED  %s %r (speaker %r)" % (doc[:3], g["quote"][:60], g["speaker"]))
        for pi, p in enumerate(preds):
            if pi not in matched_p:
                lines.append("EXTRA   %s %r (speaker %r)" % (doc[:3], p["quote"][:60], p.get("speaker")))
    if verbose:
        print("\n".join(lines))
    prec = tp / n_pred if n_pred else 0.0
    rec = tp / n_gold if n_gold else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    print("quotes: gold %d, found %d, matched %d" % (n_gold, n_pred, tp))
    print("detection: P %.3f  R %.3f  F1 %.3f" % (prec, rec, f1))
    if tp:
        print("speaker accuracy (matched): %.3f (%d/%d); accepting speaker_alt: %.3f"
              % (sp_ok / tp, sp_ok, tp, sp_alt_ok / tp))
        print("partial/full agreement (matched): %.3f" % (kind_ok / tp))
        print("speaker correct over all gold quotations: %.3f" % (sp_ok / n_gold))
    if missing_docs:
        print("warning: %d gold documents absent from the export: %s"
              % (len(missing_docs), ", ".join(missing_docs)))


def run_pipeline(nkpipe, seeds, stages):
    spec = {"name": "score-quotes", "stages": [{"plugin": s} for s in stages]}
    spec["stages"].append({"plugin": "export", "config": {"layers": ["quotes"]}})
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "score-quotes.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(spec, f)
        proc = subprocess.run([nkpipe, "run", path, seeds, "--jobs", "1", "-q"],
                              capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("score-quotes: nkpipe failed (%d): %s" % (proc.returncode, proc.stderr.strip()))
    return proc.stdout.splitlines()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("export", nargs="?", help="export JSONL ('-' for stdin)")
    ap.add_argument("--run", action="store_true", help="run nkpipe over the seeds first")
    ap.add_argument("--nkpipe", default=os.path.join(REPO, "build", "core", "nkpipe"))
    ap.add_argument("--stages", default="clean,segment,entity,quotes",
                    help="document stages for --run (comma-separated)")
    ap.add_argument("--gold", default=os.path.join(SHARED, "gold"))
    ap.add_argument("--seeds", default=os.path.join(SHARED, "corpus", "seeds"))
    ap.add_argument("-v", "--verbose", action="store_true", help="list every error")
    args = ap.parse_args()

    gold_path = os.path.join(args.gold, "quotes.jsonl")
    if not os.path.exists(gold_path):
        sys.exit("score-quotes: no gold at %s" % gold_path)
    gold = load_gold(gold_path)
    if args.run:
        pred = load_export(run_pipeline(args.nkpipe, args.seeds, args.stages.split(",")))
    elif args.export == "-":
        pred = load_export(sys.stdin)
    elif args.export:
        with open(args.export, encoding="utf-8") as f:
            pred = load_export(f)
    else:
        ap.error("give an export file or --run")
    score(gold, pred, args.verbose)


if __name__ == "__main__":
    main()
