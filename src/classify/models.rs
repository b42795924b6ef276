//! The files of the models folder and the hashes that tie a trained model
//! and cached scores to them.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::hash::{hex, short};

/// Files of the models folder.
pub struct ModelFiles {
    pub codebook: PathBuf,
    pub analysis: PathBuf,
    pub lexicon: PathBuf,
    pub cues: PathBuf,
    pub linear: PathBuf,
    pub codes: PathBuf,
    pub domain: PathBuf,
}

impl ModelFiles {
    pub fn in_dir(dir: &Path) -> ModelFiles {
        ModelFiles {
            codebook: dir.join("codebook.toml"),
            analysis: dir.join("analysis.toml"),
            lexicon: dir.join("lexicon.toml"),
            cues: dir.join("cues.toml"),
            linear: dir.join("linear.json"),
            codes: dir.join("codes.toml"),
            domain: dir.join("domain.toml"),
        }
    }

    /// Hash of the files that define the features: a model trained with
    /// other ones weighs features that no longer mean the same.
    pub fn features_hash(&self) -> Result<String> {
        let mut hasher = Sha256::new();
        for path in [&self.analysis, &self.lexicon, &self.cues] {
            let bytes = std::fs::read(path).map_err(|source| Error::ReadFile {
                path: path.clone(),
                source,
            })?;
            hasher.update(&bytes);
        }
        Ok(short(&hex(hasher.finalize())))
    }
}

/// See `Classifier::scoring_key`.
pub(super) fn scoring_key(files: &ModelFiles) -> Result<String> {
    let mut hasher = Sha256::new();
    hasher.update(super::score::SCORING_FORMAT.as_bytes());
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    for path in [
        &files.codebook,
        &files.analysis,
        &files.lexicon,
        &files.cues,
        &files.linear,
        &files.codes,
        &files.domain,
    ] {
        match std::fs::read(path) {
            Ok(bytes) => hasher.update(&bytes),
            // codes.toml and domain.toml are optional; the others failed
            // to load already.
            Err(_) => hasher.update(b"<absent>"),
        }
        hasher.update([0u8]);
    }
    Ok(short(&hex(hasher.finalize())))
}
