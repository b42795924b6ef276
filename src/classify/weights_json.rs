//! A fast reader of the weights in linear.json, as `LinearModel::save`
//! writes them.
//!
//! The model has some 45,000 features of 9 weights each: serde_json read
//! them at about 300 instructions a number, most of the start-up of
//! `label` (as long as classifying 500 paragraphs). Written by `save`, the
//! weights object is compact (no spaces) and every weight a plain decimal
//! of a few digits ("-0.0235"), which this module reads directly: the rest
//! of the file, with the weights object replaced by `{}`, is still read by
//! serde. A file in any other form (pretty-printed, edited by hand, a
//! weight with an exponent) is left to serde entirely, so the result never
//! depends on which reader ran; a test checks both read the shipped model
//! to the same bits.

use rustc_hash::FxHashMap;

/// Feature name -> weights, as `LinearModel::weights`.
pub(super) type Weights = FxHashMap<String, Vec<f32>>;

/// `json` with the value of its top-level `weights` member replaced by
/// `{}`, and the weights read from that value; none when the file is not
/// an object with such a member in the compact form `save` writes.
pub(super) fn split_weights(json: &str) -> Option<(String, Weights)> {
    let mut scan = Scan {
        text: json,
        bytes: json.as_bytes(),
        at: 0,
    };
    scan.space();
    scan.expect(b'{')?;
    loop {
        scan.space();
        let (key_start, key_end) = scan.string()?;
        scan.space();
        scan.expect(b':')?;
        scan.space();
        let value_start = scan.at;
        if &json[key_start..key_end] == "weights" {
            let weights = scan.weights()?;
            let rest = format!("{}{{}}{}", &json[..value_start], &json[scan.at..]);
            return Some((rest, weights));
        }
        scan.skip_value()?;
        scan.space();
        scan.expect(b',')?;
    }
}

/// A position in the bytes of a JSON text.
struct Scan<'j> {
    text: &'j str,
    bytes: &'j [u8],
    at: usize,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    fn space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    /// A string, as the byte span of its contents (escapes left as they are).
    fn string(&mut self) -> Option<(usize, usize)> {
        self.expect(b'"')?;
        let start = self.at;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' => self.at += 2,
                _ => self.at += 1,
            }
        }
        self.at += 1;
        Some((start, self.at - 1))
    }

    /// Any value (well-formed or not: serde reads the rest of the file).
    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => {
                self.string()?;
            }
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => depth -= 1,
                        _ => {}
                    }
                    self.at += 1;
                    if depth == 0 {
                        break;
                    }
                }
            }
            // A number, true, false or null.
            _ => {
                while self
                    .peek()
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.at += 1;
                }
            }
        }
        Some(())
    }

    /// The weights object in the compact form: `{"name":[w,w],...}`.
    fn weights(&mut self) -> Option<Weights> {
        let mut weights = Weights::default();
        let mut buffer = Vec::new();
        self.expect(b'{')?;
        if self.expect(b'}').is_some() {
            return Some(weights);
        }
        loop {
            // Between two quotes (ASCII) of the text: whole characters.
            let (start, end) = self.string()?;
            let name = &self.text[start..end];
            if name.contains('\\') {
                return None;
            }
            self.expect(b':')?;
            self.expect(b'[')?;
            buffer.clear();
            if self.expect(b']').is_none() {
                loop {
                    buffer.push(self.weight()?);
                    if self.expect(b',').is_none() {
                        self.expect(b']')?;
                        break;
                    }
                }
            }
            weights.insert(name.to_string(), buffer.as_slice().to_vec());
            if self.expect(b',').is_none() {
                self.expect(b'}')?;
                return Some(weights);
            }
        }
    }

    /// A weight written as `-?digits.digits` with at most 15 digits: the
    /// digits as an integer divided by a power of ten, both exact in an
    /// f64, is the correctly rounded value (what serde_json reads with
    /// `float_roundtrip`), then narrowed to f32 as serde does.
    fn weight(&mut self) -> Option<f32> {
        /// Powers of ten exact in an f64.
        const POWERS: [f64; 16] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        ];
        let negative = self.expect(b'-').is_some();
        // One pass: the digits as an integer, how many, and how many
        // before the full stop.
        let (mut digits, mut count, mut whole) = (0u64, 0usize, None);
        let first = self.at;
        loop {
            match *self.bytes.get(self.at)? {
                b @ b'0'..=b'9' if count < 15 => {
                    digits = digits * 10 + u64::from(b - b'0');
                    count += 1;
                }
                b'.' if whole.is_none() => whole = Some(count),
                b',' | b']' => break,
                _ => return None,
            }
            self.at += 1;
        }
        let whole = whole?;
        // JSON writes no leading zero ("01"): serde decides what that is.
        if whole == 0 || whole == count || (whole > 1 && self.bytes[first] == b'0') {
            return None;
        }
        let fraction_digits = count - whole;
        let value = digits as f64 / POWERS[fraction_digits];
        Some(if negative { -value } else { value } as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The weights as serde reads them.
    fn by_serde(json: &str) -> Weights {
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        serde_json::from_value(value["weights"].clone()).unwrap()
    }

    fn bits(weights: &Weights) -> Vec<(&String, Vec<u32>)> {
        let mut all: Vec<_> = weights
            .iter()
            .map(|(name, w)| (name, w.iter().map(|v| v.to_bits()).collect()))
            .collect();
        all.sort();
        all
    }

    #[test]
    fn the_shipped_model_reads_as_serde_reads_it() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/linear.json");
        let json = std::fs::read_to_string(path).unwrap();
        let (rest, weights) = split_weights(&json).expect("the shipped model is compact");
        assert!(weights.len() > 1000);
        assert_eq!(bits(&weights), bits(&by_serde(&json)));
        let rest: serde_json::Value = serde_json::from_str(&rest).unwrap();
        let mut whole: serde_json::Value = serde_json::from_str(&json).unwrap();
        whole["weights"] = serde_json::json!({});
        assert_eq!(rest, whole, "everything but the weights is left as it was");
    }

    #[test]
    fn plain_decimals_read_as_serde_reads_them() {
        let weights = [
            "0.0",
            "-0.0",
            "0.0001",
            "-0.0235",
            "12.5",
            "0.1",
            "0.3",
            "123456789.012345",
        ];
        let json = format!(
            r#"{{"a":[1,{{"k":"}}]\"x"}}],"b": null ,"weights":{{"w:x":[{}],"b:y_z":[]}},"z":1}}"#,
            weights.join(",")
        );
        let (rest, fast) = split_weights(&json).expect("compact");
        assert_eq!(bits(&fast), bits(&by_serde(&json)));
        assert!(rest.contains(r#""weights":{},"z""#), "{rest}");
    }

    #[test]
    fn other_forms_are_left_to_serde() {
        for json in [
            r#"{"weights": {"w:x": [0.5]}}"#,
            r#"{"weights":{"w:x":[1]}}"#,
            r#"{"weights":{"w:x":[1e-4]}}"#,
            r#"{"weights":{"w:x":[01.5]}}"#,
            r#"{"weights":{"w:\"x":[0.5]}}"#,
            r#"{"weights":{"w:x":[0.1234567890123456]}}"#,
            r#"{"other":{"weights":{}}}"#,
            r#"["weights"]"#,
            "",
        ] {
            assert!(split_weights(json).is_none(), "{json}");
        }
    }
}
