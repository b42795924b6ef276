//! The territory of the contract (its name and kind) and its département,
//! from the cover's designations ("Communauté d'agglomération du Grand
//! Castelbrunois", "contrat de ville de Saint-Denis", "Ville de Bellac"),
//! codes in brackets ("(93)"), postal codes ("93200 Saint-Denis") and
//! département names.

use std::sync::LazyLock;

use regex::Regex;

use super::fold::fold;
use super::rules::Rules;
use super::text::{Unit, Zone};
use super::Found;

/// A place name as printed: capitalised words, hyphenated parts and the
/// small words between them ("Saint-Aurèle-les-Forges", "Cœur d'Essonne",
/// "Grand Castelbrunois", "Val-d'Oise").
static NAME: LazyLock<Regex> = LazyLock::new(|| {
    let word = r"\p{Lu}[\p{L}'’]*(?:-\p{L}[\p{L}'’]*)*";
    Regex::new(&format!(
        r"^{word}(?:(?:\s+(?:sur|sous|en|lès|lez|les|le|la|de|du|des|et|aux|au))*\s+(?:[dl]['’])?{word})*"
    ))
    .expect("name pattern is valid")
});

/// Words that introduce a territory (folded), its kind, and whether the
/// words belong to its name ("Communauté d'agglomération du X" is the
/// name; "Ville de X" is X).
const LEADS: [(&str, Option<&str>, bool); 9] = [
    (
        r"\bcontrat de ville (?:intercommunal |unique |communal |metropolitain )?(?:de la |de l'|du |des |de |d')",
        None,
        false,
    ),
    (
        r"\bcommunaute d'agglomeration (?:de la |de l'|du |des |de |d')?",
        Some("communaute_agglomeration"),
        true,
    ),
    (
        r"\bcommunaute de communes (?:de la |de l'|du |des |de |d')?",
        Some("communaute_communes"),
        true,
    ),
    (
        r"\bcommunaute urbaine (?:de la |de l'|du |des |de |d')?",
        Some("communaute_urbaine"),
        true,
    ),
    (
        r"\b(?:euro)?metropole (?:de la |de l'|du |des |de |d')",
        Some("metropole"),
        true,
    ),
    (
        r"\betablissement public territorial (?:t\d+ )?(?:- )?",
        Some("ept"),
        false,
    ),
    (r"\bept (?:t?\d+ )?(?:- )?", Some("ept"), false),
    (
        r"\bagglomeration (?:de la |de l'|du |des |de |d')",
        Some("communaute_agglomeration"),
        true,
    ),
    (
        r"\b(?:ville|commune|mairie) (?:de la |de l'|du |des |de |d')",
        Some("commune"),
        false,
    ),
];

static LEAD_PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    LEADS
        .iter()
        .map(|(p, _, _)| Regex::new(p).expect("lead pattern is valid"))
        .collect()
});

/// The kind a name's own last word gives ("Pontverre Agglomération").
fn kind_of_name(folded: &str) -> Option<&'static str> {
    let last = folded.rsplit([' ', '-']).next().unwrap_or("");
    let first = folded.split([' ', '-']).next().unwrap_or("");
    match (first, last) {
        (_, "agglomeration" | "agglo") | ("agglomeration" | "agglo", _) => {
            Some("communaute_agglomeration")
        }
        (_, "metropole" | "eurometropole") | ("metropole" | "eurometropole", _) => {
            Some("metropole")
        }
        ("communaute", _) | (_, "communaute") => Some("epci"),
        _ => None,
    }
}

#[derive(Debug, Clone)]
struct Candidate<'a> {
    value: String,
    /// The name without its kind's words, folded, to compare designations.
    core: String,
    kind: Option<&'static str>,
    departement: Option<String>,
    from_contract: bool,
    unit: &'a Unit<'a>,
}

/// The territory found, its kind when the text says it, and a département
/// when the territory is a known grouping.
pub(crate) struct Territory {
    pub found: Found,
    pub kind: Option<String>,
    pub kind_confidence: f64,
    pub departement: Option<String>,
}

