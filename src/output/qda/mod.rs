//! `evalmine export`: the coding of a finished run as a REFI-QDA project
//! (QDA-XML 1.0, REFI-QDA 1.5) that ATLAS.ti, MAXQDA, NVivo or QualCoder
//! open, read back from the run's Parquet tables; and the codebook alone.
//!
//! Codes: each theme of the codebook, with its four polarities as sub-codes
//! and, under "Types d'actions", its action types (models/actions.toml).
//! Sources: each readable document as a plain-text source whose text is its
//! paragraphs joined by blank lines. Segments: each finding (paragraph,
//! theme) as a selection over its paragraph's characters, coded with the
//! theme, the theme's polarity sub-code and the action types it describes.

mod read;
mod xml;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::french::polarity_name;
use crate::classify::{ActionTypes, Codebook, ModelFiles};
use crate::error::Result;
use crate::record::Polarity;
use read::{Doc, Finding, Para, Run};
use xml::{guid, Attrs, Xml};

/// The namespaces of the two documents (QDA-XML 1.0).
const PROJECT_NS: &str = "urn:QDA-XML:project:1.0";
const CODEBOOK_NS: &str = "urn:QDA-XML:codebook:1.0";

/// What separates two paragraphs in a source's text: one blank line. A
/// line feed counts one character in every program, where a CR LF pair
/// counts one in some and two in others.
const PARAGRAPH_BREAK: &str = "\n\n";

/// Theme colours (cycled when the codebook has more themes).
const THEME_COLORS: [&str; 6] = [
    "#7B3294", "#E66101", "#1B7837", "#2166AC", "#B2182B", "#8C510A",
];

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct QdaExport {
    pub path: PathBuf,
    /// Codes of the codebook: the themes and their polarity sub-codes.
    pub codes: usize,
    /// Text sources: the readable documents (0 for a codebook alone).
    pub sources: usize,
    /// Coded segments: one per finding.
    pub segments: usize,
    /// Findings whose paragraph is not in `paragraphs` (none in the tables
    /// of one run): left out.
    pub left_out: usize,
    /// Characters of the sources outside the Basic Multilingual Plane
    /// (emoji, rare symbols): one character each for the standard, two for
    /// programs that count UTF-16 units, whose ranges after them shift.
    pub astral: usize,
}

/// A polarity sub-code of a theme.
struct PolarityCode {
    id: &'static str,
    guid: String,
}

/// An action type of a theme (models/actions.toml).
struct ActionCode {
    id: String,
    label: String,
    guid: String,
}

/// A theme code, its polarity sub-codes and its action types (under a
/// grouping code that is not codable itself).
struct ThemeCode {
    id: String,
    name: String,
    guid: String,
    polarities: Vec<PolarityCode>,
    actions: Vec<ActionCode>,
}

/// An action type as the export takes it: theme id, action type id, label.
pub type ActionDef = (String, String, String);

/// The codes: the codebook's themes, then any theme of the findings the
/// codebook no longer has (named by its id). A code's GUID depends only on
/// its theme and polarity ids, so every export, and the .qdc, give the same
/// code the same GUID and analysts' programs can match them.
fn code_tree<'a>(
    codebook: &'a Codebook,
    more: impl Iterator<Item = &'a str>,
    actions: &[ActionDef],
) -> Vec<ThemeCode> {
    let mut themes: Vec<(String, String)> = codebook
        .themes
        .iter()
        .map(|t| (t.id.clone(), t.name.clone()))
        .collect();
    for id in more {
        if !themes.iter().any(|(t, _)| t == id) {
            themes.push((id.to_string(), id.to_string()));
        }
    }
    themes
        .into_iter()
        .map(|(id, name)| ThemeCode {
            guid: guid(&["code", &id]),
            polarities: Polarity::ALL
                .iter()
                .map(|p| PolarityCode {
                    id: p.id(),
                    guid: guid(&["code", &id, p.id()]),
                })
                .collect(),
            actions: actions
                .iter()
                .filter(|(theme, _, _)| *theme == id)
                .map(|(_, action, label)| ActionCode {
                    guid: guid(&["code", &id, "action", action]),
                    id: action.clone(),
                    label: label.clone(),
                })
                .collect(),
            id,
            name,
        })
        .collect()
}

