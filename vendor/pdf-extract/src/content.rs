//! evalmine patch: a hand-written reader of content streams that gives the
//! same operations as lopdf's `Content::decode`, several times faster.
//!
//! lopdf parses content streams with nom combinators and builds a `String`
//! per operator and a `Vec` per operation; on evalmine's reports that was
//! about 40% of the time spent extracting a document. This reader follows
//! lopdf's grammar rule by rule (same alternatives, in the same order, with
//! the same whitespace and comment rules) and keeps all operands in one
//! buffer. It only claims streams it reads to the end the way lopdf would;
//! on anything else (an inline image, a stream lopdf would cut short at an
//! unreadable token, nesting deep enough to approach lopdf's limits) it
//! gives up and lopdf reads the stream, so the operations are always
//! lopdf's. `tests/it/content_stream.rs` in evalmine checks that on real
//! and mutated streams.

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Object, StringFormat};
use std::convert::TryFrom;
use std::str::FromStr;

/// The operations of one content stream.
pub struct Operations<'c> {
    source: Source<'c>,
}

enum Source<'c> {
    /// Read here: operators are slices of the stream, operands are ranges
    /// of one shared buffer.
    Fast {
        data: &'c [u8],
        operations: Vec<FastOperation>,
        operands: Vec<Object>,
    },
    /// Read by lopdf.
    Lopdf(Vec<Operation>),
}

struct FastOperation {
    operator: (usize, usize),
    operands: (usize, usize),
}

/// One operation: its operator and its operands.
#[derive(Clone, Copy)]
pub struct Op<'a> {
    pub operator: &'a str,
    pub operands: &'a [Object],
}

