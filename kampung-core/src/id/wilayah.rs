//! Kemendagri administrative-region codes (*kode wilayah*).
//!
//! DOMAIN.md §7.3 (Permendagri 58/2021 as summarised by cahyadsn/wilayah):
//! province 2 digits; kabupaten/kota 4 (= province + 2, kabupaten 01-69,
//! kota 71-99); kecamatan 6 (= kab/kota + 2); desa/kelurahan 10
//! (= kecamatan + 4, first of the 4 digits 1 = kelurahan, 2 = desa,
//! 3 = desa adat). Written plain or with dots: `PP.KK.CC.DDDD`.

use crate::error::{ErrorCode, FieldError, ValidationErrors};
use crate::id::province::{is_kabkota_code, province_name, two_digits};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The level of a region code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// *Provinsi* (2 digits).
    Provinsi,
    /// *Kabupaten* or *kota* (4 digits).
    KabupatenKota,
    /// *Kecamatan* (6 digits).
    Kecamatan,
    /// *Desa* or *kelurahan* (10 digits).
    DesaKelurahan,
}

/// What kind of region a code names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A province.
    Provinsi,
    /// A kabupaten (regency), codes 01-69.
    Kabupaten,
    /// A kota (city), codes 71-99.
    Kota,
    /// A kecamatan (district).
    Kecamatan,
    /// A kelurahan (urban village), first digit 1.
    Kelurahan,
    /// A desa (rural village), first digit 2.
    Desa,
    /// A *desa adat* (customary village), first digit 3.
    DesaAdat,
}

/// A valid Kemendagri region code at any level.
#[doc(alias = "kode wilayah")]
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KodeWilayah {
    digits: [u8; 10],
    len: u8,
}

impl KodeWilayah {
    /// Parses a code of 2, 4, 6 or 10 digits, with or without dots
    /// (`"64.72.05.1001"` or `"6472051001"`).
    ///
    /// # Errors
    /// `wilayah_format` (characters other than digits and dots, or dots in
    /// the wrong places), `wilayah_length`, and otherwise every one of
    /// `wilayah_province_unknown`, `wilayah_kabkota_invalid`,
    /// `wilayah_kecamatan_invalid`, `wilayah_desa_invalid` that applies.
    ///
    /// # Example
    /// ```
    /// use kampung_core::{KodeWilayah, wilayah::{Kind, Level}};
    /// let k = KodeWilayah::parse("64.72.05.1001")?;
    /// assert_eq!(k.level(), Level::DesaKelurahan);
    /// assert_eq!(k.kind(), Kind::Kelurahan);
    /// assert_eq!(k.parent().map(|p| p.to_string()), Some("64.72.05".to_string()));
    /// assert_eq!(k.kabkota().map(|p| p.kind()), Some(Kind::Kota));
    /// # Ok::<(), kampung_core::ValidationErrors>(())
    /// ```
    pub fn parse(input: &str) -> Result<KodeWilayah, ValidationErrors> {
        let s = crate::input::trim(input);
        match KodeWilayah::usual_desa(s) {
            Some(k) => Ok(k),
            None => KodeWilayah::parse_checked(s),
        }
    }

