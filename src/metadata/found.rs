//! What the reader found for one report: a value per field, with the
//! sentence it came from and a confidence; the CSV's values override it.

use super::{Metadata, Rules};

/// The metadata fields, in the order of their `documents` columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Territory,
    TerritoryKind,
    Departement,
    Year,
    Period,
    Evaluator,
    Modalite,
}

impl Field {
    pub const ALL: [Field; 8] = [
        Field::Title,
        Field::Territory,
        Field::TerritoryKind,
        Field::Departement,
        Field::Year,
        Field::Period,
        Field::Evaluator,
        Field::Modalite,
    ];

    /// The column name in `documents` (and in a metadata CSV).
    pub fn column(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Territory => "territory",
            Field::TerritoryKind => "territory_kind",
            Field::Departement => "departement",
            Field::Year => "year",
            Field::Period => "period",
            Field::Evaluator => "evaluator",
            Field::Modalite => "modalite",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One value and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub value: String,
    /// The sentence it was read from, verbatim; "metadata CSV" for a value
    /// of the CSV; "PDF /Title" for a title from the file's properties.
    pub evidence: String,
    /// 0 to 1: how sure the rule that found it is (1 for the CSV).
    pub confidence: f64,
}

impl Found {
    pub(crate) fn new(value: impl Into<String>, evidence: &str, confidence: f64) -> Found {
        Found {
            value: value.into(),
            evidence: evidence.trim().to_string(),
            confidence: (confidence * 100.0).round() / 100.0,
        }
    }
}

/// A report's metadata: a value or nothing (abstained) per field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportMeta {
    fields: [Option<Found>; 8],
    /// The name of the département whose code `departement` holds.
    pub departement_name: Option<String>,
}

impl ReportMeta {
    pub fn get(&self, field: Field) -> Option<&Found> {
        self.fields[field.index()].as_ref()
    }

    pub fn value(&self, field: Field) -> Option<&str> {
        self.get(field).map(|f| f.value.as_str())
    }

    pub(crate) fn set(&mut self, field: Field, found: Option<Found>) {
        self.fields[field.index()] = found;
    }

    /// The CSV's values for this report replace the text's (evidence
    /// "metadata CSV", confidence 1); the PDF's /Title fills a title the
    /// text did not give.
    pub fn merge(
        &mut self,
        doc_id: &str,
        csv: Option<&Metadata>,
        pdf_title: Option<&str>,
        rules: &Rules,
    ) {
        if let Some(csv) = csv {
            for field in Field::ALL {
                if let Some(value) = csv.value(doc_id, field.column()) {
                    self.set(field, Some(Found::new(value, "metadata CSV", 1.0)));
                }
            }
        }
        if self.get(Field::Title).is_none() {
            if let Some(title) = pdf_title.map(str::trim).filter(|t| !t.is_empty()) {
                self.set(Field::Title, Some(Found::new(title, "PDF /Title", 0.3)));
            }
        }
        // A CSV may write "5" for "05".
        let code = self.value(Field::Departement).map(|c| match c.len() {
            1 if c.chars().all(|c| c.is_ascii_digit()) => format!("0{c}"),
            _ => c.to_string(),
        });
        self.departement_name = code
            .and_then(|c| rules.departement(&c))
            .map(|d| d.name.clone());
    }
}
