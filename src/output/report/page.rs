//! The page of `evalmine report`, as a compile-time checked template
//! (maud escapes every interpolated value).

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::charts::{svg, Chart};
use super::figures::ActionRow;
use crate::output::french::plural;

/// A quote with where it comes from.
pub(super) struct Quote {
    pub text: String,
    pub doc_id: String,
    pub page: u32,
}

pub(super) struct CodeRow {
    pub label: String,
    pub polarity: String,
    pub n_documents: u32,
    pub example: Quote,
}

pub(super) struct PolarityQuotes {
    pub title: &'static str,
    pub n_paragraphs: u32,
    pub n_documents: u32,
    pub quotes: Vec<Quote>,
}

pub(super) struct ThemeSection {
    pub name: String,
    /// "6 rapports sur 8 traitent ou évoquent le thème (...) ; 5 concluent : ...".
    pub sentence: String,
    /// Reports per level, and per verdict (none without readable reports).
    pub levels: Option<Chart>,
    pub verdicts: Option<Chart>,
    /// The recurring findings as a chart, and as a table with examples.
    pub codes_chart: Option<Chart>,
    pub codes: Vec<CodeRow>,
    /// Action types (when the run wrote `actions`): chart and rows.
    pub actions: Option<(Chart, Vec<ActionRow>)>,
    pub polarities: Vec<PolarityQuotes>,
}

pub(super) struct CoverageCell {
    pub level: String,
    pub name: String,
    /// Paragraphs, successes, difficulties, recommendations.
    pub counts: [u32; 4],
}

pub(super) struct FailedFile {
    pub doc_id: String,
    pub status: String,
    pub message: String,
}

pub(super) struct OffTopicFile {
    pub doc_id: String,
    pub terms: u32,
}

/// Everything the page shows.
pub(super) struct Page {
    /// Readable reports per modalité (and territory), when known.
    pub modalite: Option<Chart>,
    pub n_ok: u32,
    pub n_files: u32,
    /// "version 0.1.0, config_hash ..., model_version ...".
    pub provenance: String,
    pub themes: Vec<ThemeSection>,
    pub theme_names: Vec<String>,
    /// Per report: its cell for each theme.
    pub coverage: Vec<(String, Vec<Option<CoverageCell>>)>,
    pub failed: Vec<FailedFile>,
    pub off_topic: Vec<OffTopicFile>,
}

/// A quote and its citation, each isolated (`bdi`): text from a PDF cannot
/// run its direction over what follows.
fn quote(q: &Quote) -> Markup {
    html! { q { bdi { (q.text) } } " " cite { bdi { (q.doc_id) } ", p. " (q.page) } }
}

/// A chart with its caption.
fn figure(chart: &Chart) -> Markup {
    html! { figure { figcaption { (chart.caption) } (svg(chart)) } }
}

impl Page {
    pub(crate) fn render(&self) -> String {
        html! {
            (DOCTYPE)
            html lang="fr" {
                head {
                    meta charset="utf-8";
                    title { "Synthèse des évaluations" }
                    style { (PreEscaped(STYLE)) }
                }
                body {
                    h1 { "Synthèse des évaluations" }
                    p.meta {
                        (plural(self.n_ok, "rapport")) " lu" @if self.n_ok > 1 { "s" }
                        " sur " (plural(self.n_files, "fichier")) " (" (self.provenance) ")"
                    }
                    h2 { "Modalité d'évaluation" }
                    @match &self.modalite {
                        Some(chart) => { (figure(chart)) }
                        None => {
                            p.unknown {
                                "La modalité d'évaluation (interne, externe, mixte) n'est connue pour aucun rapport lisible : "
                                "donnez-la dans une colonne modalite (et territory ou departement) avec "
                                code { "evalmine run --metadata FICHIER.csv" } "."
                            }
                        }
                    }
                    h2 { "Couverture des thèmes" }
                    @for theme in &self.themes { (theme_section(theme)) }
                    (self.coverage_matrix())
                    @if !self.failed.is_empty() {
                        h2 { "Fichiers non lus (" (self.failed.len()) ")" }
                        table {
                            tr { th { "Fichier" } th { "Statut" } th { "Cause" } }
                            @for f in &self.failed {
                                tr { td { bdi { (f.doc_id) } } td { (f.status) } td { bdi { (f.message) } } }
                            }
                        }
                    }
                    @if !self.off_topic.is_empty() {
                        h2 { "Fichiers à vérifier (" (self.off_topic.len()) ")" }
                        p { "Lus et comptés dans la synthèse, mais ils n'emploient presque pas le vocabulaire de la politique de la ville." }
                        table {
                            tr { th { "Fichier" } th { "Termes du domaine" } }
                            @for f in &self.off_topic {
                                tr { td { bdi { (f.doc_id) } } td.n { (f.terms) } }
                            }
                        }
                    }
                }
            }
        }
        .into_string()
    }

