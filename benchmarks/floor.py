"""What extract() costs before any part's own logic runs: the parse and the page-wide walks.

Usage: python benchmarks/floor.py DIR [--repeat N]

DIR holds saved pages (*.html or *.html.gz). Printed per page, in CPU milliseconds (the best
of N passes): parsing (`parse_document`), each selector walk over the whole page that
`extract()` makes on every page, the same walks where the parts make them only on some pages
or only in a part of the tree (timed here over all of <body>, so an upper bound), whole
`extract()`, and trafilatura's `extract()` on the same pages in the same run.

The floor, parse plus the walks made on every page, is what no change to the parts' Python
can take away: it bounds how many times faster than trafilatura `extract()` can be with this
parser and these walks. (Each walk returns its nodes, as the parts use them.)
"""
from __future__ import annotations

import argparse
from pathlib import Path

from selectolax.lexbor import LexborNode

from scraper.extract import extract
from scraper.extract._index import _MARKS, NAMED
from scraper.extract._markup import name_attributes
from scraper.extract.body import _PROSE
from scraper.extract.document import parse_document
from scraper.extract.furniture import CANDIDATES, RARE_CANDIDATE_ATTRIBUTES
from scraper.extract.metadata import _METADATA_NODES
from scraper.extract.share import _COPY_SOURCES

from parts_speed import best_ms_per_item, load  # (a sibling script: pages read, timed alike)

URL = "https://bench.example/article/"
# (name, selector, where it starts): made on every page.
EVERY_PAGE = (
    ("shared index (headline, links, forms, JSON-LD)", f"{_MARKS}, {NAMED}", "root"),
    ("body: prose", _PROSE, "body"),
    ("share: copy boxes", _COPY_SOURCES, "root"),
)
# Made on some pages, or in a part of the page: timed over all of <body>.
AT_MOST = (
    ("body: furniture (in the chosen container)", CANDIDATES, "body"),
    ("metadata: <body> (when the head lacks an author or date)", _METADATA_NODES, "body"),
)


def walk_ms(roots: list[LexborNode], selector: str, repeat: int) -> float:
    return best_ms_per_item(lambda root: root.css(selector), roots, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    pages = load(args.folder)
    if not pages:
        raise SystemExit(f"no .html or .html.gz pages in {args.folder}")
    count, repeat = len(pages), args.repeat
    print(f"{count} pages, {sum(map(len, pages)) / count / 1000:.0f} kB of HTML on average; "
          f"CPU ms a page, best of {repeat}")
    parse = best_ms_per_item(lambda page: parse_document(page, URL), pages, repeat)
    print(f"  {'parse':<58} {parse:6.3f}")
    trees = [parse_document(page, URL).tree for page in pages]
    for tree in trees:  # as the parts do before their walks: the index, share's copy boxes, the body
        name_attributes(tree, ("itemprop", "data-clipboard-text", "data-url",
                               *RARE_CANDIDATE_ATTRIBUTES))
    roots = {"root": [tree.root for tree in trees if tree.root is not None],
             "body": [tree.body for tree in trees if tree.body is not None]}
    floor = parse
    for name, selector, where in EVERY_PAGE:
        ms = walk_ms(roots[where], selector, repeat)
        floor += ms
        print(f"  {name:<58} {ms:6.3f}")
    print(f"  {'floor: parse and the walks made on every page':<58} {floor:6.3f}")
    for name, selector, where in AT_MOST:
        print(f"  {name:<58} {walk_ms(roots[where], selector, repeat):6.3f}  (at most)")
    whole = best_ms_per_item(lambda page: extract(page, URL), pages, max(1, repeat // 2))
    print(f"extract() as a whole {whole:6.3f}: {whole - floor:.3f} above the floor")
    try:
        import trafilatura
    except ImportError:
        print("trafilatura is not installed (pip install -e '.[bench]'): no baseline")
        return
    theirs = best_ms_per_item(lambda page: trafilatura.extract(page, url=URL), pages, 2)
    print(f"trafilatura.extract() {theirs:6.3f}: extract() is {theirs / whole:.1f}x faster; "
          f"the floor alone would be {theirs / floor:.1f}x")


if __name__ == "__main__":
    main()
