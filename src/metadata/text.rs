//! Metadata read from a report's paragraphs: the cover (page 1 and the
//! headings above the first heading of page 2), the first pages and the
//! colophon (last page). Works on the extracted text (cached), never on the
//! PDF.

use super::fold::Folded;
use super::{author, dates, place, Field, Found, ReportMeta, Rules};
use crate::analyze::sentences::sentence_spans;
use crate::record::Document;

/// Where a sentence sits: the cover says most, the colophon says who and
/// when, the body only what its method section states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Zone {
    Cover,
    Front,
    Colophon,
    Body,
}

/// The pages after the cover that count as "first pages" (foreword,
/// colophon on the back of the cover, method).
const FRONT_PAGES: u32 = 4;

/// Above this many words of paragraphs, page 1 is the start of the text,
/// not a cover (reports without a title page).
const COVER_MAX_WORDS: usize = 150;

/// Above this many words, the last page is the end of the text, not a colophon.
const COLOPHON_MAX_WORDS: usize = 250;

/// One sentence (or cover line) of the report.
#[derive(Debug, Clone)]
pub(crate) struct Unit<'a> {
    /// Verbatim, as in the `paragraphs` table.
    pub text: &'a str,
    pub folded: Folded,
    pub zone: Zone,
    /// A heading (on the cover: the title lines, in font order).
    pub heading: bool,
}

impl<'a> Unit<'a> {
    fn new(text: &'a str, zone: Zone, heading: bool) -> Unit<'a> {
        Unit {
            text,
            folded: Folded::new(text),
            zone,
            heading,
        }
    }

    /// The original text from folded byte `at` to `end`.
    pub fn original(&self, at: usize, end: usize) -> &'a str {
        &self.text[self.folded.original(at)..self.folded.original(end)]
    }

    pub fn words(&self) -> usize {
        self.text.split_whitespace().count()
    }
}

/// The report's sentences, cover first, then first pages, colophon, body.
pub(crate) fn units(doc: &Document) -> Vec<Unit<'_>> {
    let last_page = doc.paragraphs.iter().map(|p| p.page).max().unwrap_or(0);
    // Page 1 is a cover when it holds a few lines, not the report's first pages of prose.
    let page_one_words: usize = doc
        .paragraphs
        .iter()
        .filter(|p| p.page == 1)
        .map(|p| p.text.split_whitespace().count())
        .sum();
    let first_zone = if page_one_words <= COVER_MAX_WORDS {
        Zone::Cover
    } else {
        Zone::Front
    };
    // The last page is a colophon when it is short; a last page of prose
    // ("... achevé en 2021") is the body's.
    let last_page_words: usize = doc
        .paragraphs
        .iter()
        .filter(|p| p.page == last_page)
        .map(|p| p.text.split_whitespace().count())
        .sum();
    let colophon = last_page > FRONT_PAGES && last_page_words <= COLOPHON_MAX_WORDS;
    let zone_of = |page: u32| match page {
        1 => first_zone,
        p if p == last_page && colophon => Zone::Colophon,
        p if p <= FRONT_PAGES => Zone::Front,
        _ => Zone::Body,
    };
    // Headings carry no page: those referenced from page 1, and those
    // before the first heading referenced from a later page, are the cover's.
    let referenced = |p: &crate::record::Paragraph| {
        [p.heading, p.section]
            .into_iter()
            .flatten()
            .map(|h| h.index())
    };
    // The nearest heading only: a cover title is often the chapter
    // ("section") the whole report sits under.
    let first_later = doc
        .paragraphs
        .iter()
        .filter(|p| p.page > 1)
        .filter_map(|p| p.heading.map(|h| h.index()))
        .min()
        .unwrap_or(doc.headings.len());
    let on_cover: Vec<usize> = doc
        .paragraphs
        .iter()
        .filter(|p| p.page == 1)
        .flat_map(referenced)
        .collect();
    // Headings are numbered in reading order: every one up to the last
    // that page 1 uses sits on page 1.
    let last_on_cover = on_cover.iter().max().copied();
    let mut units = Vec::new();
    for (i, heading) in doc.headings.iter().enumerate() {
        let cover = i < first_later || last_on_cover.is_some_and(|last| i <= last);
        let zone = if cover { first_zone } else { Zone::Body };
        units.push(Unit::new(heading.trim(), zone, true));
    }
    for p in &doc.paragraphs {
        let zone = zone_of(p.page);
        // Cover lines are short and often without a full stop: one unit each.
        if zone == Zone::Cover {
            units.push(Unit::new(p.text.trim(), zone, false));
            continue;
        }
        for (start, end) in sentence_spans(&p.text) {
            units.push(Unit::new(&p.text[start..end], zone, false));
        }
    }
    units.sort_by_key(|u| u.zone);
    units
}

