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

/// Measures the reports of one oracle file; `split` overrides its split
/// column (the third half's sources say `test`, their file says which).
fn measure(dir: &Path, oracle: &str, split: Option<&str>) -> Tally {
    let rules = rules();
    let oracle = std::fs::read_to_string(dir.join(oracle)).expect("the oracle file");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(oracle.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let mut tally = Tally::new();
    for row in reader.records() {
        let row = row.unwrap();
        let doc_id = &row[column("doc_id")];
        let split = split.map_or_else(|| row[column("split")].to_string(), str::to_string);
        let doc = read_document(doc_id, &dir.join(format!("{doc_id}.pdf")));
        assert_eq!(
            doc.read.status.as_str(),
            "ok",
            "{doc_id}: {}",
            doc.read.message
        );
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
    let dir = repo_root().join("tests/covers");
    let mut tally = measure(&dir, "oracle.csv", None);
    // A third held-out half (oracle_t3.csv), written by someone who read
    // neither the rules nor the other covers, measured once when it landed.
    tally.extend(measure(&dir, "oracle_t3.csv", Some("test3")));
    println!("field            half  right  abstained-wrongly  accuracy");
    for ((split, field), (right, abstained, total)) in &tally {
        println!(
            "{field:<16} {split:<6} {right:>2}/{total:<2}  {abstained:>2}  {:>5.1}%",
            100.0 * f64::from(*right) / f64::from(*total)
        );
    }
    let accuracy = |split: &str, field: &str| {
        let (right, _, total) = tally[&(split.to_string(), field)];
        f64::from(right) / f64::from(total)
    };
    // The targets, on the halves never tuned on.
    for split in ["test", "test2", "test3"] {
        for (field, target) in [("modalite", 0.9), ("year", 0.9), ("territory", 0.8)] {
            let got = accuracy(split, field);
            assert!(
                got >= target,
                "{field} on the {split} half: {got:.2}, target {target}"
            );
        }
    }
}

#[test]
fn an_oracle_cell_left_empty_wants_an_abstention() {
    assert!(right(Field::Modalite, "", None));
    assert!(!right(Field::Modalite, "", Some("interne")));
    assert!(!right(Field::Year, "2022", None));
    assert!(right(
        Field::Territory,
        "Cap Excellence",
        Some("CAP EXCELLENCE")
    ));
    assert!(right(
        Field::Evaluator,
        "Flandre Études",
        Some("Direction X ; Flandre Etudes")
    ));
}

/// documents.csv as doc_id -> column -> cell (the BOM and `;` of the tables).
pub(crate) fn documents_csv(path: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).expect("documents.csv");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let row: BTreeMap<String, String> = headers
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect();
            (row["doc_id"].clone(), row)
        })
        .collect()
}

#[test]
fn run_fills_the_metadata_columns_and_the_csv_overrides_them() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    for id in ["d01", "d02", "d21"] {
        std::fs::copy(
            repo_root().join(format!("tests/covers/{id}.pdf")),
            reports.join(format!("{id}.pdf")),
        )
        .unwrap();
    }
    crate::cli::write_config(dir.path(), "[\"csv\"]", "");
    // Grouping by a field read from the text needs no metadata file.
    let out = crate::cli::evalmine(&["run", "--by", "modalite"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Par modalite"), "{stdout}");
    let documents = documents_csv(&dir.path().join("tables/documents.csv"));
    let d01 = &documents["d01"];
    assert_eq!(d01["territory"], "Villiers-le-Bel");
    assert_eq!(d01["departement"], "95");
    assert_eq!(d01["departement_name"], "Val-d'Oise");
    assert_eq!(d01["year"], "2022");
    assert_eq!(d01["modalite"], "externe");
    assert!(
        d01["modalite_evidence"]
            .to_lowercase()
            .contains("sillages conseil"),
        "the sentence it came from: {}",
        d01["modalite_evidence"]
    );
    let confidence: f64 = d01["modalite_confidence"].parse().unwrap();
    assert!((0.0..=1.0).contains(&confidence));
    assert_eq!(documents["d02"]["modalite"], "interne");
    // What the text does not say stays empty.
    assert_eq!(documents["d21"]["departement"], "");
    assert_eq!(documents["d21"]["departement_confidence"], "");

    std::fs::write(
        dir.path().join("meta.csv"),
        "doc_id;modalite;year;region\nd02;mixte;2020;Île-de-France\n",
    )
    .unwrap();
    let out = crate::cli::evalmine(&["run", "--metadata", "meta.csv"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let documents = documents_csv(&dir.path().join("tables/documents.csv"));
    let d02 = &documents["d02"];
    assert_eq!(
        (
            d02["modalite"].as_str(),
            d02["modalite_evidence"].as_str(),
            d02["modalite_confidence"].as_str()
        ),
        ("mixte", "metadata CSV", "1.0")
    );
    assert_eq!(d02["year"], "2020");
    assert_eq!(
        d02["region"], "Île-de-France",
        "other CSV columns are joined as before"
    );
    assert_eq!(
        documents["d01"]["modalite"], "externe",
        "the text where the CSV is silent"
    );
}
