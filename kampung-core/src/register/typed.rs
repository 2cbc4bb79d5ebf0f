//! The typed fast path of the register reader.
//!
//! [`read_typed`] reads one JSON Lines record with a small scanner
//! specialised to the register schema (text fields point into the line; no
//! `serde_json::Value` tree, no `String` per key, no serde visitor per
//! field) and validates it with the same functions as
//! [`RegisterFamily::from_value`]. It only answers for records it describes
//! **exactly** and that are **entirely valid**:
//!
//! * the line is one JSON object (white space around tokens allowed, as
//!   RFC 8259 §2 and serde_json allow it), and every object has only the
//!   documented keys, each at most once, each of the one JSON type the
//!   common form uses (text as strings, yes/no as `true`/`false`, numbers as
//!   numbers; `null` is read as absent, as the `Value` path does);
//! * no text has an escape (`\`) or a control character: such lines are
//!   read by the `Value` path, which decodes them;
//! * numbers other than short plain integers are converted by serde_json
//!   itself, so they are the very `f64`s the `Value` path sees;
//! * the family and every measurement validate without a single error.
//!
//! Anything else (a record with an unknown key, `"sex": 1`, `"oedema": "y"`,
//! a bad NIK, one measurement before birth, malformed JSON…) gives `None`,
//! and the caller reads the line again through the `Value` path, which
//! produces every error code, path, message and count. So the errors of a
//! report never come from this module, and a record it accepts is the
//! [`RegisterFamily`] that `from_value` returns for it (the tests
//! `typed_equals_value_path`, `text_level_oddities_fall_back_or_agree` and
//! `examples/tests/report_fast_path.rs` check this on mutated records, the
//! bundled sample and a generated register with many defects).

use super::{
    check_positive, check_wife, finish_measurement, kb_from_parts, measure_code, measured_on,
    resolve_member, KbStatus, Measurement, RegisterFamily, RegisterOptions, MAX_VALUE,
};
use crate::error::ValidationErrors;
use crate::family::person::{Person, PersonTexts};
use crate::family::{Family, FamilyOptions};
use crate::id::nomor_kk::NomorKk;
use crate::id::wilayah::KodeWilayah;
use crate::kb::method::{Method, NonUseReason};
use crate::kb::read::{int_in, number_in};
use crate::risk::krs::{check_housing, HousingParts, Latrine, WaterSource};

/// A text field as read: `None` when absent or `null`.
type Text<'a> = Option<&'a str>;

#[derive(Default)]
struct RawMember<'a> {
    name: Text<'a>,
    nik: Text<'a>,
    sex: Text<'a>,
    birth_date: Text<'a>,
    relationship: Text<'a>,
    marital_status: Text<'a>,
}

#[derive(Default)]
struct RawHousing<'a> {
    water_source: Text<'a>,
    latrine: Text<'a>,
    septic_tank: Option<bool>,
    gooseneck: Option<bool>,
    housing_layak: Option<bool>,
}

#[derive(Default)]
struct RawKb<'a> {
    method: Text<'a>,
    reason_not_using: Text<'a>,
}

