//! Marital status (*status perkawinan*) as on the Kartu Keluarga.
//!
//! Codes 1-4 of the Dukcapil/SIAK form as used by OpenSID
//! (`OpenSID/OpenSID`, *status kawin*: belum kawin, kawin, cerai hidup,
//! cerai mati); PK-2015 merges the last two as *janda/duda* (PRIOR_ART.md §2.2).
//!
//! DOMAIN.md §9.1: since the KK form of Permendagri 118/2017 (and Ditjen
//! Dukcapil letter 472.2/15145/DUKCAPIL, 2024) the card prints one of
//! *Belum Kawin, Kawin Tercatat, Kawin Belum Tercatat, Cerai Hidup, Cerai
//! Mati*; older cards (Permendagri 19/2010) print *Kawin*. All six spellings
//! are read ([`KkMaritalStatus::parse`]); the three married ones are
//! [`MaritalStatus::Kawin`] for every rule (spouse, PUS, KRS), and whether
//! the marriage is recorded is kept beside it
//! ([`KkMaritalStatus::recorded`]): *kawin belum tercatat* (e.g. *nikah
//! siri*) matters for programme follow-up.

use crate::error::{ErrorCode, FieldError};
use serde::Serialize;

/// *Status perkawinan*, as the rules use it: *kawin tercatat*, *kawin
/// belum tercatat* and *kawin* are all [`MaritalStatus::Kawin`]
/// (DOMAIN.md §9.1); the recording is [`KkMaritalStatus::recorded`].
#[doc(alias = "status_kawin")]
#[doc(alias = "status_perkawinan")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
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

    /// Parses a code (`"2"`) or a name (`"kawin"`, `"Kawin Tercatat"`,
    /// `"belum kawin"`, `"cerai_hidup"`, English `"married"`,
    /// `"divorced"`, …); the recording of a marriage is dropped (see
    /// [`KkMaritalStatus::parse`] to keep it).
    ///
    /// # Errors
    /// `marital_status_invalid` for anything else.
    pub fn parse(s: &str) -> Result<MaritalStatus, FieldError> {
        KkMaritalStatus::parse(s).map(|k| k.status)
    }

    /// The canonical code, e.g. `"cerai_hidup"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            MaritalStatus::BelumKawin => "belum_kawin",
            MaritalStatus::Kawin => "kawin",
            MaritalStatus::CeraiHidup => "cerai_hidup",
            MaritalStatus::CeraiMati => "cerai_mati",
        }
    }
}

/// Marital status as the Kartu Keluarga prints it: the status the rules
/// use and, for a marriage, whether it is recorded (DOMAIN.md §9.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct KkMaritalStatus {
    /// The status for every rule (the three married spellings are `Kawin`).
    pub status: MaritalStatus,
    /// `Some(true)` for *kawin tercatat*, `Some(false)` for *kawin belum
    /// tercatat*, `None` when unknown (the old card's *kawin*, a code, or
    /// not married).
    pub recorded: Option<bool>,
}

impl KkMaritalStatus {
    /// A status with the recording of the marriage (only meaningful for
    /// [`MaritalStatus::Kawin`]; ignored, i.e. `None`, otherwise).
    pub const fn new(status: MaritalStatus, recorded: Option<bool>) -> KkMaritalStatus {
        let recorded = match status {
            MaritalStatus::Kawin => recorded,
            _ => None,
        };
        KkMaritalStatus { status, recorded }
    }

    /// Parses every spelling of DOMAIN.md §9.1 in any case, with spaces,
    /// hyphens or underscores: *belum kawin*, *kawin tercatat*, *kawin
    /// belum tercatat*, *kawin*, *cerai hidup*, *cerai mati*; the codes 1-4
    /// (recording unknown) and the English names `never_married`,
    /// `married`, `married_registered`, `married_unregistered`,
    /// `divorced`, `widowed`.
    ///
    /// # Errors
    /// `marital_status_invalid` for anything else.
    pub fn parse(s: &str) -> Result<KkMaritalStatus, FieldError> {
        use MaritalStatus::{BelumKawin, CeraiHidup, CeraiMati, Kawin};
        let k = KkMaritalStatus::new;
        // The usual codes, exactly as written: nothing to normalise.
        match s {
            "kawin" => return Ok(k(Kawin, None)),
            "belum_kawin" => return Ok(k(BelumKawin, None)),
            _ => {}
        }
        let mut norm = crate::input::normalize_code(s, b" -");
        while norm.contains("__") {
            norm = std::borrow::Cow::Owned(norm.replace("__", "_"));
        }
        if let Ok(n) = norm.parse::<i64>() {
            return MaritalStatus::from_code(n).map(|m| k(m, None));
        }
        match norm.as_ref() {
            "belum_kawin" | "never_married" | "single" => Ok(k(BelumKawin, None)),
            "kawin" | "married" => Ok(k(Kawin, None)),
            "kawin_tercatat" | "married_registered" => Ok(k(Kawin, Some(true))),
            "kawin_belum_tercatat" | "married_unregistered" => Ok(k(Kawin, Some(false))),
            "cerai_hidup" | "divorced" => Ok(k(CeraiHidup, None)),
            "cerai_mati" | "widowed" => Ok(k(CeraiMati, None)),
            _ => Err(FieldError::new(ErrorCode::MaritalStatusInvalid)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DOMAIN.md §9.1: the six spellings in any case, with spaces or
    /// underscores; the married ones keep whether the marriage is recorded.
    #[test]
    fn five_values_of_permendagri_118_2017_and_the_old_kawin() {
        use MaritalStatus::*;
        for (s, status, recorded) in [
            ("Belum Kawin", BelumKawin, None),
            ("KAWIN TERCATAT", Kawin, Some(true)),
            ("kawin_tercatat", Kawin, Some(true)),
            ("Kawin Belum Tercatat", Kawin, Some(false)),
            ("kawin-belum-tercatat", Kawin, Some(false)),
            ("Kawin", Kawin, None),
            ("Cerai Hidup", CeraiHidup, None),
            ("cerai_mati", CeraiMati, None),
            ("2", Kawin, None),
        ] {
            let k = KkMaritalStatus::parse(s).expect(s);
            assert_eq!((k.status, k.recorded), (status, recorded), "{s}");
            assert_eq!(MaritalStatus::parse(s).ok(), Some(status), "{s}");
        }
        assert_eq!(
            KkMaritalStatus::parse(" kawin  belum _tercatat ").map(|k| k.recorded),
            Ok(Some(false))
        );
        for s in ["kawin tercatat belum", "tercatat", "5", "", "kawintercatat"] {
            assert!(KkMaritalStatus::parse(s).is_err(), "{s}");
        }
        assert_eq!(KkMaritalStatus::new(CeraiMati, Some(true)).recorded, None);
    }

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
