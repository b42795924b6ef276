//! Command-line interface: subcommands and flags (see ../shared/interface.md).

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use evalmine::classify::TrainSettings;

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
        /// Input folder (overrides input.dir); the same as --input.
        #[arg(value_name = "DIR", conflicts_with = "input")]
        dir: Option<PathBuf>,
        /// Configuration file (default: pipeline.toml in the working folder
        /// when there is one, else the built-in defaults).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Input folder (overrides input.dir).
        #[arg(long)]
        input: Option<PathBuf>,
        /// Output folder (overrides output.dir).
        #[arg(long)]
        out: Option<PathBuf>,
        /// CSV with a doc_id column and any others (territory, modalite, year...),
        /// joined to the documents table.
        #[arg(long)]
        metadata: Option<PathBuf>,
        /// Group the synthesis by this metadata column: one read from the
        /// text (modalite, territory, departement, year...) or of --metadata.
        #[arg(long)]
        by: Option<String>,
        /// Re-extract every PDF, ignoring the extraction cache.
        #[arg(long)]
        no_cache: bool,
        /// File of passwords (one per line) tried on encrypted PDFs.
        #[arg(long)]
        password_file: Option<PathBuf>,
        /// Print only errors and the failed documents (no progress, no
        /// summary, no warnings).
        #[arg(long, short, conflicts_with = "verbose")]
        quiet: bool,
        /// Also print each document as it is done, the information log
        /// (repairs, second extractor, OCR, cache) and the time of each stage.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Classify paragraphs from a CSV (`id,text[,context]`) exactly as `run` would.
    Label {
        /// CSV with columns id, text and optionally context (the heading above).
        #[arg(long)]
        input: PathBuf,
        #[arg(long)]
        config: Option<PathBuf>,
        /// Output file, .csv or .jsonl (standard output as CSV when absent).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Compare the classifier with gold labels (`id,text,themes,polarity[,context]`).
    Evaluate {
        #[arg(long)]
        gold: PathBuf,
        #[arg(long)]
        config: Option<PathBuf>,
        /// Print the report as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Fit the linear model on labelled paragraphs and write it to models/.
    Train {
        /// Labelled CSV (`id,text,themes,polarity[,context]`); repeat for several files.
        #[arg(long, required = true)]
        labels: Vec<PathBuf>,
        #[arg(long)]
        config: Option<PathBuf>,
        /// Where to write the model (default: linear.json in the models folder).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Passes over the training data.
        #[arg(long, default_value_t = TrainSettings::default().epochs)]
        epochs: usize,
        /// Initial step size of gradient descent.
        #[arg(long, default_value_t = TrainSettings::default().learning_rate)]
        learning_rate: f64,
        /// L2 regularisation of the theme models.
        #[arg(long, default_value_t = TrainSettings::default().l2)]
        l2: f64,
        /// L2 regularisation of the polarity model.
        #[arg(long, default_value_t = TrainSettings::default().polarity_l2.unwrap_or_default())]
        polarity_l2: f64,
        /// L2 regularisation of the polarity model on the evaluative lexicon
        /// (cues and sentence stances); default: the polarity L2.
        #[arg(long)]
        stance_l2: Option<f64>,
        /// Features seen in fewer training paragraphs are dropped.
        #[arg(long, default_value_t = TrainSettings::default().min_count)]
        min_count: usize,
        /// Seed of the example order.
        #[arg(long, default_value_t = TrainSettings::default().seed)]
        seed: u64,
    },
    /// Write an editable pipeline.toml and models/ folder (the built-in ones)
    /// into DIR, which later runs from DIR then use.
    Init {
        /// Folder to write into (default: the working folder).
        dir: Option<PathBuf>,
        /// Replace files that already exist.
        #[arg(long)]
        force: bool,
    },
    /// Worker process of `run` (internal): extracts the files named on stdin.
    #[command(hide = true)]
    Worker {
        /// The `[extract]` settings, as JSON.
        #[arg(long)]
        settings: String,
    },
    /// Write report.html, the synthesis as a web page, from the tables of a run.
    Report {
        /// Folder of the tables (default: the output folder of the configuration).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Configuration file (for the output folder and the codebook's theme names).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Export the coding of a run for ATLAS.ti, MAXQDA or NVivo (REFI-QDA):
    /// a project (.qdpx) and/or the codebook alone (.qdc).
    #[command(group(clap::ArgGroup::new("target").required(true).multiple(true).args(["qdpx", "qdc"])))]
    Export {
        /// Write the project: codes, documents as text sources, findings as coded segments.
        #[arg(long, value_name = "FILE")]
        qdpx: Option<PathBuf>,
        /// Write the codebook alone (themes and their polarities).
        #[arg(long, value_name = "FILE")]
        qdc: Option<PathBuf>,
        /// Folder of the tables (default: the output folder of the configuration).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Configuration file (for the output folder and the codebook's theme names).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Show pages, dropped lines, headings and paragraphs of one PDF as the pipeline sees them.
    Inspect {
        /// The PDF to inspect.
        file: PathBuf,
        /// Also list every line with its position, size and column.
        #[arg(long)]
        lines: bool,
        /// Configuration file (its extraction settings are used when it exists).
        #[arg(long)]
        config: Option<PathBuf>,
    },
}