fn polarity_color(p: Polarity) -> &'static str {
    match p {
        Polarity::Reussite => "#1A9641",
        Polarity::Difficulte => "#D7191C",
        Polarity::Preconisation => "#2B83BA",
        Polarity::Neutre => "#999999",
    }
}

fn polarity_description(p: Polarity) -> &'static str {
    match p {
        Polarity::Reussite => "Le passage rapporte une réussite, un résultat atteint, un point fort, un levier qui a fonctionné.",
        Polarity::Difficulte => "Le passage rapporte une difficulté, un échec, une faiblesse, un obstacle, un manque.",
        Polarity::Preconisation => "Le passage recommande une action à venir.",
        Polarity::Neutre => "Le passage décrit, compte, explique la méthode ou le contexte, sans jugement.",
    }
}

/// Capitalised for a code name: "Difficulté".
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The `<Code>` elements of the codebook (same shape in both namespaces).
fn write_codes(x: &mut Xml, tree: &[ThemeCode]) {
    x.open("Codes", Attrs::new());
    for (i, theme) in tree.iter().enumerate() {
        x.open(
            "Code",
            Attrs::new()
                .set("guid", &theme.guid)
                .set("name", &theme.name)
                .set("isCodable", "true")
                .set("color", THEME_COLORS[i % THEME_COLORS.len()]),
        );
        x.element(
            "Description",
            &format!(
                "Thème « {} » (id {}) de la grille d'evalmine. Chaque passage codé ici a été classé \
                 dans ce thème par evalmine ; ses sous-codes donnent sa polarité.",
                theme.name, theme.id
            ),
        );
        for p in &theme.polarities {
            let polarity = Polarity::from_id(p.id).expect("ids of Polarity::ALL");
            x.open(
                "Code",
                Attrs::new()
                    .set("guid", &p.guid)
                    .set("name", &capitalised(polarity_name(polarity)))
                    .set("isCodable", "true")
                    .set("color", polarity_color(polarity)),
            );
            x.element(
                "Description",
                &format!(
                    "{} Thème : {}. Polarité evalmine « {} ».",
                    polarity_description(polarity),
                    theme.name,
                    p.id
                ),
            );
            x.close("Code");
        }
        if !theme.actions.is_empty() {
            x.open(
                "Code",
                Attrs::new()
                    .set("guid", &guid(&["code", &theme.id, "actions"]))
                    .set("name", "Types d'actions")
                    .set("isCodable", "false")
                    .set("color", ACTION_COLOR),
            );
            x.element(
                "Description",
                &format!(
                    "Les types d'actions du thème {} que les rapports décrivent \
                     (models/actions.toml d'evalmine).",
                    theme.name
                ),
            );
            for a in &theme.actions {
                x.open(
                    "Code",
                    Attrs::new()
                        .set("guid", &a.guid)
                        .set("name", &a.label)
                        .set("isCodable", "true")
                        .set("color", ACTION_COLOR),
                );
                x.element(
                    "Description",
                    &format!(
                        "Type d'action « {} » (id {}), thème : {}. Codé sur les passages \
                         du thème qui décrivent ce type d'action, quelle que soit leur polarité.",
                        a.label, a.id, theme.name
                    ),
                );
                x.close("Code");
            }
            x.close("Code");
        }
        x.close("Code");
    }
    x.close("Codes");
}

/// The action types of a models folder (none when it has no
/// actions.toml, as for the classifier), for the codebook alone (`--qdc`); a project (`--qdpx`)
/// takes those its run used, from its `actions` table.
pub fn model_action_types(files: &ModelFiles, codebook: &Codebook) -> Result<Vec<ActionDef>> {
    let analyzer = crate::analyze::Analyzer::load(&files.analysis)?;
    let types = ActionTypes::load_if_present(&files.actions, codebook, &analyzer)?;
    Ok(types
        .types
        .iter()
        .map(|a| {
            (
                codebook.themes[a.theme].id.clone(),
                a.id.clone(),
                a.label.clone(),
            )
        })
        .collect())
}

