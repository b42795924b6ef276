//! Hostile and broken PDFs, generated here rather than committed as blobs:
//! one `evalmine run` over all of them must end by itself, within a time
//! bound, with one row per file and the expected status.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::pdf_writer::{document, simple, text_content, Pdf};
use crate::{repo_root, shared_dir};

/// Two pages; the second draws a form XObject that draws itself.
fn self_drawing_form() -> Vec<u8> {
    document(2, &|pdf, i| {
        (i == 1).then(|| {
            let form = pdf.reserve();
            let body = "/X0 Do";
            pdf.set(
                form,
                format!(
                    "<< /Type /XObject /Subtype /Form /BBox [0 0 100 100] /Resources << /XObject << /X0 {form} 0 R >> >> /Length {} >>\nstream\n{body}\nendstream",
                    body.len()
                ),
            );
            let content = pdf.add_stream("", body.as_bytes());
            format!("/Contents {content} 0 R /Resources << /XObject << /X0 {form} 0 R >> >>")
        })
    })
}

/// A file without pages holding one object of 200,000 nested dictionaries
/// (a page-less file goes to the second extractor, whose parser recurses
/// once per level).
fn deeply_nested_object() -> Vec<u8> {
    let mut pdf = Pdf::default();
    let catalog = pdf.reserve();
    let tree = pdf.add("<< /Type /Pages /Kids [] /Count 0 >>");
    pdf.add(format!(
        "{}{}",
        "<< /A ".repeat(200_000),
        " >>".repeat(200_000)
    ));
    pdf.set(catalog, format!("<< /Type /Catalog /Pages {tree} 0 R >>"));
    pdf.finish(catalog)
}

fn deflated_spaces(mib: usize) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..mib {
        encoder.write_all(&chunk).unwrap();
    }
    encoder.finish().unwrap()
}

/// One page whose content is 1 GiB once inflated.
fn inflate_bomb_alone() -> Vec<u8> {
    let bomb = deflated_spaces(1024);
    document(1, &|pdf, _| {
        let c = pdf.add_stream("/Filter /FlateDecode", &bomb);
        Some(format!("/Contents {c} 0 R /Resources << >>"))
    })
}

/// Two pages: a sentence, then 1 GiB of spaces deflated (about 1 MB) as
/// the page content.
fn inflate_bomb() -> Vec<u8> {
    let bomb = deflated_spaces(1024);
    let mut pdf = Pdf::default();
    let catalog = pdf.reserve();
    let tree = pdf.reserve();
    let font = pdf.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    let text = pdf.add_stream("", &text_content("Une page lisible avant la bombe."));
    let page1 = pdf.add(format!(
        "<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 595 842] /Contents {text} 0 R /Resources << /Font << /F1 {font} 0 R >> >> >>"
    ));
    let content = pdf.add_stream("/Filter /FlateDecode", &bomb);
    let page2 = pdf.add(format!(
        "<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R /Resources << /Font << /F1 {font} 0 R >> >> >>"
    ));
    pdf.set(
        tree,
        format!("<< /Type /Pages /Kids [{page1} 0 R {page2} 0 R] /Count 2 >>"),
    );
    pdf.set(catalog, format!("<< /Type /Catalog /Pages {tree} 0 R >>"));
    pdf.finish(catalog)
}

