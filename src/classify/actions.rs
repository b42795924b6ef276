//! The kinds of actions reports describe, per theme (models/actions.toml):
//! a finding gets every action type of its theme whose cues it matches.
//! Cues are matched as codes and lexicon terms are (content stems,
//! `ExpressionSet`), so one matcher serves all three.

use serde::Deserialize;

use super::data::{content_stems, read_toml, Codebook, ExpressionSet};
use crate::analyze::Analyzer;
use crate::error::{Error, Result};
use crate::models::ModelFile;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionsFile {
    #[serde(rename = "version")]
    _version: String,
    #[serde(default)]
    actions: Vec<ActionFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionFile {
    id: String,
    theme: String,
    label: String,
    cues: Vec<String>,
}

/// One kind of action of a theme ("marches exploratoires de femmes").
#[derive(Debug)]
pub struct ActionType {
    pub id: String,
    /// Codebook theme index.
    pub theme: usize,
    /// French label, as the table and the report show it.
    pub label: String,
    pub cues: ExpressionSet,
}

/// The action types of models/actions.toml, in file order.
#[derive(Debug, Default)]
pub struct ActionTypes {
    pub types: Vec<ActionType>,
}

impl ActionTypes {
    /// As `load`; none when the models folder has no such file (it is optional).
    pub fn load_if_present(
        from: &ModelFile,
        codebook: &Codebook,
        analyzer: &Analyzer,
    ) -> Result<ActionTypes> {
        if from.exists() {
            ActionTypes::load(from, codebook, analyzer)
        } else {
            Ok(ActionTypes::default())
        }
    }

    /// Loads and checks the file: every id once, a codebook theme, a label,
    /// and at least one cue with a content word (a cue made of small words
    /// only, "de la", would match nothing and hide a typo). An error names
    /// the file and the action type.
    pub fn load(from: &ModelFile, codebook: &Codebook, analyzer: &Analyzer) -> Result<ActionTypes> {
        let file: ActionsFile = read_toml(from)?;
        let fail = |message: String| Error::ModelData {
            path: from.path.clone(),
            message,
        };
        let mut types: Vec<ActionType> = Vec::new();
        for a in file.actions {
            if a.id.trim().is_empty() {
                return Err(fail("an action type has an empty id".to_string()));
            }
            if types.iter().any(|t| t.id == a.id) {
                return Err(fail(format!("action type `{}` is defined twice", a.id)));
            }
            let theme = codebook.theme_index(&a.theme).ok_or_else(|| {
                fail(format!(
                    "action type `{}`: unknown theme `{}` (codebook themes: {})",
                    a.id,
                    a.theme,
                    codebook
                        .themes
                        .iter()
                        .map(|t| t.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            if a.label.trim().is_empty() {
                return Err(fail(format!("action type `{}`: empty label", a.id)));
            }
            if a.cues.is_empty() {
                return Err(fail(format!("action type `{}`: no cues", a.id)));
            }
            // Cues that analyse alike ("marche exploratoire", "marches
            // exploratoires") are one cue, so a match counts once.
            let mut seen = std::collections::HashSet::new();
            let mut cues = Vec::new();
            for cue in a.cues {
                let stems = content_stems(analyzer, &cue);
                if stems.is_empty() {
                    return Err(fail(format!(
                        "action type `{}`: cue `{cue}` has no content word (only small words such as \"de\", \"la\"), so it would never match",
                        a.id
                    )));
                }
                if seen.insert(stems) {
                    cues.push((cue, 1.0));
                }
            }
            types.push(ActionType {
                id: a.id,
                theme,
                label: a.label,
                cues: ExpressionSet::build(cues, |text| content_stems(analyzer, text)),
            });
        }
        Ok(ActionTypes { types })
    }

    /// Every action type of `theme` whose cues the stems match, in file
    /// order, with the number of cue matches (the table's example is the
    /// finding that matches most).
    pub(crate) fn matching(&self, theme: usize, stems: &[&str]) -> Vec<(&ActionType, usize)> {
        self.types
            .iter()
            .filter(|a| a.theme == theme)
            .filter_map(|a| {
                let hits = a.cues.find(stems).len();
                (hits > 0).then_some((a, hits))
            })
            .collect()
    }

    /// The action types of one theme, in file order.
    pub fn of_theme(&self, theme: usize) -> impl Iterator<Item = &ActionType> {
        self.types.iter().filter(move |a| a.theme == theme)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn shipped(name: &str) -> ModelFile {
        ModelFile::at(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("models")
                .join(name),
        )
    }

    fn setup() -> (Codebook, Analyzer) {
        let codebook = Codebook::load(&shipped("codebook.toml")).unwrap();
        let analyzer = Analyzer::load(&shipped("analysis.toml")).unwrap();
        (codebook, analyzer)
    }

    /// Loads `text` as an actions.toml written in a temporary folder.
    fn load(text: &str) -> Result<ActionTypes> {
        let (codebook, analyzer) = setup();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("actions.toml");
        std::fs::write(&path, text).unwrap();
        ActionTypes::load(&ModelFile::at(&path), &codebook, &analyzer)
    }

    fn ids(
        types: &ActionTypes,
        codebook: &Codebook,
        analyzer: &Analyzer,
        theme: &str,
        text: &str,
    ) -> Vec<String> {
        let stems = content_stems(analyzer, text);
        let stems: Vec<&str> = stems.iter().map(String::as_str).collect();
        types
            .matching(codebook.theme_index(theme).unwrap(), &stems)
            .into_iter()
            .map(|(a, _)| a.id.clone())
            .collect()
    }

    #[test]
    fn the_shipped_file_loads_with_action_types_for_every_theme() {
        let (codebook, analyzer) = setup();
        let types = ActionTypes::load(&shipped("actions.toml"), &codebook, &analyzer).unwrap();
        for (t, theme) in codebook.themes.iter().enumerate() {
            let n = types.of_theme(t).count();
            assert!(
                (5..=10).contains(&n),
                "{}: {n} action types; the file should give each theme 5 to 10",
                theme.id
            );
        }
    }

    #[test]
    fn bad_files_are_refused_naming_the_file_and_the_action_type() {
        let entry = |id: &str, theme: &str, label: &str, cues: &str| {
            format!("[[actions]]\nid = \"{id}\"\ntheme = \"{theme}\"\nlabel = \"{label}\"\ncues = {cues}\n")
        };
        let one = |id: &str, theme: &str, label: &str, cues: &str| {
            format!("version = \"1\"\n{}", entry(id, theme, label, cues))
        };
        let unknown = load(&one("a1", "sante", "Santé", "[\"centre de santé\"]"))
            .unwrap_err()
            .to_string();
        assert!(
            unknown.contains("actions.toml")
                && unknown.contains("`a1`")
                && unknown.contains("unknown theme `sante`"),
            "{unknown}"
        );
        let twice = entry("a1", "emploi", "Forums", "[\"forum emploi\"]").repeat(2);
        let twice = load(&format!("version = \"1\"\n{twice}"))
            .unwrap_err()
            .to_string();
        assert!(
            twice.contains("actions.toml") && twice.contains("`a1` is defined twice"),
            "{twice}"
        );
        let empty = load(&one("a2", "emploi", "Forums", "[]"))
            .unwrap_err()
            .to_string();
        assert!(
            empty.contains("actions.toml") && empty.contains("`a2`: no cues"),
            "{empty}"
        );
        let small = load(&one("a3", "emploi", "Forums", "[\"de la\"]"))
            .unwrap_err()
            .to_string();
        assert!(
            small.contains("`a3`") && small.contains("no content word"),
            "{small}"
        );
        let label = load(&one("a4", "emploi", " ", "[\"forum\"]"))
            .unwrap_err()
            .to_string();
        assert!(label.contains("`a4`: empty label"), "{label}");
        let unknown_key = load("version = \"1\"\n[[actions]]\nid = \"a5\"\ntheme = \"emploi\"\nlabel = \"x\"\ncues = [\"forum\"]\npolarity = \"reussite\"\n").unwrap_err().to_string();
        assert!(
            unknown_key.contains("actions.toml") && unknown_key.contains("polarity"),
            "{unknown_key}"
        );
        let not_toml = load("version = ").unwrap_err().to_string();
        assert!(not_toml.contains("actions.toml"), "{not_toml}");
    }

    #[test]
    fn a_paragraph_gets_every_action_type_of_its_theme_it_describes() {
        let (codebook, analyzer) = setup();
        let types = ActionTypes::load(&shipped("actions.toml"), &codebook, &analyzer).unwrap();
        let text = "Deux marches exploratoires ont été organisées en 2019 avec des habitantes, \
                    puis une formation à l'égalité a été proposée aux porteurs de projets ; \
                    la grille de cotation du budget intégrant l'égalité reste peu utilisée.";
        assert_eq!(
            ids(&types, &codebook, &analyzer, "egalite_fh", text),
            [
                "efh_budget_integre",
                "efh_formation",
                "efh_marches_exploratoires"
            ],
            "several actions in one paragraph, in file order"
        );
        // The same words under another theme: only that theme's types
        // (conseils_citoyens lists marches exploratoires among its
        // initiatives and "formation" among its own).
        assert_eq!(
            ids(&types, &codebook, &analyzer, "conseils_citoyens", text),
            ["cc_formation_membres", "cc_initiatives_quartier"]
        );
        assert!(ids(&types, &codebook, &analyzer, "droit_commun", text).is_empty());
        // Inflection does not matter; a paragraph with no action matches none.
        assert_eq!(
            ids(
                &types,
                &codebook,
                &analyzer,
                "emploi",
                "Un job dating et des clauses sociales dans les marchés."
            ),
            ["emp_clauses", "emp_forums_employeurs"]
        );
        assert!(ids(
            &types,
            &codebook,
            &analyzer,
            "emploi",
            "Le taux de chômage reste élevé."
        )
        .is_empty());
    }

    #[test]
    fn there_is_no_negation_a_missing_action_is_still_described() {
        let (codebook, analyzer) = setup();
        let types = ActionTypes::load(&shipped("actions.toml"), &codebook, &analyzer).unwrap();
        assert_eq!(
            ids(
                &types,
                &codebook,
                &analyzer,
                "discriminations",
                "Aucun plan territorial de lutte contre les discriminations n'a été adopté."
            ),
            ["lcd_plan_territorial"]
        );
    }

    #[test]
    fn cues_that_analyse_alike_count_once() {
        let (codebook, analyzer) = setup();
        let types = load("version = \"1\"\n[[actions]]\nid = \"m\"\ntheme = \"egalite_fh\"\nlabel = \"Marches\"\ncues = [\"marche exploratoire\", \"marches exploratoires\"]\n").unwrap();
        let stems = content_stems(&analyzer, "Une marche exploratoire.");
        let stems: Vec<&str> = stems.iter().map(String::as_str).collect();
        let found = types.matching(codebook.theme_index("egalite_fh").unwrap(), &stems);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, 1, "one match, not one per spelling");
    }
}
