#!/usr/bin/env python3
"""Build the sample corpus of evalmine.

    python3 corpus/build/build.py            # every corpus/src/rNN.txt, then the scans
    python3 corpus/build/build.py r01 r03    # only these reports
    python3 corpus/build/build.py scan       # only the image-only scans (r09, r10: scans.py)

For each source corpus/src/rNN.txt (format: corpus/FORMAT.md) this writes a
Flat ODT into a temporary folder, converts it with LibreOffice headless to
corpus/rNN.pdf, reads the PDF back with pdftotext and writes the oracle
corpus/oracle/rNN.json (every body paragraph and list item, in source order,
with the page it starts on).  Reports with a table of contents are built
twice: LibreOffice headless does not update indexes, so the TOC text is
written by this script, with the heading pages read from the first build.

Needs: LibreOffice (soffice, Writer), poppler-utils (pdftotext, pdfinfo,
pdftoppm), the French hyphenation patterns (hyphen-fr), the fonts named in
FONT_CYCLE (fonts-liberation, fonts-linuxlibertine, fonts-crosextra-carlito,
fonts-crosextra-caladea, fonts-dejavu-core) and, for the scan, Pillow.
Uses only the standard library otherwise.
"""
from __future__ import annotations

import bisect
import json
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

CORPUS = Path(__file__).resolve().parent.parent
SRC = CORPUS / "src"
ORACLE = CORPUS / "oracle"

THEMES = ["egalite_fh", "discriminations", "conseils_citoyens", "droit_commun", "emploi"]
POLARITIES = ["reussite", "difficulte", "preconisation", "neutre"]
LEVELS = ["non_evoquee", "evoquee", "traitee", "approfondie"]
LAYOUTS = ["word", "justified", "two_columns", "slides"]
FOOTERS = ["page_x_of_y", "dash_number", "number", "number_of_total", "none"]
REQUIRED = ["id", "title", "territory", "departement", "modalite", "year", "layout",
            "cover", "toc", "footer", "coverage"]
KNOWN = REQUIRED + ["subtitle", "header", "bullet", "font"]

# Default font per report number (r01 -> first entry ...), unless "% font:" says
# otherwise.  Linux Libertine O / Linux Biolinum O / Carlito / Caladea carry
# OpenType ligatures (fi, fl, ff, ffi) that LibreOffice applies.
FONT_CYCLE = ["Linux Libertine O", "Liberation Sans", "Carlito", "Liberation Serif",
              "DejaVu Sans", "Caladea", "Linux Biolinum O", "Liberation Serif"]
SLIDES_FONTS = ["Carlito", "Liberation Sans", "DejaVu Sans", "Linux Biolinum O"]

# The scans (r09 from r01, r10 from r03) are defined in scans.py.
SCAN_IDS = ("r09", "r10")


class SourceError(Exception):
    pass


class BuildError(Exception):
    pass


# ---------------------------------------------------------------------------
# Source parsing

@dataclass
class Block:
    kind: str                 # heading | para | bullet | numbered | table | pagebreak
    line: int
    text: str = ""            # raw text, with [^n] markers
    level: int = 0            # heading level
    prefix: str = ""          # "1." / "a)" for numbered items
    themes: list = field(default_factory=list)
    polarity: str = ""
    rows: list = field(default_factory=list)  # table rows (list of cells)


@dataclass
class Report:
    path: Path
    meta: dict
    coverage: dict
    blocks: list
    notes: dict               # n -> text


LABEL_RE = re.compile(r"^\{([^{};]*);\s*([A-Za-z_]*)\s*\}\s*(.*)$")
NUMBERED_RE = re.compile(r"^(\d{1,2}[.)]|[a-zA-Z][.)])\s+(\{.*)$")
MARKER_RE = re.compile(r"\[\^(\d+)\]")


def parse_labels(s: str, where: str):
    m = LABEL_RE.match(s)
    if not m:
        raise SourceError(f"{where}: missing or malformed '{{themes ; polarity}}' label")
    themes = [t.strip() for t in m.group(1).split("|") if t.strip()]
    for t in themes:
        if t not in THEMES:
            raise SourceError(f"{where}: unknown theme '{t}'")
    pol = m.group(2).strip()
    if pol not in POLARITIES:
        raise SourceError(f"{where}: unknown polarity '{pol}'")
    text = m.group(3).strip()
    if not text:
        raise SourceError(f"{where}: empty paragraph")
    return themes, pol, text