/// The name at `at` (original bytes) in `unit`, cut before words that
/// cannot be part of it ("Saint-Denis Rapport final").
fn name_at(unit: &Unit, at: usize, rules: &Rules) -> Option<String> {
    let m = NAME.find(&unit.text[at..])?;
    let mut kept: Vec<&str> = Vec::new();
    for (i, word) in m.as_str().split_whitespace().enumerate() {
        if i > 0 && rules.stop_words.contains(&fold(word)) {
            break;
        }
        kept.push(word);
    }
    // Trailing small words left by the cut ("Saint-Denis de").
    const SMALL: [&str; 13] = [
        "sur", "sous", "en", "lès", "lez", "les", "le", "la", "de", "du", "des", "et", "au",
    ];
    while kept
        .last()
        .is_some_and(|w| SMALL.contains(w) || *w == "aux")
    {
        kept.pop();
    }
    (!kept.is_empty()).then(|| kept.join(" "))
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn candidates<'a>(units: &'a [Unit<'a>], rules: &Rules) -> Vec<Candidate<'a>> {
    let mut found = Vec::new();
    for unit in units.iter().filter(|u| u.zone <= Zone::Front) {
        let text = &unit.folded.text;
        for (pattern, (_, kind, keep)) in LEAD_PATTERNS.iter().zip(LEADS) {
            for m in pattern.find_iter(text) {
                let before = &text[..m.start()];
                // "politique de la ville de X" and "contrat de ville de X" are read by the contract's lead.
                if kind == Some("commune")
                    && (before.ends_with("contrat de ") || before.ends_with("politique de la "))
                {
                    continue;
                }
                let Some(name) = name_at(unit, unit.folded.original(m.end()), rules) else {
                    continue;
                };
                let core = fold(&name);
                let value = if keep {
                    capitalise(&format!("{}{name}", unit.original(m.start(), m.end())))
                } else {
                    name
                };
                let kind = kind.or_else(|| kind_of_name(&core));
                found.push(Candidate {
                    value,
                    core,
                    kind,
                    departement: None,
                    from_contract: m.as_str().starts_with("contrat"),
                    unit,
                });
            }
        }
        // A cover line naming a grouping by its own words ("Pontverre Agglomération").
        if unit.zone == Zone::Cover {
            for (at, _) in unit
                .text
                .char_indices()
                .filter(|(i, c)| c.is_uppercase() && (*i == 0 || unit.text[..*i].ends_with(' ')))
            {
                let Some(name) = name_at(unit, at, rules) else {
                    continue;
                };
                let core = fold(&name);
                if core.contains(' ') {
                    if let Some(kind) = kind_of_name(&core) {
                        found.push(Candidate {
                            value: name,
                            core,
                            kind: Some(kind),
                            departement: None,
                            from_contract: false,
                            unit,
                        });
                    }
                }
            }
        }
        for known in &rules.known {
            if text.contains(&known.folded) {
                found.push(Candidate {
                    value: known.name.clone(),
                    core: known.folded.clone(),
                    kind: Some(kind_str(&known.kind)),
                    departement: known.departement.clone(),
                    from_contract: false,
                    unit,
                });
            }
        }
    }
    found
}

/// The kinds as static ids (known places name theirs in the data file).
fn kind_str(kind: &str) -> &'static str {
    match kind {
        "commune" => "commune",
        "communaute_agglomeration" => "communaute_agglomeration",
        "communaute_communes" => "communaute_communes",
        "communaute_urbaine" => "communaute_urbaine",
        "metropole" => "metropole",
        "ept" => "ept",
        _ => "epci",
    }
}

/// The territory: the one the contract is named after ("contrat de ville
/// de X"), in its fullest designation on the cover; else the first
/// designation of the cover, then of the first pages.
pub(crate) fn territory(units: &[Unit], rules: &Rules) -> Option<Territory> {
    let candidates = candidates(units, rules);
    let make = |c: &Candidate, confidence: f64, kind_confidence: f64| Territory {
        found: Found::new(c.value.clone(), c.unit.text, confidence),
        kind: c.kind.map(str::to_string),
        kind_confidence,
        departement: c.departement.clone(),
    };
    let contract = candidates
        .iter()
        .filter(|c| c.from_contract)
        .min_by_key(|c| c.unit.zone);
    if let Some(contract) = contract {
        let zone_bonus = if contract.unit.zone == Zone::Cover {
            0.0
        } else {
            -0.1
        };
        // The same territory designated with its kind elsewhere on the
        // cover; for an acronym ("contrat de ville de la CACEM"), the
        // grouping the cover names.
        let acronym = (2..=8).contains(&contract.value.chars().count())
            && contract.value.chars().all(|c| c.is_uppercase());
        let fuller = candidates.iter().find(|c| {
            !c.from_contract
                && c.kind.is_some()
                && (c.core == contract.core
                    || c.core.ends_with(&contract.core)
                    || contract.core.ends_with(&c.core)
                    || (acronym && c.kind != Some("commune") && c.unit.zone == Zone::Cover))
        });
        return Some(match (contract.kind, fuller) {
            (Some(_), _) => make(contract, 0.85 + zone_bonus, 0.8),
            (None, Some(fuller)) if fuller.kind == Some("commune") => {
                let mut t = make(contract, 0.85 + zone_bonus, 0.75);
                t.kind = Some("commune".into());
                t
            }
            (None, Some(fuller)) => make(fuller, 0.85 + zone_bonus, 0.85),
            (None, None) => make(contract, 0.75 + zone_bonus, 0.0),
        });
    }
    let first = candidates.iter().min_by_key(|c| c.unit.zone)?;
    let confidence = if first.unit.zone == Zone::Cover {
        0.7
    } else {
        0.55
    };
    Some(make(first, confidence, 0.7))
}

/// "(93)", "(2A)", "(974)".
static CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\((\d{2}|2a|2b|97[1-6])\)").expect("code pattern is valid"));

/// "93200 Saint-Denis", "97400 Saint-Denis" (a capitalised word after).
static POSTAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d\s]\s*|\s)(\d{5}) \p{Lu}").expect("postal pattern is valid")
});

