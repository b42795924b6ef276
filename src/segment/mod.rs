//! Segmentation stage: pages of lines -> paragraphs as a reader sees them.
//!
//! Each line gets a role (heading, table row, footnote, text); text lines are
//! joined into paragraphs by vertical gaps, indentation, list markers, font
//! size and line fill; a paragraph that runs over a column or page break is
//! joined and keeps the page it starts on. Every paragraph carries the
//! nearest heading above it and the heading that one sits under (its
//! section: "4. Le conseil citoyen" above "4.2 Les difficultés").

mod join;

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::extract::{ExtractedPage, Line};
use crate::record::{Paragraph, ParagraphKind};
use join::{join_line, Vocabulary};

/// Bullet glyphs, including the private-use code points of Symbol and
/// Wingdings bullets that Word and LibreOffice export.
fn is_bullet_char(c: char) -> bool {
    matches!(
        c,
        '•' | '·'
            | '▪'
            | '▫'
            | '◦'
            | '‣'
            | '⁃'
            | '∙'
            | '●'
            | '○'
            | '■'
            | '□'
            | '➢'
            | '➤'
            | '►'
            | '▶'
            | '✓'
            | '✔'
            | '❖'
            | '–'
            | '—'
            | '-'
            | '*'
            | '◆'
            | '◇'
    ) || ('\u{F000}'..='\u{F8FF}').contains(&c)
}

/// A fragment that is only a bullet (drawn apart from its text).
pub fn is_bullet_only(text: &str) -> bool {
    let mut chars = text.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if is_bullet_char(c))
}

static NUMBERED_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9]{1,2}[.)]|[a-z][.)]|[ivx]{1,4}[.)]|\([0-9]{1,2}\)|\([a-z]\))\x20")
        .expect("valid")
});
static NUMBERED_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    // The title after the number starts with a capital: "29 % des jeunes"
    // or "12 associations" at the start of a line are prose.
    Regex::new(r"^([0-9]{1,2}(\.[0-9]{1,2}){1,3}\.?|[0-9]{1,2}[.)]?|[IVX]{1,5}[.)]|[A-H][.)]|(Partie|Chapitre|Axe|Pilier|Annexe|Orientation)\x20+[0-9]{1,2}\x20*[.:–-]?)\x20+[«\x22]?\x20?[A-ZÀ-ÖØ-ÞŒ]")
        .expect("valid")
});
static MULTI_LEVEL_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]{1,2}(\.[0-9]{1,2}){1,3}\.?\x20").expect("valid"));

/// What a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Heading,
    Footnote,
    /// Part of a table; the index is the table row it belongs to.
    TableRow(usize),
    Text,
}

/// Measures of the document's typography that the rules are relative to.
struct Typography {
    body_size: f64,
    /// Usual baseline step between two lines of body text.
    line_step: f64,
    /// Most lines reach the right edge: text is justified.
    justified: bool,
    /// Left and right edges of the text per (page, column).
    edges: HashMap<(u32, u8), (f64, f64)>,
}

impl Typography {
    fn measure(pages: &[ExtractedPage]) -> Typography {
        let lines = || pages.iter().flat_map(|p| p.lines.iter());
        let mut size_weight: HashMap<i64, usize> = HashMap::new();
        for l in lines() {
            *size_weight
                .entry((l.size * 2.0).round() as i64)
                .or_default() += l.text.chars().count();
        }
        let body_size = size_weight
            .iter()
            .max_by_key(|(k, n)| (**n, -**k))
            .map_or(10.0, |(k, _)| *k as f64 / 2.0);
        let is_body = |l: &Line| (l.size - body_size).abs() <= 0.1 * body_size;

        let mut edges: HashMap<(u32, u8), (f64, f64)> = HashMap::new();
        for l in lines().filter(|l| is_body(l)) {
            let e = edges
                .entry((l.page, l.column))
                .or_insert((f64::INFINITY, f64::NEG_INFINITY));
            e.0 = e.0.min(l.x0);
            e.1 = e.1.max(l.x1);
        }
        let mut steps: HashMap<i64, usize> = HashMap::new();
        let (mut full, mut total) = (0usize, 0usize);
        for page in pages {
            for w in page.lines.windows(2) {
                let (a, b) = (&w[0], &w[1]);
                if is_body(a) && is_body(b) && a.column == b.column && b.row != a.row {
                    let step = b.y - a.y;
                    if step > 0.5 * body_size && step < 3.0 * body_size {
                        *steps.entry((step * 4.0).round() as i64).or_default() += 1;
                    }
                }
            }
            for l in page.lines.iter().filter(|l| is_body(l)) {
                if let Some(&(_, right)) = edges.get(&(l.page, l.column)) {
                    total += 1;
                    if l.x1 >= right - 1.0 {
                        full += 1;
                    }
                }
            }
        }
        let line_step = steps
            .iter()
            .max_by_key(|(k, n)| (**n, -**k))
            .map_or(1.2 * body_size, |(k, _)| *k as f64 / 4.0);
        Typography {
            body_size,
            line_step,
            justified: total > 0 && full * 10 >= total * 4,
            edges,
        }
    }

