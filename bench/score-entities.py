#!/usr/bin/env python3
"""Score the `entity` stage against ../shared/gold/entities.jsonl (stdlib only).

Two modes:

  documents (default): the seed articles go through `[clean ->] segment -> entity ->
    export` with the built CLI; exact-span F1 on PERSON/GPE/ORG (label must match) and the
    share of matched mentions with the gold canonical name.
  --bare: every gold sentence is its own JSONL document (no clean, no date) through
    `segment -> entity`; labels are mapped PERSON->PER, ORG->ORG, GPE/LOC/FACILITY->LOC
    (NORP, EVENT, DATE not scored) and exact-span F1 is computed on PER/ORG/LOC.

Alignment (documents mode). Gold offsets count code points in the raw seed file; the
export's offsets count code points in the document text, which `clean` may have changed.
Each gold sentence's verbatim text is searched in the exported text, left to right from the
previous match; a mention's offset is then the sentence's position plus its offset in the
sentence (`start` in entities.jsonl). A sentence that cannot be found (changed by clean) is
reported, and its mentions count as missed. Predictions outside the gold sentences
(headlines, boilerplate left in the text) are not scored. Gold mentions marked optional are neither
required nor counted as false positives (a prediction with the same span is ignored).

Usage: bench/score-entities.py [--nkpipe PATH] [--bare] [--no-clean] [-v]
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
GOLD = os.path.join(SHARED, "gold")
SEEDS = os.path.join(SHARED, "corpus", "seeds")
DOC_LABELS = {"PERSON", "GPE", "ORG"}
BARE_MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FACILITY": "LOC"}


def find_nkpipe(explicit):
    if explicit:
        return explicit
    for d in ("build", "build-entity", "build-bench"):
        p = os.path.join(ROOT, d, "core", "nkpipe")
        if os.access(p, os.X_OK):
            return p
    sys.exit("score-entities: no built nkpipe found; pass --nkpipe PATH")


def has_stage(nkpipe, stage):
    out = subprocess.run([nkpipe, "describe", stage], capture_output=True, text=True)
    return out.returncode == 0


def run(nkpipe, stages, inputs, stdin=None):
    with tempfile.TemporaryDirectory() as tmp:
        pipe = os.path.join(tmp, "pipeline.json")
        with open(pipe, "w") as f:
            json.dump({"name": "score-entities",
                       "stages": [{"plugin": s} for s in stages] +
                                 [{"plugin": "export", "config": {"layers": ["entities"]}}]}, f)
        out = subprocess.run([nkpipe, "run", pipe, "--jobs", "1", "--quiet"] + inputs,
                             input=stdin, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit("score-entities: nkpipe failed (%d): %s" % (out.returncode, out.stderr))
    return [json.loads(l) for l in out.stdout.splitlines() if l.strip()]


def load_gold():
    sents = {}
    with open(os.path.join(GOLD, "sentences.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            sents[d["id"]] = d["sentences"]
    ents = collections.defaultdict(list)
    with open(os.path.join(GOLD, "entities.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            ents[d["id"]].append(d)
    return sents, ents


class Score:
    def __init__(self):
        self.tp = collections.Counter()
        self.fp = collections.Counter()
        self.fn = collections.Counter()
        self.canon_ok = 0
        self.canon_n = 0
        self.errors = []

    def add(self, gold, optional, pred, context, canon=True):
        """gold, pred: {(start, end): (label, canonical)}; optional: set of spans."""
        for span, (lab, can) in gold.items():
            p = pred.get(span)
            if p and p[0] == lab:
                self.tp[lab] += 1
                if canon:
                    self.canon_n += 1
                    if p[1] == can:
                        self.canon_ok += 1
                    else:
                        self.errors.append("CANON %s gold=%s pred=%s (%s)" %
                                           (context(span), can, p[1], p[2]))
            else:
                self.fn[lab] += 1
                self.errors.append("MISS  %s %s pred=%s" % (lab, context(span), p))
        for span, p in pred.items():
            if span in optional:
                continue
            g = gold.get(span)
            if g and g[0] == p[0]:
                continue
            self.fp[p[0]] += 1
            self.errors.append("FALSE %s %s (%s) gold=%s" % (p[0], context(span), p[2], g))

    def report(self, labels, canon=True):
        def prf(tp, fp, fn):
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            return p, r, (2 * p * r / (p + r) if p + r else 0.0)
        for lab in labels:
            p, r, f = prf(self.tp[lab], self.fp[lab], self.fn[lab])
            print("  %-7s P %.3f  R %.3f  F1 %.3f  (tp %d, fp %d, fn %d)" %
                  (lab, p, r, f, self.tp[lab], self.fp[lab], self.fn[lab]))
        tp = sum(self.tp[l] for l in labels)
        fp = sum(self.fp[l] for l in labels)
        fn = sum(self.fn[l] for l in labels)
        p, r, f = prf(tp, fp, fn)
        print("  all     P %.3f  R %.3f  F1 %.3f  (tp %d, fp %d, fn %d)" % (p, r, f, tp, fp, fn))
        if canon:
            print("  canonical names right on matched mentions: %d/%d = %.3f" %
                  (self.canon_ok, self.canon_n, self.canon_ok / max(1, self.canon_n)))
        return f


def documents_mode(nkpipe, use_clean, verbose):
    sents, ents = load_gold()
    stages = (["clean"] if use_clean and has_stage(nkpipe, "clean") else []) + ["segment", "entity"]
    docs = sorted(sents)
    out = run(nkpipe, stages, [os.path.join(SEEDS, d + ".txt") for d in docs])
    by_id = {}
    for d in out:
        by_id[os.path.splitext(os.path.basename(d.get("source", d["id"])))[0]] = d
        by_id.setdefault(d["id"], d)
    score = Score()
    unfound = 0
    for doc in docs:
        d = by_id.get(doc)
        if d is None:
            sys.exit("score-entities: no output for %s" % doc)
        text = d.get("text") or ""
        # sentence index -> position in the exported text
        pos, cursor = {}, 0
        for i, s in enumerate(sents[doc]):
            at = text.find(s, cursor)
            if at < 0:
                at = text.find(s)
            if at < 0:
                unfound += 1
                if verbose:
                    print("  unaligned sentence %s[%d]: %.60r" % (doc, i, s))
                continue
            pos[i] = at
            cursor = at + len(s)
        gold, optional = {}, set()
        missing = 0
        for m in ents[doc]:
            if m["sentence_index"] not in pos:
                if m["label"] in DOC_LABELS and not m.get("optional"):
                    missing += 1
                    score.fn[m["label"]] += 1
                continue
            s = pos[m["sentence_index"]] + m["start"]
            span = (s, s + len(m["text"]))
            if m.get("optional"):
                optional.add(span)
            elif m["label"] in DOC_LABELS:
                gold[span] = (m["label"], m["canonical"])
            else:
                optional.add(span)   # other labels: not scored here
        # only the annotated sentences count: predictions in headlines or boilerplate
        # that clean left in the text are outside the gold's scope
        regions = [(pos[i], pos[i] + len(sents[doc][i])) for i in pos]
        inside = lambda a, b: any(s <= a and b <= e for s, e in regions)
        pred = {}
        for e in d["layers"].get("entities", []):
            if e["label"] in DOC_LABELS and inside(e["start"], e["end"]):
                pred[(e["start"], e["end"])] = (e["label"], e["canonical"], e["rule"])
        ctx = lambda span, t=text, doc=doc: "%s %r in %r" % (
            doc[:3], t[span[0]:span[1]], t[max(0, span[0] - 40):span[1] + 25])
        score.add(gold, optional, pred, ctx)
    print("entity, documents (%s), %d seed articles:" % (" -> ".join(stages), len(docs)))
    if unfound:
        print("  %d gold sentences not found in the exported text (their mentions missed)" % unfound)
    f = score.report(["PERSON", "GPE", "ORG"])
    if verbose:
        print("\n".join(score.errors))
    return f


def bare_mode(nkpipe, verbose):
    sents, ents = load_gold()
    lines = []
    for doc in sorted(sents):
        for i, s in enumerate(sents[doc]):
            lines.append(json.dumps({"id": "%s:%d" % (doc, i), "text": s}))
    out = run(nkpipe, ["segment", "entity"], ["-"], stdin="\n".join(lines) + "\n")
    by_id = {d["id"]: d for d in out}
    gold_by = collections.defaultdict(dict)
    opt_by = collections.defaultdict(set)
    for doc, ms in ents.items():
        for m in ms:
            key = "%s:%d" % (doc, m["sentence_index"])
            span = (m["start"], m["end"])
            lab = BARE_MAP.get(m["label"])
            if m.get("optional") or lab is None:
                opt_by[key].add(span)
            else:
                gold_by[key][span] = (lab, m["canonical"])
    score = Score()
    for key, d in by_id.items():
        text = d.get("text") or ""
        pred = {}
        for e in d["layers"].get("entities", []):
            lab = BARE_MAP.get(e["label"])
            if lab:
                pred[(e["start"], e["end"])] = (lab, e["canonical"], e["rule"])
        ctx = lambda span, t=text, k=key: "%s %r in %r" % (
            k[:3], t[span[0]:span[1]], t[max(0, span[0] - 40):span[1] + 25])
        score.add(gold_by[key], opt_by[key], pred, ctx, canon=False)
    print("entity, bare sentences (segment -> entity), %d sentences:" % len(by_id))
    f = score.report(["PER", "ORG", "LOC"], canon=False)
    if verbose:
        print("\n".join(e for e in score.errors if not e.startswith("CANON")))
    return f


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nkpipe", help="the nkpipe binary (default: build*/core/nkpipe)")
    ap.add_argument("--bare", action="store_true", help="bare sentences mode")
    ap.add_argument("--no-clean", action="store_true", help="skip the clean stage")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every error")
    args = ap.parse_args()
    if not os.path.isdir(GOLD):
        sys.exit("score-entities: %s not found" % GOLD)
    nkpipe = find_nkpipe(args.nkpipe)
    if args.bare:
        bare_mode(nkpipe, args.verbose)
    else:
        documents_mode(nkpipe, not args.no_clean, args.verbose)


if __name__ == "__main__":
    main()
