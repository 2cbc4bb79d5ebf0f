//! Reading JSON Lines: a scanner specialised to the register's JSON.
//!
//! [`scan_line`] reads one JSON Lines record into the typed record
//! ([`RawRecord`]) with a small scanner (text fields point into the line;
//! no `serde_json::Value` tree, no `String` per key, no serde visitor per
//! field). It only answers for records it reads **exactly** as
//! `serde_json` does:
//!
//! * the line is one JSON object (white space around tokens allowed, as
//!   RFC 8259 §2 and serde_json allow it), and every object has only the
//!   documented keys, each at most once, each of the one JSON type the
//!   common form uses (text as strings, yes/no as `true`/`false`, numbers as
//!   numbers; `null` is read as absent);
//! * no text has an escape (`\`) or a control character;
//! * numbers other than short plain integers are converted by serde_json
//!   itself, so they are the very numbers the general reader sees.
//!
//! Anything else (a record with an unknown key, `"sex": 1`, `"oedema": "y"`,
//! an escape, malformed JSON…) gives `None`, and [`read_line`] reads the
//! line with `serde_json` into a `Value` and takes the record from it
//! ([`RawRecord::from_value`]). Both readers give the same typed record
//! for every line the scanner answers (tests `scanner_equals_value_reader`,
//! `byte_edits_agree`), and validation ([`super::validate`]) is the same
//! for both, so the reader never changes a result.

use super::record::{
    Cell, Field, Item, RawFamily, RawHousing, RawKb, RawMeasurement, RawMember, RawRecord,
};
use super::{RegisterOptions, RegisterRead};

