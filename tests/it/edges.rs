//! The smaller edges users hit (issue 16): CSV dialects in `label` and
//! `evaluate`, an empty gold file, an empty input folder, a closed pipe,
//! `report` before any run.

use std::io::Read;
use std::process::{Command, Stdio};

use crate::cli::evalmine;
use crate::repo_root;

fn config_in(dir: &std::path::Path) {
    let models = format!("{:?}", repo_root().join("models").display().to_string());
    let text = format!(
        "[input]\ndir = \"reports\"\n[output]\ndir = \"tables\"\n[classify]\nmodels = {models}\n"
    );
    std::fs::write(dir.join("pipeline.toml"), text).unwrap();
}

#[test]
fn label_reads_french_excel_csv_with_any_header_case() {
    let dir = tempfile::tempdir().unwrap();
    config_in(dir.path());
    std::fs::write(
        dir.path().join("in.csv"),
        "\u{feff}ID;Text;Context\np1;Le conseil citoyen ne se réunit plus, faute de membres.;4. Le conseil citoyen\n",
    )
    .unwrap();
    let out = evalmine(&["label", "--input", "in.csv"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("p1,conseils_citoyens,")),
        "{stdout}"
    );
}

#[test]
fn an_empty_gold_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    config_in(dir.path());
    std::fs::write(dir.path().join("gold.csv"), "id,text,themes,polarity\n").unwrap();
    let out = evalmine(&["evaluate", "--gold", "gold.csv"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no labelled paragraph"));
}

#[test]
fn an_empty_input_folder_says_so() {
    let dir = tempfile::tempdir().unwrap();
    config_in(dir.path());
    std::fs::create_dir(dir.path().join("reports")).unwrap();
    let out = evalmine(&["run"], dir.path());
    assert_eq!(out.status.code(), Some(2), "nothing could run");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no PDF file"));
}

#[test]
fn report_before_any_run_says_to_run_first() {
    let dir = tempfile::tempdir().unwrap();
    config_in(dir.path());
    let out = evalmine(&["report"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("run `evalmine run` first"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn inspect_into_a_closed_pipe_ends_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_evalmine"))
        .args(["inspect", "--lines", "corpus/r01.pdf"])
        .current_dir(repo_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read a little, then hang up, as `| head` does.
    let mut first = [0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
}
