//! The village report: aggregation of a family register by region
//! ([`aggregate`]) and the Kampung KB classification ([`classification`]),
//! DOMAIN.md §5 and §8.
//!
//! ```
//! use kampung_core::report::{Aggregator, contribution};
//! use kampung_core::register::{RegisterFamily, RegisterOptions};
//! use kampung_core::growth::Tables2006;
//! use chrono::NaiveDate;
//! let opts = RegisterOptions::new(NaiveDate::from_ymd_opt(2025, 7, 1).unwrap());
//! let line = serde_json::json!({"no_kk": "6472052301150007", "region_code": "64.72.05.2001",
//!   "members": [{"name": "Budi", "sex": "L", "birth_date": "1985-01-01",
//!                "relationship": "kepala_keluarga", "marital_status": "kawin"},
//!               {"name": "Siti", "sex": "P", "birth_date": "1990-07-05",
//!                "relationship": "istri", "marital_status": "kawin"}],
//!   "housing": {"water_source": "sumur_tak_terlindung", "latrine": "sendiri", "septic_tank": true},
//!   "kb": {"method": "pill"}});
//! let read = RegisterFamily::from_value(&line, &opts);
//! let mut agg = Aggregator::new();
//! agg.add(&contribution(&read.family.unwrap(), &opts, &Tables2006::bundled()));
//! let rows = agg.rows();
//! assert_eq!(rows.len(), 5); // total, province, kabupaten, kecamatan, desa
//! let cpr = rows[0].indicator("cpr").unwrap();
//! assert_eq!((cpr.numerator, cpr.denominator, cpr.value), (1, 1, Some(100.0)));
//! assert_eq!(rows[0].indicator("krs").unwrap().numerator, 1);
//! ```

pub mod aggregate;
pub mod classification;
pub mod design;
pub mod engine;
pub mod exclusions;
#[cfg(feature = "csv")]
pub mod input;
#[cfg(feature = "render")]
pub mod render;
pub mod skdn;
pub mod state;
pub mod wilson;

pub use aggregate::{
    contribution, Aggregator, Counters, Estimate, FamilyContribution, Indicator, RegionRow,
    RowLevel,
};
pub use classification::{classify_kampung, KampungClass, KampungClassification, KampungProfile};
pub use design::{DesignSummary, FamilyDesign, ReportDesign};
pub use engine::{Observer, Progress, ReportOptions};
pub use exclusions::{Excluded, Exclusions, Problem};
#[cfg(feature = "csv")]
pub use input::{InputError, RegisterInput};
pub use skdn::{SkdnOptions, SkdnReport, SkdnRow};
pub use state::{MergeError, ReportState};

use chrono::NaiveDate;
use serde::Serialize;

/// The Kampung KB classification of one desa (DOMAIN.md §5.4).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DesaClass {
    /// The desa's code as given in the profiles.
    pub code: String,
    /// Its profile, completed from the register where the profile is silent.
    pub profile: KampungProfile,
    /// The classification.
    pub classification: KampungClassification,
}

/// The village report of one register: every region's figures, the
/// Kampung KB classification of profiled desa, and what was left out.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The reference date used.
    pub as_of: NaiveDate,
    /// When `as_of` was not given but taken as today's date: the zone of
    /// that calendar date (the renderers say so).
    pub as_of_today: Option<crate::today::TimeZone>,
    /// The names of the inputs (file names), in table order (families,
    /// members, measurements; one name for JSON Lines); problems name
    /// their file from it. Empty unless the caller sets it.
    pub sources: Vec<String>,
    /// The total, then every region at every level present, parents before
    /// their children.
    pub rows: Vec<RegionRow>,
    /// Kampung KB classification of the desa with a profile ([`Report::classify`]).
    pub kampung_kb: Vec<DesaClass>,
    /// Families read, included and excluded, by reason.
    pub exclusions: Exclusions,
    /// The problems kept (see [`ReportOptions::errors_kept`]), in input order.
    pub errors: Vec<Problem>,
    /// Problems not kept.
    pub errors_truncated: u64,
    /// The survey design of the growth prevalences, when one was given
    /// ([`ReportOptions::with_design`]); `None`: Wilson intervals (census).
    pub design: Option<DesignSummary>,
    /// The SKDN table of the month, when one was asked for
    /// ([`ReportOptions::with_month`]).
    pub skdn: Option<SkdnReport>,
}

impl Report {
    /// The row of the whole register.
    pub fn total(&self) -> Option<&RegionRow> {
        self.rows.first()
    }

