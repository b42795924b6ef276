//! Repair of PDFs whose cross-reference table, `startxref` or trailer is
//! damaged (truncated downloads, files edited by hand, broken writers), the
//! way poppler and qpdf do it: scan the bytes for `N G obj` headers, take
//! the last definition of each object (incremental updates come later in
//! the file), find the catalog, and append a fresh cross-reference table and
//! trailer. The parser then reads the repaired bytes as any other file.

use regex::bytes::Regex;
use std::sync::OnceLock;

/// The repaired bytes and the number of objects found, or `None` when the
/// scan finds no object or no catalog (nothing to rebuild from).
pub(crate) fn reconstruct(bytes: &[u8]) -> Option<(Vec<u8>, usize)> {
    static OBJ: OnceLock<Regex> = OnceLock::new();
    static ROOT: OnceLock<Regex> = OnceLock::new();
    static CATALOG: OnceLock<Regex> = OnceLock::new();
    static INFO: OnceLock<Regex> = OnceLock::new();
    static ENCRYPT: OnceLock<Regex> = OnceLock::new();
    static ID: OnceLock<Regex> = OnceLock::new();
    // An object header at the start of a line (or of the file).
    let obj = OBJ.get_or_init(|| {
        Regex::new(r"(?m)(?:^|[\r\n])[ \t]*(\d{1,10})[ \t\r\n]+(\d{1,5})[ \t\r\n]+obj\b").unwrap()
    });
    let root = ROOT.get_or_init(|| {
        Regex::new(r"/Root[ \t\r\n]*(\d{1,10})[ \t\r\n]+(\d{1,5})[ \t\r\n]+R").unwrap()
    });
    let catalog = CATALOG.get_or_init(|| Regex::new(r"/Type[ \t\r\n]*/Catalog\b").unwrap());
    let info = INFO.get_or_init(|| {
        Regex::new(r"/Info[ \t\r\n]*(\d{1,10})[ \t\r\n]+(\d{1,5})[ \t\r\n]+R").unwrap()
    });
    let encrypt = ENCRYPT.get_or_init(|| {
        Regex::new(r"/Encrypt[ \t\r\n]*(\d{1,10})[ \t\r\n]+(\d{1,5})[ \t\r\n]+R").unwrap()
    });
    let id = ID.get_or_init(|| Regex::new(r"/ID[ \t\r\n]*\[[^\]]{0,300}\]").unwrap());

    // Object number -> (generation, offset of its header); last one wins.
    let mut objects: std::collections::BTreeMap<u32, (u16, usize)> = Default::default();
    for c in obj.captures_iter(bytes) {
        let (Some(n), Some(g)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let (Some(n), Some(g)) = (number::<u32>(n.as_bytes()), number::<u16>(g.as_bytes())) else {
            continue;
        };
        if n == 0 || n > 8_000_000 {
            continue;
        }
        // The header's offset is where its object number starts.
        objects.insert(n, (g, c.get(1).map_or(0, |m| m.start())));
    }
    if objects.is_empty() {
        return None;
    }
    let reference = |re: &Regex| -> Option<(u32, u16)> {
        let c = re.captures_iter(bytes).last()?;
        let n = number::<u32>(c.get(1)?.as_bytes())?;
        let g = number::<u16>(c.get(2)?.as_bytes())?;
        objects.contains_key(&n).then_some((n, g))
    };
    // The catalog: the trailer's /Root if it names a found object, else the
    // last object declaring /Type /Catalog.
    let root_ref = reference(root).or_else(|| {
        let at = catalog.find_iter(bytes).last()?.start();
        let (&n, &(g, _)) = objects
            .iter()
            .filter(|(_, &(_, offset))| offset <= at)
            .max_by_key(|(_, &(_, offset))| offset)?;
        Some((n, g))
    })?;

    let size = objects.keys().next_back().copied().unwrap_or(0) + 1;
    let mut out = bytes.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let xref_at = out.len();
    let mut table = format!("xref\n0 {size}\n0000000000 65535 f\r\n");
    for n in 1..size {
        match objects.get(&n) {
            Some(&(g, offset)) => table += &format!("{offset:010} {g:05} n\r\n"),
            None => table += "0000000000 65535 f\r\n",
        }
    }
    let mut trailer = format!(
        "trailer\n<< /Size {size} /Root {} {} R",
        root_ref.0, root_ref.1
    );
    if let Some((n, g)) = reference(info) {
        trailer += &format!(" /Info {n} {g} R");
    }
    if let Some((n, g)) = reference(encrypt) {
        trailer += &format!(" /Encrypt {n} {g} R");
        if let Some(m) = id.find_iter(bytes).last() {
            trailer += " ";
            trailer += &String::from_utf8_lossy(m.as_bytes());
        }
    }
    trailer += " >>\n";
    out.extend_from_slice(table.as_bytes());
    out.extend_from_slice(trailer.as_bytes());
    out.extend_from_slice(format!("startxref\n{xref_at}\n%%EOF\n").as_bytes());
    Some((out, objects.len()))
}

fn number<T: std::str::FromStr>(digits: &[u8]) -> Option<T> {
    std::str::from_utf8(digits).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &str = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\nendobj\n";

    #[test]
    fn a_file_without_xref_gets_one_pointing_at_its_objects() {
        let (fixed, n) = reconstruct(PDF.as_bytes()).unwrap();
        assert_eq!(n, 3);
        let text = String::from_utf8(fixed).unwrap();
        let offset = PDF.find("2 0 obj").unwrap();
        assert!(text.contains(&format!("{offset:010} 00000 n\r\n")));
        assert!(text.contains("/Root 1 0 R"));
        assert!(text.ends_with("%%EOF\n"));
    }

    #[test]
    fn later_definitions_win_and_garbage_gives_nothing() {
        let updated =
            format!("{PDF}1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Lang (fr) >>\nendobj\n");
        let (fixed, _) = reconstruct(updated.as_bytes()).unwrap();
        let last = updated.rfind("1 0 obj").unwrap();
        assert!(String::from_utf8(fixed)
            .unwrap()
            .contains(&format!("{last:010} 00000 n")));
        assert!(reconstruct(b"%PDF-1.4\nrandom bytes, no object").is_none());
    }
}
