//! Pseudonymisation of a family register (*pseudonimisasi*): every NIK and
//! Nomor KK replaced by a keyed token, names removed, so that a register
//! can be shared under Indonesia's personal data protection law
//! (UU 27/2022 *Pelindungan Data Pribadi*, which treats NIK and family
//! data as personal data; it names pseudonymisation among the safeguards
//! of processing).
//!
//! A token is HMAC-SHA-256 (RFC 2104, FIPS 180-4) of the identifier under a
//! secret key, domain-separated by kind (a NIK and a Nomor KK with the same
//! digits get unrelated tokens), truncated to 128 bits and written
//! `P1N-…`/`P1K-…` in base32 ([`Pseudonym`]): never 16 digits, so never
//! mistaken for a NIK. The same key gives the same tokens in every file
//! and run (joins between entity files and duplicate detection keep
//! working); another key gives unrelated tokens; without the key a token
//! cannot be reversed or recomputed from a guessed NIK.
//!
//! What the report needs from a NIK is checked *before* it is dropped:
//! the register validator uses a NIK's structure and its agreement with
//! the member's `sex` and `birth_date` fields (DOMAIN.md §7.1); the report
//! uses NIK and Nomor KK only to link measurements to members and to find
//! duplicates. Sex and date of birth are already separate fields and stay;
//! the NIK's region of first registration is used by neither and is not
//! kept (data minimisation). A NIK or Nomor KK that did not validate (or
//! disagreed with the member) becomes a `P1NX-`/`P1KX-` token, which the
//! reader rejects (`pseudonym_of_invalid_id`): the record stays excluded.
//! So the report on the pseudonymised register equals the report on the
//! original, except that those exclusions are counted under
//! `pseudonym_of_invalid_id` instead of the NIK/KK code (see
//! [`record`] for the exact list of what changes and why).
//!
//! Coarsening ([`PseudonymOptions`]) lowers what remains identifying
//! (exact dates of birth, small areas) and changes the report: ages,
//! PUS status and z-scores from first-of-month dates, rows per kecamatan.

use crate::error::{ErrorCode, FieldError};
use crate::id::pseudonym::{IdKind, Pseudonym};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

#[cfg(feature = "csv")]
pub mod csv;
pub mod record;

pub use record::{pseudonymize_json_lines, pseudonymize_record, PseudonymStats};

/// A secret pseudonymisation key.
///
/// Holds only the HMAC state keyed with the secret (wiped on drop); it is
/// never printed (`Debug` shows `PseudonymKey(..)`), has no serde
/// implementation and no accessor for the secret.
#[derive(Clone)]
pub struct PseudonymKey {
    mac: Hmac<Sha256>,
}

impl PseudonymKey {
    /// The shortest key accepted, in bytes (256 bits, the HMAC-SHA-256
    /// output size; RFC 2104 §3: a shorter key weakens the MAC).
    pub const MIN_LEN: usize = 32;

    /// A key from its secret bytes (e.g. the whole content of a key file
    /// made with `head -c 32 /dev/urandom`).
    ///
    /// # Errors
    /// `pseudonym_key_too_short` for fewer than [`PseudonymKey::MIN_LEN`] bytes
    /// (the error holds the length, never the bytes).
    pub fn new(secret: &[u8]) -> Result<PseudonymKey, FieldError> {
        let short = || {
            FieldError::new(ErrorCode::PseudonymKeyTooShort)
                .with_param("length", secret.len())
                .with_param("min", PseudonymKey::MIN_LEN)
        };
        if secret.len() < PseudonymKey::MIN_LEN {
            return Err(short());
        }
        // HMAC accepts keys of any length; the check above is the only failure.
        let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).map_err(|_| short())?;
        Ok(PseudonymKey { mac })
    }

    /// The 128-bit keyed hash of `text` (trimmed) as an identifier of `kind`:
    /// HMAC-SHA-256(key, `"kampung-pseudonym-v1/" kind "/" text`), first 16 bytes.
    fn bits(&self, kind: IdKind, text: &str) -> [u8; 16] {
        let mut mac = self.mac.clone();
        mac.update(b"kampung-pseudonym-v1/");
        mac.update(match kind {
            IdKind::Nik => b"nik/",
            IdKind::NomorKk => b"kk//",
        });
        mac.update(crate::input::trim(text).as_bytes());
        let out = mac.finalize().into_bytes();
        let mut bits = [0u8; 16];
        bits.copy_from_slice(&out[..16]);
        bits
    }

    /// The pseudonym of the identifier written `text` (surrounding white
    /// space ignored). `valid`: the identifier validated (else the token is
    /// marked `X`, and the register reader rejects it).
    ///
    /// # Example
    /// ```
    /// use kampung_core::pseudonym::PseudonymKey;
    /// use kampung_core::{IdKind, Nik};
    /// let key = PseudonymKey::new(&[7u8; 32])?;
    /// let t = key.pseudonym(IdKind::Nik, "6472054107900001", true);
    /// assert!(t.text().starts_with("P1N-"));
    /// assert!(Nik::parse(&t.text()).is_err());
    /// assert_eq!(t, key.pseudonym(IdKind::Nik, " 6472054107900001 ", true));
    /// # Ok::<(), kampung_core::FieldError>(())
    /// ```
    pub fn pseudonym(&self, kind: IdKind, text: &str, valid: bool) -> Pseudonym {
        Pseudonym::from_bits(kind, self.bits(kind, text), !valid)
    }
}

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PseudonymKey(..)")
    }
}

