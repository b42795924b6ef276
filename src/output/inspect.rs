//! `evalmine inspect`: what the pipeline sees in one PDF, page by page, so a
//! user can tell why a paragraph came out as it did.

use std::fmt::Write;

use crate::extract::Extraction;
use crate::record::{heading_text, Paragraph};

/// A plain-text report: status, then per page its layout, the lines taken
/// out (and why), the headings and the paragraphs that start there.
/// With `show_lines`, every kept line is listed with its geometry
/// (x0-x1, baseline y, font size, column) before the paragraphs.
pub fn inspect_report(
    extraction: &Extraction,
    headings: &[String],
    paragraphs: &[Paragraph],
    show_lines: bool,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "status: {}", extraction.read.status);
    if !extraction.read.message.is_empty() {
        let _ = writeln!(out, "message: {}", extraction.read.message);
    }
    let _ = writeln!(
        out,
        "pages: {} ({} failed)",
        extraction.read.pages, extraction.read.pages_failed
    );
    if let Some(title) = &extraction.read.title {
        let _ = writeln!(out, "title: {title}");
    }
    let mut last_heading: Option<&str> = None;
    for page in &extraction.pages {
        let layout = if page.failed {
            "extraction failed".to_string()
        } else {
            format!(
                "{:.0}x{:.0} pt, {} column(s), {} lines",
                page.width,
                page.height,
                page.columns,
                page.lines.len()
            )
        };
        let _ = writeln!(out, "\n=== page {} ({layout})", page.number);
        for (line, reason) in &page.dropped {
            let _ = writeln!(out, "  dropped [{}] {}", reason.as_str(), line.text);
        }
        if show_lines {
            for l in &page.lines {
                let _ = writeln!(
                    out,
                    "  line x {:.0}-{:.0} y {:.1} size {:.1} col {}: {}",
                    l.x0, l.x1, l.y, l.size, l.column, l.text
                );
            }
        }
        for (i, p) in paragraphs
            .iter()
            .enumerate()
            .filter(|(_, p)| p.page == page.number)
        {
            let heading = heading_text(headings, p.heading);
            if heading != last_heading {
                match (heading, heading_text(headings, p.section)) {
                    (Some(h), Some(s)) => {
                        let _ = writeln!(out, "  # {h}  (under: {s})");
                    }
                    (Some(h), None) => {
                        let _ = writeln!(out, "  # {h}");
                    }
                    _ => {}
                }
                last_heading = heading;
            }
            let _ = writeln!(out, "  [{i} {}] {}", p.kind.as_str(), p.text);
        }
    }
    out
}