def parse(path: Path) -> Report:
    meta: dict = {}
    blocks: list = []
    notes: dict = {}
    name = path.name
    in_header = True
    for no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip().lstrip("\ufeff")
        where = f"{name}:{no}"
        if not line:
            continue
        if line == "%page" or line.startswith("%page "):
            blocks.append(Block("pagebreak", no))
            in_header = False
            continue
        if line.startswith("%"):
            m = re.match(r"^%\s*([A-Za-z_]+)\s*:\s*(.*)$", line)
            if m and in_header:
                key = m.group(1).lower()
                if key not in KNOWN:
                    print(f"warning: {where}: unknown header key '{key}'", file=sys.stderr)
                meta[key] = m.group(2).strip()
            continue  # other % lines are comments
        in_header = False
        m = re.match(r"^(#{1,3})\s+(.*)$", line)
        if m:
            blocks.append(Block("heading", no, text=m.group(2).strip(), level=len(m.group(1))))
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells):
                continue  # markdown separator row
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("table", no, rows=[cells]))
            continue
        m = re.match(r"^\^(\d+)\s+(.*)$", line)
        if m:
            if m.group(1) in notes:
                raise SourceError(f"{where}: footnote ^{m.group(1)} defined twice")
            notes[m.group(1)] = m.group(2).strip()
            continue
        m = re.match(r"^-\s+(\{.*)$", line)
        if m:
            themes, pol, text = parse_labels(m.group(1), where)
            blocks.append(Block("bullet", no, text=text, themes=themes, polarity=pol))
            continue
        m = NUMBERED_RE.match(line)
        if m:
            themes, pol, text = parse_labels(m.group(2), where)
            blocks.append(Block("numbered", no, text=text, prefix=m.group(1),
                                themes=themes, polarity=pol))
            continue
        if line.startswith("{"):
            themes, pol, text = parse_labels(line, where)
            blocks.append(Block("para", no, text=text, themes=themes, polarity=pol))
            continue
        raise SourceError(f"{where}: cannot tell what this line is: {line[:60]!r}")

    for k in REQUIRED:
        if not meta.get(k):
            raise SourceError(f"{name}: missing header '% {k}:'")
    if meta["id"] != path.stem:
        raise SourceError(f"{name}: '% id: {meta['id']}' does not match the file name")
    if meta["layout"] not in LAYOUTS:
        raise SourceError(f"{name}: layout must be one of {LAYOUTS}")
    if meta["footer"] not in FOOTERS:
        raise SourceError(f"{name}: footer must be one of {FOOTERS}")
    for k in ("cover", "toc"):
        if meta[k] not in ("yes", "no"):
            raise SourceError(f"{name}: '{k}' must be yes or no")
    if meta["modalite"] not in ("externe", "interne", "mixte"):
        raise SourceError(f"{name}: modalite must be externe, interne or mixte")
    if not re.fullmatch(r"\d{4}", meta["year"]):
        raise SourceError(f"{name}: year must be four digits")
    coverage = {}
    for item in meta["coverage"].split():
        k, _, v = item.partition("=")
        if k not in THEMES or v not in LEVELS:
            raise SourceError(f"{name}: bad coverage item '{item}'")
        coverage[k] = v
    for t in THEMES:
        if t not in coverage:
            raise SourceError(f"{name}: coverage lacks theme '{t}'")

    # footnotes: every marker defined, each marker used once
    used = []
    for b in blocks:
        texts = [b.text] + [c for r in b.rows for c in r]
        for t in texts:
            used += MARKER_RE.findall(t)
    for n in used:
        if n not in notes:
            raise SourceError(f"{name}: footnote marker [^{n}] has no '^{n} ...' definition")
    if len(set(used)) != len(used):
        raise SourceError(f"{name}: a footnote marker is used twice")
    for n in notes:
        if n not in used:
            print(f"warning: {name}: footnote ^{n} is never referenced", file=sys.stderr)

    alltext = " ".join(b.text for b in blocks)
    if "'" in alltext and "\u2019" in alltext:
        print(f"warning: {name}: both ' and \u2019 apostrophes are used", file=sys.stderr)
    if not any(b.kind in ("para", "bullet", "numbered") for b in blocks):
        raise SourceError(f"{name}: no paragraph")
    return Report(path, meta, coverage, blocks, notes)


# ---------------------------------------------------------------------------
# Text helpers

def oracle_text(b: Block) -> str:
    t = MARKER_RE.sub("", b.text)
    t = re.sub(r"[ \t]{2,}", " ", t).strip()
    if b.kind == "numbered":
        t = f"{b.prefix} {t}"
    return t


def typo(s: str) -> str:
    """French typographic spaces for the rendered text (the oracle keeps the source)."""
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r" ([:;!?»%])", "\u00a0\\1", s)
    s = s.replace("« ", "«\u00a0")
    for _ in range(2):
        s = re.sub(r"(\d) (\d{3})(?!\d)", "\\1\u00a0\\2", s)
    return s


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u02bc", "'")
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", s)


def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    if r.returncode != 0:
        raise BuildError(f"{' '.join(map(str, cmd))} failed ({r.returncode}): "
                         f"{r.stderr.decode(errors='replace')[-800:]}")
    return r.stdout


def font_available(family: str) -> bool:
    out = run(["fc-list", ":", "family"]).decode()
    fams = {f.strip() for line in out.splitlines() for f in line.split(",")}
    return family in fams


# ---------------------------------------------------------------------------
# Layout parameters

@dataclass
class Geometry:
    width: float
    height: float
    top: float
    bottom: float
    left: float
    right: float
    columns: int = 1
    gap: float = 0.0
    font_size: float = 11.0
    line_height: str = "118%"

    @property
    def text_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def column_width(self) -> float:
        return (self.text_width - self.gap * (self.columns - 1)) / self.columns


def geometry(layout: str) -> Geometry:
    if layout == "slides":
        return Geometry(25.4, 14.29, 0.9, 0.5, 1.3, 1.3, font_size=17, line_height="108%")
    if layout == "two_columns":
        return Geometry(21.0, 29.7, 1.6, 1.4, 1.9, 1.9, columns=2, gap=0.7,
                        font_size=10, line_height="112%")
    return Geometry(21.0, 29.7, 1.6, 1.4, 2.5, 2.2, font_size=11, line_height="120%")


# ---------------------------------------------------------------------------
# FODT writer

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
      'xmlns:xlink="http://www.w3.org/1999/xlink" '
      'office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text"')

ACCENT = "#1F3B63"


def cm(x: float) -> str:
    return f"{x:.3f}cm"


