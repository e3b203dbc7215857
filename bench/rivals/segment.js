// segment.js — sentence segmentation of rival JS libraries on the seeds' body text, scored
// against ../shared/gold/sentences.jsonl: a sentence counts when a predicted sentence is
// exactly the gold one (after trimming), as multisets per document; total out of 177.
// Each body line (a paragraph) is segmented on its own, since a paragraph break always ends
// a sentence; "whole" also reports the body as one text with blank lines between paragraphs.
// With NKPIPE=path/to/nkpipe, nkpipe's segment stage (bench/pipelines/segment-only.json, no
// clean) is scored the same way, beside the rivals.
// Usage: [NKPIPE=...] node bench/rivals/segment.js [SHARED_DIR]   (rivals: install.sh)
'use strict';
const fs = require('fs');
const path = require('path');
const RIVALS = process.env.NK_RIVALS || '/work/rivals';
const req = require('module').createRequire(path.join(RIVALS, 'package.json'));
const shared = process.argv[2] || path.join(__dirname, '..', '..', '..', 'shared');

const readJsonl = (f) => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const goldFile = path.join(shared, 'gold', 'sentences.jsonl');
if (!fs.existsSync(goldFile)) {
  console.log(`segment.js: ${goldFile} absent, nothing to score`);
  process.exit(0);
}
const gold = new Map(readJsonl(goldFile).map((d) => [d.id, d.sentences]));
const bodies = new Map(readJsonl(path.join(shared, 'gold', 'clean.jsonl')).map((d) => [d.id, d.body_lines]));

const winkNLP = req('wink-nlp');
const nlp = winkNLP(req('wink-eng-lite-web-model'));
const sbd = req('sbd');

const tools = {
  'wink-nlp': (t) => nlp.readDoc(t).sentences().out(),
  sbd: (t) => sbd.sentences(t, { newline_boundaries: true, preserve_whitespace: true }),
};

// Runs nkpipe's segment stage over the given texts (one JSONL document each) and returns
// each text's sentences; spans are code point offsets into the exported text.
function nkpipeSentences(texts) {
  const { execFileSync } = require('child_process');
  const input = texts.map((t, i) => JSON.stringify({ id: 'd' + i, text: t })).join('\n') + '\n';
  const pipeline = path.join(__dirname, '..', 'pipelines', 'segment-only.json');
  const out = execFileSync(process.env.NKPIPE, ['run', pipeline, '-', '--quiet', '--jobs', '1'],
    { input, maxBuffer: 1 << 30 }).toString('utf8');
  const byId = new Map();
  for (const line of out.split('\n').filter(Boolean)) {
    const d = JSON.parse(line);
    const cps = Array.from(d.text);
    byId.set(d.id, (d.layers.sentences || []).map((s) => cps.slice(s.start, s.end).join('')));
  }
  return texts.map((t, i) => byId.get('d' + i) || []);
}
if (process.env.NKPIPE) {
  const cache = new Map();
  tools.nkpipe = (t) => {
    if (!cache.has(t)) {
      const all = [];
      for (const lines of bodies.values()) all.push(...lines, lines.join('\n\n'));
      const res = nkpipeSentences(all);
      all.forEach((x, i) => cache.set(x, res[i]));
    }
    return cache.get(t) || [];
  };
}

function score(pred, want) {
  const bag = new Map();
  for (const s of want) bag.set(s, (bag.get(s) || 0) + 1);
  let hit = 0;
  for (const s of pred.map((x) => x.trim()).filter(Boolean)) {
    const n = bag.get(s) || 0;
    if (n > 0) { hit++; bag.set(s, n - 1); }
  }
  const missed = [...bag.entries()].filter(([, n]) => n > 0).map(([s]) => s);
  return { hit, predicted: pred.filter((x) => x.trim()).length, missed };
}

const verbose = process.env.NK_VERBOSE === '1';
for (const [name, fn] of Object.entries(tools)) {
  for (const mode of ['paragraphs', 'whole']) {
    let hit = 0, total = 0, predicted = 0;
    const misses = [];
    for (const [id, sents] of gold) {
      const lines = bodies.get(id) || [];
      const pred = mode === 'paragraphs' ? lines.flatMap((l) => fn(l)) : fn(lines.join('\n\n'));
      const r = score(pred, sents);
      hit += r.hit; total += sents.length; predicted += r.predicted;
      for (const m of r.missed) misses.push(`${id}: ${m.slice(0, 100)}`);
    }
    console.log(`${name.padEnd(9)} ${mode.padEnd(10)} exact ${hit}/${total}  (predicted ${predicted} sentences)`);
    if (verbose) for (const m of misses) console.log('   missed: ' + m);
  }
}