/// A position in the line. Every method gives `None` on anything it does
/// not read exactly (the caller then falls back to the `Value` path).
struct Cursor<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Cursor<'a> {
    /// Skips JSON white space within one line (RFC 8259 §2: space, tab,
    /// CR; a line feed ends the record, so an object written over several
    /// lines is left to the `Value` path).
    fn ws(&mut self) {
        let b = self.s.as_bytes();
        while let Some(b' ' | b'\t' | b'\r') = b.get(self.i) {
            self.i += 1;
        }
    }

    /// The next byte after white space.
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.as_bytes().get(self.i).copied()
    }

    /// Consumes byte `c` (after white space).
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// Consumes the literal `w` (the caller has peeked its first byte).
    fn lit(&mut self, w: &[u8]) -> Option<()> {
        let rest = self.s.as_bytes().get(self.i..)?;
        rest.starts_with(w).then(|| self.i += w.len())
    }

    /// In an object or array: `true` when another element follows (its
    /// `,` consumed), `false` at the closing byte (consumed).
    fn more(&mut self, close: u8, first: &mut bool) -> Option<bool> {
        let c = self.peek()?;
        if c == close {
            self.i += 1;
            return Some(false);
        }
        if std::mem::take(first) {
            return Some(true);
        }
        (c == b',').then(|| {
            self.i += 1;
            true
        })
    }

    /// A string without escapes or control characters, borrowed. The
    /// caller has skipped the white space before it.
    fn string(&mut self) -> Option<&'a str> {
        if self.s.as_bytes().get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let out = self.string_body()?;
        self.i += 1;
        Some(out)
    }

    /// The text of a string whose opening `"` is consumed, up to its
    /// closing `"`, which is left in place (no escapes or control
    /// characters).
    #[inline(always)]
    fn string_body(&mut self) -> Option<&'a str> {
        let b = self.s.as_bytes();
        let start = self.i;
        // Sixteen bytes at a time where the CPU has SSE2 (every x86-64).
        #[cfg(target_arch = "x86_64")]
        if let Some(token) = sse2::Sse2::try_new() {
            while let Some(chunk) = b.get(self.i..self.i + 16) {
                match sse2::special_bytes(token, chunk.try_into().ok()?) {
                    0 => self.i += 16,
                    m => {
                        self.i += m.trailing_zeros() as usize;
                        return self.closing(start);
                    }
                }
            }
        }
        // Eight bytes at a time: the lowest bit of the mask is the first
        // byte that ends the scan. Byte by byte near the end of the line.
        loop {
            if let Some(chunk) = b.get(self.i..self.i + 8) {
                let m = special_bytes(u64::from_le_bytes(chunk.try_into().ok()?));
                if m == 0 {
                    self.i += 8;
                    continue;
                }
                self.i += (m.trailing_zeros() / 8) as usize;
            } else {
                while !matches!(*b.get(self.i)?, b'"' | b'\\' | 0..=0x1f) {
                    self.i += 1;
                }
            }
            break;
        }
        self.closing(start)
    }

    /// The text from `start` when the scan stopped at a `"` (not at an
    /// escape or a control character).
    fn closing(&self, start: usize) -> Option<&'a str> {
        if self.s.as_bytes().get(self.i) != Some(&b'"') {
            return None;
        }
        self.s.get(start..self.i)
    }

    /// True when the bytes of `lit` come next (no white space skipped);
    /// then they are consumed.
    #[inline(always)]
    fn at_lit(&mut self, lit: &Lit) -> bool {
        let b = self.s.as_bytes().get(self.i..).unwrap_or_default();
        let word = |r: std::ops::Range<usize>| {
            b.get(r)
                .and_then(|w| w.try_into().ok())
                .map(u128::from_le_bytes)
        };
        let hit = match (lit.text.len() <= 16, word(0..16)) {
            // One or two masked 16-byte comparisons.
            (true, Some(a)) => a & lit.masks[0] == lit.words[0],
            (false, Some(a)) => match word(16..32) {
                Some(z) => a & lit.masks[0] == lit.words[0] && z & lit.masks[1] == lit.words[1],
                None => b.starts_with(lit.text.as_bytes()),
            },
            _ => b.starts_with(lit.text.as_bytes()),
        };
        if hit {
            self.i += lit.text.len();
        }
        hit
    }

    /// True when the string `"key"` (no escapes) starts here; then it is
    /// consumed.
    fn at_key(&mut self, key: &Lit) -> bool {
        let start = self.i;
        let b = self.s.as_bytes();
        if b.get(self.i) == Some(&b'"') {
            self.i += 1;
            if self.at_lit(key) && b.get(self.i) == Some(&b'"') {
                self.i += 1;
                return true;
            }
        }
        self.i = start;
        false
    }

    /// A string or `null`, as a cell.
    fn text(&mut self) -> Option<Cell<'a>> {
        match self.peek()? {
            b'"' => self.string().map(Cell::Text),
            b'n' => self.lit(b"null").map(|()| Cell::Missing),
            _ => None,
        }
    }

    /// `true`, `false` or `null`, as a cell.
    fn boolean(&mut self) -> Option<Cell<'a>> {
        match self.peek()? {
            b't' => self.lit(b"true").map(|()| Cell::Bool(true)),
            b'f' => self.lit(b"false").map(|()| Cell::Bool(false)),
            b'n' => self.lit(b"null").map(|()| Cell::Missing),
            _ => None,
        }
    }

    /// A number or `null`, as a cell. Plain integers of up to 15 digits
    /// are read here; every other number is handed to serde_json, so the
    /// cell is exactly the one of the general reader.
    fn number(&mut self) -> Option<Cell<'a>> {
        match self.peek()? {
            b'n' => return self.lit(b"null").map(|()| Cell::Missing),
            b'-' | b'0'..=b'9' => {}
            _ => return None,
        }
        let b = self.s.as_bytes();
        let start = self.i;
        while let Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') = b.get(self.i) {
            self.i += 1;
        }
        let t = b.get(start..self.i)?;
        let plain = !t.is_empty()
            && t.len() <= 15
            && t.iter().all(u8::is_ascii_digit)
            && (t.len() == 1 || t[0] != b'0');
        if plain {
            return Some(Cell::UInt(
                t.iter().fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0')),
            ));
        }
        serde_json::from_str::<serde_json::Number>(self.s.get(start..self.i)?)
            .ok()
            .map(|n| Cell::number(&n))
    }
}

/// The bytes of `x` (eight bytes of text, little-endian) that are `"`,
/// `\\` or below 0x20, as their high bits: the "has zero byte" and "has
/// byte less than" tests of Sean Anderson's *Bit Twiddling Hacks*. Bytes
/// above the first such byte may be marked wrongly (a borrow), bytes below
/// it never, so the lowest set bit is exactly the first one, and 0 means
/// there is none.
fn special_bytes(x: u64) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
    let below_0x20 = x.wrapping_sub(LO * 0x20) & !x & HI;
    zero(x ^ (LO * u64::from(b'"'))) | zero(x ^ (LO * u64::from(b'\\'))) | below_0x20
}

