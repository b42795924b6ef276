//! evalmine patch: CMaps (a font's ToUnicode map, a CID font's encoding)
//! read with a hand-written lexer that gives the same tokens as
//! adobe-cmap-parser's, about fifty times faster.
//!
//! adobe-cmap-parser (0.4.1) lexes with pom parser combinators, which build
//! an error message with `format!` for every alternative that does not
//! match: reading the CMaps of a report's fonts was ~8% of extracting it.
//! This lexer follows its grammar rule by rule, in the same order (pom is a
//! PEG: the first alternative that matches wins, and a failed one gives
//! back what it read). It claims only a CMap it reads to the end; on
//! anything else (a token it would have to give up on, a stream lopdf's
//! lexer stops in the middle of, deep nesting) adobe-cmap-parser reads it.
//! The two mapping functions below are adobe-cmap-parser's own (MIT
//! licence), run on these tokens. evalmine's `tests/it/cmap.rs` compares
//! both lexers on real, altered and hand-written CMaps.

use adobe_cmap_parser::{ByteMapping, CIDRange, CodeRange, Value};
use std::collections::HashMap;
use std::str::FromStr;

/// `adobe_cmap_parser::get_unicode_map`.
pub fn get_unicode_map(input: &[u8]) -> Result<HashMap<u32, Vec<u8>>, &'static str> {
    match lex(input) {
        Some(lexed) => unicode_map_of(&lexed),
        None => adobe_cmap_parser::get_unicode_map(input),
    }
}

/// `adobe_cmap_parser::get_byte_mapping`.
pub fn get_byte_mapping(input: &[u8]) -> Result<ByteMapping, &'static str> {
    match lex(input) {
        Some(lexed) => byte_mapping_of(&lexed),
        None => adobe_cmap_parser::get_byte_mapping(input),
    }
}

/// The tokens of a CMap as `adobe_cmap_parser::parse` gives them, or
/// `None` when this lexer leaves the CMap to it.
pub fn lex(input: &[u8]) -> Option<Vec<Value>> {
    let lexer = Lexer { input };
    let mut values = Vec::new();
    let mut at = 0;
    // file: (comment* content_space value)+, up to the first value that
    // does not read: here, the end, or a byte no value starts with (as
    // `%%EOF` without an end of line).
    loop {
        while let Some(end) = lexer.comment(at) {
            at = end;
        }
        at = lexer.content_space(at);
        if !lexer.byte(at).is_some_and(can_start_value) {
            break;
        }
        let (value, end) = lexer.value(at, 0)?;
        values.push(value);
        at = end;
    }
    // No token at all is pom's error (and adobe-cmap-parser's panic).
    (!values.is_empty()).then_some(values)
}

/// Lists and strings nested deeper than this are left to adobe-cmap-parser.
const MAX_DEPTH: usize = 32;

struct Lexer<'a> {
    input: &'a [u8],
}

/// The first bytes of the alternatives of a value (`true`, `false`,
/// numbers, names, operators, strings, dictionaries, arrays).
fn can_start_value(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"+-./*'\"(<[".contains(&c)
}

fn is_digit(c: u8) -> bool {
    c.is_ascii_digit()
}

fn is_hex_digit(c: u8) -> bool {
    c.is_ascii_hexdigit()
}

fn is_oct_digit(c: u8) -> bool {
    (b'0'..=b'7').contains(&c)
}

