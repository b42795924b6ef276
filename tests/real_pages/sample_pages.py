#!/usr/bin/env python3
"""Draw the pages of the real French PDFs that the paragraph oracle covers.

For every PDF in ../shared/pdfs/french (sorted by name), draw 2 distinct pages
uniformly among its pages (1 page if the PDF has only 1 page) with
random.Random(20261207), and print "FILE<TAB>PAGE" lines (pages are 1-based).
The page count comes from `pdfinfo`.

Usage: python3 tests/real_pages/sample_pages.py [PDF_DIR]
(PDF_DIR defaults to ../shared/pdfs/french next to the repository, i.e. /work/shared/pdfs/french.)
"""
import os
import random
import subprocess
import sys

SEED = 20261207
DEFAULT_DIR = os.path.normpath(os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "pdfs", "french"))


def page_count(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise ValueError("no page count for " + path)


def main():
    pdf_dir = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DIR
    rng = random.Random(SEED)
    for name in sorted(f for f in os.listdir(pdf_dir) if f.lower().endswith(".pdf")):
        n = page_count(os.path.join(pdf_dir, name))
        k = min(2, n)
        for p in sorted(rng.sample(range(1, n + 1), k)):
            print(f"{name}\t{p}")


if __name__ == "__main__":
    main()
