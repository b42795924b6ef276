#!/usr/bin/env python3
"""The scans of the sample corpus: pages of built reports printed to images
(a slight blur, a small rotation, grain and dust), saved back as image-only
PDFs, each with an oracle derived from its source report's oracle.

    python3 corpus/build/scans.py             # every scan and its oracle
    python3 corpus/build/scans.py r10         # one scan
    python3 corpus/build/scans.py --oracles   # only the oracles (the PDFs stay)

build.py runs the same step after the reports (`build.py scan`). Needs
poppler-utils (pdftoppm, pdftotext, pdfinfo) and Pillow (with libtiff for the
bilevel scan's CCITT G4 images).

- r09: pages 1, 3, 4 and 5 of r01 (one column, cover, running header,
  "Page X / Y" footers), grey at 100 dpi, JPEG: a poor office scan.
- r10: pages 1 to 3 of r03 (two justified, hyphenated columns, coloured
  headings, footnotes), bilevel at 300 dpi, CCITT G4: a photocopier's scan.

The oracle keeps the source report's body paragraphs and list items that lie
on the scanned pages, their page renumbered in the scan, and drops (with a
warning) a paragraph that runs on to a page that is not scanned. It has no
designed coverage levels: the scan is compared with the text version of the
same pages (tests/it/ocr.rs).
"""
from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent
ORACLE = CORPUS / "oracle"
MAX_BYTES = 1_500_000


@dataclass
class Scan:
    id: str
    source: str       # the built report it is made from
    pages: list       # its pages that make the scan
    style: str        # "grey_jpeg" or "bilevel_g4"
    dpi: int
    seed: int


SCANS = [
    Scan("r09", "r01", [1, 3, 4, 5], "grey_jpeg", 100, 2023),
    Scan("r10", "r03", [1, 2, 3], "bilevel_g4", 300, 2024),
]


class ScanError(Exception):
    pass


def run(cmd) -> bytes:
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise ScanError(f"{' '.join(map(str, cmd))} failed: {r.stderr.decode(errors='replace')[-400:]}")
    return r.stdout


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u02bc", "'")
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", s)


def grey_jpeg_page(im, rng):
    """r09's recipe: blur, a rotation under one degree, grain, dust."""
    from PIL import Image, ImageFilter
    im = im.filter(ImageFilter.GaussianBlur(0.6))
    angle = rng.uniform(-0.9, 0.9) or 0.4
    im = im.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=248)
    w, h = im.size
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    im = Image.blend(im, noise, 0.07)
    px = im.load()
    for _ in range(400):  # dust
        x, y = rng.randrange(w), rng.randrange(h)
        v = rng.randrange(40, 140)
        for dx in range(rng.choice((1, 1, 2))):
            for dy in range(rng.choice((1, 1, 2))):
                if x + dx < w and y + dy < h:
                    px[x + dx, y + dy] = v
    return im.point(lambda v: min(255, int(v * 1.04)))  # paper a bit lighter


def bilevel_page(im, rng):
    """A photocopier: slight blur, a rotation under a degree, grain, then a
    threshold to black and white, black specks and a few broken strokes."""
    from PIL import Image, ImageFilter
    im = im.filter(ImageFilter.GaussianBlur(0.8))
    angle = rng.choice((-1, 1)) * rng.uniform(0.3, 0.8)
    im = im.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    w, h = im.size
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    im = Image.blend(im, noise, 0.12)
    im = im.point(lambda v: 0 if v < 150 else 255).convert("1", dither=Image.Dither.NONE)
    px = im.load()
    for _ in range(900):  # specks of toner
        x, y = rng.randrange(w), rng.randrange(h)
        size = rng.choice((1, 2, 2, 3, 4))
        for dx in range(size):
            for dy in range(size):
                if x + dx < w and y + dy < h:
                    px[x + dx, y + dy] = 0
    for _ in range(300):  # white dropouts
        x, y = rng.randrange(w), rng.randrange(h)
        for dx in range(2):
            if x + dx < w:
                px[x + dx, y] = 255
    return im


def build_scan(scan: Scan, tmp: Path) -> dict:
    from PIL import Image
    src = CORPUS / f"{scan.source}.pdf"
    if not src.exists():
        raise ScanError(f"{scan.id}: {src.name} must be built first")
    rng = random.Random(scan.seed)
    images = []
    for k, p in enumerate(scan.pages):
        stem = tmp / f"{scan.id}-{k}"
        run(["pdftoppm", "-gray", "-r", str(scan.dpi), "-f", str(p), "-l", str(p),
             "-singlefile", str(src), str(stem)])
        im = Image.open(f"{stem}.pgm").convert("L")
        page = grey_jpeg_page(im, rng) if scan.style == "grey_jpeg" else bilevel_page(im, rng)
        images.append(page)
    out = CORPUS / f"{scan.id}.pdf"
    options = {"quality": 50} if scan.style == "grey_jpeg" else {}
    images[0].save(out, "PDF", save_all=True, append_images=images[1:],
                   resolution=float(scan.dpi), title="Numérisation", **options)
    size = out.stat().st_size
    if size > MAX_BYTES:
        raise ScanError(f"{scan.id}: {out.name} is {size} bytes, over {MAX_BYTES}")
    if run(["pdftotext", str(out), "-"]).decode().strip():
        raise ScanError(f"{scan.id}: the scan PDF has a text layer")
    oracle = write_oracle(scan)
    return {"id": scan.id, "pages": len(images), "bytes": size,
            "from": f"{scan.source} pages {scan.pages}", "paragraphs": len(oracle["paragraphs"])}


def page_texts(pdf: Path) -> list:
    return run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"]).decode("utf-8").split("\f")


def write_oracle(scan: Scan) -> dict:
    source = json.loads((ORACLE / f"{scan.source}.json").read_text(encoding="utf-8"))
    texts = page_texts(CORPUS / f"{scan.source}.pdf")
    paragraphs = source["paragraphs"]
    kept = []
    for i, p in enumerate(paragraphs):
        if p["page"] not in scan.pages:
            continue
        following = paragraphs[i + 1]["page"] if i + 1 < len(paragraphs) else p["page"]
        spans = range(p["page"], following + 1)
        # It may run on to the next paragraph's page: complete when every
        # page up to there is scanned, or when its end is on its first page.
        ends_here = norm(p["text"])[-25:] in norm(texts[p["page"] - 1])
        if not ends_here and not all(q in scan.pages for q in spans):
            print(f"warning: {scan.id}: left out, runs on to a page not scanned: "
                  f"{p['text'][:60]}", file=sys.stderr)
            continue
        kept.append({**p, "page": scan.pages.index(p["page"]) + 1})
    oracle = {
        "id": scan.id,
        "status": "ok",
        "ocr": True,
        "source": scan.source,
        "source_pages": scan.pages,
        "layout": source.get("layout"),
        "pages": len(scan.pages),
        "paragraphs": kept,
    }
    ORACLE.mkdir(exist_ok=True)
    (ORACLE / f"{scan.id}.json").write_text(
        json.dumps(oracle, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return oracle


def build_scans(tmp: Path, ids=None) -> list:
    return [build_scan(s, tmp) for s in SCANS if ids is None or s.id in ids]


def main(argv):
    args = argv[1:]
    if "--oracles" in args:
        for scan in SCANS:
            oracle = write_oracle(scan)
            print(json.dumps({"id": scan.id, "paragraphs": len(oracle["paragraphs"])}))
        return 0
    with tempfile.TemporaryDirectory(prefix="evalmine-scans-") as t:
        for info in build_scans(Path(t), args or None):
            print(json.dumps(info, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except ScanError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
