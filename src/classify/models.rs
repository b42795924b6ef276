//! The hashes that tie a trained model and cached scores to the model files
//! (crate::models: a models folder or the built-in files).

use sha2::{Digest, Sha256};

pub use crate::models::ModelFiles;

use crate::hash::{hex, short};

/// See `Classifier::scoring_key`.
pub(super) fn scoring_key(files: &ModelFiles) -> String {
    let mut hasher = Sha256::new();
    hasher.update(super::score::SCORING_FORMAT.as_bytes());
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    for file in files.all() {
        match file.read() {
            Ok(text) => hasher.update(text.as_bytes()),
            // codes.toml, domain.toml and actions.toml are optional; the others failed
            // to load already.
            Err(_) => hasher.update(b"<absent>"),
        }
        hasher.update([0u8]);
    }
    short(&hex(hasher.finalize()))
}