    fn edges(&self, l: &Line) -> (f64, f64) {
        self.edges
            .get(&(l.page, l.column))
            .copied()
            .unwrap_or((l.x0, l.x1))
    }

    /// The line reaches (nearly) the right edge of its column.
    fn is_full(&self, l: &Line) -> bool {
        let (left, right) = self.edges(l);
        let slack = if self.justified {
            2.0 * l.size
        } else {
            (0.15 * (right - left)).max(3.0 * l.size)
        };
        l.x1 >= right - slack
    }
}

fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '»' | '"' | '”' | '’' | ')' | ']' | '\'')
    });
    t.ends_with(['.', '!', '?', '…', ':', ';'])
}

fn starts_item(text: &str) -> bool {
    let mut chars = text.chars();
    let first_is_bullet =
        chars.next().is_some_and(is_bullet_char) && chars.next().is_some_and(char::is_whitespace);
    first_is_bullet || NUMBERED_ITEM.is_match(text)
}

/// The item's text without its bullet; numbers and letters are kept.
fn strip_bullet(text: &str) -> &str {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), Some(s)) if is_bullet_char(c) && s.is_whitespace() => chars.as_str().trim_start(),
        _ => text,
    }
}

/// Cuts pages into paragraphs.
pub fn segment(pages: &[ExtractedPage]) -> Vec<Paragraph> {
    let lines: Vec<&Line> = pages.iter().flat_map(|p| p.lines.iter()).collect();
    if lines.is_empty() {
        return Vec::new();
    }
    let typo = Typography::measure(pages);
    let mut vocabulary = Vocabulary::default();
    let mut follows_hyphen = false;
    for l in &lines {
        vocabulary.add_line(&l.text, follows_hyphen);
        follows_hyphen = l.text.ends_with('-') || l.text.ends_with('\u{AD}');
    }
    let roles = assign_roles(&lines, &typo);
    Assembler::new(&typo, &vocabulary).run(&lines, &roles)
}

