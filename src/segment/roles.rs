//! Roles of lines: heading, footnote, table row or text, decided from the
//! document's typography (see `Typography`).

use std::collections::HashMap;

use super::typography::Typography;
use crate::record::Line;
use crate::text::{ends_sentence, starts_with_bullet, MULTI_LEVEL_NUMBER, NUMBERED_HEADING};

/// What a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Heading,
    Footnote,
    /// Part of a table; the index is the table row it belongs to.
    TableRow(usize),
    /// Part of a figure's or table's caption; the index tells captions apart.
    Caption(usize),
    Text,
}

// Sizes and steps are relative to the document's body size and line pitch
// (`Typography`), so the rules carry over between producers and fonts.

/// Lines at least this share of the body size count as running text when
/// finding where the text of a column ends.
const TEXT_MIN_SIZE: f64 = 0.92;
/// A footnote is set smaller than this share of the body size...
const FOOTNOTE_MAX_SIZE: f64 = 0.88;
/// A heading by size is at least this share of the body size.
const HEADING_MIN_SIZE: f64 = 1.15;
/// A line stands apart from the next one past this many line pitches.
const APART_STEP: f64 = 1.3;
/// The last line of a bold or large sentence sits within this many
/// (size-scaled) line pitches of the line it continues.
const CONTINUATION_MAX_STEP: f64 = 1.5;
/// Two lines whose sizes differ by more than this share are set apart.
const SIZE_CHANGE: f64 = 0.1;
/// Most words a heading told only by the space around it has.
const LABEL_MAX_WORDS: usize = 4;
/// A bold line closed by a colon with at least this many words is a
/// sentence leading into what follows, not a heading.
const LEAD_IN_MIN_WORDS: usize = 9;
/// A short line at least this share of the body size and of the next
/// line's size is raised like a heading...
const RAISED_SIZE: f64 = 1.05;
/// ... when it has at most this many words.
const RAISED_MAX_WORDS: usize = 12;

/// The role of every line, in four passes: footnotes, tables, captions,
/// then headings among the remaining lines.
pub(super) fn assign_roles(lines: &[&Line], typo: &Typography) -> Vec<Role> {
    let mut roles = vec![Role::Text; lines.len()];
    mark_footnotes(lines, typo, &mut roles);
    super::tables::mark_tables(lines, typo, &mut roles);
    super::captions::mark_captions(lines, typo, &mut roles);
    mark_headings(lines, typo, &mut roles);
    roles
}

/// Footnotes: small lines below the last line of body text in their
/// column (in two columns, a note sits under the column that calls it).
fn mark_footnotes(lines: &[&Line], typo: &Typography, roles: &mut [Role]) {
    let body = typo.body_size;
    let mut body_bottom: HashMap<(u32, u8), f64> = HashMap::new();
    for l in lines.iter().filter(|l| l.size >= TEXT_MIN_SIZE * body) {
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
    let below: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let l = lines[i];
            l.size < FOOTNOTE_MAX_SIZE * body && bottom_of(l).is_some_and(|b| l.y > b)
        })
        .collect();
    // Notes are called: the first small line under the text of a page
    // starts with its number or sign. Small text that does not, and
    // outweighs the page's text, is the page's text in a smaller size (a
    // licence notice on a cover page), not notes.
    let mut pages: HashMap<u32, Vec<usize>> = HashMap::new();
    for &i in &below {
        pages.entry(lines[i].page).or_default().push(i);
    }
    for (page, small) in pages {
        let first = lines[small[0]];
        let called =
            first.starts_with_marker || super::assemble::starts_with_note_number(&first.text);
        let text_lines = lines
            .iter()
            .filter(|l| l.page == page && l.size >= TEXT_MIN_SIZE * body)
            .count();
        if called || small.len() <= text_lines {
            for i in small {
                roles[i] = Role::Footnote;
            }
        }
    }
}