/// Colour of the action types' codes.
const ACTION_COLOR: &str = "#5E3C99";

/// Writes the codebook alone as a REFI-QDA codebook (.qdc, QDA-XML 1.0).
pub fn write_qdc(codebook: &Codebook, actions: &[ActionDef], path: &Path) -> Result<QdaExport> {
    let tree = code_tree(codebook, std::iter::empty(), actions);
    let mut x = Xml::new();
    x.open(
        "CodeBook",
        Attrs::new()
            .set("xmlns", CODEBOOK_NS)
            .set("origin", &origin()),
    );
    write_codes(&mut x, &tree);
    x.close("CodeBook");
    let bytes = x.finish();
    super::write_atomically(path, |mut file| file.write_all(bytes.as_bytes()))?;
    Ok(QdaExport {
        path: path.to_path_buf(),
        codes: count_codes(&tree),
        sources: 0,
        segments: 0,
        left_out: 0,
        astral: 0,
    })
}

fn count_codes(tree: &[ThemeCode]) -> usize {
    tree.iter()
        .map(|t| 1 + t.polarities.len() + t.actions.len() + usize::from(!t.actions.is_empty()))
        .sum()
}

fn origin() -> String {
    format!("evalmine {}", env!("CARGO_PKG_VERSION"))
}

