//! The model files the classifier reads (codebook, analysis chain, theme
//! lexicon, polarity cues, trained weights, codes, domain vocabulary, action
//! types): from
//! a models folder, or the shipped ones built into the binary, so that
//! `evalmine run DIR` works from any folder without a checkout. `evalmine
//! init` writes the built-in files out for analysts to edit.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The shipped models/ folder, compiled in: (file name, contents).
pub const BUILT_IN: [(&str, &str); 10] = [
    ("codebook.toml", include_str!("../models/codebook.toml")),
    ("analysis.toml", include_str!("../models/analysis.toml")),
    ("lexicon.toml", include_str!("../models/lexicon.toml")),
    ("cues.toml", include_str!("../models/cues.toml")),
    ("linear.json", include_str!("../models/linear.json")),
    ("codes.toml", include_str!("../models/codes.toml")),
    ("domain.toml", include_str!("../models/domain.toml")),
    ("actions.toml", include_str!("../models/actions.toml")),
    (
        "report_meta.toml",
        include_str!("../models/report_meta.toml"),
    ),
    (
        "departements.tsv",
        include_str!("../models/departements.tsv"),
    ),
];

/// How built-in files are named in messages.
const BUILT_IN_PREFIX: &str = "<built-in models>";

/// One model file: a path in a models folder, or a built-in file.
#[derive(Debug, Clone)]
pub struct ModelFile {
    /// Where it is read from; for a built-in file, `<built-in models>/NAME`
    /// (shown in messages, never opened).
    pub path: PathBuf,
    built_in: Option<&'static str>,
}

impl ModelFile {
    /// The file at `path` on disk.
    pub fn at(path: impl Into<PathBuf>) -> ModelFile {
        ModelFile {
            path: path.into(),
            built_in: None,
        }
    }

    fn built_in(name: &str) -> ModelFile {
        let text = BUILT_IN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| *text);
        ModelFile {
            path: Path::new(BUILT_IN_PREFIX).join(name),
            built_in: text,
        }
    }

    /// The file's text.
    pub fn read(&self) -> Result<Cow<'static, str>> {
        let source = if self.built_in.is_some() {
            "built in"
        } else {
            "file"
        };
        tracing::debug!("model {} read ({source})", self.path.display());
        match self.built_in {
            Some(text) => Ok(Cow::Borrowed(text)),
            None => std::fs::read_to_string(&self.path)
                .map(Cow::Owned)
                .map_err(|source| Error::ReadFile {
                    path: self.path.clone(),
                    source,
                }),
        }
    }

    /// Optional files (codes, domain vocabulary) may be absent.
    pub fn exists(&self) -> bool {
        self.built_in.is_some() || self.path.is_file()
    }
}

/// The files of one models folder, or the built-in ones.
#[derive(Debug, Clone)]
pub struct ModelFiles {
    /// The folder, or `None` for the built-in models.
    pub dir: Option<PathBuf>,
    pub codebook: ModelFile,
    pub analysis: ModelFile,
    pub lexicon: ModelFile,
    pub cues: ModelFile,
    pub linear: ModelFile,
    pub codes: ModelFile,
    pub domain: ModelFile,
    /// Kinds of actions per theme (optional).
    pub actions: ModelFile,
    /// Cues for the report metadata read from the text (not a classifier
    /// file: outside `all()` and the scoring key).
    pub report_meta: ModelFile,
    /// The French départements: code, name, region.
    pub departements: ModelFile,
}

impl ModelFiles {
    pub fn in_dir(dir: &Path) -> ModelFiles {
        let at = |name: &str| ModelFile::at(dir.join(name));
        ModelFiles {
            dir: Some(dir.to_path_buf()),
            codebook: at("codebook.toml"),
            analysis: at("analysis.toml"),
            lexicon: at("lexicon.toml"),
            cues: at("cues.toml"),
            linear: at("linear.json"),
            codes: at("codes.toml"),
            domain: at("domain.toml"),
            actions: at("actions.toml"),
            report_meta: at("report_meta.toml"),
            departements: at("departements.tsv"),
        }
    }

    pub fn built_in() -> ModelFiles {
        ModelFiles {
            dir: None,
            codebook: ModelFile::built_in("codebook.toml"),
            analysis: ModelFile::built_in("analysis.toml"),
            lexicon: ModelFile::built_in("lexicon.toml"),
            cues: ModelFile::built_in("cues.toml"),
            linear: ModelFile::built_in("linear.json"),
            codes: ModelFile::built_in("codes.toml"),
            domain: ModelFile::built_in("domain.toml"),
            actions: ModelFile::built_in("actions.toml"),
            report_meta: ModelFile::built_in("report_meta.toml"),
            departements: ModelFile::built_in("departements.tsv"),
        }
    }

    /// The folder `[classify] models` names, or the built-in models when
    /// it names none.
    pub fn configured(dir: Option<&Path>) -> ModelFiles {
        dir.map_or_else(ModelFiles::built_in, ModelFiles::in_dir)
    }

    /// The metadata files, the built-in ones where the folder lacks them
    /// (a models folder written by an `evalmine init` older than them).
    pub fn metadata_files(&self) -> (ModelFile, ModelFile) {
        let or_built_in = |file: &ModelFile, name: &str| {
            if file.exists() {
                file.clone()
            } else {
                tracing::info!(
                    "{} absent: the built-in {name} is used",
                    file.path.display()
                );
                ModelFile::built_in(name)
            }
        };
        (
            or_built_in(&self.report_meta, "report_meta.toml"),
            or_built_in(&self.departements, "departements.tsv"),
        )
    }

    /// "models/" or "built-in models", for the run's summary.
    pub fn describe(&self) -> String {
        match &self.dir {
            Some(dir) => format!("models folder {}", dir.display()),
            None => "built-in models".to_string(),
        }
    }

    /// Hash of the files that define the features: a model trained with
    /// other ones weighs features that no longer mean the same.
    pub fn features_hash(&self) -> Result<String> {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for file in [&self.analysis, &self.lexicon, &self.cues] {
            hasher.update(file.read()?.as_bytes());
        }
        Ok(crate::hash::short(&crate::hash::hex(hasher.finalize())))
    }

    /// Every file, in a fixed order (hashes are taken in it).
    pub fn all(&self) -> [&ModelFile; 8] {
        [
            &self.codebook,
            &self.analysis,
            &self.lexicon,
            &self.cues,
            &self.linear,
            &self.codes,
            &self.domain,
            &self.actions,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_files_are_the_shipped_folder() {
        let shipped = ModelFiles::in_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models"));
        let built_in = ModelFiles::built_in();
        let metadata = [&shipped.report_meta, &shipped.departements];
        let metadata_built_in = [&built_in.report_meta, &built_in.departements];
        for (disk, compiled) in shipped
            .all()
            .into_iter()
            .chain(metadata)
            .zip(built_in.all().into_iter().chain(metadata_built_in))
        {
            assert_eq!(disk.read().unwrap(), compiled.read().unwrap());
            assert!(compiled.exists());
        }
        let missing = ModelFile::at("/nonexistent/codebook.toml");
        assert!(!missing.exists());
        let older = ModelFiles::in_dir(Path::new("/nonexistent"));
        assert!(
            older.metadata_files().0.exists(),
            "falls back to the built-in file"
        );
        assert!(missing
            .read()
            .unwrap_err()
            .to_string()
            .contains("/nonexistent/codebook.toml"));
    }
}
