//! The vendored pdf-extract reads content streams with its own reader
//! (`pdf_extract::Operations`) instead of lopdf's `Content::decode`, for
//! speed. It must give exactly lopdf's operations, or leave the stream to
//! lopdf: checked on every page and form of real PDFs, on those streams
//! cut and altered byte by byte, and on hand-written edge cases.

use std::path::{Path, PathBuf};

use lopdf::content::Content;
use lopdf::{Document, Object};
use pdf_extract::Operations;

use crate::{repo_root, shared_dir};

/// Both readers on `data`: the same operations (compared field by field
/// and as printed, which also shows dictionary key order), or the same
/// failure. Returns whether the fast reader took the stream.
fn same_as_lopdf(data: &[u8], what: &str) -> bool {
    let lopdf = Content::decode(data).map(|c| c.operations);
    let ours = Operations::decode(data);
    match (&lopdf, &ours) {
        (Ok(expected), Ok(ours)) => {
            let got = ours.to_lopdf();
            assert_eq!(got.len(), expected.len(), "{what}: operation count");
            for (i, (g, e)) in got.iter().zip(expected).enumerate() {
                assert_eq!(g.operator, e.operator, "{what}: operator {i}");
                assert!(
                    g.operands == e.operands,
                    "{what}: operands of {i} ({})",
                    e.operator
                );
                assert_eq!(format!("{g:?}"), format!("{e:?}"), "{what}: operation {i}");
            }
            ours.read_fast()
        }
        (Err(_), Err(_)) => false,
        _ => panic!(
            "{what}: lopdf {} but the fast reader {}",
            if lopdf.is_ok() { "reads it" } else { "fails" },
            if ours.is_ok() { "reads it" } else { "fails" }
        ),
    }
}

/// Every page content stream and form XObject of a PDF, decompressed.
fn streams_of(path: &Path) -> Vec<Vec<u8>> {
    let Ok(doc) = Document::load(path) else {
        return Vec::new();
    };
    let mut streams = Vec::new();
    for (_, page) in doc.get_pages() {
        if let Ok(content) = doc.get_page_content(page) {
            streams.push(content);
        }
    }
    for object in doc.objects.values() {
        if let Object::Stream(stream) = object {
            let is_form =
                stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form");
            if is_form {
                streams.push(
                    stream
                        .decompressed_content()
                        .unwrap_or_else(|_| stream.content.clone()),
                );
            }
        }
    }
    streams
}

pub(crate) fn pdfs_in(dir: &Path) -> Vec<PathBuf> {
    let mut pdfs: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")))
        .collect();
    pdfs.sort();
    pdfs
}

/// A small deterministic generator (xorshift), so that failures repeat.
pub(crate) struct Noise(pub(crate) u64);

impl Noise {
    pub(crate) fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below.max(1) as u64) as usize
    }
}

/// Bytes that change how a content stream reads.
const TRICKY: &[u8] = b"()<>[]{}/%\\#\r\n\t \0\x0C+-.0123456789eRTfjBIDnulltrue";

/// The stream with a few bytes inserted, replaced, deleted, or cut short.
pub(crate) fn altered(data: &[u8], noise: &mut Noise) -> Vec<u8> {
    let mut out = data.to_vec();
    for _ in 0..1 + noise.next(3) {
        let at = noise.next(out.len() + 1);
        let byte = TRICKY[noise.next(TRICKY.len())];
        match noise.next(4) {
            0 => out.insert(at, byte),
            1 if at < out.len() => out[at] = byte,
            2 if at < out.len() => {
                out.remove(at);
            }
            _ => out.truncate(at),
        }
    }
    out
}

fn check_streams_of(pdfs: &[PathBuf], alterations: usize) -> (usize, usize) {
    let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
    let (mut streams, mut fast) = (0, 0);
    for pdf in pdfs {
        for (i, data) in streams_of(pdf).iter().enumerate() {
            let what = format!("{} stream {i}", pdf.display());
            streams += 1;
            fast += usize::from(same_as_lopdf(data, &what));
            // Short streams are altered whole; long ones, a window of them.
            let window = &data[..data.len().min(4096)];
            for n in 0..alterations {
                same_as_lopdf(&altered(window, &mut noise), &format!("{what} altered {n}"));
            }
        }
    }
    (streams, fast)
}

