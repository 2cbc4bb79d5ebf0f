//! Nomor KK (*Kartu Keluarga*), the 16-digit family card number.
//!
//! DOMAIN.md §7.2: 16 digits; the first 6 are the region code of issuance
//! (province 2, kabupaten/kota 2, kecamatan 2). What follows (probably the
//! registration date and a serial) is **not confirmed** by any source, so it
//! is not checked. Checked: 16 ASCII digits, a known province code, a
//! kabupaten (01-69) or kota (71-99) code. Not checked: the kecamatan code
//! (re-issued after *pemekaran*) and digits 7-16.

use crate::error::{ErrorCode, FieldError, ValidationErrors};
use crate::id::province::{is_kabkota_code, province_name, two_digits};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A structurally valid Nomor KK (see the module documentation for what is checked).
#[doc(alias = "KK")]
#[doc(alias = "Kartu Keluarga")]
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NomorKk([u8; 16]);

impl NomorKk {
    /// Parses and checks a Nomor KK. Surrounding white space is ignored.
    ///
    /// # Errors
    /// `kk_length` or `kk_not_digits`; otherwise `kk_province_unknown` and/or
    /// `kk_kabkota_invalid`.
    ///
    /// # Example
    /// ```
    /// use kampung_core::NomorKk;
    /// let kk = NomorKk::parse("6472052301150007")?;
    /// assert_eq!(kk.region_prefix(), "647205");
    /// # Ok::<(), kampung_core::ValidationErrors>(())
    /// ```
    pub fn parse(input: &str) -> Result<NomorKk, ValidationErrors> {
        let s = crate::input::trim(input);
        // Sixteen bytes that are all digits are sixteen characters.
        let plain = s.len() == 16 && s.bytes().all(|b| b.is_ascii_digit());
        let n = if plain { 16 } else { s.chars().count() };
        if n != 16 {
            return Err(FieldError::new(ErrorCode::KkLength)
                .with_param("length", n)
                .into());
        }
        if !plain && !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(ErrorCode::KkNotDigits).into());
        }
        let mut digits = [0u8; 16];
        digits.copy_from_slice(s.as_bytes());
        let mut errors = ValidationErrors::new();
        let pp = two_digits(&digits[0..2]).unwrap_or(0);
        if province_name(pp).is_none() {
            errors.push(
                FieldError::new(ErrorCode::KkProvinceUnknown)
                    .with_param("province", format!("{pp:02}")),
            );
        }
        if !is_kabkota_code(two_digits(&digits[2..4]).unwrap_or(0)) {
            errors.push(FieldError::new(ErrorCode::KkKabKotaInvalid));
        }
        errors.into_result(NomorKk(digits))
    }

    /// The 16 digits.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
    /// The 16 digits as ASCII bytes (no UTF-8 check, unlike [`NomorKk::as_str`]).
    pub fn digits(&self) -> &[u8; 16] {
        &self.0
    }
    /// Province code of issuance.
    pub fn province_code(&self) -> u8 {
        two_digits(&self.0[0..2]).unwrap_or(0)
    }
    /// The first six digits: the kecamatan code of issuance.
    pub fn region_prefix(&self) -> &str {
        std::str::from_utf8(&self.0[..6]).unwrap_or("")
    }
    /// The number masked for display: the kecamatan prefix, the other ten
    /// digits as `*` (`6472**********`), as `Debug` shows it.
    pub fn masked(&self) -> String {
        format!("{}**********", self.region_prefix())
    }
}

impl fmt::Display for NomorKk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for NomorKk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NomorKk({}**********)", self.region_prefix())
    }
}

impl std::str::FromStr for NomorKk {
    type Err = ValidationErrors;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NomorKk::parse(s)
    }
}

impl Serialize for NomorKk {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for NomorKk {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        NomorKk::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks() {
        assert!(NomorKk::parse("6472052301150007").is_ok());
        let codes = |s: &str| -> Vec<&str> {
            NomorKk::parse(s)
                .err()
                .map(|e| e.errors().iter().map(|e| e.code().as_str()).collect())
                .unwrap_or_default()
        };
        assert_eq!(codes("64720523011500"), ["kk_length"]);
        assert_eq!(codes("647205230115000x"), ["kk_not_digits"]);
        assert_eq!(
            codes("5070052301150007"),
            ["kk_province_unknown", "kk_kabkota_invalid"]
        );
    }
}
