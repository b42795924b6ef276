//! `evalmine export`: the REFI-QDA project (.qdpx) and codebook (.qdc) of a
//! run, read back as a QDA program would: the zip layout, the XML against
//! the standard's schemas (../shared/refi-qda, with xmllint), and every
//! coded segment's text against the paragraph it codes.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;
use std::process::Command;

use polars::prelude::*;
use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;

use crate::cli::{evalmine, project};
use crate::shared_dir;

/// An element of project.qde or of a .qdc, with its attributes.
#[derive(Debug, Clone)]
struct Element {
    name: String,
    attrs: HashMap<String, String>,
    /// Names of the enclosing elements, outermost first.
    path: Vec<String>,
}

impl Element {
    fn attr(&self, key: &str) -> &str {
        self.attrs
            .get(key)
            .unwrap_or_else(|| panic!("<{}> has a {key} attribute: {:?}", self.name, self.attrs))
    }
}

fn element(e: &BytesStart, path: &[String]) -> Element {
    Element {
        name: e.local_name().into_inner().to_string(),
        attrs: e
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                (
                    a.key.into_inner().to_string(),
                    a.normalized_value(XmlVersion::Implicit1_0)
                        .unwrap()
                        .into_owned(),
                )
            })
            .collect(),
        path: path.to_vec(),
    }
}

/// Every element in document order (a well-formedness check too).
fn elements(xml: &str) -> Vec<Element> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut path, mut all) = (Vec::new(), Vec::new());
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let el = element(&e, &path);
                path.push(el.name.clone());
                all.push(el);
            }
            Event::Empty(e) => all.push(element(&e, &path)),
            Event::End(_) => {
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    all
}

/// The zip's entries: name -> bytes.
fn unzip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = ::zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

fn strings(frame: &DataFrame, name: &str) -> Vec<String> {
    frame
        .column(name)
        .unwrap()
        .cast(&DataType::String)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect()
}

fn table(dir: &Path, name: &str) -> DataFrame {
    let file = std::fs::File::open(dir.join(format!("{name}.parquet"))).unwrap();
    ParquetReader::new(file).finish().unwrap()
}

/// Validates `file` against `schema` with xmllint; None when xmllint or
/// ../shared is missing (the caller says the check is skipped).
fn xmllint(schema: &str, file: &Path) -> Option<Result<(), String>> {
    let schema = shared_dir()?.join("refi-qda").join(schema);
    if !schema.is_file() {
        return None;
    }
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&schema)
        .arg(file)
        .output()
        .ok()?;
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(if out.status.success() {
        Ok(())
    } else {
        Err(said)
    })
}

