#!/usr/bin/env python3
"""Build the cover test set of evalmine's report metadata reader.

    python3 tests/covers/build.py          # every tests/covers/src/*.txt
    python3 tests/covers/build.py t03 d07  # only these

Each source tests/covers/src/<id>.txt is an imagined evaluation report
(written for this set, not taken from a real one): its cover, a few pages
and often a colophon, with the true metadata in its header. This writes
tests/covers/<id>.pdf (HTML -> LibreOffice headless -> PDF) and
tests/covers/oracle.csv (one row per report, all sources, sorted).

Source format:
    % split: test | test2 | test3 | dev
                                 test: written first, never looked at while tuning;
                                 test2: written after a first round of tuning
                                 (when the test half had been measured), then
                                 never looked at either; test3: written by a
                                 writer who read neither the rules nor the
                                 other covers, measured once (oracle_t3.csv)
    % title: ...                 the cover's main title
    % territory: ...             as the report designates it
    % territory_kind: commune | communaute_agglomeration | communaute_communes |
                      communaute_urbaine | metropole | ept | epci   (empty: not said)
    % departement: 93            code; empty when the text does not allow it
    % year: 2022                 year of the report; empty when the text does not say
    % period: 2015-2022          contract period (prolongation applied); empty if not said
    % evaluator: ...             a consultancy or service named; empty if none
    % modalite: externe | interne | mixte   empty when the text never tells
    % layout: portrait | slides
    % font: Liberation Sans      optional
Body lines:
    !t text      cover title (big, bold)        !s text   cover subtitle
    !p text      cover line                     !l text   logo text (small, caps as written)
    # text       heading                        ## text   sub-heading
    =page        page break                     other     a paragraph
Needs: LibreOffice (soffice), Python 3 standard library.
"""
from __future__ import annotations

import csv
import html
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
FIELDS = ["title", "territory", "territory_kind", "departement", "year", "period",
          "evaluator", "modalite"]
KNOWN = FIELDS + ["split", "layout", "font"]


class SourceError(Exception):
    pass


def parse(path: Path) -> tuple[dict, list[tuple[str, str]]]:
    head: dict[str, str] = {}
    body: list[tuple[str, str]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.rstrip()
        if not line:
            continue
        if line.startswith("% "):
            key, _, value = line[2:].partition(":")
            key = key.strip()
            if key not in KNOWN:
                raise SourceError(f"{path}:{n}: unknown key {key!r}")
            head[key] = value.strip()
        elif line == "=page":
            body.append(("page", ""))
        elif line[:3] in ("!t ", "!s ", "!p ", "!l "):
            body.append((line[1], line[3:]))
        elif line.startswith("## "):
            body.append(("h2", line[3:]))
        elif line.startswith("# "):
            body.append(("h1", line[2:]))
        else:
            body.append(("para", line))
    for key in FIELDS + ["split", "layout"]:
        if key not in head:
            raise SourceError(f"{path}: missing header `% {key}:`")
    if head["split"] not in ("test", "test2", "test3", "dev"):
        raise SourceError(f"{path}: split must be test, test2, test3 or dev")
    if head["modalite"] not in ("", "externe", "interne", "mixte"):
        raise SourceError(f"{path}: bad modalite {head['modalite']!r}")
    return head, body


def to_html(head: dict, body: list[tuple[str, str]]) -> str:
    slides = head["layout"] == "slides"
    size = "25.4cm 14.29cm" if slides else "21cm 29.7cm"
    font = head.get("font") or ("Carlito" if slides else "Liberation Serif")
    out = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>",
        f"@page {{ size: {size}; margin: 2cm }}",
        f"body {{ font-family: '{font}'; font-size: 11pt }}",
        ".t { font-size: 26pt; font-weight: bold; margin-top: 3cm }",
        ".s { font-size: 16pt } .p { font-size: 12pt } .l { font-size: 9pt; text-align: right }",
        "h1 { font-size: 16pt } h2 { font-size: 13pt } .pb { page-break-before: always }",
        "</style></head><body>",
    ]
    pending_break = False
    for kind, text in body:
        if kind == "page":
            pending_break = True
            continue
        cls = " class='pb'" if pending_break else ""
        pending_break = False
        esc = html.escape(text)
        if kind in ("t", "s", "p", "l"):
            extra = " pb" if cls else ""
            out.append(f"<p class='{kind}{extra}'>{esc}</p>")
        elif kind == "h1":
            out.append(f"<h1{cls}>{esc}</h1>")
        elif kind == "h2":
            out.append(f"<h2{cls}>{esc}</h2>")
        else:
            out.append(f"<p{cls}>{esc}</p>")
    out.append("</body></html>")
    return "\n".join(out)


def build(ids: list[str]) -> None:
    sources = sorted(SRC.glob("*.txt"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in sources:
            head, body = parse(path)
            doc_id = path.stem
            rows.append({"doc_id": doc_id, "split": head["split"],
                         **{f: head[f] for f in FIELDS}})
            if ids and doc_id not in ids:
                continue
            page = Path(tmp) / f"{doc_id}.html"
            page.write_text(to_html(head, body), encoding="utf-8")
            subprocess.run(["soffice", "--headless", "--convert-to", "pdf:writer_pdf_Export",
                            "--outdir", tmp, str(page)], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            (Path(tmp) / f"{doc_id}.pdf").replace(HERE / f"{doc_id}.pdf")
            print(f"built {doc_id}.pdf")
    # The third held-out half (test3, written blind to the rules and to the
    # other covers) keeps an oracle file of its own, with `test` as split
    # (the accuracy test names the half).
    for name, part in [("oracle.csv", [r for r in rows if r["split"] != "test3"]),
                       ("oracle_t3.csv", [{**r, "split": "test"} for r in rows
                                          if r["split"] == "test3"])]:
        with open(HERE / name, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=["doc_id", "split"] + FIELDS, delimiter=";")
            writer.writeheader()
            writer.writerows(part)
        print(f"{name}: {len(part)} reports")


if __name__ == "__main__":
    try:
        build(sys.argv[1:])
    except SourceError as e:
        sys.exit(f"error: {e}")
