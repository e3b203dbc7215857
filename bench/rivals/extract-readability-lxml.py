#!/usr/bin/python3
"""Main-content extraction with readability-lxml (Debian's python3-readability).

Usage: /usr/bin/python3 extract-readability-lxml.py HTML_DIR OUT_DIR
Writes OUT_DIR/NAME.txt per NAME.html (the summary's text, without the title, with a newline
after each block element so adjacent paragraphs' words stay apart)."""
import os
import sys

import lxml.html
from readability import Document

BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr",
          "td", "th", "figcaption", "section", "article", "br", "ul", "ol", "table"}


def to_text(fragment):
    root = lxml.html.fromstring(fragment)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in BLOCKS:
            el.tail = "\n" + (el.tail or "")
    return root.text_content()


def main():
    html_dir, out_dir = sys.argv[1:3]
    os.makedirs(out_dir, exist_ok=True)
    for fn in sorted(f for f in os.listdir(html_dir) if f.endswith(".html")):
        with open(os.path.join(html_dir, fn), "rb") as f:
            raw = f.read()
        try:
            doc = Document(raw)
            text = to_text(doc.summary(html_partial=True))
        except Exception as e:  # a rival's failure on one page is scored as empty output
            sys.stderr.write("%s: %s\n" % (fn, e))
            text = ""
        with open(os.path.join(out_dir, fn[:-5] + ".txt"), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
