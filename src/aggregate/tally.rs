//! What the synthesis needs of each document, kept as the documents go by:
//! per (readable report, theme) the paragraph counts, per code and per
//! action type the reports counted and the best example so far. A run
//! streams its documents through `Tally::add` and drops them; the tables
//! of the synthesis are made from the tally at the end, so their memory
//! grows with the number of reports times themes, never with paragraphs.

use std::collections::HashMap;

use crate::classify::Codebook;
use crate::record::{DocStatus, Document, Polarity};

/// Counts of one (report, theme): what a coverage row is made from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct ThemeCount {
    pub n_paragraphs: u32,
    pub n_reussite: u32,
    pub n_difficulte: u32,
    pub n_preconisation: u32,
    /// A paragraph carrying the theme sits under a heading on it.
    pub has_section: bool,
}

/// A finding shown as an example (codes, action types).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Example {
    /// Cues of the code or action type the finding matches.
    pub hits: u32,
    pub quote: String,
    pub doc_id: String,
    pub page: u32,
}

/// Reports and findings of one code or action type, with its example.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Found {
    pub n_documents: u32,
    pub n_findings: u32,
    pub example: Example,
    /// The last report counted in `n_documents`: documents arrive one at
    /// a time, so a report is counted once however many findings it has.
    last_doc: String,
}

impl Found {
    /// Counts one finding. The example is the finding matching most cues,
    /// the first in arrival order on a tie (a later one must do strictly
    /// better): with documents in doc_id order and findings in reading
    /// order, the same choice as sorting every finding by cues, stably.
    fn add(&mut self, doc_id: &str, hits: u32, quote: &str, page: u32) {
        if self.last_doc != doc_id {
            self.n_documents += 1;
            self.last_doc = doc_id.to_string();
        }
        self.n_findings += 1;
        if hits > self.example.hits {
            self.example = Example {
                hits,
                quote: quote.to_string(),
                doc_id: doc_id.to_string(),
                page,
            };
        }
    }

    fn new(doc_id: &str, hits: u32, quote: &str, page: u32) -> Found {
        Found {
            n_documents: 1,
            n_findings: 1,
            example: Example {
                hits,
                quote: quote.to_string(),
                doc_id: doc_id.to_string(),
                page,
            },
            last_doc: doc_id.to_string(),
        }
    }
}

/// Codes or action types by id, in the order first met.
#[derive(Debug, Default)]
pub(super) struct FoundById {
    pub order: Vec<String>,
    pub by_id: HashMap<String, Found>,
}

impl FoundById {
    fn add(&mut self, id: &str, doc_id: &str, hits: u32, quote: &str, page: u32) {
        match self.by_id.get_mut(id) {
            Some(found) => found.add(doc_id, hits, quote, page),
            None => {
                self.order.push(id.to_string());
                self.by_id
                    .insert(id.to_string(), Found::new(doc_id, hits, quote, page));
            }
        }
    }

    /// Each id with its counts, in the order first met.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Found)> {
        self.order
            .iter()
            .filter_map(|id| self.by_id.get(id).map(|f| (id.as_str(), f)))
    }
}

/// The compact aggregates of every document added so far.
#[derive(Debug)]
pub struct Tally {
    n_themes: usize,
    /// Readable reports (status `ok`), in the order added.
    pub(super) doc_ids: Vec<String>,
    /// Classified paragraphs of each readable report (`share`'s denominator).
    pub(super) n_classified: Vec<u32>,
    /// `n_themes` counts per readable report, in codebook order.
    pub(super) counts: Vec<ThemeCount>,
    pub(super) codes: FoundById,
    pub(super) actions: FoundById,
}

impl Tally {
    pub fn new(codebook: &Codebook) -> Tally {
        Tally {
            n_themes: codebook.themes.len(),
            doc_ids: Vec::new(),
            n_classified: Vec::new(),
            counts: Vec::new(),
            codes: FoundById::default(),
            actions: FoundById::default(),
        }
    }