impl Lexer<'_> {
    fn byte(&self, at: usize) -> Option<u8> {
        self.input.get(at).copied()
    }

    fn skip_while(&self, mut at: usize, keep: impl Fn(u8) -> bool) -> usize {
        while self.byte(at).is_some_and(&keep) {
            at += 1;
        }
        at
    }

    /// pom's `multispace`: space, tab, CR, LF.
    fn content_space(&self, at: usize) -> usize {
        self.skip_while(at, |c| b" \t\r\n".contains(&c))
    }

    /// Inside dictionaries, arrays and hex strings: also NUL and form feed.
    fn space(&self, at: usize) -> usize {
        self.skip_while(at, |c| b" \t\n\r\0\x0C".contains(&c))
    }

    fn eol(&self, at: usize) -> Option<usize> {
        match self.byte(at)? {
            b'\r' if self.byte(at + 1) == Some(b'\n') => Some(at + 2),
            b'\r' | b'\n' => Some(at + 1),
            _ => None,
        }
    }

    fn comment(&self, at: usize) -> Option<usize> {
        if self.byte(at)? != b'%' {
            return None;
        }
        let end = self.skip_while(at + 1, |c| c != b'\r' && c != b'\n');
        self.eol(end)
    }

    /// One value and the content space after it; `None` where this lexer
    /// gives up (pom may or may not read something there).
    fn value(&self, at: usize, depth: usize) -> Option<(Value, usize)> {
        if depth > MAX_DEPTH {
            return None;
        }
        let rest = &self.input[at..];
        let (value, end) = if rest.starts_with(b"true") {
            (Value::Boolean(true), at + 4)
        } else if rest.starts_with(b"false") {
            (Value::Boolean(false), at + 5)
        } else if let Some((integer, end)) = self.integer(at) {
            (Value::Integer(integer), end)
        } else if let Some(end) = self.number(at) {
            (Value::Number(String::from_utf8(self.input[at..end].to_vec()).ok()?), end)
        } else if let Some((name, end)) = self.name(at) {
            (Value::Name(name), end)
        } else if let Some(end) = self.operator(at) {
            (Value::Operator(String::from_utf8(self.input[at..end].to_vec()).ok()?), end)
        } else {
            match self.byte(at)? {
                b'(' => {
                    let (bytes, end) = self.literal_string(at + 1, depth)?;
                    (Value::LiteralString(bytes), end)
                }
                b'<' if rest.starts_with(b"<<") => {
                    let (dict, end) = self.dictionary(at + 2, depth)?;
                    (Value::Dictionary(dict), end)
                }
                b'<' => {
                    let (bytes, end) = self.hex_string(at + 1)?;
                    (Value::LiteralString(bytes), end)
                }
                b'[' => {
                    let (items, end) = self.array(at + 1, depth)?;
                    (Value::Array(items), end)
                }
                _ => return None,
            }
        };
        Some((value, self.content_space(end)))
    }

    fn sign(&self, at: usize) -> usize {
        match self.byte(at) {
            Some(b'+') | Some(b'-') => at + 1,
            _ => at,
        }
    }

    /// `[+-]digits`, when it fits an i64.
    fn integer(&self, at: usize) -> Option<(i64, usize)> {
        let start = self.sign(at);
        let end = self.skip_while(start, is_digit);
        if end == start {
            return None;
        }
        let text = std::str::from_utf8(&self.input[at..end]).ok()?;
        Some((i64::from_str(text).ok()?, end))
    }

    /// `[+-](digits | digits.digits* | .digits)`, kept as text (reached
    /// for integers too large for an i64 and numbers starting with `.`).
    fn number(&self, at: usize) -> Option<usize> {
        let start = self.sign(at);
        if self.byte(start).is_some_and(is_digit) {
            // The first alternative (digits) always wins over the second.
            return Some(self.skip_while(start, is_digit));
        }
        if self.byte(start) == Some(b'.') && self.byte(start + 1).is_some_and(is_digit) {
            return Some(self.skip_while(start + 1, is_digit));
        }
        None
    }

    fn name(&self, at: usize) -> Option<(Vec<u8>, usize)> {
        if self.byte(at)? != b'/' {
            return None;
        }
        let mut name = Vec::new();
        let mut at = at + 1;
        while let Some(c) = self.byte(at) {
            if !b" \t\n\r\x0C()<>[]{}/%#".contains(&c) {
                name.push(c);
                at += 1;
            } else if c == b'#' && self.byte(at + 1).is_some_and(is_hex_digit) && self.byte(at + 2).is_some_and(is_hex_digit) {
                let hex = std::str::from_utf8(&self.input[at + 1..at + 3]).ok()?;
                name.push(u8::from_str_radix(hex, 16).ok()?);
                at += 3;
            } else {
                break;
            }
        }
        Some((name, at))
    }

    fn operator(&self, at: usize) -> Option<usize> {
        let end = self.skip_while(at, |c| c.is_ascii_alphabetic() || b"*'\"".contains(&c));
        (end > at).then_some(end)
    }

    /// After `(`: the bytes up to the matching `)`, and the end past it.
    fn literal_string(&self, at: usize, depth: usize) -> Option<(Vec<u8>, usize)> {
        let mut bytes = Vec::new();
        let end = self.literal_segments(at, depth, &mut bytes)?;
        (self.byte(end)? == b')').then_some((bytes, end + 1))
    }

    /// Plain runs, escapes and nested strings, up to what ends them.
    fn literal_segments(&self, mut at: usize, depth: usize, out: &mut Vec<u8>) -> Option<usize> {
        loop {
            match self.byte(at) {
                None | Some(b')') => return Some(at),
                Some(b'\\') => at = self.escape(at + 1, out),
                Some(b'(') => {
                    if depth >= MAX_DEPTH {
                        return None;
                    }
                    let mut nested = vec![b'('];
                    let end = self.literal_segments(at + 1, depth + 1, &mut nested)?;
                    if self.byte(end) != Some(b')') {
                        // Unclosed: the segments stop before it, and the
                        // string does not close either.
                        return Some(at);
                    }
                    nested.push(b')');
                    out.extend_from_slice(&nested);
                    at = end + 1;
                }
                Some(_) => {
                    let end = self.skip_while(at, |c| !b"\\()".contains(&c));
                    out.extend_from_slice(&self.input[at..end]);
                    at = end;
                }
            }
        }
    }

    /// After a backslash: the escaped byte, an octal code that fits a
    /// byte, a line break (nothing), or nothing at all (what follows is
    /// read as it is).
    fn escape(&self, at: usize, out: &mut Vec<u8>) -> usize {
        let mapped = match self.byte(at) {
            Some(b'\\') => Some(b'\\'),
            Some(b'(') => Some(b'('),
            Some(b')') => Some(b')'),
            Some(b'n') => Some(b'\n'),
            Some(b'r') => Some(b'\r'),
            Some(b't') => Some(b'\t'),
            Some(b'b') => Some(b'\x08'),
            Some(b'f') => Some(b'\x0C'),
            _ => None,
        };
        if let Some(byte) = mapped {
            out.push(byte);
            return at + 1;
        }
        let octal_end = self.skip_while(at, is_oct_digit).min(at + 3);
        if octal_end > at {
            let digits = std::str::from_utf8(&self.input[at..octal_end]).unwrap_or("");
            if let Ok(byte) = u8::from_str_radix(digits, 8) {
                out.push(byte);
                return octal_end;
            }
        }
        self.eol(at).unwrap_or(at)
    }

    /// After `<`: pairs of hex digits (whitespace before each), `>`.
    fn hex_string(&self, mut at: usize) -> Option<(Vec<u8>, usize)> {
        let mut bytes = Vec::new();
        loop {
            let digits = self.space(at);
            if !(self.byte(digits).is_some_and(is_hex_digit) && self.byte(digits + 1).is_some_and(is_hex_digit)) {
                break;
            }
            let hex = std::str::from_utf8(&self.input[digits..digits + 2]).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            at = digits + 2;
        }
        let end = self.space(at);
        (self.byte(end)? == b'>').then_some((bytes, end + 1))
    }

    /// After `<<`: `/name value` pairs, `>>`.
    fn dictionary(&self, at: usize, depth: usize) -> Option<(HashMap<String, Value>, usize)> {
        let mut dict = HashMap::new();
        let mut at = self.space(at);
        while let Some((key, end)) = self.name(at) {
            // A value that is not read here may be pom's, or a failed
            // entry that ends the dictionary: adobe-cmap-parser decides.
            let (value, end) = self.value(self.space(end), depth + 1)?;
            dict.insert(String::from_utf8(key).ok()?, value);
            at = end;
        }
        self.input[at..].starts_with(b">>").then_some((dict, at + 2))
    }

    /// After `[`: values, `]`.
    fn array(&self, at: usize, depth: usize) -> Option<(Vec<Value>, usize)> {
        let mut items = Vec::new();
        let mut at = self.space(at);
        while self.byte(at)? != b']' {
            let (item, end) = self.value(at, depth + 1)?;
            items.push(item);
            at = end;
        }
        Some((items, at + 1))
    }
}

