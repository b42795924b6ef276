//! One error type for the library, carrying the context a user needs to act:
//! which file, which key, which stage. A wrapped cause is the error's
//! `source()`, not part of its message (`main` prints the chain once). Per-document extraction problems are not
//! errors of this kind: they become a status in the `documents` table.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read configuration {path}")]
    ConfigRead {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Unknown keys and ill-typed values, as reported by the TOML parser (which
    /// names the key and the line).
    #[error("invalid configuration {path}: {message}")]
    ConfigSyntax { path: PathBuf, message: String },
    /// A value of the right type but outside what the stage accepts.
    #[error("invalid configuration {path}: key `{key}`: {message}")]
    ConfigValue {
        path: PathBuf,
        key: String,
        message: String,
    },
    /// The input folder holds no PDF: nothing to do (exit code 2).
    #[error("no PDF file (*.pdf) under {path}: nothing to process")]
    NoInput { path: PathBuf },
    #[error("cannot read input folder {path}")]
    InputFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {path}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file of models/ (lexicon, cues, analysis settings, trained model)
    /// that cannot be used.
    #[error("invalid model data {path}: {message}")]
    ModelData { path: PathBuf, message: String },
    #[error("cannot use metadata file {path}: {message}")]
    Metadata { path: PathBuf, message: String },
    #[error("cannot use labelled file {path}: {message}")]
    LabelFile { path: PathBuf, message: String },
    #[error("cannot write {path}")]
    WriteTable {
        path: PathBuf,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("cannot read table {path}")]
    ReadTable {
        path: PathBuf,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The synthesis (coverage, counts, codes) could not be computed.
    #[error("cannot compute the synthesis")]
    Aggregate {
        #[source]
        source: polars::prelude::PolarsError,
    },
}

/// A value of the right type that a stage does not accept: the key (as
/// `section.key`) and why. Each stage's config checks its own section.
#[derive(Debug)]
pub struct BadValue {
    pub key: &'static str,
    pub message: String,
}

impl BadValue {
    pub fn new(key: &'static str, message: impl Into<String>) -> BadValue {
        BadValue {
            key,
            message: message.into(),
        }
    }
}
