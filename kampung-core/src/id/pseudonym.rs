//! Pseudonyms of NIKs and Nomor KKs, and the identifier a register holds:
//! the real number or its pseudonym.
//!
//! A pseudonym is written `P1N-` (NIK) or `P1K-` (Nomor KK) followed by
//! 26 characters of RFC 4648 base32 (`A-Z`, `2-7`): the 128 bits of a
//! keyed hash (see [`crate::pseudonym`], which makes them). It has
//! letters and a dash, so it can never be read as a NIK or a Nomor KK
//! (16 digits, DOMAIN.md §7.1-§7.2). `P1NX-`/`P1KX-` mark the pseudonym
//! of a number that did not validate (or, for a NIK, disagreed with the
//! member's sex or date of birth) before it was replaced: reading it
//! gives `pseudonym_of_invalid_id`, so the record stays excluded.
//!
//! This module only reads and compares pseudonyms; it holds no key.

use crate::error::{ErrorCode, FieldError, ValidationErrors};
use crate::id::nik::Nik;
use crate::id::nomor_kk::NomorKk;
use chrono::NaiveDate;
use serde::{Serialize, Serializer};
use std::fmt;

/// The kind of identifier a pseudonym stands for (its hash is
/// domain-separated by kind, and its text says the kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum IdKind {
    /// NIK (*Nomor Induk Kependudukan*).
    Nik,
    /// Nomor KK (*Kartu Keluarga*).
    NomorKk,
}

impl IdKind {
    /// The letter after `P1`: `N` or `K`.
    const fn letter(self) -> u8 {
        match self {
            IdKind::Nik => b'N',
            IdKind::NomorKk => b'K',
        }
    }
    /// `P1N-…` or `P1K-…`, for messages.
    const fn pattern(self) -> &'static str {
        match self {
            IdKind::Nik => "P1N-…",
            IdKind::NomorKk => "P1K-…",
        }
    }
}

/// RFC 4648 base32 alphabet.
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// Characters of base32 for 128 bits (130 bits, the last two zero).
const CHARS: usize = 26;

/// A pseudonym: 128 bits of a keyed hash of a NIK or Nomor KK.
///
/// Equal numbers under the same key have equal pseudonyms; nothing about
/// the number can be read from it. `Debug` and `Display` print the token
/// text (it is not personal data without the key).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pseudonym {
    kind: IdKind,
    /// The number did not validate before it was replaced (`P1NX-`/`P1KX-`).
    of_invalid: bool,
    bits: [u8; 16],
}

impl Pseudonym {
    /// The pseudonym of `kind` with these 128 bits (made by
    /// [`crate::pseudonym::PseudonymKey`]).
    pub const fn from_bits(kind: IdKind, bits: [u8; 16], of_invalid: bool) -> Pseudonym {
        Pseudonym {
            kind,
            of_invalid,
            bits,
        }
    }

    /// Whether `text` (trimmed) starts as a pseudonym does (`P1N-`,
    /// `P1K-`, `P1NX-`, `P1KX-`): such a field is read as a pseudonym,
    /// never as a number.
    pub fn looks_like(text: &str) -> bool {
        let t = crate::input::trim(text).as_bytes();
        matches!(t, [b'P', b'1', b'N' | b'K', b'-' | b'X', ..])
    }

    /// Reads a pseudonym of `kind`. Surrounding white space is ignored.
    ///
    /// # Errors
    /// `pseudonym_invalid` when the text is not a pseudonym of `kind`.
    pub fn parse(input: &str, kind: IdKind) -> Result<Pseudonym, ValidationErrors> {
        let bad = || {
            ValidationErrors::from(
                FieldError::new(ErrorCode::PseudonymInvalid).with_param("expected", kind.pattern()),
            )
        };
        let s = crate::input::trim(input).as_bytes();
        let rest = match s {
            [b'P', b'1', k, rest @ ..] if *k == kind.letter() => rest,
            _ => return Err(bad()),
        };
        let (of_invalid, body) = match rest {
            [b'-', body @ ..] => (false, body),
            [b'X', b'-', body @ ..] => (true, body),
            _ => return Err(bad()),
        };
        decode(body)
            .map(|bits| Pseudonym::from_bits(kind, bits, of_invalid))
            .ok_or_else(bad)
    }