    /// [`KodeWilayah::parse`] of trimmed text, every check.
    fn parse_checked(s: &str) -> Result<KodeWilayah, ValidationErrors> {
        if !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return Err(FieldError::new(ErrorCode::WilayahFormat).into());
        }
        // One pass: the digits, and (when there are dots) the groups,
        // which must be 2, 2, 2, 4 digits long or a prefix of that.
        const GROUPS: [usize; 4] = [2, 2, 2, 4];
        let mut digits = [0u8; 10];
        let (mut n, mut group, mut group_len, mut dotted, mut groups_ok) =
            (0usize, 0usize, 0usize, false, true);
        for b in s.bytes() {
            if b == b'.' {
                dotted = true;
                groups_ok &= GROUPS.get(group) == Some(&group_len);
                group += 1;
                group_len = 0;
            } else {
                if let Some(d) = digits.get_mut(n) {
                    *d = b;
                }
                n += 1;
                group_len += 1;
            }
        }
        if dotted && !(groups_ok && GROUPS.get(group) == Some(&group_len)) {
            return Err(FieldError::new(ErrorCode::WilayahFormat).into());
        }
        if !matches!(n, 2 | 4 | 6 | 10) {
            return Err(FieldError::new(ErrorCode::WilayahLength)
                .with_param("length", n)
                .into());
        }
        let len = u8::try_from(n).unwrap_or(10);
        let mut errors = ValidationErrors::new();
        let pp = two_digits(&digits[0..2]).unwrap_or(0);
        if province_name(pp).is_none() {
            errors.push(
                FieldError::new(ErrorCode::WilayahProvinceUnknown)
                    .with_param("province", format!("{pp:02}")),
            );
        }
        if len >= 4 && !is_kabkota_code(two_digits(&digits[2..4]).unwrap_or(0)) {
            errors.push(FieldError::new(ErrorCode::WilayahKabKotaInvalid));
        }
        if len >= 6 && two_digits(&digits[4..6]) == Some(0) {
            errors.push(FieldError::new(ErrorCode::WilayahKecamatanInvalid));
        }
        if len == 10 && !matches!(digits[6], b'1' | b'2' | b'3') {
            errors.push(FieldError::new(ErrorCode::WilayahDesaInvalid));
        }
        errors.into_result(KodeWilayah { digits, len })
    }

    /// A valid desa/kelurahan code written `PP.KK.CC.DDDD`, the usual
    /// form, read without building errors; `None` for anything else (then
    /// the general reading says what is wrong, if anything).
    fn usual_desa(s: &str) -> Option<KodeWilayah> {
        let b: &[u8; 13] = s.as_bytes().try_into().ok()?;
        let mut digits = [0u8; 10];
        let mut n = 0;
        for (i, c) in b.iter().enumerate() {
            if matches!(i, 2 | 5 | 8) {
                if *c != b'.' {
                    return None;
                }
            } else {
                if !c.is_ascii_digit() {
                    return None;
                }
                *digits.get_mut(n)? = *c;
                n += 1;
            }
        }
        let pair = |i: usize| two_digits(digits.get(i..i + 2)?);
        let valid = province_name(pair(0)?).is_some()
            && is_kabkota_code(pair(2)?)
            && pair(4)? != 0
            && matches!(digits[6], b'1' | b'2' | b'3');
        valid.then_some(KodeWilayah { digits, len: 10 })
    }

    /// The code without dots, e.g. `"6472051001"`.
    pub fn as_plain(&self) -> &str {
        std::str::from_utf8(&self.digits[..usize::from(self.len)]).unwrap_or("")
    }

    /// The level.
    pub fn level(&self) -> Level {
        match self.len {
            2 => Level::Provinsi,
            4 => Level::KabupatenKota,
            6 => Level::Kecamatan,
            _ => Level::DesaKelurahan,
        }
    }

    /// The kind: kabupaten vs kota, desa vs kelurahan vs desa adat.
    pub fn kind(&self) -> Kind {
        match self.level() {
            Level::Provinsi => Kind::Provinsi,
            Level::KabupatenKota => {
                if self.digits[2] >= b'7' {
                    Kind::Kota
                } else {
                    Kind::Kabupaten
                }
            }
            Level::Kecamatan => Kind::Kecamatan,
            Level::DesaKelurahan => match self.digits[6] {
                b'1' => Kind::Kelurahan,
                b'2' => Kind::Desa,
                _ => Kind::DesaAdat,
            },
        }
    }

    fn truncated(&self, len: u8) -> Option<KodeWilayah> {
        (len < self.len).then(|| {
            let mut digits = [0u8; 10];
            digits[..usize::from(len)].copy_from_slice(&self.digits[..usize::from(len)]);
            KodeWilayah { digits, len }
        })
    }

    /// The code one level up, or `None` for a province.
    pub fn parent(&self) -> Option<KodeWilayah> {
        match self.len {
            4 => self.truncated(2),
            6 => self.truncated(4),
            10 => self.truncated(6),
            _ => None,
        }
    }

    /// The province this code lies in (itself for a province).
    pub fn province(&self) -> KodeWilayah {
        self.truncated(2).unwrap_or(*self)
    }
    /// The kabupaten/kota, if this code is at that level or below.
    pub fn kabkota(&self) -> Option<KodeWilayah> {
        match self.len {
            4 => Some(*self),
            l if l > 4 => self.truncated(4),
            _ => None,
        }
    }
    /// The kecamatan, if this code is at that level or below.
    pub fn kecamatan(&self) -> Option<KodeWilayah> {
        match self.len {
            6 => Some(*self),
            10 => self.truncated(6),
            _ => None,
        }
    }
    /// The province code as a number.
    pub fn province_code(&self) -> u8 {
        two_digits(&self.digits[0..2]).unwrap_or(0)
    }
    /// The province's name.
    pub fn province_name(&self) -> &'static str {
        province_name(self.province_code()).unwrap_or("")
    }
    /// Whether this code lies within `other` (or equals it).
    pub fn is_within(&self, other: &KodeWilayah) -> bool {
        other.len <= self.len
            && self.digits[..usize::from(other.len)] == other.digits[..usize::from(other.len)]
    }

    /// The province with code `pp`, if it is one of the 38.
    pub(crate) fn from_province(pp: u8) -> Option<KodeWilayah> {
        let digits = [b'0' + pp / 10 % 10, b'0' + pp % 10];
        KodeWilayah::parse_checked(std::str::from_utf8(&digits).ok()?).ok()
    }

    /// The code one level below this one whose own digits are `part` (two
    /// digits for a kabupaten/kota or kecamatan, four for a desa/kelurahan),
    /// if that code is valid; `None` below a desa/kelurahan.
    pub(crate) fn child(&self, part: u16) -> Option<KodeWilayah> {
        let width: u8 = match self.len {
            2 | 4 => 2,
            6 => 4,
            _ => return None,
        };
        if u32::from(part) >= 10u32.pow(u32::from(width)) {
            return None;
        }
        let mut digits = self.digits;
        let start = usize::from(self.len);
        let mut rest = part;
        for i in (0..usize::from(width)).rev() {
            *digits.get_mut(start + i)? = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        let len = usize::from(self.len + width);
        KodeWilayah::parse_checked(std::str::from_utf8(digits.get(..len)?).ok()?).ok()
    }

    /// The code's own two digits at each level (province, kabupaten/kota,
    /// kecamatan; 0 below its level) and its four desa/kelurahan digits.
    pub(crate) fn parts(&self) -> ([u8; 3], u16) {
        let d = &self.digits;
        let pair = |i: usize| two_digits(d.get(i..i + 2).unwrap_or(&[])).unwrap_or(0);
        let mut desa = 0u16;
        if self.len == 10 {
            for &c in &d[6..10] {
                desa = desa * 10 + u16::from(c.wrapping_sub(b'0') % 10);
            }
        }
        ([pair(0), pair(2), pair(4)], desa)
    }
}

