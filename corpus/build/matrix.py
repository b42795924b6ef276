#!/usr/bin/env python3
"""The layout matrix: the sample reports in many typographic styles (issue 11).

Packages (Debian; apt-get update first):
    libreoffice-writer-nogui (or libreoffice-writer), poppler-utils, hyphen-fr,
    fonts-liberation, fonts-linuxlibertine, fonts-crosextra-carlito,
    fonts-crosextra-caladea, fonts-dejavu-core, python3-reportlab
    (or `pip install reportlab` for a Python other than Debian's: the script
    also looks in /usr/lib/python3/dist-packages).

    python3 corpus/build/matrix.py --out DIR          # full matrix: DIR/<style>/<report>.pdf + .json
    python3 corpus/build/matrix.py --subset tests/layout_matrix
                                                      # one report per style, committed, with README.md
    python3 corpus/build/matrix.py --measure DIR      # run the release evalmine on DIR/<style>, score it
    python3 corpus/build/matrix.py --list             # the styles and their parameters
  options: --styles a,b  --reports r01,r03  --jobs N  --show N (misses printed per style with --measure)

Each source corpus/src/rNN.txt (not the slide decks) is rendered in every
style of STYLES.  LibreOffice styles go through corpus/build/build.py: its
Writer (Flat ODT), Converter, page finding (locate) and oracle writing
(build_report) are reused; StyleWriter only changes the paragraph, heading,
header and footer styles, the page geometry and the fonts.  The reportlab
styles lay the same blocks out with reportlab's platypus (another producer:
one text object per line, words placed one by one in justified lines, bullets
drawn apart) and are located and written by the same build_report.

Oracles have the shape of corpus/oracle/rNN.json (pages, paragraphs with
text, page, heading, kind, themes, polarity); "layout" is the style name and
"style" / "producer" say how the PDF was made.  A heading set run-in (bold at
the start of its first paragraph) stays a heading in the oracle: the
paragraph's text is what follows it, its heading field the run-in text.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build  # noqa: E402  (corpus/build/build.py)

REPO = build.CORPUS.parent
REPORTS = ["r01", "r02", "r03", "r05", "r06", "r07"]   # every source that is not a slide deck
SUBSET_MAX_BYTES = 3_000_000


# ---------------------------------------------------------------------------
# Styles

@dataclass(frozen=True)
class Style:
    name: str
    font: str
    size: float                    # body font size, pt
    align: str = "start"           # start (ragged) | justify
    hyphenate: bool = False
    space: float = 6.0             # space after a paragraph, pt
    indent: float = 0.0            # first-line indent, cm
    indent_after_heading: bool = False  # first paragraph after a heading indented too
    line: float = 1.15             # proportional line spacing
    margins: tuple = (2.0, 1.8, 2.5, 2.2)  # top, bottom, left, right (cm)
    columns: int = 1
    gap: float = 0.7               # column gap, cm
    headings: str = "size"         # size | size_regular | bold | smallcaps | runin | number
    header: str = "rule_left"      # rule_left | center | split | number_right | none
    footer: str = "page_x_of_y"    # page_x_of_y | dash | number_right | number_center | x_of_y | text_number | mirrored | none
    notes: str = "foot"            # foot | end (endnotes on a last page)
    producer: str = "libreoffice"  # libreoffice | reportlab

    def describe(self) -> str:
        parts = [f"{self.producer}", f"{self.font} {self.size:g} pt",
                 "justified" if self.align == "justify" else "ragged right",
                 "hyphenated" if self.hyphenate else "no hyphenation",
                 f"paragraph spacing {self.space:g} pt"]
        if self.indent:
            parts.append(f"first-line indent {self.indent:g} cm"
                         + ("" if self.indent_after_heading else " (not after headings)"))
        else:
            parts.append("no indent")
        parts += [f"line spacing {self.line:g}",
                  "margins {:g}/{:g}/{:g}/{:g} cm (top/bottom/left/right)".format(*self.margins),
                  f"{self.columns} column" + ("s" if self.columns > 1 else ""),
                  f"headings: {HEADING_DESC[self.headings]}",
                  f"header: {HEADER_DESC[self.header]}", f"footer: {FOOTER_DESC[self.footer]}",
                  "footnotes" if self.notes == "foot" else "endnotes"]
        return ", ".join(parts)


HEADING_DESC = {
    "size": "bigger bold coloured font",
    "size_regular": "bigger font, regular weight",
    "bold": "bold only, body size",
    "smallcaps": "small capitals (level 1 bold), level 3 italic",
    "runin": "level 1 bold display; levels 2-3 bold run-in at the start of their first paragraph",
    "number": "numbering only, body size and weight",
}
HEADER_DESC = {
    "rule_left": "running text left, italic, rule below",
    "center": "running text centred, small",
    "split": "territory left, 'Rapport d'évaluation YEAR' right",
    "number_right": "territory left, page number right",
    "none": "none",
}
FOOTER_DESC = {
    "page_x_of_y": "'Page 3 / 14' right",
    "dash": "'- 3 -' centred",
    "number_right": "'3' right",
    "number_center": "'3' centred",
    "x_of_y": "'3/14' centred",
    "text_number": "'Rapport d'évaluation YEAR' left, '3' right",
    "mirrored": "'3' at the outer edge (right on odd pages, left on even)",
    "none": "none",
}

NARROW = (1.3, 1.2, 1.5, 1.5)
NORMAL = (2.0, 1.8, 2.5, 2.2)
WIDE = (3.0, 3.0, 3.8, 3.8)

STYLES = [
    Style("word_sans_6pt", "Liberation Sans", 11, space=6, line=1.15, headings="size",
          header="rule_left", footer="page_x_of_y"),
    Style("book_indent", "Linux Libertine O", 11, align="justify", hyphenate=True, space=0,
          indent=0.6, line=1.0, margins=(2.5, 2.5, 3.0, 3.0), headings="size_regular",
          header="center", footer="number_center"),
    Style("justified_2pt", "Liberation Serif", 10.5, align="justify", hyphenate=True, space=2,
          line=1.05, margins=(1.5, 1.5, 1.8, 1.8), headings="bold", header="rule_left",
          footer="dash"),
    Style("justified_3pt_nohyph", "Carlito", 11, align="justify", space=3, line=1.1,
          headings="smallcaps", header="split", footer="number_right"),
    Style("justified_4pt_indent", "Caladea", 11, align="justify", hyphenate=True, space=4,
          indent=0.5, line=1.15, headings="size", header="none", footer="text_number"),
    Style("airy_sans_9pt", "DejaVu Sans", 9, space=12, line=1.5, margins=WIDE,
          headings="size_regular", header="center", footer="x_of_y"),
    Style("serif_12pt_wide_endnotes", "Liberation Serif", 12, space=10, line=1.3,
          margins=(3.0, 3.0, 3.5, 3.5), headings="bold", header="rule_left",
          footer="page_x_of_y", notes="end"),
    Style("dense_9pt_numbered", "Carlito", 9, align="justify", hyphenate=True, space=2,
          line=1.0, margins=NARROW, headings="number", header="number_right", footer="none"),
    Style("two_col_hyph", "Liberation Serif", 10, align="justify", hyphenate=True, space=3,
          line=1.05, margins=(1.6, 1.4, 1.9, 1.9), columns=2, headings="size",
          header="rule_left", footer="number_center"),
    Style("two_col_indent_nohyph", "Caladea", 10, align="justify", space=0, indent=0.4,
          line=1.0, margins=(1.8, 1.6, 2.0, 2.0), columns=2, gap=0.8, headings="bold",
          header="split", footer="mirrored"),
    Style("two_col_ragged_sans", "Liberation Sans", 9, space=6, line=1.15, margins=NARROW,
          columns=2, gap=0.6, headings="smallcaps", header="center", footer="dash"),
    Style("runin_serif_12pt", "Caladea", 12, align="justify", hyphenate=True, space=6,
          line=1.2, headings="runin", header="rule_left", footer="number_right"),
    Style("runin_indent", "Linux Libertine O", 10, align="justify", hyphenate=True, space=0,
          indent=0.5, indent_after_heading=True, line=1.1, headings="runin", header="center",
          footer="dash"),
    Style("numbered_plain_sans", "Liberation Sans", 10, space=8, line=1.2, headings="number",
          header="rule_left", footer="page_x_of_y"),
    Style("numbered_indent", "Linux Biolinum O", 11, align="justify", hyphenate=True, space=0,
          indent=1.0, line=1.15, headings="number", header="none", footer="number_center"),
    Style("smallcaps_libertine_12pt", "Linux Libertine O", 12, space=4, line=1.4,
          margins=(2.5, 2.2, 3.0, 2.5), headings="smallcaps", header="split",
          footer="mirrored"),
    Style("rl_sans_ragged", "Liberation Sans", 10, space=6, line=1.2, headings="size",
          header="rule_left", footer="page_x_of_y", notes="end", producer="reportlab"),
    Style("rl_serif_justified_indent", "Liberation Serif", 11, align="justify", space=0,
          indent=0.5, line=1.15, headings="bold", header="center", footer="dash", notes="end",
          producer="reportlab"),
    Style("rl_two_columns", "Caladea", 10, align="justify", space=3, line=1.1,
          margins=(1.8, 1.6, 2.0, 2.0), columns=2, headings="size", header="none",
          footer="number_center", notes="end", producer="reportlab"),
]
BY_NAME = {s.name: s for s in STYLES}


# ---------------------------------------------------------------------------
# Shared by both producers

def footer_text(st: Style, meta: dict, page_field: str, total_field: str) -> tuple:
    """(left, centre, right) parts of the footer, with the page fields given."""
    year = meta["year"]
    return {
        "page_x_of_y": ("", "", f"Page {page_field} / {total_field}"),
        "dash": ("", f"- {page_field} -", ""),
        "number_right": ("", "", page_field),
        "number_center": ("", page_field, ""),
        "x_of_y": ("", f"{page_field}/{total_field}", ""),
        "text_number": (f"Rapport d’évaluation {year}", "", page_field),
        "mirrored": ("", "", page_field),
        "none": ("", "", ""),
    }[st.footer]


def header_text(st: Style, meta: dict, page_field: str) -> tuple:
    running = meta.get("header") or meta["title"]
    return {
        "rule_left": (running, "", ""),
        "center": ("", running, ""),
        "split": (meta["territory"], "", f"Rapport d’évaluation {meta['year']}"),
        "number_right": (meta["territory"], "", page_field),
        "none": ("", "", ""),
    }[st.header]


def check_page_numbers(st: Style, rep, pdf: Path, first: int):
    """Every page from the first body page carries its number where the style puts it."""
    pages = build.pdf_pages(pdf, "-layout")   # the default mode may join a number to a line
    n = len(pages)
    for p in range(first, n + 1):
        text = pages[p - 1]
        if st.footer == "page_x_of_y":
            pat = rf"Page\s*{p}\s*/\s*{n}"
        elif st.footer == "x_of_y":
            pat = rf"(^|\s){p}\s*/\s*{n}(\s|$)"
        elif st.footer == "dash":
            pat = rf"-\s*{p}\s*-"
        elif st.footer != "none" or st.header == "number_right":
            pat = rf"(^|\s){p}\s*$"
        else:
            continue
        if not re.search(pat, text, re.M):
            raise build.BuildError(f"{rep.path.name} [{st.name}]: page {p} lacks its number")


# ---------------------------------------------------------------------------
# LibreOffice: build.Writer with other styles

def replace_style(xml: str, name: str, new: str) -> str:
    pat = re.compile(rf'<style:style style:name="{re.escape(name)}" .*?</style:style>', re.S)
    out, n = pat.subn(lambda m: new, xml, count=1)
    if n != 1:
        raise build.BuildError(f"style {name} not found in build.Writer's styles")
    return out


def tabbed(parts: tuple, inline) -> str:
    """One part alone is aligned by the paragraph; two or three go to the tab stops."""
    left, centre, right = parts
    if sum(1 for x in parts if x) == 1:
        return inline(left or centre or right)
    return inline(left) + "<text:tab/>" + inline(centre) + "<text:tab/>" + inline(right)


class StyleWriter(build.Writer):
    def __init__(self, rep, toc_pages, st: Style):
        super().__init__(rep, toc_pages)
        self.st = st
        self.font = st.font
        top, bottom, left, right = st.margins
        self.g = build.Geometry(21.0, 29.7, top, bottom, left, right, columns=st.columns,
                                gap=st.gap, font_size=st.size, line_height=f"{round(st.line * 100)}%")
        self.after_heading = False
        self.runin = None
        self.runin_lines = set()
        if st.headings == "runin":
            bl = rep.blocks
            self.runin_lines = {b.line for i, b in enumerate(bl)
                                if b.kind == "heading" and b.level >= 2
                                and i + 1 < len(bl) and bl[i + 1].kind == "para"}

    # -- blocks
    def inline(self, text: str) -> str:
        out = super().inline(text)
        if self.st.notes == "end":
            out = out.replace('text:note-class="footnote"', 'text:note-class="endnote"')
        return out

    def heading(self, b):
        if b.line in self.runin_lines:
            self.runin = b          # written by the paragraph that follows
            return
        super().heading(b)
        self.after_heading = True

    def para(self, b):
        first = self.after_heading or self.runin is not None
        base = "BodyFirst" if first and self.st.indent and not self.st.indent_after_heading else "Body"
        st = self.para_style(base)
        lead = ""
        if self.runin is not None:
            h, self.runin = self.runin, None
            stop = "" if re.search(r"[.:!?]$", h.text) else "."
            lead = (f'<text:span text:style-name="RunIn{min(h.level, 3)}">'
                    f'{self.inline(h.text)}{stop} </text:span>')
        self.body.append(f'<text:p text:style-name="{st}">{lead}{self.inline(b.text)}</text:p>')
        self.after_heading = False

    def bullets(self, items):
        self.after_heading = False
        super().bullets(items)

    def numbered(self, b):
        self.after_heading = False
        super().numbered(b)

    def table(self, b):
        self.after_heading = False
        super().table(b)

    # -- styles
    def styles(self) -> str:
        st, fs = self.st, self.st.size
        s = super().styles()
        hy = ('fo:hyphenate="true" fo:hyphenation-remain-char-count="2" '
              'fo:hyphenation-push-char-count="3"') if st.hyphenate else 'fo:hyphenate="false"'
        lang = 'fo:language="fr" fo:country="FR"'
        s, n = re.subn(r'<style:default-style style:family="paragraph">.*?</style:default-style>',
                       lambda m: f'''<style:default-style style:family="paragraph">
<style:paragraph-properties fo:orphans="2" fo:widows="2" style:writing-mode="lr-tb" style:tab-stop-distance="1.25cm"/>
<style:text-properties style:font-name="{self.font}" fo:font-size="{fs:g}pt" {lang} {hy} style:letter-kerning="true"/>
</style:default-style>''', s, count=1, flags=re.S)
        assert n == 1
        align = "justify" if st.align == "justify" else "start"
        last = ' fo:text-align-last="start"' if align == "justify" else ""
        lh = f"{round(st.line * 100)}%"
        s = replace_style(s, "Body", f'''<style:style style:name="Body" style:family="paragraph" style:parent-style-name="Standard" style:class="text">
<style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="{st.space:g}pt" fo:line-height="{lh}" fo:text-align="{align}"{last} fo:text-indent="{st.indent:g}cm" fo:orphans="2" fo:widows="2"/>
</style:style>
<style:style style:name="BodyFirst" style:family="paragraph" style:parent-style-name="Body" style:class="text">
<style:paragraph-properties fo:text-indent="0cm"/>
</style:style>''')
        list_space = min(st.space, 4.0)
        s = replace_style(s, "ListBullet", f'''<style:style style:name="ListBullet" style:family="paragraph" style:parent-style-name="Body" style:list-style-name="LBullet">
<style:paragraph-properties fo:margin-bottom="{list_space:g}pt" fo:margin-left="0.9cm" fo:text-indent="-0.6cm"/>
</style:style>''')
        s = replace_style(s, "ListNumber", f'''<style:style style:name="ListNumber" style:family="paragraph" style:parent-style-name="Body">
<style:paragraph-properties fo:margin-left="0.9cm" fo:text-indent="-0.6cm" fo:margin-bottom="{list_space:g}pt">
<style:tab-stops><style:tab-stop style:position="0cm"/></style:tab-stops>
</style:paragraph-properties>
</style:style>''')
        for lvl in (1, 2, 3):
            s = replace_style(s, f"H{lvl}", self.heading_style(lvl))
        small = max(fs * 0.8, 7.5)
        s = replace_style(s, "Footnote", f'''<style:style style:name="Footnote" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">
<style:paragraph-properties fo:margin-left="0.4cm" fo:text-indent="-0.4cm" fo:margin-bottom="0.05cm" fo:text-align="start"/>
<style:text-properties fo:font-size="{small:.1f}pt" fo:hyphenate="false"/>
</style:style>''')
        tab = f'<style:tab-stops><style:tab-stop style:position="{build.cm(self.g.text_width / 2)}" style:type="center"/><style:tab-stop style:position="{build.cm(self.g.text_width - 0.02)}" style:type="right"/></style:tab-stops>'
        hsize = max(min(fs * 0.85, 9.5), 7.5)
        rule = (' fo:border-bottom="0.06pt solid #808080" fo:padding-bottom="0.08cm"'
                if st.header == "rule_left" else "")
        hital = ' fo:font-style="italic"' if st.header in ("rule_left", "center") else ""
        halign = "center" if st.header == "center" else "start"
        s = replace_style(s, "Header", f'''<style:style style:name="Header" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">
<style:paragraph-properties fo:text-align="{halign}"{rule}>{tab}</style:paragraph-properties>
<style:text-properties fo:font-size="{hsize:.1f}pt"{hital} fo:color="#555555" fo:hyphenate="false"/>
</style:style>''')
        falign = {"page_x_of_y": "end", "number_right": "end", "mirrored": "end",
                  "dash": "center", "number_center": "center", "x_of_y": "center"}.get(st.footer, "start")
        s = replace_style(s, "Footer", f'''<style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">
<style:paragraph-properties fo:text-align="{falign}">{tab}</style:paragraph-properties>
<style:text-properties fo:font-size="{max(min(fs * 0.9, 10), 8):.1f}pt" fo:color="#404040" fo:hyphenate="false"/>
</style:style>
<style:style style:name="FooterLeft" style:family="paragraph" style:parent-style-name="Footer" style:class="extra">
<style:paragraph-properties fo:text-align="start"/>
</style:style>''')
        s += f'''
<style:style style:name="RunIn2" style:family="text"><style:text-properties fo:font-weight="bold" fo:color="{build.ACCENT}"/></style:style>
<style:style style:name="RunIn3" style:family="text"><style:text-properties fo:font-weight="bold" fo:font-style="italic"/></style:style>
<text:notes-configuration text:note-class="endnote" text:citation-style-name="FootnoteAnchor" text:citation-body-style-name="FootnoteSymbol" style:num-format="1" text:start-numbering-at="document" text:master-page-name="Endnote"/>'''
        return s

    def heading_style(self, lvl: int) -> str:
        st, fs = self.st, self.st.size
        color, weight, italic, variant = build.ACCENT, "bold", lvl == 3, ""
        before, after = (14, 10, 8)[lvl - 1], (6, 4, 3)[lvl - 1]
        if st.headings == "size":
            size = fs * (1.45, 1.2, 1.05)[lvl - 1]
        elif st.headings == "size_regular":
            size, weight, color = fs * (1.7, 1.35, 1.12)[lvl - 1], "normal", "#222222"
        elif st.headings == "bold":
            size, color = fs, "#000000"
        elif st.headings == "smallcaps":
            size = fs * (1.2, 1.05, 1.0)[lvl - 1]
            weight = "bold" if lvl == 1 else "normal"
            variant = "" if lvl == 3 else ' fo:font-variant="small-caps"'
        elif st.headings == "runin":
            size, color = fs * (1.1, 1.0, 1.0)[lvl - 1], "#000000"
        else:  # number: set like the body, told apart by its number only
            size, weight, italic, color = fs, "normal", False, "#000000"
            before, after = max(st.space, 4), st.space
        ital = ' fo:font-style="italic"' if italic else ""
        return (f'<style:style style:name="H{lvl}" style:family="paragraph" style:parent-style-name="Standard" style:class="text" style:default-outline-level="{lvl}">\n'
                f'<style:paragraph-properties fo:margin-top="{before:g}pt" fo:margin-bottom="{after:g}pt" fo:keep-with-next="always" fo:text-align="start" fo:text-indent="0cm" fo:line-height="{round(st.line * 100)}%"/>\n'
                f'<style:text-properties fo:font-size="{size:.1f}pt" fo:font-weight="{weight}" fo:color="{color}" fo:hyphenate="false"{ital}{variant}/>\n'
                f'</style:style>')

    def master_pages(self) -> str:
        st, meta = self.st, self.meta
        cur = '<text:page-number text:select-page="current">1</text:page-number>'
        tot = '<text:page-count>1</text:page-count>'

        def inl(t: str) -> str:
            return escape(build.typo(t))

        def fields(t: str) -> str:  # page fields inside the footer text
            return t.replace("\x01", cur).replace("\x02", tot)

        head = header_text(st, meta, "\x01")
        header = ""
        if any(head):
            header = (f'<style:header><text:p text:style-name="Header">'
                      f'{fields(tabbed(head, inl))}</text:p></style:header>')
        foot = footer_text(st, meta, "\x01", "\x02")
        footer = ""
        if any(foot):
            footer = (f'<style:footer><text:p text:style-name="Footer">'
                      f'{fields(tabbed(foot, inl))}</text:p></style:footer>')
            if st.footer == "mirrored":
                footer += (f'<style:footer-left><text:p text:style-name="FooterLeft">'
                           f'{cur}</text:p></style:footer-left>')
        return (f'<style:master-page style:name="Cover" style:page-layout-name="PLCover"/>'
                f'<style:master-page style:name="Front" style:page-layout-name="PLFront">{header}{footer}</style:master-page>'
                f'<style:master-page style:name="Body" style:page-layout-name="PLBody">{header}{footer}</style:master-page>'
                f'<style:master-page style:name="Endnote" style:page-layout-name="PLFront">{header}{footer}</style:master-page>')

    # -- build_report hooks
    def render(self, conv, fodt):
        self.pdf = super().render(conv, fodt)
        return self.pdf

    def locate(self, pdf, first_page):
        # small capitals come out of the PDF as capitals
        return build.locate_any(self.rep, pdf, first_page, fold=self.st.headings == "smallcaps")

    def check_footers(self, pages, first):
        check_page_numbers(self.st, self.rep, self.pdf, first)


# ---------------------------------------------------------------------------
# reportlab

def import_reportlab():
    try:
        import reportlab  # noqa: F401
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")   # Debian's python3-reportlab
        import reportlab  # noqa: F401


_REGISTERED: dict = {}


def rl_font(family: str) -> str:
    """Register a TrueType family found by fontconfig; return its reportlab name."""
    if family in _REGISTERED:
        return _REGISTERED[family]
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.lib.fonts import addMapping
    name = re.sub(r"\W", "", family)
    files = {}
    for key, style in (("", "Regular"), ("-Bold", "Bold"), ("-Italic", "Italic"),
                       ("-BoldItalic", "Bold Italic")):
        f = build.run(["fc-match", "-f", "%{file}", f"{family}:style={style}"]).decode()
        if not f.lower().endswith((".ttf", ".otf")) or f in files.values():
            raise build.BuildError(f"reportlab: no {style} TrueType file for {family} ({f})")
        files[key] = f
        pdfmetrics.registerFont(TTFont(name + key, f))
    for (bold, italic), key in {(0, 0): "", (1, 0): "-Bold", (0, 1): "-Italic",
                                (1, 1): "-BoldItalic"}.items():
        addMapping(name, bold, italic, name + key)
    _REGISTERED[family] = name
    return name


def rl_markup(text: str) -> str:
    return escape(build.typo(text))


class ReportlabWriter(build.Writer):
    """Lays a report out with reportlab's platypus; used by build.build_report
    through the render / locate / check_footers hooks."""

    def __init__(self, rep, toc_pages, st: Style):
        super().__init__(rep, toc_pages)
        self.st = st
        self.font = st.font

    def render(self, conv, fodt: Path) -> Path:
        import_reportlab()
        pdf = fodt.with_suffix(".pdf")
        self.total = 1
        self._build(pdf)
        self.total = build.page_count(pdf)
        self._build(pdf)            # again, with the page count in the footers
        if build.page_count(pdf) != self.total:
            raise build.BuildError("reportlab: page count changed between passes")
        self.pdf = pdf
        return pdf

    def check_footers(self, pages, first):
        check_page_numbers(self.st, self.rep, self.pdf, first)

    def _build(self, pdf: Path):
        from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.lib.units import cm as CM
        from reportlab.lib import colors
        from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, KeepTogether,
                                        NextPageTemplate, PageBreak, PageTemplate, Paragraph,
                                        Spacer, Table, TableStyle)
        from reportlab.pdfbase.pdfmetrics import stringWidth

        st, meta, rep = self.st, self.meta, self.rep
        fam = rl_font(st.font)
        bold, ital = fam + "-Bold", fam + "-Italic"
        fs = st.size
        lead = fs * st.line * 1.17   # proportional spacing of the font's natural line height
        top, bottom, left, right = (x * CM for x in st.margins)
        width, height = A4
        text_w = width - left - right
        accent = colors.HexColor(build.ACCENT)
        align = TA_JUSTIFY if st.align == "justify" else TA_LEFT
        body = ParagraphStyle("Body", fontName=fam, fontSize=fs, leading=lead, alignment=align,
                              firstLineIndent=st.indent * CM, spaceAfter=st.space)
        body_first = ParagraphStyle("BodyFirst", parent=body,
                                    firstLineIndent=st.indent * CM if st.indent_after_heading else 0)
        list_space = min(st.space, 4.0)
        bullet = ParagraphStyle("Bullet", parent=body, firstLineIndent=0, leftIndent=0.9 * CM,
                                bulletIndent=0.3 * CM, bulletFontName=fam, spaceAfter=list_space)
        heads = {}
        for lvl in (1, 2, 3):
            if st.headings == "bold":
                size, font, color = fs, bold if lvl < 3 else fam + "-BoldItalic", colors.black
            else:
                size = fs * (1.45, 1.2, 1.05)[lvl - 1]
                font, color = (bold if lvl < 3 else fam + "-BoldItalic"), accent
            heads[lvl] = ParagraphStyle(f"H{lvl}", fontName=font, fontSize=size,
                                        leading=size * 1.25, textColor=color,
                                        spaceBefore=(14, 10, 8)[lvl - 1],
                                        spaceAfter=(6, 4, 3)[lvl - 1], keepWithNext=1)
        small = ParagraphStyle("Small", fontName=fam, fontSize=max(fs * 0.8, 7.5),
                               leading=max(fs * 0.8, 7.5) * 1.2, spaceAfter=2,
                               leftIndent=0.5 * CM, firstLineIndent=-0.5 * CM)
        cell = ParagraphStyle("Cell", fontName=fam, fontSize=fs * 0.86, leading=fs * 1.05)
        cell_head = ParagraphStyle("CellHead", parent=cell, fontName=bold)
        cover_styles = [ParagraphStyle("CT", fontName=bold, fontSize=24, leading=30,
                                       alignment=TA_CENTER, textColor=accent, spaceAfter=24),
                        ParagraphStyle("CS", fontName=fam, fontSize=14, leading=18,
                                       alignment=TA_CENTER, spaceAfter=40),
                        ParagraphStyle("CI", fontName=fam, fontSize=13, leading=16,
                                       alignment=TA_CENTER, spaceAfter=8)]

        notes = []

        def markup(text: str) -> str:
            out, pos = [], 0
            for m in build.MARKER_RE.finditer(text):
                out.append(rl_markup(text[pos:m.start()]))
                pos = m.end()
                notes.append(rep.notes[m.group(1)])
                out.append(f"<super>{len(notes)}</super>")
            out.append(rl_markup(text[pos:]))
            return "".join(out).strip()

        class Leader(Flowable):
            """A contents line: title, dot leader, page number on one baseline."""

            def __init__(self, text, page, font, indent):
                super().__init__()
                self.text, self.page, self.font, self.indent = text, page, font, indent

            def wrap(self, aw, ah):
                self.aw = aw
                return aw, fs * 1.7

            def draw(self):
                c = self.canv
                c.setFont(self.font, fs)
                c.drawString(self.indent, 2, self.text)
                x0 = self.indent + stringWidth(self.text, self.font, fs) + 4
                x1 = self.aw - stringWidth(self.page, self.font, fs) - 4
                dot = stringWidth(".", self.font, fs)
                c.drawString(x0, 2, "." * max(6, int((x1 - x0) / dot)))
                c.drawRightString(self.aw, 2, self.page)

        story = []
        if meta["cover"] == "yes":
            story += [Spacer(1, 6 * CM), Paragraph(rl_markup(meta["title"]), cover_styles[0])]
            if meta.get("subtitle"):
                story.append(Paragraph(rl_markup(meta["subtitle"]), cover_styles[1]))
            story += [Paragraph(rl_markup(f"{meta['territory']} ({meta['departement']})"), cover_styles[2]),
                      Paragraph(rl_markup(meta["year"]), cover_styles[2]),
                      NextPageTemplate("front" if meta["toc"] == "yes" else "body"), PageBreak()]
        if meta["toc"] == "yes":
            story.append(Paragraph("Sommaire", ParagraphStyle("TT", parent=heads[1], fontSize=fs * 1.6,
                                                               leading=fs * 2, spaceAfter=16)))
            for b in self.toc_entries():
                t = build.typo(build.MARKER_RE.sub("", b.text))
                story.append(Leader(t, self.toc_pages.get(b.line, "00"),
                                    bold if b.level == 1 else fam, 0 if b.level == 1 else 0.6 * CM))
            story += [NextPageTemplate("body"), PageBreak()]
        fresh = True
        after_heading = False
        blocks = rep.blocks
        i = 0
        while i < len(blocks):
            b = blocks[i]
            if b.kind == "pagebreak":
                if not fresh:
                    story.append(PageBreak())
                    fresh = True
                i += 1
                continue
            fresh = False
            if b.kind == "heading":
                story.append(Paragraph(markup(b.text), heads[min(b.level, 3)]))
                after_heading = True
            elif b.kind == "para":
                story.append(Paragraph(markup(b.text), body_first if after_heading else body))
                after_heading = False
            elif b.kind == "bullet":
                story.append(Paragraph(markup(b.text), bullet, bulletText=self.bullet))
                after_heading = False
            elif b.kind == "numbered":
                story.append(Paragraph(markup(b.text), bullet, bulletText=b.prefix))
                after_heading = False
            elif b.kind == "table":
                ncol = max(len(r) for r in b.rows)
                rows = [r + [""] * (ncol - len(r)) for r in b.rows]
                weights = []
                for c in range(ncol):
                    cells = [build.MARKER_RE.sub("", r[c]) for r in rows]
                    word = max((len(w) for x in cells for w in x.split()), default=1)
                    weights.append(max(min(max(len(x) for x in cells), 30), word + 3, 8))
                col_w = (text_w - (st.columns - 1) * st.gap * CM) / st.columns
                widths = [col_w * w / sum(weights) for w in weights]
                data = [[Paragraph(markup(c), cell_head if k == 0 else cell) for c in r]
                        for k, r in enumerate(rows)]
                t = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
                t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE3EE")),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
                story += [Spacer(1, 4), KeepTogether([t]) if len(rows) <= 10 else t, Spacer(1, 10)]
                after_heading = False
            i += 1
        if notes:
            story.append(PageBreak())
            story.append(Paragraph("Notes", heads[2]))
            for k, n in enumerate(notes, 1):
                story.append(Paragraph(f"{k}. " + rl_markup(build.MARKER_RE.sub("", n)), small))

        hf_font, hf_size = ital, max(min(fs * 0.85, 9.5), 7.5)

        def decorate(c, doc):
            p = c.getPageNumber()
            c.saveState()
            c.setFillColor(colors.HexColor("#555555"))
            parts = header_text(st, meta, str(p))
            y = height - top + 0.5 * CM
            c.setFont(hf_font, hf_size)
            if parts[0]:
                c.drawString(left, y, build.typo(parts[0]))
            if parts[1]:
                c.drawCentredString(left + text_w / 2, y, build.typo(parts[1]))
            if parts[2]:
                c.drawRightString(width - right, y, build.typo(parts[2]))
            if st.header == "rule_left":
                c.setLineWidth(0.3)
                c.line(left, y - 3, width - right, y - 3)
            parts = footer_text(st, meta, str(p), str(self.total))
            y = bottom - 0.9 * CM
            c.setFont(fam, hf_size)
            if parts[0]:
                c.drawString(left, y, build.typo(parts[0]))
            if parts[1]:
                c.drawCentredString(left + text_w / 2, y, parts[1])
            if parts[2]:
                if st.footer == "mirrored" and p % 2 == 0:
                    c.drawString(left, y, parts[2])
                else:
                    c.drawRightString(width - right, y, parts[2])
            c.restoreState()

        doc = BaseDocTemplate(str(pdf), pagesize=A4, leftMargin=left, rightMargin=right,
                              topMargin=top, bottomMargin=bottom, title=meta["title"],
                              author="evalmine layout matrix", lang="fr-FR")
        one = Frame(left, bottom, text_w, height - top - bottom, id="one",
                    leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        col_w = (text_w - (st.columns - 1) * st.gap * CM) / st.columns
        cols = [Frame(left + k * (col_w + st.gap * CM), bottom, col_w, height - top - bottom,
                      id=f"col{k}", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
                for k in range(st.columns)]
        templates = [PageTemplate("front", [one], onPage=decorate),
                     PageTemplate("body", cols, onPage=decorate)]
        if meta["cover"] == "yes":
            templates.insert(0, PageTemplate("cover", [one]))
        elif meta["toc"] != "yes":
            templates.insert(0, templates.pop(1))   # the body template first
        doc.addPageTemplates(templates)
        doc.build(story)


# ---------------------------------------------------------------------------
# Building the matrix

def writer_for(st: Style):
    cls = ReportlabWriter if st.producer == "reportlab" else StyleWriter

    def make(rep, toc_pages):
        return cls(rep, toc_pages, st)
    return make


_WORKER: dict = {}


def build_one(style_name: str, rid: str, dest: str) -> dict:
    """Build report rid in one style into dest/<style>/<rid>.pdf and .json."""
    st = BY_NAME[style_name]
    if "tmp" not in _WORKER:       # one LibreOffice profile per worker process
        _WORKER["tmp"] = Path(tempfile.mkdtemp(prefix="evalmine-matrix-"))
        _WORKER["conv"] = build.Converter(_WORKER["tmp"])
    tmp, conv = _WORKER["tmp"], _WORKER["conv"]
    work = tmp / f"{style_name}-{rid}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    out = work / "out"
    out.mkdir()
    try:
        info = build.build_report(build.SRC / f"{rid}.txt", conv, work, out, writer=writer_for(st))
    except (build.SourceError, build.BuildError, subprocess.TimeoutExpired) as e:
        return {"style": style_name, "id": rid, "error": str(e)}
    target = Path(dest) / style_name
    target.mkdir(parents=True, exist_ok=True)
    oracle = json.loads((out / "oracle" / f"{rid}.json").read_text(encoding="utf-8"))
    oracle["layout"] = style_name
    oracle["producer"] = st.producer
    oracle["style"] = {k: v for k, v in asdict(st).items() if k not in ("name", "producer")}
    (target / f"{rid}.json").write_text(json.dumps(oracle, ensure_ascii=False, indent=1) + "\n",
                                        encoding="utf-8")
    shutil.copyfile(out / f"{rid}.pdf", target / f"{rid}.pdf")
    pages = build.pdf_pages(target / f"{rid}.pdf", "-layout")
    info = {"style": style_name, "id": rid, "pages": info["pages"],
            "paragraphs": info["paragraphs"], "mode": info["mode"],
            "hyphenated_line_ends": build.hyphenated_line_ends(pages),
            "across_pages": info["across_pages"], "bytes": (target / f"{rid}.pdf").stat().st_size}
    shutil.rmtree(work, ignore_errors=True)
    return info


def check_tools():
    for tool in ("soffice", "pdftotext", "pdfinfo", "fc-list", "fc-match"):
        if not shutil.which(tool):
            sys.exit(f"error: '{tool}' not found (see the packages at the top of {__file__})")
    if not Path("/usr/share/hyphen/hyph_fr.dic").exists():
        sys.exit("error: /usr/share/hyphen/hyph_fr.dic missing (apt-get install hyphen-fr)")
    for st in STYLES:
        if not build.font_available(st.font):
            sys.exit(f"error: font '{st.font}' of style {st.name} is not installed")
    if any(st.producer == "reportlab" for st in STYLES):
        try:
            import_reportlab()
        except ImportError:
            sys.exit("error: reportlab not found (apt-get install python3-reportlab or pip install reportlab)")


def run_builds(tasks: list, dest: Path, jobs: int) -> list:
    results = []
    with ProcessPoolExecutor(max_workers=jobs) as ex:
        futs = [ex.submit(build_one, s, r, str(dest)) for s, r in tasks]
        for f in futs:
            info = f.result()
            print(json.dumps(info, ensure_ascii=False), flush=True)
            results.append(info)
    for tmp in Path(tempfile.gettempdir()).glob("evalmine-matrix-*"):
        shutil.rmtree(tmp, ignore_errors=True)
    return results


# The subset takes the reports in this turn: every report, the two smallest
# (r05, r01: both with footnotes) more often, to stay well under 3 MB.
SUBSET_TURN = ["r05", "r01", "r03", "r06", "r05", "r01", "r02", "r07"]


def subset_pairs(styles: list) -> list:
    """One report per style, the reports taken in turn."""
    return [(st.name, SUBSET_TURN[k % len(SUBSET_TURN)]) for k, st in enumerate(styles)]


def write_readme(dest: Path, pairs: list, results: list):
    by = {(r["style"], r["id"]): r for r in results if "error" not in r}
    lines = ["# Layout matrix subset", "",
             "The sample reports of corpus/src rendered in other typographic styles, one",
             "report per style, each PDF with its oracle (`<style>/<report>.json`, the",
             "shape of corpus/oracle/rNN.json; `layout` is the style name, `style` and",
             "`producer` say how the PDF was made). Made by",
             "", "```", "python3 corpus/build/matrix.py --subset tests/layout_matrix", "```", "",
             "(packages: see the docstring of corpus/build/matrix.py). The full matrix",
             f"({len(STYLES)} styles x {len(REPORTS)} reports: {', '.join(REPORTS)}) is not committed:",
             "", "```", "python3 corpus/build/matrix.py --out /tmp/matrix",
             "python3 corpus/build/matrix.py --measure /tmp/matrix   # or --measure tests/layout_matrix",
             "```", "",
             "`--measure` runs the release evalmine on each style folder and counts the oracle",
             "paragraphs that come out exact (text equal after whitespace and apostrophe",
             "normalisation, as tests/it/corpus.rs) and on their page. Each miss is given a",
             "kind: `page wrong` (text exact, other page); `joined with the next` / `joined",
             "with the previous` (an extracted paragraph starts with / holds the oracle text:",
             "two paragraphs merged count one of each); `heading joined to the text` (the",
             "paragraph's heading, run-in or set in body size, begins the extracted paragraph);",
             "`split` (an extracted paragraph is a piece of it); `line-end hyphen kept` (`apart`:",
             "as ' - '), `word hyphen dropped` (sous-préfet -> souspréfet at a line end), `text",
             "differs` (same letters or same start, other text); `missing`. `--show N` prints",
             "N misses per style with the place where the texts part.", "",
             "Pages are found as corpus/build/build.py does (pdftotext, normalised text searched",
             "in source order). A heading set run-in stays a heading in the oracle: the",
             "paragraph's text is what follows it. Rebuilt PDFs are not byte-identical",
             "(creation date, font subset names): commit each PDF with its oracle.", "",
             "| style | report | pages | paragraphs | parameters |", "| --- | --- | --- | --- | --- |"]
    for s, r in pairs:
        info = by.get((s, r), {})
        lines.append(f"| `{s}` | {r} | {info.get('pages', '?')} | {info.get('paragraphs', '?')} | "
                     f"{BY_NAME[s].describe()} |")
    (dest / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------
# Measuring evalmine on the matrix

def normalise(text: str) -> str:
    """As tests/it/main.rs normalise: apostrophes unified, whitespace collapsed."""
    return " ".join(text.replace("\u2019", "'").replace("\u02bc", "'").split())


def squash(text: str) -> str:
    s = unicodedata.normalize("NFKC", normalise(text))
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", s)


def evalmine_binary() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR") or Path.home() / ".cache/evalmine-target")
    exe = target / "release" / "evalmine"
    if not exe.exists():
        print(f"building {exe} (cargo build --release)...", file=sys.stderr)
        subprocess.run(["cargo", "build", "--release"], cwd=REPO, check=True,
                       env={**os.environ, "CARGO_TARGET_DIR": str(target)})
    return exe


def text_difference(want: str, got: str) -> str:
    """Name the first difference between two texts that squash to the same letters."""
    import difflib
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, want, got, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        a, b = want[a0:a1], got[b0:b1]
        if not a and b.strip() == "-":
            return "line-end hyphen kept" + (" apart" if " " in b else "")
        if a == "-" and not b.strip():
            return "word hyphen dropped"
        return "text differs"
    return "text differs"


def classify_miss(para: dict, produced: list) -> tuple:
    """Why an oracle paragraph is not exact: (kind, the produced row or None)."""
    text = para["text"]
    t, q = normalise(text), squash(text)
    same = [p for p in produced if p["norm"] == t]
    if same:
        return "page wrong", same[0]
    for p in produced:
        if p["squash"] == q:
            return text_difference(t, p["norm"]), p
    heading = squash(para.get("heading") or "")
    for p in produced:
        if heading and p["squash"].startswith(heading) and q in p["squash"][len(heading):len(heading) + 2 + len(q)]:
            return "heading joined to the text", p
    for p in produced:
        if len(p["squash"]) > len(q) and p["squash"].startswith(q):
            return "joined with the next", p
    for p in produced:
        if len(p["squash"]) > len(q) and q in p["squash"]:
            return "joined with the previous", p
    for p in produced:
        if 12 <= len(p["squash"]) < len(q) and p["squash"] in q:
            return "split", p
    for p in produced:
        if len(q) >= 30 and (q[:30] in p["squash"] or q[-30:] in p["squash"]):
            return "text differs", p
    return "missing", None


def measure(root: Path, show: int, only: list | None = None) -> int:
    exe = evalmine_binary()
    styles = sorted(d for d in root.iterdir() if d.is_dir() and any(d.glob("*.json"))
                    and (not only or d.name in only))
    if not styles:
        sys.exit(f"error: no style folder with oracles under {root}")
    total = exact_all = 0
    kinds_all: dict = {}
    examples: dict = {}
    rows = []
    with tempfile.TemporaryDirectory(prefix="evalmine-measure-") as t:
        tmp = Path(t)
        cfg = tmp / "pipeline.toml"
        cfg.write_text(f'[output]\nformats = ["csv"]\ncsv_formula_guard = false\n\n'
                       f'[classify]\nmodels = "{REPO / "models"}"\n\n[cache]\nenabled = false\n',
                       encoding="utf-8")
        for d in styles:
            out = tmp / d.name
            r = subprocess.run([str(exe), "run", "--config", str(cfg), "--input", str(d),
                                "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if r.returncode != 0:
                print(f"{d.name}: evalmine failed ({r.returncode}): "
                      f"{r.stderr.decode(errors='replace')[-500:]}", file=sys.stderr)
                return 1
            produced: dict = {}
            with open(out / "paragraphs.csv", encoding="utf-8-sig", newline="") as f:
                for row in csv.DictReader(f, delimiter=";"):
                    produced.setdefault(row["doc_id"], []).append(
                        {"norm": normalise(row["text"]), "squash": squash(row["text"]),
                         "page": int(row["page"]), "kind": row.get("kind", "")})
            n = exact = 0
            kinds: dict = {}
            misses = []
            for oj in sorted(d.glob("*.json")):
                oracle = json.loads(oj.read_text(encoding="utf-8"))
                rid = oracle["id"]
                got = produced.get(rid, [])
                index: dict = {}
                for p in got:
                    index.setdefault(p["norm"], set()).add(p["page"])
                for para in oracle["paragraphs"]:
                    n += 1
                    text, page = normalise(para["text"]), para["page"]
                    if page in index.get(text, ()):
                        exact += 1
                        continue
                    kind, p = classify_miss(para, got)
                    kinds[kind] = kinds.get(kind, 0) + 1
                    where = f"{d.name} {rid} p.{page}"
                    misses.append((kind, where, text, p))
                    examples.setdefault(kind, (where, text, p))
            total += n
            exact_all += exact
            for k, v in kinds.items():
                kinds_all[k] = kinds_all.get(k, 0) + v
            pct = 100.0 * exact / n if n else 0.0
            rows.append((d.name, n, exact, pct, kinds))
            print(f"{d.name:28} {n:5} {exact:5} {pct:6.1f}%  "
                  + ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items(), key=lambda x: -x[1])),
                  flush=True)
            for kind, where, text, p in misses[:show]:
                print(f"    {kind}: {where}: {text[:80]}")
                if p is not None:
                    i = next((k for k, (a, b) in enumerate(zip(text, p["norm"])) if a != b),
                             min(len(text), len(p["norm"])))
                    lo = max(0, i - 30)
                    print(f"        oracle ...{text[lo:i + 40]}\n        got p.{p['page']} ...{p['norm'][lo:i + 40]}")
    print(f"{'overall':28} {total:5} {exact_all:5} {100.0 * exact_all / max(total, 1):6.1f}%")
    print("misses by kind: " + ", ".join(f"{k}: {v}" for k, v in
                                         sorted(kinds_all.items(), key=lambda x: -x[1])))
    for k, _ in sorted(kinds_all.items(), key=lambda x: -x[1]):
        where, text, p = examples[k]
        got_s = "" if p is None else f" [got p.{p['page']}: {p['norm'][:60]}...]"
        print(f"  e.g. {k}: {where}: {text[:70]}...{got_s}")
    return 0


# ---------------------------------------------------------------------------

def main(argv) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--out", type=Path, help="write the full matrix into OUT/<style>/")
    g.add_argument("--subset", type=Path, help="write one report per style (committed subset)")
    g.add_argument("--measure", type=Path, help="score the release evalmine on a matrix folder")
    g.add_argument("--list", action="store_true", help="print the styles")
    ap.add_argument("--styles", help="comma-separated style names (default: all)")
    ap.add_argument("--reports", help="comma-separated report ids (default: %s)" % ",".join(REPORTS))
    ap.add_argument("--jobs", type=int, default=2, help="builds at once (default 2)")
    ap.add_argument("--show", type=int, default=0, help="with --measure: misses printed per style")
    a = ap.parse_args(argv[1:])
    if a.list:
        for st in STYLES:
            print(f"{st.name}: {st.describe()}")
        return 0
    if a.measure:
        return measure(a.measure.resolve(), a.show, a.styles.split(",") if a.styles else None)
    styles = STYLES
    if a.styles:
        unknown = [s for s in a.styles.split(",") if s not in BY_NAME]
        if unknown:
            sys.exit(f"error: unknown style(s) {unknown}; see --list")
        styles = [BY_NAME[s] for s in a.styles.split(",")]
    reports = a.reports.split(",") if a.reports else REPORTS
    check_tools()
    if a.out:
        dest = a.out.resolve()
        pairs = [(st.name, r) for st in styles for r in reports]
    else:
        dest = a.subset.resolve()
        pairs = subset_pairs(styles)
    dest.mkdir(parents=True, exist_ok=True)
    results = run_builds(pairs, dest, max(1, a.jobs))
    failed = [r for r in results if "error" in r]
    for r in failed:
        print(f"FAILED {r['style']} {r['id']}: {r['error']}", file=sys.stderr)
    if a.subset:
        write_readme(dest, pairs, results)
        size = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
        print(f"subset: {len(pairs)} PDFs, {size} bytes in {dest}")
        if size > SUBSET_MAX_BYTES:
            print(f"error: the subset is over {SUBSET_MAX_BYTES} bytes", file=sys.stderr)
            return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