/// The département of a postal code: 97x overseas, 20xxx Corsica split.
fn from_postal(code: &str) -> Option<String> {
    let n: u32 = code.parse().ok()?;
    match n {
        0..=999 => None,
        20000..=20199 => Some("2A".into()),
        20200..=20699 => Some("2B".into()),
        97100..=97699 => Some(code[..3].to_string()),
        96000..=99999 => None,
        _ => Some(code[..2].to_string()),
    }
}

/// Every word of a name starts with a capital, but the small ones
/// ("Seine-Saint-Denis", "Val-d'Oise", "Territoire de Belfort").
fn capitalised(name: &str) -> bool {
    name.split([' ', '-', '\'', '’'])
        .filter(|w| {
            !matches!(
                *w,
                "" | "de" | "du" | "des" | "et" | "d" | "sur" | "la" | "le" | "les"
            )
        })
        .all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// Whether a département name at `at..end` of `text` (folded) is meant as one.
fn names_departement(text: &str, at: usize, end: usize, ambiguous: bool) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[end..].chars().next();
    let joined = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '\'');
    if joined(before) || joined(after) {
        return false;
    }
    if !ambiguous {
        return true;
    }
    let head = text[..at].trim_end();
    let tail = text[end..].trim_start();
    head.ends_with("departement de la")
        || head.ends_with("departement du")
        || head.ends_with("departement de l'")
        || head.ends_with("departement des")
        || head.ends_with("departement de")
        || (head.ends_with('(') && tail.starts_with(')'))
        || ((head.ends_with(',') || head.ends_with('-'))
            && (tail.is_empty() || tail.starts_with([')', ',', '-'])))
}

/// The département: a code in brackets, a postal code or a name in the
/// cover and first pages (then the colophon), else the known territory's.
pub(crate) fn departement(
    units: &[Unit],
    rules: &Rules,
    territory: Option<&Territory>,
) -> Option<Found> {
    let mut best: Option<(f64, String, String)> = None;
    let mut consider = |confidence: f64, code: String, evidence: &'_ str| {
        if best.as_ref().is_none_or(|(c, _, _)| confidence > *c) {
            best = Some((confidence, code, evidence.to_string()));
        }
    };
    for unit in units.iter().filter(|u| u.zone <= Zone::Colophon) {
        let text = &unit.folded.text;
        let base = if unit.zone == Zone::Cover { 0.9 } else { 0.8 };
        for caps in CODE.captures_iter(text) {
            if let Some(d) = rules.departement(&caps[1]) {
                consider(base, d.code.clone(), unit.text);
            }
        }
        for caps in POSTAL.captures_iter(unit.text) {
            if let Some(d) = from_postal(&caps[1]).and_then(|c| rules.departement(&c)) {
                consider(base - 0.05, d.code.clone(), unit.text);
            }
        }
        // Only the names the text holds are looked at where they are.
        let named = rules.departement_names.matches(text);
        for d in named.iter().map(|i| &rules.departements[i]) {
            // Written as a name: "La Réunion", not "la réunion" (a meeting).
            let hit = text.match_indices(&d.folded).any(|(at, m)| {
                names_departement(text, at, at + m.len(), d.ambiguous)
                    && capitalised(unit.original(at, at + m.len()))
            });
            if hit {
                consider(base - 0.05, d.code.clone(), unit.text);
            }
        }
    }
    if let (None, Some(t)) = (&best, territory) {
        if let Some(code) = &t.departement {
            return Some(Found::new(code.clone(), &t.found.evidence, 0.7));
        }
    }
    best.map(|(confidence, code, evidence)| Found::new(code, &evidence, confidence))
}

