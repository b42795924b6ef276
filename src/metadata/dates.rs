//! The year of the report (the date on its cover or colophon, not the years
//! of the contract or of the statistics) and the contract's period.

use std::sync::LazyLock;

use regex::Regex;

use super::text::{Unit, Zone};
use super::Found;

const MONTHS: &str =
    "janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre";

/// "juin 2022", "12 mars 2022", "1er juin 2022", "12/03/2022".
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(?:(?:1er|\d{{1,2}}) )?(?:{MONTHS}) ((?:19|20)\d\d)\b|\b\d{{1,2}}[/.]\d{{1,2}}[/.]((?:19|20)\d\d)\b"
    ))
    .expect("date pattern is valid")
});

/// A year standing alone.
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b((?:19|20)\d\d)\b").expect("year pattern is valid"));

/// "2015-2020", "2015 - 2022", "2015/2020", "2015 a 2020" (folded; not
/// "entre 2019 et 2022", which dates statistics).
static SPAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b((?:19|20)\d\d) ?(?:-|/|a|au) ?((?:19|20)\d\d)\b")
        .expect("span pattern is valid")
});

/// "prolonge jusqu'en 2023", "proroge jusqu'au 31 decembre 2022".
static EXTENDED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(?:prolonge|proroge|etendu|reconduit|prolongation|prorogation)e?s? (?:\w+ ){{0,8}}?(?:jusqu'(?:en|au|a) |a |au )(?:(?:1er|\d{{1,2}}) )?(?:(?:{MONTHS}) )?((?:19|20)\d\d)\b"
    ))
    .expect("extension pattern is valid")
});

/// Words before a year that make it something else than the report's
/// date: a reference date of statistics, the contract's dates.
static NOT_REPORT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\bau|jusqu'au|jusqu'en|jusqu'a|depuis|signee?|insee|rp|recensement|donnees|source|sources|chiffres|millesime|entre|prolongee?|prorogee?|horizon|d'ici|annee|base|population|periode|contrats? de ville) ?(?:\d{1,2}|1er)? ?$")
        .expect("exclusion pattern is valid")
});

/// Small words before a year that usually date something else ("en 2019,
/// 23 % des..."), unless the report's words come just before ("publié en 2021").
static WEAK_NOT_REPORT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:avant|apres|fin|debut|de|du|des|en|et|a|pour|vers) $")
        .expect("exclusion pattern is valid")
});

/// Words before a full date that make it a reference date ("au 1er
/// janvier 2020", "signé le 2 juillet 2015", "données de juin 2019").
static NOT_REPORT_FULL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\bau|jusqu'au|jusqu'en|depuis|signee?s?|insee|recensement|donnees|source|sources|chiffres|entre|prolonge|proroge|avant|apres|d'ici)(?: le| de| du)? ?$")
        .expect("exclusion pattern is valid")
});

/// Words that say a date is the report's own.
static REPORT_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:rapport|version|edition|publie|publication|acheve d'imprimer|acheve de rediger|imprime|redige|remis|date|depot|document|synthese|copyright)\b|©|\(c\)")
        .expect("report words pattern is valid")
});

/// A sentence about the contract (not "un contrat a duree indeterminee").
static CONTRACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bcontrats? de ville\b|\b(?:du|le|ce|au|notre|leur|son) contrat\b")
        .expect("contract pattern is valid")
});

/// "signé en 2015", "conclu le 3 juillet 2015".
static SIGNED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(?:signee?|conclue?) (?:en |le (?:1er|\d{{1,2}}) (?:{MONTHS}) )((?:19|20)\d\d)\b"
    ))
    .expect("signature pattern is valid")
});

/// The next contract's period is not the evaluated one's.
static NEXT_CONTRACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:nouveaux?|nouvelles?|prochaine?s?|futurs?|futures?|suivante?s?|successeur|generation) (?:\w+ ){0,2}contrats?\b|\bcontrats? (?:de ville )?(?:suivante?s?|a venir)\b|\bquartiers 2030\b")
        .expect("next contract pattern is valid")
});