/// The hostile files, with the statuses each may get.
fn hostile_files() -> Vec<(&'static str, Vec<u8>, &'static [&'static str])> {
    let report = std::fs::read(repo_root().join("corpus/r02.pdf")).unwrap();
    let mut files: Vec<(&'static str, Vec<u8>, &'static [&'static str])> = Vec::new();
    files.push(("empty", Vec::new(), &["invalid"]));
    files.push((
        "html_renamed",
        b"<!DOCTYPE html><html><body>Not found</body></html>".to_vec(),
        &["invalid"],
    ));
    // A download cut at 60%: its catalog and page tree (at the end, as
    // LibreOffice writes them) are lost; pdftotext reads nothing either.
    files.push((
        "truncated",
        report[..report.len() * 6 / 10].to_vec(),
        &["invalid"],
    ));
    // Cut before the cross-reference table: every object is there, the
    // table is rebuilt.
    let xref = report.windows(5).rposition(|w| w == b"xref\n").unwrap();
    files.push(("truncated_tail", report[..xref].to_vec(), &["ok"]));
    let mut random = b"%PDF-1.4\n".to_vec();
    let mut x: u64 = 0x9E3779B97F4A7C15;
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        random.push(x as u8);
    }
    files.push(("random_after_header", random, &["invalid"]));
    let mut flipped = report.clone();
    for i in 0..40 {
        let at = (i * 7919 + 1234) % flipped.len();
        flipped[at] ^= 0x20;
    }
    files.push(("bit_flips", flipped, &["ok", "error", "invalid", "no_text"]));
    let startxref = report.windows(9).rposition(|w| w == b"startxref").unwrap();
    let mut bad_xref = report[..startxref].to_vec();
    bad_xref.extend_from_slice(b"startxref\n999999999\n%%EOF\n");
    files.push(("bad_startxref", bad_xref, &["ok"]));
    // A page tree whose kid is the tree itself.
    let mut pdf = Pdf::default();
    let catalog = pdf.reserve();
    let tree = pdf.reserve();
    pdf.set(
        tree,
        format!("<< /Type /Pages /Kids [{tree} 0 R] /Count 1 >>"),
    );
    pdf.set(catalog, format!("<< /Type /Catalog /Pages {tree} 0 R >>"));
    files.push((
        "cyclic_page_tree",
        pdf.finish(catalog),
        &["invalid", "error"],
    ));
    // A form XObject that draws itself.
    let self_drawing = self_drawing_form();
    files.push(("self_drawing_form", self_drawing, &["ok"]));
    // 200,000 nested arrays in a content stream, then in an object.
    let deep = document(1, &|pdf, _| {
        let content = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
        let c = pdf.add_stream("", content.as_bytes());
        Some(format!("/Contents {c} 0 R /Resources << >>"))
    });
    files.push(("deep_nesting_content", deep, &["ok", "error", "no_text"]));
    files.push((
        "deep_nesting_object",
        deeply_nested_object(),
        &["invalid", "error"],
    ));
    files.push(("inflate_bomb", inflate_bomb(), &["ok"]));
    files.push(("pages_3000", simple(3000), &["ok"]));
    let mut pdf = Pdf::default();
    let catalog = pdf.reserve();
    let tree = pdf.add("<< /Type /Pages /Kids [] /Count 0 >>");
    pdf.set(catalog, format!("<< /Type /Catalog /Pages {tree} 0 R >>"));
    files.push(("zero_pages", pdf.finish(catalog), &["invalid"]));
    // One page showing an image and no text.
    let image_only = document(1, &|pdf, _| {
        let pixels = vec![128u8; 64 * 64];
        let image = pdf.add_stream(
            "/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8",
            &pixels,
        );
        let c = pdf.add_stream("", b"q 500 0 0 700 50 50 cm /Im0 Do Q");
        Some(format!(
            "/Contents {c} 0 R /Resources << /XObject << /Im0 {image} 0 R >> >>"
        ))
    });
    files.push(("image_only", image_only, &["no_text"]));
    files
}

fn run_over(
    dir: &Path,
    extra_config: &str,
) -> (
    std::process::Output,
    Duration,
    HashMap<String, (String, String, u32)>,
) {
    run_with(dir, extra_config, &[])
}

fn run_with(
    dir: &Path,
    extra_config: &str,
    args: &[&str],
) -> (
    std::process::Output,
    Duration,
    HashMap<String, (String, String, u32)>,
) {
    run_with_env(dir, extra_config, args, &[])
}

fn run_with_env(
    dir: &Path,
    extra_config: &str,
    args: &[&str],
    envs: &[(&str, &str)],
) -> (
    std::process::Output,
    Duration,
    HashMap<String, (String, String, u32)>,
) {
    let config = format!(
        "[input]\ndir = \"in\"\n[output]\ndir = \"out\"\nformats = [\"csv\"]\n[classify]\nmodels = {:?}\n[cache]\nenabled = false\n{extra_config}",
        repo_root().join("models").display().to_string()
    );
    std::fs::write(dir.join("pipeline.toml"), config).unwrap();
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_evalmine"))
        .arg("run")
        .args(args)
        .envs(envs.iter().copied())
        .current_dir(dir)
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    let mut rows = HashMap::new();
    if let Ok(text) = std::fs::read_to_string(dir.join("out/documents.csv")) {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headers = reader.headers().unwrap().clone();
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (id, status, message, pages) =
            (col("doc_id"), col("status"), col("message"), col("pages"));
        for record in reader.records() {
            let record = record.unwrap();
            rows.insert(
                record[id].to_string(),
                (
                    record[status].to_string(),
                    record[message].to_string(),
                    record[pages].parse().unwrap_or(0),
                ),
            );
        }
    }
    (out, elapsed, rows)
}

#[test]
fn one_run_over_hostile_files_ends_with_a_row_and_the_right_status_for_each() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let files = hostile_files();
    for (name, bytes, _) in &files {
        std::fs::write(input.join(format!("{name}.pdf")), bytes).unwrap();
    }
    let (out, elapsed, rows) = run_over(dir.path(), "");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        elapsed < Duration::from_secs(120),
        "bounded time: {elapsed:?}"
    );
    let mut report = String::new();
    for (name, _, expected) in &files {
        let (status, message, _) = rows
            .get(*name)
            .unwrap_or_else(|| panic!("no row for {name}"));
        report += &format!("{name}: {status}: {message}\n");
        assert!(
            expected.contains(&status.as_str()),
            "{name}: status {status} ({message}), expected one of {expected:?}"
        );
    }
    eprintln!("{report}");
    assert_eq!(rows.len(), files.len());
    let (_, message, _) = &rows["truncated_tail"];
    assert!(message.contains("repaired"), "truncated_tail: {message}");
    assert!(rows["bad_startxref"].1.contains("repaired"));
    assert!(
        rows["inflate_bomb"].1.contains("max_stream_mb"),
        "{}",
        rows["inflate_bomb"].1
    );
    assert_eq!(rows["pages_3000"].2, 3000);
}