fn as_code(str: &[u8]) -> u32 {
    let mut code: u32 = 0;
    for c in str {
        code = (code << 8) | (*c as u32);
    }
    code
}

/// adobe-cmap-parser 0.4.1's `get_unicode_map`, on lexed tokens.
fn unicode_map_of(lexed: &[Value]) -> Result<HashMap<u32, Vec<u8>>, &'static str> {
    let mut i = 0;
    let mut map = HashMap::new();
    while i < lexed.len() {
        match lexed[i] {
            Value::Operator(ref o) => {
                match o.as_ref() {
                    "beginbfchar" => {
                        let count = if let &Value::Integer(ref c) = &lexed[i-1] { Ok(*c) } else { Err("beginbfchar exected int") }?;
                        i += 1;
                        for _ in 0..count {
                            let char_code = if let &Value::LiteralString(ref s) = &lexed[i] { Ok(s) } else { Err("beginbfchar exected hexstring") }?;
                            let uni_code = if let &Value::LiteralString(ref s) = &lexed[i+1] { Ok(s) } else { Err("beginbfchar exected hexstring") }?;
                            map.insert(as_code(char_code), uni_code.clone());
                            i += 2;
                        }
                        i += 1;
                    }
                    "beginbfrange" => {
                        let count = if let &Value::Integer(ref c) = &lexed[i-1] { Ok(*c) } else { Err("beginbfrange exected int") }?;
                        i += 1;
                        for _ in 0..count {
                            let lower_code = if let &Value::LiteralString(ref s) = &lexed[i] { Ok(as_code(s)) } else { Err("beginbfrange exected hexstring") }?;
                            let upper_code = if let &Value::LiteralString(ref s) = &lexed[i+1] { Ok(as_code(s)) } else { Err("beginbfrange exected hexstring") }?;
                            match &lexed[i+2] {
                                &Value::LiteralString(ref start) => {
                                    match start.len() {
                                        4 => {
                                            let val = as_code(start);
                                            for c in lower_code..=upper_code {
                                                let code = val + (c - lower_code);
                                                map.insert(c, code.to_be_bytes().to_vec());
                                            }
                                        }
                                        2 => {
                                            let val: u16 = as_code(start) as u16;
                                            for c in lower_code..=upper_code {
                                                let code = val + (c - lower_code) as u16;
                                                map.insert(c, code.to_be_bytes().to_vec());
                                            }
                                        }
                                        _ => {
                                            panic!("bad length of hexstring");
                                        }
                                    }
                                }
                                &Value::Array(ref codes) => {
                                    let mut i = 0;
                                    if (upper_code - lower_code + 1) as usize != codes.len() {
                                        return Err("bad length of array");
                                    }
                                    for c in lower_code..=upper_code {
                                        map.insert(c, if let &Value::LiteralString(ref s) = &codes[i] { Ok(s.clone()) } else { Err("beginbfrange exected hexstring") }?);
                                        i += 1;
                                    }
                                }
                                _ => { return Err("beginbfrange exected array or literal") }
                            }
                            i += 3;
                        }
                        i += 1;
                    }
                    _ => { i += 1; }
                }
            }
            _ => { i += 1; }
        }
    }
    Ok(map)
}