impl fmt::Display for KodeWilayah {
    /// The dotted form, e.g. `64.72.05.1001`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.as_plain();
        let cuts: &[usize] = match self.len {
            2 => &[2],
            4 => &[2, 4],
            6 => &[2, 4, 6],
            _ => &[2, 4, 6, 10],
        };
        let mut start = 0;
        for (i, &end) in cuts.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            f.write_str(p.get(start..end).unwrap_or(""))?;
            start = end;
        }
        Ok(())
    }
}

impl fmt::Debug for KodeWilayah {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KodeWilayah({self})")
    }
}

impl std::str::FromStr for KodeWilayah {
    type Err = ValidationErrors;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        KodeWilayah::parse(s)
    }
}

impl Serialize for KodeWilayah {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for KodeWilayah {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        KodeWilayah::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(s: &str) -> Vec<&'static str> {
        KodeWilayah::parse(s)
            .err()
            .map(|e| e.errors().iter().map(|e| e.code().as_str()).collect())
            .unwrap_or_default()
    }

    /// The usual desa form is read as the full check reads it.
    #[test]
    fn usual_desa_shortcut_is_exact() {
        let mut hits = 0;
        for pp in 0..100 {
            for kk in [0, 1, 69, 70, 71, 99] {
                for cc in [0, 1, 10, 99] {
                    for d in [0, 1001, 2001, 3001, 4001, 9999] {
                        for text in [
                            format!("{pp:02}.{kk:02}.{cc:02}.{d:04}"),
                            format!("{pp:02}.{kk:02}.{cc:02}{d:04}."),
                            format!("{pp:02}.{kk:02}.{cc:02}.{d:03}x"),
                        ] {
                            let full = KodeWilayah::parse_checked(&text).ok();
                            match KodeWilayah::usual_desa(&text) {
                                Some(k) => {
                                    hits += 1;
                                    assert_eq!(Some(k), full, "{text}");
                                }
                                None => assert!(full.is_none() || !text.contains("."), "{text}"),
                            }
                        }
                    }
                }
            }
        }
        assert!(hits > 1000, "{hits}");
    }

