#!/usr/bin/env python3
"""Stance quality through the CLI, beside the VADER-sign baseline.

Each labelled sentence becomes its own JSON Lines document and runs through
segment -> sentiment -> stance (nkpipe run, --jobs 1). A sentence's predicted label is that
of the stance span of the target over it (no span = neutral); the baseline labels it by the
sign of its VADER compound (>= 0.05 favor, <= -0.05 against, else neutral), read from the
same run's sentiment layer. Prints macro-F1 over favor/against/neutral for both.

Labelled sets:
  tests/stance/cases.tsv (default): TARGET<TAB>LABEL<TAB>HOLDER<TAB>SENTENCE, written for
    nkpipe; the `diplomacy` rows are the issue's measure, other targets are reported apart.
  --seed-labels FILE: one line per seed document, "DOC LABELS" with one letter per gold
    sentence (F/A/N), scored on ../shared/gold/sentences.jsonl; documents are then run
    whole (sentences in order), so document-context targets behave as in production.

The stance config comes from --config (a JSON file with the stance stage's "config" object,
or a whole pipeline whose stance stage is used), default pipelines/default.json when it has
a stance stage, else tests/stance/targets.json.

Usage: bench/score-stance.py [--nkpipe build/core/nkpipe] [--config FILE] [--seed-labels FILE]
                             [--cases FILE] [-v]
python3, stdlib only.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABELS = ("favor", "against", "neutral")
LETTER = {"F": "favor", "A": "against", "N": "neutral"}


def macro_f1(gold, pred):
    total = 0.0
    for c in LABELS:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        total += 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return total / len(LABELS)


def find_nkpipe(given):
    if given:
        return given
    for d in sorted(os.listdir(REPO)):
        cand = os.path.join(REPO, d, "core", "nkpipe")
        if d.startswith("build") and os.access(cand, os.X_OK):
            return cand
    sys.exit("score-stance: no build*/core/nkpipe; pass --nkpipe")


def stance_config(path):
    if path is None:
        default = os.path.join(REPO, "pipelines", "default.json")
        if os.path.exists(default):
            for st in json.load(open(default, encoding="utf-8")).get("stages", []):
                if st.get("plugin") == "stance" and "config" in st:
                    return st["config"], default
        path = os.path.join(REPO, "tests", "stance", "targets.json")
    data = json.load(open(path, encoding="utf-8"))
    if "stages" in data:
        for st in data["stages"]:
            if st.get("plugin") == "stance":
                return st.get("config", {}), path
        sys.exit("score-stance: %s has no stance stage" % path)
    return data.get("config", data), path


def read_cases(path):
    rows = []
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        target, label, _holder, text = line.rstrip("\n").split("\t", 3)
        rows.append((target, "neutral" if label == "none" else label, text))
    return rows


def run(nkpipe, config, docs):
    """docs: list of (id, text). Returns {id: exported document}."""
    with tempfile.TemporaryDirectory(prefix="score-stance-") as tmp:
        inp = os.path.join(tmp, "in.jsonl")
        out = os.path.join(tmp, "out.jsonl")
        with open(inp, "w", encoding="utf-8") as f:
            for doc_id, text in docs:
                f.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
        pipeline = {"name": "score-stance", "stages": [
            {"plugin": "segment"}, {"plugin": "sentiment"},
            {"plugin": "stance", "config": config},
            {"plugin": "export", "config": {"path": out,
                                            "layers": ["sentences", "sentiment", "stance"]}}]}
        pfile = os.path.join(tmp, "pipeline.json")
        json.dump(pipeline, open(pfile, "w", encoding="utf-8"), ensure_ascii=False)
        proc = subprocess.run([nkpipe, "run", pfile, inp, "--jobs", "1", "--quiet"],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit("score-stance: nkpipe failed (%d): %s" % (proc.returncode, proc.stderr))
        result = {}
        for line in open(out, encoding="utf-8"):
            d = json.loads(line)
            result[d["id"]] = d
        return result


def labels_over(doc, start, end, target):
    """Stance label of @target over [start, end) (code points), VADER compound there."""
    label = "neutral"
    for sp in doc["layers"].get("stance", []):
        if sp["target"] == target and sp["start"] < end and start < sp["end"]:
            label = sp["label"]
            break
    compound = 0.0
    for sp in doc["layers"].get("sentiment", []):
        if sp["start"] < end and start < sp["end"]:
            compound = sp["compound"]
            break
    return label, compound


def vader_sign(c):
    return "favor" if c >= 0.05 else "against" if c <= -0.05 else "neutral"


def score_cases(nkpipe, config, path, verbose):
    rows = read_cases(path)
    docs = [("c%04d" % i, text) for i, (_t, _l, text) in enumerate(rows)]
    out = run(nkpipe, config, docs)
    by_target = {}
    for (doc_id, text), (target, gold, _) in zip(docs, rows):
        doc = out[doc_id]
        label, compound = labels_over(doc, 0, len(text), target)
        by_target.setdefault(target, []).append((gold, label, vader_sign(compound), text))
    for target, items in sorted(by_target.items(), key=lambda kv: kv[0] != "diplomacy"):
        gold = [g for g, _, _, _ in items]
        print("%-24s n=%3d  stance macro-F1 %.3f  accuracy %.3f  vader-sign macro-F1 %.3f" % (
            target, len(items), macro_f1(gold, [p for _, p, _, _ in items]),
            sum(g == p for g, p, _, _ in items) / len(items),
            macro_f1(gold, [b for _, _, b, _ in items])))
        if verbose:
            for g, p, _, text in items:
                if g != p:
                    print("    gold %-7s got %-7s %s" % (g, p, text))


def score_seeds(nkpipe, config, path, verbose):
    gold_file = os.path.join(REPO, "..", "shared", "gold", "sentences.jsonl")
    seeds = os.path.join(REPO, "..", "shared", "corpus", "seeds")
    if not os.path.exists(gold_file):
        sys.exit("score-stance: ../shared/gold is absent")
    labels = {}
    for line in open(path, encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            k, v = line.split()
            labels[k] = v
    docs, meta = [], []
    for line in open(gold_file, encoding="utf-8"):
        d = json.loads(line)
        key = next((k for k in labels if d["id"].startswith(k)), None)
        if key is None:
            continue
        if len(labels[key]) != len(d["sentences"]):
            sys.exit("score-stance: %s has %d labels for %d sentences" % (
                key, len(labels[key]), len(d["sentences"])))
        # the raw file's text, so the gold offsets (code points) apply
        text = open(os.path.join(seeds, d["id"] + ".txt"), encoding="utf-8").read()
        docs.append((d["id"], text))
        meta.append((d, labels[key]))
    out = run(nkpipe, config, docs)
    gold, pred, base = [], [], []
    for d, labs in meta:
        doc = out[d["id"]]
        for (start, end), letter, sent in zip(d["offsets"], labs, d["sentences"]):
            label, compound = labels_over(doc, start, end, "diplomacy")
            gold.append(LETTER[letter])
            pred.append(label)
            base.append(vader_sign(compound))
            if verbose and LETTER[letter] != label:
                print("    gold %-7s got %-7s %s" % (LETTER[letter], label, sent[:150]))
    print("seeds (%s) n=%d  stance macro-F1 %.3f  vader-sign macro-F1 %.3f" % (
        os.path.basename(path), len(gold), macro_f1(gold, pred), macro_f1(gold, base)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nkpipe")
    ap.add_argument("--config")
    ap.add_argument("--cases", default=os.path.join(REPO, "tests", "stance", "cases.tsv"))
    ap.add_argument("--seed-labels")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    nkpipe = find_nkpipe(args.nkpipe)
    config, source = stance_config(args.config)
    print("stance config from %s" % os.path.relpath(source, REPO))
    score_cases(nkpipe, config, args.cases, args.verbose)
    if args.seed_labels:
        score_seeds(nkpipe, config, args.seed_labels, args.verbose)


if __name__ == "__main__":
    main()