    /// The kind of number it stands for.
    pub const fn kind(&self) -> IdKind {
        self.kind
    }
    /// Whether the number did not validate before it was replaced.
    pub const fn of_invalid(&self) -> bool {
        self.of_invalid
    }
    /// The 128 bits.
    pub const fn bits(&self) -> &[u8; 16] {
        &self.bits
    }

    /// The token text: `P1N-`, `P1K-`, `P1NX-` or `P1KX-` and 26 base32
    /// characters.
    pub fn text(&self) -> String {
        let mut s = String::with_capacity(31);
        s.push_str("P1");
        s.push(char::from(self.kind.letter()));
        if self.of_invalid {
            s.push('X');
        }
        s.push('-');
        // 128 bits as 25 groups of 5, most significant first, then the
        // last 3 bits followed by two zero bits.
        let n = u128::from_be_bytes(self.bits);
        let ch = |v: u128| char::from(ALPHABET[usize::try_from(v & 31).unwrap_or(0)]);
        for i in 0..CHARS - 1 {
            s.push(ch(n >> (123 - 5 * i)));
        }
        s.push(ch((n & 7) << 2));
        s
    }

    /// An 8-byte fingerprint for duplicate detection, with the top bit
    /// set: never equal to the fingerprint of 16 digits (below 10^16), and
    /// two pseudonyms share one only if 63 of their 128 bits agree (for a
    /// register of n identifiers, a chance of about n² / 2^64 that some
    /// pair does: 5 × 10^-6 for ten million).
    pub fn fingerprint(&self) -> u64 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&self.bits[..8]);
        u64::from_be_bytes(w) | (1 << 63)
    }
}

/// The 128 bits of 26 base32 characters (the two last bits zero).
fn decode(body: &[u8]) -> Option<[u8; 16]> {
    if body.len() != CHARS {
        return None;
    }
    let value = |c: u8| {
        ALPHABET
            .iter()
            .position(|&a| a == c)
            .and_then(|v| u8::try_from(v).ok())
    };
    let (last, first) = body.split_last()?;
    // 25 characters are 125 bits; the last gives 3 more and two zero bits.
    let mut n: u128 = 0;
    for &c in first {
        n = (n << 5) | u128::from(value(c)?);
    }
    let v = value(*last)?;
    if v & 3 != 0 {
        return None;
    }
    Some(((n << 3) | u128::from(v >> 2)).to_be_bytes())
}

impl fmt::Display for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl fmt::Debug for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pseudonym({})", self.text())
    }
}

impl Serialize for Pseudonym {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

/// An identifier as a register holds it: the real number, or its
/// pseudonym (a pseudonymised register, [`crate::pseudonym`]).
///
/// Both compare, hash and serialize as their text; `Debug` masks a real
/// number as the number's own `Debug` does.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Identifier<T> {
    /// The number itself.
    Real(T),
    /// Its pseudonym.
    Pseudonym(Pseudonym),
}

impl<T> Identifier<T> {
    /// The real number, when it is one.
    pub fn real(&self) -> Option<&T> {
        match self {
            Identifier::Real(t) => Some(t),
            Identifier::Pseudonym(_) => None,
        }
    }
    /// The pseudonym, when it is one.
    pub fn pseudonym(&self) -> Option<&Pseudonym> {
        match self {
            Identifier::Real(_) => None,
            Identifier::Pseudonym(p) => Some(p),
        }
    }
}

impl Identifier<crate::NomorKk> {
    /// For display: a real Nomor KK masked ([`crate::NomorKk::masked`]), a
    /// pseudonym as it is (a token is not personal data on its own).
    pub fn masked(&self) -> String {
        match self {
            Identifier::Real(kk) => kk.masked(),
            Identifier::Pseudonym(p) => p.to_string(),
        }
    }
}

/// A pseudonym read where a number was expected; one of a number that
/// did not validate is `pseudonym_of_invalid_id`.
fn read_pseudonym<T>(input: &str, kind: IdKind) -> Result<Identifier<T>, ValidationErrors> {
    let p = Pseudonym::parse(input, kind)?;
    if p.of_invalid() {
        return Err(FieldError::new(ErrorCode::PseudonymOfInvalidId).into());
    }
    Ok(Identifier::Pseudonym(p))
}