#[test]
fn the_fast_reader_gives_lopdf_operations_on_the_sample_and_layout_pdfs() {
    let mut pdfs = pdfs_in(&repo_root().join("corpus"));
    pdfs.extend(pdfs_in(&repo_root().join("tests/layout_matrix")));
    let (streams, fast) = check_streams_of(&pdfs, 40);
    assert!(streams > 100, "only {streams} streams");
    // Unaltered, real streams are the fast reader's (else it is no faster).
    assert!(
        fast * 10 >= streams * 9,
        "fast reader took {fast} of {streams} streams"
    );
}

#[test]
fn the_fast_reader_gives_lopdf_operations_on_real_pdfs() {
    let Some(shared) = shared_dir() else {
        eprintln!("../shared not found: skipped");
        return;
    };
    let mut pdfs = pdfs_in(&shared.join("pdfs/french"));
    pdfs.extend(pdfs_in(&shared.join("pdfs/robustness")));
    let (streams, fast) = check_streams_of(&pdfs, 3);
    assert!(streams > 1000, "only {streams} streams");
    assert!(
        fast * 10 >= streams * 8,
        "fast reader took {fast} of {streams} streams"
    );
}

#[test]
fn the_fast_reader_gives_lopdf_operations_on_edge_cases() {
    let cases: &[&[u8]] = &[
        b"",
        b"   \r\n",
        b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET",
        b"BT\n% a comment\n/F1 12 Tf ET\n% trailing\n",
        b"BT\n% a comment\n  /F1 12 Tf ET",
        b"% unterminated comment",
        b"BT ET % unterminated",
        b"[(A) -120 (B) 3.5 (C)] TJ",
        b"[(A)-120(B)]TJ",
        b"[ 1 0 R 2 R ] TJ",
        b"[1 % comment\n 0 R] TJ",
        b"/Span <</MCID 0 /ActualText (x) /Nested << /A [1 2] >> >> BDC EMC",
        b"/P <</MCID 0 /MCID 1>> BDC",
        b"/P <</MCID>> BDC",
        b"(a (nested) string) Tj",
        b"(unbalanced ( string) Tj",
        b"(esc \\n\\r\\t\\b\\f\\(\\)\\\\ \\101\\0127 \\9 \\\r\n end) Tj",
        b"(line\r\nbreaks\rand\nmore) Tj",
        b"(ends with backslash\\",
        b"<48 65 6C6C 6F> Tj <4> Tj < > Tj <> Tj <4g> Tj",
        b"<48\x0065> Tj",
        b"/Na#6De /N#zz Do",
        b"/ Tf",
        b"-.5 +.5 5. -5 +5 .5 1.2.3 0.0 Td",
        b"99999999999999999999 0 Td",
        b"99999999999999999999.5 0 Td",
        b"1e5 0 Td",
        b"null true false nullx truefalse Do",
        b"q 1 0 0 1 0 0 cm Q",
        b"T* ' \" (x) '",
        b"BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q",
        b"q BI",
        b"{ } Do",
        b"12 \x0C Tf",
        b"BT\x0C ET",
        b"0 0 m 10 10 l S",
        b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]] TJ",
        b"((((((((((((((((((((((((((((((((((((((((x)))))))))))))))))))))))))))))))))))))))) Tj",
    ];
    for (i, case) in cases.iter().enumerate() {
        same_as_lopdf(
            case,
            &format!("case {i}: {}", String::from_utf8_lossy(case)),
        );
    }
    // Arrays nested past lopdf's limit fail in both.
    let deep = format!("{}1{} TJ", "[".repeat(150), "]".repeat(150));
    same_as_lopdf(deep.as_bytes(), "150 nested arrays");
}