#[derive(Default)]
struct RawMeasurement<'a> {
    nik: Text<'a>,
    member: Option<f64>,
    measured_on: Text<'a>,
    weight_kg: Option<f64>,
    length_cm: Option<f64>,
    measure: Text<'a>,
    oedema: Option<bool>,
}

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

    /// A string or `null`.
    fn text(&mut self) -> Option<Text<'a>> {
        match self.peek()? {
            b'"' => self.string().map(Some),
            b'n' => self.lit(b"null").map(|()| None),
            _ => None,
        }
    }

    /// `true`, `false` or `null`.
    fn boolean(&mut self) -> Option<Option<bool>> {
        match self.peek()? {
            b't' => self.lit(b"true").map(|()| Some(true)),
            b'f' => self.lit(b"false").map(|()| Some(false)),
            b'n' => self.lit(b"null").map(|()| None),
            _ => None,
        }
    }

    /// A number or `null`. Plain integers of up to 15 digits are exact in
    /// an `f64` and read here; every other number is handed to serde_json,
    /// so the value is bit for bit the one of the `Value` path.
    fn number(&mut self) -> Option<Option<f64>> {
        match self.peek()? {
            b'n' => return self.lit(b"null").map(|()| None),
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
            let n = t.iter().fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
            #[allow(clippy::cast_precision_loss)]
            return Some(Some(n as f64));
        }
        serde_json::from_str::<f64>(self.s.get(start..self.i)?)
            .ok()
            .map(Some)
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
    let [name, nik, sex, birth_date, relationship, marital_status] = v.map(Some);
    Some(RawMember {
        name,
        nik,
        sex,
        birth_date,
        relationship,
        marital_status,
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

/// The keys of a member, in the usual order (also the columns of a member
/// row, `register::entities`).
const MEMBER_KEYS: [Key; 6] = [
    key!("name"),
    key!("nik"),
    key!("sex"),
    key!("birth_date"),
    key!("relationship"),
    key!("marital_status"),
];

/// The keys of a measurement, in the usual order (also the columns of a
/// measurement row).
const MEASUREMENT_KEYS: [Key; 7] = [
    key!("nik"),
    key!("member"),
    key!("measured_on"),
    key!("weight_kg"),
    key!("length_cm"),
    key!("measure"),
    key!("oedema"),
];

/// The names of `keys`.
const fn names<const N: usize>(keys: &[Key; N]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = keys[i].name.text;
        i += 1;
    }
    out
}

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

fn kb<'a>(c: &mut Cursor<'a>) -> Option<Option<RawKb<'a>>> {
    if c.peek()? == b'n' {
        return c.lit(b"null").map(|()| None);
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
    Some(Some(kb))
}

fn raw_measurement<'a>(c: &mut Cursor<'a>) -> Option<RawMeasurement<'a>> {
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

/// A text field as `Fields::text` reads it: blank text is absent.
fn text<'s>(t: Text<'s>) -> Option<&'s str> {
    t.filter(|s| !crate::input::trim(s).is_empty())
}

/// `Some(x)` when `r` is `Ok`; the typed path gives up on any error.
fn ok<T, E>(r: Result<T, E>) -> Option<T> {
    r.ok()
}

/// Runs `f` with a fresh error list; `None` when it records anything.
fn clean<T>(f: impl FnOnce(&mut ValidationErrors) -> Option<T>) -> Option<T> {
    let mut errors = ValidationErrors::new();
    let x = f(&mut errors);
    if errors.is_empty() {
        x
    } else {
        None
    }
}

/// One member, when it validates on its own.
fn person(m: &RawMember<'_>, opts: &RegisterOptions) -> Option<Person> {
    let t = PersonTexts {
        name: text(m.name),
        nik: text(m.nik),
        sex: text(m.sex),
        birth_date: text(m.birth_date),
        relationship: text(m.relationship),
        marital_status: text(m.marital_status),
    };
    ok(Person::from_texts(&t, opts.as_of, ValidationErrors::new()))
}

/// The fields of a record, as scanned.
#[derive(Default)]
struct RawFamily<'a> {
    no_kk: Text<'a>,
    region_code: Text<'a>,
    /// The members, each validated as soon as it is read.
    members: Option<Vec<Person>>,
    housing: Option<RawHousing<'a>>,
    wife_pregnant: Option<bool>,
    kb: Option<RawKb<'a>>,
    measurements: Vec<RawMeasurement<'a>>,
}

/// Scans the whole line: one object and nothing but white space after it.
fn scan<'a>(line: &'a str, opts: &RegisterOptions) -> Option<RawFamily<'a>> {
    scan_first_line(line, opts)
        .filter(|(_, used)| *used == line.len())
        .map(|(raw, _)| raw)
}

