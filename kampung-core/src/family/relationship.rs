//! Relationship to the head of the family (*Status Hubungan Dalam Keluarga*, SHDK).
//!
//! The Dukcapil SHDK codes 1-11 as listed by OpenSID
//! (`OpenSID/OpenSID : app/Enums/SHDKEnum.php`, PRIOR_ART.md §2.2).

use crate::error::{ErrorCode, FieldError};
use serde::Serialize;

/// SHDK: a member's relationship to the *kepala keluarga*.
#[doc(alias = "SHDK")]
#[doc(alias = "hubungan_keluarga")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Relationship {
    /// 1 *Kepala Keluarga* (head).
    KepalaKeluarga,
    /// 2 *Suami* (husband of a female head).
    Suami,
    /// 3 *Istri* (wife of a male head).
    Istri,
    /// 4 *Anak* (child).
    Anak,
    /// 5 *Menantu* (child-in-law).
    Menantu,
    /// 6 *Cucu* (grandchild).
    Cucu,
    /// 7 *Orang tua* (parent).
    OrangTua,
    /// 8 *Mertua* (parent-in-law).
    Mertua,
    /// 9 *Famili lain* (other relative).
    FamiliLain,
    /// 10 *Pembantu* (household help).
    Pembantu,
    /// 11 *Lainnya* (other).
    Lainnya,
}

const ALL: [Relationship; 11] = [
    Relationship::KepalaKeluarga,
    Relationship::Suami,
    Relationship::Istri,
    Relationship::Anak,
    Relationship::Menantu,
    Relationship::Cucu,
    Relationship::OrangTua,
    Relationship::Mertua,
    Relationship::FamiliLain,
    Relationship::Pembantu,
    Relationship::Lainnya,
];

impl Relationship {
    /// The SHDK code 1-11.
    pub fn code(self) -> u8 {
        ALL.iter()
            .position(|r| *r == self)
            .and_then(|i| u8::try_from(i + 1).ok())
            .unwrap_or(11)
    }

    /// From an SHDK code 1-11.
    ///
    /// # Errors
    /// `relationship_invalid` for any other number.
    pub fn from_code(code: i64) -> Result<Relationship, FieldError> {
        usize::try_from(code)
            .ok()
            .and_then(|c| c.checked_sub(1))
            .and_then(|i| ALL.get(i).copied())
            .ok_or_else(|| FieldError::new(ErrorCode::RelationshipInvalid))
    }

    /// Parses an SHDK code (`"3"`) or name (`"istri"`, `"Kepala Keluarga"`,
    /// `"orang_tua"`, English `"wife"`, `"head"`), case-insensitively.
    ///
    /// # Errors
    /// `relationship_invalid` for anything else.
    pub fn parse(s: &str) -> Result<Relationship, FieldError> {
        // The usual codes, exactly as written: nothing to normalise
        // (normalising them gives them back unchanged).
        match s {
            "kepala_keluarga" => return Ok(Relationship::KepalaKeluarga),
            "istri" => return Ok(Relationship::Istri),
            "suami" => return Ok(Relationship::Suami),
            "anak" => return Ok(Relationship::Anak),
            _ => {}
        }
        let norm = crate::input::normalize_code(s, b" -");
        if let Ok(n) = norm.parse::<i64>() {
            return Relationship::from_code(n);
        }
        Ok(match norm.as_ref() {
            "kepala_keluarga" | "kk" | "kepala" | "head" => Relationship::KepalaKeluarga,
            "suami" | "husband" => Relationship::Suami,
            "istri" | "isteri" | "wife" => Relationship::Istri,
            "anak" | "child" => Relationship::Anak,
            "menantu" | "child_in_law" => Relationship::Menantu,
            "cucu" | "grandchild" => Relationship::Cucu,
            "orang_tua" | "orangtua" | "parent" => Relationship::OrangTua,
            "mertua" | "parent_in_law" => Relationship::Mertua,
            "famili_lain" | "other_relative" => Relationship::FamiliLain,
            "pembantu" | "household_help" => Relationship::Pembantu,
            "lainnya" | "other" => Relationship::Lainnya,
            _ => return Err(FieldError::new(ErrorCode::RelationshipInvalid)),
        })
    }

    /// True for *suami* and *istri*.
    pub fn is_spouse(self) -> bool {
        matches!(self, Relationship::Suami | Relationship::Istri)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for (i, r) in ALL.iter().enumerate() {
            assert_eq!(usize::from(r.code()), i + 1);
            assert_eq!(Relationship::from_code(i64::from(r.code())).ok(), Some(*r));
        }
        assert!(Relationship::from_code(0).is_err());
        assert!(Relationship::from_code(12).is_err());
        assert_eq!(
            Relationship::parse("Kepala Keluarga").ok(),
            Some(Relationship::KepalaKeluarga)
        );
        assert_eq!(
            Relationship::parse("orang-tua").ok(),
            Some(Relationship::OrangTua)
        );
        assert_eq!(Relationship::parse(" 3 ").ok(), Some(Relationship::Istri));
    }

    /// The codes read without normalising read as their normalised forms.
    #[test]
    fn usual_codes_shortcut_agrees() {
        for s in ["kepala_keluarga", "istri", "suami", "anak"] {
            let slow = format!(" {} ", s.to_uppercase().replace('_', " "));
            assert_eq!(Relationship::parse(s), Relationship::parse(&slow), "{s}");
            assert!(Relationship::parse(s).is_ok());
        }
    }
}
