//! NIK (*Nomor Induk Kependudukan*), the 16-digit national identity number.
//!
//! Layout (DOMAIN.md §7.1, Dukcapil Klaten and Dirjen Dukcapil):
//! `PP KK CC DD MM YY NNNN` = province, kabupaten/kota, kecamatan of first
//! registration; day of birth (+40 for women), month, two-digit year; serial
//! from 0001.

use crate::error::{ErrorCode, FieldError, ValidationErrors};
use crate::id::province::{is_kabkota_code, province_name, two_digits};
use crate::sex::Sex;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A structurally valid NIK.
///
/// A value of this type always has 16 ASCII digits, a known province code,
/// a kabupaten (01-69) or kota (71-99) code, a day of birth in 01-31 or
/// 41-71, a month in 01-12, a day-month-year that exists in at least one
/// century, and a serial other than 0000. Kecamatan codes are not checked
/// against a list (they are re-issued after *pemekaran*, DOMAIN.md §7.1).
///
/// `Debug` masks the date and serial digits, since a NIK is personal data.
#[doc(alias = "Nomor Induk Kependudukan")]
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Nik([u8; 16]);

impl Nik {
    /// Parses and checks a NIK. Surrounding white space is ignored.
    ///
    /// # Errors
    /// Every structural problem, each as a [`FieldError`] at the root path:
    /// `nik_length` or `nik_not_digits` (then nothing else is checked),
    /// otherwise any of `nik_province_unknown`, `nik_kabkota_invalid`,
    /// `nik_birth_day_invalid`, `nik_birth_month_invalid`,
    /// `nik_birth_date_invalid` and `nik_serial_zero`.
    ///
    /// # Example
    /// ```
    /// use kampung_core::{Nik, Sex};
    /// let nik = Nik::parse("6472054107900001")?;
    /// assert_eq!(nik.sex(), Sex::Female);
    /// assert_eq!(nik.kecamatan_code(), "647205");
    /// assert!(Nik::parse("6472054107900000").is_err()); // serial 0000
    /// # Ok::<(), kampung_core::ValidationErrors>(())
    /// ```
    pub fn parse(input: &str) -> Result<Nik, ValidationErrors> {
        let s = crate::input::trim(input);
        // Sixteen bytes that are all digits are sixteen characters.
        let plain = s.len() == 16 && s.bytes().all(|b| b.is_ascii_digit());
        let n = if plain { 16 } else { s.chars().count() };
        if n != 16 {
            return Err(FieldError::new(ErrorCode::NikLength)
                .with_param("length", n)
                .into());
        }
        if !plain && !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(ErrorCode::NikNotDigits).into());
        }
        let mut digits = [0u8; 16];
        digits.copy_from_slice(s.as_bytes());
        let mut errors = ValidationErrors::new();
        let d = |i: usize| two_digits(&digits[i..i + 2]).unwrap_or(0);
        let (pp, kk, dd, mm, yy) = (d(0), d(2), d(6), d(8), d(10));
        if province_name(pp).is_none() {
            errors.push(
                FieldError::new(ErrorCode::NikProvinceUnknown)
                    .with_param("province", format!("{pp:02}")),
            );
        }
        if !is_kabkota_code(kk) {
            errors.push(FieldError::new(ErrorCode::NikKabKotaInvalid));
        }
        let day = if dd > 40 { dd - 40 } else { dd };
        let day_ok = matches!(dd, 1..=31 | 41..=71);
        let month_ok = (1..=12).contains(&mm);
        if !day_ok {
            errors.push(FieldError::new(ErrorCode::NikBirthDayInvalid));
        }
        if !month_ok {
            errors.push(FieldError::new(ErrorCode::NikBirthMonthInvalid));
        }
        // 29 February exists in 20YY when YY % 4 == 0 (2000 is a leap year),
        // so trying 2000 + YY covers every day-month that exists in some century.
        if day_ok
            && month_ok
            && NaiveDate::from_ymd_opt(2000 + i32::from(yy), u32::from(mm), u32::from(day))
                .is_none()
        {
            errors.push(FieldError::new(ErrorCode::NikBirthDateInvalid));
        }
        if &digits[12..16] == b"0000" {
            errors.push(FieldError::new(ErrorCode::NikSerialZero));
        }
        errors.into_result(Nik(digits))
    }

    /// Parses a NIK and also resolves its date of birth against `as_of`
    /// (see [`Nik::birth_date`]), so that a date such as 29 February 1900
    /// is rejected.
    ///
    /// # Errors
    /// As [`Nik::parse`], plus `nik_birth_date_invalid` when the date does not
    /// exist in the resolved century.
    pub fn parse_as_of(input: &str, as_of: NaiveDate) -> Result<Nik, ValidationErrors> {
        let nik = Nik::parse(input)?;
        match nik.birth_date(as_of) {
            Some(_) => Ok(nik),
            None => Err(FieldError::new(ErrorCode::NikBirthDateInvalid).into()),
        }
    }

    /// [`Nik::parse_as_of`] for the usual form, exactly 16 ASCII digits
    /// and nothing around them, without building errors: `Some` exactly
    /// when `parse_as_of` accepts `input`, `None` for any other text, valid
    /// or not (then call `parse_as_of`, which says what is wrong).
    pub(crate) fn parse_plain(input: &str, as_of: NaiveDate) -> Option<Nik> {
        let digits: [u8; 16] = input.as_bytes().try_into().ok()?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let nik = Nik(digits);
        let (pp, kk, dd, mm, yy) = (
            nik.pair(0),
            nik.pair(2),
            nik.pair(6),
            nik.birth_month(),
            nik.birth_year_2d(),
        );
        let day = nik.birth_day();
        // Month lengths of a leap year: a day-month that exists in some
        // century exists in 2000 + YY unless it is 29 February and YY is
        // not a multiple of 4 (as `parse` checks with chrono).
        const DAYS: [u8; 13] = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let exists = matches!(dd, 1..=31 | 41..=71)
            && DAYS
                .get(usize::from(mm))
                .is_some_and(|n| day <= *n && mm >= 1)
            && !(mm == 2 && day == 29 && yy % 4 != 0);
        if province_name(pp).is_none()
            || !is_kabkota_code(kk)
            || !exists
            || &digits[12..16] == b"0000"
        {
            return None;
        }
        // `birth_date` resolves every day-month but 29 February in both
        // centuries it tries, for any `as_of` in years 1-9999.
        if (mm == 2 && day == 29) || !(1..=9999).contains(&as_of.year()) {
            nik.birth_date(as_of)?;
        }
        Some(nik)
    }

    /// Digits `i` and `i + 1` as a number (they are digits by construction).
    fn pair(&self, i: usize) -> u8 {
        let d = |k: usize| self.0.get(k).map_or(0, |b| b.wrapping_sub(b'0'));
        d(i).wrapping_mul(10).wrapping_add(d(i + 1))
    }

    fn str_range(&self, end: usize) -> &str {
        // The bytes are ASCII digits by construction.
        std::str::from_utf8(&self.0[..end]).unwrap_or("")
    }

    /// The 16 digits.
    pub fn as_str(&self) -> &str {
        self.str_range(16)
    }
    /// The 16 digits as ASCII bytes (no UTF-8 check, unlike [`Nik::as_str`]).
    pub fn digits(&self) -> &[u8; 16] {
        &self.0
    }
    /// Province code of first registration (digits 1-2), e.g. `64`.
    pub fn province_code(&self) -> u8 {
        self.pair(0)
    }
    /// Name of that province.
    pub fn province_name(&self) -> &'static str {
        province_name(self.province_code()).unwrap_or("")
    }
    /// Kabupaten/kota code (digits 1-4), e.g. `"6472"`.
    pub fn kabkota_code(&self) -> &str {
        self.str_range(4)
    }
    /// Kecamatan code (digits 1-6), e.g. `"647205"`.
    pub fn kecamatan_code(&self) -> &str {
        self.str_range(6)
    }
    /// Sex: women have 40 added to the day of birth.
    pub fn sex(&self) -> Sex {
        if self.pair(6) > 40 {
            Sex::Female
        } else {
            Sex::Male
        }
    }
    /// Day of birth (1-31), with the +40 for women removed.
    pub fn birth_day(&self) -> u8 {
        let dd = self.pair(6);
        if dd > 40 {
            dd - 40
        } else {
            dd
        }
    }
    /// Month of birth (1-12).
    pub fn birth_month(&self) -> u8 {
        self.pair(8)
    }
    /// The two-digit year of birth (0-99).
    pub fn birth_year_2d(&self) -> u8 {
        self.pair(10)
    }
    /// Serial number (digits 13-16), 1-9999.
    pub fn serial(&self) -> u16 {
        u16::from(self.pair(12)) * 100 + u16::from(self.pair(14))
    }
    /// The date of birth, with the century chosen so that the date is not
    /// after `as_of`: `20YY` if that date is on or before `as_of`, else `19YY`
    /// (DOMAIN.md §9.5: a birth date one day after `as_of` resolves to the
    /// previous century).
    /// `None` when the date does not exist in that year (29 February 1900).
    ///
    /// A person aged 100 or more cannot be told apart from a child by the NIK
    /// alone; cross-check with the stated date of birth.
    pub fn birth_date(&self, as_of: NaiveDate) -> Option<NaiveDate> {
        let (d, m, yy) = (
            u32::from(self.birth_day()),
            u32::from(self.birth_month()),
            i32::from(self.birth_year_2d()),
        );
        let century = (as_of.year() / 100) * 100;
        let recent = NaiveDate::from_ymd_opt(century + yy, m, d);
        match recent {
            Some(date) if date <= as_of => Some(date),
            _ => NaiveDate::from_ymd_opt(century - 100 + yy, m, d),
        }
    }
    /// Whether `date` has the day, month and two-digit year encoded here.
    /// Used to cross-check a stated date of birth without guessing a century.
    pub fn matches_birth_date(&self, date: NaiveDate) -> bool {
        date.day() == u32::from(self.birth_day())
            && date.month() == u32::from(self.birth_month())
            && date.year().rem_euclid(100) == i32::from(self.birth_year_2d())
    }
}