    /// Counts one document (only readable ones count in the synthesis).
    /// Documents must come in the order of the tables (doc_id order in a
    /// run) for the examples to be those of the whole-corpus rule.
    pub fn add(&mut self, doc: &Document) {
        if doc.read.status != DocStatus::Ok {
            return;
        }
        let first = self.counts.len();
        self.counts
            .resize(first + self.n_themes, ThemeCount::default());
        let counts = &mut self.counts[first..];
        let mut classified = 0u32;
        for p in &doc.paragraphs {
            let Some(labels) = &p.labels else { continue };
            classified += 1;
            for t in &labels.themes {
                // A theme outside the codebook cannot come from the
                // classifier; it is skipped rather than trusted.
                let Some(c) = counts.get_mut(t.index()) else {
                    continue;
                };
                c.n_paragraphs += 1;
                match labels.polarity {
                    Polarity::Reussite => c.n_reussite += 1,
                    Polarity::Difficulte => c.n_difficulte += 1,
                    Polarity::Preconisation => c.n_preconisation += 1,
                    Polarity::Neutre => {}
                }
                c.has_section |= labels.heading_themes.contains(t);
            }
            for f in &labels.findings {
                if let Some((code, hits)) = &f.code {
                    self.codes.add(code, &doc.doc_id, *hits, &f.quote, p.page);
                }
                for a in &f.actions {
                    self.actions
                        .add(&a.id, &doc.doc_id, a.hits, &a.quote, p.page);
                }
            }
        }
        self.doc_ids.push(doc.doc_id.clone());
        self.n_classified.push(classified);
    }

    /// Readable reports counted.
    pub fn n_reports(&self) -> u32 {
        self.doc_ids.len() as u32
    }

    /// The counts of each readable report, theme by theme.
    pub(super) fn reports(&self) -> impl Iterator<Item = (&str, u32, &[ThemeCount])> {
        self.doc_ids
            .iter()
            .zip(&self.n_classified)
            .zip(self.counts.chunks(self.n_themes.max(1)))
            .map(|((d, n), c)| (d.as_str(), *n, c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::tests::{codebook, doc, para};
    use crate::record::{Finding, ThemeId};

    fn coded(code: &str, hits: u32, page: u32) -> crate::record::Paragraph {
        let mut p = para("emploi", "difficulte", false);
        p.page = page;
        p.labels.as_mut().unwrap().findings = vec![Finding {
            theme: ThemeId::from(codebook().theme_index("emploi").unwrap()),
            score: 0.9,
            quote: format!("{code} p{page}"),
            code: Some((code.to_string(), hits)),
            actions: vec![],
        }];
        p
    }

    #[test]
    fn a_report_counts_once_and_the_example_is_the_first_best() {
        let mut t = Tally::new(&codebook());
        t.add(&doc("a", vec![coded("c1", 1, 1), coded("c1", 2, 2)]));
        t.add(&doc("b", vec![coded("c1", 2, 5), coded("c2", 1, 6)]));
        let mut scan = doc("scan", vec![coded("c1", 9, 1)]);
        scan.read.status = DocStatus::NoText;
        t.add(&scan);
        let c1 = &t.codes.by_id["c1"];
        assert_eq!(
            (c1.n_documents, c1.n_findings),
            (2, 3),
            "two reports, three findings; the scan is not counted"
        );
        assert_eq!(
            (c1.example.doc_id.as_str(), c1.example.page),
            ("a", 2),
            "most cues; on a tie the first met stays"
        );
        assert_eq!(t.codes.order, ["c1", "c2"]);
        assert_eq!(t.n_reports(), 2);
        let emploi = codebook().theme_index("emploi").unwrap();
        let (_, n, counts) = t.reports().next().unwrap();
        assert_eq!(n, 2);
        assert_eq!(counts[emploi].n_difficulte, 2);
    }
}
