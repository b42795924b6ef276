//! Spacing accents drawn as glyphs of their own ("´" then "e", as TeX and
//! some other producers draw "é"), put back on their letter.

use super::glyphs::Glyph;

/// The combining mark for a spacing accent drawn as a glyph of its own.
#[inline]
pub(super) fn combining_mark(accent: &str) -> Option<char> {
    // Asked of every glyph: one character compared, not ten strings.
    let mut chars = accent.chars();
    let (Some(accent), None) = (chars.next(), chars.next()) else {
        return None;
    };
    Some(match accent {
        '´' | '\u{02CA}' => '\u{0301}',
        '`' | '\u{02CB}' => '\u{0300}',
        'ˆ' | '^' => '\u{0302}',
        '¨' => '\u{0308}',
        '˜' | '~' => '\u{0303}',
        '¸' => '\u{0327}',
        '˚' => '\u{030A}',
        'ˇ' => '\u{030C}',
        _ => return None,
    })
}

/// TeX and some other producers draw "é" as "´" over "e": put the accent
/// back on its letter (the line is NFC-normalised later), so that
/// "pr´esenter" reads "présenter".
pub(super) fn compose_accents(glyphs: &[&Glyph]) -> Vec<Glyph> {
    let mut out: Vec<Glyph> = Vec::with_capacity(glyphs.len());
    let mut pending: Option<(char, f64)> = None;
    for &g in glyphs {
        if let Some(mark) = combining_mark(g.text()) {
            let center = g.x + g.advance / 2.0;
            // An accent after its letter, over it.
            if let Some(prev) = out.last_mut() {
                if prev.text().chars().all(char::is_alphabetic)
                    && center > prev.x
                    && center < prev.right()
                {
                    prev.set_text(with_mark(prev.text(), mark));
                    continue;
                }
            }
            pending = Some((mark, center));
            out.push(g.clone());
            continue;
        }
        if let Some((mark, center)) = pending.take() {
            // An accent before its letter, over it.
            let is_letter = g.text().chars().all(char::is_alphabetic);
            if is_letter && center > g.x - 0.1 * g.size && center < g.right() + 0.1 * g.size {
                out.pop();
                let mut letter = g.clone();
                letter.set_text(with_mark(g.text(), mark));
                out.push(letter);
                continue;
            }
        }
        out.push(g.clone());
    }
    out
}

fn with_mark(letter: &str, mark: char) -> String {
    // TeX puts the circumflex of "î" on a dotless i.
    let base = if letter == "ı" { "i" } else { letter };
    format!("{base}{mark}")
}