/// The years inside a span ("2015-2020") are the contract's, not a date.
fn in_span(text: &str, at: usize, end: usize) -> bool {
    SPAN.find_iter(text)
        .any(|m| m.start() <= at && end <= m.end())
}

/// The year of the report: the date of the cover, else of the colophon or
/// the first pages when it is said to be the report's; the latest when a
/// cover holds several dates (a steering committee, then the delivery).
pub(crate) fn year(units: &[Unit], period: Option<&Period>) -> Option<Found> {
    // (confidence, year, evidence)
    let mut best: Option<(f64, u32, String)> = None;
    let mut consider = |confidence: f64, year: u32, unit: &Unit| {
        let better = match &best {
            None => true,
            Some((c, y, _)) => confidence > *c || (confidence == *c && year > *y),
        };
        if better {
            best = Some((confidence, year, unit.text.to_string()));
        }
    };
    for unit in units {
        let text = &unit.folded.text;
        let says_report = REPORT_WORDS.is_match(text);
        for caps in DATE.captures_iter(text) {
            let whole = caps.get(0).expect("match");
            let Some(y) = caps.get(1).or_else(|| caps.get(2)) else {
                continue;
            };
            if NOT_REPORT_FULL_DATE.is_match(&text[..whole.start()]) {
                continue;
            }
            let confidence = match (unit.zone, says_report) {
                (Zone::Cover, _) => 0.9,
                (Zone::Colophon | Zone::Front, true) => 0.85,
                (Zone::Colophon, false) => 0.7,
                _ => continue,
            };
            consider(confidence, y.as_str().parse().unwrap_or(0), unit);
        }
        // A year alone: on a short cover line ("Rapport final - 2022") or
        // beside the report's words in the colophon ("© 2022").
        let short_cover = unit.zone == Zone::Cover && unit.words() <= 12;
        let colophon = matches!(unit.zone, Zone::Colophon | Zone::Front) && says_report;
        if !(short_cover || colophon) {
            continue;
        }
        for m in YEAR.find_iter(text) {
            let before = &text[..m.start()];
            let near = &before[before.char_indices().rev().nth(30).map_or(0, |(i, _)| i)..];
            if in_span(text, m.start(), m.end())
                || NOT_REPORT_DATE.is_match(before)
                || (WEAK_NOT_REPORT_DATE.is_match(before) && !REPORT_WORDS.is_match(near))
                || DATE
                    .find_iter(text)
                    .any(|d| d.start() <= m.start() && m.end() <= d.end())
            {
                continue;
            }
            // A title's "contrat de ville ... 2020" names the contract.
            if period.is_some_and(|p| p.years.contains(&m.as_str().parse().unwrap_or(0)))
                && !says_report
                && CONTRACT.is_match(text)
            {
                continue;
            }
            let confidence = if short_cover { 0.75 } else { 0.65 };
            consider(confidence, m.as_str().parse().unwrap_or(0), unit);
        }
    }
    best.map(|(confidence, year, evidence)| Found::new(year.to_string(), &evidence, confidence))
}

/// The contract's period and its two years.
pub(crate) struct Period {
    pub found: Found,
    pub years: [u32; 2],
}

