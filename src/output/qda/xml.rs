//! The small XML writer of the QDA export (elements, attributes and text,
//! escaped), its GUIDs and its date-times.

use sha2::{Digest, Sha256};

/// An XML document written element by element, indented two spaces.
pub(super) struct Xml {
    out: String,
    depth: usize,
}

/// Attributes in the order written; a `None` value is left out.
pub(super) struct Attrs<'a>(Vec<(&'a str, Option<&'a str>)>);

impl<'a> Attrs<'a> {
    pub(super) fn new() -> Attrs<'a> {
        Attrs(Vec::new())
    }

    pub(super) fn set(mut self, name: &'a str, value: &'a str) -> Attrs<'a> {
        self.0.push((name, Some(value)));
        self
    }

    pub(super) fn set_opt(mut self, name: &'a str, value: Option<&'a str>) -> Attrs<'a> {
        self.0.push((name, value));
        self
    }
}

impl Xml {
    pub(super) fn new() -> Xml {
        Xml {
            out: String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"),
            depth: 0,
        }
    }

    fn start_tag(&mut self, name: &str, attrs: &Attrs) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in &attrs.0 {
            if let Some(value) = value {
                self.out.push(' ');
                self.out.push_str(key);
                self.out.push_str("=\"");
                escape_into(&mut self.out, value, true);
                self.out.push('"');
            }
        }
    }

    pub(super) fn open(&mut self, name: &str, attrs: Attrs) {
        self.start_tag(name, &attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    pub(super) fn empty(&mut self, name: &str, attrs: Attrs) {
        self.start_tag(name, &attrs);
        self.out.push_str("/>\n");
    }

    pub(super) fn close(&mut self, name: &str) {
        self.depth -= 1;
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// `<name>text</name>` on one line.
    pub(super) fn element(&mut self, name: &str, text: &str) {
        self.start_tag(name, &Attrs::new());
        self.out.push('>');
        escape_into(&mut self.out, text, false);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    pub(super) fn finish(self) -> String {
        debug_assert_eq!(self.depth, 0, "every element is closed");
        self.out
    }
}

/// Whether XML 1.0 allows the character at all (its `Char` production).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Text as XML character data: markup characters escaped; in attributes
/// also quotes, and tab, line feed and carriage return as character
/// references (a parser would turn them into spaces); a carriage return
/// in text too (a parser would turn CR LF into LF). Characters XML cannot
/// carry (most control characters) become U+FFFD: names and descriptions
/// only, never a source's text, which is a file of its own.
fn escape_into(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if !xml_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// A GUID derived from `parts`: the first 16 bytes of their SHA-256 as an
/// RFC 9562 name-based UUID (version 8, variant 10), in capitals as the
/// standard's examples write them. The same parts give the same GUID, so an
/// export is reproducible and the codes of two exports match.
pub(super) fn guid(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"evalmine REFI-QDA");
    for part in parts {
        // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0F) | 0x80;
    b[8] = (b[8] & 0x3F) | 0x80;
    let hex: String = b.iter().map(|byte| format!("{byte:02X}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// When the run wrote its tables, as the export dates what it creates.
pub(super) struct RunTime {
    /// `xsd:dateTime` in UTC: "2026-05-04T09:30:00Z".
    pub iso: String,
    /// The same for the zip entries (none outside the zip format's years).
    pub zip: Option<zip::DateTime>,
}

/// The time in a run id ("<nanoseconds since 1970, hex>-<process>").
pub(super) fn run_time(run_id: &str) -> Option<RunTime> {
    let nanos = u128::from_str_radix(run_id.split('-').next()?, 16).ok()?;
    let secs = i64::try_from(nanos / 1_000_000_000).ok()?;
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    let (hour, minute, second) = (s / 3600, s % 3600 / 60, s % 60);
    Some(RunTime {
        iso: format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z"),
        zip: zip::DateTime::from_date_and_time(
            u16::try_from(year).ok()?,
            month as u8,
            day as u8,
            hour as u8,
            minute as u8,
            second as u8,
        )
        .ok(),
    })
}

/// (year, month, day) of a day counted from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_forbidden_characters_are_escaped() {
        let mut out = String::new();
        escape_into(&mut out, "a<b>&\"c\" 'd'\t\n\r\u{1}\u{FFFE}é😀", true);
        assert_eq!(
            out,
            "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;&#9;&#10;&#13;\u{FFFD}\u{FFFD}é😀"
        );
        let mut out = String::new();
        escape_into(&mut out, "x\"y'\t\n\rz", false);
        assert_eq!(
            out, "x\"y'\t\n&#13;z",
            "text keeps quotes, tabs and line feeds"
        );
    }

    #[test]
    fn guids_are_stable_version_8_uuids() {
        let g = guid(&["code", "egalite_fh"]);
        assert_eq!(g, guid(&["code", "egalite_fh"]));
        assert_ne!(g, guid(&["code", "egalite_f", "h"]));
        let parts: Vec<&str> = g.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('8'), "version 8: {g}");
        assert!(
            matches!(&parts[3][..1], "8" | "9" | "A" | "B"),
            "variant: {g}"
        );
        assert!(g
            .chars()
            .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_lowercase()));
    }

    #[test]
    fn run_ids_give_their_time() {
        // 2024-02-29T12:34:56Z = 1709210096 s.
        let id = format!("{:x}-4242", 1_709_210_096u128 * 1_000_000_000 + 5);
        let t = run_time(&id).unwrap();
        assert_eq!(t.iso, "2024-02-29T12:34:56Z");
        assert!(t.zip.is_some());
        assert_eq!(run_time("0-1").unwrap().iso, "1970-01-01T00:00:00Z");
        assert!(
            run_time("0-1").unwrap().zip.is_none(),
            "zip dates start in 1980"
        );
        assert!(run_time("not-a-run").is_none());
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
