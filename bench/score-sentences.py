#!/usr/bin/env python3
"""Score nkpipe's `sentences` layer against ../shared/gold/sentences.jsonl.

Usage:
  build/core/nkpipe run P.json ../shared/corpus/seeds --jobs 1 --quiet > out.jsonl
  bench/score-sentences.py out.jsonl [--gold ../shared/gold/sentences.jsonl] [-v]

P.json needs a `segment` stage (with or without `clean`) and an `export` whose layers
include `sentences`. Export offsets are code points into the exported `text`.

A gold sentence counts as right when the document has a predicted sentence with exactly
its text. When the exported text is the raw file (no `clean`), the offsets are compared
too: the predicted span must be the gold span. Predicted sentences outside the gold body
(boilerplate, headlines) are not counted, since the gold labels the body only.
Prints k/N and, with -v, every miss with the predicted sentences overlapping it.
"""
import argparse
import collections
import json
import os
import sys


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_gold = os.path.join(here, "..", "..", "shared", "gold", "sentences.jsonl")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", help="nkpipe export JSONL ('-' for stdin)")
    ap.add_argument("--gold", default=default_gold)
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = ap.parse_args()

    if not os.path.exists(args.gold):
        print(f"score-sentences: gold file {args.gold} not found", file=sys.stderr)
        return 2
    gold = {d["id"]: d for d in load_jsonl(args.gold)}
    if args.output == "-":
        docs = [json.loads(line) for line in sys.stdin if line.strip()]
    else:
        docs = load_jsonl(args.output)
    by_id = {d.get("id"): d for d in docs}

    total = right = 0
    missing_docs = []
    for doc_id, g in gold.items():
        total += len(g["sentences"])
        d = by_id.get(doc_id)
        if d is None:
            missing_docs.append(doc_id)
            continue
        text = d.get("text") or ""
        spans = (d.get("layers") or {}).get("sentences")
        if spans is None:
            print(f"score-sentences: {doc_id} has no sentences layer in the export",
                  file=sys.stderr)
            return 2
        pred = [(s["start"], s["end"]) for s in spans]
        pred_text = collections.Counter(text[a:b] for a, b in pred)
        pred_spans = set(pred)
        # Without clean the exported text is the raw file: compare offsets as well.
        raw = all(text[a:b] == s for s, (a, b) in zip(g["sentences"], g["offsets"]))
        for k, (sent, (a, b)) in enumerate(zip(g["sentences"], g["offsets"])):
            ok = (a, b) in pred_spans if raw else pred_text[sent] > 0
            if ok:
                right += 1
                if not raw:
                    pred_text[sent] -= 1
            elif args.verbose:
                print(f"MISS {doc_id} s{k}: {sent}")
                if raw:
                    for pa, pb in pred:
                        if pa < b and pb > a:
                            print(f"   got: {text[pa:pb]}")
    for doc_id in missing_docs:
        print(f"score-sentences: {doc_id} absent from the output", file=sys.stderr)
    print(f"sentences: {right}/{total} gold sentences exactly right "
          f"({100.0 * right / max(total, 1):.1f}%) over {len(gold) - len(missing_docs)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