/// How precisely a date of birth is kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum BirthDatePrecision {
    /// As recorded (the report is unchanged).
    #[default]
    Day,
    /// The first day of the month (`1990-07-05` → `1990-07-01`): ages,
    /// PUS status, baduta/balita and z-scores may change.
    Month,
}

/// How precisely a region code is kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegionPrecision {
    /// As recorded (the report is unchanged).
    #[default]
    AsRecorded,
    /// Kecamatan level (`64.72.01.2001` → `64.72.01`): the report has one
    /// row per kecamatan instead of per desa, and desa profiles no longer
    /// match.
    Kecamatan,
}

/// Options of pseudonymisation: the coarsening of what stays.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PseudonymOptions {
    /// Precision of `birth_date`.
    pub birth_date: BirthDatePrecision,
    /// Precision of `region_code`.
    pub region: RegionPrecision,
}

impl PseudonymOptions {
    /// No coarsening: the report on the result equals the original's.
    pub fn new() -> PseudonymOptions {
        PseudonymOptions::default()
    }
    /// These options with dates of birth kept to `p`.
    pub fn with_birth_date(mut self, p: BirthDatePrecision) -> PseudonymOptions {
        self.birth_date = p;
        self
    }
    /// These options with region codes kept to `p`.
    pub fn with_region(mut self, p: RegionPrecision) -> PseudonymOptions {
        self.region = p;
        self
    }

    /// A date of birth as kept (text that is not a date stays as it is).
    pub fn birth_date_text(&self, s: &str) -> Option<String> {
        match self.birth_date {
            BirthDatePrecision::Day => None,
            BirthDatePrecision::Month => crate::input::parse_date(crate::input::trim(s))
                .ok()
                .map(|d| d.format("%Y-%m-01").to_string()),
        }
    }

    /// A region code as kept (a code that does not parse, or is above
    /// kecamatan level, stays as it is).
    pub fn region_text(&self, s: &str) -> Option<String> {
        match self.region {
            RegionPrecision::AsRecorded => None,
            RegionPrecision::Kecamatan => crate::KodeWilayah::parse(s)
                .ok()
                .and_then(|k| k.kecamatan())
                .map(|k| k.to_string()),
        }
    }
}

/// The token text for the NIK written `nik`, given the member's `sex` and
/// `birth_date` texts (when readable): `P1N-` when the NIK is valid and
/// agrees with them (the checks of the register reader, DOMAIN.md §7.1),
/// else `P1NX-`. A NIK that is already a pseudonym is hashed again with
/// its mark kept.
pub fn nik_token(key: &PseudonymKey, nik: &str, sex: Option<&str>, birth: Option<&str>) -> String {
    let valid = match Pseudonym::parse(nik, IdKind::Nik) {
        Ok(p) => !p.of_invalid(),
        Err(_) if Pseudonym::looks_like(nik) => false,
        Err(_) => match crate::Nik::parse(nik) {
            Err(_) => false,
            Ok(n) => {
                let sex_ok = sex
                    .and_then(|s| crate::Sex::parse(s).ok())
                    .is_none_or(|s| s == n.sex());
                let birth_ok = birth
                    .and_then(|b| crate::input::parse_date(b).ok())
                    .is_none_or(|d| n.matches_birth_date(d));
                sex_ok && birth_ok
            }
        },
    };
    key.pseudonym(IdKind::Nik, nik, valid).text()
}

/// The token text of a NIK used as a reference (a measurement's `nik`):
/// always `P1N-`, the same as the member's when the member's is valid.
pub fn nik_reference_token(key: &PseudonymKey, nik: &str) -> String {
    key.pseudonym(IdKind::Nik, nik, true).text()
}

/// The token text for the Nomor KK written `kk`: `P1K-` when it validates
/// (or is a valid pseudonym), else `P1KX-`. A function of the text alone,
/// so every entity file gives a family the same token.
pub fn kk_token(key: &PseudonymKey, kk: &str) -> String {
    let valid = match Pseudonym::parse(kk, IdKind::NomorKk) {
        Ok(p) => !p.of_invalid(),
        Err(_) => !Pseudonym::looks_like(kk) && crate::NomorKk::parse(kk).is_ok(),
    };
    key.pseudonym(IdKind::NomorKk, kk, valid).text()
}

