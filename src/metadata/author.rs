//! Who evaluated (a consultancy, a service of the contract's partners) and
//! the modalité: externe (an outside body conducted it), interne (the
//! contract's own services or partners), mixte (internal steering with an
//! outside firm's support, or both).

use std::sync::LazyLock;

use regex::Regex;

use super::fold::{fold, Folded};
use super::rules::{Modalite, Role, Rules};
use super::text::{Unit, Zone};
use super::Found;

/// An organisation's name as printed ("Arpège Conseil", "Territoires & Co",
/// "Cité Plurielle").
static ORG: LazyLock<Regex> = LazyLock::new(|| {
    let word = r"\p{Lu}[\p{L}\p{N}'’&.-]*";
    Regex::new(&format!(
        r"^{word}(?:\s+(?:(?:&|\+|et|de|du|des|la|le|les|en)\s+)?(?:[dl]['’])?{word})*"
    ))
    .expect("organisation pattern is valid")
});

/// A sentence about the evaluation or the report.
static ABOUT_EVALUATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:evaluation|evaluateurs?|rapport|bilan|demarche|etude)\b")
        .expect("evaluation pattern is valid")
});

/// What kind of body a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Body {
    /// A consultancy (or another outside body named as one).
    Firm,
    /// A service of the contract's partners.
    Internal,
    /// A proper name that says neither.
    Unknown,
}

/// A body the text names as having written or helped the evaluation.
#[derive(Debug, Clone)]
pub(crate) struct Who<'a> {
    /// None for "un cabinet", "un prestataire": a kind without a name.
    pub name: Option<String>,
    pub body: Body,
    pub role: Role,
    pub unit: &'a Unit<'a>,
}