/// The decoded parts of a NIK, as returned to Python (`Nik.to_dict()`) and
/// JS (`validateNik`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NikInfo {
    /// The 16 digits.
    pub nik: String,
    /// Province code of first registration, two digits.
    pub province_code: String,
    /// That province's name.
    pub province_name: &'static str,
    /// Kabupaten/kota code, four digits.
    pub kabkota_code: String,
    /// Kecamatan code, six digits.
    pub kecamatan_code: String,
    /// Sex encoded by the day of birth.
    pub sex: Sex,
    /// Date of birth, century resolved against `as_of`.
    pub birth_date: Option<NaiveDate>,
    /// Serial number.
    pub serial: u16,
}

impl Nik {
    /// Every decoded part, with the birth date resolved against `as_of`.
    pub fn info(&self, as_of: NaiveDate) -> NikInfo {
        NikInfo {
            nik: self.as_str().to_owned(),
            province_code: format!("{:02}", self.province_code()),
            province_name: self.province_name(),
            kabkota_code: self.kabkota_code().to_owned(),
            kecamatan_code: self.kecamatan_code().to_owned(),
            sex: self.sex(),
            birth_date: self.birth_date(as_of),
            serial: self.serial(),
        }
    }
}

impl fmt::Display for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nik({}**********)", self.kecamatan_code())
    }
}

