//! Paragraph -> named features for the linear model: content stems and stem
//! bigrams, lexicon scores per theme, polarity cues after negation, the
//! heading's stems, themes and cues, and a few shape features.

use crate::analyze::Token;
use crate::record::Polarity;

use super::data::{Codebook, Cues, Lexicon};
use super::feature_list::FeatureList;

/// Evidence found in a text before the model weighs it.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// Per theme: matched lexicon terms and weights.
    pub theme_terms: Vec<Vec<(String, f64)>>,
    /// Per polarity: matched cues (text, weight, negated).
    pub cues: Vec<Vec<(String, f64, bool)>>,
    /// Per polarity: cue weight (after negation) found after a contrast word
    /// ("mais", "toutefois", "en revanche"), where a report's verdict usually sits.
    pub after_contrast: Vec<f64>,
    /// Every cue found, as (index of its first token, polarity it counts
    /// for once negation is applied, weight): where in the paragraph each
    /// stance is taken.
    pub cue_at: Vec<(usize, usize, f64)>,
}

/// Words that turn a sentence towards its verdict.
const CONTRAST: &[&str] = &[
    "mais",
    "toutefois",
    "cependant",
    "néanmoins",
    "pourtant",
    "revanche",
    "reste",
    "malgré",
    "hélas",
    "si",
];

impl Evidence {
    pub(crate) fn theme_score(&self, theme: usize) -> f64 {
        self.theme_terms[theme].iter().map(|(_, w)| w).sum()
    }

    pub(crate) fn has_theme_evidence(&self) -> bool {
        self.theme_terms.iter().any(|t| !t.is_empty())
    }

    /// Cue weight per polarity after negation: a negated success counts as a
    /// difficulty and a negated difficulty as a success ("sans difficulté").
    pub(crate) fn polarity_scores(&self, codebook: &Codebook) -> Vec<f64> {
        let mut scores = vec![0.0; codebook.polarities.len()];
        let (success, difficulty) = (
            Some(Polarity::Reussite.index()),
            Some(Polarity::Difficulte.index()),
        );
        for (p, cues) in self.cues.iter().enumerate() {
            for (_, weight, negated) in cues {
                let target = match (*negated, Some(p)) {
                    (true, x) if x == success => difficulty.unwrap_or(p),
                    (true, x) if x == difficulty => success.unwrap_or(p),
                    _ => p,
                };
                scores[target] += weight;
            }
        }
        scores
    }
}

/// Finds lexicon terms and cues in analysed tokens.
pub(crate) fn find_evidence(tokens: &[Token], lexicon: &Lexicon, cues: &Cues) -> Evidence {
    let content: Vec<usize> = (0..tokens.len())
        .filter(|&i| tokens[i].is_content())
        .collect();
    let stems: Vec<&str> = content.iter().map(|&i| tokens[i].stem.as_str()).collect();
    let theme_terms = lexicon.matches(&stems);
    let contrast_at = tokens
        .iter()
        .position(|t| CONTRAST.contains(&t.lower.as_str()));
    let phrase = super::data::phrase_stems_of(tokens, &cues.negators);
    let phrase_stems: Vec<&str> = phrase.iter().map(|(_, s)| *s).collect();
    let mut after_contrast = vec![0.0; cues.cues.len()];
    let mut cue_at = Vec::new();
    let cue_hits = cues
        .cues
        .iter()
        .zip(cues.find(&phrase_stems))
        .enumerate()
        .map(|(p, (set, found))| {
            found
                .into_iter()
                .filter(|&(_, start, _)| !not_only(tokens, phrase[start].0))
                .map(|(e, start, _)| {
                    let at = phrase[start].0;
                    let negated = cues.negators.negates(tokens, at, cues.window);
                    let expr = set.get(e);
                    if contrast_at.is_some_and(|c| c < at) {
                        after_contrast[p] += if negated { -expr.weight } else { expr.weight };
                    }
                    cue_at.push((at, counts_for(p, negated), expr.weight));
                    (expr.text.clone(), expr.weight, negated)
                })
                .collect()
        })
        .collect();
    Evidence {
        theme_terms,
        cues: cue_hits,
        after_contrast,
        cue_at,
    }
}

