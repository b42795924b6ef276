//! parse args -> load config -> run the pipeline -> exit code
//! (0 all documents processed, 1 some failed but tables written, 2 nothing could run).

mod cli;
mod console;

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use evalmine::classify::{self, labels, Classifier, ModelFiles, TrainSettings};
use evalmine::config::PipelineConfig;
use evalmine::metadata::Metadata;
use evalmine::pipeline::{Pipeline, RunAbout, RunOptions};
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
    match &cli.command {
        Command::Worker { .. } => console::init_log("warn", console::Audience::Parent),
        Command::Run { quiet: true, .. } => console::init_log("error", console::Audience::Stderr),
        Command::Run { verbose: true, .. } => {
            console::init_log("warn,evalmine=info", console::Audience::Stderr)
        }
        _ => console::init_log("warn", console::Audience::Stderr),
    }
    let result = execute(cli.command);
    console::clear_bar();
    match result {
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
            dir,
            config,
            input,
            out,
            metadata,
            by,
            no_cache,
            password_file,
            quiet,
            verbose,
        } => {
            let started_at = output::utc_now();
            let (mut config, config_source) = load_config(config.as_deref())?;
            // A bad metadata file or an unknown --by column stops the run before any work.
            let metadata = metadata.map(|m| Metadata::load(&m)).transpose()?;
            // The fields read from the text can be grouped by without a CSV.
            if let Some(column) = &by {
                let fields = evalmine::metadata::Field::ALL.map(|f| f.column());
                let in_csv = metadata
                    .as_ref()
                    .is_some_and(|m| m.columns.contains(column));
                if !in_csv && !fields.contains(&column.as_str()) {
                    let csv = metadata
                        .as_ref()
                        .map(|m| format!("; the metadata file has: {}", m.columns.join(", ")))
                        .unwrap_or_default();
                    anyhow::bail!(
                        "--by {column}: no column `{column}` (read from the text: {}{csv})",
                        fields.join(", ")
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
            match dir.or(input) {
                Some(input) => config.input.dir = input,
                None if !config.input.dir.is_dir() => anyhow::bail!(
                    "no input folder: {} (from {config_source}) does not exist; give the folder \
                     of PDFs as `evalmine run DIR`",
                    output::terminal_safe(&config.input.dir.display().to_string())
                ),
                None => {}
            }
            if let Some(out) = out {
                config.output.dir = out;
            }
            let model_source = ModelFiles::configured(config.classify.models.as_deref()).describe();
            if !quiet {
                console::line(&format!(
                    "evalmine: configuration: {}; {}",
                    output::terminal_safe(&config_source),
                    output::terminal_safe(&model_source)
                ));
            }
            let options = RunOptions {
                metadata,
                by,
                no_cache,
                worker_program: std::env::current_exe().ok(),
                passwords,
                progress: console::RunProgress::new(quiet, verbose)
                    .map(|p| Box::new(p) as Box<dyn evalmine::pipeline::Progress>),
                ..RunOptions::default()
            };
            let outcome = Pipeline::build(&config, options)?.run();
            console::clear_bar();
            let outcome = outcome?;
            let (peak_rss_mb, children_peak_rss_mb) = evalmine::pipeline::peak_rss_mb();
            let about = RunAbout {
                started_at,
                command: command_line(),
                config_source,
                model_source,
                peak_rss_mb,
                children_peak_rss_mb,
            };
            let row = outcome.runs_row(about, &config.input.dir.display().to_string());
            // The tables are written: a runs log that cannot be is a warning.
            if let Err(e) = output::append_run(&row, &config.output) {
                tracing::warn!("runs log not updated: {e}");
            }
            if verbose {
                for (stage, time) in &outcome.timings {
                    eprintln!("evalmine: {stage}: {:.2} s", time.as_secs_f64());
                }
                let stats = &outcome.stats;
                eprintln!("evalmine: {}", stats.stages.describe(stats.threads));
            }
            // Names and text from the files are shown escaped (by the log's
            // format): a control character in a file name must not act on
            // the terminal.
            for w in &outcome.warnings {
                tracing::warn!("{w}");
            }
            for d in outcome.documents.iter().filter(|d| d.status.is_failure()) {
                eprintln!(
                    "evalmine: {}: {}: {}",
                    output::terminal_safe(&d.doc_id),
                    d.status,
                    output::terminal_safe(&d.message)
                );
            }
            if !quiet {
                for line in outcome.summary_fr.lines() {
                    println!("{}", output::terminal_safe(line));
                }
                println!("{} -> {}", outcome.summary(), config.output.dir.display());
            }
            Ok(if outcome.any_failed() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Label { input, config, out } => {
            let (config, _) = load_config(config.as_deref())?;
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
            let (config, _) = load_config(config.as_deref())?;
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
            let (config, _) = load_config(config.as_deref())?;
            let files = ModelFiles::configured(config.classify.models.as_deref());
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
            let out = match (out, &files.dir) {
                (Some(out), _) => out,
                (None, Some(dir)) => dir.join("linear.json"),
                (None, None) => anyhow::bail!(
                    "train: the built-in models are in use, so there is no models folder to write \
                     linear.json into: give --out FILE, or write an editable models/ with `evalmine init`"
                ),
            };
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
        Command::Init { dir, force } => {
            init(dir.as_deref().unwrap_or(Path::new(".")), force)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Worker { settings } => {
            evalmine::isolate::worker_main(&settings)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { out, config } => {
            let (config, _) = load_config(config.as_deref())?;
            let files = ModelFiles::configured(config.classify.models.as_deref());
            let codebook = classify::Codebook::load(&files.codebook)?;
            let dir = out.unwrap_or(config.output.dir);
            let path = output::write_report(&dir, &codebook)?;
            println!("evalmine: report -> {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            qdpx,
            qdc,
            out,
            config,
        } => {
            let (config, _) = load_config(config.as_deref())?;
            let files = ModelFiles::configured(config.classify.models.as_deref());
            let codebook = classify::Codebook::load(&files.codebook)?;
            if let Some(path) = qdpx {
                let dir = out.unwrap_or(config.output.dir);
                let e = output::write_qdpx(&dir, &codebook, &path)?;
                if e.left_out > 0 {
                    tracing::warn!(
                        "{} findings left out: their paragraph is not in {}",
                        e.left_out,
                        dir.join("paragraphs.parquet").display()
                    );
                }
                if e.astral > 0 {
                    tracing::warn!(
                        "the sources hold {} characters outside the Basic \
                         Multilingual Plane (emoji...): programs counting UTF-16 units may place \
                         the segments after them one character off each",
                        e.astral
                    );
                }
                println!(
                    "evalmine: REFI-QDA project -> {} ({} codes, {} text sources, {} coded segments)",
                    e.path.display(),
                    e.codes,
                    e.sources,
                    e.segments
                );
            }
            if let Some(path) = qdc {
                let actions = output::model_action_types(&files, &codebook)?;
                let e = output::write_qdc(&codebook, &actions, &path)?;
                println!(
                    "evalmine: REFI-QDA codebook -> {} ({} codes)",
                    e.path.display(),
                    e.codes
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Inspect {
            file,
            lines,
            config,
        } => {
            let (config, _) = load_config(config.as_deref())?;
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

/// The arguments after the program's name, for the runs log; one that
/// holds a space or a quote is quoted as a shell would take it.
fn command_line() -> String {
    std::env::args_os()
        .skip(1)
        .map(|arg| {
            let arg = arg.to_string_lossy();
            if arg.is_empty() || arg.contains(|c: char| c.is_whitespace() || "'\"\\$`".contains(c))
            {
                format!("'{}'", arg.replace('\'', "'\\''"))
            } else {
                arg.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The configuration file in use, and how to name it: the one given with
/// `--config`; else pipeline.toml in the working folder when there is one;
/// else the built-in defaults (with the built-in models).
fn load_config(given: Option<&Path>) -> anyhow::Result<(PipelineConfig, String)> {
    let local = Path::new("pipeline.toml");
    match given {
        Some(path) => Ok((PipelineConfig::load(path)?, path.display().to_string())),
        None if local.is_file() => Ok((PipelineConfig::load(local)?, "pipeline.toml".into())),
        None => Ok((PipelineConfig::default(), "built-in defaults".into())),
    }
}

/// `evalmine init`: pipeline.toml and models/ written out for editing.
fn init(dir: &Path, force: bool) -> anyhow::Result<()> {
    let config = include_str!("../pipeline.toml").replace("dir = \"corpus\"", "dir = \"reports\"");
    let mut files = vec![(dir.join("pipeline.toml"), config)];
    for (name, text) in evalmine::models::BUILT_IN {
        files.push((dir.join("models").join(name), text.to_string()));
    }
    if !force {
        if let Some((path, _)) = files.iter().find(|(path, _)| path.exists()) {
            anyhow::bail!(
                "init: {} already exists (nothing written; --force replaces the files)",
                path.display()
            );
        }
    }
    std::fs::create_dir_all(dir.join("models")).map_err(|e| {
        anyhow::anyhow!("init: cannot create {}: {e}", dir.join("models").display())
    })?;
    for (path, text) in &files {
        std::fs::write(path, text)
            .map_err(|e| anyhow::anyhow!("init: cannot write {}: {e}", path.display()))?;
    }
    println!(
        "evalmine: wrote {} and {} ({} files); runs from this folder now use them",
        dir.join("pipeline.toml").display(),
        dir.join("models").display(),
        files.len() - 1
    );
    Ok(())
}