impl<'c> Operations<'c> {
    /// The operations of `data`, as lopdf's `Content::decode` gives them
    /// (and its error when it fails).
    pub fn decode(data: &'c [u8]) -> lopdf::Result<Operations<'c>> {
        let source = match read(data) {
            Ok((operations, operands)) => Source::Fast { data, operations, operands },
            Err(GiveUp) => Source::Lopdf(Content::decode(data)?.operations),
        };
        Ok(Operations { source })
    }

    /// Whether this reader read the stream (rather than lopdf).
    pub fn read_fast(&self) -> bool {
        matches!(self.source, Source::Fast { .. })
    }

    pub fn len(&self) -> usize {
        match &self.source {
            Source::Fast { operations, .. } => operations.len(),
            Source::Lopdf(operations) => operations.len(),
        }
    }

    pub fn get(&self, index: usize) -> Op<'_> {
        match &self.source {
            Source::Fast { data, operations, operands } => {
                let operation = &operations[index];
                let (start, end) = operation.operator;
                Op {
                    // Operators are ASCII letters and `*'"` (see `operator`).
                    operator: std::str::from_utf8(&data[start..end]).unwrap_or(""),
                    operands: &operands[operation.operands.0..operation.operands.1],
                }
            }
            Source::Lopdf(operations) => {
                let operation = &operations[index];
                Op { operator: &operation.operator, operands: &operation.operands }
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = Op<'_>> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }

    /// The operations as lopdf's type (for comparing both readers).
    pub fn to_lopdf(&self) -> Vec<Operation> {
        self.iter()
            .map(|op| Operation { operator: op.operator.to_string(), operands: op.operands.to_vec() })
            .collect()
    }
}

/// This reader does not take the stream: lopdf reads it.
#[derive(Debug)]
struct GiveUp;

type Step<T> = Result<Option<(T, usize)>, GiveUp>;

/// Arrays, dictionaries and strings nested deeper than this are left to
/// lopdf, whose own limits (100 levels) are then not far.
const MAX_DEPTH: usize = 32;

/// `lopdf::parser::_content`: whitespace, operations, trailing comments.
fn read(data: &[u8]) -> Result<(Vec<FastOperation>, Vec<Object>), GiveUp> {
    let reader = Reader { data };
    // Sized from the stream (text-heavy pages run at about one operation and
    // one operand per 10 to 20 bytes) rather than copied as they grow; past
    // a page's worth they grow as needed, so that a huge stream of few
    // operations does not reserve memory (a worker's address space is
    // limited) for operands it does not have.
    let expected = (data.len() / 16).min(1 << 16);
    let mut operations = Vec::with_capacity(expected);
    let mut operands = Vec::with_capacity(expected);
    let mut at = reader.content_space(0);
    loop {
        // Comments before an operation (each ends with an end of line).
        while reader.byte(at) == Some(b'%') {
            at = reader.comment(at).ok_or(GiveUp)?;
        }
        if at == data.len() {
            break;
        }
        // An inline image: left to lopdf.
        if data[at..].starts_with(b"BI") {
            return Err(GiveUp);
        }
        let first = operands.len();
        while let Some(next) = reader.operand(at, &mut operands)? {
            at = next;
        }
        let end = reader.operator(at).ok_or(GiveUp)?;
        operations.push(FastOperation { operator: (at, end), operands: (first, operands.len()) });
        at = reader.content_space(end);
    }
    Ok((operations, operands))
}

/// Objects are large (a dictionary or stream inline): rather than returned
/// up through each rule, each rule pushes what it reads onto a stack, the
/// operands of the stream (`out`), and says where it ended. An array's
/// items go on the same stack and are taken off it in one exact
/// allocation when the array closes.
struct Reader<'c> {
    data: &'c [u8],
}

/// Where a rule that pushed its object ended, `None` when it did not apply.
type Pushed = Result<Option<usize>, GiveUp>;

fn is_whitespace(c: u8) -> bool {
    b" \t\n\r\0\x0C".contains(&c)
}

fn is_delimiter(c: u8) -> bool {
    b"()<>[]{}/%".contains(&c)
}

fn is_regular(c: u8) -> bool {
    !is_whitespace(c) && !is_delimiter(c)
}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

impl<'c> Reader<'c> {
    fn byte(&self, at: usize) -> Option<u8> {
        self.data.get(at).copied()
    }

    fn skip_while(&self, mut at: usize, keep: impl Fn(u8) -> bool) -> usize {
        while self.byte(at).is_some_and(&keep) {
            at += 1;
        }
        at
    }

    /// Between operands and operations: spaces, tabs and ends of line only.
    fn content_space(&self, at: usize) -> usize {
        self.skip_while(at, |c| b" \t\r\n".contains(&c))
    }

    /// Inside arrays and dictionaries: all PDF whitespace.
    fn white_space(&self, at: usize) -> usize {
        self.skip_while(at, is_whitespace)
    }

    /// Inside arrays and dictionaries: whitespace and comments.
    fn space(&self, mut at: usize) -> usize {
        loop {
            let next = self.white_space(at);
            if next > at {
                at = next;
            } else if let Some(next) = self.comment(at) {
                at = next;
            } else {
                return at;
            }
        }
    }

    fn eol(&self, at: usize) -> Option<usize> {
        match self.byte(at)? {
            b'\r' if self.byte(at + 1) == Some(b'\n') => Some(at + 2),
            b'\r' | b'\n' => Some(at + 1),
            _ => None,
        }
    }

    /// `%` to the end of the line, which must be there.
    fn comment(&self, at: usize) -> Option<usize> {
        if self.byte(at)? != b'%' {
            return None;
        }
        let end = self.skip_while(at + 1, |c| c != b'\r' && c != b'\n');
        self.eol(end)
    }

    fn operator(&self, at: usize) -> Option<usize> {
        let end = self.skip_while(at, |c| c.is_ascii_alphabetic() || b"*'\"".contains(&c));
        (end > at).then_some(end)
    }

    /// `lopdf::parser::operand`, followed by content space.
    fn operand(&self, at: usize, out: &mut Vec<Object>) -> Pushed {
        let end = match self.keyword(at, out) {
            Some(end) => Some(end),
            None => self.number_or_string(at, 0, out)?,
        };
        Ok(end.map(|end| self.content_space(end)))
    }

    /// `lopdf::parser::_direct_object`: as an operand, with references,
    /// followed by whitespace and comments.
    fn direct_object(&self, at: usize, depth: usize, out: &mut Vec<Object>) -> Pushed {
        let end = match self.keyword(at, out) {
            Some(end) => Some(end),
            None => match self.reference(at, out) {
                Some(end) => Some(end),
                None => self.number_or_string(at, depth, out)?,
            },
        };
        Ok(end.map(|end| self.space(end)))
    }

    fn keyword(&self, at: usize, out: &mut Vec<Object>) -> Option<usize> {
        if !matches!(self.byte(at), Some(b'n' | b't' | b'f')) {
            return None;
        }
        let rest = &self.data[at..];
        let (object, length) = if rest.starts_with(b"null") {
            (Object::Null, 4)
        } else if rest.starts_with(b"true") {
            (Object::Boolean(true), 4)
        } else if rest.starts_with(b"false") {
            (Object::Boolean(false), 5)
        } else {
            return None;
        };
        out.push(object);
        Some(at + length)
    }

    /// The alternatives after null, booleans (and references), in lopdf's
    /// order: real, integer, name, literal string, hex string, array,
    /// dictionary. Each can only start with its own bytes, so the first
    /// byte picks the ones to try (in that order).
    fn number_or_string(&self, at: usize, depth: usize, out: &mut Vec<Object>) -> Pushed {
        let (object, end) = match self.byte(at) {
            Some(b'+' | b'-' | b'.' | b'0'..=b'9') => {
                if let Some((value, end)) = self.real(at) {
                    (Object::Real(value), end)
                } else if let Some((value, end)) = self.integer(at) {
                    (Object::Integer(value), end)
                } else {
                    return Ok(None);
                }
            }
            Some(b'/') => match self.name(at) {
                Some((name, end)) => (Object::Name(name), end),
                None => return Ok(None),
            },
            Some(b'(') => match self.literal_string(at)? {
                Some((bytes, end)) => (Object::String(bytes, StringFormat::Literal), end),
                None => return Ok(None),
            },
            Some(b'<') => {
                if let Some((bytes, end)) = self.hex_string(at) {
                    (Object::String(bytes, StringFormat::Hexadecimal), end)
                } else if depth >= MAX_DEPTH {
                    return Err(GiveUp);
                } else if let Some((dict, end)) = self.dictionary(at, depth + 1, out)? {
                    (Object::Dictionary(dict), end)
                } else {
                    return Ok(None);
                }
            }
            Some(b'[') if depth >= MAX_DEPTH => return Err(GiveUp),
            // Pushes the array itself.
            Some(b'[') => return self.array(at, depth + 1, out),
            _ => return Ok(None),
        };
        out.push(object);
        Ok(Some(end))
    }

    fn digits(&self, at: usize) -> usize {
        self.skip_while(at, |c| c.is_ascii_digit())
    }

    fn sign(&self, at: usize) -> usize {
        match self.byte(at) {
            Some(b'+') | Some(b'-') => at + 1,
            _ => at,
        }
    }

    /// `[+-](digits.digits* | .digits)`, as an f32 (`f32::from_str`'s value).
    fn real(&self, at: usize) -> Option<(f32, usize)> {
        let start = self.sign(at);
        let whole = self.digits(start);
        let end = if whole > start && self.byte(whole) == Some(b'.') {
            self.digits(whole + 1)
        } else if whole == start && self.byte(start) == Some(b'.') {
            let end = self.digits(start + 1);
            if end == start + 1 {
                return None;
            }
            end
        } else {
            return None;
        };
        let text = &self.data[at..end];
        if let Some(value) = exact_f32(text) {
            return Some((value, end));
        }
        // Sign, digits and a dot: ASCII.
        let text = std::str::from_utf8(text).ok()?;
        Some((f32::from_str(text).ok()?, end))
    }

    /// `[+-]digits`, as an i64 (`None` past its range, as `i64::from_str`).
    fn integer(&self, at: usize) -> Option<(i64, usize)> {
        let start = self.sign(at);
        let end = self.digits(start);
        if end == start {
            return None;
        }
        // Summed as a negative number, whose range holds i64::MIN.
        let negated = self.data[start..end]
            .iter()
            .try_fold(0i64, |value, digit| value.checked_mul(10)?.checked_sub(i64::from(digit - b'0')))?;
        let value = if self.byte(at) == Some(b'-') { negated } else { negated.checked_neg()? };
        Some((value, end))
    }

    /// Digits, as a `T` (`None` past its range, as `T::from_str`).
    fn unsigned<T: TryFrom<u64>>(&self, at: usize) -> Option<(T, usize)> {
        let end = self.digits(at);
        if end == at {
            return None;
        }
        let value = self.data[at..end]
            .iter()
            .try_fold(0u64, |value, digit| value.checked_mul(10)?.checked_add(u64::from(digit - b'0')))?;
        Some((T::try_from(value).ok()?, end))
    }

    /// `id generation R`, with whitespace and comments between.
    fn reference(&self, at: usize, out: &mut Vec<Object>) -> Option<usize> {
        let (id, end) = self.unsigned::<u32>(at)?;
        let (generation, end) = self.unsigned::<u16>(self.space(end))?;
        let end = self.space(end);
        if self.byte(end) != Some(b'R') {
            return None;
        }
        out.push(Object::Reference((id, generation)));
        Some(end + 1)
    }

    /// `/` and regular characters, `#xx` for a byte.
    fn name(&self, at: usize) -> Option<(Vec<u8>, usize)> {
        if self.byte(at)? != b'/' {
            return None;
        }
        let mut name = Vec::new();
        let mut at = at + 1;
        while let Some(c) = self.byte(at) {
            if c == b'#' {
                let high = self.byte(at + 1).and_then(hex_value);
                let low = self.byte(at + 2).and_then(hex_value);
                match (high, low) {
                    (Some(high), Some(low)) => {
                        name.push(high << 4 | low);
                        at += 3;
                    }
                    _ => break,
                }
            } else if is_regular(c) {
                name.push(c);
                at += 1;
            } else {
                break;
            }
        }
        Some((name, at))
    }

    fn literal_string(&self, at: usize) -> Step<Vec<u8>> {
        if self.byte(at) != Some(b'(') {
            return Ok(None);
        }
        let mut bytes = Vec::new();
        let end = self.literal_inner(at + 1, 0, &mut bytes)?;
        Ok((self.byte(end) == Some(b')')).then(|| (bytes, end + 1)))
    }

    /// The inside of a literal string, up to (not including) what ends it.
    fn literal_inner(&self, mut at: usize, depth: usize, out: &mut Vec<u8>) -> Result<usize, GiveUp> {
        while let Some(c) = self.byte(at) {
            match c {
                b'\\' => {
                    let Some(next) = self.byte(at + 1) else { break };
                    let octal = self.skip_while(at + 1, |c| (b'0'..=b'7').contains(&c)).min(at + 4);
                    if octal > at + 1 {
                        let value = self.data[at + 1..octal].iter().fold(0u16, |v, d| v * 8 + u16::from(d - b'0'));
                        out.push(value as u8);
                        at = octal;
                    } else if let Some(end) = self.eol(at + 1) {
                        at = end;
                    } else {
                        out.push(match next {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => b'\x08',
                            b'f' => b'\x0C',
                            other => other,
                        });
                        at += 2;
                    }
                }
                b'\r' | b'\n' => {
                    let end = self.eol(at).unwrap_or(at + 1);
                    out.extend_from_slice(&self.data[at..end]);
                    at = end;
                }
                b'(' => {
                    if depth >= MAX_DEPTH {
                        return Err(GiveUp);
                    }
                    let mut nested = vec![b'('];
                    let end = self.literal_inner(at + 1, depth + 1, &mut nested)?;
                    if self.byte(end) != Some(b')') {
                        break;
                    }
                    nested.push(b')');
                    out.extend_from_slice(&nested);
                    at = end + 1;
                }
                b')' => break,
                _ => {
                    let end = self.skip_while(at, |c| !b"()\\\r\n".contains(&c));
                    out.extend_from_slice(&self.data[at..end]);
                    at = end;
                }
            }
        }
        Ok(at)
    }

    /// `<hex digits>`, whitespace allowed between digits; an odd last digit
    /// is the high half of its byte.
    fn hex_string(&self, at: usize) -> Option<(Vec<u8>, usize)> {
        if self.byte(at)? != b'<' {
            return None;
        }
        // Two digits a byte: sized from the digits up to the closing `>`.
        let digits = self.data[at..].iter().position(|&c| c == b'>').unwrap_or(0);
        let mut bytes = Vec::with_capacity(digits.div_ceil(2));
        let mut high = true;
        let mut at = at + 1;
        loop {
            let digit_at = match self.byte(at) {
                Some(c) if c.is_ascii_hexdigit() => at,
                _ => self.white_space(at),
            };
            let Some(value) = self.byte(digit_at).and_then(hex_value) else { break };
            if high {
                bytes.push(value << 4);
            } else if let Some(last) = bytes.last_mut() {
                *last |= value;
            }
            high = !high;
            at = digit_at + 1;
        }
        let end = self.white_space(at);
        (self.byte(end) == Some(b'>')).then(|| (bytes, end + 1))
    }

    /// Pushes the array (its items are read onto `out`, then taken off).
    fn array(&self, at: usize, depth: usize, out: &mut Vec<Object>) -> Pushed {
        if self.byte(at) != Some(b'[') {
            return Ok(None);
        }
        let first = out.len();
        let mut at = self.space(at + 1);
        while let Some(end) = self.direct_object(at, depth, out)? {
            at = end;
        }
        let items: Vec<Object> = out.drain(first..).collect();
        if self.byte(at) != Some(b']') {
            return Ok(None);
        }
        out.push(Object::Array(items));
        Ok(Some(at + 1))
    }

    fn dictionary(&self, at: usize, depth: usize, out: &mut Vec<Object>) -> Step<Dictionary> {
        if !self.data[at..].starts_with(b"<<") {
            return Ok(None);
        }
        let mut dict = Dictionary::new();
        let mut at = self.space(at + 2);
        while let Some((key, end)) = self.name(at) {
            match self.direct_object(self.space(end), depth, out)? {
                Some(end) => {
                    dict.set(key, out.pop().expect("direct_object pushed the value"));
                    at = end;
                }
                None => break,
            }
        }
        Ok(self.data[at..].starts_with(b">>").then(|| (dict, at + 2)))
    }
}

/// `f32::from_str`'s value for `[+-]digits[.digits]`, worked out without
/// it when that is exact: up to 7 significant digits (below 2^24, exact in
/// an f32) over a power of ten up to 10^10 (also exact), one correctly
/// rounded division gives the correctly rounded value, as `from_str` does.
/// `None` for other numbers (the caller then uses `from_str`).
fn exact_f32(text: &[u8]) -> Option<f32> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, text),
    };
    let mut mantissa: u32 = 0;
    let mut decimals: Option<usize> = None;
    for &c in digits {
        match c {
            b'.' if decimals.is_none() => decimals = Some(0),
            b'0'..=b'9' => {
                mantissa = mantissa.checked_mul(10)?.checked_add(u32::from(c - b'0'))?;
                if mantissa >= 1 << 24 {
                    return None;
                }
                decimals = decimals.map(|d| d + 1);
            }
            _ => return None,
        }
    }
    let decimals = decimals.unwrap_or(0);
    if decimals > 10 {
        return None;
    }
    const POWERS_OF_TEN: [f32; 11] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];
    let value = mantissa as f32 / POWERS_OF_TEN[decimals];
    Some(if negative { -value } else { value })
}

/// As lopdf's `Operation` prints (pdf-extract's messages show operations).
impl std::fmt::Debug for Op<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Operation").field("operator", &self.operator).field("operands", &self.operands).finish()
    }
}
