// speed.js — throughput of rival JS NLP libraries on a slice of a JSONL benchmark corpus.
// Usage: node speed.js CORPUS.jsonl TOOL [MB]
//   TOOL: wink (sentences + tokens + entities), compromise (sentences + terms + people/places/
//   organizations), sbd (sentences only), vader (vader-sentiment polarity_scores per sentence; sentences pre-split
//   with a simple regex outside the timed part)
//   MB:   how much of the corpus to read (default 20; documents are taken whole)
// Times only the processing (model load and JSON parsing are reported apart), one thread,
// and prints MB/s of document text (UTF-8 bytes).
'use strict';
const fs = require('fs');
const path = require('path');
const RIVALS = process.env.NK_RIVALS || '/work/rivals';
const req = require('module').createRequire(path.join(RIVALS, 'package.json'));

const [corpus, tool, mbArg] = process.argv.slice(2);
const limit = (Number(mbArg) || 20) * 1e6;

const t0 = process.hrtime.bigint();
const texts = [];
let bytes = 0;
for (const line of fs.readFileSync(corpus, 'utf8').split('\n')) {
  if (!line) continue;
  const t = JSON.parse(line).text;
  texts.push(t);
  bytes += Buffer.byteLength(t);
  if (bytes >= limit) break;
}
const t1 = process.hrtime.bigint();

let run;
let checksum = 0;
if (tool === 'wink') {
  const nlp = req('wink-nlp')(req('wink-eng-lite-web-model'));
  run = (t) => {
    const doc = nlp.readDoc(t);
    checksum += doc.sentences().out().length + doc.tokens().out().length + doc.entities().out().length;
  };
} else if (tool === 'compromise') {
  const nlp = req('compromise');
  run = (t) => {
    const doc = nlp(t);
    checksum += doc.sentences().out('array').length + doc.terms().out('array').length
      + doc.people().out('array').length + doc.places().out('array').length
      + doc.organizations().out('array').length;
  };
} else if (tool === 'sbd') {
  const sbd = req('sbd');
  run = (t) => { checksum += sbd.sentences(t, { newline_boundaries: true }).length; };
} else if (tool === 'vader') {
  const vader = req('vader-sentiment');
  const split = texts.map((t) => t.split(/(?<=[.!?][”"’]?)\s+/));
  let i = 0;
  run = () => {
    for (const s of split[i++]) checksum += vader.SentimentIntensityAnalyzer.polarity_scores(s).compound;
  };
} else {
  console.error('speed.js: TOOL is wink, compromise, sbd or vader');
  process.exit(2);
}
const t2 = process.hrtime.bigint();
for (const t of texts) run(t);
const t3 = process.hrtime.bigint();

const s = (a, b) => Number(b - a) / 1e9;
console.log(`${tool}: ${texts.length} docs, ${(bytes / 1e6).toFixed(1)} MB text, read+JSON ${s(t0, t1).toFixed(2)} s, ` +
  `load ${s(t1, t2).toFixed(2)} s, process ${s(t2, t3).toFixed(2)} s = ${(bytes / 1e6 / s(t2, t3)).toFixed(2)} MB/s ` +
  `(checksum ${Math.round(checksum)})`);
