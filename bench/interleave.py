#!/usr/bin/env python3
"""Times shell commands interleaved: round after round, every command once per round.

hyperfine runs all the runs of one command before the next command, so on a shared machine a
burst of someone else's work lands on one command and skews a ratio. Interleaving spreads it
over all of them. Writes hyperfine's --export-json shape (results[].command/times/user/system)
so bench/run.sh reports either the same way.

Usage: bench/interleave.py --runs N --warmup W --export-json FILE -n NAME CMD [-n NAME CMD ...]
python3, stdlib only.
"""
import argparse
import json
import os
import subprocess
import sys
import time


def run_once(cmd):
    before = os.times()
    t0 = time.perf_counter()
    done = subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode != 0:
        sys.stderr.write(done.stderr.decode(errors="replace"))
        sys.exit("interleave.py: exit status %d from: %s" % (done.returncode, cmd))
    wall = time.perf_counter() - t0
    after = os.times()
    return wall, after.children_user - before.children_user, \
        after.children_system - before.children_system


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--export-json", required=True)
    ap.add_argument("-n", nargs=2, action="append", metavar=("NAME", "CMD"), required=True)
    args = ap.parse_args()
    names = [n for n, _ in args.n]
    cmds = dict(args.n)
    stats = {n: {"times": [], "user": 0.0, "system": 0.0} for n in names}
    for _ in range(args.warmup):
        for n in names:
            run_once(cmds[n])
    for r in range(args.runs):
        # alternate the order so no command always follows the same one
        order = names if r % 2 == 0 else list(reversed(names))
        for n in order:
            wall, user, system = run_once(cmds[n])
            stats[n]["times"].append(wall)
            stats[n]["user"] += user
            stats[n]["system"] += system
    results = []
    for n in names:
        s = stats[n]
        times = sorted(s["times"])
        results.append({"command": n, "times": s["times"], "min": times[0],
                        "median": times[len(times) // 2], "mean": sum(times) / len(times),
                        "user": s["user"] / args.runs, "system": s["system"] / args.runs})
        print("%-18s min %.3f s  median %.3f s  (%d runs)" % (n, times[0], times[len(times) // 2],
                                                              args.runs))
    with open(args.export_json, "w") as f:
        json.dump({"results": results}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
