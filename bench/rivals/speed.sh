#!/bin/sh
# speed.sh — single-thread throughput of the rival JS libraries on the 20 MB benchmark corpus
# (bench/make-corpus.py). compromise and VADER are slow, so they read a slice (MB/s reported).
# Usage: bench/rivals/speed.sh [CORPUS.jsonl]
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
CORPUS=${1:-$HERE/../corpora/news-20mb.jsonl}
[ -f "$CORPUS" ] || python3 "$HERE/../make-corpus.py" --sizes 20 --html-copies 0
node "$HERE/speed.js" "$CORPUS" wink 20
node "$HERE/speed.js" "$CORPUS" sbd 20
node "$HERE/speed.js" "$CORPUS" compromise 1
node "$HERE/speed.js" "$CORPUS" vader 2