#[test]
fn the_export_is_a_valid_refi_qda_project_whose_segments_are_the_paragraphs() {
    // A name with markup characters and a subfolder: escaped in the XML.
    let dir = project(&[
        ("r01.pdf", "r01.pdf"),
        ("r04.pdf", "2022/Rapport & <Sud> \"final\".pdf"),
    ]);
    let run = evalmine(&["run"], dir.path());
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let out = evalmine(
        &["export", "--qdpx", "synthese.qdpx", "--qdc", "grille.qdc"],
        dir.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // 5 themes with 4 polarities each; per theme a "Types d'actions" group
    // and its action types (every row of the run's `actions` table).
    let action_types = table(&dir.path().join("tables"), "actions").height();
    assert!(
        action_types >= 5,
        "the shipped action types: {action_types}"
    );
    let n_codes = 25 + 5 + action_types;
    assert!(
        stdout.contains(&format!("({n_codes} codes, 2 text sources, "))
            && stdout.contains(&format!("grille.qdc ({n_codes} codes)")),
        "{n_codes} codes, 2 readable reports: {stdout}"
    );

    // The layout of the standard: project.qde at the root, the sources in
    // sources/, each named by its GUID.
    let entries = unzip(&dir.path().join("synthese.qdpx"));
    let qde = entries
        .iter()
        .find(|(n, _)| n == "project.qde")
        .map(|(_, b)| String::from_utf8(b.clone()).expect("project.qde is UTF-8"))
        .expect("project.qde at the root of the zip");
    let sources: HashMap<&str, String> = entries
        .iter()
        .filter_map(|(n, b)| {
            let name = n.strip_prefix("sources/")?;
            (!name.is_empty()).then(|| {
                assert!(!b.starts_with(b"\xEF\xBB\xBF"), "{n}: UTF-8 without BOM");
                (
                    name,
                    String::from_utf8(b.clone()).expect("sources are UTF-8"),
                )
            })
        })
        .collect();
    assert!(
        entries
            .iter()
            .all(|(n, _)| n == "project.qde" || n.starts_with("sources/")),
        "nothing else in the zip: {:?}",
        entries.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );

    let all = elements(&qde);
    let guids: Vec<&str> = all
        .iter()
        .filter_map(|e| e.attrs.get("guid").map(String::as_str))
        .collect();
    assert_eq!(
        guids.iter().collect::<HashSet<_>>().len(),
        guids.len(),
        "every GUID is unique"
    );
    // Codes: GUID -> (name, parent's name for a polarity sub-code).
    let mut codes: HashMap<String, (String, Option<String>)> = HashMap::new();
    let mut parent: Vec<(usize, String)> = Vec::new();
    for e in all.iter().filter(|e| e.name == "Code") {
        let depth = e.path.iter().filter(|p| *p == "Code").count();
        parent.truncate(depth);
        let up = parent.last().map(|(_, n)| n.clone());
        codes.insert(e.attr("guid").to_string(), (e.attr("name").to_string(), up));
        parent.push((depth, e.attr("name").to_string()));
    }
    assert_eq!(codes.len(), n_codes);
    assert!(codes
        .values()
        .any(|(n, p)| n == "Difficulté" && p.as_deref() == Some("Égalité femmes-hommes")));

    // The tables the export was made from.
    let tables = dir.path().join("tables");
    let paragraphs = table(&tables, "paragraphs");
    let p_doc = strings(&paragraphs, "doc_id");
    let p_text = strings(&paragraphs, "text");
    let findings = table(&tables, "findings");
    let (f_doc, f_para) = (strings(&findings, "doc_id"), strings(&findings, "para_id"));
    let (f_theme, f_pol) = (strings(&findings, "theme"), strings(&findings, "polarity"));
    let theme_names: HashMap<&str, &str> = [
        ("egalite_fh", "Égalité femmes-hommes"),
        (
            "discriminations",
            "Prévention et lutte contre les discriminations",
        ),
        (
            "conseils_citoyens",
            "Conseils citoyens / participation des habitants",
        ),
        ("droit_commun", "Mobilisation du droit commun"),
        ("emploi", "Emploi, insertion, développement économique"),
    ]
    .into();
    let polarity_names: HashMap<&str, &str> = [
        ("reussite", "Réussite"),
        ("difficulte", "Difficulté"),
        ("preconisation", "Préconisation"),
        ("neutre", "Neutre"),
    ]
    .into();
    let para_of = |doc: &str, id: &str| -> String {
        let id: usize = id.parse().unwrap();
        let rows: Vec<usize> = (0..p_doc.len()).filter(|&i| p_doc[i] == doc).collect();
        p_text[rows[id]].clone()
    };

    // Each source: its text is the paragraphs joined by blank lines.
    let text_sources: Vec<&Element> = all.iter().filter(|e| e.name == "TextSource").collect();
    let names: Vec<&str> = text_sources.iter().map(|s| s.attr("name")).collect();
    assert_eq!(names, ["2022/Rapport & <Sud> \"final\"", "r01"]);
    let mut expected: Vec<(String, String, String, String)> = (0..f_doc.len())
        .map(|i| {
            (
                f_doc[i].clone(),
                para_of(&f_doc[i], &f_para[i]),
                theme_names[f_theme[i].as_str()].to_string(),
                polarity_names[f_pol[i].as_str()].to_string(),
            )
        })
        .collect();
    let mut found = Vec::new();
    let mut action_codings = 0;
    let (mut doc, mut chars) = ("", Vec::new());
    for (at, e) in all.iter().enumerate() {
        if e.name == "TextSource" {
            doc = e.attr("name");
            let file = e
                .attr("plainTextPath")
                .strip_prefix("internal://")
                .expect("an internal source");
            assert_eq!(file, format!("{}.txt", e.attr("guid")), "named by its GUID");
            let text = &sources[file];
            let doc_paragraphs: Vec<&str> = (0..p_doc.len())
                .filter(|&i| p_doc[i] == doc)
                .map(|i| p_text[i].as_str())
                .collect();
            assert_eq!(
                *text,
                doc_paragraphs.join("\n\n"),
                "{doc}: the source is its paragraphs joined by blank lines"
            );
            chars = text.chars().collect();
        }
        if e.name != "PlainTextSelection" {
            continue;
        }
        let start: usize = e.attr("startPosition").parse().unwrap();
        let end: usize = e.attr("endPosition").parse().unwrap();
        assert!(start < end && end <= chars.len(), "{doc}: {start}..{end}");
        let cut: String = chars[start..end].iter().collect();
        let refs: Vec<&(String, Option<String>)> = all[at + 1..]
            .iter()
            .take_while(|e| e.name != "PlainTextSelection" && e.name != "TextSource")
            .filter(|e| e.name == "CodeRef")
            .map(|e| &codes[e.attr("targetGUID")])
            .collect();
        let theme = refs
            .iter()
            .find(|(_, up)| up.is_none())
            .expect("coded with its theme");
        let polarity = refs
            .iter()
            .find(|(_, up)| up.as_deref() == Some(theme.0.as_str()))
            .expect("and with the theme's polarity");
        action_codings += refs
            .iter()
            .filter(|(_, up)| up.as_deref() == Some("Types d'actions"))
            .count();
        found.push((doc.to_string(), cut, theme.0.clone(), polarity.0.clone()));
    }
    expected.sort();
    found.sort();
    assert!(
        expected.len() > 50,
        "the two reports have findings: {}",
        expected.len()
    );
    assert_eq!(
        found, expected,
        "one segment per finding, its text the paragraph's, coded with its theme and polarity"
    );
    // ... and with every action type the finding describes.
    let lists = findings.column("actions").unwrap().list().unwrap().clone();
    let described: usize = (0..lists.len())
        .map(|i| lists.get_as_series(i).map_or(0, |l| l.len()))
        .sum();
    assert!(described > 0, "the two reports describe action types");
    assert_eq!(
        action_codings, described,
        "one coding per action type described"
    );

    // The codebook alone carries the same codes, with the same GUIDs.
    let qdc = std::fs::read_to_string(dir.path().join("grille.qdc")).unwrap();
    let qdc_codes: HashMap<String, String> = elements(&qdc)
        .iter()
        .filter(|e| e.name == "Code")
        .map(|e| (e.attr("guid").to_string(), e.attr("name").to_string()))
        .collect();
    assert_eq!(
        qdc_codes,
        codes
            .iter()
            .map(|(g, (n, _))| (g.clone(), n.clone()))
            .collect()
    );

    // The standard's schemas (QDA-XML 1.0).
    let qde_file = dir.path().join("project.qde");
    std::fs::write(&qde_file, &qde).unwrap();
    let checks = [
        ("Project.xsd", qde_file.clone()),
        ("Codebook.xsd", dir.path().join("grille.qdc")),
    ];
    let Some(shared) = shared_dir() else {
        eprintln!(
            "SKIPPED: schema validation of the QDA export: ../shared (refi-qda schemas) is absent"
        );
        return;
    };
    // The validator must catch a broken file, or its passing says nothing.
    let invalid = shared.join("refi-qda/example-invalid.qde");
    match xmllint("Project.xsd", &invalid) {
        None => {
            eprintln!(
                "SKIPPED: schema validation of the QDA export: xmllint not found \
                 (Debian package libxml2-utils, which .ci/run installs)"
            );
            return;
        }
        Some(r) => assert!(r.is_err(), "xmllint rejects the standard's invalid example"),
    }
    for (schema, file) in checks {
        if let Some(Err(said)) = xmllint(schema, &file) {
            panic!(
                "{} does not validate against {schema}: {said}",
                file.display()
            );
        }
    }
}

#[test]
fn export_needs_a_target_and_the_project_needs_a_run() {
    let dir = project(&[]);
    let out = evalmine(&["export"], dir.path());
    assert_eq!(out.status.code(), Some(2), "--qdpx or --qdc is required");
    let out = evalmine(&["export", "--qdpx", "p.qdpx"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("run `evalmine run` first"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.path().join("p.qdpx").exists(), "nothing half written");
    // The codebook alone needs no run.
    let out = evalmine(&["export", "--qdc", "grille.qdc"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let qdc = std::fs::read_to_string(dir.path().join("grille.qdc")).unwrap();
    assert!(qdc.starts_with(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\""
    ));
}