#[cfg(test)]
mod tests {
    use super::super::text::tests::{doc, rules};
    use super::super::{read_report, Field, ReportMeta};

    fn read(lines: &[(u32, bool, &str)]) -> ReportMeta {
        read_report(&doc(lines), &rules())
    }

    #[test]
    fn the_contracts_territory_in_its_fullest_designation() {
        let meta = read(&[
            (
                1,
                true,
                "Évaluation du contrat de ville du Grand Castelbrunois 2015-2022",
            ),
            (
                1,
                false,
                "Communauté d'agglomération du Grand Castelbrunois (47)",
            ),
        ]);
        assert_eq!(
            meta.value(Field::Territory),
            Some("Communauté d'agglomération du Grand Castelbrunois")
        );
        assert_eq!(
            meta.value(Field::TerritoryKind),
            Some("communaute_agglomeration")
        );
        assert_eq!(meta.value(Field::Departement), Some("47"));
    }

    #[test]
    fn a_commune_a_postal_code_and_overseas() {
        let meta = read(&[
            (1, true, "CONTRAT DE VILLE DE SAINT-DENIS Rapport final"),
            (
                1,
                false,
                "Ville de Saint-Denis - Hôtel de ville, 2 rue de Paris, 97400 Saint-Denis",
            ),
        ]);
        assert_eq!(meta.value(Field::Territory), Some("SAINT-DENIS"));
        assert_eq!(meta.value(Field::TerritoryKind), Some("commune"));
        assert_eq!(meta.value(Field::Departement), Some("974"));
        let meta = read(&[
            (1, true, "Bilan du contrat de ville de Porto-Vecchio"),
            (1, false, "20137 Porto-Vecchio"),
        ]);
        assert_eq!(meta.value(Field::Departement), Some("2A"));
    }

    #[test]
    fn departement_names_need_a_sign_when_they_are_common_words() {
        let meta = read(&[
            (
                1,
                true,
                "Évaluation du contrat de ville de Villeneuve-sur-Lot",
            ),
            (1, false, "Les quartiers Nord et le Lot de la ville"),
        ]);
        assert_eq!(
            meta.value(Field::Departement),
            None,
            "{:?}",
            meta.get(Field::Departement)
        );
        let meta = read(&[
            (1, true, "Évaluation du contrat de ville d'Argenteuil"),
            (1, false, "Val-d'Oise - Rapport 2021"),
        ]);
        assert_eq!(meta.value(Field::Departement), Some("95"));
        assert_eq!(meta.value(Field::Territory), Some("Argenteuil"));
        assert_eq!(
            meta.value(Field::TerritoryKind),
            None,
            "the text does not say"
        );
        let meta = read(&[
            (1, true, "Compte rendu"),
            (1, false, "Photos de la réunion : voir l'annexe"),
        ]);
        assert_eq!(
            meta.value(Field::Departement),
            None,
            "a meeting is not La Réunion"
        );
        let meta = read(&[(1, true, "Contrat de ville de Roubaix, département du Nord")]);
        assert_eq!(meta.value(Field::Departement), Some("59"));
    }

    #[test]
    fn known_groupings_and_no_territory() {
        let meta = read(&[
            (1, true, "Évaluation à mi-parcours - Plaine Commune"),
            (1, false, "Mars 2019"),
        ]);
        assert_eq!(meta.value(Field::Territory), Some("Plaine Commune"));
        assert_eq!(meta.value(Field::TerritoryKind), Some("ept"));
        assert_eq!(meta.value(Field::Departement), Some("93"));
        let meta = read(&[(1, true, "Rapport d'évaluation"), (1, false, "Mars 2019")]);
        assert_eq!(meta.value(Field::Territory), None);
    }
}
