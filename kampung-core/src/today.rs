//! "Today" as a calendar date in Indonesia, for the entry points where the
//! reference date `as_of` may be omitted (a NIK typed into a form, the
//! CLI). The rules themselves never read a clock: they take `as_of`.
//!
//! Indonesia has three time zones (Keputusan Presiden No. 41/1987 *tentang
//! Pembagian Wilayah Republik Indonesia menjadi 3 (tiga) Wilayah Waktu*):
//! WIB = UTC+7, WITA = UTC+8, WIT = UTC+9. Between 00:00 and 07:00 WIB the
//! UTC date is still yesterday, so a UTC "today" is wrong for seven hours
//! of every Indonesian day.

use crate::error::{ErrorCode, FieldError};
use crate::input::parse_date;
use crate::Locale;
use chrono::{DateTime, NaiveDate};
use serde::Serialize;

/// One of Indonesia's three time zones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum TimeZone {
    /// *Waktu Indonesia Barat*, UTC+7 (Sumatra, Java, West and Central
    /// Kalimantan). The default.
    #[default]
    Wib,
    /// *Waktu Indonesia Tengah*, UTC+8 (Bali, Nusa Tenggara, South, East
    /// and North Kalimantan, Sulawesi).
    Wita,
    /// *Waktu Indonesia Timur*, UTC+9 (Maluku, Papua).
    Wit,
}

impl TimeZone {
    /// `WIB`, `WITA` or `WIT`.
    pub const fn name(self) -> &'static str {
        match self {
            TimeZone::Wib => "WIB",
            TimeZone::Wita => "WITA",
            TimeZone::Wit => "WIT",
        }
    }

    /// Today's calendar date in this zone, from the system clock
    /// (see [`today_in`]).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn today(self) -> NaiveDate {
        today_in(self)
    }

    /// The offset from UTC in seconds.
    pub const fn utc_offset_seconds(self) -> i64 {
        match self {
            TimeZone::Wib => 7 * 3600,
            TimeZone::Wita => 8 * 3600,
            TimeZone::Wit => 9 * 3600,
        }
    }

    /// The zone of a province (the first two digits of a NIK, Nomor KK or
    /// region code; DOMAIN.md §7.4), by Keppres 41/1987: WITA for Bali
    /// (51), NTB (52), NTT (53), South, East and North Kalimantan (63-65)
    /// and Sulawesi (71-76); WIT for Maluku (81-82) and Papua (91-97); WIB
    /// for the rest. `None` for a code that is not a province.
    pub fn of_province(code: u8) -> Option<TimeZone> {
        crate::id::province::province_name(code)?;
        Some(match code {
            51..=53 | 63..=65 | 71..=76 => TimeZone::Wita,
            81..=82 | 91..=97 => TimeZone::Wit,
            _ => TimeZone::Wib,
        })
    }

    /// Parses `wib`, `wita`, `wit` (any case) or the offsets `+07:00`,
    /// `+08:00`, `+09:00`.
    ///
    /// # Errors
    /// `invalid_code` for anything else.
    pub fn parse(s: &str) -> Result<TimeZone, FieldError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "wib" | "+07:00" | "+7" | "asia/jakarta" | "asia/pontianak" => Ok(TimeZone::Wib),
            "wita" | "+08:00" | "+8" | "asia/makassar" => Ok(TimeZone::Wita),
            "wit" | "+09:00" | "+9" | "asia/jayapura" => Ok(TimeZone::Wit),
            _ => {
                Err(FieldError::new(ErrorCode::InvalidCode).with_param("allowed", "wib, wita, wit"))
            }
        }
    }
}

/// The calendar date in `zone` at `unix_seconds` (seconds since
/// 1970-01-01T00:00:00Z). `None` only for an instant outside chrono's range.
pub fn date_at(unix_seconds: i64, zone: TimeZone) -> Option<NaiveDate> {
    let local = unix_seconds.checked_add(zone.utc_offset_seconds())?;
    DateTime::from_timestamp(local, 0).map(|t| t.date_naive())
}

/// Today's calendar date in `zone`, from the system clock. Not available on
/// `wasm32` (there the JS `Date`'s local calendar date is used instead).
#[cfg(not(target_arch = "wasm32"))]
pub fn today_in(zone: TimeZone) -> NaiveDate {
    let secs = match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    };
    date_at(secs, zone).unwrap_or(NaiveDate::MIN)
}