fn has_word(folded: &str, word: &str) -> bool {
    folded.match_indices(word).any(|(at, _)| {
        let before = folded[..at].chars().next_back();
        let after = folded[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

fn body_of(folded: &str, rules: &Rules) -> Body {
    let first = folded.split([' ', '\'']).next().unwrap_or("");
    if rules.service_heads.iter().any(|h| h == first)
        || rules.internal_bodies.iter().any(|b| has_word(folded, b))
    {
        Body::Internal
    } else if rules.firm_words.iter().any(|w| has_word(folded, w)) {
        Body::Firm
    } else {
        Body::Unknown
    }
}

/// The words after a service's head, up to the end of its name.
const SERVICE_ENDS: [&str; 17] = [
    ",",
    ".",
    ";",
    ":",
    "(",
    ")",
    " - ",
    " et ",
    " avec ",
    " pour ",
    " dans ",
    " sous ",
    " auprès ",
    " sur ",
    " à ",
    " qui ",
    " afin ",
];

/// The body named at the start of `text` (a slice of `unit`), if any.
fn body_at<'a>(unit: &'a Unit<'a>, text: &str, role: Role, rules: &Rules) -> Option<Who<'a>> {
    let rest = text.trim_start();
    let folded_rest = fold(rest);
    let mut skip = 0;
    for article in ["le ", "la ", "les ", "l'", "un ", "une ", "des "] {
        if folded_rest.starts_with(article) {
            skip = Folded::new(rest).original(article.len());
            break;
        }
    }
    let rest = &rest[skip..];
    let folded_rest = fold(rest);
    let who = |name: Option<String>, body: Body| Who {
        name,
        body,
        role,
        unit,
    };
    let head = folded_rest.split([' ', '\'']).next().unwrap_or("");
    if rules.service_heads.iter().any(|h| h == head)
        || rules
            .internal_bodies
            .iter()
            .any(|b| folded_rest.starts_with(&format!("{b} ")))
    {
        let end = SERVICE_ENDS
            .iter()
            .filter_map(|e| rest.find(e))
            .min()
            .unwrap_or(rest.len());
        let name: Vec<&str> = rest[..end].split_whitespace().take(12).collect();
        return Some(who(Some(name.join(" ")), Body::Internal));
    }
    let mut firm_marker = false;
    let mut rest = rest;
    for marker in [
        "cabinet ",
        "bureau d'etudes ",
        "societe ",
        "groupement ",
        "consultant ",
        "prestataire ",
    ] {
        if fold(rest).starts_with(marker) {
            firm_marker = true;
            rest = &rest[Folded::new(rest).original(marker.len())..];
            break;
        }
    }
    match ORG.find(rest) {
        Some(m) => {
            let name = m.as_str().trim_end_matches(['.', '-']).to_string();
            let body = match body_of(&fold(&name), rules) {
                Body::Unknown if firm_marker || role == Role::Mention => Body::Firm,
                body => body,
            };
            Some(who(Some(name), body))
        }
        None if firm_marker => Some(who(None, Body::Firm)),
        None => None,
    }
}

/// Every body the cover, first pages, colophon and body name as author or support.
pub(crate) fn evaluators<'a>(units: &'a [Unit<'a>], rules: &Rules) -> Vec<Who<'a>> {
    let mut found = Vec::new();
    for unit in units {
        // In the body, only sentences about the evaluation itself say who made it
        // (not "la base de données produite par la DGFiP").
        if unit.zone == Zone::Body && !ABOUT_EVALUATION.is_match(&unit.folded.text) {
            continue;
        }
        if rules.hypothetical.is_match(&unit.folded.text) {
            continue;
        }
        for cue in &rules.evaluator_cues {
            if !cue.pattern.may_match(&unit.folded.text) {
                continue;
            }
            for caps in cue.pattern.regex.captures_iter(&unit.folded.text) {
                // The name follows the cue ("réalisé par X"), or the cue
                // marks it as `who` ("X a conduit l'évaluation").
                let text = match caps.name("who") {
                    Some(who) => unit.original(who.start(), who.end()),
                    None => {
                        let end = caps.get(0).expect("match").end();
                        &unit.text[unit.folded.original(end)..]
                    }
                };
                if let Some(who) = body_at(unit, text, cue.role, rules) {
                    found.push(who);
                }
            }
        }
        if unit.zone == Zone::Cover {
            found.extend(cover_names(unit, rules));
        }
    }
    found
}

/// "Département des Alpes-Maritimes", "Mission de Bellac": the word after
/// the head's small words is capitalised.
fn names_a_place(part: &str) -> bool {
    part.split_whitespace()
        .skip(1)
        .find(|w| !matches!(*w, "de" | "du" | "des" | "la" | "le" | "les" | "l'" | "d'"))
        .map(|w| {
            ["l'", "d'", "l’", "d’"]
                .iter()
                .fold(w, |w, elision| w.strip_prefix(elision).unwrap_or(w))
        })
        .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// Bodies a cover line names by themselves, a logo's text or a part of a
/// line between dashes: "ARPÈGE CONSEIL", "Rapport final - Alterna Conseil -
/// mars 2022", "Direction de la cohésion sociale".
fn cover_names<'a>(unit: &'a Unit<'a>, rules: &Rules) -> Vec<Who<'a>> {
    const NOT_BODIES: [&str; 6] = [
        "conseil citoyen",
        "conseils citoyens",
        "conseil departemental",
        "conseil municipal",
        "conseil communautaire",
        "conseil regional",
    ];
    let mut found = Vec::new();
    let separated = unit.text.replace(['–', '—', '|', '•', '·'], "-");
    for part in separated.split(" - ") {
        let part = part.trim().trim_end_matches(['.', ',']);
        let folded = fold(part);
        if part.split_whitespace().count() > 8 || NOT_BODIES.iter().any(|c| folded.contains(c)) {
            continue;
        }
        // A service's name has lowercase words ("Direction de la cohésion sociale").
        // A service is named by its function ("Direction de la cohésion
        // sociale"), a partner by its place ("Département des Alpes-Maritimes"): a logo.
        let service = rules
            .service_heads
            .iter()
            .any(|h| folded.starts_with(&format!("{h} ")))
            && !names_a_place(part);
        if service && body_of(&folded, rules) == Body::Internal {
            found.push(Who {
                name: Some(part.to_string()),
                body: Body::Internal,
                role: Role::Author,
                unit,
            });
            continue;
        }
        // A firm's name among other words ("Rapport final Alterna Conseil novembre 2022").
        let starts = part
            .char_indices()
            .filter(|&(i, c)| c.is_uppercase() && (i == 0 || part[..i].ends_with(' ')));
        let mut end = 0;
        for (at, _) in starts {
            if at < end {
                continue;
            }
            let Some(m) = ORG.find(&part[at..]) else {
                continue;
            };
            end = at + m.end();
            if body_of(&fold(m.as_str()), rules) == Body::Firm {
                found.push(Who {
                    name: Some(m.as_str().to_string()),
                    body: Body::Firm,
                    role: Role::Author,
                    unit,
                });
            }
        }
    }
    found
}

/// The evaluator: the named authors, then the firms that supported them,
/// joined by " ; " ("Direction de la cohésion sociale ; Cité Plurielle").
pub(crate) fn evaluator(who: &[Who]) -> Option<Found> {
    let mut names: Vec<(&str, &Who)> = Vec::new();
    let ordered = who.iter().filter(|w| w.role == Role::Author).chain(
        who.iter()
            .filter(|w| w.role != Role::Author && w.body != Body::Internal),
    );
    for w in ordered {
        if let Some(name) = w.name.as_deref() {
            let folded = fold(name);
            if !names.iter().any(|(n, _)| fold(n) == folded) {
                names.push((name, w));
            }
        }
    }
    let first = names.first()?.1;
    let confidence = match (first.body, first.unit.zone) {
        (Body::Unknown, _) => 0.55,
        _ if first.role == Role::Mention => 0.6,
        (_, Zone::Body) => 0.6,
        _ => 0.8,
    };
    let value: Vec<&str> = names.iter().take(3).map(|(n, _)| *n).collect();
    Some(Found::new(value.join(" ; "), first.unit.text, confidence))
}

/// The modalité from explicit statements ("évaluation conduite en régie",
/// "confiée au cabinet X") and from who wrote it; none when the text does
/// not tell.
pub(crate) fn modalite(units: &[Unit], who: &[Who], rules: &Rules) -> Option<Found> {
    // Per modalité: score, and the strongest sentence.
    let mut scores: [(f64, f64, String); 3] = Default::default();
    let index = |m: Modalite| m as usize;
    let mut add = |m: Modalite, weight: f64, evidence: &str| {
        let s = &mut scores[index(m)];
        s.0 += weight;
        if weight > s.1 {
            s.1 = weight;
            s.2 = evidence.to_string();
        }
    };
    for unit in units {
        let text = &unit.folded.text;
        // "Le prochain contrat devrait faire l'objet d'une évaluation externe."
        if rules.hypothetical.is_match(text) {
            continue;
        }
        let negations: Vec<(usize, usize)> = rules
            .negation
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect();
        let zone_weight = if unit.zone == Zone::Body { 0.8 } else { 1.0 };
        for cue in &rules.modalite_cues {
            if !cue.pattern.may_match(text) {
                continue;
            }
            for m in cue.pattern.regex.find_iter(text) {
                // A negated sentence counts only for the cues written for it.
                let negated = !negations.is_empty()
                    && !negations.iter().any(|&(s, e)| s < m.end() && m.start() < e);
                if !negated {
                    add(cue.modalite, cue.weight * zone_weight, unit.text);
                }
            }
        }
    }
    for w in who {
        if rules.negation.is_match(&w.unit.folded.text)
            || rules.hypothetical.is_match(&w.unit.folded.text)
        {
            continue;
        }
        let zone_weight = if w.unit.zone == Zone::Body { 0.7 } else { 1.0 };
        let (modalite, weight) = match (w.role, w.body) {
            (Role::Author, Body::Firm) => (Modalite::Externe, 1.0),
            // A proper name that is neither a service nor a partner is, in
            // these reports, an outside body's.
            (Role::Author, Body::Unknown) => (Modalite::Externe, 0.8),
            (Role::Author, Body::Internal) => (Modalite::Interne, 1.0),
            (Role::Support, Body::Firm | Body::Unknown) => (Modalite::Mixte, 0.9),
            (Role::Mention, Body::Firm | Body::Unknown) => (Modalite::Externe, 0.5),
            (Role::Support | Role::Mention, Body::Internal) => continue,
        };
        add(modalite, weight * zone_weight, w.unit.text);
    }
    let [interne, externe, mixte] = scores;
    let at = rules.decide_at;
    let confidence = |score: f64| (0.45 + 0.25 * score).min(0.95);
    let (modalite, confidence, evidence) = if mixte.0 >= at {
        (Modalite::Mixte, confidence(mixte.0), mixte.2)
    } else if interne.0 >= at && externe.0 >= at {
        (
            Modalite::Mixte,
            0.6,
            if interne.1 >= externe.1 {
                interne.2
            } else {
                externe.2
            },
        )
    } else if interne.0 >= at && interne.0 > externe.0 {
        (
            Modalite::Interne,
            confidence(interne.0 - externe.0),
            interne.2,
        )
    } else if externe.0 >= at {
        (
            Modalite::Externe,
            confidence(externe.0 - interne.0),
            externe.2,
        )
    } else {
        return None;
    };
    Some(Found::new(modalite.as_str(), &evidence, confidence))
}

#[cfg(test)]
mod tests {
    use super::super::text::tests::{doc, rules};
    use super::super::{read_report, Field, ReportMeta};

    fn read(lines: &[(u32, bool, &str)]) -> ReportMeta {
        read_report(&doc(lines), &rules())
    }

    #[test]
    fn a_consultancy_that_wrote_it_is_externe() {
        let meta = read(&[
            (1, true, "Évaluation du contrat de ville de Bellac"),
            (1, false, "Rapport final - Alterna Conseil - mars 2022"),
        ]);
        assert_eq!(meta.value(Field::Evaluator), Some("Alterna Conseil"));
        assert_eq!(meta.value(Field::Modalite), Some("externe"));
        let meta = read(&[
            (1, true, "Évaluation du contrat de ville de Bellac"),
            (
                2,
                false,
                "L'évaluation a été confiée au cabinet Ostinato en 2021.",
            ),
        ]);
        assert_eq!(meta.value(Field::Evaluator), Some("Ostinato"));
        assert_eq!(meta.value(Field::Modalite), Some("externe"));
    }

    #[test]
    fn a_service_is_interne_and_with_a_firms_support_mixte() {
        let meta = read(&[
            (1, true, "Bilan du contrat de ville de Bellac"),
            (2, false, "Ce bilan a été rédigé par la direction de la cohésion sociale, sans recours à un cabinet."),
        ]);
        assert_eq!(
            meta.value(Field::Evaluator),
            Some("direction de la cohésion sociale")
        );
        assert_eq!(meta.value(Field::Modalite), Some("interne"));
        let meta = read(&[
            (1, true, "Bilan du contrat de ville de Bellac"),
            (2, false, "Il a été conduit par la mission politique de la ville, avec l'appui du cabinet Pollen Études."),
        ]);
        assert_eq!(meta.value(Field::Modalite), Some("mixte"));
        let evaluator = meta.value(Field::Evaluator).unwrap();
        assert!(
            evaluator.contains("mission politique de la ville")
                && evaluator.contains("Pollen Études"),
            "{evaluator}"
        );
    }

    #[test]
    fn a_report_that_does_not_say_gets_no_modalite() {
        let meta = read(&[
            (1, true, "Évaluation du contrat de ville de Bellac"),
            (1, false, "Juin 2022"),
            (2, false, "Le contrat de ville couvre deux quartiers. Les conseils citoyens se sont réunis six fois."),
        ]);
        assert_eq!(meta.value(Field::Modalite), None);
        assert_eq!(meta.value(Field::Evaluator), None);
        // A negated outside firm is no external evaluation.
        let meta = read(&[
            (1, true, "Évaluation du contrat de ville de Bellac"),
            (
                2,
                false,
                "L'évaluation n'a pas été confiée à un cabinet : elle a été conduite en régie.",
            ),
        ]);
        assert_eq!(meta.value(Field::Modalite), Some("interne"));
        // What should be done is not what was; a partner's logo is no author.
        let meta = read(&[
            (1, true, "Évaluation du contrat de ville de Bellac"),
            (1, false, "Département de la Haute-Vienne"),
            (
                2,
                false,
                "Le prochain contrat devrait faire l'objet d'une évaluation externe.",
            ),
        ]);
        assert_eq!(meta.value(Field::Modalite), None);
        assert_eq!(meta.value(Field::Evaluator), None);
    }
}