class Writer:
    def __init__(self, rep: Report, toc_pages: dict | None):
        self.rep = rep
        self.meta = rep.meta
        self.layout = rep.meta["layout"]
        self.g = geometry(self.layout)
        num = int(re.sub(r"\D", "", rep.meta["id"]) or 1)
        if rep.meta.get("font"):
            self.font = rep.meta["font"]
        elif self.layout == "slides":  # slide decks are set in a sans font
            self.font = SLIDES_FONTS[(num // 4) % len(SLIDES_FONTS)]
        else:
            self.font = FONT_CYCLE[(num - 1) % len(FONT_CYCLE)]
        self.bullet = rep.meta.get("bullet") or "\u2022"
        self.toc_pages = toc_pages or {}
        self.auto: dict = {}        # (parent, kind, value) -> name
        self.auto_xml: list = []
        self.note_no = 0
        self.table_no = 0
        self.body: list = []
        self.pending_master = None
        self.pending_break = False
        self.fresh = True           # nothing yet on the current page

    # -- automatic styles for page breaks / master page changes
    def para_style(self, base: str) -> str:
        if self.pending_master:
            key = (base, "mp", self.pending_master)
            if key not in self.auto:
                name = f"P{len(self.auto) + 1}"
                self.auto[key] = name
                self.auto_xml.append(
                    f'<style:style style:name="{name}" style:family="paragraph" '
                    f'style:parent-style-name="{base}" style:master-page-name="{self.pending_master}">'
                    f'<style:paragraph-properties style:page-number="auto"/></style:style>')
            self.pending_master = None
            self.pending_break = False
            self.fresh = False
            return self.auto[key]
        if self.pending_break and not self.fresh:
            key = (base, "br", "page")
            if key not in self.auto:
                name = f"P{len(self.auto) + 1}"
                self.auto[key] = name
                self.auto_xml.append(
                    f'<style:style style:name="{name}" style:family="paragraph" '
                    f'style:parent-style-name="{base}">'
                    f'<style:paragraph-properties fo:break-before="page"/></style:style>')
            self.pending_break = False
            self.fresh = False
            return self.auto[key]
        self.pending_break = False
        self.fresh = False
        return base

    def inline(self, text: str) -> str:
        """Paragraph text as ODF: typographic spaces, footnotes for [^n]."""
        out = []
        pos = 0
        for m in MARKER_RE.finditer(text):
            out.append(escape(typo(text[pos:m.start()])))
            pos = m.end()
            self.note_no += 1
            body = escape(typo(MARKER_RE.sub("", self.rep.notes[m.group(1)])))
            out.append(f'<text:note text:id="ftn{self.note_no}" text:note-class="footnote">'
                       f'<text:note-citation>{self.note_no}</text:note-citation>'
                       f'<text:note-body><text:p text:style-name="Footnote">{body}</text:p>'
                       f'</text:note-body></text:note>')
        out.append(escape(typo(text[pos:])))
        return "".join(out).strip()

    # -- blocks
    def cover(self):
        m = self.meta
        self.pending_master = "Cover"
        st = self.para_style("CoverTitle")
        self.body.append(f'<text:p text:style-name="{st}">{escape(typo(m["title"]))}</text:p>')
        if m.get("subtitle"):
            self.body.append(f'<text:p text:style-name="CoverSubtitle">{escape(typo(m["subtitle"]))}</text:p>')
        self.body.append(f'<text:p text:style-name="CoverInfo">{escape(typo(m["territory"]))} ({escape(m["departement"])})</text:p>')
        self.body.append(f'<text:p text:style-name="CoverDate">{escape(m["year"])}</text:p>')

    def toc_entries(self):
        levels = (1,) if self.layout == "slides" else (1, 2)
        return [b for b in self.rep.blocks if b.kind == "heading" and b.level in levels]

    def toc(self):
        self.pending_master = "Front"
        st = self.para_style("TocTitle")
        self.body.append(f'<text:p text:style-name="{st}">Sommaire</text:p>')
        for b in self.toc_entries():
            page = self.toc_pages.get(b.line, "00")
            txt = escape(typo(MARKER_RE.sub("", b.text)))
            self.body.append(f'<text:p text:style-name="Toc{b.level}">{txt}<text:tab/>{page}</text:p>')

    def heading(self, b: Block):
        st = self.para_style(f"H{b.level}")
        self.body.append(f'<text:h text:style-name="{st}" text:outline-level="{b.level}">'
                         f'{self.inline(b.text)}</text:h>')

    def para(self, b: Block):
        st = self.para_style("Body")
        self.body.append(f'<text:p text:style-name="{st}">{self.inline(b.text)}</text:p>')

    def bullets(self, items):
        out = ['<text:list text:style-name="LBullet">']
        for b in items:
            st = self.para_style("ListBullet")
            out.append(f'<text:list-item><text:p text:style-name="{st}">{self.inline(b.text)}</text:p></text:list-item>')
        out.append("</text:list>")
        self.body.append("".join(out))

    def numbered(self, b: Block):
        st = self.para_style("ListNumber")
        self.body.append(f'<text:p text:style-name="{st}">{escape(b.prefix)}<text:tab/>{self.inline(b.text)}</text:p>')

    def table(self, b: Block):
        self.table_no += 1
        n = self.table_no
        ncol = max(len(r) for r in b.rows)
        rows = [r + [""] * (ncol - len(r)) for r in b.rows]
        width = self.g.column_width
        weights = []
        for c in range(ncol):
            cells = [MARKER_RE.sub("", r[c]) for r in rows]
            longest = max(len(x) for x in cells)
            word = max((len(w) for x in cells for w in x.split()), default=1)
            weights.append(max(min(longest, 30), word + 3, 8))
        tot = sum(weights)
        widths = [width * w / tot for w in weights]
        props = ""
        if self.pending_master:
            props = f' style:master-page-name="{self.pending_master}"'
            self.pending_master = None
        brk = ""
        if self.pending_break and not self.fresh:
            brk = ' fo:break-before="page"'
        self.pending_break = False
        self.fresh = False
        # small tables stay on one page, as an author would make them; long ones
        # break between rows and repeat their header row
        keep = ' style:may-break-between-rows="false"' if len(rows) <= 10 else ""
        self.auto_xml.append(
            f'<style:style style:name="Tbl{n}" style:family="table"{props}>'
            f'<style:table-properties style:width="{cm(width)}" table:align="left" '
            f'fo:margin-top="0.15cm" fo:margin-bottom="0.35cm"{brk}{keep}/></style:style>')
        for c, w in enumerate(widths):
            self.auto_xml.append(
                f'<style:style style:name="Tbl{n}.C{c + 1}" style:family="table-column">'
                f'<style:table-column-properties style:column-width="{cm(w)}"/></style:style>')
        out = [f'<table:table table:name="Tableau{n}" table:style-name="Tbl{n}">']
        for c in range(ncol):
            out.append(f'<table:table-column table:style-name="Tbl{n}.C{c + 1}"/>')

        def row(cells, head):
            r = ["<table:table-row>"]
            for c in cells:
                cs, ps = ("CellHead", "TableHead") if head else ("Cell", "TableCell")
                if not head and NUMERIC_RE.fullmatch(MARKER_RE.sub("", c)):
                    ps = "TableNum"
                r.append(f'<table:table-cell table:style-name="{cs}" office:value-type="string">'
                         f'<text:p text:style-name="{ps}">{self.inline(c)}</text:p></table:table-cell>')
            r.append("</table:table-row>")
            return "".join(r)

        out.append("<table:table-header-rows>" + row(rows[0], True) + "</table:table-header-rows>")
        for r in rows[1:]:
            out.append(row(r, False))
        out.append("</table:table>")
        self.body.append("".join(out))

    def build_body(self):
        rep = self.rep
        if rep.meta["cover"] == "yes":
            self.cover()
        if rep.meta["toc"] == "yes":
            self.toc()
        self.pending_master = "Body"
        self.fresh = True
        blocks = rep.blocks
        i = 0
        while i < len(blocks):
            b = blocks[i]
            if b.kind == "pagebreak":
                self.pending_break = True
            elif b.kind == "heading":
                self.heading(b)
            elif b.kind == "para":
                self.para(b)
            elif b.kind == "bullet":
                j = i
                while j < len(blocks) and blocks[j].kind == "bullet":
                    j += 1
                self.bullets(blocks[i:j])
                i = j
                continue
            elif b.kind == "numbered":
                self.numbered(b)
            elif b.kind == "table":
                self.table(b)
            i += 1

    # -- styles
    def styles(self) -> str:
        g = self.g
        f = self.font
        fs = g.font_size
        slides = self.layout == "slides"
        hyph = self.layout in ("justified", "two_columns")
        align = "justify" if hyph else "start"
        hy = ('fo:hyphenate="true" fo:hyphenation-remain-char-count="2" '
              'fo:hyphenation-push-char-count="3"') if hyph else 'fo:hyphenate="false"'
        lang = 'fo:language="fr" fo:country="FR"'
        if slides:
            h = [(26, "0.0cm", "0.45cm"), (20, "0.3cm", "0.25cm"), (17, "0.2cm", "0.15cm")]
        elif self.layout == "two_columns":
            h = [(14, "0.45cm", "0.2cm"), (11.5, "0.35cm", "0.15cm"), (10.5, "0.25cm", "0.1cm")]
        else:
            h = [(16, "0.6cm", "0.3cm"), (13, "0.45cm", "0.2cm"), (11.5, "0.3cm", "0.15cm")]
        para_after = "0.3cm" if slides else "0.22cm"
        list_indent = 1.0 if slides else 0.9
        toc_tab = g.text_width - 0.05
        small = max(fs * 0.78, 8)
        s = []
        s.append(f'''<style:default-style style:family="paragraph">
<style:paragraph-properties fo:orphans="2" fo:widows="2" style:writing-mode="lr-tb" style:tab-stop-distance="1.25cm"/>
<style:text-properties style:font-name="{f}" fo:font-size="{fs}pt" {lang} {hy} style:letter-kerning="true"/>
</style:default-style>
<style:style style:name="Standard" style:family="paragraph" style:class="text"/>
<style:style style:name="Body" style:family="paragraph" style:parent-style-name="Standard" style:class="text">
<style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="{para_after}" fo:line-height="{g.line_height}" fo:text-align="{align}" fo:orphans="2" fo:widows="2"/>
</style:style>''')
        for lvl, (size, before, after) in enumerate(h, 1):
            extra = ' fo:font-style="italic"' if lvl == 3 else ""
            border = (f' fo:border-bottom="0.06pt solid {ACCENT}" fo:padding-bottom="0.1cm"'
                      if slides and lvl == 1 else "")
            s.append(f'''<style:style style:name="H{lvl}" style:family="paragraph" style:parent-style-name="Standard" style:class="text" style:default-outline-level="{lvl}">
<style:paragraph-properties fo:margin-top="{before}" fo:margin-bottom="{after}" fo:keep-with-next="always" fo:text-align="start"{border}/>
<style:text-properties fo:font-size="{size}pt" fo:font-weight="bold" fo:color="{ACCENT}" fo:hyphenate="false"{extra}/>
</style:style>''')
        s.append(f'''<style:style style:name="ListBullet" style:family="paragraph" style:parent-style-name="Body" style:list-style-name="LBullet">
<style:paragraph-properties fo:margin-bottom="{"0.2cm" if slides else "0.12cm"}"/>
</style:style>
<style:style style:name="ListNumber" style:family="paragraph" style:parent-style-name="Body">
<style:paragraph-properties fo:margin-left="{cm(list_indent)}" fo:text-indent="-{cm(list_indent - 0.3)}" fo:margin-bottom="{"0.2cm" if slides else "0.12cm"}">
<style:tab-stops><style:tab-stop style:position="0cm"/></style:tab-stops>
</style:paragraph-properties>
</style:style>
<style:style style:name="Footnote" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">
<style:paragraph-properties fo:margin-left="0.4cm" fo:text-indent="-0.4cm" fo:margin-bottom="0.05cm" fo:text-align="start"/>
<style:text-properties fo:font-size="{small}pt" fo:hyphenate="false"/>
</style:style>
<style:style style:name="Header" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">
<style:paragraph-properties fo:text-align="start" fo:border-bottom="0.06pt solid #808080" fo:padding-bottom="0.08cm"/>
<style:text-properties fo:font-size="{max(small, 8.5)}pt" fo:font-style="italic" fo:color="#555555" fo:hyphenate="false"/>
</style:style>
<style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">
<style:paragraph-properties fo:text-align="{"end" if self.meta["footer"] == "page_x_of_y" and not slides else ("start" if slides else "center")}">
<style:tab-stops><style:tab-stop style:position="{cm(g.text_width - 0.05)}" style:type="right"/></style:tab-stops>
</style:paragraph-properties>
<style:text-properties fo:font-size="{max(small, 9)}pt" fo:color="#404040" fo:hyphenate="false"/>
</style:style>
<style:style style:name="TableCell" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">
<style:paragraph-properties fo:text-align="start"/>
<style:text-properties fo:font-size="{fs * 0.86:.1f}pt" fo:hyphenate="false"/>
</style:style>
<style:style style:name="TableNum" style:family="paragraph" style:parent-style-name="TableCell" style:class="extra">
<style:paragraph-properties fo:text-align="end"/>
</style:style>
<style:style style:name="TableHead" style:family="paragraph" style:parent-style-name="TableCell" style:class="extra">
<style:text-properties fo:font-weight="bold"/>
</style:style>
<style:style style:name="CoverTitle" style:family="paragraph" style:parent-style-name="Standard" style:class="chapter">
<style:paragraph-properties fo:margin-top="{"2.5cm" if slides else "7cm"}" fo:margin-bottom="0.8cm" fo:text-align="center"/>
<style:text-properties fo:font-size="{30 if slides else 24}pt" fo:font-weight="bold" fo:color="{ACCENT}" fo:hyphenate="false"/>
</style:style>
<style:style style:name="CoverSubtitle" style:family="paragraph" style:parent-style-name="Standard" style:class="chapter">
<style:paragraph-properties fo:margin-bottom="1.6cm" fo:text-align="center"/>
<style:text-properties fo:font-size="{18 if slides else 14}pt" fo:hyphenate="false"/>
</style:style>
<style:style style:name="CoverInfo" style:family="paragraph" style:parent-style-name="Standard" style:class="chapter">
<style:paragraph-properties fo:margin-bottom="0.3cm" fo:text-align="center"/>
<style:text-properties fo:font-size="{18 if slides else 13}pt" fo:hyphenate="false"/>
</style:style>
<style:style style:name="CoverDate" style:family="paragraph" style:parent-style-name="CoverInfo" style:class="chapter"/>
<style:style style:name="TocTitle" style:family="paragraph" style:parent-style-name="Standard" style:class="index">
<style:paragraph-properties fo:margin-bottom="0.6cm"/>
<style:text-properties fo:font-size="{h[0][0] + 2}pt" fo:font-weight="bold" fo:color="{ACCENT}" fo:hyphenate="false"/>
</style:style>''')
        for lvl in (1, 2):
            indent = 0.0 if lvl == 1 else 0.6
            weight = ' fo:font-weight="bold"' if lvl == 1 else ""
            s.append(f'''<style:style style:name="Toc{lvl}" style:family="paragraph" style:parent-style-name="Standard" style:class="index">
<style:paragraph-properties fo:margin-left="{cm(indent)}" fo:margin-top="{"0.2cm" if lvl == 1 else "0.05cm"}" fo:margin-bottom="0.05cm" fo:text-align="start">
<style:tab-stops><style:tab-stop style:position="{cm(toc_tab - indent)}" style:type="right" style:leader-style="dotted" style:leader-text="."/></style:tab-stops>
</style:paragraph-properties>
<style:text-properties fo:hyphenate="false"{weight}/>
</style:style>''')
        s.append(f'''<style:style style:name="FootnoteAnchor" style:family="text"><style:text-properties style:text-position="super 58%"/></style:style>
<style:style style:name="FootnoteSymbol" style:family="text"><style:text-properties style:text-position="super 58%"/></style:style>
<text:notes-configuration text:note-class="footnote" text:citation-style-name="FootnoteAnchor" text:citation-body-style-name="FootnoteSymbol" style:num-format="1" text:footnotes-position="page" text:start-numbering-at="document"/>
<text:list-style style:name="LBullet">
<text:list-level-style-bullet text:level="1" text:bullet-char="{escape(self.bullet)}">
<style:list-level-properties text:list-level-position-and-space-mode="label-alignment">
<style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="{cm(list_indent)}" fo:text-indent="-{cm(list_indent - 0.3)}" fo:margin-left="{cm(list_indent)}"/>
</style:list-level-properties>
<style:text-properties style:font-name="{f}"/>
</text:list-level-style-bullet>
</text:list-style>''')
        return "\n".join(s)

    def page_layouts(self) -> str:
        g = self.g
        sep = ('<style:footnote-sep style:width="0.018cm" style:rel-width="25%" style:color="#000000" '
               'style:line-style="solid" style:adjustment="left" style:distance-before-sep="0.1cm" '
               'style:distance-after-sep="0.1cm"/>')
        orient = "landscape" if g.width > g.height else "portrait"
        base = (f'fo:page-width="{cm(g.width)}" fo:page-height="{cm(g.height)}" '
                f'style:print-orientation="{orient}" fo:margin-top="{cm(g.top)}" '
                f'fo:margin-bottom="{cm(g.bottom)}" fo:margin-left="{cm(g.left)}" '
                f'fo:margin-right="{cm(g.right)}"')
        hf = ('<style:header-style><style:header-footer-properties fo:min-height="0.5cm" '
              'fo:margin-bottom="0.45cm"/></style:header-style>'
              '<style:footer-style><style:header-footer-properties fo:min-height="0.5cm" '
              'fo:margin-top="0.4cm"/></style:footer-style>')
        cols = ""
        if g.columns > 1:
            cols = (f'<style:columns fo:column-count="{g.columns}" fo:column-gap="{cm(g.gap)}"/>')
        return (f'<style:page-layout style:name="PLCover"><style:page-layout-properties {base}>{sep}'
                f'</style:page-layout-properties></style:page-layout>'
                f'<style:page-layout style:name="PLFront"><style:page-layout-properties {base}>{sep}'
                f'</style:page-layout-properties>{hf}</style:page-layout>'
                f'<style:page-layout style:name="PLBody"><style:page-layout-properties {base}>{cols}{sep}'
                f'</style:page-layout-properties>{hf}</style:page-layout>')

    def footer_xml(self) -> str:
        kind = self.meta["footer"]
        cur = '<text:page-number text:select-page="current">1</text:page-number>'
        tot = '<text:page-count>1</text:page-count>'
        num = {"page_x_of_y": f"Page {cur} / {tot}", "dash_number": f"- {cur} -",
               "number": cur, "number_of_total": f"{cur}/{tot}", "none": ""}[kind]
        if self.layout == "slides":
            left = escape(typo(self.meta["territory"]))
            return f'<text:p text:style-name="Footer">{left}<text:tab/>{num}</text:p>'
        if not num:
            return ""
        return f'<text:p text:style-name="Footer">{num}</text:p>'

    def master_pages(self) -> str:
        header = ""
        if self.meta.get("header"):
            header = (f'<style:header><text:p text:style-name="Header">'
                      f'{escape(typo(self.meta["header"]))}</text:p></style:header>')
        foot = self.footer_xml()
        footer = f"<style:footer>{foot}</style:footer>" if foot else ""
        return (f'<style:master-page style:name="Cover" style:page-layout-name="PLCover"/>'
                f'<style:master-page style:name="Front" style:page-layout-name="PLFront">{header}{footer}</style:master-page>'
                f'<style:master-page style:name="Body" style:page-layout-name="PLBody">{header}{footer}</style:master-page>')

    # -- hooks used by build_report (corpus/build/matrix.py overrides them)
    def render(self, conv: "Converter", fodt: Path) -> Path:
        """Write the document as a Flat ODT and convert it; return the PDF."""
        fodt.write_text(self.document(), encoding="utf-8")
        return conv.convert(fodt)

    def locate(self, pdf: Path, first_page: int):
        return locate_any(self.rep, pdf, first_page)

    def check_footers(self, pages: list, first: int):
        check_footers(self.rep, pages, first)

    def document(self) -> str:
        self.build_body()
        fonts = {self.font}
        faces = "".join(f'<style:font-face style:name={quoteattr(x)} svg:font-family={quoteattr(x)}/>'
                        for x in sorted(fonts))
        cell = ('<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties '
                'fo:padding="0.08cm" fo:border="0.5pt solid #000000"/></style:style>'
                '<style:style style:name="CellHead" style:family="table-cell"><style:table-cell-properties '
                'fo:padding="0.08cm" fo:border="0.5pt solid #000000" fo:background-color="#DCE3EE"/></style:style>')
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {NS}>\n'
                f'<office:meta><dc:title>{escape(self.meta["title"])}</dc:title>'
                f'<dc:language>fr-FR</dc:language></office:meta>\n'
                f'<office:font-face-decls>{faces}</office:font-face-decls>\n'
                f'<office:styles>\n{self.styles()}\n</office:styles>\n'
                f'<office:automatic-styles>{self.page_layouts()}{cell}{"".join(self.auto_xml)}'
                f'</office:automatic-styles>\n'
                f'<office:master-styles>{self.master_pages()}</office:master-styles>\n'
                f'<office:body><office:text>\n' + "\n".join(self.body) +
                '\n</office:text></office:body></office:document>\n')


# ---------------------------------------------------------------------------
# Conversion and page finding

class Converter:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.profile = tmp / "lo-profile"

    def convert(self, fodt: Path) -> Path:
        pdf = fodt.with_suffix(".pdf")
        if pdf.exists():
            pdf.unlink()
        run(["soffice", f"-env:UserInstallation=file://{self.profile}", "--headless",
             "--norestore", "--convert-to", "pdf", "--outdir", str(fodt.parent), str(fodt)],
            timeout=300)
        if not pdf.exists():
            raise BuildError(f"LibreOffice produced no PDF for {fodt.name}")
        return pdf


def pdf_pages(pdf: Path, mode: str) -> list:
    args = ["pdftotext", "-enc", "UTF-8"]
    if mode:
        args.append(mode)
    out = run(args + [str(pdf), "-"]).decode("utf-8")
    pages = out.split("\f")
    n = page_count(pdf)
    pages = pages[:n] + [""] * (n - len(pages))
    return pages


def page_count(pdf: Path) -> int:
    info = run(["pdfinfo", str(pdf)]).decode()
    m = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(m.group(1))


NUMERIC_RE = re.compile(r"[-+–]?[\d\s .,]*\d[\d\s .,]*(\s?(%|€|euros|M€|k€|pts?))?|[-–—]|n\.?d\.?|ns")
LEADER_RE = re.compile(r"\.{6,}\s*\d+\s*$", re.M)


def display_text(b: Block, note_numbers: dict) -> str:
    """Text as rendered (footnote markers become their numbers)."""
    t = MARKER_RE.sub(lambda m: note_numbers[m.group(1)], b.text)
    if b.kind == "numbered":
        t = b.prefix + " " + t
    return t


def locate(rep: Report, pages: list, first_page: int, fold: bool = False):
    """Return ({block index: start page}, {block index: end page}) for headings and
    paragraphs, in source order.  End pages are known only where the paragraph's
    last characters were found.  fold: compare in lower case (headings set in
    small capitals come out of the PDF in capitals)."""
    case = str.lower if fold else str
    normed = [case(norm(p)) for p in pages]
    offsets = []
    acc = 0
    for p in normed:
        offsets.append(acc)
        acc += len(p)
    stream = "".join(normed)
    note_numbers = {}
    for b in rep.blocks:
        for t in [b.text] + [c for r in b.rows for c in r]:
            for n in MARKER_RE.findall(t):
                note_numbers[n] = str(len(note_numbers) + 1)
    pos = offsets[first_page - 1]
    found = {}
    ends = {}
    for i, b in enumerate(rep.blocks):
        if b.kind not in ("heading", "para", "bullet", "numbered"):
            continue
        full = case(norm(display_text(b, note_numbers)))
        hit = -1
        klen = 0
        for n, window in ((40, None), (28, 5000), (18, 3000)):
            if n < 40 and len(full) <= n:
                break
            k = full[:n]
            end = None if window is None else pos + window
            hit = stream.find(k, pos) if end is None else stream.find(k, pos, end)
            if hit >= 0:
                klen = len(k)
                break
        if hit < 0:
            raise BuildError(f"{rep.path.name}:{b.line}: cannot find {b.kind} "
                             f"{display_text(b, note_numbers)[:50]!r} in the PDF text "
                             f"(searching from page {bisect.bisect_right(offsets, pos)})")
        found[i] = bisect.bisect_right(offsets, hit)
        pos = hit + klen
        tail = full[-30:]
        if len(full) > klen:
            # the tail cannot start before hit + len(full) - len(tail): what the
            # PDF inserts (headers, footers, notes) only pushes it further
            start = hit + max(0, len(full) - len(tail))
            j = stream.find(tail, start, hit + int(len(full) * 1.5) + 3000)
            if j >= 0:
                pos = j + len(tail)
                ends[i] = bisect.bisect_right(offsets, j + len(tail) - 1)
    return found, ends


def locate_any(rep: Report, pdf: Path, first_page: int, fold: bool = False):
    errors = []
    for mode in ("-raw", "", "-layout"):
        try:
            return locate(rep, pdf_pages(pdf, mode), first_page, fold), mode
        except BuildError as e:
            errors.append(f"[pdftotext {mode or 'default'}] {e}")
    raise BuildError("\n  ".join(errors))


def first_body_page(rep: Report, pages: list) -> int:
    p = 1
    if rep.meta["cover"] == "yes":
        p += 1
    if rep.meta["toc"] == "yes":
        if not LEADER_RE.search(pages[p - 1]):
            raise BuildError(f"{rep.path.name}: no table of contents found on page {p}")
        while p <= len(pages) and LEADER_RE.search(pages[p - 1]):
            p += 1
    return p


def hyphenated_line_ends(pages: list) -> int:
    n = 0
    for p in pages:
        lines = p.splitlines()
        for a, b in zip(lines, lines[1:]):
            if re.search(r"[a-zà-ÿœ]-\s*$", a) and re.match(r"\s*[a-zà-ÿœ]", b):
                n += 1
    return n


def ligature_glyphs(pdf: Path) -> set:
    import zlib
    data = pdf.read_bytes()
    names = set()
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            s = zlib.decompress(m.group(1))
        except Exception:
            continue
        names |= {n.decode() for n in
                  re.findall(rb"/(f_f_i|f_f_l|f_f|f_i|f_l|ffi|ffl|ff|fi|fl)(?=[\s/\]])", s)}
        # TrueType subsets have no glyph names: look for one glyph mapped to
        # several letters in the ToUnicode map instead
        if b"beginbfchar" in s or b"beginbfrange" in s:
            for u in re.findall(rb"<[0-9A-Fa-f]{2,4}>\s*<((?:[0-9A-Fa-f]{4}){2,3})>", s):
                txt = bytes.fromhex(u.decode()).decode("utf-16-be", "replace")
                if re.fullmatch(r"f[fil]{1,2}", txt):
                    names.add("_".join(txt))
    return names


def check_footers(rep: Report, pages: list, first: int):
    kind = rep.meta["footer"]
    n = len(pages)
    for p in range(first, n + 1):
        want = {"page_x_of_y": f"Page {p} / {n}", "dash_number": f"- {p} -",
                "number": f"{p}", "number_of_total": f"{p}/{n}", "none": ""}[kind]
        if want and norm(want) not in norm(pages[p - 1]):
            raise BuildError(f"{rep.path.name}: page {p} lacks its footer {want!r}")


# ---------------------------------------------------------------------------
# One report

def build_report(path: Path, conv: Converter, tmp: Path, out: Path = CORPUS,
                 writer=None) -> dict:
    """Build one report into out/rNN.pdf and out/oracle/rNN.json.  `writer`
    (default Writer) is called as writer(rep, toc_pages) for each attempt."""
    writer = writer or Writer
    rep = parse(path)
    rid = rep.meta["id"]
    w0 = writer(rep, None)
    if not font_available(w0.font):
        raise BuildError(f"{rid}: font '{w0.font}' is not installed (fc-list)")
    fodt = tmp / f"{rid}.fodt"
    toc_pages = None
    mode = ""
    for attempt in range(4):
        w = writer(rep, toc_pages)
        pdf = w.render(conv, fodt)
        pages = pdf_pages(pdf, "")
        first = first_body_page(rep, pages)
        (found, ends), mode = w.locate(pdf, first)
        if rep.meta["toc"] != "yes":
            break
        want = {rep.blocks[i].line: str(p) for i, p in found.items()
                if rep.blocks[i].kind == "heading"}
        entries = {b.line for b in writer(rep, None).toc_entries()}
        want = {k: v for k, v in want.items() if k in entries}
        if toc_pages == want:
            break
        toc_pages = want
    else:
        raise BuildError(f"{rid}: table of contents page numbers do not settle")

    w.check_footers(pages, 2 if rep.meta["cover"] == "yes" else 1)
    shutil.copyfile(pdf, out / f"{rid}.pdf")

    paragraphs = []
    heading = None
    for i, b in enumerate(rep.blocks):
        if b.kind == "heading":
            heading = MARKER_RE.sub("", b.text).strip()
        elif b.kind in ("para", "bullet", "numbered"):
            paragraphs.append({
                "text": oracle_text(b),
                "page": found[i],
                "heading": heading,
                "kind": "body" if b.kind == "para" else "list_item",
                "themes": b.themes,
                "polarity": b.polarity,
            })
    m = rep.meta
    counts = {}
    for t in THEMES:
        ps = [p for p in paragraphs if t in p["themes"]]
        counts[t] = {"paragraphs": len(ps)} | {pol: sum(p["polarity"] == pol for p in ps)
                                                 for pol in POLARITIES}
    oracle = {
        "id": rid,
        "title": m["title"],
        "subtitle": m.get("subtitle") or None,
        "territory": m["territory"],
        "departement": m["departement"],
        "modalite": m["modalite"],
        "year": int(m["year"]),
        "layout": m["layout"],
        "pages": len(pages),
        "coverage": rep.coverage,
        "theme_counts": counts,
        "status": "ok",
        "paragraphs": paragraphs,
    }
    oracle_dir = out / "oracle"
    oracle_dir.mkdir(exist_ok=True)
    (oracle_dir / f"{rid}.json").write_text(json.dumps(oracle, ensure_ascii=False, indent=1) + "\n",
                                        encoding="utf-8")

    # report
    notes = []
    for t in THEMES:
        lvl = rep.coverage[t]
        c = counts[t]
        calc = default_level(c)
        if calc != lvl and not (lvl == "approfondie" and calc == "traitee") \
                and not (lvl == "traitee" and calc == "evoquee"):
            notes.append(f"coverage {t}={lvl} but counts give {calc} {c}")
    info = {"id": rid, "pages": len(pages), "paragraphs": len(paragraphs), "mode": mode or "default",
            "font": w0.font, "layout": m["layout"]}
    full_pages = pdf_pages(out / f"{rid}.pdf", "-layout")
    if m["layout"] in ("justified", "two_columns"):
        info["hyphenated_line_ends"] = hyphenated_line_ends(full_pages)
        if info["hyphenated_line_ends"] == 0:
            notes.append("no hyphenated line end found (hyphenation not working?)")
    info["ligatures"] = sorted(ligature_glyphs(out / f"{rid}.pdf"))
    info["across_pages"] = sum(1 for i, p in ends.items() if p != found[i])
    info["footnotes"] = len(MARKER_RE.findall(" ".join([b.text for b in rep.blocks] + [c for b in rep.blocks for r in b.rows for c in r])))
    info["warnings"] = notes
    return info


def default_level(c: dict) -> str:
    n, r, d = c["paragraphs"], c["reussite"], c["difficulte"]
    if n == 0:
        return "non_evoquee"
    if n >= 8 and r >= 2 and d >= 2:
        return "approfondie"
    if n <= 3 and r == 0 and d == 0:
        return "evoquee"
    return "traitee"


# ---------------------------------------------------------------------------
# The image-only scans (r09, r10): corpus/build/scans.py

def build_scans(tmp: Path) -> list:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import scans
    try:
        return scans.build_scans(tmp)
    except scans.ScanError as e:
        raise BuildError(str(e)) from e


# ---------------------------------------------------------------------------

def main(argv):
    for tool in ("soffice", "pdftotext", "pdfinfo", "pdftoppm", "fc-list"):
        if not shutil.which(tool):
            print(f"error: '{tool}' not found (see corpus/README.md)", file=sys.stderr)
            return 2
    if not Path("/usr/share/hyphen/hyph_fr.dic").exists():
        print("warning: /usr/share/hyphen/hyph_fr.dic missing (apt-get install hyphen-fr): "
              "justified layouts will not be hyphenated", file=sys.stderr)
    wanted = argv[1:]
    out = CORPUS
    if "--out" in wanted:  # for trying a source without touching the corpus
        k = wanted.index("--out")
        out = Path(wanted[k + 1]).resolve()
        out.mkdir(parents=True, exist_ok=True)
        del wanted[k:k + 2]
    do_scan = not wanted or "scan" in wanted or any(i in wanted for i in SCAN_IDS)
    ids = [w for w in wanted if w != "scan" and w not in SCAN_IDS]
    if not wanted:
        paths = sorted(SRC.glob("r*.txt"))
    else:
        paths = []
        for i in ids:
            p = Path(i) if i.endswith(".txt") else SRC / f"{i}.txt"
            if not p.exists():
                print(f"error: no source {p}", file=sys.stderr)
                return 2
            paths.append(p)
    failed = []
    with tempfile.TemporaryDirectory(prefix="evalmine-corpus-") as t:
        tmp = Path(t)
        conv = Converter(tmp)
        for p in paths:
            try:
                info = build_report(p, conv, tmp, out)
                print(json.dumps(info, ensure_ascii=False))
            except (SourceError, BuildError, subprocess.TimeoutExpired) as e:
                failed.append(p.stem)
                print(f"FAILED {p.stem}: {e}", file=sys.stderr)
        if do_scan and out == CORPUS:
            try:
                for info in build_scans(tmp):
                    print(json.dumps(info, ensure_ascii=False))
            except (BuildError, ImportError) as e:
                failed.append("scans")
                print(f"FAILED scans: {e}", file=sys.stderr)
    if failed:
        print(f"failed: {' '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
