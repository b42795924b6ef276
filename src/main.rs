//! parse args -> load config -> run the pipeline -> exit code
//! (0 all documents processed, 1 some failed but tables written, 2 nothing could run).

mod cli;

use std::process::ExitCode;

use clap::Parser;
use evalmine::classify::{self, labels, Classifier, ModelFiles, TrainSettings};
use evalmine::config::PipelineConfig;
use evalmine::metadata::Metadata;
use evalmine::pipeline::{Pipeline, RunOptions};
use evalmine::{ingest, output, segment};

use cli::{Cli, Command};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Writes to standard output; a reader that has gone (`evalmine inspect
/// ... | head`) ends the output quietly instead of a panic.
fn write_stdout(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("evalmine: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn execute(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Run {
            config,
            input,
            out,
            metadata,
            by,
            no_cache,
            password_file,
        } => {
            let mut config = load_config(&config)?;
            // A bad metadata file or an unknown --by column stops the run before any work.
            let metadata = metadata.map(|m| Metadata::load(&m)).transpose()?;
            if let (Some(meta), Some(column)) = (&metadata, &by) {
                if !meta.columns.contains(column) {
                    anyhow::bail!(
                        "--by {column}: the metadata file has no column `{column}` (it has: {})",
                        meta.columns.join(", ")
                    );
                }
            }
            let passwords = match password_file {
                Some(path) => std::fs::read_to_string(&path)
                    .map_err(|e| anyhow::anyhow!("--password-file {}: {e}", path.display()))?
                    .lines()
                    .map(|l| l.trim_end_matches('\r').to_string())
                    .filter(|l| !l.is_empty())
                    .collect(),
                None => Vec::new(),
            };
            if let Some(input) = input {
                config.input.dir = input;
            }
            if let Some(out) = out {
                config.output.dir = out;
            }
            let options = RunOptions {
                metadata,
                by,
                no_cache,
                worker_program: std::env::current_exe().ok(),
                passwords,
            };
            let outcome = Pipeline::build(&config, options)?.run()?;
            // Names and text from the files are shown escaped: a control
            // character in a file name must not act on the terminal.
            for w in &outcome.warnings {
                eprintln!("evalmine: warning: {}", output::terminal_safe(w));
            }
            for d in outcome
                .documents
                .iter()
                .filter(|d| d.read.status.is_failure())
            {
                eprintln!(
                    "evalmine: {}: {}: {}",
                    output::terminal_safe(&d.doc_id),
                    d.read.status,
                    output::terminal_safe(&d.read.message)
                );
            }
            for line in outcome.summary_fr.lines() {
                println!("{}", output::terminal_safe(line));
            }
            println!("{} -> {}", outcome.summary(), config.output.dir.display());
            Ok(if outcome.any_failed() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Label { input, config, out } => {
            let config = load_config(&config)?;
            let classifier = Classifier::load(&config.classify)?;
            let rows = labels::read(&input, classifier.codebook(), false)?;
            let labelled: Vec<_> = rows
                .iter()
                .zip(classify::classify_rows(&classifier, &rows))
                .collect();
            output::write_labels(
                &labelled,
                classifier.codebook(),
                out.as_deref(),
                &config.output,
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Evaluate { gold, config, json } => {
            let config = load_config(&config)?;
            let classifier = Classifier::load(&config.classify)?;
            let rows = labels::read(&gold, classifier.codebook(), true)?;
            if rows.is_empty() {
                anyhow::bail!("{}: no labelled paragraph to evaluate", gold.display());
            }
            let report = classify::evaluate_rows(&classifier, &rows);
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                write_stdout(&report.to_text(&classifier.codebook().polarities))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Train {
            labels,
            config,
            out,
            epochs,
            learning_rate,
            l2,
            polarity_l2,
            stance_l2,
            min_count,
            seed,
        } => {
            let config = load_config(&config)?;
            let files = ModelFiles::in_dir(&config.classify.models);
            let settings = TrainSettings {
                seed,
                epochs,
                learning_rate,
                l2,
                polarity_l2: Some(polarity_l2),
                stance_l2,
                min_count,
            };
            let model = classify::train(&files, &labels, settings)?;
            let out = out.unwrap_or(files.linear);
            model.save(&out)?;
            println!(
                "evalmine: trained on {} paragraphs ({} features kept) -> {} (data sha256 {})",
                model.examples,
                model.weights.len(),
                out.display(),
                &model.data_hash[..16]
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Worker { settings } => {
            evalmine::isolate::worker_main(&settings)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { out, config } => {
            let config = load_config(&config)?;
            let codebook =
                classify::Codebook::load(&ModelFiles::in_dir(&config.classify.models).codebook)?;
            let dir = out.unwrap_or(config.output.dir);
            let path = output::write_report(&dir, &codebook)?;
            println!("evalmine: report -> {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Inspect {
            file,
            lines,
            config,
        } => {
            let config = if config.exists() {
                PipelineConfig::load(&config)?
            } else {
                PipelineConfig::default()
            };
            let extraction = ingest::extract_file(&file, &config.extract);
            let segmented = segment::segment(&extraction.pages);
            let paragraphs = ingest::keep_configured_kinds(segmented.paragraphs, &config.extract);
            let report =
                output::inspect_report(&extraction, &segmented.headings, &paragraphs, lines);
            write_stdout(&report)?;
            Ok(if extraction.read.status.is_failure() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

fn load_config(path: &std::path::Path) -> anyhow::Result<PipelineConfig> {
    Ok(PipelineConfig::load(path)?)
}
