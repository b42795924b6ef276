//! Cache for reruns, two kinds of entries per report:
//! - its extracted paragraphs, under the SHA-256 of its bytes and a hash of
//!   the extraction settings (and program version), so that reruns with
//!   other classifier or coverage settings do not re-read PDFs;
//! - the classifier's scores of those paragraphs (`classify::Scored`), under
//!   the hash of the paragraphs' texts and headings and the hash of the
//!   models/ files, so that reruns that change only a decision setting (a
//!   threshold) skip the text analysis too.
//!
//! The folder is safe to delete. Entries are written to a
//! temporary file and renamed, so an interrupted run leaves no half entry;
//! an unreadable entry is treated as a miss.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::classify::Scored;
use crate::extract::ExtractConfig;
use crate::hash::{sha256_hex, short};
use crate::record::Extracted;

/// Bump when extraction or segmentation changes what they produce, so old
/// entries are not reused (the program version is part of the key too).
const EXTRACTION_FORMAT: &str = "extract-18";

/// Settings of the cache (pipeline.toml `[cache]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheConfig {
    /// Folder of the cache (relative paths from the configuration file).
    pub dir: PathBuf,
    /// Use and fill the cache (`run --no-cache` re-extracts everything).
    pub enabled: bool,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            dir: PathBuf::from(".evalmine-cache"),
            enabled: true,
        }
    }
}

/// The cache of one run.
pub(crate) struct Cache {
    dir: PathBuf,
    settings: String,
    read: bool,
}

impl Cache {
    /// `read: false` re-extracts everything but still refreshes the entries.
    pub fn new(dir: &Path, extract: &ExtractConfig, read: bool) -> Cache {
        // The OCR engine found (its version, or none) is part of the key: a
        // scan read as `no_text` before Tesseract was installed is read
        // again after, and a new Tesseract reads scans again.
        let key = format!(
            "{EXTRACTION_FORMAT}\n{}\n{}\n{}",
            env!("CARGO_PKG_VERSION"),
            toml::to_string(extract).unwrap_or_default(),
            crate::extract::ocr_engine(&extract.ocr)
        );
        let settings = short(&sha256_hex(key));
        Cache {
            dir: dir.to_path_buf(),
            settings,
            read,
        }
    }

    fn path(&self, content_hash: &str, kind: &str) -> PathBuf {
        self.dir.join(format!(
            "{}-{}{kind}.json",
            &content_hash[..content_hash.len().min(32)],
            self.settings
        ))
    }

    /// The extracted paragraphs of a file.
    pub fn get(&self, content_hash: &str) -> Option<Extracted> {
        let entry = self.read(content_hash, self.path(content_hash, ""));
        self.tell("extraction", entry.is_some());
        entry
    }

    /// A debug event per look-up (the run counts them, at info level).
    fn tell(&self, kind: &str, hit: bool) {
        match (hit, self.read) {
            (true, _) => tracing::debug!("{kind} cache hit"),
            (false, true) => tracing::debug!("{kind} cache miss"),
            (false, false) => tracing::debug!("{kind} cache not read (--no-cache)"),
        }
    }

    /// Stores an entry; a cache that cannot be written only costs speed.
    pub fn put(&self, content_hash: &str, entry: &Extracted) {
        self.write(content_hash, self.path(content_hash, ""), entry);
    }

    /// The classifier's scores of a list of paragraphs, stored under the
    /// hash of their texts and headings (see `pipeline::label_paragraphs`)
    /// and the scoring key of the models that computed them.
    pub(crate) fn get_scores(
        &self,
        paragraphs_hash: &str,
        scoring_key: &str,
    ) -> Option<Vec<Scored>> {
        let entry = self.read(
            paragraphs_hash,
            self.scores_path(paragraphs_hash, scoring_key),
        );
        self.tell("scores", entry.is_some());
        entry
    }

    pub(crate) fn put_scores(&self, paragraphs_hash: &str, scoring_key: &str, scores: &[Scored]) {
        let path = self.scores_path(paragraphs_hash, scoring_key);
        self.write(paragraphs_hash, path, &scores);
    }

    fn scores_path(&self, paragraphs_hash: &str, scoring_key: &str) -> PathBuf {
        self.dir.join(format!(
            "scores-{}-{scoring_key}.json",
            &paragraphs_hash[..paragraphs_hash.len().min(32)]
        ))
    }

    fn read<T: serde::de::DeserializeOwned>(&self, content_hash: &str, path: PathBuf) -> Option<T> {
        if !self.read || content_hash.is_empty() {
            return None;
        }
        let bytes = std::fs::read(path).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Written to a temporary file in the cache folder, then persisted
    /// over the entry: readers and later runs see the whole entry or none.
    fn write<T: Serialize>(&self, content_hash: &str, path: PathBuf, value: &T) {
        use std::io::Write;
        if content_hash.is_empty() || std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let Ok(bytes) = serde_json::to_vec(value) else {
            return;
        };
        let Ok(mut tmp) = crate::atomic::readable_temp_file(&self.dir) else {
            return;
        };
        if tmp.write_all(&bytes).is_ok() {
            // A failed persist drops (and deletes) the temporary file.
            let _ = tmp.persist(&path);
        }
    }
}