/// [`special_bytes`] on sixteen bytes with SSE2, part of every x86-64 CPU
/// (pulp's `Sse2` token makes the intrinsics safe to call; it always
/// exists on x86-64, where the feature is enabled at compile time).
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use core::arch::x86_64::__m128i;
    pub(super) use pulp::core_arch::x86::Sse2;

    /// Bit `k` set when byte `k` of `bytes` is `"`, `\\` or below 0x20.
    #[inline(always)]
    pub(super) fn special_bytes(sse2: Sse2, bytes: [u8; 16]) -> u32 {
        let v: __m128i = bytemuck::cast(bytes);
        let splat = |b: u8| sse2._mm_set1_epi8(i8::from_le_bytes([b]));
        // Unsigned `v <= 0x1f`: the minimum with 0x1f is `v` itself.
        let control = sse2._mm_cmpeq_epi8(sse2._mm_min_epu8(v, splat(0x1f)), v);
        let quote = sse2._mm_cmpeq_epi8(v, splat(b'"'));
        let backslash = sse2._mm_cmpeq_epi8(v, splat(b'\\'));
        let any = sse2._mm_or_si128(sse2._mm_or_si128(quote, backslash), control);
        // The mask has 16 significant bits.
        u32::from_le_bytes(sse2._mm_movemask_epi8(any).to_le_bytes())
    }
}

/// Up to 32 bytes of the usual layout (a key, or what comes between two
/// values), as two masked little-endian words for [`Cursor::at_lit`].
struct Lit {
    text: &'static str,
    words: [u128; 2],
    masks: [u128; 2],
}

impl Lit {
    /// `text` must be at most 32 bytes long (checked when compiling).
    const fn new(text: &'static str) -> Lit {
        let b = text.as_bytes();
        assert!(
            b.len() <= 32,
            "literals longer than 32 bytes need another test"
        );
        let mut words = [0u128; 2];
        let mut masks = [0u128; 2];
        let mut i = 0;
        while i < b.len() {
            words[i / 16] |= (b[i] as u128) << (8 * (i % 16));
            masks[i / 16] |= 0xff << (8 * (i % 16));
            i += 1;
        }
        Lit { text, words, masks }
    }
}

/// One key of an object: its name, and the usual way it is written
/// after the opening brace (`"name":`) or after another value
/// (`,"name":`), with no white space.
struct Key {
    name: Lit,
    first: Lit,
    next: Lit,
}

/// A [`Key`] from its name (a string literal).
macro_rules! key {
    ($name:literal) => {
        Key {
            name: Lit::new($name),
            first: Lit::new(concat!("\"", $name, "\":")),
            next: Lit::new(concat!(",\"", $name, "\":")),
        }
    };
}

/// A member written exactly as the generator (and most writers) write
/// it: the six keys in their usual order, every value a string, no white
/// space. `None` otherwise; the cursor may then have moved, and [`member`]
/// reads the member again with the general object loop, which gives the
/// same fields for such a member.
fn usual_member<'a>(c: &mut Cursor<'a>) -> Option<RawMember<'a>> {
    const LAYOUT: [Lit; 7] = [
        Lit::new("{\"name\":\""),
        Lit::new("\",\"nik\":\""),
        Lit::new("\",\"sex\":\""),
        Lit::new("\",\"birth_date\":\""),
        Lit::new("\",\"relationship\":\""),
        Lit::new("\",\"marital_status\":\""),
        Lit::new("\"}"),
    ];
    let mut v = [""; 6];
    for (slot, lit) in v.iter_mut().zip(&LAYOUT) {
        if !c.at_lit(lit) {
            return None;
        }
        *slot = c.string_body()?;
    }
    if !c.at_lit(&LAYOUT[6]) {
        return None;
    }
    let [name, nik, sex, birth_date, relationship, marital_status] = v.map(Cell::Text);
    Some(RawMember {
        name,
        nik,
        sex,
        birth_date,
        relationship,
        marital_status,
        unknown: None,
    })
}

/// Reads one object whose keys are among `keys`: `field` reads the value
/// of key `keys[k]`. `None` for an unknown key or a key given twice
/// (serde's `duplicate field`; the `Value` path keeps the last one).
///
/// Writers put the keys in one order (`keys` is the generator's) and
/// usually no white space: the next key in that order, with its comma and
/// colon, is tried first with one comparison; only when it is not there is
/// the text between values read token by token and the key looked up.
fn object<'a>(
    c: &mut Cursor<'a>,
    keys: &[Key],
    mut field: impl FnMut(&mut Cursor<'a>, usize) -> Option<()>,
) -> Option<()> {
    let (mut seen, mut first, mut guess) = (0u32, true, 0usize);
    c.eat(b'{')?;
    loop {
        let usual = keys
            .get(guess)
            .is_some_and(|g| c.at_lit(if first { &g.first } else { &g.next }));
        let k = if usual {
            first = false;
            guess
        } else {
            if !c.more(b'}', &mut first)? {
                return Some(());
            }
            c.ws();
            let k = match keys.get(guess) {
                Some(g) if c.at_key(&g.name) => guess,
                _ => {
                    let key = c.string()?;
                    keys.iter().position(|k| k.name.text == key)?
                }
            };
            c.eat(b':')?;
            k
        };
        let bit = 1u32 << k;
        if seen & bit != 0 {
            return None;
        }
        seen |= bit;
        field(c, k)?;
        guess = k + 1;
    }
}

