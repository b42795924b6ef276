//! The vendored pdf-extract lexes CMaps (ToUnicode maps, CID encodings)
//! with its own lexer instead of adobe-cmap-parser's, for speed. It must
//! give exactly adobe-cmap-parser's tokens, or leave the CMap to it:
//! checked on every CMap of real PDFs, on altered copies, and on
//! hand-written edge cases.

use adobe_cmap_parser::Value;
use lopdf::{Document, Object};

use crate::content_stream::{altered, pdfs_in, Noise};
use crate::{repo_root, shared_dir};

/// A token as text, dictionaries in key order (they are hash maps).
fn show(value: &Value) -> String {
    match value {
        Value::Dictionary(dict) => {
            let mut entries: Vec<String> = dict
                .iter()
                .map(|(k, v)| format!("{k:?}: {}", show(v)))
                .collect();
            entries.sort();
            format!("Dictionary({})", entries.join(", "))
        }
        Value::Array(items) => format!(
            "Array({})",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        other => format!("{other:?}"),
    }
}

/// When the fast lexer takes `data`, its tokens are adobe-cmap-parser's.
/// Returns whether it took it.
fn same_as_adobe(data: &[u8], what: &str) -> bool {
    let Some(ours) = pdf_extract::lex_cmap(data) else {
        return false;
    };
    let expected = adobe_cmap_parser::parse(data).unwrap_or_else(|e| {
        panic!("{what}: the fast lexer reads it, adobe-cmap-parser fails: {e:?}")
    });
    assert_eq!(ours.len(), expected.len(), "{what}: token count");
    for (i, (o, e)) in ours.iter().zip(&expected).enumerate() {
        assert_eq!(show(o), show(e), "{what}: token {i}");
    }
    true
}

/// Every stream of a PDF that holds a CMap, decompressed.
fn cmaps_of(path: &std::path::Path) -> Vec<Vec<u8>> {
    let Ok(doc) = Document::load(path) else {
        return Vec::new();
    };
    doc.objects
        .values()
        .filter_map(|object| match object {
            Object::Stream(stream) => Some(
                stream
                    .decompressed_content()
                    .unwrap_or_else(|_| stream.content.clone()),
            ),
            _ => None,
        })
        .filter(|data| data.windows(9).any(|w| w == b"begincmap"))
        .collect()
}

fn check_cmaps_of(pdfs: &[std::path::PathBuf], alterations: usize) -> (usize, usize) {
    let mut noise = Noise(0x2545_F491_4F6C_DD1D);
    let (mut cmaps, mut fast) = (0, 0);
    for pdf in pdfs {
        for (i, data) in cmaps_of(pdf).iter().enumerate() {
            let what = format!("{} CMap {i}", pdf.display());
            cmaps += 1;
            fast += usize::from(same_as_adobe(data, &what));
            for n in 0..alterations {
                same_as_adobe(&altered(data, &mut noise), &format!("{what} altered {n}"));
            }
        }
    }
    (cmaps, fast)
}

#[test]
fn the_fast_lexer_gives_adobe_cmap_parser_tokens_on_the_sample_pdfs() {
    let mut pdfs = pdfs_in(&repo_root().join("corpus"));
    pdfs.extend(pdfs_in(&repo_root().join("tests/layout_matrix")));
    let (cmaps, fast) = check_cmaps_of(&pdfs, 60);
    assert!(cmaps > 20, "only {cmaps} CMaps");
    assert_eq!(
        fast, cmaps,
        "the fast lexer left real CMaps to adobe-cmap-parser"
    );
}

#[test]
fn the_fast_lexer_gives_adobe_cmap_parser_tokens_on_real_pdfs() {
    let Some(shared) = shared_dir() else {
        eprintln!("../shared not found: skipped");
        return;
    };
    let mut pdfs = pdfs_in(&shared.join("pdfs/french"));
    pdfs.extend(pdfs_in(&shared.join("pdfs/robustness")));
    let (cmaps, fast) = check_cmaps_of(&pdfs, 4);
    assert!(cmaps > 300, "only {cmaps} CMaps");
    assert!(
        fast * 10 >= cmaps * 9,
        "fast lexer took {fast} of {cmaps} CMaps"
    );
}

#[test]
fn the_fast_lexer_gives_adobe_cmap_parser_tokens_on_edge_cases() {
    // Read to the end by both: the fast lexer must take them.
    let taken: &[&[u8]] = &[
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n",
        b"%!PS-Adobe-3.0 Resource-CMap\n%%DocumentNeededResources: ProcSet (CIDInit)\n/CMapName /Adobe-Identity-UCS def\n",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n",
        b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        b"2 beginbfchar\n<0003> <0020>\n<0011><002E>\nendbfchar\n",
        b"1 beginbfrange\n<0024> <0026> [<0041> <0042> <0043>]\nendbfrange\n",
        b"1 beginbfrange <00> <02> <0041> endbfrange",
        b"< 41 > <41\x0042> <41\x0c42> <>",
        b"1.5 .5 +.5 -.5 99999999999999999999 -99999999999999999999",
        b"truefalse true false trueX falsey",
        b"/Na#6De /\x00x /\xc3\xa9 /",
        b"(a (nested) string) (\\n\\r\\t\\b\\f\\\\\\(\\)) (\\101\\0127\\400\\777\\8) (\\\r\nx) (\\x)",
        b"(line\r\nbreak)",
        b"[ 1 2 [ 3 ] (x) <41> ] [] [\x00 1]",
        b"<< /A 1 /B << /C [2] >> >> <<>> <</A 1/A 2>>",
        b"% comment\nbegin % trailing\n",
        b"begin\n% a comment\n%%EOF",
        b"end\n%%EOF\n",
        b"end\n%%EOF",
        b"end ] junk (",
        b"end\n\x00",
    ];
    for (i, case) in taken.iter().enumerate() {
        let what = format!("case {i}: {}", String::from_utf8_lossy(case));
        assert!(
            same_as_adobe(case, &what),
            "{what}: left to adobe-cmap-parser"
        );
    }
    // Where adobe-cmap-parser stops early or fails: the fast lexer may
    // leave them, and must agree when it does not.
    let either: &[&[u8]] = &[
        b"<4> x",
        b"<4 1>",
        b"5. x",
        b"/N#4 x",
        b"/N#zz",
        b"+ - .",
        b"(unbalanced ( string) x",
        b"(ends with backslash\\",
        b"[1\x002]",
        b"<< /A >>",
        b"% comment without end",
        b"end\n  % indented comment\nend",
        b"   ",
        b"",
        b"{ } def",
        b"<< /\xff 1 >>",
    ];
    for (i, case) in either.iter().enumerate() {
        same_as_adobe(
            case,
            &format!("case {i}: {}", String::from_utf8_lossy(case)),
        );
    }
}