    #[test]
    fn levels_and_kinds() {
        let k = KodeWilayah::parse("3174061003").expect("valid");
        assert_eq!(k.to_string(), "31.74.06.1003");
        assert_eq!(k.kind(), Kind::Kelurahan);
        assert_eq!(
            KodeWilayah::parse("32.01").expect("valid").kind(),
            Kind::Kabupaten
        );
        assert_eq!(
            KodeWilayah::parse("33.01.01.2005").expect("valid").kind(),
            Kind::Desa
        );
        let chain: Vec<String> = std::iter::successors(Some(k), KodeWilayah::parent)
            .map(|c| c.to_string())
            .collect();
        assert_eq!(chain, ["31.74.06.1003", "31.74.06", "31.74", "31"]);
        assert!(k.is_within(&KodeWilayah::parse("31.74").expect("valid")));
    }

    #[test]
    fn rejects() {
        assert_eq!(codes("64.7205.1001"), ["wilayah_format"]);
        assert_eq!(codes("6472-05"), ["wilayah_format"]);
        assert_eq!(codes("64720"), ["wilayah_length"]);
        assert_eq!(codes(""), ["wilayah_length"]);
        assert_eq!(codes("20"), ["wilayah_province_unknown"]);
        assert_eq!(
            codes("64.70.00.4001"),
            [
                "wilayah_kabkota_invalid",
                "wilayah_kecamatan_invalid",
                "wilayah_desa_invalid"
            ]
        );
    }

    /// The format and length checks give what the earlier version (which
    /// collected the groups and digits into `Vec`s) gave, on every string
    /// of up to 7 characters over digits, dots and a letter, and on longer ones.
    #[test]
    fn shape_checks_match_the_collecting_version() {
        fn reference(s: &str) -> Vec<&'static str> {
            let s = s.trim();
            if !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                return vec!["wilayah_format"];
            }
            if s.contains('.') {
                let groups: Vec<usize> = s.split('.').map(str::len).collect();
                if !matches!(groups.as_slice(), [2] | [2, 2] | [2, 2, 2] | [2, 2, 2, 4]) {
                    return vec!["wilayah_format"];
                }
            }
            let plain: Vec<u8> = s.bytes().filter(u8::is_ascii_digit).collect();
            if !matches!(plain.len(), 2 | 4 | 6 | 10) {
                return vec!["wilayah_length"];
            }
            Vec::new()
        }
        let shape = |s: &str| -> Vec<&'static str> {
            codes(s)
                .into_iter()
                .filter(|c| *c == "wilayah_format" || *c == "wilayah_length")
                .collect()
        };
        let alphabet = ['6', '4', '.', '1', 'x'];
        let mut all = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..7 {
            let mut next = Vec::new();
            for s in &frontier {
                for c in alphabet {
                    next.push(format!("{s}{c}"));
                }
            }
            all.extend(next.iter().cloned());
            frontier = next;
        }
        for extra in [
            "64.72.05.1001",
            " 64.72.05.1001 ",
            "64.72.05.1001.1",
            "64.72.05.10011",
            "6472051001",
            "64720510011",
            "647205100112345",
            "64..72",
            ".64",
            "64.",
        ] {
            all.push(extra.to_owned());
        }
        for s in &all {
            assert_eq!(shape(s), reference(s), "{s:?}");
        }
    }
}