fn assign_roles(lines: &[&Line], typo: &Typography) -> Vec<Role> {
    let body = typo.body_size;
    let mut roles = vec![Role::Text; lines.len()];

    // Footnotes: small lines below the last line of body text in their
    // column (in two columns, a note sits under the column that calls it).
    let mut body_bottom: HashMap<(u32, u8), f64> = HashMap::new();
    for l in lines.iter().filter(|l| l.size >= 0.92 * body) {
        let b = body_bottom
            .entry((l.page, l.column))
            .or_insert(f64::NEG_INFINITY);
        *b = b.max(l.y);
    }
    let bottom_of = |l: &Line| {
        // A line spanning both columns is compared with the lower column.
        let own = body_bottom.get(&(l.page, l.column)).copied();
        let spanning = body_bottom.get(&(l.page, 0)).copied();
        match (own, spanning) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    };
    for (i, l) in lines.iter().enumerate() {
        if l.size < 0.88 * body && bottom_of(l).is_some_and(|b| l.y > b) {
            roles[i] = Role::Footnote;
        }
    }

    // Tables: runs of rows cut into several cells, in one column.
    let mut table_row = 0usize;
    let mut i = 0;
    while i < lines.len() {
        let cells = |i: usize| {
            let l = lines[i];
            lines[i..]
                .iter()
                .take_while(|m| m.page == l.page && m.row == l.row && m.column == l.column)
                .count()
        };
        let n = cells(i);
        if n >= 2 && roles[i] == Role::Text {
            // Collect the run: multi-cell rows, and single lines between them
            // (wrapped cells) that stay close.
            let mut j = i;
            let mut rows = 0;
            let mut last_multi_end = i;
            while j < lines.len()
                && roles[j] == Role::Text
                && lines[j].page == lines[i].page
                && lines[j].column == lines[i].column
            {
                let c = cells(j);
                if c >= 2 {
                    rows += 1;
                    last_multi_end = j + c;
                } else if lines[j].y - lines[last_multi_end - 1].y > 3.0 * typo.line_step {
                    break;
                }
                j += c;
            }
            // Wrapped lines of the last row, just below it.
            while last_multi_end < lines.len()
                && roles[last_multi_end] == Role::Text
                && cells(last_multi_end) == 1
                && lines[last_multi_end].page == lines[i].page
                && lines[last_multi_end].y > lines[last_multi_end - 1].y
                && lines[last_multi_end].y - lines[last_multi_end - 1].y <= 1.15 * typo.line_step
                && lines[last_multi_end].x0 > lines[i].x0 + 2.0 * typo.body_size
            {
                last_multi_end += 1;
            }
            if rows >= 2 {
                let mut k = i;
                while k < last_multi_end {
                    let c = cells(k);
                    if c >= 2 {
                        table_row += 1;
                    }
                    for r in &mut roles[k..k + c] {
                        *r = Role::TableRow(table_row);
                    }
                    k += c;
                }
                i = last_multi_end;
                continue;
            }
        }
        i += n.max(1);
    }

    // Headings: larger type, or numbered / capitalised / bold short lines standing apart.
    for i in 0..lines.len() {
        if roles[i] != Role::Text {
            continue;
        }
        let l = lines[i];
        let words = l.text.split_whitespace().count();
        let letters = l.text.chars().filter(|c| c.is_alphabetic()).count();
        if letters < 2 || starts_item_with_bullet(&l.text) {
            continue;
        }
        // The last line of a bold or large sentence ("... pertinente ?")
        // starts in lower case right under the line it continues (a
        // heading wrapped over two lines is still one heading).
        let continues_above = i > 0
            && roles[i - 1] != Role::Heading
            && l.text.chars().next().is_some_and(char::is_lowercase)
            && {
                let p = lines[i - 1];
                p.page == l.page
                    && p.column == l.column
                    && l.y > p.y
                    && l.y - p.y < 1.5 * typo.line_step * l.size / body
            };
        if continues_above {
            continue;
        }
        let apart_after = lines.get(i + 1).is_none_or(|n| {
            n.page != l.page
                || n.column != l.column
                || n.y - l.y > 1.3 * typo.line_step
                || (n.size - l.size).abs() > 0.1 * l.size
        });
        let bigger = l.size >= 1.15 * body && words <= 30;
        let numbered = NUMBERED_HEADING.is_match(&l.text)
            && words <= 14
            && !ends_sentence(&l.text)
            && !l.text.ends_with(',')
            && (MULTI_LEVEL_NUMBER.is_match(&l.text) || apart_after);
        let capitals = letters >= 4
            && words <= 12
            && l.text
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase)
            && apart_after;
        // A short bold line on its own (the next line is not bold, or stands
        // apart): the usual heading of word-processed reports. A bold
        // paragraph goes on in bold and ends with a full stop, so it is not one.
        let bold = l.bold
            && letters >= 3
            && words <= 15
            && !l.text.trim_end().ends_with(['.', ';', ',', '…'])
            && (apart_after || lines.get(i + 1).is_some_and(|n| !n.bold));
        if bigger || numbered || capitals || bold {
            roles[i] = Role::Heading;
        }
    }
    roles
}

fn starts_item_with_bullet(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(is_bullet_char) && chars.next().is_some_and(char::is_whitespace)
}

/// Builds paragraphs from lines and roles in reading order.
struct Assembler<'a> {
    typo: &'a Typography,
    vocabulary: &'a Vocabulary,
    paragraphs: Vec<Paragraph>,
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
}

impl<'a> Assembler<'a> {
    fn new(typo: &'a Typography, vocabulary: &'a Vocabulary) -> Self {
        Assembler {
            typo,
            vocabulary,
            paragraphs: Vec::new(),
            headings: Vec::new(),
            open: None,
            open_x0: 0.0,
            open_lines: 0,
            last_heading_line: None,
            last_footnote: None,
            last_table: None,
        }
    }

