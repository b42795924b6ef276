//! Cleaning of what Tesseract reads on scans: dust read as marks or
//! letters, specks stuck to words, bullets read as signs, and line edges
//! moved off their margin by either; each would otherwise cut or join
//! paragraphs where the page does not.

use super::hocr::{OcrLine, RawWord, Span};

/// Lines start and end where their column's text does; a speck before the
/// first word or after the last, or a box reaching past a letter, moves a
/// line's edge by up to an em, which segmentation would take for an indent
/// (a new paragraph) or a short line (a paragraph's end). An edge a little
/// off a margin that more lines share is put back on it; true indents
/// (paragraph starts, hanging items) are further, or shared by more lines.
pub(super) fn snap_to_margins(lines: &mut [OcrLine]) {
    let starts: Vec<f64> = lines
        .iter()
        .filter_map(|l| l.words.first().map(|w| w.x0))
        .collect();
    let ends: Vec<f64> = lines
        .iter()
        .filter_map(|l| l.words.last().map(|w| w.x1))
        .collect();
    // The margin an edge belongs on: within `before` ems before it or
    // `after` ems after it, shared by at least 3 lines and more than it.
    let margin = |edges: &[f64], x: f64, size: f64, before: f64, after: f64| {
        let sharing = |m: f64| edges.iter().filter(|&&e| (e - m).abs() <= 1.5).count();
        let own = sharing(x);
        edges
            .iter()
            .copied()
            .filter(|&m| (x - m).abs() > 1.5 && (-before * size..=after * size).contains(&(m - x)))
            .filter(|&m| sharing(m) >= 3 && sharing(m) > own)
            .max_by_key(|&m| sharing(m))
    };
    for line in lines.iter_mut() {
        let size = line.size;
        if let Some(first) = line.words.first_mut() {
            if let Some(m) = margin(&starts, first.x0, size, 0.4, 1.2).filter(|&m| m < first.x1) {
                first.x0 = m;
            }
        }
        if let Some(last) = line.words.last_mut() {
            if let Some(m) = margin(&ends, last.x1, size, 1.2, 0.2).filter(|&m| m > last.x0) {
                last.x1 = m;
            }
        }
    }
}

/// Dust and scratches come out as low-confidence marks, or as marks and
/// letters in boxes far smaller than a letter: a word is kept when it holds
/// a letter or digit read with some confidence in a box of a letter's size,
/// or is a mark of some height read confidently (":", "«", "%").
pub(super) fn keep_word(text: &str, conf: f64, width: f64, height: f64, x_height: f64) -> bool {
    let visible = text.chars().filter(|c| !c.is_whitespace()).count();
    if visible == 0 {
        return false;
    }
    if visible == 1
        && width < 0.5 * x_height
        && height < 0.5 * x_height
        && text != "."
        && text != ","
    {
        return false;
    }
    if text.chars().any(char::is_alphanumeric) {
        return conf >= 20.0 || visible > 2;
    }
    conf >= 50.0 && height >= 0.4 * x_height
}

/// A list bullet is read as "+", "*", "©", "e" or "o", often with a low
/// confidence: a line's first word of one character, no taller than a
/// lower-case letter and set apart from the text, is a bullet.
pub(super) fn is_bullet(
    text: &str,
    width: f64,
    height: f64,
    gap: Option<f64>,
    x_height: f64,
) -> bool {
    let mut chars = text.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return false;
    };
    let Some(gap) = gap else { return false };
    // A bullet is about half a letter wide and high; dust is smaller.
    let shape = (0.4 * x_height..=1.2 * x_height).contains(&width)
        && (0.4 * x_height..=1.2 * x_height).contains(&height);
    let sign = matches!(
        c,
        '+' | '*'
            | '•'
            | '©'
            | '®'
            | '°'
            | '·'
            | '¢'
            | '¤'
            | '»'
            | '>'
            | '○'
            | '■'
            | '□'
            | '▪'
            | '◦'
            | '●'
    );
    let letter = matches!(c, 'e' | 'o' | 'c' | 'é');
    shape && ((sign && gap >= 0.6 * x_height) || (letter && gap >= 1.2 * x_height))
}

