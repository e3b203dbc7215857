#!/usr/bin/env python3
"""Word-level F1 of extracted text against the true bodies of html-dev pages.

Usage: score-extract.py HTML_DIR OUT_DIR [OUT_DIR...]
Each OUT_DIR holds NAME.txt per NAME.json in HTML_DIR. Words are `\\w+`, lower-cased, counted
as multisets; precision = shared / extracted, recall = shared / body (html-dev/README.md).
A page with no output file scores 0. Prints mean precision, recall and F1 per OUT_DIR."""
import collections
import json
import os
import re
import sys

WORD = re.compile(r"\w+")


def words(text):
    return collections.Counter(w.lower() for w in WORD.findall(text))


def f1(extracted, body):
    shared = sum((extracted & body).values())
    n_ext, n_body = sum(extracted.values()), sum(body.values())
    p = shared / n_ext if n_ext else 0.0
    r = shared / n_body if n_body else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main():
    html_dir, out_dirs = sys.argv[1], sys.argv[2:]
    names = sorted(f[:-5] for f in os.listdir(html_dir) if f.endswith(".json"))
    verbose = os.environ.get("NK_VERBOSE") == "1"
    for out in out_dirs:
        rows = []
        for n in names:
            with open(os.path.join(html_dir, n + ".json"), encoding="utf-8") as f:
                body = words(json.load(f)["body"])
            path = os.path.join(out, n + ".txt")
            text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
            rows.append((n,) + f1(words(text), body))
            if verbose:
                print("  %-36s P %.3f R %.3f F1 %.3f" % rows[-1])
        k = len(rows)
        print("%-28s pages %d  mean P %.3f  R %.3f  F1 %.3f" % (
            os.path.basename(out.rstrip("/")), k,
            sum(r[1] for r in rows) / k, sum(r[2] for r in rows) / k, sum(r[3] for r in rows) / k))


if __name__ == "__main__":
    main()