impl std::str::FromStr for Nik {
    type Err = ValidationErrors;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Nik::parse(s)
    }
}

impl TryFrom<&str> for Nik {
    type Error = ValidationErrors;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Nik::parse(s)
    }
}

impl Serialize for Nik {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Nik {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Nik::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("test date")
    }

    /// `parse_plain` accepts exactly what `parse_as_of` accepts, over every
    /// day, month and two-digit year field (with the serial 0000 and a few
    /// province and kabupaten codes), for reference dates around 29
    /// February and at the ends of the supported years.
    #[test]
    fn plain_form_shortcut_is_exact() {
        let as_ofs = [
            date(2024, 3, 1),
            date(2024, 2, 28),
            date(2000, 2, 29),
            date(1900, 3, 1),
            date(1, 6, 1),
            date(9999, 12, 31),
            date(-5, 1, 1),
            date(10_050, 1, 1),
        ];
        let check = |s: &str| {
            for as_of in as_ofs {
                assert_eq!(
                    Nik::parse_plain(s, as_of),
                    Nik::parse_as_of(s, as_of).ok(),
                    "{s} {as_of}"
                );
            }
        };
        for dd in 0..100 {
            for mm in 0..14 {
                for yy in 0..100 {
                    check(&format!("647205{dd:02}{mm:02}{yy:02}0001"));
                }
            }
        }
        for pp in 0..100 {
            for kk in 0..100 {
                check(&format!("{pp:02}{kk:02}05290200{}", kk % 2));
            }
        }
        for s in [
            " 6472052902000001",
            "647205290200000a",
            "64720529020000011",
            "６472052902000001",
        ] {
            // Not the plain form (the first one is valid all the same).
            assert_eq!(Nik::parse_plain(s, date(2024, 3, 1)), None);
        }
    }

