#!/bin/sh
# extract.sh — main-content extraction of the html-dev pages by the rival tools, scored by
# word-level F1 (score-extract.py). Outputs go to bench/out/extract/TOOL/ (gitignored).
# Usage: [NKPIPE=build/core/nkpipe] bench/rivals/extract.sh [HTML_DIR]
#   (install the rivals first: install.sh). With NKPIPE set, nkpipe's clean stage
#   (bench/pipelines/clean-segment.json) is scored beside them on the same pages.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
HTML=${1:-$HERE/../../../shared/corpus/html-dev}
OUT=$HERE/../out/extract
NK_RIVALS=${NK_RIVALS:-/work/rivals}
[ -d "$HTML" ] || { echo "extract.sh: $HTML absent, nothing to measure"; exit 0; }
mkdir -p "$OUT"
CP=/usr/share/java/boilerpipe.jar:/usr/share/java/nekohtml.jar:/usr/share/java/xercesImpl.jar
javac -d "$NK_RIVALS/java" -cp "$CP" "$HERE/BoilerpipeExtract.java"
# Seconds between two `date +%s.%N` stamps, with a leading zero and 2 decimals.
elapsed () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
t0=$(date +%s.%N)
node "$HERE/extract-readability.js" "$HTML" "$OUT/mozilla-readability" 2> "$OUT/mozilla-readability.log"
t1=$(date +%s.%N)
/usr/bin/python3 "$HERE/extract-readability-lxml.py" "$HTML" "$OUT/readability-lxml" 2> "$OUT/readability-lxml.log"
t2=$(date +%s.%N)
java -cp "$NK_RIVALS/java:$CP" BoilerpipeExtract "$HTML" "$OUT/boilerpipe" 2> "$OUT/boilerpipe.log"
t3=$(date +%s.%N)
echo "wall time (whole folder, including start-up): mozilla-readability+jsdom $(elapsed "$t0" "$t1") s," \
     "readability-lxml $(elapsed "$t1" "$t2") s, boilerpipe $(elapsed "$t2" "$t3") s"
DIRS="$OUT/mozilla-readability $OUT/readability-lxml $OUT/boilerpipe"
if [ -n "${NKPIPE:-}" ]; then
  rm -rf "$OUT/nkpipe" && mkdir -p "$OUT/nkpipe"
  t4=$(date +%s.%N)
  if "$NKPIPE" run "$HERE/../pipelines/clean-segment.json" "$HTML" --quiet --jobs 1 > "$OUT/nkpipe.jsonl" 2> "$OUT/nkpipe.log"; then
    t5=$(date +%s.%N)
    echo "wall time nkpipe clean+segment+export: $(elapsed "$t4" "$t5") s"
  else
    echo "nkpipe run failed (status $?), see $OUT/nkpipe.log; scoring what it wrote"
  fi
  python3 -c 'import json, os, sys
out = sys.argv[1]
for line in open(sys.argv[2], encoding="utf-8"):
    d = json.loads(line)
    with open(os.path.join(out, d["id"] + ".txt"), "w", encoding="utf-8") as f:
        f.write(d.get("text") or "")' "$OUT/nkpipe" "$OUT/nkpipe.jsonl"
  DIRS="$DIRS $OUT/nkpipe"
fi
python3 "$HERE/score-extract.py" "$HTML" $DIRS
