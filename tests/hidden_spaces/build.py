#!/usr/bin/env python3
"""Builds hidden_spaces.pdf, the fixture of tests/it/hidden_spaces.rs:
space glyphs drawn inside the letter before them, as some producers do
(pdf.js issue6127 "LIR E", RGAA 4.1 "détaillé e", ligatures "fi le").

    python3 tests/hidden_spaces/build.py     # needs reportlab (python3-reportlab)

Every glyph is placed on its own (a text matrix per glyph), in the order a
producer would draw it. Page 1 shows the text (render mode 0); page 2 draws
the same kind of line invisibly (render mode 3), as an OCR program lays its
text layer over a scan, where a space inside a letter is a real word space
(its glyph positions are shares of the word's box, not the font's).
"""
import sys
from pathlib import Path

sys.path.append("/usr/lib/python3/dist-packages")
from reportlab.pdfbase.pdfmetrics import stringWidth  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

OUT = Path(__file__).resolve().parent / "hidden_spaces.pdf"
FONT, SIZE = "Helvetica", 12


def width(text):
    return stringWidth(text, FONT, SIZE)


class Line:
    """Draws glyphs one at a time from the left margin of a baseline."""

    def __init__(self, c, y, mode=0):
        self.c, self.y, self.x = c, y, 72.0
        self.text = c.beginText()
        self.text.setFont(FONT, SIZE)
        self.text.setTextRenderMode(mode)

    def glyph(self, ch, x=None):
        """Draws `ch` at x (default: where the pen is) and moves the pen past it."""
        x = self.x if x is None else x
        self.text.setTextOrigin(x, self.y)
        self.text.textOut(ch)
        self.x = x + width(ch)
        return x

    def word(self, word):
        for ch in word:
            self.glyph(ch)

    def space(self):
        self.glyph(" ")

    def space_inside_last(self, last):
        """A space drawn over the middle of the glyph `last` (drawn at x=`at`)."""
        at, ch = last
        pen = self.x
        self.text.setTextOrigin(at + 0.4 * width(ch), self.y)
        self.text.textOut(" ")
        self.x = pen

    def finish(self):
        self.c.drawText(self.text)


def space_over_letter(line, before, letter, after):
    """Draws `before`, `letter`, a space over `letter`, then `after` flush."""
    line.word(before)
    at = line.glyph(letter)
    line.space_inside_last((at, letter))
    line.word(after)
    line.finish()


def main():
    c = canvas.Canvas(str(OUT), pagesize=(595, 842))
    c.setTitle("Espaces cachées")

    # "LIRE": the space drawn between R and E, over the R.
    space_over_letter(Line(c, 760), "Merci de LI", "R", "E attentivement la notice.")

    # "l'exigence 5.1.4": the space after "e" drawn after it, but placed
    # over the "c" before it, and "5" set flush against the "e".
    line = Line(c, 700)
    line.word("Voir l'exigen")
    c_at = line.glyph("c")
    line.glyph("e")
    line.space_inside_last((c_at, "c"))
    line.word("5.1.4 de la norme.")
    line.finish()

    # "ASSURE (E)": a space over the last E before a bracket stays a space.
    space_over_letter(Line(c, 640), "Signature de L'ASSUR", "E", "(E) ci-dessous.")
    c.showPage()

    # An invisible OCR layer: "la jeunesse", the space over the "a".
    space_over_letter(Line(c, 760, mode=3), "Le conseil de l", "a", "jeunesse se réunit chaque mois.")
    c.showPage()
    c.save()


if __name__ == "__main__":
    main()
