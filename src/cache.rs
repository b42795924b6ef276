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
use sha2::{Digest, Sha256};

use crate::classify::Scored;
use crate::config::ExtractConfig;
use crate::record::{DocStatus, Paragraph, ParagraphKind};

/// Bump when extraction or segmentation changes what they produce, so old
/// entries are not reused (the program version is part of the key too).
const EXTRACTION_FORMAT: &str = "extract-3";

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

/// What extraction and segmentation gave for one file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub pages: u32,
    pub pages_failed: u32,
    pub status: String,
    pub message: String,
    pub title: Option<String>,
    /// Which extractor read the pages (see `Extraction::extractor`).
    #[serde(default)]
    pub extractor: String,
    pub paragraphs: Vec<EntryParagraph>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EntryParagraph {
    pub page: u32,
    pub heading: Option<String>,
    #[serde(default)]
    pub section: Option<String>,
    pub kind: String,
    pub text: String,
}

impl EntryParagraph {
    pub fn from_paragraph(p: &Paragraph) -> EntryParagraph {
        EntryParagraph {
            page: p.page,
            heading: p.heading.clone(),
            section: p.section.clone(),
            kind: p.kind.as_str().to_string(),
            text: p.text.clone(),
        }
    }

    pub fn to_paragraph(&self) -> Option<Paragraph> {
        let kind = match self.kind.as_str() {
            "body" => ParagraphKind::Body,
            "list_item" => ParagraphKind::ListItem,
            "footnote" => ParagraphKind::Footnote,
            "table_row" => ParagraphKind::TableRow,
            _ => return None,
        };
        Some(Paragraph {
            page: self.page,
            heading: self.heading.clone(),
            section: self.section.clone(),
            kind,
            text: self.text.clone(),
            labels: None,
        })
    }
}

pub fn status_from_str(s: &str) -> Option<DocStatus> {
    Some(match s {
        "ok" => DocStatus::Ok,
        "no_text" => DocStatus::NoText,
        "encrypted" => DocStatus::Encrypted,
        "invalid" => DocStatus::Invalid,
        "error" => DocStatus::Error,
        "timeout" => DocStatus::Timeout,
        _ => return None,
    })
}

/// The cache of one run.
pub struct Cache {
    dir: PathBuf,
    settings: String,
    read: bool,
}

impl Cache {
    /// `read: false` re-extracts everything but still refreshes the entries.
    pub fn new(dir: &Path, extract: &ExtractConfig, read: bool) -> Cache {
        let key = format!(
            "{EXTRACTION_FORMAT}\n{}\n{}",
            env!("CARGO_PKG_VERSION"),
            toml::to_string(extract).unwrap_or_default()
        );
        let settings: String = Sha256::digest(key.as_bytes())
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
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
    pub fn get(&self, content_hash: &str) -> Option<Entry> {
        self.read(content_hash, self.path(content_hash, ""))
    }

    /// Stores an entry; a cache that cannot be written only costs speed.
    pub fn put(&self, content_hash: &str, entry: &Entry) {
        self.write(content_hash, self.path(content_hash, ""), entry);
    }

    /// The classifier's scores of a list of paragraphs, stored under the
    /// hash of their texts and headings (see `pipeline::label_paragraphs`)
    /// and the scoring key of the models that computed them.
    pub fn get_scores(&self, paragraphs_hash: &str, scoring_key: &str) -> Option<Vec<Scored>> {
        self.read(
            paragraphs_hash,
            self.scores_path(paragraphs_hash, scoring_key),
        )
    }

    pub fn put_scores(&self, paragraphs_hash: &str, scoring_key: &str, scores: &[Scored]) {
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

    /// Written to a temporary file, then renamed: readers and later runs see
    /// the whole entry or none.
    fn write<T: Serialize>(&self, content_hash: &str, path: PathBuf, value: &T) {
        if content_hash.is_empty() || std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let tmp = path.with_extension(format!(
            "json.tmp-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let Ok(bytes) = serde_json::to_vec(value) else {
            return;
        };
        if std::fs::write(&tmp, bytes).is_err() || std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}