/// Scans the first line of `text`: one object, then only white space up to
/// a line feed or the end of `text`. Also the length of that line (with its
/// line feed).
fn scan_first_line<'a>(text: &'a str, opts: &RegisterOptions) -> Option<(RawFamily<'a>, usize)> {
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
                    members.push(person(&member(c)?, opts)?);
                    Some(())
                })?;
                raw.members = Some(members);
            }
            3 => raw.housing = Some(housing(c)?),
            4 => raw.wife_pregnant = c.boolean()?,
            5 => raw.kb = kb(c)?,
            _ => {
                if c.peek()? == b'n' {
                    c.lit(b"null")?;
                } else {
                    array(c, |c| {
                        raw.measurements.push(raw_measurement(c)?);
                        Some(())
                    })?;
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

/// Reads one JSON Lines record through the typed fast path: the validated
/// family when the record is described exactly by the scanner and has no
/// problem at all, `None` otherwise (then read it with
/// [`RegisterFamily::from_value`]; see the module documentation).
pub fn read_typed(line: &str, opts: &RegisterOptions) -> Option<RegisterFamily> {
    validate(scan(line, opts)?, opts)
}

/// [`read_typed`] on the first line of `text` (JSON Lines not yet cut
/// into lines): the family and the length of its line, with the line feed.
pub fn read_typed_first_line(
    text: &str,
    opts: &RegisterOptions,
) -> Option<(RegisterFamily, usize)> {
    let (raw, used) = scan_first_line(text, opts)?;
    Some((validate(raw, opts)?, used))
}

/// One cell of a table row, as [`TableRow::cell`] gives it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'a> {
    /// No such column, or a null cell.
    Missing,
    /// Text (a CSV cell is always text).
    Text(&'a str),
    /// A boolean (DataFrame, JSON).
    Bool(bool),
    /// A number (DataFrame, JSON), as the `Value` path reads it.
    Number(f64),
    /// Anything else (a list, an object, a number not read as `f64`).
    Other,
}

/// A row of one of the register's tables (`register::entities`): a JSON
/// object of cells, or a CSV record with its header.
pub trait TableRow {
    /// The cell of `column` (the last one, when a header repeats).
    fn cell(&self, column: &str) -> Cell<'_>;
    /// True when every column of the row is `no_kk` or in `columns`.
    fn only_columns(&self, columns: &[&str]) -> bool;
    /// False for a JSON value that is not an object.
    fn is_row(&self) -> bool {
        true
    }
}

impl TableRow for serde_json::Value {
    fn cell(&self, column: &str) -> Cell<'_> {
        use serde_json::Value;
        match self.get(column) {
            None | Some(Value::Null) => Cell::Missing,
            Some(Value::String(s)) => Cell::Text(s),
            Some(Value::Bool(b)) => Cell::Bool(*b),
            Some(Value::Number(n)) => n.as_f64().map_or(Cell::Other, Cell::Number),
            Some(_) => Cell::Other,
        }
    }
    fn only_columns(&self, columns: &[&str]) -> bool {
        self.as_object().is_some_and(|m| {
            m.keys()
                .all(|k| k == "no_kk" || columns.contains(&k.as_str()))
        })
    }
    fn is_row(&self) -> bool {
        self.is_object()
    }
}

/// [`read_typed`] for a family given as table rows (`register::entities`:
/// a family row with its member and measurement rows): the record
/// [`super::entities::assemble_record`] would build, read without building
/// it, when every cell is in a plain form and the family has no problem at
/// all; `None` otherwise (then assemble the record and read it with
/// [`RegisterFamily::from_value`], which reports every problem).
///
/// Plain forms, each read exactly as the `Value` path reads it: text cells
/// as text (blank = missing, as `assemble_record` makes them), yes/no
/// cells as booleans or the texts `true`/`false`, numbers as numbers or
/// texts of digits with at most one decimal point; member and measurement
/// rows with only their documented columns.
pub fn read_rows_typed<R: TableRow + ?Sized>(
    family: &R,
    members: &[&R],
    measurements: &[&R],
    opts: &RegisterOptions,
) -> Option<RegisterFamily> {
    // `Some(cell)` for a cell in a plain form (`None` inside: missing).
    fn text<'r, R: TableRow + ?Sized>(row: &'r R, k: &str) -> Option<Text<'r>> {
        match row.cell(k) {
            Cell::Missing => Some(None),
            Cell::Text(s) if s.trim().is_empty() => Some(None),
            Cell::Text(s) => Some(Some(s)),
            _ => None,
        }
    }
    fn yes_no<R: TableRow + ?Sized>(row: &R, k: &str) -> Option<Option<bool>> {
        match row.cell(k) {
            Cell::Missing => Some(None),
            Cell::Bool(b) => Some(Some(b)),
            Cell::Text(s) if s.trim().is_empty() => Some(None),
            Cell::Text("true") => Some(Some(true)),
            Cell::Text("false") => Some(Some(false)),
            _ => None,
        }
    }
    fn number<R: TableRow + ?Sized>(row: &R, k: &str) -> Option<Option<f64>> {
        match row.cell(k) {
            Cell::Missing => Some(None),
            Cell::Number(x) => Some(Some(x)),
            Cell::Text(s) if s.trim().is_empty() => Some(None),
            Cell::Text(s) => {
                let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
                let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
                (digits(int) && digits(frac)).then(|| s.parse::<f64>().ok().map(Some))?
            }
            _ => None,
        }
    }
    const MEMBER: [&str; 6] = names(&MEMBER_KEYS);
    const MEASUREMENT: [&str; 7] = names(&MEASUREMENT_KEYS);
    if !family.is_row() {
        return None;
    }
    let mut people = Vec::with_capacity(members.len());
    for m in members {
        if !m.is_row() || !m.only_columns(&MEMBER) {
            return None;
        }
        let raw = RawMember {
            name: text(*m, "name")?,
            nik: text(*m, "nik")?,
            sex: text(*m, "sex")?,
            birth_date: text(*m, "birth_date")?,
            relationship: text(*m, "relationship")?,
            marital_status: text(*m, "marital_status")?,
        };
        people.push(person(&raw, opts)?);
    }
    let mut raw_measurements = Vec::with_capacity(measurements.len());
    for x in measurements {
        if !x.is_row() || !x.only_columns(&MEASUREMENT) {
            return None;
        }
        raw_measurements.push(RawMeasurement {
            nik: text(*x, "nik")?,
            member: number(*x, "member")?,
            measured_on: text(*x, "measured_on")?,
            weight_kg: number(*x, "weight_kg")?,
            length_cm: number(*x, "length_cm")?,
            measure: text(*x, "measure")?,
            oedema: yes_no(*x, "oedema")?,
        });
    }
    let f = family;
    let (method, reason) = (text(f, "kb_method")?, text(f, "kb_reason")?);
    let raw = RawFamily {
        no_kk: text(f, "no_kk")?,
        region_code: text(f, "region_code")?,
        members: Some(people),
        housing: Some(RawHousing {
            water_source: text(f, "water_source")?,
            latrine: text(f, "latrine")?,
            septic_tank: yes_no(f, "septic_tank")?,
            gooseneck: yes_no(f, "gooseneck")?,
            housing_layak: yes_no(f, "housing_layak")?,
        }),
        wife_pregnant: yes_no(f, "wife_pregnant")?,
        kb: (method.is_some() || reason.is_some()).then_some(RawKb {
            method,
            reason_not_using: reason,
        }),
        measurements: raw_measurements,
    };
    validate(raw, opts)
}