/// What a column of a table holds, for [`pseudonymize_column`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ColumnRole {
    /// Nomor KK ([`kk_token`]).
    NomorKk,
    /// A member's NIK, checked against `sex` and `birth_date` ([`nik_token`]).
    Nik,
    /// A NIK used as a reference, e.g. a measurement's ([`nik_reference_token`]).
    NikReference,
    /// Names: `Anggota k`, the k-th row of its family (`group`: the Nomor KK column).
    Name,
    /// Dates of birth, as [`PseudonymOptions::birth_date`] says.
    BirthDate,
    /// Region codes, as [`PseudonymOptions::region`] says.
    Region,
}

/// One column of a table pseudonymised (the batch form for DataFrames):
/// missing values stay missing, blank text stays as it is. `sex` and
/// `birth_date` are the member's columns (for [`ColumnRole::Nik`]),
/// `group` the Nomor KK column (for [`ColumnRole::Name`]); each as long
/// as `values` or empty.
pub fn pseudonymize_column(
    key: &PseudonymKey,
    role: ColumnRole,
    values: &[Option<String>],
    columns: [&[Option<String>]; 3],
    opts: &PseudonymOptions,
) -> Vec<Option<String>> {
    let [sex, birth, group] = columns;
    fn at(c: &[Option<String>], i: usize) -> Option<&str> {
        c.get(i).and_then(|v| v.as_deref())
    }
    let mut seen: std::collections::HashMap<Option<&str>, usize> = std::collections::HashMap::new();
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let s = v.as_deref()?;
            if crate::input::trim(s).is_empty() {
                return Some(s.to_owned());
            }
            Some(match role {
                ColumnRole::NomorKk => kk_token(key, s),
                ColumnRole::Nik => nik_token(key, s, at(sex, i), at(birth, i)),
                ColumnRole::NikReference => nik_reference_token(key, s),
                ColumnRole::Name => {
                    let k = seen.entry(at(group, i)).or_insert(0);
                    *k += 1;
                    format!("Anggota {k}")
                }
                ColumnRole::BirthDate => opts.birth_date_text(s).unwrap_or_else(|| s.to_owned()),
                ColumnRole::Region => opts.region_text(s).unwrap_or_else(|| s.to_owned()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_are_refused_without_echoing_them() {
        let e = PseudonymKey::new(b"short secret").expect_err("short");
        assert_eq!(e.code(), ErrorCode::PseudonymKeyTooShort);
        assert!(!format!("{e:?} {}", e.message(crate::Locale::En)).contains("short secret"));
        let k = PseudonymKey::new(&[1u8; 32]).expect("key");
        assert_eq!(format!("{k:?}"), "PseudonymKey(..)");
    }

    #[test]
    fn tokens_are_keyed_and_domain_separated() {
        let a = PseudonymKey::new(&[1u8; 32]).expect("key");
        let b = PseudonymKey::new(&[2u8; 32]).expect("key");
        let n = "6472054107900001";
        assert_eq!(
            a.pseudonym(IdKind::Nik, n, true),
            a.pseudonym(IdKind::Nik, n, true)
        );
        assert_ne!(
            a.pseudonym(IdKind::Nik, n, true).bits(),
            b.pseudonym(IdKind::Nik, n, true).bits()
        );
        assert_ne!(
            a.pseudonym(IdKind::Nik, n, true).bits(),
            a.pseudonym(IdKind::NomorKk, n, true).bits()
        );
    }

    #[test]
    fn nik_tokens_are_marked_when_the_nik_disagrees() {
        let k = PseudonymKey::new(&[3u8; 32]).expect("key");
        let n = "6472054107900001"; // woman, 1990-07-01
        assert!(nik_token(&k, n, Some("P"), Some("1990-07-01")).starts_with("P1N-"));
        assert!(nik_token(&k, n, Some("L"), Some("1990-07-01")).starts_with("P1NX-"));
        assert!(nik_token(&k, n, Some("P"), Some("1990-07-02")).starts_with("P1NX-"));
        assert!(nik_token(&k, n, Some("?"), None).starts_with("P1N-"));
        assert!(nik_token(&k, "123", None, None).starts_with("P1NX-"));
        assert!(kk_token(&k, "6472052301150007").starts_with("P1K-"));
        assert!(kk_token(&k, "647205230115000").starts_with("P1KX-"));
        let t = kk_token(&k, "6472052301150007");
        assert!(kk_token(&k, &t).starts_with("P1K-"));
    }
}