    fn run(mut self, lines: &[&'a Line], roles: &[Role]) -> Vec<Paragraph> {
        for (line, role) in lines.iter().zip(roles) {
            match role {
                Role::Heading => self.heading_line(line),
                Role::Footnote => self.footnote_line(line),
                Role::TableRow(row) => self.table_line(line, *row),
                Role::Text => self.text_line(line),
            }
        }
        for p in &mut self.paragraphs {
            p.text = crate::extract::strip_soft_hyphens(&p.text);
        }
        self.paragraphs
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
            (Some(h), true) => join_line(&mut h.text, &line.text, self.vocabulary),
            _ => {
                let heading = OpenHeading::new(line);
                while self.headings.last().is_some_and(|h| !h.outranks(&heading)) {
                    self.headings.pop();
                }
                self.headings.push(heading);
            }
        }
        self.last_heading_line = Some(line);
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
                self.paragraphs.push(Paragraph {
                    page: line.page,
                    heading: self.heading(),
                    section: self.section(),
                    kind: ParagraphKind::Footnote,
                    text: line.text.clone(),
                    labels: None,
                });
                self.last_footnote = Some((self.paragraphs.len() - 1, line));
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
                self.paragraphs.push(Paragraph {
                    page: line.page,
                    heading: self.heading(),
                    section: self.section(),
                    kind: ParagraphKind::TableRow,
                    text: line.text.clone(),
                    labels: None,
                });
                self.last_table = Some((self.paragraphs.len() - 1, row, line.row));
            }
        }
    }

    fn text_line(&mut self, line: &'a Line) {
        self.last_heading_line = None;
        self.last_table = None;
        let item = starts_item(&line.text);
        if !item {
            if let Some((index, prev)) = self.open {
                if self.continues(prev, line, self.paragraphs[index].kind) {
                    join_line(
                        &mut self.paragraphs[index].text,
                        &line.text,
                        self.vocabulary,
                    );
                    self.open = Some((index, line));
                    self.open_lines += 1;
                    return;
                }
            }
        }
        let (kind, text) = if item {
            (ParagraphKind::ListItem, strip_bullet(&line.text))
        } else {
            (ParagraphKind::Body, line.text.as_str())
        };
        self.paragraphs.push(Paragraph {
            page: line.page,
            heading: self.heading(),
            section: self.section(),
            kind,
            text: text.to_string(),
            labels: None,
        });
        self.open = Some((self.paragraphs.len() - 1, line));
        self.open_x0 = line.x0;
        self.open_lines = 1;
    }

    /// The nearest heading above.
    fn heading(&self) -> Option<String> {
        self.headings.last().map(|h| h.text.clone())
    }

    /// The heading the nearest heading sits under.
    fn section(&self) -> Option<String> {
        let n = self.headings.len();
        (n >= 2).then(|| self.headings[n - 2].text.clone())
    }

    /// Whether `line` continues the open paragraph whose last line is `prev`.
    fn continues(&self, prev: &Line, line: &Line, kind: ParagraphKind) -> bool {
        if (line.size - prev.size).abs() > 0.15 * prev.size {
            return false;
        }
        let same_flow = line.page == prev.page && line.column == prev.column && line.y > prev.y;
        if !same_flow {
            // Column or page break: the paragraph goes on when its last line
            // is open (no final punctuation, or a hyphen) or fills the column.
            return !ends_sentence(&prev.text) || self.typo.is_full(prev);
        }
        let step = line.y - prev.y;
        let usual = self.typo.line_step * line.size / self.typo.body_size;
        if step > 1.4 * usual {
            return false;
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
            // Left of the item's marker: the list is over.
            ParagraphKind::ListItem if line.x0 < self.open_x0 - 0.5 * line.size => return false,
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
        // A short line that ends a sentence ends its paragraph.
        !ends_sentence(&prev.text) || self.typo.is_full(prev)
    }
}

