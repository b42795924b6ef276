#!/usr/bin/env python3
"""Draw the held-out pages of the real French PDFs (heldout.json).

For every PDF in ../shared/pdfs/french (sorted by name) that has 3 or more
pages, draw pages uniformly among the pages NOT already in oracle.json, with
random.Random(20261208): 1 page per PDF, 2 distinct pages for the 8 PDFs with
the most pages (ties broken by name). That gives 33 pages; to come near the
40 pages aimed at, a top-up pass then continues with the same generator and
draws one more page (not in oracle.json, not drawn yet) for each of the next 7
PDFs by page count (ranks 9 to 15, ties broken by name): 40 pages in all.
Print "FILE<TAB>PAGE" lines (pages are 1-based), main pass first, then the
top-up pass. Page counts come from `pdfinfo`. PDFs with 1 or 2 pages are
skipped (all their pages are already in oracle.json).

Usage: python3 tests/real_pages/sample_heldout.py [PDF_DIR]
(PDF_DIR defaults to ../shared/pdfs/french next to the repository, i.e. /work/shared/pdfs/french.)
"""
import json
import os
import random
import sys

# The same folder and page counts as the development pages were drawn with.
from sample_pages import DEFAULT_DIR, page_count

SEED = 20261208
MIN_PAGES = 3
LONGEST = 8  # the 8 PDFs with the most pages get a second page
TOP_UP = 7  # then the next 7 PDFs by page count get a second page (top-up pass)
HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    pdf_dir = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DIR
    with open(os.path.join(HERE, "oracle.json"), encoding="utf-8") as f:
        taken = {(p["file"], p["page"]) for p in json.load(f)["pages"]}
    names = sorted(f for f in os.listdir(pdf_dir) if f.lower().endswith(".pdf"))
    counts = {name: page_count(os.path.join(pdf_dir, name)) for name in names}
    by_size = sorted(names, key=lambda n: (-counts[n], n))
    longest = set(by_size[:LONGEST])
    rng = random.Random(SEED)
    drawn = set()
    for name in names:
        n = counts[name]
        if n < MIN_PAGES:
            continue
        free = [p for p in range(1, n + 1) if (name, p) not in taken]
        k = min(2 if name in longest else 1, len(free))
        for p in sorted(rng.sample(free, k)):
            drawn.add((name, p))
            print(f"{name}\t{p}")
    # Top-up pass (after the main pass, so the main pass's pages do not change).
    top_up = set(by_size[LONGEST:LONGEST + TOP_UP])
    for name in names:
        if name not in top_up or counts[name] < MIN_PAGES:
            continue
        free = [p for p in range(1, counts[name] + 1)
                if (name, p) not in taken and (name, p) not in drawn]
        if free:
            p = rng.choice(free)
            drawn.add((name, p))
            print(f"{name}\t{p}")


if __name__ == "__main__":
    main()
