//! The calendar date in Indonesia, for callers that let `as_of` default to
//! "today".
//!
//! Indonesia has three time zones (Keputusan Presiden No. 41 Tahun 1987
//! *tentang Pembagian Wilayah Republik Indonesia menjadi 3 (tiga) Wilayah
//! Waktu*): WIB (UTC+7), WITA (UTC+8) and WIT (UTC+9); none observes
//! daylight saving time. Between 00:00 and 07:00 WIB the UTC date is still
//! yesterday, so "today" must be taken in an Indonesian zone, never in UTC.
//!
//! The calculations never read a clock (`as_of` is always passed in);
//! [`IndonesianTimeZone::today`] is for the shells (command line, Python)
//! that offer a default, and they say which date they used.

use chrono::NaiveDate;
use serde::Serialize;

/// One of Indonesia's three time zones.
#[doc(alias = "zona waktu")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum IndonesianTimeZone {
    /// *Waktu Indonesia Barat*, UTC+7 (Sumatra, Java, West and Central Kalimantan).
    #[default]
    Wib,
    /// *Waktu Indonesia Tengah*, UTC+8 (Bali, Nusa Tenggara, South, East and North Kalimantan, Sulawesi).
    Wita,
    /// *Waktu Indonesia Timur*, UTC+9 (Maluku, Papua).
    Wit,
}

impl IndonesianTimeZone {
    /// Hours ahead of UTC.
    pub const fn utc_offset_hours(self) -> i64 {
        match self {
            IndonesianTimeZone::Wib => 7,
            IndonesianTimeZone::Wita => 8,
            IndonesianTimeZone::Wit => 9,
        }
    }

    /// `WIB`, `WITA` or `WIT`.
    pub const fn name(self) -> &'static str {
        match self {
            IndonesianTimeZone::Wib => "WIB",
            IndonesianTimeZone::Wita => "WITA",
            IndonesianTimeZone::Wit => "WIT",
        }
    }

    /// Parses `WIB`, `WITA`, `WIT` (any case) or an IANA name of the zone
    /// (`Asia/Jakarta`, `Asia/Makassar`, `Asia/Jayapura`, …).
    ///
    /// # Errors
    /// `invalid_code` naming the allowed values.
    pub fn parse(s: &str) -> Result<IndonesianTimeZone, crate::FieldError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "wib" | "asia/jakarta" | "asia/pontianak" | "utc+7" => Ok(IndonesianTimeZone::Wib),
            "wita" | "asia/makassar" | "utc+8" => Ok(IndonesianTimeZone::Wita),
            "wit" | "asia/jayapura" | "utc+9" => Ok(IndonesianTimeZone::Wit),
            _ => Err(crate::FieldError::new(crate::ErrorCode::InvalidCode)
                .with_param("allowed", "WIB, WITA, WIT")),
        }
    }

    /// The calendar date in this zone at `unix_seconds` (seconds since
    /// 1970-01-01T00:00:00Z).
    pub fn date_at(self, unix_seconds: i64) -> NaiveDate {
        let local = unix_seconds.saturating_add(self.utc_offset_hours() * 3600);
        let days = local.div_euclid(86_400);
        NaiveDate::from_ymd_opt(1970, 1, 1)
            .and_then(|e| e.checked_add_signed(chrono::TimeDelta::try_days(days)?))
            .unwrap_or_default()
    }

    /// Today's date in this zone, from the system clock (not available in
    /// WebAssembly, where the browser's calendar is the caller's).
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    pub fn today(self) -> NaiveDate {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        self.date_at(secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_changes_at_local_midnight() {
        // 2026-01-14T16:59:59Z is 23:59:59 WIB; one second later it is the 15th.
        let t = 1_768_409_999;
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert_eq!(IndonesianTimeZone::Wib.date_at(t), d(2026, 1, 14));
        assert_eq!(IndonesianTimeZone::Wib.date_at(t + 1), d(2026, 1, 15));
        // 00:30 WIT on the 15th is still the 14th in UTC and WIB.
        assert_eq!(
            IndonesianTimeZone::Wit.date_at(t - 2 * 3600 + 1800 + 1),
            d(2026, 1, 15)
        );
        assert_eq!(IndonesianTimeZone::Wita.date_at(t - 3600), d(2026, 1, 14));
        assert_eq!(IndonesianTimeZone::Wib.date_at(0), d(1970, 1, 1));
        assert_eq!(
            IndonesianTimeZone::Wib.date_at(-7 * 3600 - 1),
            d(1969, 12, 31)
        );
    }

    #[test]
    fn names_parse() {
        for z in [
            IndonesianTimeZone::Wib,
            IndonesianTimeZone::Wita,
            IndonesianTimeZone::Wit,
        ] {
            assert_eq!(IndonesianTimeZone::parse(z.name()), Ok(z));
            assert_eq!(IndonesianTimeZone::parse(&z.name().to_lowercase()), Ok(z));
        }
        assert_eq!(
            IndonesianTimeZone::parse("Asia/Jayapura"),
            Ok(IndonesianTimeZone::Wit)
        );
        assert!(IndonesianTimeZone::parse("UTC").is_err());
    }
}