fn as_code_range(start_chars: &Vec<u8>, end_chars: &Vec<u8>) -> CodeRange {
    let mut start = 0;
    let mut end = 0;
    assert!(start_chars.len() == end_chars.len());
    for i in 0..start_chars.len() {
        start = (start << 8) | (start_chars[i] as u32);
        end = (end << 8) | (end_chars[i] as u32);
    }
    let width = start_chars.len() as u32 / 2;
    CodeRange { start, end, width }
}

/// adobe-cmap-parser 0.4.1's `get_byte_mapping`, on lexed tokens.
fn byte_mapping_of(lexed: &[Value]) -> Result<ByteMapping, &'static str> {
    let mut i = 0;
    let mut result = ByteMapping { codespace: Vec::new(), cid: Vec::new() };
    while i < lexed.len() {
        match lexed[i] {
            Value::Operator(ref o) => {
                match o.as_ref() {
                    "begincodespacerange" => {
                        let count = if let &Value::Integer(ref c) = &lexed[i-1] { Ok(*c) } else { Err("begincodespacerange exected int") }?;
                        i += 1;
                        for _ in 0..count {
                            let start = if let &Value::LiteralString(ref s) = &lexed[i] { Ok(s) } else { Err("begincodespacerange exected hexstring") }?;
                            let end = if let &Value::LiteralString(ref s) = &lexed[i+1] { Ok(s) } else { Err("begincodespacerange exected hexstring") }?;
                            result.codespace.push(as_code_range(start, end));
                            i += 2;
                        }
                        i += 1;
                    }
                    "begincidrange" => {
                        let count = if let &Value::Integer(ref c) = &lexed[i-1] { Ok(*c) } else { Err("begincidrange exected int") }?;
                        i += 1;
                        for _ in 0..count {
                            let start = if let &Value::LiteralString(ref s) = &lexed[i] { Ok(s) } else { Err("begincidrange exected hexstring") }?;
                            let end = if let &Value::LiteralString(ref s) = &lexed[i+1] { Ok(s) } else { Err("begincidrange exected hexstring") }?;
                            let offset = if let &Value::Integer(ref s) = &lexed[i+2] { Ok(s) } else { Err("begincidrange exected int") }?;
                            result.cid.push(CIDRange { src_code_lo: as_code(start), src_code_hi: as_code(end), dst_CID_lo: *offset as u32 });
                            i += 2;
                        }
                        i += 1;
                    }
                    _ => { i += 1; }
                }
            }
            _ => { i += 1; }
        }
    }
    Ok(result)
}
