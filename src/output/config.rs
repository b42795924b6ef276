//! Settings of the output stage (pipeline.toml `[output]`).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::BadValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TableFormat {
    Parquet,
    Csv,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputConfig {
    /// Folder the tables are written to (created if missing).
    pub dir: PathBuf,
    /// Formats written for every table: "parquet" (zstd) and/or "csv".
    pub formats: Vec<TableFormat>,
    /// CSV field separator. ";" is what French Excel expects.
    pub csv_separator: String,
    /// In CSV files, a text cell starting with `=`, `+`, `-`, `@`, a tab or
    /// a carriage return gets a leading `'` so that a spreadsheet shows it
    /// as text instead of running it as a formula (a PDF anyone can write
    /// reaches the tables). Parquet keeps the exact text. `false` for tools
    /// that want the raw text in CSV.
    pub csv_formula_guard: bool,
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            dir: PathBuf::from("out"),
            formats: vec![TableFormat::Parquet, TableFormat::Csv],
            csv_separator: ";".to_string(),
            csv_formula_guard: true,
        }
    }
}

impl OutputConfig {
    /// Checks the values the types allow but the writers do not.
    pub(crate) fn validate(&self) -> Result<(), BadValue> {
        let o = self;
        if o.formats.is_empty() {
            return Err(BadValue::new(
                "output.formats",
                "name at least one of \"parquet\", \"csv\"".to_string(),
            ));
        }
        if o.csv_separator.len() != 1 || o.csv_separator == "\"" || o.csv_separator == "\n" {
            return Err(BadValue::new(
                "output.csv_separator",
                format!(
                    "{:?} is not a single ASCII character such as \";\" or \",\"",
                    o.csv_separator
                ),
            ));
        }
        Ok(())
    }
}