/// A folder whose `in/` holds these files of ../shared/pdfs/robustness;
/// `None` (the test is skipped) when ../shared is absent.
fn with_robustness_files(names: &[&str]) -> Option<tempfile::TempDir> {
    let Some(shared) = shared_dir() else {
        eprintln!("../shared absent: skipped");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    for name in names {
        let from = shared.join(format!("pdfs/robustness/{name}.pdf"));
        std::fs::copy(&from, input.join(format!("{name}.pdf"))).unwrap();
    }
    Some(dir)
}

#[test]
fn encrypted_files_need_their_password_unless_it_is_empty() {
    let Some(dir) = with_robustness_files(&[
        "pypdf_resources_encryption_r2-empty-password",
        "pypdf_resources_encryption_r6-empty-password",
        "pypdf_resources_encryption_r4-aes-user-password",
        "pypdf_resources_encryption_r2-user-password",
    ]) else {
        return;
    };
    let (_, _, rows) = run_over(dir.path(), "");
    assert_eq!(rows["pypdf_resources_encryption_r2-empty-password"].0, "ok");
    assert_eq!(rows["pypdf_resources_encryption_r6-empty-password"].0, "ok");
    assert_eq!(
        rows["pypdf_resources_encryption_r4-aes-user-password"].0,
        "encrypted"
    );
    assert_eq!(
        rows["pypdf_resources_encryption_r2-user-password"].0,
        "encrypted"
    );
}

#[test]
fn a_worker_past_its_time_or_memory_costs_only_its_document() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("bomb.pdf"), inflate_bomb()).unwrap();
    std::fs::write(input.join("fine.pdf"), simple(2)).unwrap();

    // The bomb allowed to inflate, in 300 MiB of memory: the inflation
    // stops at the limit (lopdf's reader sees the refusal as an error) or
    // the worker dies; either way the run goes on.
    let (_, elapsed, rows) = run_over(
        dir.path(),
        "[extract]\nmax_stream_mb = 4096\nworker_memory_mb = 300\ntimeout_s = 60\n",
    );
    eprintln!("bomb in 300 MiB: {:?}", rows["bomb"]);
    assert!(elapsed < Duration::from_secs(60));
    assert_eq!(rows["fine"].0, "ok", "{}", rows["fine"].1);
    assert!(["ok", "error"].contains(&rows["bomb"].0.as_str()));

    // ... with memory but 1 second: the worker is stopped on the bomb's
    // page, and the document is read again without it.
    let (_, elapsed, rows) = run_over(
        dir.path(),
        "[extract]\nmax_stream_mb = 4096\nworker_memory_mb = 8192\ntimeout_s = 1\n",
    );
    eprintln!("bomb in 1 s: {:?}", rows["bomb"]);
    assert!(elapsed < Duration::from_secs(30));
    assert_eq!(rows["fine"].0, "ok");
    assert_eq!(rows["bomb"].0, "ok", "{}", rows["bomb"].1);
    assert!(rows["bomb"]
        .1
        .contains("page 2: extraction stopped after extract.timeout_s = 1 s"));

    // A document whose only page is the bomb: `timeout`.
    std::fs::write(input.join("bomb.pdf"), inflate_bomb_alone()).unwrap();
    let (_, _, rows) = run_over(
        dir.path(),
        "[extract]\nmax_stream_mb = 4096\nworker_memory_mb = 8192\ntimeout_s = 1\n",
    );
    assert_eq!(rows["bomb"].0, "timeout", "{}", rows["bomb"].1);
}