/// Writes the coding of the run whose tables are in `dir` as a REFI-QDA
/// project (.qdpx: a zip holding `project.qde` and `sources/`).
pub fn write_qdpx(dir: &Path, codebook: &Codebook, path: &Path) -> Result<QdaExport> {
    let run = read::read(dir)?;
    let themes = run
        .docs
        .iter()
        .flat_map(|d| d.findings.iter().map(|f| f.theme.as_str()));
    let tree = code_tree(codebook, themes, &run.action_types);
    let when = run.run_id.as_deref().and_then(xml::run_time);
    let run_key = run.run_id.clone().unwrap_or_default();
    let user = guid(&["user", "evalmine"]);
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "evalmine".into());

    let mut x = Xml::new();
    x.open(
        "Project",
        Attrs::new()
            .set("xmlns", PROJECT_NS)
            .set("name", &name)
            .set("origin", &origin())
            .set("creatingUserGUID", &user)
            .set_opt("creationDateTime", when.as_ref().map(|w| w.iso.as_str())),
    );
    x.open("Users", Attrs::new());
    x.empty(
        "User",
        Attrs::new()
            .set("guid", &user)
            .set("name", "evalmine (codage automatique)")
            .set("id", "evalmine"),
    );
    x.close("Users");
    x.open("CodeBook", Attrs::new());
    write_codes(&mut x, &tree);
    x.close("CodeBook");

    let mut texts: Vec<(String, String)> = Vec::new();
    let (mut segments, mut left_out) = (0, 0);
    if !run.docs.is_empty() {
        x.open("Sources", Attrs::new());
    }
    for doc in &run.docs {
        let source = guid(&["source", &run_key, &doc.doc_id]);
        let (text, ranges) = plain_text(&doc.paragraphs);
        let file = format!("{source}.txt");
        x.open(
            "TextSource",
            Attrs::new()
                .set("guid", &source)
                .set("name", &doc.doc_id)
                .set("plainTextPath", &format!("internal://{file}"))
                .set("creatingUser", &user)
                .set_opt("creationDateTime", when.as_ref().map(|w| w.iso.as_str())),
        );
        x.element("Description", &source_description(doc));
        let mut findings: Vec<&Finding> = doc.findings.iter().collect();
        let theme_rank = |t: &str| tree.iter().position(|c| c.id == t);
        findings.sort_by_key(|f| (f.para_id, theme_rank(&f.theme)));
        for f in findings {
            let Some(&(start, end, i)) = ranges.get(&f.para_id) else {
                left_out += 1;
                continue;
            };
            segments += 1;
            let para = &doc.paragraphs[i];
            let selection = guid(&[
                "selection",
                &run_key,
                &doc.doc_id,
                &f.para_id.to_string(),
                &f.theme,
            ]);
            x.open(
                "PlainTextSelection",
                Attrs::new()
                    .set("guid", &selection)
                    .set("name", &format!("p. {}, § {}", para.page, f.para_id))
                    .set("startPosition", &start.to_string())
                    .set("endPosition", &end.to_string())
                    .set("creatingUser", &user)
                    .set_opt("creationDateTime", when.as_ref().map(|w| w.iso.as_str())),
            );
            x.element("Description", &segment_description(f, para, &tree, &run));
            let theme = tree
                .iter()
                .find(|c| c.id == f.theme)
                .expect("every theme has a code");
            let mut targets = vec![("theme", theme.guid.as_str())];
            if let Some(p) = theme
                .polarities
                .iter()
                .find(|p| Some(p.id) == f.polarity.as_deref())
            {
                targets.push(("polarity", p.guid.as_str()));
            }
            for action in &f.actions {
                if let Some(a) = theme.actions.iter().find(|a| a.id == *action) {
                    targets.push((a.id.as_str(), a.guid.as_str()));
                }
            }
            for (kind, target) in targets {
                x.open(
                    "Coding",
                    Attrs::new()
                        .set("guid", &guid(&["coding", &selection, kind]))
                        .set("creatingUser", &user)
                        .set_opt("creationDateTime", when.as_ref().map(|w| w.iso.as_str())),
                );
                x.empty("CodeRef", Attrs::new().set("targetGUID", target));
                x.close("Coding");
            }
            x.close("PlainTextSelection");
        }
        x.close("TextSource");
        texts.push((file, text));
    }
    if !run.docs.is_empty() {
        x.close("Sources");
    }
    left_out += run.orphans;
    x.element(
        "Description",
        &format!(
            "Codage automatique d'evalmine ({}), exporté des tables de {} : {} documents lisibles, \
             {segments} passages codés. Chaque passage est un paragraphe (texte exact du tableau \
             paragraphs), codé avec son thème et la polarité de ce thème.",
            run.provenance,
            dir.display(),
            run.docs.len()
        ),
    );
    x.close("Project");
    let qde = x.finish();

    let mut options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o644);
    if let Some(t) = when.as_ref().and_then(|w| w.zip) {
        options = options.last_modified_time(t);
    }
    super::write_atomically(path, |file| {
        let mut zip = ZipWriter::new(file);
        zip.start_file("project.qde", options)?;
        zip.write_all(qde.as_bytes())?;
        zip.add_directory("sources/", options)?;
        for (file, text) in &texts {
            zip.start_file(format!("sources/{file}"), options)?;
            zip.write_all(text.as_bytes())?;
        }
        zip.finish()?;
        Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
    })?;
    Ok(QdaExport {
        path: path.to_path_buf(),
        codes: count_codes(&tree),
        sources: run.docs.len(),
        segments,
        left_out,
        astral: texts
            .iter()
            .map(|(_, t)| t.chars().filter(|&c| c > '\u{FFFF}').count())
            .sum(),
    })
}

/// A document's plain text (its paragraphs joined by blank lines) and, per
/// paragraph id, its range in characters (start, end exclusive, counted
/// from 0 in Unicode scalar values) and its index.
fn plain_text(paragraphs: &[Para]) -> (String, HashMap<u32, (usize, usize, usize)>) {
    let mut text = String::new();
    let mut ranges = HashMap::new();
    let mut chars = 0;
    for (i, p) in paragraphs.iter().enumerate() {
        if i > 0 {
            text.push_str(PARAGRAPH_BREAK);
            chars += PARAGRAPH_BREAK.chars().count();
        }
        let start = chars;
        text.push_str(&p.text);
        chars += p.text.chars().count();
        ranges.insert(p.para_id, (start, chars, i));
    }
    (text, ranges)
}

