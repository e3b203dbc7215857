#!/bin/sh
# bench/run.sh — nkpipe throughput beside `wc -w`, in one hyperfine run (see bench/README.md).
#
# Usage: bench/run.sh [NKPIPE] [--corpus FILE.jsonl] [--html DIR] [--runs N] [--no-html]
#                     [--hyperfine]
#   NKPIPE   path to the nkpipe binary (default: build/core/nkpipe)
#   --hyperfine  time with hyperfine (all runs of one command, then the next) instead of
#            bench/interleave.py (round after round, each command once per round: on a shared
#            machine a burst of other work then falls on every command alike)
#
# Measures, with --jobs 1 and best (and median) of N runs (default 3, after one warm-up):
#   wc            LC_ALL=C.UTF-8 wc -w CORPUS
#   export-only   JSONL read + export alone (the core's floor, for information)
#   segment-only  segment + export without clean (for information)
#   clean-segment clean + segment + export          target >= 0.65x wc -w (whole run)
#   +sentiment+stance   time added to clean-segment target >= 0.40x wc -w (incremental)
#   +entity+quotes      time added to clean-segment target >= 0.33x wc -w (incremental)
#   default       pipelines/default.json (for information)
# and, for HTML, nkpipe clean + segment + export on the HTML folder beside libxml2's own
# SAX push parse of the same pages. A pipeline that names a stage not built yet is skipped.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
NKPIPE=build/core/nkpipe
CORPUS=$HERE/corpora/news-20mb.jsonl
HTML=$HERE/corpora/html
RUNS=3
DO_HTML=1
TIMER=interleave
OUT=$HERE/out

while [ $# -gt 0 ]; do
  case $1 in
    --corpus) CORPUS=$2; shift 2 ;;
    --html) HTML=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --no-html) DO_HTML=0; shift ;;
    --hyperfine) TIMER=hyperfine; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) NKPIPE=$1; shift ;;
  esac
done