#[test]
fn a_page_that_kills_its_worker_loses_only_itself() {
    // Since the parser bounds its nesting, no generated file kills a worker
    // on one page any more (the form XObject that draws itself did): the
    // worker is made to abort on page 2 (EVALMINE_WORKER_ABORT_ON_PAGE, a
    // fault injected for this test), a real process death the parent must
    // recover from.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("two.pdf"), simple(2)).unwrap();
    let (out, _, rows) = run_with_env(
        dir.path(),
        "",
        &[],
        &[("EVALMINE_WORKER_ABORT_ON_PAGE", "2")],
    );
    let (status, message, pages) = &rows["two"];
    assert_eq!((status.as_str(), *pages), ("ok", 2), "{message}");
    assert!(
        message.contains("page 2: the worker process died (abort"),
        "{message}"
    );
    // The death is a warning in the log, as it happens.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.lines().any(|l| l.starts_with("evalmine: warning: ")
            && l.contains("two.pdf: page 2: the worker process died (abort")
            && l.ends_with("reading the document again without that page")),
        "{stderr}"
    );
    let paragraphs = std::fs::read_to_string(dir.path().join("out/paragraphs.csv")).unwrap();
    assert!(
        paragraphs.contains("Page 0 :"),
        "page 1 is read: {paragraphs}"
    );
}

/// Writes the hostile files into `$EVALMINE_HOSTILE_DIR`, for
/// benches/robustness.sh (`cargo test --test it write_hostile -- --ignored`).
#[test]
#[ignore]
fn write_hostile_files() {
    let dir = std::env::var("EVALMINE_HOSTILE_DIR").expect("EVALMINE_HOSTILE_DIR");
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).unwrap();
    for (name, bytes, _) in hostile_files() {
        std::fs::write(dir.join(format!("hostile_{name}.pdf")), bytes).unwrap();
    }
    std::fs::write(
        dir.join("hostile_inflate_bomb_alone.pdf"),
        inflate_bomb_alone(),
    )
    .unwrap();
}