/// Reads one array: `item` reads each element.
fn array<'a>(
    c: &mut Cursor<'a>,
    mut item: impl FnMut(&mut Cursor<'a>) -> Option<()>,
) -> Option<()> {
    let mut first = true;
    c.eat(b'[')?;
    while c.more(b']', &mut first)? {
        item(c)?;
    }
    Some(())
}

/// The keys of a member, in the usual order.
const MEMBER_KEYS: [Key; 6] = [
    key!("name"),
    key!("nik"),
    key!("sex"),
    key!("birth_date"),
    key!("relationship"),
    key!("marital_status"),
];

/// The keys of a measurement, in the usual order.
const MEASUREMENT_KEYS: [Key; 7] = [
    key!("nik"),
    key!("member"),
    key!("measured_on"),
    key!("weight_kg"),
    key!("length_cm"),
    key!("measure"),
    key!("oedema"),
];

fn member<'a>(c: &mut Cursor<'a>) -> Option<RawMember<'a>> {
    let start = c.i;
    if let Some(m) = usual_member(c) {
        return Some(m);
    }
    c.i = start;
    let mut m = RawMember::default();
    object(c, &MEMBER_KEYS, |c, k| {
        let slot = match k {
            0 => &mut m.name,
            1 => &mut m.nik,
            2 => &mut m.sex,
            3 => &mut m.birth_date,
            4 => &mut m.relationship,
            _ => &mut m.marital_status,
        };
        *slot = c.text()?;
        Some(())
    })?;
    Some(m)
}

fn housing<'a>(c: &mut Cursor<'a>) -> Option<RawHousing<'a>> {
    const KEYS: [Key; 5] = [
        key!("water_source"),
        key!("latrine"),
        key!("septic_tank"),
        key!("gooseneck"),
        key!("housing_layak"),
    ];
    let mut h = RawHousing::default();
    object(c, &KEYS, |c, k| {
        match k {
            0 => h.water_source = c.text()?,
            1 => h.latrine = c.text()?,
            2 => h.septic_tank = c.boolean()?,
            3 => h.gooseneck = c.boolean()?,
            _ => h.housing_layak = c.boolean()?,
        }
        Some(())
    })?;
    Some(h)
}

fn kb<'a>(c: &mut Cursor<'a>) -> Option<Field<RawKb<'a>>> {
    if c.peek()? == b'n' {
        return c.lit(b"null").map(|()| Field::Missing);
    }
    let mut kb = RawKb::default();
    const KEYS: [Key; 2] = [key!("method"), key!("reason_not_using")];
    object(c, &KEYS, |c, k| {
        match k {
            0 => kb.method = c.text()?,
            _ => kb.reason_not_using = c.text()?,
        }
        Some(())
    })?;
    Some(Field::Present(kb))
}

fn measurement<'a>(c: &mut Cursor<'a>) -> Option<RawMeasurement<'a>> {
    let mut m = RawMeasurement::default();
    object(c, &MEASUREMENT_KEYS, |c, k| {
        match k {
            0 => m.nik = c.text()?,
            1 => m.member = c.number()?,
            2 => m.measured_on = c.text()?,
            3 => m.weight_kg = c.number()?,
            4 => m.length_cm = c.number()?,
            5 => m.measure = c.text()?,
            _ => m.oedema = c.boolean()?,
        }
        Some(())
    })?;
    Some(m)
}

