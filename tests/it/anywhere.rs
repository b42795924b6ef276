//! The binary outside the repository (issue 13): built-in configuration
//! and models when the folder has none, `evalmine init` to edit them.

use crate::cli::evalmine;
use crate::repo_root;

fn coverage_of(dir: &std::path::Path) -> String {
    std::fs::read_to_string(dir.join("out/coverage.csv")).unwrap()
}

#[test]
fn an_empty_folder_runs_with_the_built_in_defaults_and_init_makes_them_editable() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    std::fs::copy(repo_root().join("corpus/r01.pdf"), reports.join("r01.pdf")).unwrap();

    // No pipeline.toml, no models/: the built-in ones, and the run says so.
    let run = evalmine(&["run", "reports"], dir.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains("configuration: built-in defaults; built-in models"),
        "{stderr}"
    );
    let built_in = coverage_of(dir.path());
    assert!(built_in.contains("r01;conseils_citoyens;"), "{built_in}");

    // Without an input folder, it says how to give one.
    let bare = evalmine(&["run"], dir.path());
    assert_eq!(bare.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bare.stderr).contains("evalmine run DIR"),
        "{}",
        String::from_utf8_lossy(&bare.stderr)
    );

    // init writes pipeline.toml and models/, then runs use them.
    let init = evalmine(&["init"], dir.path());
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let again = evalmine(&["init"], dir.path());
    assert_eq!(again.status.code(), Some(2), "init does not overwrite");
    let run = evalmine(&["run", "--no-cache"], dir.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains("configuration: pipeline.toml; models folder"),
        "{stderr}"
    );
    assert_eq!(
        coverage_of(dir.path()),
        built_in,
        "same models, same tables"
    );

    // An edit of the written lexicon changes the result.
    let lexicon = dir.path().join("models/lexicon.toml");
    let text = std::fs::read_to_string(&lexicon).unwrap().replace(
        "[themes.discriminations.terms]\n",
        "[themes.discriminations.terms]\n\"quartiers prioritaires\" = 3.0\n",
    );
    std::fs::write(&lexicon, text).unwrap();
    let run = evalmine(&["run", "--no-cache"], dir.path());
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_ne!(
        coverage_of(dir.path()),
        built_in,
        "the edited lexicon is used"
    );
}

/// `--quiet` prints nothing but problems; `--verbose` a line per document
/// and the time of each stage; piped (as here), no progress line.
#[test]
fn run_is_quiet_or_verbose_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    std::fs::copy(repo_root().join("corpus/r01.pdf"), reports.join("r01.pdf")).unwrap();
    let quiet = evalmine(&["run", "reports", "--quiet"], dir.path());
    assert!(quiet.status.success());
    assert!(
        quiet.stdout.is_empty() && quiet.stderr.is_empty(),
        "{quiet:?}"
    );
    let verbose = evalmine(&["run", "reports", "--verbose"], dir.path());
    let stderr = String::from_utf8_lossy(&verbose.stderr);
    assert!(stderr.contains("[1/1] r01: ok ("), "{stderr}");
    assert!(stderr.contains("evalmine: aggregate: "), "{stderr}");
    let plain = evalmine(&["run", "reports"], dir.path());
    let stderr = String::from_utf8_lossy(&plain.stderr);
    assert!(
        !stderr.contains("documents\r") && !stderr.contains("1/1"),
        "{stderr}"
    );
}
