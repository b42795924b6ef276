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
    Text,
}

pub(super) fn assign_roles(lines: &[&Line], typo: &Typography) -> Vec<Role> {
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