/// The contract period: a span of years in a sentence about the contract
/// (or on the cover), extended when the text says it was prolonged.
pub(crate) fn period(units: &[Unit]) -> Option<Period> {
    let mut best: Option<(f64, [u32; 2], &Unit)> = None;
    for unit in units {
        let text = &unit.folded.text;
        let about_contract = CONTRACT.is_match(text);
        if NEXT_CONTRACT.is_match(text) {
            continue;
        }
        let confidence = match (unit.zone, about_contract) {
            (Zone::Cover, true) => 0.9,
            (_, true) => 0.75,
            (Zone::Cover, false) => 0.5,
            _ => continue,
        };
        for caps in SPAN.captures_iter(text) {
            let start: u32 = caps[1].parse().unwrap_or(0);
            let end: u32 = caps[2].parse().unwrap_or(0);
            // Contracts run a few years; "2015-2016" data or "1999-2030" plans are not them.
            if !(2..=12).contains(&end.saturating_sub(start)) || start < 1990 {
                continue;
            }
            // The contracts of the 2014 law ran from 2014-2015 to 2020, then
            // were prolonged to 2022 and 2023: such a span is likelier theirs.
            let usual = matches!(start, 2014 | 2015) && matches!(end, 2020 | 2022 | 2023);
            let confidence = if usual { confidence + 0.05 } else { confidence };
            if best.is_none_or(|(c, _, _)| confidence > c) {
                best = Some((confidence, [start, end], unit));
            }
        }
    }
    // No span: the year of signature ("signé en 2015") starts the period.
    if best.is_none() {
        best = units.iter().find_map(|unit| {
            let text = &unit.folded.text;
            let caps = SIGNED.captures(text).filter(|_| CONTRACT.is_match(text))?;
            let start: u32 = caps[1].parse().ok()?;
            Some((0.6, [start, start], unit))
        });
    }
    let (confidence, [start, mut end], unit) = best?;
    let mut evidence = unit.text.to_string();
    // The latest prolongation the text states, in a sentence about the contract.
    for other in units {
        let text = &other.folded.text;
        let about_contract = CONTRACT.is_match(text);
        if !(about_contract || text.contains("prolong") || text.contains("proroge")) {
            continue;
        }
        for caps in EXTENDED.captures_iter(text) {
            let to: u32 = caps[1].parse().unwrap_or(0);
            if to > end && to <= start + 12 && (about_contract || other.zone <= Zone::Front) {
                end = to;
                if !std::ptr::eq(other, unit) {
                    evidence = format!("{} | {}", unit.text, other.text);
                }
            }
        }
    }
    // A signature year alone is no period.
    if end == start {
        return None;
    }
    Some(Period {
        found: Found::new(format!("{start}-{end}"), &evidence, confidence),
        years: [start, end],
    })
}

#[cfg(test)]
mod tests {
    use super::super::text::tests::{doc, rules};
    use super::super::{read_report, Field};

    fn read(lines: &[(u32, bool, &str)]) -> super::super::ReportMeta {
        read_report(&doc(lines), &rules())
    }

    #[test]
    fn the_year_is_the_covers_date_not_the_contracts_or_the_datas() {
        let meta = read(&[
            (1, true, "Évaluation du contrat de ville 2015-2022"),
            (
                1,
                false,
                "Données INSEE 2017 - comité de pilotage du 3 mars 2021",
            ),
            (1, false, "Rapport final - juin 2022"),
            (2, true, "Introduction"),
            (2, false, "Le contrat a été signé le 2 juillet 2015."),
        ]);
        assert_eq!(meta.value(Field::Year), Some("2022"));
        assert_eq!(
            meta.get(Field::Year).unwrap().evidence,
            "Rapport final - juin 2022"
        );
        assert_eq!(meta.value(Field::Period), Some("2015-2022"));
    }

    #[test]
    fn the_year_can_come_from_the_colophon_alone() {
        let mut lines = vec![
            (1, true, "Bilan du contrat de ville de Vierzon"),
            (2, true, "Introduction"),
        ];
        for page in 2..=6 {
            lines.push((page, false, "En 2019, 1 250 habitants ont été accompagnés."));
        }
        lines.push((
            6,
            false,
            "Document achevé en novembre 2021. Mise en page : service communication.",
        ));
        let meta = read(&lines);
        assert_eq!(meta.value(Field::Year), Some("2021"));
        assert!(meta
            .get(Field::Year)
            .unwrap()
            .evidence
            .starts_with("Document achevé"));
    }

    #[test]
    fn no_date_means_no_year_and_a_prolongation_extends_the_period() {
        let meta = read(&[
            (1, true, "Évaluation du contrat de ville de Vierzon"),
            (2, true, "Introduction"),
            (2, false, "Le contrat de ville 2015-2020 a été prolongé jusqu'au 31 décembre 2023 par la loi."),
        ]);
        assert_eq!(meta.value(Field::Year), None);
        assert_eq!(meta.value(Field::Period), Some("2015-2023"));
    }
}
