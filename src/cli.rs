//! Command-line interface: subcommands and flags (see ../shared/interface.md).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "evalmine",
    version,
    about = "French evaluation reports (PDF) -> tables for a quantitative synthesis"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract every PDF under the input folder and write the tables.
    Run {
        /// Configuration file.
        #[arg(long, default_value = "pipeline.toml")]
        config: PathBuf,
        /// Input folder (overrides input.dir).
        #[arg(long)]
        input: Option<PathBuf>,
        /// Output folder (overrides output.dir).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Show pages, dropped lines, headings and paragraphs of one PDF as the pipeline sees them.
    Inspect {
        /// The PDF to inspect.
        file: PathBuf,
        /// Also list every line with its position, size and column.
        #[arg(long)]
        lines: bool,
        /// Configuration file (its extraction settings are used when it exists).
        #[arg(long, default_value = "pipeline.toml")]
        config: PathBuf,
    },
}
