//! Joins the lines of a paragraph into its text, mending line-end
//! hyphenation ("globale-" + "ment" -> "globalement") while keeping real
//! compounds ("femmes-hommes", "aller-vers", "vis-à-vis", "Saint-Étienne").

use rustc_hash::FxHashSet;
use std::borrow::Cow;

/// Words of the document, lowercased, as written inside lines (never across
/// a line break): the best evidence of whether a word is a compound.
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    words: FxHashSet<String>,
}

impl Vocabulary {
    /// Adds the words of a line. After a line ending in a hyphen, the first
    /// word is the tail of a cut word ("cises" of "pré-cises"), not a word.
    pub(crate) fn add_line(&mut self, line: &str, follows_hyphen: bool) {
        for token in line.split_whitespace().skip(follows_hyphen as usize) {
            let token = token.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
            if token.len() < 2 || token.ends_with('-') {
                continue;
            }
            let lower = lowercase(token);
            // "d'aller-vers" also counts as "aller-vers".
            if let Some((_, rest)) = lower.rsplit_once(['\'', '’']) {
                if rest.len() > 1 {
                    self.insert(rest);
                }
            }
            self.insert(&lower);
        }
    }

    /// Most words come back many times: copied only the first time.
    fn insert(&mut self, word: &str) {
        if !self.words.contains(word) {
            self.words.insert(word.to_string());
        }
    }

    fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
    }
}

/// `str::to_lowercase`, without a copy when every character is its own
/// lowercase (most words; then so is the string, final sigma included).
fn lowercase(word: &str) -> Cow<'_, str> {
    let unchanged = |c: char| {
        let mut lower = c.to_lowercase();
        lower.next() == Some(c) && lower.next().is_none()
    };
    if word.chars().all(unchanged) {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(word.to_lowercase())
    }
}

/// Second halves that make a compound, not a hyphenated word.
const COMPOUND_SECOND: &[&str] = &[
    "hommes", "femmes", "vers", "vis", "à", "dire", "être", "même", "mêmes", "là", "ci", "delà",
    "deçà", "dessous", "dessus", "parcours", "temps", "clé", "clés", "recours", "midi", "il",
    "elle", "ils", "elles", "on", "nous", "vous", "t", "ce",
];
/// First halves that make a compound.
const COMPOUND_FIRST: &[&str] = &[
    "vis", "à", "là", "ci", "celle", "celui", "ceux", "celles", "demi", "quasi", "vice", "aller",
    "après", "avant", "arrière",
];
/// Prefixes that form compounds with a whole word ("co-construction",
/// "non-recours") but also start ordinary words that hyphenation cuts after
/// them ("co-hésion"): the hyphen is kept only when the second half is a
/// word the document uses on its own. Most learned prefixes ("pluri",
/// "inter", "socio") are welded in current French spelling, so they are not
/// listed: a break after them is taken as hyphenation.
const COMPOUND_PREFIXES: &[&str] = &["co", "non"];
/// First halves of welded words that are words themselves, so that a line
/// end after them leaves two words ("pour-suivre", "entre-prise",
/// "contre-partie", "par-tenaire").
const CUT_LEAVES_WORD: &[&str] = &[
    "pour", "sur", "par", "entre", "contre", "sou", "con", "com", "pré", "dés", "mal", "bien",
    "tout", "mais", "pas", "per", "pro", "porte", "main", "bon", "mon", "ton", "son", "les", "des",
    "ces", "mes", "tes", "car", "dont", "est", "ont", "vers", "lui", "peu", "plus", "fin", "sans",
];

/// Linking words of place names ("Villeneuve-sur-Orne", "Saint-Denis-de-la-Réunion").
const PLACE_LINKS: &[&str] = &[
    "de", "du", "des", "la", "le", "les", "sur", "sous", "en", "lès", "lez", "aux", "et",
];

/// Appends `next` (the following line) to `text`.
pub(crate) fn join_line(text: &mut String, next: &str, vocabulary: &Vocabulary) {
    if text.is_empty() {
        text.push_str(next);
        return;
    }
    if text.ends_with('\u{00AD}') {
        // A soft hyphen at a line end is always a hyphenation point.
        text.pop();
        text.push_str(next);
        return;
    }
    let ends_hyphen = text.ends_with('-') || text.ends_with('\u{2010}');
    let before = text.trim_end_matches(['-', '\u{2010}']).chars().last();
    if ends_hyphen && before.is_some_and(char::is_alphanumeric) {
        let first = next.chars().next();
        let keep = match first {
            Some(c) if c.is_lowercase() => keeps_hyphen(text, next, vocabulary),
            // "Saint-" + "Étienne", "2022-" + "2023": a compound or a range.
            Some(c) if c.is_uppercase() || c.is_ascii_digit() => true,
            _ => false,
        };
        if keep {
            if text.ends_with('\u{2010}') {
                text.pop();
                text.push('-');
            }
        } else {
            text.pop();
        }
        text.push_str(next);
        return;
    }
    text.push(' ');
    text.push_str(next);
}