/// A heading in force, with what tells its rank.
struct OpenHeading {
    text: String,
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
    fn new(line: &Line) -> OpenHeading {
        let text = line.text.trim_start();
        let depth = if PART_NUMBER.is_match(text) {
            Some(0)
        } else {
            DECIMAL_NUMBER
                .captures(text)
                .map(|c| 1 + c[1].matches('.').count())
        };
        OpenHeading {
            text: line.text.clone(),
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

fn starts_with_note_number(text: &str) -> bool {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    (1..=3).contains(&digits) && text[digits..].starts_with([' ', '.', ')'])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of lines laid out top-down: (x0, size, text); a `None` leaves a blank line.
    fn page(number: u32, lines: &[Option<(f64, f64, &str)>]) -> ExtractedPage {
        let mut y = 100.0;
        let mut out = Vec::new();
        for (row, l) in lines.iter().enumerate() {
            if let Some((x0, size, text)) = *l {
                // Full lines reach the right edge (justified text); short ones stop early.
                let x1 = if text.ends_with('.') || text.len() < 40 {
                    x0 + 4.0 * text.len() as f64
                } else {
                    520.0
                };
                out.push(Line {
                    page: number,
                    x0,
                    x1: x1.min(520.0),
                    y,
                    size,
                    text: text.to_string(),
                    column: 0,
                    row,
                    starts_with_marker: false,
                    bold: false,
                });
            }
            y += 14.0;
        }
        ExtractedPage {
            number,
            width: 595.0,
            height: 842.0,
            columns: 1,
            lines: out,
            dropped: Vec::new(),
            failed: false,
        }
    }

    fn long(text: &str) -> String {
        format!(
            "{text} {}",
            "et la suite du texte courant qui remplit la ligne jusqu'au bord droit de la colonne"
        )
    }

    #[test]
    fn the_short_last_line_of_a_bold_question_is_not_a_heading() {
        let question = long("Critère 3.2 Dans chaque page web, le contraste entre la couleur du texte et celle de son arrière-plan est-il");
        let mut p = page(
            1,
            &[
                Some((72.0, 10.0, "1. Couleurs")),
                None,
                Some((72.0, 10.0, &question)),
                Some((72.0, 10.0, "suffisamment élevé ?")),
                Some((72.0, 10.0, "Le test porte sur chaque texte de la page.")),
            ],
        );
        for line in &mut p.lines[1..3] {
            line.bold = true;
        }
        let paragraphs = segment(&[p]);
        assert!(
            paragraphs
                .iter()
                .all(|p| p.heading.as_deref() == Some("1. Couleurs")),
            "{:?}",
            paragraphs.iter().map(|p| &p.heading).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_paragraph_knows_the_section_its_heading_sits_under() {
        let body = "Le tirage au sort a été renouvelé en 2019 dans les trois quartiers.";
        let p = page(
            2,
            &[
                Some((72.0, 16.0, "4. Le conseil citoyen")),
                None,
                Some((72.0, 10.0, body)),
                None,
                Some((72.0, 12.0, "4.2 Les difficultés")),
                None,
                Some((72.0, 10.0, body)),
                None,
                // Unnumbered, smaller: under 4.2.
                Some((72.0, 11.5, "Le renouvellement")),
                None,
                Some((72.0, 10.0, body)),
                None,
                // A sibling of 4.2 by its number, though unnumbered one is smaller.
                Some((72.0, 12.0, "4.3 Les effets")),
                None,
                Some((72.0, 10.0, body)),
                None,
                Some((72.0, 16.0, "5. Conclusion")),
                None,
                Some((72.0, 10.0, body)),
            ],
        );
        let paragraphs = segment(&[p]);
        let placed: Vec<(Option<&str>, Option<&str>)> = paragraphs
            .iter()
            .map(|p| (p.heading.as_deref(), p.section.as_deref()))
            .collect();
        assert_eq!(
            placed,
            [
                (Some("4. Le conseil citoyen"), None),
                (Some("4.2 Les difficultés"), Some("4. Le conseil citoyen")),
                (Some("Le renouvellement"), Some("4.2 Les difficultés")),
                (Some("4.3 Les effets"), Some("4. Le conseil citoyen")),
                (Some("5. Conclusion"), None),
            ]
        );
    }

    #[test]
    fn headings_list_items_and_paragraphs() {
        let first = long("Le contrat de ville a été signé en 2015 par la commune");
        let p = page(
            3,
            &[
                Some((72.0, 14.0, "4. Le conseil citoyen")),
                None,
                Some((72.0, 10.0, &first)),
                Some((72.0, 10.0, "des partenaires.")),
                None,
                Some((72.0, 10.0, "Les difficultés sont les suivantes :")),
                Some((72.0, 10.0, "• un rôle mal défini ;")),
                Some((72.0, 10.0, "• des conflits internes.")),
            ],
        );
        let paragraphs = segment(&[p]);
        let texts: Vec<(&str, &str)> = paragraphs
            .iter()
            .map(|p| (p.kind.as_str(), p.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                ("body", format!("{first} des partenaires.").as_str()),
                ("body", "Les difficultés sont les suivantes :"),
                ("list_item", "un rôle mal défini ;"),
                ("list_item", "des conflits internes."),
            ]
        );
        assert!(paragraphs
            .iter()
            .all(|p| p.heading.as_deref() == Some("4. Le conseil citoyen") && p.page == 3));
    }

    #[test]
    fn a_paragraph_over_a_page_break_is_joined_and_keeps_its_first_page() {
        let body = long("Le comité de pilotage s'est réuni chaque année");
        let p1 = page(
            4,
            &[
                Some((72.0, 10.0, &body)),
                Some((
                    72.0,
                    10.0,
                    &long("mais ses débats se sont limités à la programmation"),
                )),
            ],
        );
        let p2 = page(
            5,
            &[
                Some((72.0, 10.0, "annuelle des actions.")),
                None,
                Some((72.0, 10.0, "Un autre paragraphe.")),
            ],
        );
        let paragraphs = segment(&[p1, p2]);
        assert_eq!(paragraphs.len(), 2, "{paragraphs:?}");
        assert_eq!(paragraphs[0].page, 4);
        assert!(paragraphs[0].text.ends_with("annuelle des actions."));
        assert_eq!(paragraphs[1].page, 5);
    }

    #[test]
    fn a_short_bold_line_is_a_heading_but_a_bold_paragraph_is_not() {
        let mut p = page(
            2,
            &[
                Some((72.0, 10.0, "Les difficultés rencontrées")),
                Some((72.0, 10.0, "Le renouvellement des membres reste difficile.")),
                None,
                Some((
                    72.0,
                    10.0,
                    &long("Un encadré en gras rappelle les chiffres clés"),
                )),
                Some((72.0, 10.0, "du contrat.")),
            ],
        );
        for i in [0, 2, 3] {
            p.lines[i].bold = true;
        }
        let paragraphs = segment(&[p]);
        assert_eq!(paragraphs.len(), 2, "{paragraphs:?}");
        assert_eq!(
            paragraphs[0].heading.as_deref(),
            Some("Les difficultés rencontrées")
        );
        assert!(paragraphs[1].text.starts_with("Un encadré en gras"));
    }

    #[test]
    fn small_lines_under_the_text_are_footnotes() {
        let mut p = page(
            2,
            &[
                Some((72.0, 10.0, "Le taux de chômage atteint 28 %.")),
                Some((72.0, 10.0, "Il reste élevé.")),
            ],
        );
        p.lines.push(Line {
            page: 2,
            x0: 72.0,
            x1: 300.0,
            y: 780.0,
            size: 8.0,
            text: "Source : Insee, 2020.".into(),
            column: 0,
            row: 99,
            starts_with_marker: true,
            bold: false,
        });
        let paragraphs = segment(&[p]);
        let last = paragraphs.last().unwrap();
        assert_eq!(
            (last.kind, last.text.as_str()),
            (ParagraphKind::Footnote, "Source : Insee, 2020.")
        );
    }

    #[test]
    fn numbered_headings_need_a_title() {
        assert!(NUMBERED_HEADING.is_match("2.1 Le contexte"));
        assert!(NUMBERED_HEADING.is_match("3. Évaluation"));
        assert!(NUMBERED_HEADING.is_match("IV. Conclusions"));
        assert!(!NUMBERED_HEADING.is_match("29 % des 16-25 ans ne sont ni en emploi"));
        assert!(!NUMBERED_HEADING.is_match("12 associations ont répondu"));
    }

    #[test]
    fn numbered_items_keep_their_number() {
        assert!(starts_item("1. Renforcer le pilotage"));
        assert!(starts_item("a) Clarifier le rôle"));
        assert!(starts_item("• Renforcer"));
        assert!(!starts_item("2022 a été une année"));
        assert_eq!(
            strip_bullet("• Renforcer le pilotage"),
            "Renforcer le pilotage"
        );
        assert_eq!(strip_bullet("1. Renforcer"), "1. Renforcer");
    }
}