/// Scans the first line of `text`: one object, then only white space up
/// to a line feed or the end of `text`. Also the length of that line
/// (with its line feed).
fn scan_first<'a>(text: &'a str) -> Option<(RawFamily<'a>, usize)> {
    const KEYS: [Key; 7] = [
        key!("no_kk"),
        key!("region_code"),
        key!("members"),
        key!("housing"),
        key!("wife_pregnant"),
        key!("kb"),
        key!("measurements"),
    ];
    let mut c = Cursor { s: text, i: 0 };
    let mut raw = RawFamily::default();
    object(&mut c, &KEYS, |c, k| {
        match k {
            0 => raw.no_kk = c.text()?,
            1 => raw.region_code = c.text()?,
            2 => {
                let mut members = Vec::with_capacity(8);
                array(c, |c| {
                    members.push(Item::Object(member(c)?));
                    Some(())
                })?;
                raw.members = Field::Present(members);
            }
            3 => raw.housing = Field::Present(housing(c)?),
            4 => raw.wife_pregnant = c.boolean()?,
            5 => raw.kb = kb(c)?,
            _ => {
                if c.peek()? == b'n' {
                    c.lit(b"null")?;
                    raw.measurements = Field::Missing;
                } else {
                    let mut list = Vec::new();
                    array(c, |c| {
                        list.push(Item::Object(measurement(c)?));
                        Some(())
                    })?;
                    raw.measurements = Field::Present(list);
                }
            }
        }
        Some(())
    })?;
    c.ws();
    match text.as_bytes().get(c.i) {
        None => Some((raw, c.i)),
        Some(b'\n') => Some((raw, c.i + 1)),
        Some(_) => None,
    }
}

/// The typed record of one JSON Lines line when the scanner reads it
/// exactly (see the module documentation); `None` otherwise.
pub fn scan_line(line: &str) -> Option<RawRecord<'_>> {
    scan_first(line)
        .filter(|(_, used)| *used == line.len())
        .map(|(raw, _)| RawRecord::Family(raw))
}

/// [`scan_line`] on the first line of `text` (JSON Lines not yet cut into
/// lines): the record and the length of its line, with the line feed.
pub fn scan_first_line(text: &str) -> Option<(RawRecord<'_>, usize)> {
    scan_first(text).map(|(raw, used)| (RawRecord::Family(raw), used))
}

/// Why a line is not a record: serde_json's error class.
pub fn malformed_reason(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Eof => "JSON: incomplete line",
        serde_json::error::Category::Syntax => "JSON: syntax error",
        serde_json::error::Category::Data => "JSON: wrong data",
        serde_json::error::Category::Io => "JSON: read error",
    }
}

/// Reads and validates one JSON Lines line: through the scanner when it
/// reads the line, else through `serde_json` ([`RawRecord::from_value`]).
///
/// # Errors
/// The JSON parser's error when the line is not JSON.
pub fn read_line(line: &str, opts: &RegisterOptions) -> Result<RegisterRead, serde_json::Error> {
    if let Some(raw) = scan_line(line) {
        return Ok(super::validate::validate(&raw, opts));
    }
    let v: serde_json::Value = serde_json::from_str(line)?;
    Ok(super::validate::validate(&RawRecord::from_value(&v), opts))
}

/// JSON Lines read one line at a time: each line that is not blank, with
/// its number (from 1), as a JSON value or the reason it is not one. A
/// UTF-8 byte-order mark at the start is ignored; a line that is not
/// UTF-8, not JSON or longer than the limit is one `Err` and reading goes
/// on. For one-record-at-a-time commands (`kampung validate`); the report
/// engine reads in parallel chunks.
pub struct JsonLines<R> {
    input: R,
    max_line: usize,
    line: u64,
    buf: Vec<u8>,
}

impl<R: std::io::BufRead> JsonLines<R> {
    /// Lines of `input`, each at most `max_line` bytes.
    pub fn new(input: R, max_line: usize) -> JsonLines<R> {
        JsonLines {
            input,
            max_line,
            line: 0,
            buf: Vec::new(),
        }
    }
}

impl<R: std::io::BufRead> Iterator for JsonLines<R> {
    /// `(line, value)`, or `(line, why not)` (`register_malformed_line`,
    /// `register_line_too_long`); a read error ends the iteration with it.
    type Item = std::io::Result<(u64, Result<serde_json::Value, crate::FieldError>)>;