    fn coverage_matrix(&self) -> Markup {
        html! {
            h2 { "Niveau de traitement par rapport" }
            table.matrix {
                tr { th { "Rapport" } @for name in &self.theme_names { th { (name) } } }
                @for (doc, cells) in &self.coverage {
                    tr {
                        td { bdi { (doc) } }
                        @for cell in cells {
                            @match cell {
                                Some(c) => {
                                    td class=(c.level) title=(format!(
                                        "{} paragraphes : {} réussites, {} difficultés, {} préconisations",
                                        c.counts[0], c.counts[1], c.counts[2], c.counts[3]
                                    )) { (c.name) }
                                }
                                None => { td {} }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn theme_section(theme: &ThemeSection) -> Markup {
    html! {
        section {
            h3 { (theme.name) }
            p { (theme.sentence) "." }
            div.figures {
                @if let Some(c) = &theme.levels { (figure(c)) }
                @if let Some(c) = &theme.verdicts { (figure(c)) }
            }
            @if !theme.codes.is_empty() {
                h4 { "Constats récurrents" }
                @if let Some(c) = &theme.codes_chart { (figure(c)) }
                table {
                    tr { th { "Constat" } th { "Polarité" } th { "Rapports" } th { "Exemple" } }
                    @for c in &theme.codes {
                        tr {
                            td { (c.label) }
                            td { (c.polarity) }
                            td.n { (c.n_documents) }
                            td { (quote(&c.example)) }
                        }
                    }
                }
            }
            @if let Some((chart, rows)) = &theme.actions {
                h4 { "Types d'actions" }
                (figure(chart))
                table {
                    tr { th { "Type d'action" } th { "Rapports" } th { "Exemple" } }
                    @for a in rows.iter().filter(|a| a.n_documents > 0) {
                        tr {
                            td { (a.label) }
                            td.n { (a.n_documents) }
                            td { @if let Some(q) = &a.example { (quote(q)) } }
                        }
                    }
                }
            }
            @for p in &theme.polarities {
                h4 {
                    (p.title) " (" (plural(p.n_paragraphs, "paragraphe")) " dans "
                    (plural(p.n_documents, "rapport")) ")"
                }
                ul { @for q in &p.quotes { li { (quote(q)) } } }
            }
        }
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#222}\
h3{border-bottom:1px solid #ccc}.meta{color:#666;font-size:.9em}\
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.3em .5em;vertical-align:top;text-align:left}\
td.n{text-align:right}cite{color:#666;font-style:normal;white-space:nowrap}\
.figures{display:flex;flex-wrap:wrap;gap:0 2em}figure{margin:.6em 0}\
figcaption{font-size:.9em;color:#444;margin-bottom:.2em}svg.chart{display:block;max-width:100%;height:auto}\
.unknown{color:#555;font-style:italic}\
.approfondie{background:#1b5e20;color:#fff}.traitee{background:#43a047;color:#fff}\
.evoquee{background:#c5e1a5}.non_evoquee{background:#eee}\
.matrix td{font-size:.85em}\
@media print{body{max-width:none;margin:0}figure,tr{break-inside:avoid}\
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        let page = Page {
            modalite: None,
            n_ok: 1,
            n_files: 1,
            provenance: String::new(),
            themes: Vec::new(),
            theme_names: vec!["<b>thème</b>".into()],
            coverage: vec![("<script>alert(1)</script>".into(), vec![None])],
            failed: Vec::new(),
            off_topic: Vec::new(),
        };
        let html = page.render();
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;thème&lt;/b&gt;"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        // No modalité in the tables: a sentence says so, no chart.
        assert!(
            html.contains("La modalité d'évaluation (interne, externe, mixte) n'est connue pour aucun rapport lisible"),
            "{html}"
        );
        assert!(!html.contains("<svg"), "{html}");
    }

    #[test]
    fn charts_are_inline_svg_with_their_caption() {
        use super::super::charts::{Kind, Row, ACTION_COLOUR};
        let chart = Chart {
            kind: Kind::Modalite,
            title: "Rapports lisibles : modalité d'évaluation, N = 2 rapports lisibles".into(),
            caption: "Modalité d'évaluation (N = 2 rapports lisibles)".into(),
            rows: vec![Row::bar("Ensemble", 2, ACTION_COLOUR)],
            scale: 2,
            legend: Vec::new(),
        };
        let page = Page {
            modalite: Some(chart),
            n_ok: 2,
            n_files: 2,
            provenance: String::new(),
            themes: Vec::new(),
            theme_names: Vec::new(),
            coverage: Vec::new(),
            failed: Vec::new(),
            off_topic: Vec::new(),
        };
        let html = page.render();
        assert!(html.contains("<figure><figcaption>Modalité d'évaluation (N = 2 rapports lisibles)</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart modalite\""), "{html}");
        assert!(!html.contains("n'est connue pour aucun"), "{html}");
    }
}