/// Headings: larger type, or numbered / capitalised / bold short lines
/// standing apart.
fn mark_headings(lines: &[&Line], typo: &Typography, roles: &mut [Role]) {
    let body = typo.body_size;
    let recurring = super::labels::recurring_labels(lines, typo, roles);
    let series = super::labels::series_headings(lines, typo, roles);
    for i in 0..lines.len() {
        if roles[i] != Role::Text {
            continue;
        }
        if series.contains(&i) {
            roles[i] = Role::Heading;
            continue;
        }
        let l = lines[i];
        let words = l.text.split_whitespace().count();
        let letters = l.text.chars().filter(|c| c.is_alphabetic()).count();
        if letters < 2 || starts_with_bullet(&l.text) {
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
                    && l.y - p.y < CONTINUATION_MAX_STEP * typo.line_step * l.size / body
            };
        if continues_above {
            continue;
        }
        // A sub- or superscript left on its own baseline under the line
        // is part of it, not the next line.
        let apart_after = super::siblings::next_line(lines, i).is_none_or(|n| {
            n.page != l.page
                || n.column != l.column
                || n.y - l.y > APART_STEP * typo.line_step
                || (n.size - l.size).abs() > SIZE_CHANGE * l.size
        });
        let bigger = l.size >= HEADING_MIN_SIZE * body && words <= 30;
        let numbered = NUMBERED_HEADING.is_match(&l.text)
            && words <= 14
            && !ends_sentence(&l.text)
            && !l.text.ends_with(',')
            && (MULTI_LEVEL_NUMBER.is_match(&l.text) || apart_after)
            // "C." between "B." and "D." is an item of their list.
            && !super::siblings::in_list(lines, typo, i);
        let alphanumeric = l.text.chars().filter(|c| c.is_alphanumeric()).count();
        let capitals_line = letters >= 4
            && letters * 10 >= alphanumeric * 6
            && words <= 12
            && l.text
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase);
        let capitals = capitals_line && apart_after;
        // A short bold line on its own (the next line is not bold, or stands
        // apart): the usual heading of word-processed reports. A bold
        // paragraph goes on in bold and ends with a full stop, so it is not one.
        // A long bold sentence closed by a colon introduces what follows
        // ("L'ouverture des données bénéficie aux administrations :"): a
        // lead-in of the text, where a heading with a colon is a label
        // ("Avantages :", "Objectif de ce sprint :").
        let word_count = l
            .text
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count();
        let lead_in = l.text.trim_end().ends_with(':') && word_count >= LEAD_IN_MIN_WORDS;
        // The last of a run of bold lines at the line pitch (a list set in
        // bold without bullets) ends that run: no heading over what follows.
        let ends_bold_run = i > 0 && roles[i - 1] != Role::Heading && {
            let p = lines[i - 1];
            p.bold
                && p.page == l.page
                && p.column == l.column
                && l.y > p.y
                && l.y - p.y <= typo.break_step_at(l.size)
                && (p.size - l.size).abs() <= SIZE_CHANGE * l.size
        };
        let bold = l.bold
            && letters >= 3
            && words <= 15
            && !lead_in
            && !ends_bold_run
            && !l.text.trim_end().ends_with(['.', ';', ',', '…'])
            && (apart_after || lines.get(i + 1).is_some_and(|n| !n.bold));
        // A short label at body size, set apart above and below and closed
        // by no punctuation ("Références", "Cas particuliers"): a heading
        // whose style is not in its size or weight (colour, spacing).
        let apart_before = i == 0 || {
            let p = lines[i - 1];
            p.page != l.page || p.column != l.column || l.y - p.y > APART_STEP * typo.line_step
        };
        let starts_capital = l.text.chars().next().is_some_and(char::is_uppercase);
        let label = words <= LABEL_MAX_WORDS
            && letters >= 4
            && starts_capital
            && !l
                .text
                .trim_end()
                .ends_with(|c: char| c.is_ascii_punctuation() || c == '…')
            && apart_before
            && apart_after
            && lines.get(i + 1).is_some_and(|n| n.page == l.page);
        // A label the document sets again and again on a line of its own
        // after a space ("Références", "Cas particuliers", "Points forts"):
        // its template's heading, whatever spacing follows it.
        let recurring = apart_before && recurring.contains(&i);
        // A short line a little larger than the body and than the line
        // under it ("Avantages :" at 13 pt over 11 pt items): a heading by
        // size below the general threshold, told by being short and open.
        let next_size = lines
            .get(i + 1)
            .filter(|n| n.page == l.page)
            .map_or(body, |n| n.size);
        // The line above, same size and close, left its sentence open: this
        // line goes on with it ("https://github.com/x/Parser-" / "IRISA/issues").
        let goes_on = i > 0 && roles[i - 1] != Role::Heading && {
            let p = lines[i - 1];
            p.page == l.page
                && p.column == l.column
                && l.y > p.y
                && l.y - p.y < CONTINUATION_MAX_STEP * typo.line_step * l.size / body
                && (p.size - l.size).abs() <= SIZE_CHANGE * l.size
                && !ends_sentence(&p.text)
        };
        let raised = l.size >= RAISED_SIZE * body
            && l.size >= RAISED_SIZE * next_size
            && words <= RAISED_MAX_WORDS
            && starts_capital
            && !goes_on
            && !super::labels::ends_open(&l.text)
            && !l.text.trim_end().ends_with(['.', ';', ',', '…', '!', '?']);
        // A line in capitals after a space, over a line of ordinary text
        // that opens a sentence ("PROCÈS-VERBAL" over "Séance publique..."):
        // a title even when the text follows at the line pitch.
        let capitals_over_text = capitals_line
            && apart_before
            && lines.get(i + 1).is_some_and(|n| {
                n.page == l.page
                    && n.text.chars().next().is_some_and(char::is_uppercase)
                    && n.text.chars().any(char::is_lowercase)
            });
        if bigger
            || numbered
            || capitals
            || bold
            || label
            || recurring
            || raised
            || capitals_over_text
        {
            roles[i] = Role::Heading;
        }
    }
}