/// Specks stuck to a word read as marks ("‘Le", "contexte."): a mark at the
/// start or end of the word in a box much smaller than a letter, or a stop
/// set apart from the letter before it, is left out, and the word's box
/// shrinks to what is left. `None` when nothing is left.
pub(super) fn trim_specks(
    word: &RawWord,
    turn: &dyn Fn(&[f64; 4]) -> Span,
    x_height: f64,
) -> Option<(String, f64, f64)> {
    if word.chars.is_empty() {
        let (l, r, _) = turn(&word.bbox);
        return Some((word.text.clone(), l, r));
    }
    let mut chars: Vec<(f64, f64, f64, &str)> = word
        .chars
        .iter()
        .map(|(b, t)| {
            let (l, r, h) = turn(b);
            (l, r, h, t.as_str())
        })
        .collect();
    // Reading order as Tesseract gives it: its character boxes overlap and
    // are not always in order of x.
    let tiny = |c: &(f64, f64, f64, &str)| {
        !c.3.chars().any(char::is_alphanumeric)
            && c.1 - c.0 < 0.35 * x_height
            && c.2 < 0.35 * x_height
    };
    // A mark at the start that is tiny, or set apart from the letter after
    // it (an opening quote or bracket touches its word).
    while chars.len() > 1 {
        let (first, next) = (&chars[0], &chars[1]);
        let apart = next.0 - first.1 > 0.4 * x_height;
        let mark = !first.3.chars().any(char::is_alphanumeric)
            && !matches!(first.3, "-" | "–" | "—" | "«" | "(" | "[" | "•");
        if mark && (tiny(first) || apart) {
            chars.remove(0);
        } else {
            break;
        }
    }
    while chars.len() > 1 {
        let (last, before) = (&chars[chars.len() - 1], &chars[chars.len() - 2]);
        let apart = last.0 - before.1 > 0.5 * x_height;
        if tiny(last) && (apart || !matches!(last.3, "." | "," | "-" | "–" | "'" | "’")) {
            chars.pop();
        } else {
            break;
        }
    }
    if chars.len() == 1 && tiny(&chars[0]) && !matches!(chars[0].3, "." | "," | "-") {
        return None;
    }
    let text: String = chars.iter().map(|c| c.3).collect();
    let left = chars.iter().map(|c| c.0).fold(f64::INFINITY, f64::min);
    let right = chars.iter().map(|c| c.1).fold(f64::NEG_INFINITY, f64::max);
    Some((text, left, right))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bullets_read_as_signs_are_bullets_again() {
        // "+" of 14 x 13 pixels, 56 pixels before "la" (x-height 24).
        assert!(is_bullet("+", 14.0, 13.0, Some(56.0), 24.0));
        assert!(is_bullet("e", 14.0, 13.0, Some(56.0), 24.0));
        // "à" opening a line, a word space before the next word: a word.
        assert!(!is_bullet("à", 14.0, 30.0, Some(10.0), 24.0));
        assert!(!is_bullet("e", 14.0, 13.0, Some(12.0), 24.0));
        assert!(!is_bullet("«", 14.0, 13.0, Some(20.0), 24.0));
    }

    #[test]
    fn specks_stuck_to_words_are_left_out() {
        let word = |chars: &[([f64; 4], &str)]| RawWord {
            bbox: [0.0, 0.0, 200.0, 40.0],
            conf: 90.0,
            text: chars.iter().map(|c| c.1).collect(),
            chars: chars.iter().map(|(b, t)| (*b, t.to_string())).collect(),
        };
        let turn = |b: &[f64; 4]| (b[0], b[2], b[3] - b[1]);
        // A speck below the line before "Le", read as an opening quote.
        let w = word(&[
            ([0.0, 36.0, 4.0, 40.0], "‘"),
            ([12.0, 5.0, 30.0, 34.0], "L"),
            ([32.0, 12.0, 50.0, 34.0], "e"),
        ]);
        assert_eq!(
            trim_specks(&w, &turn, 24.0),
            Some(("Le".to_string(), 12.0, 50.0))
        );
        // A stop set apart is a speck; one against its letter is a stop.
        let w = word(&[
            ([0.0, 12.0, 18.0, 34.0], "a"),
            ([40.0, 30.0, 44.0, 34.0], "."),
        ]);
        assert_eq!(trim_specks(&w, &turn, 24.0).unwrap().0, "a");
        let w = word(&[
            ([0.0, 12.0, 18.0, 34.0], "a"),
            ([20.0, 30.0, 24.0, 34.0], "."),
        ]);
        assert_eq!(trim_specks(&w, &turn, 24.0).unwrap().0, "a.");
    }
}
