//! Parsers for the string columns of WHO anthro-style input
//! (WHO_GROWTH.md §1.2). They return the numeric codes that the batch
//! functions take, so bindings can convert string columns once.

use crate::error::{ErrorCode, FieldError};
use crate::sex::Sex;

/// Sex code: missing.
pub const SEX_MISSING: u8 = 0;
/// Sex code: male (WHO anthro `1`).
pub const SEX_MALE: u8 = 1;
/// Sex code: female (WHO anthro `2`).
pub const SEX_FEMALE: u8 = 2;
/// Measure code: missing.
pub const MEASURE_MISSING: u8 = 0;
/// Measure code: recumbent length.
pub const MEASURE_LENGTH: u8 = b'l';
/// Measure code: standing height.
pub const MEASURE_HEIGHT: u8 = b'h';

fn is_missing(s: &str) -> bool {
    let t = s.trim();
    t.is_empty() || t.eq_ignore_ascii_case("na") || t.eq_ignore_ascii_case("nan")
}

/// Parses a sex cell with the one sex parser of kampung ([`Sex::parse`]):
/// WHO anthro's `1`, `m`, `M` → 1 and `2`, `f`, `F` → 2
/// (`R/z-score.R:176-187`) and, as the Kartu Keluarga writes it, `L`/`P`,
/// `laki-laki`/`perempuan`; empty or `NA` → 0 (missing).
///
/// # Errors
/// `sex_invalid` (path `sex`) for anything else.
pub fn parse_sex(s: &str) -> Result<u8, FieldError> {
    if is_missing(s) {
        return Ok(SEX_MISSING);
    }
    match Sex::parse(s) {
        Ok(sex) => Ok(sex.code()),
        Err(e) => Err(e.with_path(crate::error::FieldPath::field("sex"))),
    }
}

/// WHO anthro's output `cmeasure` (anthro 1.1, `R/z-score.R`): the cleaned
/// measuring position used in the computation, `b'l'` or `b'h'`, or
/// [`MEASURE_MISSING`] when none was given or when a child under 9 months
/// was measured standing (`c9mo_flag` = 1: the measure is then ignored,
/// WHO_GROWTH.md §1.2).
pub fn cmeasure(measure: u8, c9mo_flag: f64) -> u8 {
    if c9mo_flag == 1.0 {
        MEASURE_MISSING
    } else {
        measure
    }
}

/// Parses a measure cell, trimmed and case-insensitive: `l` → `b'l'`,
/// `h` → `b'h'`, empty or `NA` → 0 (missing). WHO anthro
/// `R/z-score.R:192, 230-231`.
///
/// # Errors
/// `measure_invalid` (path `measure`) for anything else.
pub fn parse_measure(s: &str) -> Result<u8, FieldError> {
    if is_missing(s) {
        return Ok(MEASURE_MISSING);
    }
    match s.trim() {
        "l" | "L" => Ok(MEASURE_LENGTH),
        "h" | "H" => Ok(MEASURE_HEIGHT),
        _ => Err(FieldError::at("measure", ErrorCode::MeasureInvalid)),
    }
}

/// Parses an oedema cell, trimmed and case-insensitive: `y`, `1` → true;
/// `n`, `2`, empty or `NA` → false. WHO anthro `R/utils.R:193-199`,
/// `R/z-score.R:197-200`.
///
/// # Errors
/// `oedema_invalid` (path `oedema`) for anything else.
pub fn parse_oedema(s: &str) -> Result<bool, FieldError> {
    if is_missing(s) {
        return Ok(false);
    }
    match s.trim() {
        "y" | "Y" | "1" => Ok(true),
        "n" | "N" | "2" => Ok(false),
        _ => Err(FieldError::at("oedema", ErrorCode::OedemaInvalid)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsers() {
        assert_eq!(parse_sex(" M ").unwrap(), 1);
        assert_eq!(parse_sex("f").unwrap(), 2);
        assert_eq!(parse_sex("NA").unwrap(), 0);
        assert_eq!(parse_sex("L").unwrap(), 1);
        assert_eq!(parse_sex(" p ").unwrap(), 2);
        assert_eq!(parse_sex("Perempuan").unwrap(), 2);
        assert_eq!(parse_sex("x").unwrap_err().code(), ErrorCode::SexInvalid);
        assert_eq!(parse_sex("x").unwrap_err().path().to_string(), "sex");
        assert_eq!(parse_measure(" H").unwrap(), b'h');
        assert_eq!(parse_measure("").unwrap(), 0);
        assert_eq!(
            parse_measure("x").unwrap_err().path().to_string(),
            "measure"
        );
        assert!(parse_oedema("Y").unwrap());
        assert!(!parse_oedema("2").unwrap());
        assert!(!parse_oedema("NA").unwrap());
        assert_eq!(
            parse_oedema("maybe").unwrap_err().code(),
            ErrorCode::OedemaInvalid
        );
    }
}