/// The family of a scanned record, when it has no problem at all.
fn validate(raw: RawFamily<'_>, opts: &RegisterOptions) -> Option<RegisterFamily> {
    let fopts = FamilyOptions::new(opts.as_of);

    let no_kk = ok(NomorKk::parse(text(raw.no_kk)?))?;
    let region_code = ok(KodeWilayah::parse(text(raw.region_code)?))?;
    let family = ok(Family::from_parts(no_kk, region_code, raw.members?, &fopts))?;

    let h = raw.housing?;
    let parts = HousingParts {
        water: Some(ok(WaterSource::parse(text(h.water_source)?))?),
        latrine: Some(ok(Latrine::parse(text(h.latrine)?))?),
        septic: h.septic_tank,
        septic_absent: h.septic_tank.is_none(),
        gooseneck: h.gooseneck,
        gooseneck_absent: h.gooseneck.is_none(),
        housing_layak: h.housing_layak,
        housing_layak_absent: h.housing_layak.is_none(),
    };
    let housing = clean(|e| check_housing(&parts, &opts.krs_rules, e))?;

    let kb: Option<KbStatus> = match &raw.kb {
        None => None,
        Some(k) => {
            let method = ok(Method::parse(text(k.method)?))?;
            let reason = match text(k.reason_not_using) {
                None => None,
                Some(r) => Some(ok(NonUseReason::parse(r))?),
            };
            Some(clean(|e| kb_from_parts(Some(method), reason, e))?)
        }
    };
    let wife_pregnant = raw.wife_pregnant.unwrap_or(false)
        || kb.is_some_and(|k| k.reason == Some(NonUseReason::Hamil));
    clean(|e| {
        check_wife(&family, raw.wife_pregnant, raw.kb.is_none(), opts, e);
        Some(())
    })?;

    let mut measurements = Vec::with_capacity(raw.measurements.len());
    for m in &raw.measurements {
        measurements.push(measurement(m, &family, opts)?);
    }
    Some(RegisterFamily {
        family,
        housing,
        wife_pregnant,
        kb,
        measurements,
    })
}