impl Identifier<Nik> {
    /// A NIK ([`Nik::parse_as_of`]) or its pseudonym (text starting `P1N-` or `P1NX-`).
    ///
    /// # Errors
    /// As [`Nik::parse_as_of`]; for a pseudonym `pseudonym_invalid` or
    /// `pseudonym_of_invalid_id`.
    pub fn parse_as_of(input: &str, as_of: NaiveDate) -> Result<Self, ValidationErrors> {
        if Pseudonym::looks_like(input) {
            read_pseudonym(input, IdKind::Nik)
        } else {
            Nik::parse_as_of(input, as_of).map(Identifier::Real)
        }
    }

    /// Whether `text` (trimmed) is this identifier: the 16 digits of the
    /// NIK, or the pseudonym's text.
    pub fn is_text(&self, text: &str) -> bool {
        let t = crate::input::trim(text);
        match self {
            Identifier::Real(n) => n.digits() == t.as_bytes(),
            Identifier::Pseudonym(p) => Pseudonym::parse(t, IdKind::Nik).is_ok_and(|q| q == *p),
        }
    }
}

impl Identifier<NomorKk> {
    /// A Nomor KK ([`NomorKk::parse`]) or its pseudonym (text starting `P1K-` or `P1KX-`).
    ///
    /// # Errors
    /// As [`NomorKk::parse`]; for a pseudonym `pseudonym_invalid` or
    /// `pseudonym_of_invalid_id`.
    pub fn parse(input: &str) -> Result<Self, ValidationErrors> {
        if Pseudonym::looks_like(input) {
            read_pseudonym(input, IdKind::NomorKk)
        } else {
            NomorKk::parse(input).map(Identifier::Real)
        }
    }
}

impl<T: fmt::Display> fmt::Display for Identifier<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identifier::Real(t) => t.fmt(f),
            Identifier::Pseudonym(p) => p.fmt(f),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Identifier<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identifier::Real(t) => t.fmt(f),
            Identifier::Pseudonym(p) => p.fmt(f),
        }
    }
}

impl<T: Serialize> Serialize for Identifier<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Identifier::Real(t) => t.serialize(s),
            Identifier::Pseudonym(p) => p.serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips_and_never_parses_as_a_number() {
        for bits in [[0u8; 16], [0xff; 16], *b"0123456789abcdef"] {
            for kind in [IdKind::Nik, IdKind::NomorKk] {
                for bad in [false, true] {
                    let p = Pseudonym::from_bits(kind, bits, bad);
                    let t = p.text();
                    assert_eq!(t.len(), if bad { 31 } else { 30 }, "{t}");
                    assert_eq!(Pseudonym::parse(&t, kind).ok(), Some(p));
                    assert!(Nik::parse(&t).is_err());
                    assert!(NomorKk::parse(&t).is_err());
                    let other = match kind {
                        IdKind::Nik => IdKind::NomorKk,
                        IdKind::NomorKk => IdKind::Nik,
                    };
                    assert!(Pseudonym::parse(&t, other).is_err(), "{t}");
                }
            }
        }
    }

    #[test]
    fn malformed_pseudonyms_are_pseudonym_invalid() {
        let good = Pseudonym::from_bits(IdKind::Nik, [7; 16], false).text();
        let mut last_bits_set = good.clone();
        last_bits_set.pop();
        last_bits_set.push('B');
        for t in [
            "P1N-",
            "P1N-abc",
            &good[..good.len() - 1],
            &format!("{good}A"),
            &good.to_lowercase().replacen("p1n", "P1N", 1),
            &last_bits_set,
        ] {
            let e = Identifier::<Nik>::parse_as_of(t, NaiveDate::MAX).expect_err(t);
            assert_eq!(e.errors()[0].code(), ErrorCode::PseudonymInvalid, "{t}");
        }
        let x = Pseudonym::from_bits(IdKind::NomorKk, [7; 16], true).text();
        let e = Identifier::<NomorKk>::parse(&x).expect_err("X");
        assert_eq!(e.errors()[0].code(), ErrorCode::PseudonymOfInvalidId);
        assert!(Identifier::<NomorKk>::parse(&format!(
            " {} ",
            Pseudonym::from_bits(IdKind::NomorKk, [7; 16], false)
        ))
        .is_ok());
    }

    #[cfg(feature = "report")]
    #[test]
    fn fingerprints_never_meet_digit_fingerprints() {
        let p = Pseudonym::from_bits(IdKind::Nik, [0; 16], false);
        assert!(p.fingerprint() >= 1 << 63);
        assert!(crate::register::id_fingerprint("9999999999999999") < 1 << 63);
    }
}
