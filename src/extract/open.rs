//! Opening a PDF: loading with lopdf (through pdf-extract), passwords,
//! repair of damaged files, the inflate-bomb check of content streams, and
//! the document's title.

use pdf_extract::{Document, Object};

use super::contain::contain;
use super::repair;
use super::Extraction;
use crate::record::DocStatus;
use crate::text::{clean_text, collapse_spaces};

/// Loads the document. When its structure is damaged (a load error, or no
/// page reachable) the cross-reference table is rebuilt from the objects
/// found in the bytes and the repaired file is loaded instead; the second
/// value says so.
pub(super) fn open(
    bytes: &[u8],
    passwords: &[String],
) -> Result<(Document, Option<String>), Extraction> {
    let load = |bytes: &[u8]| match contain(|| Document::load_mem(bytes)) {
        Ok(Ok(doc)) => Ok(doc),
        Ok(Err(e)) => Err(Extraction::failed(
            DocStatus::Invalid,
            format!("unreadable PDF structure: {e}"),
        )),
        Err(panic) => Err(Extraction::failed(
            DocStatus::Error,
            format!("PDF parser panicked while loading: {panic}"),
        )),
    };
    let has_pages = |doc: &Document| contain(|| !doc.get_pages().is_empty()).unwrap_or(false);
    let first = match load(bytes) {
        Ok(doc) if doc.is_encrypted() => {
            // lopdf has tried the empty user password; then the given ones.
            for password in passwords {
                let opened = contain(|| {
                    Document::load_mem_with_options(
                        bytes,
                        pdf_extract::LoadOptions::with_password(password),
                    )
                });
                if let Ok(Ok(doc)) = opened {
                    if !doc.is_encrypted() && has_pages(&doc) {
                        return Ok((
                            doc,
                            Some("opened with a password of --password-file".into()),
                        ));
                    }
                }
            }
            return Ok((doc, None));
        }
        Ok(doc) if has_pages(&doc) => return Ok((doc, None)),
        Ok(_) => Extraction::failed(DocStatus::Invalid, "the PDF has no pages"),
        Err(failed) => failed,
    };
    // A rewritten file serves when it opens with pages (or asks a password).
    let usable = |bytes: &[u8]| {
        load(bytes)
            .ok()
            .filter(|doc| doc.is_encrypted() || has_pages(doc))
    };
    // Junk before the header (a mail or HTTP wrapper): offsets count from
    // the header, as readers take them.
    let header = bytes.windows(5).position(|w| w == b"%PDF-").unwrap_or(0);
    if header > 0 {
        if let Some(doc) = usable(&bytes[header..]) {
            let note = format!("repaired: {header} bytes before the %PDF- header left out");
            return Ok((doc, Some(note)));
        }
    }
    let rebuilt = contain(|| repair::reconstruct(&bytes[header..]))
        .ok()
        .flatten();
    if let Some((fixed, objects)) = rebuilt {
        if let Some(doc) = usable(&fixed) {
            let note = format!(
                "repaired ({}): cross-reference table rebuilt from {objects} objects",
                first.read.message
            );
            return Ok((doc, Some(note)));
        }
    }
    Err(first)
}

/// Why a page's content is not read: a content stream that inflates past
/// the limit (an inflate bomb). Only streams whose compressed size could
/// reach the limit are inflated, and never past it.
pub(super) fn oversized_content(
    doc: &Document,
    page: pdf_extract::ObjectId,
    limit: u64,
) -> Option<String> {
    use std::io::Read;
    // Deflate expands at most about 1032 times.
    const MAX_RATIO: u64 = 1032;
    for id in doc.get_page_contents(page) {
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            continue;
        };
        if (stream.content.len() as u64).saturating_mul(MAX_RATIO) <= limit {
            continue;
        }
        let flate = match stream.dict.get(b"Filter") {
            Ok(Object::Name(name)) => name == b"FlateDecode",
            Ok(Object::Array(filters)) => {
                filters.first().and_then(|f| f.as_name().ok()) == Some(b"FlateDecode".as_slice())
            }
            _ => false,
        };
        if !flate {
            continue;
        }
        let decoder = flate2::read::ZlibDecoder::new(stream.content.as_slice());
        let inflated =
            std::io::copy(&mut decoder.take(limit + 1), &mut std::io::sink()).unwrap_or(0);
        if inflated > limit {
            return Some(format!(
                "content stream {} {} inflates past extract.max_stream_mb = {} MiB: not read",
                id.0,
                id.1,
                limit / (1024 * 1024)
            ));
        }
    }
    None
}

/// The document's /Title from the Info dictionary, if it is non-empty text.
pub(super) fn document_title(doc: &Document) -> Option<String> {
    let info = doc.trailer.get(b"Info").ok()?;
    let info = match info {
        Object::Reference(id) => doc.get_object(*id).ok()?,
        other => other,
    };
    let title = info.as_dict().ok()?.get(b"Title").ok()?;
    let bytes = match title {
        Object::String(bytes, _) => bytes,
        _ => return None,
    };
    let text = decode_pdf_text(bytes);
    let text = collapse_spaces(&clean_text(&text, '\''));
    (!text.is_empty()).then_some(text)
}

/// PDF text strings are UTF-16BE with a byte-order mark, or PDFDocEncoding
/// (close enough to Latin-1 for titles).
fn decode_pdf_text(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.to_string()
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}
