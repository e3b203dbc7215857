#!/usr/bin/env python3
"""Score the `sentiment` stage against the VADER reference (stdlib only).

Every row of ../shared/reference/vader/dev_scores.tsv (vaderSentiment 3.3.2's neg, neu,
pos, compound, as it prints them) becomes its own JSON Lines document and goes through
`segment -> sentiment -> export` with the built CLI, as the held-out test does. A row that
segment keeps as one sentence must match all four values within 0.001; rows that segment
splits are counted and listed apart: the reference scored the row as one string, so there
is nothing to compare them with.

--speed FILE also times `segment` alone and `segment -> sentiment` on FILE (JSON Lines or
a text file) with --jobs 1, and `LC_ALL=C.UTF-8 wc -w` on it, and prints the sentiment
stage's throughput: MB / (time with sentiment - time without), in CPU time of the child
processes (wall time is unreliable on a shared machine).

Usage: bench/score-sentiment.py [--nkpipe PATH] [--speed FILE] [--repeat N] [-v]
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(REPO), "shared")
DEV = os.path.join(SHARED, "reference", "vader", "dev_scores.tsv")
KEYS = ("neg", "neu", "pos", "compound")
TOL = 0.001


def find_nkpipe(given):
    if given:
        return given
    for build in sorted(os.listdir(REPO)):
        path = os.path.join(REPO, build, "core", "nkpipe")
        if build.startswith("build") and os.access(path, os.X_OK):
            return path
    sys.exit("score-sentiment: no built nkpipe found (use --nkpipe PATH)")


def read_dev():
    rows = []
    with open(DEV, encoding="utf-8") as f:
        next(f)
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            fields = line.split("\t")
            rows.append((fields[0], [float(x) for x in fields[1:5]]))
    return rows


def write_pipeline(folder, stages):
    path = os.path.join(folder, "pipeline.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"stages": [{"plugin": s} for s in stages]}, f)
    return path


def run(nkpipe, pipeline, inputs, out=None):
    cmd = [nkpipe, "run", pipeline] + inputs + ["--jobs", "1", "-q"]
    if out:
        cmd += ["-o", out]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit("score-sentiment: %s failed (%d):\n%s" % (" ".join(cmd), proc.returncode,
                                                           proc.stderr))


def score_dev(nkpipe, verbose, tmp):
    rows = read_dev()
    docs = os.path.join(tmp, "dev.jsonl")
    with open(docs, "w", encoding="utf-8") as f:
        for i, (text, _) in enumerate(rows):
            f.write(json.dumps({"id": "dev%03d" % i, "text": text}, ensure_ascii=False) + "\n")
    out = os.path.join(tmp, "dev-out.jsonl")
    run(nkpipe, write_pipeline(tmp, ["segment", "sentiment", "export"]), [docs], out)
    with open(out, encoding="utf-8") as f:
        exported = {d["id"]: d for d in map(json.loads, f)}

    single = match = 0
    per_key = dict.fromkeys(KEYS, 0)
    split = []
    for i, (text, expect) in enumerate(rows):
        doc = exported.get("dev%03d" % i)
        if doc is None:
            print("row %d: missing from the output" % (i + 1))
            continue
        spans = doc["layers"].get("sentiment", [])
        if len(spans) != 1:
            split.append((i, text, len(spans)))
            continue
        single += 1
        got = [spans[0][k] for k in KEYS]
        ok = [abs(g - e) <= TOL + 1e-12 for g, e in zip(got, expect)]
        for k, good in zip(KEYS, ok):
            per_key[k] += good
        if all(ok):
            match += 1
        else:
            print("MISMATCH row %d: %s\n  expected %s got %s" % (i + 1, text, expect, got))
    print("sentiment vs vaderSentiment 3.3.2 on %d dev rows (segment -> sentiment):" % len(rows))
    print("  kept one sentence by segment: %d (%.1f%%)" % (single, 100.0 * single / len(rows)))
    print("  all four values within %.3f: %d of %d (%.1f%%)" %
          (TOL, match, single, 100.0 * match / max(single, 1)))
    print("  per value: " + ", ".join("%s %d" % (k, per_key[k]) for k in KEYS))
    print("  split into several sentences: %d%s" % (len(split), "" if verbose else
                                                   " (-v lists them)"))
    if verbose:
        for i, text, n in split:
            print("    row %d (%d sentences): %s" % (i + 1, n, text))
    return match == single


def child_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(func, repeat):
    """Best CPU time (user + sys) of func's child process: steadier than wall time on a
    shared machine."""
    best = None
    for _ in range(repeat):
        t0 = child_cpu()
        func()
        dt = child_cpu() - t0
        best = dt if best is None else min(best, dt)
    return best


def speed(nkpipe, corpus, repeat, tmp):
    mb = os.path.getsize(corpus) / 1e6
    seg = write_pipeline(tmp, ["segment"])
    base = timed(lambda: run(nkpipe, seg, [corpus]), repeat)
    full_p = os.path.join(tmp, "full.json")
    with open(full_p, "w", encoding="utf-8") as f:
        json.dump({"stages": [{"plugin": "segment"}, {"plugin": "sentiment"}]}, f)
    full = timed(lambda: run(nkpipe, full_p, [corpus]), repeat)
    env = dict(os.environ, LC_ALL="C.UTF-8")
    wc = timed(lambda: subprocess.run(["wc", "-w", corpus], stdout=subprocess.DEVNULL,
                                      env=env, check=True), repeat)
    added = max(full - base, 1e-9)
    print("speed on %s (%.1f MB, --jobs 1, CPU seconds, best of %d):" % (corpus, mb, repeat))
    print("  segment %.2f s, segment+sentiment %.2f s -> sentiment %.1f MB/s" %
          (base, full, mb / added))
    print("  wc -w %.2f s (%.1f MB/s); sentiment / wc -w = %.2fx" %
          (wc, mb / wc, (mb / added) / (mb / wc)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nkpipe", help="the nkpipe binary (default: REPO/build*/core/nkpipe)")
    ap.add_argument("--speed", metavar="FILE", help="also time the stage on FILE")
    ap.add_argument("--repeat", type=int, default=3, help="timing runs, best kept (3)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    nkpipe = find_nkpipe(args.nkpipe)
    ok = True
    with tempfile.TemporaryDirectory(prefix="nk-sentiment-") as tmp:
        if os.path.exists(DEV):
            ok = score_dev(nkpipe, args.verbose, tmp)
        else:
            print("score-sentiment: %s not found, skipping the reference check" % DEV)
        if args.speed:
            speed(nkpipe, args.speed, args.repeat, tmp)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