/// "non seulement ... mais" means "not only ... but": neither a
/// restriction ("seulement 12 %") nor its negation.
fn not_only(tokens: &[Token], at: usize) -> bool {
    tokens[at].lower == "seulement" && at > 0 && tokens[at - 1].lower == "non"
}

/// The polarity a cue counts for: a negated success is a difficulty, a
/// negated difficulty a success; other negated cues keep their polarity.
fn counts_for(polarity: usize, negated: bool) -> usize {
    let (success, difficulty) = (Polarity::Reussite.index(), Polarity::Difficulte.index());
    match (negated, polarity) {
        (true, p) if p == success => difficulty,
        (true, p) if p == difficulty => success,
        (_, p) => p,
    }
}

/// Prefix of the features of the stance taken sentence by sentence.
pub(crate) const STANCE: &str = "stance:";

/// Sentence by sentence, the polarity whose cues weigh most in it (none
/// when it has no cue): real evaluators often describe at length and judge
/// in one sentence, or mix stances with one dominant. Sentences are cut
/// between two tokens where the text between them holds a full stop,
/// question or exclamation mark and the next word starts in capitals.
/// `origin`: where `text` starts in the text the tokens' offsets point into.
fn sentence_stances(
    text: &str,
    origin: usize,
    tokens: &[Token],
    cue_at: &[(usize, usize, f64)],
) -> Vec<Option<usize>> {
    let mut sentence_of = Vec::with_capacity(tokens.len());
    let mut sentence = 0usize;
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 {
            let between = text
                .get(tokens[i - 1].end - origin..t.start - origin)
                .unwrap_or("");
            if between.contains(['.', '!', '?'])
                && text[t.start - origin..]
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
            {
                sentence += 1;
            }
        }
        sentence_of.push(sentence);
    }
    let mut weights = vec![[0.0f64; 4]; sentence + 1];
    for &(at, p, w) in cue_at {
        if let Some(&s) = sentence_of.get(at) {
            weights[s][p.min(3)] += w;
        }
    }
    weights
        .iter()
        .map(|w| {
            (0..4)
                .filter(|&p| w[p] > 0.0)
                .max_by(|&a, &b| w[a].total_cmp(&w[b]))
        })
        .collect()
}

/// Prefix of the features of a paragraph's first words.
/// Up to this many content words a paragraph's words count 1 each as
/// features (`w:`, `b:`, `form:`, `end:`, `neg:`); beyond, each counts
/// sqrt(WORDS_AT_FULL_WEIGHT / words), so a long passage's words weigh
/// about as much in total as a short one's. Without it the many small
/// weights of a long descriptive passage outvote its one evaluative clause
/// or theme sentence, while the dense features (cues, stances, lexicon)
/// keep their value. Chosen by leave-one-writer-out over none, 60, 30,
/// 20, 15 and 8 (themes / polarity / long-paragraph themes): none 0.9154 /
/// 0.8713 / 0.9124; 30: 0.9154 / 0.8714 / 0.9203; 20: 0.9147 / 0.8706 /
/// 0.9221; 15: 0.9148 / 0.8720 / 0.9248; 8: 0.9128 / 0.8726 / 0.9232.
const WORDS_AT_FULL_WEIGHT: f64 = 15.0;

pub(crate) const OPENING: &str = "open:";

