// extract-readability.js — main-content extraction with @mozilla/readability on jsdom.
// Usage: node extract-readability.js HTML_DIR OUT_DIR
// Writes OUT_DIR/NAME.txt per NAME.html; the URL comes from NAME.json when present.
// Block elements are separated by newlines before taking the text, so words of adjacent
// paragraphs are not glued together (textContent alone would glue "end.</p><p>Next").
'use strict';
const fs = require('fs');
const path = require('path');
const RIVALS = process.env.NK_RIVALS || '/work/rivals';
const req = require('module').createRequire(path.join(RIVALS, 'package.json'));
const { JSDOM, VirtualConsole } = req('jsdom');
const { Readability } = req('@mozilla/readability');

const [htmlDir, outDir] = process.argv.slice(2);
fs.mkdirSync(outDir, { recursive: true });
const quiet = new VirtualConsole();
const BLOCK = /<\/(p|div|h[1-6]|li|blockquote|pre|tr|td|th|figcaption|section|article|header|footer|ul|ol|table)>|<br\s*\/?>/gi;

for (const fn of fs.readdirSync(htmlDir).filter((f) => f.endsWith('.html')).sort()) {
  const base = fn.slice(0, -5);
  const metaFile = path.join(htmlDir, base + '.json');
  const url = fs.existsSync(metaFile) ? JSON.parse(fs.readFileSync(metaFile, 'utf8')).url : 'https://example.com/';
  let text = '';
  try {
    const dom = new JSDOM(fs.readFileSync(path.join(htmlDir, fn)), { url, virtualConsole: quiet });
    const art = new Readability(dom.window.document).parse();
    if (art && art.content) {
      const frag = new JSDOM(art.content.replace(BLOCK, (m) => m + '\n'), { virtualConsole: quiet });
      text = frag.window.document.body.textContent;
    }
  } catch (e) {
    process.stderr.write(`${fn}: ${e.message}\n`);
  }
  fs.writeFileSync(path.join(outDir, base + '.txt'), text);
}