/// Today in WIB (UTC+7), the zone of most of Indonesia's population: the
/// default `as_of` where it may be omitted.
#[cfg(not(target_arch = "wasm32"))]
pub fn today_in_indonesia() -> NaiveDate {
    today_in(TimeZone::Wib)
}

/// The reference date as shown to a reader: `2026-01-15`, or
/// `2026-01-15 (hari ini, WIB)` / `2026-01-15 (today, WIB)` when it is
/// today's date in `zone` (the `as_of` that was not given).
pub fn date_note(as_of: NaiveDate, zone: Option<TimeZone>, lang: Locale) -> String {
    match (zone, lang) {
        (Some(z), Locale::Id) => format!("{as_of} (hari ini, {})", z.name()),
        (Some(z), Locale::En) => format!("{as_of} (today, {})", z.name()),
        (None, _) => as_of.to_string(),
    }
}

/// A reference date given as a date or as ISO text `YYYY-MM-DD` (the form
/// every binding accepts for `as_of`).
///
/// # Errors
/// `invalid_date` for text that is not a real `YYYY-MM-DD` date.
pub fn parse_as_of(s: &str) -> Result<NaiveDate, FieldError> {
    parse_date(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    /// 2026-01-14T17:00:00Z is 00:00 WIB on the 15th; one second before is
    /// still the 14th in WIB. WITA and WIT turned the day an hour and two
    /// hours earlier.
    #[test]
    fn the_day_turns_at_local_midnight() {
        let t = 1_768_410_000; // 2026-01-14T17:00:00Z
        assert_eq!(
            DateTime::from_timestamp(t, 0).map(|x| x.date_naive()),
            Some(d(2026, 1, 14))
        );
        assert_eq!(date_at(t, TimeZone::Wib), Some(d(2026, 1, 15)));
        assert_eq!(date_at(t - 1, TimeZone::Wib), Some(d(2026, 1, 14)));
        assert_eq!(date_at(t - 3600, TimeZone::Wita), Some(d(2026, 1, 15)));
        assert_eq!(date_at(t - 3601, TimeZone::Wita), Some(d(2026, 1, 14)));
        assert_eq!(date_at(t - 7200, TimeZone::Wit), Some(d(2026, 1, 15)));
    }

    #[test]
    fn the_date_note_says_when_it_is_today() {
        let as_of = d(2026, 1, 15);
        assert_eq!(date_note(as_of, None, Locale::Id), "2026-01-15");
        assert_eq!(
            date_note(as_of, Some(TimeZone::Wib), Locale::Id),
            "2026-01-15 (hari ini, WIB)"
        );
        assert_eq!(
            date_note(as_of, Some(TimeZone::Wit), Locale::En),
            "2026-01-15 (today, WIT)"
        );
    }

    #[test]
    fn zones_of_provinces() {
        assert_eq!(TimeZone::of_province(31), Some(TimeZone::Wib)); // DKI Jakarta
        assert_eq!(TimeZone::of_province(61), Some(TimeZone::Wib)); // Kalimantan Barat
        assert_eq!(TimeZone::of_province(51), Some(TimeZone::Wita)); // Bali
        assert_eq!(TimeZone::of_province(64), Some(TimeZone::Wita)); // Kalimantan Timur
        assert_eq!(TimeZone::of_province(73), Some(TimeZone::Wita)); // Sulawesi Selatan
        assert_eq!(TimeZone::of_province(81), Some(TimeZone::Wit)); // Maluku
        assert_eq!(TimeZone::of_province(96), Some(TimeZone::Wit)); // Papua Barat Daya
        assert_eq!(TimeZone::of_province(20), None);
        assert_eq!(TimeZone::parse(" WITA ").ok(), Some(TimeZone::Wita));
        assert!(TimeZone::parse("utc").is_err());
    }

    /// WIB's date is the UTC date or the next day, never earlier.
    #[test]
    fn today_is_the_utc_date_or_the_next() {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let utc = DateTime::from_timestamp(secs, 0).map(|x| x.date_naive());
        let t = today_in_indonesia();
        assert!(
            utc.is_some_and(|u| t == u || t == u + chrono::Days::new(1)),
            "{t} {utc:?}"
        );
    }
}
