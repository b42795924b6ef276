//! Lines read with their neighbours: a sub- or superscript left on a
//! baseline of its own ("pCO" then a tiny "2" just under it), and the
//! items of a lettered or numbered list ("A." to "E." under a question),
//! which a heading rule would otherwise take one by one for numbered
//! headings ("C. En cas d'acidose..." standing apart above a subscript).

use std::sync::LazyLock;

use regex::Regex;

use super::typography::Typography;
use crate::record::Line;

/// A fragment is set at most this share of the size of the line it hangs on...
const FRAGMENT_MAX_SIZE: f64 = 0.75;
/// ... holds at most this many characters besides spaces...
const FRAGMENT_MAX_CHARS: usize = 6;
/// ... and sits within this share of that line's size below or above it.
const FRAGMENT_MAX_OFFSET: f64 = 0.8;
/// Siblings of a list sit at most this many line pitches apart.
const SIBLING_MAX_STEP: f64 = 2.5;

/// `n` is a sub- or superscript of `l`: much smaller, a few characters
/// without letters, on `l`'s page and column, within its height.
pub(super) fn is_fragment_of(n: &Line, l: &Line) -> bool {
    let chars = n.text.chars().filter(|c| !c.is_whitespace()).count();
    n.page == l.page
        && n.column == l.column
        && n.size < FRAGMENT_MAX_SIZE * l.size
        && chars <= FRAGMENT_MAX_CHARS
        && !n.text.chars().any(char::is_alphabetic)
        && (n.y - l.y).abs() <= FRAGMENT_MAX_OFFSET * l.size
}

/// The line after `i` that is not a fragment of it.
pub(super) fn next_line<'a>(lines: &[&'a Line], i: usize) -> Option<&'a Line> {
    lines[i + 1..]
        .iter()
        .copied()
        .find(|n| !is_fragment_of(n, lines[i]))
}

/// A list label: one letter or a number, then ".", ")" or "/".
static LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([A-Za-z]|[0-9]{1,2})([.)/])\x20").expect("valid"));

/// The label's rank (a = 1, 1 = 1) and its punctuation.
fn label(text: &str) -> Option<(u32, char, bool)> {
    let c = LABEL.captures(text.trim_start())?;
    let mark = c[2].chars().next()?;
    let key = &c[1];
    match key.parse::<u32>() {
        Ok(n) => Some((n, mark, false)),
        Err(_) => {
            let ch = key.chars().next()?;
            Some((ch.to_ascii_lowercase() as u32 - 'a' as u32 + 1, mark, true))
        }
    }
}

/// Line `i` is an item among its siblings: a line just above or below, at
/// its left edge, carries the label before or after its own ("B." over
/// "C.", "D." under it).
pub(super) fn in_list(lines: &[&Line], typo: &Typography, i: usize) -> bool {
    let l = lines[i];
    let Some((rank, mark, letter)) = label(&l.text) else {
        return false;
    };
    let near = |m: &Line| {
        m.page == l.page
            && m.column == l.column
            && (m.y - l.y).abs() <= SIBLING_MAX_STEP * typo.line_step
            && (m.x0 - l.x0).abs() <= 0.5 * l.size
    };
    let sibling = |m: &Line, want: u32| {
        near(m) && label(&m.text).is_some_and(|(r, k, lt)| r == want && k == mark && lt == letter)
    };
    let before = lines[i.saturating_sub(3)..i]
        .iter()
        .any(|m| sibling(m, rank.wrapping_sub(1)));
    let after = lines[i + 1..(i + 4).min(lines.len())]
        .iter()
        .any(|m| sibling(m, rank + 1));
    before || after
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::ExtractedPage;
    use crate::segment::segment;

    fn at(row: usize, x0: f64, y: f64, size: f64, text: &str) -> Line {
        let x1 = x0 + 0.5 * size * text.chars().count() as f64;
        Line::plain(1, row, (x0, x1), y, size, text)
    }

    #[test]
    fn a_lettered_item_over_a_subscript_is_no_heading_and_the_subscript_no_paragraph() {
        let lines = vec![
            at(
                0,
                72.0,
                100.0,
                9.0,
                "Q1. Parmi les items suivants, lequel est exact ?",
            ),
            at(
                1,
                90.0,
                114.0,
                9.0,
                "A. Un pH sanguin normal exclut un trouble.",
            ),
            at(2, 90.0, 128.0, 9.0, "B. Un pH abaissé traduit une acidose."),
            at(
                3,
                90.0,
                142.0,
                9.0,
                "C. En cas d'acidose pure, une pCO basse est attendue.",
            ),
            // The "2" of pCO2, on a baseline of its own just under its line.
            at(4, 250.0, 145.0, 5.0, "2"),
            at(
                5,
                90.0,
                156.0,
                9.0,
                "D. Une bicarbonatémie basse est pathognomonique.",
            ),
            at(6, 90.0, 176.0, 9.0, "E. Le trouble est mixte"),
            at(
                7,
                72.0,
                200.0,
                9.0,
                "Q2. Vous analysez la gazométrie artérielle suivante, effectuée en air ambiant pour une polypnée :",
            ),
        ];
        let page = ExtractedPage::a4(1, lines);
        let seg = segment(&[page]);
        assert!(seg.headings.is_empty(), "{:?}", seg.headings);
        let starts: Vec<&str> = seg.paragraphs.iter().map(|p| &p.text[..3]).collect();
        assert_eq!(starts, ["Q1.", "A. ", "B. ", "C. ", "D. ", "E. ", "Q2."]);
    }

    #[test]
    fn labels_rank_letters_and_numbers() {
        assert_eq!(label("C. En cas d'acidose"), Some((3, '.', true)));
        assert_eq!(label("12) Suite"), Some((12, ')', false)));
        assert_eq!(label("Critère 4.2"), None);
        assert_eq!(label("2.1 Contexte"), None);
    }
}