/// Features of a paragraph (or of one of its sentences) and its heading,
/// as (name, value). `origin`: where `text` starts in the text the tokens'
/// offsets point into (a sentence reads its paragraph's tokens in place).
pub fn features(
    text: &str,
    origin: usize,
    tokens: &[Token],
    evidence: &Evidence,
    heading: Option<(&[Token], &Evidence)>,
    codebook: &Codebook,
    negators: &super::data::Negators,
) -> FeatureList {
    let mut out = FeatureList::with_capacity(3 * tokens.len() + 24);
    let content: Vec<&str> = tokens
        .iter()
        .filter(|t| t.is_content())
        .map(|t| t.stem.as_str())
        .collect();
    let word_value = (WORDS_AT_FULL_WEIGHT / content.len().max(1) as f64)
        .sqrt()
        .min(1.0);
    for stem in &content {
        out.push(&["w:", stem], word_value);
    }
    for pair in content.windows(2) {
        out.push(&["b:", pair[0], "_", pair[1]], word_value);
    }
    // The stemmer folds away the mood and tense a stance often hangs on
    // ("faciliterait" and "facilite" share "facilit"; "renforcer" and
    // "renforcé" share "renforc"): the word form and its ending keep them.
    // Chosen by leave-one-writer-out validation (polarity macro-F1 +0.01).
    for t in tokens.iter().filter(|t| t.is_content()) {
        if t.lower != t.stem {
            out.push(&["form:", &t.lower], word_value);
        }
        // The last four characters of a word of six or more, sliced from it.
        let mut back = t.lower.char_indices().rev();
        let fourth_from_end = back.nth(3).map(|(i, _)| i);
        let six_or_more = back.nth(1).is_some();
        if let (Some(ending), true) = (fourth_from_end, six_or_more) {
            out.push(&["end:", &t.lower[ending..]], word_value);
        }
    }
    // Words in the scope of a negation ("n'a pas permis", "sans effet") also
    // count as negated words, so the model can weigh them apart.
    for (i, t) in tokens.iter().enumerate().filter(|(_, t)| t.is_content()) {
        if negators.negates(tokens, i, 3) {
            out.push(&["neg:", &t.stem], word_value);
        }
    }
    for (t, theme) in codebook.themes.iter().enumerate() {
        let score = evidence.theme_score(t);
        if score > 0.0 {
            out.push(&["lex:", &theme.id], (1.0 + score).ln());
        }
    }
    let polarity = evidence.polarity_scores(codebook);
    for (p, id) in codebook.polarities.iter().enumerate() {
        if polarity[p] > 0.0 {
            out.push(&["cue:", id], (1.0 + polarity[p]).ln());
        }
    }
    for (p, id) in codebook.polarities.iter().enumerate() {
        let negated: f64 = evidence.cues[p]
            .iter()
            .filter(|(_, _, n)| *n)
            .map(|(_, w, _)| w)
            .sum();
        if negated > 0.0 {
            out.push(&["cue_negated:", id], (1.0 + negated).ln());
        }
        let contrast = evidence.after_contrast[p];
        if contrast != 0.0 {
            out.push(
                &["cue_after_contrast:", id],
                contrast.signum() * (1.0 + contrast.abs()).ln(),
            );
        }
    }
    // How a paragraph opens often sets its stance ("Malgré ...", "Il
    // reste que ...", "Faute de ...", "Nous recommandons ..."): its first
    // words as written, stop words included. Polarity only (see linear.rs).
    for t in tokens.iter().take(4) {
        out.push(&[OPENING, &t.lower], 1.0);
    }
    // The stance sentence by sentence: how many sentences lean each way,
    // which way the first and the last judging sentences lean. Polarity
    // only. Leave-one-writer-out polarity +0.001, real dev set +0.017
    // (both within noise, neither lower).
    let stances = sentence_stances(text, origin, tokens, &evidence.cue_at);
    if stances.len() > 1 {
        let mut per = [0usize; 4];
        for p in stances.iter().flatten() {
            per[*p] += 1;
        }
        for (p, id) in codebook.polarities.iter().enumerate() {
            if per[p] > 0 {
                out.push(&[STANCE, "n_", id], (1.0 + per[p] as f64).ln());
                out.push(
                    &[STANCE, "share_", id],
                    per[p] as f64 / stances.len() as f64,
                );
            }
        }
        let judged: Vec<usize> = stances.iter().flatten().copied().collect();
        if let (Some(first), Some(last)) = (judged.first(), judged.last()) {
            out.push(&[STANCE, "first_", &codebook.polarities[*first]], 1.0);
            out.push(&[STANCE, "last_", &codebook.polarities[*last]], 1.0);
        }
        if judged.is_empty() {
            out.push(&[STANCE, "none"], 1.0);
        }
    }
    // Results are told in figures ("de 18 % à 37 %", "41 sur 64").
    let percents = text.matches('%').count();
    if percents > 0 {
        out.push(&["f:percent"], 1.0);
    }
    if percents > 1 {
        out.push(&["f:percents"], 1.0);
    }
    if text.chars().any(|c| c.is_ascii_digit()) {
        out.push(&["f:digits"], 1.0);
    }
    if is_evaluation_question(text, origin, tokens, evidence) {
        out.push(&["f:question"], 1.0);
    }
    if verb_led(text) {
        out.push(&["f:verb_led"], 1.0);
    }
    let words = tokens.iter().filter(|t| !t.elision).count();
    let length = if words <= 12 {
        "f:short"
    } else if words <= 60 {
        "f:medium"
    } else {
        "f:long"
    };
    out.push(&[length], 1.0);
    if text.contains('«') || text.contains('"') || text.contains('“') {
        out.push(&["f:quote"], 1.0);
    }
    if let Some((heading_tokens, heading_evidence)) = heading {
        for t in heading_tokens.iter().filter(|t| t.is_content()) {
            out.push(&["h:", &t.stem], 1.0);
        }
        for (t, theme) in codebook.themes.iter().enumerate() {
            if heading_evidence.theme_score(t) > 0.0 {
                out.push(&["hlex:", &theme.id], 1.0);
                if !evidence.has_theme_evidence() {
                    out.push(&["hlex_only:", &theme.id], 1.0);
                }
            }
        }
        let hp = heading_evidence.polarity_scores(codebook);
        for (p, id) in codebook.polarities.iter().enumerate() {
            if hp[p] > 0.0 {
                out.push(&["hcue:", id], 1.0);
            }
        }
    } else {
        out.push(&["h:none"], 1.0);
    }
    out.push(&["bias"], 1.0);
    out
}