    /// Classifies every desa of `profiles` (an object `{region_code:
    /// profile}`, DOMAIN.md §5.4); the output block of a profile (PUS,
    /// users, MKJP users, IAT, TIAL) is taken from the register's row of
    /// that desa when the profile does not give it.
    ///
    /// # Errors
    /// The problems of the first profile that does not validate (with the
    /// desa code as the first path segment), or `invalid_type` when
    /// `profiles` is not an object.
    pub fn classify(
        &mut self,
        profiles: &serde_json::Value,
    ) -> Result<(), crate::ValidationErrors> {
        check_profile_keys(profiles)?;
        // An object: checked above.
        let Some(map) = profiles.as_object() else {
            return Ok(());
        };
        let mut out = Vec::with_capacity(map.len());
        for (code, v) in map {
            let mut p = KampungProfile::from_value(v).map_err(|es| {
                let mut e = crate::ValidationErrors::new();
                e.extend_with_outer(es, &crate::PathSegment::Field("profile"));
                e
            })?;
            let plain: String = code.chars().filter(char::is_ascii_digit).collect();
            let row = self.rows.iter().find(|r| {
                r.code
                    .as_deref()
                    .is_some_and(|c| c.chars().filter(char::is_ascii_digit).eq(plain.chars()))
            });
            if let Some(r) = row {
                let c = &r.counts;
                p.pus = p.pus.or(Some(c.pus));
                p.users = p.users.or(Some(c.users));
                p.mkjp_users = p.mkjp_users.or(Some(c.mkjp_users));
                p.iat = p.iat.or(Some(c.reason[2]));
                p.tial = p.tial.or(Some(c.reason[3]));
            }
            out.push(DesaClass {
                code: code.clone(),
                classification: classify_kampung(&p),
                profile: p,
            });
        }
        self.kampung_kb = out;
        Ok(())
    }
}

/// Kampung KB profiles that cannot be used: not JSON, or not valid
/// profiles ([`check_profiles`]).
#[derive(Debug, thiserror::Error)]
pub enum ProfilesError {
    /// The text is not JSON.
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    /// The profiles' problems.
    #[error("{}", .0.summary("profile", crate::Locale::En))]
    Invalid(crate::ValidationErrors),
}

impl ProfilesError {
    /// One line in `lang`.
    #[must_use]
    pub fn describe(&self, lang: crate::Locale) -> String {
        match self {
            ProfilesError::Json(e) => e.to_string(),
            ProfilesError::Invalid(e) => e.summary("profile", lang),
        }
    }
}

/// Kampung KB profiles read from JSON text (`{desa_code: profile}`) and
/// checked with [`check_profiles`], before any data is read.
///
/// # Errors
/// The text is not JSON, or the profiles do not validate.
pub fn parse_profiles(text: &str) -> Result<serde_json::Value, ProfilesError> {
    let v: serde_json::Value = serde_json::from_str(text)?;
    check_profiles(&v).map_err(ProfilesError::Invalid)?;
    Ok(v)
}

/// Checks Kampung KB profiles (`{desa_code: profile}`) before any data is
/// read: an object whose keys are desa/kelurahan codes (10 digits, dots
/// allowed: [`crate::KodeWilayah`]) and whose values are profiles.
/// A key is never echoed (it may hold anything, terminal escape sequences
/// included): its problems point at its position among the keys.
///
/// # Errors
/// `invalid_type` when `profiles` is not an object; the problems of each
/// key that is not a desa/kelurahan code (path: the key's position) and of
/// each profile that does not validate (path: position, `profile`, field).
pub fn check_profiles(profiles: &serde_json::Value) -> Result<(), crate::ValidationErrors> {
    check_profile_keys(profiles)?;
    let mut errors = crate::ValidationErrors::new();
    for (i, v) in profiles
        .as_object()
        .into_iter()
        .flatten()
        .map(|(_, v)| v)
        .enumerate()
    {
        if let Err(es) = KampungProfile::from_value(v) {
            let mut e = crate::ValidationErrors::new();
            e.extend_with_outer(es, &crate::PathSegment::Field("profile"));
            errors.extend_with_outer(
                e,
                &crate::PathSegment::Index(u32::try_from(i).unwrap_or(u32::MAX)),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The keys of a profiles object: desa/kelurahan codes only.
fn check_profile_keys(profiles: &serde_json::Value) -> Result<(), crate::ValidationErrors> {
    let Some(map) = profiles.as_object() else {
        let mut e = crate::ValidationErrors::new();
        e.push(
            crate::FieldError::new(crate::ErrorCode::InvalidType)
                .with_param("expected", "object")
                .with_param("received", crate::input::type_name(profiles)),
        );
        return Err(e);
    };
    let mut errors = crate::ValidationErrors::new();
    for (i, key) in map.keys().enumerate() {
        let at = crate::PathSegment::Index(u32::try_from(i).unwrap_or(u32::MAX));
        match crate::KodeWilayah::parse(key) {
            Ok(k) if k.level() == crate::wilayah::Level::DesaKelurahan => {}
            Ok(_) => errors.push(
                crate::FieldError::new(crate::ErrorCode::InvalidCode)
                    .with_param("allowed", "desa/kelurahan code (10 digits)")
                    .with_outer(at),
            ),
            Err(es) => errors.extend_with_outer(es, &at),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
