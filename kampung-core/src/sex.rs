//! Sex (*jenis kelamin*) as recorded by Dukcapil and used by the WHO standards.

use crate::error::{ErrorCode, FieldError};
use serde::{Deserialize, Serialize};

/// Sex of a person. Serialized as `"male"` / `"female"`.
#[doc(alias = "jenis_kelamin")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    /// *Laki-laki* (code 1, `L`, WHO `m`).
    Male,
    /// *Perempuan* (code 2, `P`, WHO `f`).
    Female,
}

impl Sex {
    /// Parses the codes used by Dukcapil forms (`1`/`2`, `L`/`P`,
    /// `laki-laki`/`perempuan`) and by WHO anthro (`1`/`2`, `m`/`f`),
    /// case-insensitively, ignoring surrounding spaces.
    ///
    /// # Errors
    /// `sex_invalid` for anything else.
    pub fn parse(s: &str) -> Result<Sex, FieldError> {
        // The usual codes, exactly as written: nothing to normalise.
        match s {
            "L" => return Ok(Sex::Male),
            "P" => return Ok(Sex::Female),
            _ => {}
        }
        match crate::input::normalize_code(s, &[]).as_ref() {
            "1" | "l" | "m" | "lk" | "laki-laki" | "laki laki" | "male" => Ok(Sex::Male),
            "2" | "p" | "f" | "pr" | "perempuan" | "wanita" | "female" => Ok(Sex::Female),
            _ => Err(FieldError::new(ErrorCode::SexInvalid)),
        }
    }

    /// WHO anthro's numeric code: 1 male, 2 female.
    pub const fn code(self) -> u8 {
        match self {
            Sex::Male => 1,
            Sex::Female => 2,
        }
    }

    /// The wire name, `"male"` or `"female"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        for s in ["1", "L", " m ", "Laki-laki", "MALE"] {
            assert_eq!(Sex::parse(s).ok(), Some(Sex::Male), "{s}");
        }
        for s in ["2", "p", "F", "Perempuan"] {
            assert_eq!(Sex::parse(s).ok(), Some(Sex::Female), "{s}");
        }
        for s in ["", "3", "x", "lakilaki?"] {
            assert_eq!(
                Sex::parse(s).map_err(|e| e.code()),
                Err(ErrorCode::SexInvalid)
            );
        }
    }

    /// The codes read without normalising read as their normalised forms.
    #[test]
    fn usual_codes_shortcut_agrees() {
        for s in ["L", "P"] {
            let slow = format!(" {} ", s.to_lowercase());
            assert_eq!(Sex::parse(s), Sex::parse(&slow), "{s}");
            assert!(Sex::parse(s).is_ok());
        }
    }
}