/// Everything the text says about the report; fields it does not say are
/// left empty (the reader abstains rather than guess).
pub fn read_report(doc: &Document, rules: &Rules) -> ReportMeta {
    let units = units(doc);
    let mut meta = ReportMeta::default();
    meta.set(Field::Title, title(&units));
    let territory = place::territory(&units, rules);
    meta.set(
        Field::Departement,
        place::departement(&units, rules, territory.as_ref()),
    );
    if let Some(t) = territory {
        meta.set(
            Field::TerritoryKind,
            t.kind
                .map(|kind| Found::new(kind, &t.found.evidence, t.kind_confidence)),
        );
        meta.set(Field::Territory, Some(t.found));
    }
    let period = dates::period(&units);
    meta.set(Field::Year, dates::year(&units, period.as_ref()));
    meta.set(Field::Period, period.map(|p| p.found));
    // Who evaluated, and how, is asked only of a document that presents
    // itself as an evaluation: a guide's publisher is no evaluator.
    let evaluation = units
        .iter()
        .any(|u| u.zone <= Zone::Front && EVALUATION.is_match(&u.folded.text))
        || doc
            .headings
            .first()
            .is_some_and(|h| EVALUATION.is_match(&super::fold::fold(h)));
    if evaluation {
        let who = author::evaluators(&units, rules);
        meta.set(Field::Evaluator, author::evaluator(&who));
        meta.set(Field::Modalite, author::modalite(&units, &who, rules));
    }
    meta
}

/// Words by which a report presents itself as an evaluation (folded).
static EVALUATION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"\b(?:evaluation|evaluer|evaluative|bilan|revue a mi-parcours|revue de projet)\b",
    )
    .expect("evaluation pattern is valid")
});

static CODE_AFTER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\s*\((?:\d{2,3}|2A|2B)\)$").expect("code pattern is valid")
});

/// Words a report's title holds (folded), with their weight.
const TITLE_WORDS: [(&str, u32); 6] = [
    ("contrat de ville", 2),
    ("evaluation", 2),
    ("bilan", 2),
    ("revue", 1),
    ("rapport", 1),
    ("politique de la ville", 1),
];

/// The cover's main title: the cover line that most looks like a title
/// ("Évaluation du contrat de ville de ..."), headings first.
fn title(units: &[Unit]) -> Option<Found> {
    let mut best: Option<(u32, &Unit)> = None;
    for unit in units.iter().filter(|u| u.zone == Zone::Cover) {
        let words = unit.words();
        // "1.1 Le contexte de l'évaluation" is a section, not the title.
        let numbered = unit.text.starts_with(|c: char| c.is_ascii_digit());
        if !(3..=30).contains(&words) || numbered {
            continue;
        }
        let mut score: u32 = TITLE_WORDS
            .iter()
            .filter(|(w, _)| unit.folded.text.contains(w))
            .map(|(_, s)| s)
            .sum();
        if score == 0 {
            continue;
        }
        if unit.heading {
            score += 1;
        }
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, unit));
        }
    }
    best.map(|(score, unit)| {
        let confidence = (0.4 + 0.1 * f64::from(score)).min(0.9);
        // A département code after the title is no part of it: "... de Lille (59)".
        let title = CODE_AFTER.replace(unit.text.trim(), "");
        Found::new(title.trim(), unit.text, confidence)
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::record::{HeadingId, Paragraph, ParagraphKind, ReadSummary};

    /// A document from (page, heading?, text) lines: headings become the
    /// heading of the paragraphs after them.
    pub(crate) fn doc(lines: &[(u32, bool, &str)]) -> Document {
        let mut headings = Vec::new();
        let mut paragraphs = Vec::new();
        for &(page, is_heading, text) in lines {
            if is_heading {
                headings.push(text.to_string());
                continue;
            }
            paragraphs.push(Paragraph {
                page,
                heading: headings.len().checked_sub(1).map(HeadingId::from),
                section: None,
                kind: ParagraphKind::Body,
                text: text.to_string(),
                labels: None,
            });
        }
        Document {
            doc_id: "t".into(),
            path: "t.pdf".into(),
            content_hash: String::new(),
            bytes: 0,
            read: ReadSummary::failed(crate::record::DocStatus::Ok, "", None),
            headings,
            paragraphs,
        }
    }

    pub(crate) fn rules() -> Rules {
        let models = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
        Rules::load(
            &crate::models::ModelFile::at(models.join("report_meta.toml")),
            &crate::models::ModelFile::at(models.join("departements.tsv")),
        )
        .unwrap()
    }

    #[test]
    fn the_title_is_the_cover_line_that_reads_as_one() {
        let d = doc(&[
            (1, true, "Rapport final"),
            (
                1,
                true,
                "Évaluation du contrat de ville de Bellac 2015-2022",
            ),
            (1, false, "Juin 2022"),
            (2, true, "1. Introduction"),
            (2, false, "Le présent rapport rend compte de l'évaluation."),
        ]);
        let meta = read_report(&d, &rules());
        assert_eq!(
            meta.value(Field::Title),
            Some("Évaluation du contrat de ville de Bellac 2015-2022")
        );
    }

    #[test]
    fn an_empty_document_gives_nothing() {
        let meta = read_report(&doc(&[]), &rules());
        for field in Field::ALL {
            assert_eq!(meta.get(field), None, "{field:?}");
        }
    }
}