/// Whether "w1-" at a line end followed by "w2" is a real compound.
fn keeps_hyphen(text: &str, next: &str, vocabulary: &Vocabulary) -> bool {
    let stem = text.trim_end_matches(['-', '\u{2010}']);
    let w1: String = {
        let rev: String = stem
            .chars()
            .rev()
            .take_while(|c| c.is_alphabetic())
            .collect();
        rev.chars().rev().collect()
    };
    let w2: String = next.chars().take_while(|c| c.is_alphabetic()).collect();
    let (l1, l2) = (w1.to_lowercase(), w2.to_lowercase());
    if vocabulary.contains(&format!("{l1}-{l2}")) {
        return true;
    }
    if vocabulary.contains(&format!("{l1}{l2}")) {
        return false;
    }
    if w1.chars().next().is_some_and(char::is_uppercase) && PLACE_LINKS.contains(&l2.as_str()) {
        return true;
    }
    // Inside a hyphenated chain ("rez-de-" + "chaussée", "Saint-Martin-d'"),
    // a link word before the line end is followed by the chain's next word.
    let chained = stem[..stem.len() - w1.len()].ends_with('-');
    if chained && PLACE_LINKS.contains(&l1.as_str()) {
        return true;
    }
    if COMPOUND_PREFIXES.contains(&l1.as_str()) && vocabulary.contains(&l2) {
        return true;
    }
    // Both halves are words the document writes on their own ("centre" and
    // "ville", "sous" and "préfet", "vivre" and "ensemble") and never
    // welded: a compound. Words that hyphenation often leaves whole at a
    // line end ("pour-suivre", "sur-tout", "entre-prise") are left out.
    if l1.chars().count() >= 3
        && l2.chars().count() >= 3
        && !CUT_LEAVES_WORD.contains(&l1.as_str())
        && vocabulary.contains(&l1)
        && vocabulary.contains(&l2)
    {
        return true;
    }
    COMPOUND_SECOND.contains(&l2.as_str()) || COMPOUND_FIRST.contains(&l1.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(lines: &[&str], other_text: &str) -> String {
        let mut vocabulary = Vocabulary::default();
        vocabulary.add_line(other_text, false);
        let mut text = String::new();
        for line in lines {
            join_line(&mut text, line, &vocabulary);
        }
        text
    }

    #[test]
    fn hyphenation_is_mended() {
        assert_eq!(
            joined(&["un bilan globale-", "ment positif"], ""),
            "un bilan globalement positif"
        );
        assert_eq!(joined(&["la coordi-", "nation"], ""), "la coordination");
        assert_eq!(
            joined(&["la coordi\u{AD}", "nation"], ""),
            "la coordination"
        );
    }

    #[test]
    fn compounds_are_kept() {
        assert_eq!(
            joined(&["l'égalité femmes-", "hommes"], ""),
            "l'égalité femmes-hommes"
        );
        assert_eq!(
            joined(&["les actions d'aller-", "vers"], ""),
            "les actions d'aller-vers"
        );
        assert_eq!(
            joined(&["vis-à-", "vis des partenaires"], ""),
            "vis-à-vis des partenaires"
        );
        assert_eq!(joined(&["c'est-", "à-dire"], ""), "c'est-à-dire");
        assert_eq!(joined(&["à Saint-", "Étienne"], ""), "à Saint-Étienne");
        assert_eq!(
            joined(&["Villeneuve-", "sur-Orne"], ""),
            "Villeneuve-sur-Orne"
        );
        assert_eq!(joined(&["en 2022-", "2023"], ""), "en 2022-2023");
        assert_eq!(
            joined(&["des rez-de-", "chaussée"], ""),
            "des rez-de-chaussée"
        );
    }

    #[test]
    fn the_document_decides_when_it_can() {
        // "socio-culturel" written whole elsewhere: keep the hyphen.
        assert_eq!(
            joined(
                &["un centre socio-", "culturel"],
                "le centre socio-culturel"
            ),
            "un centre socio-culturel"
        );
        // "socioculturel" written whole elsewhere: mend.
        assert_eq!(
            joined(&["un centre socio-", "culturel"], "le centre socioculturel"),
            "un centre socioculturel"
        );
        // A prefix before a word the document uses alone is a compound...
        assert_eq!(
            joined(&["la co-", "construction"], "la construction du projet"),
            "la co-construction"
        );
        // ... but not before a piece of a word.
        assert_eq!(
            joined(&["la co-", "hésion sociale"], ""),
            "la cohésion sociale"
        );
        // Learned prefixes are welded: "pluri-" + "professionnelle" is hyphenation.
        assert_eq!(
            joined(
                &["une maison pluri-", "professionnelle"],
                "une équipe professionnelle"
            ),
            "une maison pluriprofessionnelle"
        );
        assert_eq!(
            joined(&["les attentes ex-", "primées"], ""),
            "les attentes exprimées"
        );
    }

    #[test]
    fn lines_are_joined_with_one_space() {
        assert_eq!(
            joined(&["Le conseil citoyen", "se réunit."], ""),
            "Le conseil citoyen se réunit."
        );
        // A dash between words is not a hyphenation.
        assert_eq!(
            joined(&["le pilotage -", "dense"], ""),
            "le pilotage - dense"
        );
    }
}
