#!/usr/bin/env python3
"""Build benchmark corpora for nkpipe (python3, stdlib only).

Writes into bench/corpora/ (gitignored, never committed):
  news-20mb.jsonl    ~20 MB of JSON Lines {"id", "text"}
  news-100mb.jsonl   >= 100 MB of JSON Lines {"id", "text"}
  html/              the html-dev pages (copied N times under distinct names) for HTML MB/s

Documents are variations of the seed articles (../shared/corpus/seeds, when present) and of
the project's own sample articles (corpus/sample/*.txt): body paragraphs are lightly
shuffled, person names are swapped for others of the same kind, digits are changed, and a
document sometimes borrows a paragraph from another article. The boilerplate lines stay in,
so `clean` has real work to do. A fixed random seed makes every build byte-identical.

Usage: bench/make-corpus.py [--out DIR] [--sizes 20,100] [--html-copies 3] [--seed 2018]
"""

import argparse
import json
import os
import random
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(REPO), "shared")

# Names swapped only within a group of the same kind (U.S. officials, Asian leaders, North
# Korean officials, analysts), so "Secretary of State X" stays plausible news.
PEOPLE_GROUPS = [
    ["Mike Pompeo", "Stephen E. Biegun", "John Bolton", "Morgan Ortagus"],
    ["Moon Jae-in", "Shinzo Abe", "Xi Jinping"],
    ["Kim Yong-chol", "Ri Yong-ho", "Choe Son-hui"],
    ["Sue Mi Terry", "Victor Cha", "Siegfried S. Hecker", "Jenny Town"],
    ["Lindsey Graham", "Chuck Schumer", "Eliot L. Engel"],
]
SURNAME_GROUPS = [["Pompeo", "Biegun", "Bolton"], ["Moon", "Abe"], ["Ri", "Choe"],
                  ["Graham", "Schumer", "Engel"]]
PLACES = ["Seoul", "Tokyo", "Beijing", "Hanoi", "Singapore", "Stockholm", "Panmunjom",
          "Washington", "Pyongyang", "Moscow"]

BOILER_RE = re.compile(
    r"^(copyright|click|source|leave a reply|your email|sign up|manage newsletters|related|"
    r"follow @|read full|exclusive:|©)", re.I)


def read_articles(seed_dir, sample_dir):
    """Returns a list of (name, text) of the available source articles."""
    arts = []
    for d in (seed_dir, sample_dir):
        if not d or not os.path.isdir(d):
            continue
        for fn in sorted(os.listdir(d)):
            if fn.endswith(".txt"):
                with open(os.path.join(d, fn), encoding="utf-8") as f:
                    arts.append((fn[:-4], f.read()))
    if not arts:
        sys.exit("make-corpus: no articles found (seeds: %s, sample: %s)" % (seed_dir, sample_dir))
    return arts


def split_article(text):
    """Splits into (head, body, tail) paragraph lists.

    head = paragraphs before the first long one (headline, masthead, dates); tail = the
    trailing run of boilerplate-looking paragraphs. Only the body is shuffled."""
    paras = [p for p in re.split(r"\n\s*\n", text.strip("\n")) if p.strip()]
    first_body = next((i for i, p in enumerate(paras) if len(p) > 120), 0)
    last = len(paras)
    while last > first_body + 1 and (len(paras[last - 1]) < 90 or BOILER_RE.match(paras[last - 1])):
        last -= 1
    return paras[:first_body + 1], paras[first_body + 1:last], paras[last:]


