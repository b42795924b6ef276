//! parse args -> load config -> run the pipeline -> exit code
//! (0 all documents processed, 1 some failed but tables written, 2 nothing could run).

mod cli;

use std::process::ExitCode;

use clap::Parser;
use evalmine::config::PipelineConfig;
use evalmine::{output, pipeline, segment};

use cli::{Cli, Command};

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
        Command::Run { config, input, out } => {
            let mut config = PipelineConfig::load(&config)?;
            if let Some(input) = input {
                config.input.dir = input;
            }
            if let Some(out) = out {
                config.output.dir = out;
            }
            let outcome = pipeline::run(&config)?;
            for d in outcome.documents.iter().filter(|d| d.status.is_failure()) {
                eprintln!("evalmine: {}: {}: {}", d.doc_id, d.status, d.message);
            }
            println!("{} -> {}", outcome.summary(), config.output.dir.display());
            Ok(if outcome.any_failed() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
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
            let (extraction, _) = pipeline::extract_file(&file, &config.extract);
            let paragraphs = pipeline::keep_configured_kinds(
                segment::segment(&extraction.pages),
                &config.extract,
            );
            print!(
                "{}",
                output::inspect_report(&extraction, &paragraphs, lines)
            );
            Ok(if extraction.status.is_failure() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}