/// One measurement, when it has no problem.
fn measurement(
    m: &RawMeasurement<'_>,
    family: &Family,
    opts: &RegisterOptions,
) -> Option<Measurement> {
    clean(|e| {
        let finite = |x: Option<f64>| x.filter(|x| x.is_finite());
        // A JSON number is always finite; refuse anything else outright.
        if finite(m.member) != m.member
            || finite(m.weight_kg) != m.weight_kg
            || finite(m.length_cm) != m.length_cm
        {
            return None;
        }
        let member_ix = match m.member {
            Some(x) => Some(int_in(x, "member", 0, 1000, e)?),
            None => None,
        };
        let member = resolve_member(text(m.nik), member_ix, m.member.is_none(), family, e);
        let measured_on = measured_on(text(m.measured_on)?, opts.as_of, e);
        let weight_kg = match m.weight_kg {
            Some(x) => Some(number_in(x, "weight_kg", 0.0, MAX_VALUE, e)?),
            None => None,
        };
        let length_cm = match m.length_cm {
            Some(x) => Some(number_in(x, "length_cm", 0.0, MAX_VALUE, e)?),
            None => None,
        };
        check_positive(weight_kg, length_cm, e);
        let measure = match text(m.measure) {
            Some(s) => ok(measure_code(s))?,
            None => None,
        };
        let oedema = m.oedema.unwrap_or(false);
        let values = (weight_kg, length_cm, measure, oedema);
        ok(finish_measurement(
            family,
            member,
            measured_on,
            values,
            ValidationErrors::new(),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::krs::{KrsRuleSet, LatrineRule};
    use chrono::NaiveDate;
    use serde_json::{json, Value};

    fn opts() -> Vec<RegisterOptions> {
        let as_of = NaiveDate::from_ymd_opt(2025, 7, 1).expect("date");
        let strict = KrsRuleSet {
            latrine: LatrineRule::SigaCompiled,
            include_housing: true,
            ..KrsRuleSet::default()
        };
        vec![
            RegisterOptions::new(as_of),
            RegisterOptions {
                as_of,
                krs_rules: strict,
            },
        ]
    }

    /// A valid record that the typed path accepts.
    fn base() -> Value {
        json!({"no_kk": "6472052301150007", "region_code": "64.72.05.2001",
            "members": [
              {"name": "Budi", "nik": "6472050101850003", "sex": "L", "birth_date": "1985-01-01",
               "relationship": "kepala_keluarga", "marital_status": "kawin"},
              {"name": "Siti", "nik": "6472054507900002", "sex": "P", "birth_date": "1990-07-05",
               "relationship": "istri", "marital_status": "kawin"},
              {"name": "Bayu", "sex": "L", "birth_date": "2024-06-15",
               "relationship": "anak", "marital_status": "belum_kawin"}],
            "housing": {"water_source": "ledeng", "latrine": "sendiri", "septic_tank": true,
                        "gooseneck": true, "housing_layak": false},
            "wife_pregnant": false,
            "kb": {"method": "none", "reason_not_using": "iat"},
            "measurements": [
              {"member": 2, "measured_on": "2025-06-01", "weight_kg": 9.1, "length_cm": 74,
               "measure": "l", "oedema": false},
              {"member": 2, "measured_on": "2025-01-01", "weight_kg": 7.5}]})
    }

    /// Values put in place of each field.
    fn replacements(current: &Value) -> Vec<Value> {
        let mut out = vec![
            Value::Null,
            json!(""),
            json!(" "),
            json!("x"),
            json!("NA"),
            json!("L"),
            json!("h"),
            json!("hamil"),
            json!("tidak_ada"),
            json!("2024-02-30"),
            json!("2026-01-01"),
            json!("6472051506240001"),
            json!(0),
            json!(1),
            json!(2),
            json!(-1),
            json!(1.5),
            json!(3000),
            json!(true),
            json!(false),
            json!([]),
            json!({}),
        ];
        if let Value::String(s) = current {
            out.push(json!(format!(" {s} ")));
            out.push(json!(s.to_uppercase()));
            out.push(json!(s.replace('_', " ")));
        }
        if let Value::Number(n) = current {
            out.push(json!(n.to_string()));
            out.push(json!(-n.as_f64().unwrap_or(0.0)));
        }
        out
    }

    /// Every record one edit away from `v`: each field removed or replaced,
    /// an unknown field added, an object replaced by an array.
    fn mutations(v: &Value) -> Vec<Value> {
        let mut out = Vec::new();
        match v {
            Value::Object(m) => {
                let mut extra = m.clone();
                extra.insert("extra".to_owned(), json!(1));
                out.push(Value::Object(extra));
                out.push(Value::Array(m.values().cloned().collect()));
                for (k, x) in m {
                    let mut gone = m.clone();
                    gone.remove(k);
                    out.push(Value::Object(gone));
                    for r in replacements(x).into_iter().chain(mutations(x)) {
                        let mut changed = m.clone();
                        changed.insert(k.clone(), r);
                        out.push(Value::Object(changed));
                    }
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    for r in mutations(x) {
                        let mut changed = a.clone();
                        changed[i] = r;
                        out.push(Value::Array(changed));
                    }
                }
                if let Some(first) = a.first() {
                    let mut more = a.clone();
                    more.push(first.clone());
                    out.push(Value::Array(more));
                }
                out.push(json!([]));
            }
            _ => {}
        }
        out
    }

    fn check(line: &str, opts: &RegisterOptions) -> bool {
        let combined = RegisterFamily::from_json_line(line, opts);
        let value =
            serde_json::from_str::<Value>(line).map(|v| RegisterFamily::from_value(&v, opts));
        match (combined, value) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{line}"),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{line}"),
            (a, b) => panic!("{line}: {a:?} vs {b:?}"),
        }
        read_typed(line, opts).is_some()
    }

    #[test]
    fn typed_equals_value_path() {
        for opts in opts() {
            let line = base().to_string();
            assert!(check(&line, &opts), "the base record takes the typed path");
            let mut typed = 0;
            let all = mutations(&base());
            for m in &all {
                typed += usize::from(check(&m.to_string(), &opts));
            }
            assert!(all.len() > 1000, "{}", all.len());
            assert!(
                typed > 50,
                "{typed} of {} mutations took the typed path",
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
        for opts in opts() {
            for (k, first) in lines.iter().enumerate() {
                for next in ["", "{\"no_kk\":1}\n", "\n", &base] {
                    // A line without its line feed is the last one.
                    if !first.ends_with('\n') && !next.is_empty() {
                        continue;
                    }
                    let text = format!("{first}{next}");
                    let got = read_typed_first_line(&text, &opts);
                    let want = read_typed(first, &opts);
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

    /// A record as `kampung generate` writes it (keys in its order).
    const USUAL: &str = concat!(
        r#"{"no_kk":"6472052301150007","region_code":"64.72.05.2001","members":["#,
        r#"{"name":"Budi","nik":"6472050101850003","sex":"L","birth_date":"1985-01-01","#,
        r#""relationship":"kepala_keluarga","marital_status":"kawin"},"#,
        r#"{"name":"Siti","nik":"6472054507900002","sex":"P","birth_date":"1990-07-05","#,
        r#""relationship":"istri","marital_status":"kawin"},"#,
        r#"{"name":"Bayu","sex":"L","birth_date":"2024-06-15","relationship":"anak","#,
        r#""marital_status":"belum_kawin"}],"#,
        r#""housing":{"water_source":"ledeng","latrine":"sendiri","septic_tank":true},"#,
        r#""wife_pregnant":false,"kb":{"method":"none","reason_not_using":"iat"},"#,
        r#""measurements":[{"member":2,"measured_on":"2025-06-01","weight_kg":9.1,"#,
        r#""length_cm":74,"measure":"l","oedema":false}]}"#
    );

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
}
