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
    /// The document shows it does not cut words at line ends (Word's
    /// default, ragged text): a hyphen ending a line is then a compound's.
    never_hyphenates: bool,
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

    /// Decides, once every line is added, whether the document hyphenates
    /// words at line ends. One that does cuts a large share of its lines
    /// (15-25% in justified text), many of them in words it writes whole
    /// elsewhere; one that does not ends only the odd line with a
    /// compound's hyphen, which it never welds. Too few lines decide
    /// nothing: the document is taken to hyphenate, as before.
    pub(crate) fn measure_hyphenation<'t>(&mut self, lines: impl Iterator<Item = &'t str>) {
        let (mut count, mut cut, mut welded) = (0usize, 0usize, 0usize);
        let mut previous: Option<&str> = None;
        for line in lines {
            count += 1;
            if let Some(prev) = previous.filter(|p| ends_word_hyphen(p)) {
                if line.chars().next().is_some_and(char::is_lowercase) {
                    cut += 1;
                    let (w1, w2) = halves(prev, line);
                    welded += self.contains(&format!("{w1}{w2}")) as usize;
                }
            }
            previous = Some(line);
        }
        self.never_hyphenates = count >= MIN_LINES_TO_JUDGE_HYPHENATION
            && welded == 0
            && cut * MAX_COMPOUND_HYPHEN_SHARE < count;
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

/// Fewest lines that tell whether a document hyphenates.
const MIN_LINES_TO_JUDGE_HYPHENATION: usize = 60;
/// A document that never hyphenates ends fewer than one line in this many
/// with a compound's hyphen (the layout matrix: 1 in 80 at most against 1
/// in 8 or more for hyphenated text).
const MAX_COMPOUND_HYPHEN_SHARE: usize = 25;

/// The line ends in a hyphen after a letter or digit.
fn ends_word_hyphen(line: &str) -> bool {
    let before = line.trim_end_matches(['-', '\u{2010}']);
    before.len() < line.len() && before.chars().last().is_some_and(char::is_alphanumeric)
}

/// The word cut at a line-end hyphen, in lower case: its letters before the
/// hyphen and those opening the next line ("globale-", "ment positif" ->
/// "globale", "ment").
fn halves(text: &str, next: &str) -> (String, String) {
    let stem = text.trim_end_matches(['-', '\u{2010}']);
    let rev: String = stem
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect();
    let w1: String = rev.chars().rev().collect();
    let w2: String = next.chars().take_while(|c| c.is_alphabetic()).collect();
    (w1.to_lowercase(), w2.to_lowercase())
}

/// Second halves that make a compound after a whole word ("femmes-hommes",
/// "peut-être", "jusque-là", "aller-vers"), not a hyphenated word: after a
/// piece of a word they end a welded one ("tra-vers"). "temps" ends too
/// many welded words to be here ("printemps", "longtemps"): "mi-temps" is
/// told by its first half.
const COMPOUND_SECOND: &[&str] = &[
    "hommes", "femmes", "vers", "dire", "être", "là", "ci", "delà", "deçà", "dessous", "dessus",
    "parcours", "clé", "clés", "recours", "midi",
];
/// Second halves that are never the tail of a word hyphenation cut:
/// pronouns set after a verb ("a-t-il", "est-ce", "peut-on") and the "à"
/// of "c'est-à-dire", "vis-à-vis";
/// "même" ends no welded word ("lui-même", "nous-mêmes").
const NEVER_WORD_TAILS: &[&str] = &[
    "il", "elle", "ils", "elles", "on", "t", "ce", "à", "même", "mêmes",
];
/// First halves that make a compound when a whole word follows ("ci-dessous",
/// "quasi-totalité", "mi-temps"); before a piece of a word they are
/// hyphenation ("ci-toyenneté", "quasi-ment", "mi-lieu").
const COMPOUND_FIRST: &[&str] = &[
    "vis", "à", "là", "ci", "celle", "celui", "ceux", "celles", "mi", "quasi", "aller",
];
/// First halves that start no welded word: always a compound
/// ("demi-journée", "vice-président", "après-midi", "avant-projet").
const ALWAYS_COMPOUND_FIRST: &[&str] = &["demi", "vice", "après", "avant", "arrière"];
/// Prefixes that form compounds with a whole word ("co-construction",
/// "non-recours") but also start ordinary words that hyphenation cuts after
/// them ("co-hésion"): the hyphen is kept only when the second half is a
/// word the document uses on its own. Most learned prefixes ("pluri",
/// "inter", "socio") are welded in current French spelling, so they are not
/// listed: a break after them is taken as hyphenation.
const COMPOUND_PREFIXES: &[&str] = &["co", "non"];
/// First halves of welded words that are words themselves, so that a line
/// end after them leaves two words ("pour-suivre", "entre-prise",
/// "contre-partie", "par-tenaire", "toute-fois").
const CUT_LEAVES_WORD: &[&str] = &[
    "pour", "sur", "par", "entre", "contre", "sou", "con", "com", "pré", "dés", "mal", "bien",
    "tout", "toute", "mais", "pas", "per", "pro", "porte", "main", "bon", "mon", "ton", "son",
    "les", "des", "ces", "mes", "tes", "car", "dont", "est", "ont", "vers", "lui", "peu", "plus",
    "fin", "sans",
];
/// Tens and units that French numbers join with hyphens ("dix-sept",
/// "vingt-deux", "quatre-vingt-dix", "trois-cents" in the 1990 spelling).
const NUMBER_WORDS: &[&str] = &[
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
    "vingt",
    "vingts",
    "trente",
    "quarante",
    "cinquante",
    "soixante",
    "cent",
    "cents",
    "mille",
    "et",
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
            Some(c) if c.is_lowercase() => {
                vocabulary.never_hyphenates || keeps_hyphen(text, next, vocabulary)
            }
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
    let (l1, l2) = halves(text, next);
    // The whole hyphenated word the line ends in ("ci-des" of "ci-des-" +
    // "sus"), past an elision ("d'aller"): the document may write it,
    // welded or not, as it does the last half.
    let chain = stem
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or(stem)
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let chain = chain.rsplit(['\'', '’']).next().unwrap_or(&chain);
    for first in [chain, l1.as_str()] {
        if vocabulary.contains(&format!("{first}-{l2}")) {
            return true;
        }
        if vocabulary.contains(&format!("{first}{l2}")) {
            return false;
        }
    }
    let capitalised = stem
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .last()
        .is_some_and(char::is_uppercase);
    if capitalised && PLACE_LINKS.contains(&l2.as_str()) {
        return true;
    }
    // Inside a hyphenated chain ("rez-de-" + "chaussée", "Saint-Martin-d'",
    // "vis-à-" + "vis", "c'est-à-" + "dire"), a link word before the line
    // end is followed by the chain's next word.
    let chained = stem[..stem.len() - stem_tail_len(stem)].ends_with('-');
    if chained && (PLACE_LINKS.contains(&l1.as_str()) || l1 == "à") {
        return true;
    }
    let whole_word = |w: &str| {
        vocabulary.contains(w)
            || COMPOUND_SECOND.contains(&w)
            || COMPOUND_FIRST.contains(&w)
            || ALWAYS_COMPOUND_FIRST.contains(&w)
    };
    if COMPOUND_PREFIXES.contains(&l1.as_str()) && vocabulary.contains(&l2) {
        return true;
    }
    if NUMBER_WORDS.contains(&l1.as_str()) && NUMBER_WORDS.contains(&l2.as_str()) {
        return true;
    }
    // Combining forms in "-ico" are hyphenated ("médico-social",
    // "politico-économique", "juridico-financier").
    if ALWAYS_COMPOUND_FIRST.contains(&l1.as_str())
        || (l1.ends_with("ico") && l1.chars().count() >= 6)
    {
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
    NEVER_WORD_TAILS.contains(&l2.as_str())
        || (COMPOUND_SECOND.contains(&l2.as_str()) && whole_word(&l1))
        || (COMPOUND_FIRST.contains(&l1.as_str()) && whole_word(&l2))
}

/// Length in bytes of the letters ending `stem`.
fn stem_tail_len(stem: &str) -> usize {
    stem.chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .map(char::len_utf8)
        .sum()
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
    fn words_that_end_in_a_compound_half_are_mended() {
        assert_eq!(joined(&["au prin-", "temps"], ""), "au printemps");
        assert_eq!(joined(&["à tra-", "vers"], ""), "à travers");
        assert_eq!(joined(&["la ci-", "toyenneté"], ""), "la citoyenneté");
        assert_eq!(joined(&["il a quasi-", "ment"], ""), "il a quasiment");
        // "ci-dessus" written elsewhere: the cut is inside its last half.
        assert_eq!(
            joined(&["le tableau ci-des-", "sus"], "voir ci-dessus"),
            "le tableau ci-dessus"
        );
        // ... but a first half before a word the document uses is a compound.
        assert_eq!(
            joined(&["la quasi-", "totalité"], "la totalité des"),
            "la quasi-totalité"
        );
        assert_eq!(joined(&["dix-", "sept"], ""), "dix-sept");
        assert_eq!(
            joined(&["deux demi-", "journées"], ""),
            "deux demi-journées"
        );
        assert_eq!(
            joined(&["le contrat lui-", "même"], ""),
            "le contrat lui-même"
        );
        assert_eq!(
            joined(&["le centre médico-", "psychologique"], ""),
            "le centre médico-psychologique"
        );
        assert_eq!(joined(&["vingt-", "deux"], ""), "vingt-deux");
    }

    /// `count` lines of prose, every `cut_every`-th cut at a hyphen in a
    /// word the document also writes whole ("globalement").
    fn document(count: usize, cut_every: Option<usize>) -> Vec<String> {
        (0..count)
            .map(|i| match cut_every {
                Some(n) if i % n == 0 => "le bilan est globale-".to_string(),
                Some(n) if i % n == 1 => "ment positif et globalement suivi".to_string(),
                _ => "les partenaires se sont réunis chaque année".to_string(),
            })
            .collect()
    }

    fn measured(lines: &[String]) -> Vocabulary {
        let mut vocabulary = Vocabulary::default();
        let mut follows_hyphen = false;
        for line in lines {
            vocabulary.add_line(line, follows_hyphen);
            follows_hyphen = line.ends_with('-');
        }
        vocabulary.measure_hyphenation(lines.iter().map(String::as_str));
        vocabulary
    }

    #[test]
    fn a_document_that_never_hyphenates_keeps_every_line_end_hyphen() {
        let mut text = String::new();
        // Prose without any word cut: "pique-" + "nique" is a compound.
        let plain = measured(&document(100, None));
        assert!(plain.never_hyphenates);
        join_line(&mut text, "des tables de pique-", &plain);
        join_line(&mut text, "nique", &plain);
        assert_eq!(text, "des tables de pique-nique");
        // Prose cutting words it writes whole elsewhere hyphenates.
        let hyphenated = measured(&document(100, Some(8)));
        assert!(!hyphenated.never_hyphenates);
        text.clear();
        join_line(&mut text, "au prin-", &hyphenated);
        join_line(&mut text, "temps", &hyphenated);
        assert_eq!(text, "au printemps");
        // Too short to tell: hyphenation is assumed.
        assert!(!measured(&document(20, None)).never_hyphenates);
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