/// A paragraph that asks a question and takes no stance before it ("Quelle
/// valeur ajoutée du conseil citoyen ?"). One that states a difficulty or a
/// success and then asks what will be done about it, as in a hearing or a
/// parliamentary question, is judged on what it states. `origin`: as in
/// `features`.
pub(crate) fn is_evaluation_question(
    text: &str,
    origin: usize,
    tokens: &[Token],
    evidence: &Evidence,
) -> bool {
    let trimmed = text.trim_end();
    let Some(asked) = trimmed.strip_suffix('?') else {
        return false;
    };
    let question_starts = origin + asked.rfind(['.', '!', '?']).map_or(0, |i| i + 1);
    let stance = [Polarity::Reussite.index(), Polarity::Difficulte.index()];
    !evidence.cue_at.iter().any(|&(at, p, _)| {
        stance.contains(&p) && tokens.get(at).is_some_and(|t| t.start < question_starts)
    })
}

/// A recommendation item starts with an infinitive: "Renforcer le pilotage",
/// "2. Clarifier le rôle", "- Mettre en place".
pub(crate) fn verb_led(text: &str) -> bool {
    let rest = text.trim_start_matches(|c: char| {
        c.is_ascii_digit() || matches!(c, '.' | ')' | '-' | '–' | '•' | ' ' | '(')
    });
    let rest = if rest.len() > 1 && rest.as_bytes().get(1) == Some(&b')') {
        &rest[2..]
    } else {
        rest
    };
    let first: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect();
    let starts_upper = first.chars().next().is_some_and(char::is_uppercase);
    let lower = first.to_lowercase();
    starts_upper
        && lower.chars().count() >= 5
        && (lower.ends_with("er") || lower.ends_with("ir") || lower.ends_with("re"))
        && !matches!(
            lower.as_str(),
            "entre"
                | "notre"
                | "votre"
                | "autre"
                | "premier"
                | "dernier"
                | "hier"
                | "leur"
                | "pour"
                | "centre"
                | "titre"
                | "nombre"
                | "cadre"
                | "ordre"
                | "offre"
                | "quatre"
                | "chiffre"
                | "membre"
                | "février"
                | "janvier"
                | "septembre"
                | "octobre"
                | "novembre"
                | "décembre"
                | "contre"
                | "encore"
                | "parmi"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verb_led_items() {
        assert!(verb_led("Renforcer l'accompagnement des membres"));
        assert!(verb_led("2. Clarifier le rôle du conseil citoyen"));
        assert!(verb_led("a) Formaliser une annexe financière"));
        assert!(!verb_led("Entre 2015 et 2022, le contrat"));
        assert!(!verb_led("Le pilotage gagnerait à être resserré."));
    }
}