    fn codes(s: &str) -> Vec<&'static str> {
        match Nik::parse(s) {
            Ok(_) => vec![],
            Err(e) => e.errors().iter().map(|e| e.code().as_str()).collect(),
        }
    }

    #[test]
    fn decodes_a_woman() {
        let nik = Nik::parse("3174064509870003").expect("valid");
        assert_eq!(nik.province_code(), 31);
        assert_eq!(nik.province_name(), "DKI Jakarta");
        assert_eq!(nik.kabkota_code(), "3174");
        assert_eq!(nik.sex(), Sex::Female);
        assert_eq!(nik.birth_date(date(2026, 11, 29)), Some(date(1987, 9, 5)));
        assert_eq!(nik.serial(), 3);
        assert_eq!(format!("{nik:?}"), "Nik(317406**********)");
    }

    #[test]
    fn century_follows_as_of() {
        let nik = Nik::parse("3201011503250001").expect("valid");
        assert_eq!(nik.birth_date(date(2026, 1, 1)), Some(date(2025, 3, 15)));
        assert_eq!(nik.birth_date(date(2025, 3, 14)), Some(date(1925, 3, 15)));
    }

    #[test]
    fn leap_days() {
        assert!(codes("3201012902000001").is_empty()); // 29-02-2000
        assert!(codes("3201016902040001").is_empty()); // woman, 29-02-2004
        assert_eq!(codes("3201012902010001"), ["nik_birth_date_invalid"]);
        assert_eq!(codes("3201013104900001"), ["nik_birth_date_invalid"]);
    }

    #[test]
    fn collects_every_problem() {
        assert_eq!(
            codes("2070003213000000"),
            [
                "nik_province_unknown",
                "nik_kabkota_invalid",
                "nik_birth_day_invalid",
                "nik_birth_month_invalid",
                "nik_serial_zero"
            ]
        );
        assert_eq!(codes("123"), ["nik_length"]);
        assert_eq!(codes("32010115032500a1"), ["nik_not_digits"]);
        assert_eq!(
            codes("３２０１０１１５０３２５０００１"),
            ["nik_not_digits"]
        );
    }

    #[test]
    fn serde_goes_through_parse() {
        let ok: Result<Nik, _> = serde_json::from_str("\"3201011503250001\"");
        assert!(ok.is_ok());
        let bad: Result<Nik, _> = serde_json::from_str("\"3201011503250000\"");
        assert!(bad.is_err());
    }
}
