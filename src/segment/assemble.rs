//! Assembly: lines with their roles -> paragraphs, with the headings in
//! force (nearest and section) and paragraphs continued over column and
//! page breaks.

use std::sync::LazyLock;

use regex::Regex;

use super::join::{join_line, Vocabulary};
use super::roles::Role;
use super::typography::Typography;
use crate::record::{HeadingId, Line, Paragraph, ParagraphKind};
use crate::text::{ends_sentence, starts_item, strip_bullet, strip_soft_hyphens};

/// Builds paragraphs from lines and roles in reading order.
pub(super) struct Assembler<'a> {
    typo: &'a Typography,
    vocabulary: &'a Vocabulary,
    paragraphs: Vec<Paragraph>,
    /// Every heading of the document, in order; paragraphs refer to them.
    all_headings: Vec<String>,
    /// The headings in force, outermost first (a chapter, then its
    /// sub-heading): a new heading closes those it does not sit under.
    headings: Vec<OpenHeading>,
    /// The paragraph still open for more lines, and its last line.
    open: Option<(usize, &'a Line)>,
    /// Left edge of the open paragraph's first line.
    open_x0: f64,
    open_lines: usize,
    last_heading_line: Option<&'a Line>,
    last_footnote: Option<(usize, &'a Line)>,
    /// The open table row: paragraph index, table row, baseline row of its last line.
    last_table: Option<(usize, usize, usize)>,
    /// The open caption: paragraph index and caption number.
    last_caption: Option<(usize, usize)>,
}

impl<'a> Assembler<'a> {
    pub fn new(typo: &'a Typography, vocabulary: &'a Vocabulary) -> Self {
        Assembler {
            typo,
            vocabulary,
            paragraphs: Vec::new(),
            all_headings: Vec::new(),
            headings: Vec::new(),
            open: None,
            open_x0: 0.0,
            open_lines: 0,
            last_heading_line: None,
            last_footnote: None,
            last_table: None,
            last_caption: None,
        }
    }

    /// The document's headings and its paragraphs.
    pub fn run(mut self, lines: &[&'a Line], roles: &[Role]) -> (Vec<String>, Vec<Paragraph>) {
        for (i, (line, role)) in lines.iter().zip(roles).enumerate() {
            // "A." over "B.", "1/" over "2/": an item of a labelled list,
            // however its label is written.
            let labelled = || super::siblings::in_list(lines, self.typo, i);
            match role {
                // Bold words then plain text starting a sentence: a run-in
                // heading that opens a paragraph, not a heading line.
                Role::Heading if run_in_heading(line).is_some() => self.text_line(line, labelled()),
                Role::Heading => self.heading_line(line),
                Role::Footnote => self.footnote_line(line),
                Role::TableRow(row) => self.table_line(line, *row),
                Role::Caption(n) => self.caption_line(line, *n),
                Role::Text => self.text_line(line, labelled()),
            }
        }
        for p in &mut self.paragraphs {
            p.text = strip_soft_hyphens(&p.text);
        }
        // A paragraph with no letter or digit ("........" form blanks,
        // "* * *" breaks, a lone "•") says nothing to a reader or the
        // classifier and no quote can come from it: dropped rather than
        // given a kind, as furniture is.
        self.paragraphs
            .retain(|p| p.text.chars().any(char::is_alphanumeric));
        // Figures alone ("27/05/2024" on a cover, a stray page number)
        // are no prose and no item of a list.
        for p in &mut self.paragraphs {
            if p.kind.is_classified() && !p.text.chars().any(char::is_alphabetic) {
                p.kind = ParagraphKind::Other;
            }
        }
        (self.all_headings, self.paragraphs)
    }

    fn heading_line(&mut self, line: &'a Line) {
        self.open = None;
        self.last_table = None;
        // A heading wrapped over two lines is one heading.
        let continues = self.last_heading_line.is_some_and(|h| {
            h.page == line.page
                && (h.size - line.size).abs() < 0.05 * h.size
                && line.y > h.y
                && line.y - h.y < 1.6 * h.size
        });
        match (self.headings.last_mut(), continues) {
            (Some(h), true) => join_line(
                &mut self.all_headings[h.id.index()],
                &line.text,
                self.vocabulary,
            ),
            _ => self.open_heading(line),
        }
        self.last_heading_line = Some(line);
    }

    /// A new heading: it closes the headings it does not sit under.
    fn open_heading(&mut self, line: &Line) {
        let heading = OpenHeading::new(line, HeadingId::from(self.all_headings.len()));
        self.all_headings.push(line.text.clone());
        while self.headings.last().is_some_and(|h| !h.outranks(&heading)) {
            self.headings.pop();
        }
        self.headings.push(heading);
    }

    fn footnote_line(&mut self, line: &'a Line) {
        let continues = self.last_footnote.is_some_and(|(_, prev)| {
            prev.page == line.page
                && !line.starts_with_marker
                && !starts_with_note_number(&line.text)
                && line.y - prev.y < 1.6 * line.size
        });
        match (self.last_footnote, continues) {
            (Some((index, _)), true) => join_line(
                &mut self.paragraphs[index].text,
                &line.text,
                self.vocabulary,
            ),
            _ => {
                let index = self.push(line, ParagraphKind::Footnote, line.text.clone());
                self.last_footnote = Some((index, line));
                return;
            }
        }
        if let Some((index, _)) = self.last_footnote {
            self.last_footnote = Some((index, line));
        }
    }

    fn table_line(&mut self, line: &'a Line, row: usize) {
        self.open = None;
        self.last_heading_line = None;
        match self.last_table {
            // Another cell on the same baseline row.
            Some((index, r, line_row)) if r == row && line_row == line.row => {
                self.paragraphs[index].text.push_str(" | ");
                self.paragraphs[index].text.push_str(&line.text);
            }
            // A wrapped cell line below the row it belongs to.
            Some((index, r, _)) if r == row => {
                join_line(
                    &mut self.paragraphs[index].text,
                    &line.text,
                    self.vocabulary,
                );
                self.last_table = Some((index, r, line.row));
            }
            _ => {
                let index = self.push(line, ParagraphKind::TableRow, line.text.clone());
                self.last_table = Some((index, row, line.row));
            }
        }
    }

    /// A caption's lines make one paragraph (roles decided where it ends).
    fn caption_line(&mut self, line: &'a Line, caption: usize) {
        self.open = None;
        self.last_heading_line = None;
        self.last_table = None;
        match self.last_caption {
            Some((index, c)) if c == caption => {
                join_line(
                    &mut self.paragraphs[index].text,
                    &line.text,
                    self.vocabulary,
                );
            }
            _ => {
                let index = self.push(line, ParagraphKind::Caption, line.text.clone());
                self.last_caption = Some((index, caption));
            }
        }
    }

    /// A line of running text; `labelled` when it opens an item of a
    /// labelled list (see `siblings::in_list`).
    fn text_line(&mut self, line: &'a Line, labelled: bool) {
        // A sub- or superscript of digits left on a baseline of its own
        // (the "2" of "pCO2") cannot be put back in its word: dropped,
        // rather than cutting the paragraph and making one of its own.
        if self
            .open
            .is_some_and(|(_, prev)| super::siblings::is_fragment_of(line, prev))
        {
            return;
        }
        self.last_heading_line = None;
        self.last_table = None;
        let item = (labelled || starts_item(&line.text)) && !self.dash_goes_on(line);
        if !item {
            if let Some((index, prev)) = self.open {
                if self.continues(prev, line, self.paragraphs[index].kind) {
                    join_line(
                        &mut self.paragraphs[index].text,
                        &line.text,
                        self.vocabulary,
                    );
                    // Over a column or page break the paragraph's margin
                    // moves with the column's: an item's marker stays
                    // where it would be on the new column.
                    if (line.page, line.column) != (prev.page, prev.column) {
                        self.open_x0 += self.typo.left_edge(line) - self.typo.left_edge(prev);
                    }
                    self.open = Some((index, line));
                    self.open_lines += 1;
                    return;
                }
            }
        }
        // A paragraph that opens with a bold run-in heading ("1.2 Méthode.
        // L'évaluation a été..."): the heading, then the paragraph.
        let run_in = if item { None } else { run_in_heading(line) };
        let line_text = match &run_in {
            Some((heading, rest)) => {
                self.open_heading(&Line {
                    text: heading.clone(),
                    bold: true,
                    bold_lead: None,
                    ..line.clone()
                });
                rest.as_str()
            }
            None => line.text.as_str(),
        };
        let (kind, text) = if item {
            (ParagraphKind::ListItem, strip_bullet(&line.text))
        } else {
            (ParagraphKind::Body, line_text)
        };
        let index = self.push(line, kind, text.to_string());
        self.open = Some((index, line));
        self.open_x0 = line.x0;
        self.open_lines = 1;
    }

    /// A line opening with a dash at the open paragraph's margin, under a
    /// full line that ends no sentence, goes on with the paragraph: a list
    /// of codes or figures wrapped at a " - " separator ("G8" / "- G166 -
    /// H96"). Items follow a line that ends (with a colon, mostly), or hang
    /// right of the text.
    fn dash_goes_on(&self, line: &Line) -> bool {
        let Some((index, prev)) = self.open else {
            return false;
        };
        line.text.starts_with(['-', '–'])
            && self.paragraphs[index].kind == ParagraphKind::Body
            && line.page == prev.page
            && line.column == prev.column
            && line.y > prev.y
            && line.y - prev.y <= self.typo.break_step_at(line.size)
            && (line.x0 - self.open_x0).abs() <= 0.5 * line.size
            && self.typo.is_full(prev)
            && !ends_sentence(&prev.text)
    }

    /// Appends a paragraph starting at `line`, under the headings in force;
    /// returns its index.
    fn push(&mut self, line: &Line, kind: ParagraphKind, text: String) -> usize {
        self.paragraphs.push(Paragraph {
            page: line.page,
            heading: self.heading(),
            section: self.section(),
            kind,
            text,
            labels: None,
        });
        self.paragraphs.len() - 1
    }

    /// The nearest heading above.
    fn heading(&self) -> Option<HeadingId> {
        self.headings.last().map(|h| h.id)
    }

    /// The heading the nearest heading sits under.
    fn section(&self) -> Option<HeadingId> {
        let n = self.headings.len();
        (n >= 2).then(|| self.headings[n - 2].id)
    }

    /// Whether `line` continues the open paragraph whose last line is `prev`.
    fn continues(&self, prev: &Line, line: &Line, kind: ParagraphKind) -> bool {
        if (line.size - prev.size).abs() > 0.15 * prev.size {
            return false;
        }
        // Two pieces of one baseline row, cut by a wide gap (an inline
        // picture) and told no table, the second going on in lower case,
        // or cut by a word space a justified line of a narrow column
        // stretched: one line of text. (Side by side columns the page was
        // not found to have start theirs with a capital as often as not,
        // a gutter away.)
        if line.page == prev.page
            && line.column == prev.column
            && line.row == prev.row
            && (line.text.chars().next().is_some_and(char::is_lowercase)
                || line.x0 - prev.x1 <= STRETCHED_SPACE * line.size)
        {
            return true;
        }
        let same_flow = line.page == prev.page && line.column == prev.column && line.y > prev.y;
        if !same_flow {
            // Column or page break: the paragraph goes on when its last line
            // is open (no final punctuation, or a hyphen) or fills the column,
            // and ran out of room. A line ending a sentence with room for
            // another under it ended its paragraph (the next one, or its
            // first lines, did not fit); any line with room for several
            // stopped before a figure or a section set on the next page.
            let room = self.typo.room_below(prev);
            if room >= ROOM_FOR_SEVERAL_LINES
                || (room >= ROOM_FOR_A_LINE && ends_sentence(&prev.text))
            {
                return false;
            }
            if !ends_sentence(&prev.text) {
                let broken = line.page != prev.page || line.column != prev.column;
                return !(broken && self.stops_short(prev, line));
            }
            // A line set in from its column's edge after a finished
            // sentence opens a paragraph with a first-line indent.
            let indented = line.x0 - self.typo.left_edge(line) > 0.8 * line.size;
            return !(kind == ParagraphKind::Body && indented) && self.ended_full(prev, line);
        }
        let step = line.y - prev.y;
        if step > self.typo.break_step_at(line.size) {
            // A box or a quiz may set its text with a leading of its own,
            // wider than the body's: its line still goes on with the one
            // above when that one filled its column with its sentence open
            // and this one carries the sentence on in lower case.
            return step <= WIDE_LEADING * self.typo.pitch(line.size)
                && self.typo.is_full(prev)
                && !self.typo.next_word_fits(prev, line)
                && !ends_sentence(&prev.text)
                && line.text.chars().next().is_some_and(char::is_lowercase);
        }
        let indent = line.x0 - prev.x0;
        match kind {
            // A first-line indent starts a new paragraph.
            ParagraphKind::Body
                if indent > 0.8 * line.size
                    && self.open_lines >= 1
                    && self.typo.is_full(prev)
                    && ends_sentence(&prev.text) =>
            {
                return false
            }
            ParagraphKind::Body if indent > 0.8 * line.size && self.open_lines >= 2 => {
                return false
            }
            // Left of the item's text where its previous lines hang, after
            // a finished sentence: a paragraph after the item.
            ParagraphKind::ListItem
                if self.open_lines >= 2
                    && line.x0 < prev.x0 - 0.5 * line.size
                    && ends_sentence(&prev.text) =>
            {
                return false
            }
            // Left of the item's marker: the list is over, unless the line
            // visibly goes on with the item's sentence (a numbered
            // paragraph whose number sits at a first-line indent, "(2) Le
            // Moyen Âge... qui" / "a fourni des éléments", wraps to the margin).
            ParagraphKind::ListItem if line.x0 < self.open_x0 - 0.5 * line.size => {
                return line.text.chars().next().is_some_and(char::is_lowercase)
                    && !ends_sentence(&prev.text)
                    && self.typo.is_full(prev)
            }
            // Most items hang their text right of the marker; a line back at
            // the marker's margin continues the item only when it visibly
            // continues its sentence (a slide's comment under a bullet does not).
            ParagraphKind::ListItem if line.x0 < self.open_x0 + 0.5 * line.size => {
                let continues_sentence = line.text.chars().next().is_some_and(char::is_lowercase)
                    || prev.text.ends_with('-');
                return continues_sentence
                    && (!ends_sentence(&prev.text) || self.typo.is_full(prev));
            }
            _ => {}
        }
        if self.stops_short(prev, line) {
            return false;
        }
        // A short line that ends a sentence ends its paragraph.
        !ends_sentence(&prev.text) || self.ended_full(prev, line) || self.wrapped(prev, line)
    }

    /// `prev` stops before two thirds of its column and `line` opens with
    /// a capital: `prev` ends its block even without punctuation, on the
    /// same page (the lines of a list set without bullets, "Le titre du
    /// papier" / "Le résumé de l'auteur"; a label over its text) as at the
    /// foot of a page or column ("Titre sur 2 lignes distinctes" / "Table
    /// restituée..." on the next page). Running text wraps where the next
    /// word no longer fits, far later (a long word cut at a hyphen aside).
    fn stops_short(&self, prev: &Line, line: &Line) -> bool {
        self.typo.is_short(prev)
            && !prev.text.ends_with(['-', '\u{AD}'])
            && line.text.chars().next().is_some_and(char::is_uppercase)
    }

    /// In ragged text whose paragraphs stand apart by a space, `line`
    /// follows `prev` with none, and `prev`, well past the middle of its
    /// column, had no room for `line`'s first word: a wrap inside the
    /// paragraph, however far from the edge the sentence ended
    /// ("finance les études préalables :" / "diagnostic de peuplement").
    fn wrapped(&self, prev: &Line, line: &Line) -> bool {
        self.typo.paragraph_step.is_some()
            && !self.typo.justified
            && !self.typo.is_short(prev)
            && !self.typo.next_word_fits(prev, line)
    }

    /// `prev`, ending a sentence, filled its column as a line inside a
    /// paragraph does: nearly to the edge, and without room for the first
    /// word of `line`, which it would have taken had its paragraph gone on.
    fn ended_full(&self, prev: &Line, line: &Line) -> bool {
        self.typo.is_full(prev) && !self.typo.next_word_fits(prev, line)
    }
}

/// Widest leading (in line pitches of the size) a box may set its wrapped
/// lines at.
const WIDE_LEADING: f64 = 1.6;
/// Widest word space (in font sizes) a justified line stretches to.
const STRETCHED_SPACE: f64 = 3.0;
/// Room under the last line of a page or column (in line pitches) for
/// one more line...
const ROOM_FOR_A_LINE: f64 = 0.9;
/// ... or for several: no paragraph running over the break leaves that.
const ROOM_FOR_SEVERAL_LINES: f64 = 3.0;

/// Most words a run-in heading has.
const RUN_IN_MAX_WORDS: usize = 12;

/// The run-in heading that opens a line, and the text after it: bold words
/// ending in a full stop or a colon, followed on the line by plain text that
/// starts a sentence ("Méthode et sources. L'évaluation..."). Bold words
/// inside a sentence ("Le **conseil citoyen** a...") do not end that way.
fn run_in_heading(line: &Line) -> Option<(String, String)> {
    let lead = line.bold_lead.as_deref()?.trim_end();
    let heading = lead.strip_suffix(['.', ':'])?.trim_end();
    let rest = line.text.get(lead.len()..)?.trim_start();
    let words = heading.split_whitespace().count();
    let opens_sentence = rest
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || matches!(c, '«' | '"' | '“'));
    (heading.chars().count() >= 3 && words <= RUN_IN_MAX_WORDS && opens_sentence)
        .then(|| (heading.to_string(), rest.to_string()))
}

/// A heading in force, with what tells its rank.
struct OpenHeading {
    /// Its place among the document's headings.
    id: HeadingId,
    size: f64,
    bold: bool,
    /// Depth of its number: "2." 1, "2.3" 2, "2.3.1" 3; "Partie 2" or
    /// "IV." 0 (parts hold numbered chapters); none when unnumbered or
    /// lettered ("A.", whose rank varies between reports).
    depth: Option<usize>,
}

static PART_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([IVX]{1,5}[.)]|(Partie|Chapitre|Titre)\x20+[0-9IVX]{1,4})\x20").expect("valid")
});
static DECIMAL_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]{1,2}((\.[0-9]{1,2}){0,3})[.)]?\x20").expect("valid"));

