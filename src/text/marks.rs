//! Marks at the start or end of a line that tell its role: bullets (with
//! the private-use glyphs of Symbol and Wingdings), item and heading
//! numbers, sentence-final punctuation.

use std::sync::LazyLock;

use regex::Regex;

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
pub(crate) fn is_bullet_only(text: &str) -> bool {
    let mut chars = text.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if is_bullet_char(c))
}

static NUMBERED_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9]{1,2}[.)/]|[a-z][.)]|[ivx]{1,4}[.)]|\([0-9]{1,2}\)|\([a-z]\))\x20")
        .expect("valid")
});
pub(crate) static NUMBERED_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    // The title after the number starts with a capital: "29 % des jeunes"
    // or "12 associations" at the start of a line are prose.
    Regex::new(r"^([0-9]{1,2}(\.[0-9]{1,2}){1,3}\.?|[0-9]{1,2}[.)]?|[IVX]{1,5}[.)]|[A-H][.)]|(Partie|Chapitre|Axe|Pilier|Annexe|Orientation)\x20+[0-9]{1,2}\x20*[.:–-]?)\x20+[«\x22]?\x20?[A-ZÀ-ÖØ-ÞŒ]")
        .expect("valid")
});
pub(crate) static MULTI_LEVEL_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]{1,2}(\.[0-9]{1,2}){1,3}\.?\x20").expect("valid"));

/// A heading or item number ("5.", "4.2.8", "b)") set apart by a tab stop.
pub(crate) static LONE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^([0-9]{1,2}(\.[0-9]{1,2}){0,4}[.)]|[0-9]{1,2}(\.[0-9]{1,2}){1,4}|[IVXLC]{1,5}[.)]|[A-Za-z][.)])$",
    )
    .expect("valid")
});

/// The line ends a sentence (closing quotes and brackets aside).
pub fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '»' | '"' | '”' | '’' | ')' | ']' | '\'')
    });
    t.ends_with(['.', '!', '?', '…', ':', ';'])
}

/// The line opens a list item: a bullet and a space, or an item number ("1.", "1/", "a)", "iv.", "(2)").
pub(crate) fn starts_item(text: &str) -> bool {
    starts_with_bullet(text) || NUMBERED_ITEM.is_match(text)
}

/// The item's text without its bullet; numbers and letters are kept.
pub(crate) fn strip_bullet(text: &str) -> &str {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), Some(s)) if is_bullet_char(c) && s.is_whitespace() => chars.as_str().trim_start(),
        _ => text,
    }
}

/// The line opens with a bullet and a space.
pub(crate) fn starts_with_bullet(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(is_bullet_char) && chars.next().is_some_and(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

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