    fn next(&mut self) -> Option<Self::Item> {
        use std::io::{BufRead, Read};
        loop {
            self.buf.clear();
            let limit = (self.max_line as u64).saturating_add(1);
            let n = match (&mut self.input)
                .take(limit)
                .read_until(b'\n', &mut self.buf)
            {
                Ok(n) => n,
                Err(e) => return Some(Err(e)),
            };
            if n == 0 {
                return None;
            }
            self.line += 1;
            let malformed = |reason: &str| {
                crate::FieldError::new(crate::ErrorCode::RegisterMalformedLine)
                    .with_param("reason", reason)
            };
            if !self.buf.ends_with(b"\n") && self.buf.len() > self.max_line {
                // Skip the rest of the line.
                loop {
                    self.buf.clear();
                    match (&mut self.input)
                        .take(1 << 16)
                        .read_until(b'\n', &mut self.buf)
                    {
                        Ok(0) => break,
                        Ok(_) if self.buf.ends_with(b"\n") => break,
                        Ok(_) => {}
                        Err(e) => return Some(Err(e)),
                    }
                }
                let e = crate::FieldError::new(crate::ErrorCode::RegisterLineTooLong)
                    .with_param("max", self.max_line);
                return Some(Ok((self.line, Err(e))));
            }
            let mut bytes = self.buf.as_slice();
            if self.line == 1 {
                bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
            }
            let Ok(text) = std::str::from_utf8(bytes) else {
                return Some(Ok((self.line, Err(malformed("not UTF-8")))));
            };
            if text.trim().is_empty() {
                continue;
            }
            let v = serde_json::from_str(text).map_err(|e| malformed(malformed_reason(&e)));
            return Some(Ok((self.line, v)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::testing::{base, mutations, opts, USUAL};
    use serde_json::Value;

    /// The scanner's record equals the general reader's whenever the
    /// scanner answers, and reading the line gives what validating the
    /// general reader's record gives. True when the scanner answered.
    fn check(line: &str, opts: &RegisterOptions) -> bool {
        let scanned = scan_line(line);
        let value = serde_json::from_str::<Value>(line);
        if let Some(raw) = &scanned {
            let v = value.as_ref().unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(raw, &RawRecord::from_value(v), "{line}");
        }
        match (read_line(line, opts), &value) {
            (Ok(a), Ok(v)) => assert_eq!(
                a,
                crate::register::validate::validate(&RawRecord::from_value(v), opts),
                "{line}"
            ),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{line}"),
            (a, b) => panic!("{line}: {a:?} vs {b:?}"),
        }
        scanned.is_some()
    }

    #[test]
    fn scanner_equals_value_reader() {
        for opts in opts() {
            let line = base().to_string();
            assert!(check(&line, &opts), "the scanner reads the base record");
            let mut typed = 0;
            let all = mutations(&base());
            for m in &all {
                typed += usize::from(check(&m.to_string(), &opts));
            }
            assert!(all.len() > 1000, "{}", all.len());
            assert!(
                typed > 50,
                "{typed} of {} mutations were read by the scanner",
                all.len()
            );
        }
    }

    #[test]
    fn text_level_oddities_fall_back_or_agree() {
        let base = base().to_string();
        let lines = [
            // Escapes in values and keys.
            base.replace("\"Budi\"", "\"Bu\\u0064i\""),
            base.replace("\"no_kk\"", "\"no\\u005fkk\""),
            base.replace("\"ledeng\"", "\"lede\\u006eg\""),
            // A repeated key (the Value path keeps the last one).
            base.replacen('{', "{\"no_kk\":\"1\",", 1),
            base.replacen('{', "{\"no_kk\":\"6472052301150007\",", 1),
            // Not one object.
            format!("{base} {base}"),
            format!("[{base}]"),
            base[..base.len() - 1].to_owned(),
            format!("  {base}\r\n"),
            "{}".to_owned(),
            "null".to_owned(),
        ];
        for opts in opts() {
            for l in &lines {
                check(l, &opts);
            }
        }
    }

    /// Reading the first line of a text finds the same record as cutting
    /// that line first, and the line's length; it answers exactly when
    /// the cut line is typed.
    #[test]
    fn first_line_equals_cut_line() {
        let base = base().to_string();
        let lines = [
            format!("{base}\n"),
            format!("{base}\r\n"),
            format!(" \t{base} \t\n"),
            "\n".to_owned(),
            "  \r\n".to_owned(),
            format!("{base}x\n"),
            format!("{base}{base}\n"),
            base.replace("\"Budi\"", "\"Bu\\\"di\""),
            base.clone(),
        ];
        {
            for (k, first) in lines.iter().enumerate() {
                for next in ["", "{\"no_kk\":1}\n", "\n", &base] {
                    // A line without its line feed is the last one.
                    if !first.ends_with('\n') && !next.is_empty() {
                        continue;
                    }
                    let text = format!("{first}{next}");
                    let got = scan_first_line(&text);
                    let want = scan_line(first);
                    assert_eq!(got.as_ref().map(|(f, _)| f), want.as_ref(), "{k} {text:?}");
                    if let Some((_, used)) = got {
                        assert_eq!(used, first.len(), "{k} {text:?}");
                    }
                }
            }
        }
    }

    /// Lines the scanner must read like serde_json: white space between
    /// tokens, numbers in every JSON form, literals, nesting, text that is
    /// not ASCII; and lines it must leave to the `Value` path.
    #[test]
    fn scanner_edge_cases_agree() {
        let pretty = serde_json::to_string_pretty(&base()).expect("json");
        let base = base().to_string();
        let typed = [
            format!(" \t{base}\r\n"),
            base.replace("\"Budi\"", "\"Büdi Ñoto 李\""),
            base.replace("9.1", "9.10"),
            base.replace("9.1", "91e-1"),
            base.replace("9.1", "0.91E1"),
            base.replace("9.1", "9.100000000000000000001"),
            base.replace("\"length_cm\":74", "\"length_cm\":74.0"),
            base.replace("\"member\":2", "\"member\":2.0"),
            base.replace("\"member\":2", "\"member\":2e0"),
            base.replace("\"wife_pregnant\":false", "\"wife_pregnant\":null"),
            base.replace("\"wife_pregnant\":false", "\"wife_pregnant\" : false "),
        ];
        let mut typed_count = 0;
        for opts in opts() {
            for l in &typed {
                typed_count += usize::from(check(l, &opts));
            }
        }
        assert_eq!(typed_count, 2 * typed.len());
        let others = [
            // One record over several lines: JSON, but not JSON Lines.
            pretty.clone(),
            pretty.replace('\n', "\r\n").replace("  ", "\t"),
            base.replace("9.1", "09.1"),
            base.replace("9.1", "9."),
            base.replace("9.1", ".9"),
            base.replace("9.1", "-9.1"),
            base.replace("9.1", "9.1e400"),
            base.replace("9.1", "1e-400"),
            base.replace("9.1", "+9.1"),
            base.replace("9.1", "9.1.1"),
            base.replace("9.1", "NaN"),
            base.replace("\"member\":2", "\"member\":-0"),
            base.replace("\"member\":2", "\"member\":02"),
            base.replace("\"member\":2", "\"member\":18446744073709551617"),
            base.replace("\"member\":2", "\"member\":1234567890123456"),
            base.replace("false", "fals"),
            base.replace("false", "False"),
            base.replace("true", "truex"),
            base.replace("null", "nul"),
            base.replace(",\"housing\"", ",,\"housing\""),
            base.replace("}]", "},]"),
            base.replace("\"Budi\"", "\"Bu\tdi\""),
            base.replace("\"Budi\"", "\"Bu\\\"di\""),
            base.replace("\"Budi\"", "\"Bu\u{7f}di\""),
            base.replace("\"housing\":{", "\"housing\":null,\"y\":{"),
            base.replace("\"members\":[", "\"members\":null,\"z\":["),
            format!("{base}x"),
            format!("{base}}}"),
            base.replacen('{', "{ ", 1).replacen(':', " :", 1),
        ];
        for opts in opts() {
            for l in &others {
                check(l, &opts);
            }
        }
    }

    /// Every line one byte edit away from a valid record (a byte deleted,
    /// doubled, or replaced by a JSON delimiter, a digit, a letter, a
    /// control character or a non-ASCII character) gets the same outcome
    /// from the fast path as from the `Value` path.
    #[test]
    fn byte_edits_agree() {
        let opts = &opts()[0];
        let subs = [
            "", "\"", "\\", ",", ":", "{", "}", "[", "]", " ", "\t", "0", "9", "-", "+", ".", "e",
            "n", "t", "\u{1}", "é",
        ];
        // `base()` has its keys sorted (serde_json's map); `USUAL` has them
        // in the generator's order, which `usual_member` reads.
        for base in [base().to_string(), USUAL.to_owned()] {
            assert!(check(&base, opts), "{base}");
            let mut typed = 0;
            for i in 0..base.len() {
                let (head, tail) = base.split_at(i);
                let doubled = format!("{head}{}{tail}", &tail[..1]);
                typed += usize::from(check(&doubled, opts));
                for s in subs {
                    typed += usize::from(check(&format!("{head}{s}{}", &tail[1..]), opts));
                }
            }
            assert!(typed > 100, "{typed}");
        }
    }

    /// The eight-byte test finds the first byte that ends a string scan,
    /// whatever comes after it, and nothing where there is none.
    #[test]
    fn eight_byte_test_is_exact() {
        let specials: Vec<u8> = (0u8..0x20).chain([b'"', b'\\']).collect();
        let fills = [
            b'a', b' ', 0x7f, 0x80, 0xff, b'!', b'#', b'[', b']', 0x21, 0x5d,
        ];
        for &special in &specials {
            for pos in 0..8 {
                for fill in fills {
                    for &after in specials.iter().chain(&fills) {
                        let mut bytes = [fill; 8];
                        bytes[pos] = special;
                        for b in bytes.iter_mut().skip(pos + 1) {
                            *b = after;
                        }
                        let m = special_bytes(u64::from_le_bytes(bytes));
                        assert_eq!(m.trailing_zeros() / 8, pos as u32, "{bytes:?}");
                    }
                }
            }
        }
        for fill in (0x20u8..=0xff).filter(|b| *b != b'"' && *b != b'\\') {
            assert_eq!(special_bytes(u64::from_le_bytes([fill; 8])), 0);
        }
    }

    /// The sixteen-byte test marks exactly the special bytes, every one.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn sixteen_byte_test_is_exact() {
        let special = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
        let token = sse2::Sse2::try_new().expect("SSE2 on x86-64");
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for round in 0..20_000u32 {
            let mut bytes = [0u8; 16];
            for (k, b) in bytes.iter_mut().enumerate() {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                let byte = (state >> 56).to_le_bytes()[0];
                // Also every byte value at every position among plain text.
                *b = if round < 4096 {
                    if k == (round as usize >> 8) {
                        (round & 0xff).to_le_bytes()[0]
                    } else {
                        b'a'
                    }
                } else {
                    byte
                };
            }
            let want = bytes
                .iter()
                .enumerate()
                .fold(0u32, |m, (k, b)| m | u32::from(special(*b)) << k);
            assert_eq!(sse2::special_bytes(token, bytes), want, "{bytes:?}");
        }
    }

    /// Lines with their numbers; blank lines skipped; a bad line is one
    /// error and reading goes on.
    #[test]
    fn json_lines_number_and_skip() {
        let text = b"\xef\xbb\xbf{\"a\":1}\n\n \r\n{x\n\xff\n[1,2,3,4,5,6,7,8,9]\n2";
        let got: Vec<(u64, Result<String, &str>)> = JsonLines::new(&text[..], 12)
            .map(|r| {
                let (n, v) = r.expect("in memory");
                (n, v.map(|v| v.to_string()).map_err(|e| e.code().as_str()))
            })
            .collect();
        assert_eq!(
            got,
            [
                (1, Ok("{\"a\":1}".to_owned())),
                (4, Err("register_malformed_line")),
                (5, Err("register_malformed_line")),
                (6, Err("register_line_too_long")),
                (7, Ok("2".to_owned())),
            ]
        );
    }
}

/// DOMAIN.md §9's input rulings on the register, as `validate_family`
/// applies them: an unknown key inside a member, housing, KB or
/// measurement object is `unknown_field` with its path (§9.5); identifiers
/// arrive as text or exact integers, never as floats (issue 16.7).
#[cfg(test)]
mod rulings {
    use super::read_line;
    use crate::register::testing::{base, opts};
    use serde_json::{json, Value};

    /// (codes, paths) of the errors of one record.
    fn problems(v: &Value) -> (bool, Vec<(String, String)>) {
        let read = read_line(&v.to_string(), &opts()[0]).expect("JSON");
        let list = read
            .errors
            .iter()
            .map(|e| (e.code().as_str().to_owned(), e.path().to_string()))
            .collect();
        (read.family.is_some(), list)
    }

    #[test]
    fn the_base_record_is_valid() {
        assert_eq!(problems(&base()), (true, vec![]));
    }

    #[test]
    fn unknown_keys_in_nested_objects_are_errors_with_their_path() {
        let cases = [
            ("/members/1", "nama", "members[1].nama", false),
            ("/housing", "water_sorce", "housing.water_sorce", false),
            ("/kb", "metode", "kb.metode", false),
            ("/measurements/0", "weight", "measurements[0].weight", true),
        ];
        for (pointer, key, path, family_kept) in cases {
            let mut v = base();
            v.pointer_mut(pointer)
                .and_then(Value::as_object_mut)
                .expect("object")
                .insert(key.into(), json!("x"));
            let (kept, errs) = problems(&v);
            assert_eq!(kept, family_kept, "{path}");
            assert!(
                errs.contains(&("unknown_field".into(), path.into())),
                "{path}: {errs:?}"
            );
        }
    }

    #[test]
    fn identifiers_as_integers_are_read_and_floats_refused() {
        let mut v = base();
        v["no_kk"] = json!(6_472_052_301_150_007_u64);
        v["members"][0]["nik"] = json!(6_472_050_101_850_003_u64);
        assert_eq!(problems(&v), (true, vec![]));

        let mut v = base();
        v["members"][1]["nik"] = json!(6_472_054_507_900_002.0_f64);
        let (kept, errs) = problems(&v);
        assert!(!kept);
        assert!(
            errs.contains(&("identifier_is_float".into(), "members[1].nik".into())),
            "{errs:?}"
        );
    }
}
