//! The metadata read from the text against the cover set's oracle
//! (tests/covers: imagined reports, a dev half the rules were tuned on and
//! a test half written first and not looked at while tuning).
//!
//! `cargo test --test it covers -- --nocapture` prints the accuracy per
//! field and half, and the dev half's mistakes.

use std::collections::BTreeMap;
use std::path::Path;

use evalmine::metadata::{read_report, Field, Rules};
use evalmine::models::ModelFile;

use crate::{read_document, repo_root};

/// How a value compares with the oracle's.
fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == '’' { '\'' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Right when equal (folded); for the evaluator, when the value names the
/// oracle's body (it may name the others that took part). An empty oracle
/// cell is right only when the reader abstained.
fn right(field: Field, expected: &str, found: Option<&str>) -> bool {
    match (expected.is_empty(), found) {
        (true, found) => found.is_none(),
        (false, None) => false,
        (false, Some(found)) if field == Field::Evaluator => fold(found).contains(&fold(expected)),
        (false, Some(found)) => fold(found) == fold(expected),
    }
}

pub(crate) fn rules() -> Rules {
    let models = repo_root().join("models");
    Rules::load(
        &ModelFile::at(models.join("report_meta.toml")),
        &ModelFile::at(models.join("departements.tsv")),
    )
    .expect("the shipped metadata rules load")
}

/// (split, field) -> (right, abstained wrongly, total).
type Tally = BTreeMap<(String, &'static str), (u32, u32, u32)>;

fn measure(dir: &Path) -> Tally {
    let rules = rules();
    let oracle = std::fs::read_to_string(dir.join("oracle.csv")).expect("oracle.csv");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(oracle.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let mut tally = Tally::new();
    for row in reader.records() {
        let row = row.unwrap();
        let doc_id = &row[column("doc_id")];
        let split = row[column("split")].to_string();
        let doc = read_document(doc_id, &dir.join(format!("{doc_id}.pdf")));
        assert_eq!(doc.read.status.as_str(), "ok", "{doc_id}: {}", doc.read.message);
        let meta = read_report(&doc, &rules);
        for field in Field::ALL {
            let expected = &row[column(field.column())];
            let found = meta.value(field);
            let ok = right(field, expected, found);
            let entry = tally.entry((split.clone(), field.column())).or_default();
            entry.0 += u32::from(ok);
            entry.1 += u32::from(!ok && found.is_none());
            entry.2 += 1;
            // Only the dev half's mistakes are shown: the test half stays unseen.
            if !ok && split == "dev" {
                let evidence = meta.get(field).map_or("", |f| f.evidence.as_str());
                println!(
                    "  dev {doc_id} {}: expected {expected:?}, found {found:?} ({evidence})",
                    field.column()
                );
            }
        }
    }
    tally
}

#[test]
fn covers_metadata_accuracy() {
    let tally = measure(&repo_root().join("tests/covers"));
    println!("field            half  right  abstained-wrongly  accuracy");
    for ((split, field), (right, abstained, total)) in &tally {
        println!(
            "{field:<16} {split:<5} {right:>2}/{total:<2}  {abstained:>2}  {:>5.1}%",
            100.0 * f64::from(*right) / f64::from(*total)
        );
    }
    let accuracy = |split: &str, field: &str| {
        let (right, _, total) = tally[&(split.to_string(), field)];
        f64::from(right) / f64::from(total)
    };
    // The targets, on the halves never tuned on.
    for split in ["test", "test2"] {
        for (field, target) in [("modalite", 0.9), ("year", 0.9), ("territory", 0.8)] {
            let got = accuracy(split, field);
            assert!(got >= target, "{field} on the {split} half: {got:.2}, target {target}");
        }
    }
}

#[test]
fn an_oracle_cell_left_empty_wants_an_abstention() {
    assert!(right(Field::Modalite, "", None));
    assert!(!right(Field::Modalite, "", Some("interne")));
    assert!(!right(Field::Year, "2022", None));
    assert!(right(Field::Territory, "Cap Excellence", Some("CAP EXCELLENCE")));
    assert!(right(Field::Evaluator, "Flandre Études", Some("Direction X ; Flandre Etudes")));
}