def shuffle_lightly(rng, body):
    """Swaps a few neighbouring paragraphs: order changes, the story stays readable."""
    body = list(body)
    for _ in range(max(1, len(body) // 4)):
        if len(body) < 2:
            break
        i = rng.randrange(len(body) - 1)
        body[i], body[i + 1] = body[i + 1], body[i]
    return body


def swap_names(rng, text):
    """Replaces each listed person by another one, consistently within the document."""
    table = {}
    for group in PEOPLE_GROUPS:
        perm = group[:]
        rng.shuffle(perm)
        table.update(zip(group, perm))
    for group in SURNAME_GROUPS:
        perm = group[:]
        rng.shuffle(perm)
        table.update({"Mr. " + a: "Mr. " + b for a, b in zip(group, perm)})
    places = PLACES[:]
    rng.shuffle(places)
    if rng.random() < 0.3:
        table.update(zip(PLACES, places))
    pattern = re.compile("|".join(re.escape(k) for k in sorted(table, key=len, reverse=True)))
    return pattern.sub(lambda m: table[m.group(0)], text)


def vary_digits(rng, text):
    """Changes about a third of the digit runs, keeping their length (dates stay dates-ish)."""
    def sub(m):
        if rng.random() > 0.33:
            return m.group(0)
        s = m.group(0)
        return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in s[1:])
    return re.sub(r"\d+", sub, text)


def make_doc(rng, arts, split_cache):
    name, _ = arts[rng.randrange(len(arts))]
    head, body, tail = split_cache[name]
    body = shuffle_lightly(rng, body)
    if rng.random() < 0.25 and len(arts) > 1:
        other = split_cache[arts[rng.randrange(len(arts))][0]][1]
        if other:
            body.insert(rng.randrange(len(body) + 1), other[rng.randrange(len(other))])
    if rng.random() < 0.2 and len(body) > 3:
        del body[rng.randrange(len(body))]
    text = "\n\n".join(head + body + tail) + "\n"
    return vary_digits(rng, swap_names(rng, text))


def write_jsonl(path, target_bytes, arts, seed):
    rng = random.Random(seed)
    split_cache = {name: split_article(text) for name, text in arts}
    tmp = path + ".tmp"
    size = n = 0
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        while size < target_bytes:
            n += 1
            line = json.dumps({"id": "doc-%07d" % n, "text": make_doc(rng, arts, split_cache)},
                              ensure_ascii=False) + "\n"
            f.write(line)
            size += len(line.encode("utf-8"))
    os.replace(tmp, path)
    print("%s: %d documents, %.1f MB" % (path, n, size / 1e6))


def write_html(out_dir, html_dir, copies):
    if not os.path.isdir(html_dir):
        print("make-corpus: %s absent, no HTML corpus" % html_dir)
        return
    dest = os.path.join(out_dir, "html")
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    pages = sorted(fn for fn in os.listdir(html_dir) if fn.endswith(".html"))
    total = 0
    for c in range(copies):
        for fn in pages:
            target = os.path.join(dest, "c%02d-%s" % (c, fn))
            shutil.copyfile(os.path.join(html_dir, fn), target)
            total += os.path.getsize(target)
    print("%s: %d pages, %.1f MB" % (dest, len(pages) * copies, total / 1e6))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(HERE, "corpora"))
    ap.add_argument("--sizes", default="20,100", help="MB sizes of the JSONL corpora")
    ap.add_argument("--html-copies", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2018)
    ap.add_argument("--seeds-dir", default=os.path.join(SHARED, "corpus", "seeds"))
    ap.add_argument("--html-dir", default=os.path.join(SHARED, "corpus", "html-dev"))
    args = ap.parse_args()

    os.makedirs(args.out, exist_ok=True)
    seeds = args.seeds_dir if os.path.isdir(args.seeds_dir) else None
    if seeds is None:
        print("make-corpus: %s absent, using corpus/sample only" % args.seeds_dir)
    arts = read_articles(seeds, os.path.join(REPO, "corpus", "sample"))
    for mb in (int(s) for s in args.sizes.split(",") if s):
        # 100 is a lower bound ("at least 100 MB"); a 2% margin keeps it above after rounding.
        target = int(mb * 1e6 * (1.02 if mb >= 100 else 1.0))
        write_jsonl(os.path.join(args.out, "news-%dmb.jsonl" % mb), target, arts, args.seed + mb)
    if args.html_copies > 0:
        write_html(args.out, args.html_dir, args.html_copies)


if __name__ == "__main__":
    main()
