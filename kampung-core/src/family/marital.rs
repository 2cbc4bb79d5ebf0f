//! Marital status (*status perkawinan*) as on the Kartu Keluarga.
//!
//! Codes 1-4 of the Dukcapil/SIAK form as used by OpenSID
//! (`OpenSID/OpenSID`, *status kawin*: belum kawin, kawin, cerai hidup,
//! cerai mati); PK-2015 merges the last two as *janda/duda* (PRIOR_ART.md §2.2).

use crate::error::{ErrorCode, FieldError};
use serde::Serialize;

/// *Status perkawinan*.
#[doc(alias = "status_kawin")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MaritalStatus {
    /// 1 *Belum kawin* (never married).
    BelumKawin,
    /// 2 *Kawin* (married).
    Kawin,
    /// 3 *Cerai hidup* (divorced).
    CeraiHidup,
    /// 4 *Cerai mati* (widowed).
    CeraiMati,
}

impl MaritalStatus {
    /// The code 1-4.
    pub const fn code(self) -> u8 {
        match self {
            MaritalStatus::BelumKawin => 1,
            MaritalStatus::Kawin => 2,
            MaritalStatus::CeraiHidup => 3,
            MaritalStatus::CeraiMati => 4,
        }
    }

    /// From code 1-4.
    ///
    /// # Errors
    /// `marital_status_invalid` for any other number.
    pub fn from_code(code: i64) -> Result<MaritalStatus, FieldError> {
        match code {
            1 => Ok(MaritalStatus::BelumKawin),
            2 => Ok(MaritalStatus::Kawin),
            3 => Ok(MaritalStatus::CeraiHidup),
            4 => Ok(MaritalStatus::CeraiMati),
            _ => Err(FieldError::new(ErrorCode::MaritalStatusInvalid)),
        }
    }

    /// Parses a code (`"2"`) or a name (`"kawin"`, `"belum kawin"`,
    /// `"cerai_hidup"`, English `"married"`, `"divorced"`, …).
    ///
    /// # Errors
    /// `marital_status_invalid` for anything else.
    pub fn parse(s: &str) -> Result<MaritalStatus, FieldError> {
        // The usual codes, exactly as written: nothing to normalise.
        match s {
            "kawin" => return Ok(MaritalStatus::Kawin),
            "belum_kawin" => return Ok(MaritalStatus::BelumKawin),
            _ => {}
        }
        let norm = crate::input::normalize_code(s, b" -");
        if let Ok(n) = norm.parse::<i64>() {
            return MaritalStatus::from_code(n);
        }
        match norm.as_ref() {
            "belum_kawin" | "never_married" | "single" => Ok(MaritalStatus::BelumKawin),
            "kawin" | "married" => Ok(MaritalStatus::Kawin),
            "cerai_hidup" | "divorced" => Ok(MaritalStatus::CeraiHidup),
            "cerai_mati" | "widowed" => Ok(MaritalStatus::CeraiMati),
            _ => Err(FieldError::new(ErrorCode::MaritalStatusInvalid)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes read without normalising read as their normalised forms.
    #[test]
    fn usual_codes_shortcut_agrees() {
        for s in ["kawin", "belum_kawin"] {
            let slow = format!(" {} ", s.to_uppercase().replace('_', "-"));
            assert_eq!(MaritalStatus::parse(s), MaritalStatus::parse(&slow), "{s}");
            assert!(MaritalStatus::parse(s).is_ok());
        }
    }
}