fn source_description(doc: &Doc) -> String {
    let mut parts = vec![format!("Rapport {} (fichier {})", doc.doc_id, doc.path)];
    if let Some(title) = &doc.title {
        parts.push(format!("titre « {title} »"));
    }
    if let Some(pages) = doc.pages {
        parts.push(format!("{pages} pages"));
    }
    parts.push(format!(
        "{} paragraphes séparés par une ligne vide, dans l'ordre de lecture",
        doc.paragraphs.len()
    ));
    parts.join(" ; ") + "."
}

/// What an analyst reviewing the segment needs: the scores, the recurring
/// finding and the evidence that decided.
fn segment_description(f: &Finding, para: &Para, tree: &[ThemeCode], run: &Run) -> String {
    let theme = tree
        .iter()
        .find(|c| c.id == f.theme)
        .map_or(f.theme.as_str(), |c| c.name.as_str());
    let mut parts = vec![format!("Page {}, paragraphe {}", para.page, f.para_id)];
    parts.push(match f.score {
        Some(s) => format!("thème {theme} (probabilité {})", decimal(s)),
        None => format!("thème {theme}"),
    });
    if let Some(p) = f.polarity.as_deref() {
        let name = Polarity::from_id(p).map_or(p.to_string(), |p| polarity_name(p).to_string());
        parts.push(match para.polarity_score {
            Some(s) => format!("polarité {name} ({})", decimal(s)),
            None => format!("polarité {name}"),
        });
    }
    if let Some(code) = &f.code {
        let label = run.code_labels.get(code).unwrap_or(code);
        parts.push(format!("constat récurrent « {label} »"));
    }
    let actions: Vec<&str> = f
        .actions
        .iter()
        .map(|a| {
            run.action_types
                .iter()
                .find(|(_, id, _)| id == a)
                .map_or(a.as_str(), |(_, _, label)| label.as_str())
        })
        .collect();
    if !actions.is_empty() {
        parts.push(format!("types d'actions : {}", actions.join(", ")));
    }
    if !f.evidence.is_empty() {
        parts.push(format!("indices : {}", f.evidence));
    }
    parts.join(" ; ")
}

/// "0,93": two decimals, written the French way.
fn decimal(x: f64) -> String {
    format!("{x:.2}").replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(para_id: u32, text: &str) -> Para {
        Para {
            para_id,
            page: 1,
            text: text.into(),
            polarity_score: None,
        }
    }

    #[test]
    fn ranges_count_characters_not_bytes() {
        let (text, ranges) = plain_text(&[para(0, "Égalité 😀"), para(1, "b"), para(2, "")]);
        assert_eq!(text, "Égalité 😀\n\nb\n\n");
        assert_eq!(ranges[&0], (0, 9, 0));
        assert_eq!(ranges[&1], (11, 12, 1));
        assert_eq!(ranges[&2], (14, 14, 2));
        let chars: Vec<char> = text.chars().collect();
        let cut: String = chars[11..12].iter().collect();
        assert_eq!(cut, "b");
    }

    #[test]
    fn every_theme_has_four_polarity_codes_with_stable_guids() {
        let codebook: Codebook = toml::from_str(
            "version = \"1\"\npolarities = [\"reussite\", \"difficulte\", \"preconisation\", \"neutre\"]\n\
             [[themes]]\nid = \"emploi\"\nname = \"Emploi\"\n",
        )
        .unwrap();
        let tree = code_tree(&codebook, ["emploi", "ancien_theme"].into_iter(), &[]);
        assert_eq!(
            tree.len(),
            2,
            "a theme of the findings the codebook lacks gets a code"
        );
        assert_eq!(tree[1].name, "ancien_theme");
        assert_eq!(count_codes(&tree), 10);
        assert_eq!(
            tree[0].guid,
            code_tree(&codebook, std::iter::empty(), &[])[0].guid
        );
        assert_ne!(tree[0].polarities[0].guid, tree[1].polarities[0].guid);
    }
}
