#!/usr/bin/env python3
"""Exact instruction counts per thread (callgrind) for the bench pipelines on a corpus slice.

Wall time on this shared two-core machine moves by ±20% from run to run; instruction counts do
not, so they show what a change did before a timing run can. For each pipeline that
bench/run.sh derived into bench/out/ (run it once first), runs

    valgrind --tool=callgrind --separate-threads=yes nkpipe run bench/out/P.json SLICE --jobs 1

and prints the instructions of the reader (main) thread, the worker (document stages) and the
sink (export), then the worker instructions each stage pair adds over clean + segment, beside
`LC_ALL=C.UTF-8 wc -w` on the same slice. The slice is the first --bytes of the corpus, cut at
a line end (default 2 MB of bench/corpora/news-20mb.jsonl), written to bench/out/slice.jsonl.

Usage: bench/instructions.py [--nkpipe build/core/nkpipe] [--corpus FILE] [--bytes N]
                             [--pipelines clean-segment,sentiment-stance,...]
Needs valgrind (apt-get install -y valgrind); python3, stdlib only. A release build with
-g (meson setup build-prof --buildtype=release -Dc_args=-g) lets callgrind_annotate name lines.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PIPELINES = ("export-only", "clean-segment", "sentiment-stance", "entity-quotes", "default")
# thread roles by a function only that thread runs
ROLES = (("worker", "nk_worker_thread"), ("sink", "nk_sink_thread"))


def make_slice(corpus, size, path):
    with open(corpus, "rb") as f:
        data = f.read(size)
    cut = data.rfind(b"\n")
    if cut < 0:
        sys.exit("instructions.py: no whole line in the first %d bytes of %s" % (size, corpus))
    with open(path, "wb") as f:
        f.write(data[:cut + 1])
    return cut + 1


def totals(out_file):
    """Instructions recorded in one callgrind output file (its 'totals:' or 'summary:' line)."""
    with open(out_file, encoding="utf-8", errors="replace") as f:
        text = f.read()
    m = re.search(r"^(?:totals|summary):\s*(\d+)", text, re.M)
    return int(m.group(1)) if m else 0, text


def callgrind(cmd, stdout, workdir, env=None):
    prefix = os.path.join(workdir, "cg.out")
    for old in glob.glob(prefix + "*"):
        os.unlink(old)
    full = ["valgrind", "--tool=callgrind", "--separate-threads=yes",
            "--callgrind-out-file=" + prefix] + cmd
    with open(stdout, "wb") as out:
        r = subprocess.run(full, stdout=out, stderr=subprocess.PIPE, env=env)
    if r.returncode != 0:
        sys.exit("instructions.py: %s failed:\n%s" % (" ".join(cmd), r.stderr.decode()[-2000:]))
    threads = {}
    for path in sorted(glob.glob(prefix + "*")):
        n, text = totals(path)
        if n == 0:
            continue
        role = "reader"
        for name, fn in ROLES:
            if re.search(r"^c?fn=\(\d+\) " + fn + "$", text, re.M):
                role = name
                break
        threads[role] = threads.get(role, 0) + n
    return threads


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nkpipe", default=os.path.join(REPO, "build", "core", "nkpipe"))
    ap.add_argument("--corpus", default=os.path.join(HERE, "corpora", "news-20mb.jsonl"))
    ap.add_argument("--bytes", type=int, default=2_000_000)
    ap.add_argument("--pipelines", default=",".join(PIPELINES))
    args = ap.parse_args()
    out_dir = os.path.join(HERE, "out")
    if not os.path.isfile(args.corpus):
        sys.exit("instructions.py: %s absent (bench/make-corpus.py builds it)" % args.corpus)
    if subprocess.run(["which", "valgrind"], capture_output=True).returncode != 0:
        sys.exit("instructions.py: valgrind missing: apt-get install -y valgrind")
    slice_path = os.path.join(out_dir, "slice.jsonl")
    os.makedirs(out_dir, exist_ok=True)
    size = make_slice(args.corpus, args.bytes, slice_path)
    print("slice: %s (%d bytes of %s)" % (slice_path, size, args.corpus))
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, LC_ALL="C.UTF-8")
        wc = sum(callgrind(["wc", "-w", slice_path], os.devnull, tmp, env).values())
        for name in args.pipelines.split(","):
            pipeline = os.path.join(out_dir, name + ".json")
            if not os.path.isfile(pipeline):
                print("skip %s: %s absent (bench/run.sh writes it)" % (name, pipeline))
                continue
            rows[name] = callgrind([args.nkpipe, "run", pipeline, slice_path, "--jobs", "1",
                                    "--quiet"], os.devnull, tmp)
    print("\n%-18s %10s %10s %10s   (M instructions; wc -w: %.1f M)"
          % ("pipeline", "reader", "worker", "sink", wc / 1e6))
    for name, t in rows.items():
        print("%-18s %10.1f %10.1f %10.1f" % (name, t.get("reader", 0) / 1e6,
                                             t.get("worker", 0) / 1e6, t.get("sink", 0) / 1e6))
    base = rows.get("clean-segment")
    if base:
        print("\nworker instructions added over clean-segment, and wc -w / added:")
        for name in ("sentiment-stance", "entity-quotes"):
            if name in rows:
                added = rows[name].get("worker", 0) - base.get("worker", 0)
                print("  %-18s %8.1f M   %.2fx" % (name, added / 1e6,
                                                   wc / added if added > 0 else float("nan")))


if __name__ == "__main__":
    main()