impl OpenHeading {
    fn new(line: &Line, id: HeadingId) -> OpenHeading {
        let text = line.text.trim_start();
        let depth = if PART_NUMBER.is_match(text) {
            Some(0)
        } else {
            DECIMAL_NUMBER
                .captures(text)
                .map(|c| 1 + c[1].matches('.').count())
        };
        OpenHeading {
            id,
            size: line.size,
            bold: line.bold,
            depth,
        }
    }

    /// Whether `other` sits under this heading: by their numbers when both
    /// are numbered. An unnumbered heading never holds a numbered one (a
    /// large chart title or a bold label is not a chapter); otherwise a
    /// bigger font, or bold over plain at one size, ranks higher.
    fn outranks(&self, other: &OpenHeading) -> bool {
        match (self.depth, other.depth) {
            (Some(a), Some(b)) => return a < b,
            (None, Some(_)) => return false,
            _ => {}
        }
        if self.size > 1.04 * other.size {
            return true;
        }
        (self.size - other.size).abs() <= 0.04 * other.size && self.bold && !other.bold
    }
}

pub(super) fn starts_with_note_number(text: &str) -> bool {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    (1..=3).contains(&digits) && text[digits..].starts_with([' ', '.', ')'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, bold_lead: Option<&str>) -> Line {
        Line {
            bold_lead: bold_lead.map(String::from),
            ..Line::plain(1, 0, (72.0, 520.0), 100.0, 11.0, text)
        }
    }

    #[test]
    fn a_bold_lead_ending_a_sentence_is_a_run_in_heading() {
        let l = line(
            "1.2 Méthode et sources. L'évaluation a été conduite",
            Some("1.2 Méthode et sources."),
        );
        assert_eq!(
            run_in_heading(&l),
            Some((
                "1.2 Méthode et sources".to_string(),
                "L'évaluation a été conduite".to_string()
            ))
        );
        // Bold words inside a sentence, or followed by lower case, are not.
        assert_eq!(
            run_in_heading(&line(
                "Le conseil citoyen a siégé",
                Some("Le conseil citoyen")
            )),
            None
        );
        assert_eq!(
            run_in_heading(&line("Note : voir plus bas", Some("Note :"))),
            None
        );
        assert_eq!(run_in_heading(&line("Sans lead. Texte", None)), None);
    }
}