#[test]
fn the_second_extractor_reads_pages_pdf_extract_cannot() {
    // pdf-extract panics on these pages (a font object of the wrong type; a
    // CMap it does not support); pdftotext reads them.
    let Some(dir) =
        with_robustness_files(&["pdf.js_issue1350", "pdfplumber_tests_pdfs_pr-136-example"])
    else {
        return;
    };
    let (_, _, rows) = run_over(dir.path(), "");
    let documents = std::fs::read_to_string(dir.path().join("out/documents.csv")).unwrap();
    for name in ["pdf.js_issue1350", "pdfplumber_tests_pdfs_pr-136-example"] {
        let (status, message, _) = &rows[name];
        assert_eq!(status, "ok", "{name}: {message}");
        assert!(message.contains("read by pdf_oxide"), "{name}: {message}");
        let line = documents.lines().find(|l| l.starts_with(name)).unwrap();
        assert!(line.contains("pdf_oxide"), "extractor column: {line}");
    }
    let paragraphs = std::fs::read_to_string(dir.path().join("out/paragraphs.csv")).unwrap();
    assert!(
        paragraphs
            .lines()
            .filter(|l| l.starts_with("pdf.js_issue1350;"))
            .count()
            > 3
    );
}

/// Nesting is bounded in the parser itself: a form XObject that draws
/// itself is read in process (`inspect`, `isolation = "none"`, the fuzz
/// target) without overflowing the stack; the page keeps its other text
/// and the message says what was left out.
#[test]
fn a_self_drawing_form_is_read_in_process_with_its_limit_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("self_drawing.pdf");
    std::fs::write(&path, self_drawing_form()).unwrap();
    let doc = crate::read_document("self_drawing", &path);
    assert_eq!(
        doc.read.status,
        evalmine::record::DocStatus::Ok,
        "{}",
        doc.read.message
    );
    assert_eq!(
        (doc.read.pages, doc.read.pages_failed),
        (2, 0),
        "{}",
        doc.read.message
    );
    assert!(
        doc.read
            .message
            .contains("page 2: form XObjects nested deeper than"),
        "{}",
        doc.read.message
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_evalmine"))
        .args(["inspect", path.to_str().unwrap()])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Deeply nested objects do not reach a parser that would recurse on them
/// in process (`inspect`, `isolation = "none"`): the document gets its
/// status and the message says why the second extractor was not tried.
#[test]
fn deeply_nested_objects_are_refused_in_process_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep.pdf");
    std::fs::write(&path, deeply_nested_object()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_evalmine"))
        .args(["inspect", path.to_str().unwrap()])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("status: invalid"), "{stdout}");
    assert!(stdout.contains("nested deeper than 100 levels"), "{stdout}");
}

/// What the fuzz target does with its seeds, on every hostile file: bytes to
/// paragraphs in this process (no worker), on a thread with the main
/// thread's 8 MB stack, as `inspect` and `isolation = "none"` run. A stack
/// overflow would abort the whole test binary.
#[test]
fn every_hostile_file_is_read_in_process_without_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = hostile_files();
    files.push(("inflate_bomb_alone", inflate_bomb_alone(), &["ok"]));
    files.push(("deeply_nested_object", deeply_nested_object(), &["invalid"]));
    for (name, bytes, _) in files {
        let path = dir.path().join(format!("{name}.pdf"));
        std::fs::write(&path, bytes).unwrap();
        let status = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || crate::read_document(name, &path).read.status)
            .unwrap()
            .join();
        assert!(status.is_ok(), "{name}: the extraction panicked");
    }
}
