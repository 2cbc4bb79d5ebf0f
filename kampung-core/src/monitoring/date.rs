//! Dates as whole days since 1970-01-01 (the Arrow `date32` encoding), so
//! that visit columns carry no per-row objects, and the calendar arithmetic
//! the rules need: the period `12·year + month` (R1) and completed months
//! (R5, DOMAIN.md §3.5).

use chrono::{Datelike, NaiveDate};

/// A missing date.
pub const NO_DATE: i32 = i32::MIN;
/// A date cell that could not be read (`invalid_date`).
pub const BAD_DATE: i32 = i32::MIN + 1;

/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
const EPOCH_CE: i32 = 719_163;

/// Days since 1970-01-01 of `d`.
pub fn to_days(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - EPOCH_CE
}

/// The date `days` after 1970-01-01 (`None` outside chrono's range or for
/// [`NO_DATE`] / [`BAD_DATE`]).
pub fn from_days(days: i32) -> Option<NaiveDate> {
    if days <= BAD_DATE {
        return None;
    }
    NaiveDate::from_num_days_from_ce_opt(days.checked_add(EPOCH_CE)?)
}

/// `(year, month 1-12, day 1-31)` of a day number (H. Hinnant's
/// `civil_from_days`, integer arithmetic only).
#[inline]
pub fn civil(days: i32) -> (i32, i32, i32) {
    let z = i64::from(days) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    #[allow(clippy::cast_possible_truncation)]
    (y as i32, m as i32, d as i32)
}

/// R1: `period(d) = 12·year(d) + month(d)`.
#[inline]
pub fn period(days: i32) -> i32 {
    let (y, m, _) = civil(days);
    12 * y + m
}

/// Completed months from `birth` to `visit` (DOMAIN.md §3.5): calendar
/// months, minus one when the visit's day of the month is smaller than the
/// birth's.
#[inline]
pub fn completed_months(birth: (i32, i32, i32), visit: (i32, i32, i32)) -> i32 {
    let m = (visit.0 - birth.0) * 12 + visit.1 - birth.1;
    if visit.2 < birth.2 {
        m - 1
    } else {
        m
    }
}

/// The last day of the period `p` (`12·year + month`), as days.
pub fn last_day_of_period(p: i32) -> Option<i32> {
    let (y, m) = ((p - 1).div_euclid(12), (p - 1).rem_euclid(12) + 1);
    let first_next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, u32::try_from(m + 1).ok()?, 1)
    }?;
    Some(to_days(first_next) - 1)
}

/// Parses `YYYY-MM` into a period.
///
/// # Errors
/// `invalid_month`.
pub fn parse_month(s: &str) -> Result<i32, crate::FieldError> {
    let bad = || crate::FieldError::new(crate::ErrorCode::InvalidMonth);
    let t = s.trim();
    let (y, m) = t.split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let (y, m): (i32, i32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(1..=12).contains(&m) {
        return Err(bad());
    }
    Ok(12 * y + m)
}

/// `YYYY-MM` of a period.
pub fn format_period(p: i32) -> String {
    format!(
        "{:04}-{:02}",
        (p - 1).div_euclid(12),
        (p - 1).rem_euclid(12) + 1
    )
}

/// A calendar month (`YYYY-MM`), validated: the period `12·year + month`
/// of R1, e.g. the month of an SKDN table (MONITORING.md §2.1) or of
/// `kampung report --month`. Serialised as its `YYYY-MM` text.
///
/// ```
/// use kampung_core::monitoring::date::YearMonth;
/// let m: YearMonth = "2024-03".parse().unwrap();
/// assert_eq!((m.period(), m.to_string()), (12 * 2024 + 3, "2024-03".to_owned()));
/// assert!("2024-13".parse::<YearMonth>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[doc(alias = "bulan")]
pub struct YearMonth(i32);

impl YearMonth {
    /// Parses `YYYY-MM` ([`parse_month`]).
    ///
    /// # Errors
    /// `invalid_month`.
    pub fn parse(s: &str) -> Result<YearMonth, crate::FieldError> {
        parse_month(s).map(YearMonth)
    }

    /// The month of a date.
    pub fn of_date(d: NaiveDate) -> YearMonth {
        YearMonth(period(to_days(d)))
    }

    /// The period `12·year + month`.
    pub const fn period(self) -> i32 {
        self.0
    }

    /// The first day of the month.
    pub fn first_day(self) -> Option<NaiveDate> {
        let (y, m) = ((self.0 - 1).div_euclid(12), (self.0 - 1).rem_euclid(12) + 1);
        NaiveDate::from_ymd_opt(y, u32::try_from(m).ok()?, 1)
    }

    /// The last day of the month.
    pub fn last_day(self) -> Option<NaiveDate> {
        last_day_of_period(self.0).and_then(from_days)
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_period(self.0))
    }
}

impl std::str::FromStr for YearMonth {
    type Err = crate::FieldError;
    fn from_str(s: &str) -> Result<YearMonth, crate::FieldError> {
        YearMonth::parse(s)
    }
}

impl serde::Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for YearMonth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<YearMonth, D::Error> {
        let s = String::deserialize(d)?;
        YearMonth::parse(&s)
            .map_err(|_| serde::de::Error::custom(format!("not a month YYYY-MM: {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_agrees_with_chrono() {
        for days in (-800_000..800_000).step_by(97) {
            let d = from_days(days).unwrap();
            assert_eq!(
                civil(days),
                (d.year(), d.month() as i32, d.day() as i32),
                "{days}"
            );
            assert_eq!(to_days(d), days);
        }
    }

    #[test]
    fn months() {
        let d = |s: &str| civil(to_days(s.parse().unwrap()));
        assert_eq!(completed_months(d("2024-01-20"), d("2024-02-10")), 0);
        assert_eq!(completed_months(d("2023-11-20"), d("2024-03-12")), 3);
        assert_eq!(
            period(to_days("2024-03-12".parse().unwrap())),
            12 * 2024 + 3
        );
        assert_eq!(parse_month("2024-03").unwrap(), 12 * 2024 + 3);
        assert!(parse_month("2024-13").is_err() && parse_month("24-03").is_err());
        assert_eq!(format_period(12 * 2024 + 12), "2024-12");
        assert_eq!(
            from_days(last_day_of_period(12 * 2024 + 2).unwrap()).unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
    }
}