# A relative path is taken from the current folder, else from the repository root.
case $NKPIPE in
  /*) ;;
  *) if [ -e "$NKPIPE" ]; then NKPIPE=$(pwd)/$NKPIPE; else NKPIPE=$REPO/$NKPIPE; fi ;;
esac
[ -x "$NKPIPE" ] || { echo "run.sh: $NKPIPE is not an executable (build first, or pass its path)" >&2; exit 2; }
if [ "$TIMER" = hyperfine ]; then
  command -v hyperfine >/dev/null || { echo "run.sh: hyperfine missing: apt-get install -y hyperfine" >&2; exit 2; }
fi
if [ ! -f "$CORPUS" ]; then
  echo "run.sh: $CORPUS absent, building corpora with bench/make-corpus.py"
  python3 "$HERE/make-corpus.py"
fi
mkdir -p "$OUT"

# Which stage types exist: `nkpipe plugins` lists every module found with its stage types.
"$NKPIPE" plugins > "$OUT/plugins.txt" 2>&1 || true

# Writes $OUT/NAME.json: the stage list of bench/pipelines/NAME.json, with each stage's config
# taken from pipelines/default.json when that file has the stage (relative paths in those
# configs made absolute, since the derived file lives in another folder).
derive () {
  python3 - "$HERE/pipelines/$1.json" "$REPO/pipelines/default.json" "$OUT/$1.json" <<'EOF'
import json, os, sys
bench_path, default_path, out_path = sys.argv[1:4]
bench = json.load(open(bench_path, encoding="utf-8"))
configs = {}
if os.path.exists(default_path):
    base = os.path.dirname(os.path.abspath(default_path))
    def absolutize(v):
        if isinstance(v, str) and not os.path.isabs(v) and os.path.exists(os.path.join(base, v)):
            return os.path.join(base, v)
        if isinstance(v, list):
            return [absolutize(x) for x in v]
        if isinstance(v, dict):
            return {k: absolutize(x) for k, x in v.items()}
        return v
    for st in json.load(open(default_path, encoding="utf-8")).get("stages", []):
        if st.get("plugin") != "export" and "config" in st:
            configs.setdefault(st["plugin"], absolutize(st["config"]))
for st in bench["stages"]:
    if st["plugin"] in configs:
        st["config"] = configs[st["plugin"]]
json.dump(bench, open(out_path, "w", encoding="utf-8"), indent=2, ensure_ascii=False)
print(" ".join(st["plugin"] for st in bench["stages"]))
EOF
}

# Echoes the name if every stage of the pipeline is available and it validates, else a message
# on stderr.
usable () {
  stages=$(derive "$1")
  for s in $stages; do
    # `nkpipe plugins` prints each stage type as "  NAME (document stage|ordered sink): …".
    if ! grep -Eq "^[[:space:]]*$s \(" "$OUT/plugins.txt"; then
      echo "skip $1: stage '$s' not built yet (not in 'nkpipe plugins')" >&2
      return 1
    fi
  done
  if ! "$NKPIPE" validate "$OUT/$1.json" > "$OUT/$1.validate" 2>&1; then
    echo "skip $1: nkpipe validate failed: $(head -3 "$OUT/$1.validate")" >&2
    return 1
  fi
  echo "$1"
}

set -- -n wc "LC_ALL=C.UTF-8 wc -w '$CORPUS'"
for p in export-only segment-only clean-segment sentiment-stance entity-quotes; do
  if usable "$p" > /dev/null; then
    set -- "$@" -n "$p" "'$NKPIPE' run '$OUT/$p.json' '$CORPUS' --quiet --jobs 1 > /dev/null"
  fi
done
if [ -f "$REPO/pipelines/default.json" ] && "$NKPIPE" validate "$REPO/pipelines/default.json" >/dev/null 2>&1; then
  # default.json's own export may have a path; run a copy whose export goes to stdout.
  python3 - "$REPO/pipelines/default.json" "$OUT/default.json" <<'EOF'
import json, os, sys
src, dst = sys.argv[1:3]
p = json.load(open(src, encoding="utf-8"))
base = os.path.dirname(os.path.abspath(src))
def absolutize(v):
    if isinstance(v, str) and not os.path.isabs(v) and os.path.exists(os.path.join(base, v)):
        return os.path.join(base, v)
    if isinstance(v, list):
        return [absolutize(x) for x in v]
    if isinstance(v, dict):
        return {k: absolutize(x) for k, x in v.items()}
    return v
p.pop("input", None)
for st in p["stages"]:
    cfg = st.get("config", {})
    if st["plugin"] == "export":
        cfg.pop("path", None)
    elif "path" in cfg:
        # Other sinks' outputs (e.g. stance-summary) go to bench/out, never over real files.
        cfg["path"] = os.path.join(os.path.dirname(dst), "default-" + os.path.basename(cfg["path"]))
    if cfg:
        st["config"] = absolutize(cfg)
json.dump(p, open(dst, "w", encoding="utf-8"), indent=2, ensure_ascii=False)
EOF
  if "$NKPIPE" validate "$OUT/default.json" >/dev/null 2>&1; then
    set -- "$@" -n default "'$NKPIPE' run '$OUT/default.json' '$CORPUS' --quiet --jobs 1 > /dev/null"
  fi
fi

echo "nkpipe: $NKPIPE"
echo "corpus: $CORPUS ($(wc -c < "$CORPUS") bytes)"
echo "date:   $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, runs: best of $RUNS"
if [ "$TIMER" = hyperfine ]; then
  hyperfine --style basic --warmup 1 --runs "$RUNS" --export-json "$OUT/text.json" "$@"
else
  python3 "$HERE/interleave.py" --warmup 1 --runs "$RUNS" --export-json "$OUT/text.json" "$@"
fi

report () {
  python3 - "$1" "$2" <<'EOF'
import json, sys
path, size = sys.argv[1], int(sys.argv[2])
results = json.load(open(path))["results"]
wall = {r["command"]: min(r["times"]) for r in results}
# Mean user+system CPU seconds: less sensitive than wall time when the machine is shared.
cpu = {r["command"]: r["user"] + r["system"] for r in results}
mb = size / 1e6
def line(name, t, c, target=None):
    ratio = wall["wc"] / t if "wc" in wall and t > 0 else float("nan")
    cratio = cpu["wc"] / c if "wc" in cpu and c > 0 else float("nan")
    verdict = "" if target is None else ("  target %.2fx: %s" % (target, "PASS" if ratio >= target else "FAIL"))
    print("%-27s %7.3f s %8.1f MB/s %6.2fx wc -w | cpu %7.3f s %6.2fx%s"
          % (name, t, mb / t, ratio, c, cratio, verdict))
print("\nbest of runs (wall), and mean user+sys CPU, %.1f MB" % mb)
for name in wall:
    line(name, wall[name], cpu[name], {"clean-segment": 0.65}.get(name))
base = "clean-segment"
med = {r["command"]: sorted(r["times"])[len(r["times"]) // 2] for r in results}
for name, label, target in (("sentiment-stance", "+sentiment+stance (incr.)", 0.40),
                            ("entity-quotes", "+entity+quotes (incr.)", 0.33)):
    if base in wall and name in wall:
        d, dc = wall[name] - wall[base], cpu[name] - cpu[base]
        if d <= 0 or dc <= 0:
            # Noise larger than the stages' cost: report the raw differences only.
            print("%-27s %7.3f s wall, %.3f s cpu added: below the noise, no ratio" % (label, d, dc))
        else:
            line(label, d, dc, target)
            dm = med[name] - med[base]
            if "wc" in med and dm > 0:
                print("%-27s %7.3f s %8.1f MB/s %6.2fx wc -w (medians of the runs)"
                      % ("", dm, mb / dm, med["wc"] / dm))
EOF
}
report "$OUT/text.json" "$(wc -c < "$CORPUS")"

[ "$DO_HTML" = 1 ] || exit 0
if [ ! -d "$HTML" ]; then
  echo "no HTML corpus at $HTML (bench/make-corpus.py builds it from ../shared/corpus/html-dev)"
  exit 0
fi
HTML_BYTES=$(cat "$HTML"/*.html | wc -c)
cc -O2 $(pkg-config --cflags libxml-2.0) "$HERE/rivals/libxml2-sax.c" -o "$OUT/libxml2-sax" \
  $(pkg-config --libs libxml-2.0)
set -- -n libxml2-sax "'$OUT/libxml2-sax' '$HTML'/*.html" \
       -n libxml2-dom "'$OUT/libxml2-sax' --dom '$HTML'/*.html"
if usable clean-segment > /dev/null 2>&1; then
  set -- "$@" -n clean-segment "'$NKPIPE' run '$OUT/clean-segment.json' '$HTML' --quiet --jobs 1 > /dev/null"
fi
echo
echo "HTML: $HTML ($(ls "$HTML" | wc -l) files, $HTML_BYTES bytes)"
if [ "$TIMER" = hyperfine ]; then
  hyperfine --style basic --warmup 1 --runs "$RUNS" --export-json "$OUT/html.json" "$@"
else
  python3 "$HERE/interleave.py" --warmup 1 --runs "$RUNS" --export-json "$OUT/html.json" "$@"
fi
python3 - "$OUT/html.json" "$HTML_BYTES" <<'EOF'
import json, sys
res = {r["command"]: min(r["times"]) for r in json.load(open(sys.argv[1]))["results"]}
mb = int(sys.argv[2]) / 1e6
print("\nHTML, best of runs, %.1f MB" % mb)
for name, t in res.items():
    print("%-28s %8.3f s %9.1f MB/s" % (name, t, mb / t))
if "libxml2-sax" in res and "clean-segment" in res:
    print("nkpipe / libxml2 SAX parse: %.2fx" % (res["libxml2-sax"] / res["clean-segment"]))
EOF
