//! The monitoring rule set: every threshold and option of MONITORING.md
//! §1-§4 as data with its source, in one named, versioned value that a
//! programme can switch without a code change ([`MonitoringRules`]).

use super::kbm::{KbmTable, KBM_SEX_SPECIFIC, KBM_TABLES};
use crate::error::{ErrorCode, FieldError, PathSegment, ValidationErrors};
use crate::input::Fields;
use crate::kb::read::{opt_bool, opt_code, opt_int, opt_number};
use serde::Serialize;
use serde_json::Value;

/// Who is referred (*rujuk*), MONITORING.md R9.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Referral {
    /// Default, \[KIA23\] **\[A\]**: T or BGM or above the orange line.
    #[default]
    Kia2023,
    /// \[SURV19\] **\[B\]**: 2T or BGM (sends 2T children to the Puskesmas).
    Legacy2t,
}

/// Which age reads the KBM table (MONITORING.md R5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum KbmAgeBasis {
    /// Default: completed months (*umur bulan penuh*) on the current visit
    /// date, \[MPI3\] **\[A\]**.
    #[default]
    CompletedMonths,
    /// `period(visit) − period(birth)`, the column of the older KMS
    /// \[KMS08\] **\[C\]** (born February, weighed June → 4).
    KmsColumn,
}

/// Which weighing of a calendar month is kept (MONITORING.md §4.3, DERIVED).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MonthPolicy {
    /// Default: the last one; the others get `superseded_in_month`.
    #[default]
    Last,
    /// The first one.
    First,
    /// None: every weighing of that month is an error.
    Error,
}

/// How N/T is decided (MONITORING.md R6 and the curve reading).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NtMethod {
    /// Default: N iff gain ≥ KBM (\[KIA23\]: a gain equal to the KBM is N).
    #[default]
    Kbm,
    /// T when gain < KBM **or** the WAZ crossed a line downwards (DERIVED).
    KbmOrLineCross,
}

/// What is done when last month is missing (MONITORING.md §1.2 "Gaps").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GapAssessment {
    /// Default: code O, nothing else.
    #[default]
    None,
    /// Also compare the gain since the last weighing with the sum of the
    /// KBM over the months in between, returned as `gap_nt` (DERIVED).
    Cumulative,
}

/// What *weight faltering* means (MONITORING.md §2.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WeightFaltering {
    /// Default: the code T (DERIVED).
    #[default]
    T,
    /// The WHO weight velocity z of the fitting interval below −2 (DERIVED).
    VelocityBelowMinus2,
}

/// The cross-visit plausibility thresholds of MONITORING.md §4.2 (all
/// DERIVED, open question §6.5).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Plausibility {
    /// Smallest and largest weight accepted, kg (WHO anthro's former
    /// plausible range 0.9-58 kg, WHO_GROWTH.md §1.9).
    pub weight_kg: (f64, f64),
    /// Warning `weight_loss_large` from this loss, percent (10).
    pub weight_loss_warning_pct: u32,
    /// Error `weight_change_implausible` above this loss, percent (20).
    pub weight_loss_error_pct: u32,
    /// Error above this gain per 30.4375 days, grams (2500).
    pub weight_gain_max_g_per_month: u32,
    /// Error when |ΔWAZ| exceeds this (3) …
    pub waz_change_max: f64,
    /// … within this many days (92).
    pub waz_change_window_days: i32,
    /// Warning `length_decreased` up to, error above, this fall, mm (30).
    pub length_fall_max_mm: i32,
    /// Error above this rise per 30.4375 days, mm (60).
    pub length_rise_max_mm_per_month: i32,
    /// Warning `headc_decreased` up to, error above, this fall, mm (10).
    pub headc_fall_max_mm: i32,
}

impl Default for Plausibility {
    fn default() -> Self {
        Plausibility {
            weight_kg: (0.9, 58.0),
            weight_loss_warning_pct: 10,
            weight_loss_error_pct: 20,
            weight_gain_max_g_per_month: 2500,
            waz_change_max: 3.0,
            waz_change_window_days: 92,
            length_fall_max_mm: 30,
            length_rise_max_mm_per_month: 60,
            headc_fall_max_mm: 10,
        }
    }
}

/// Visit sources (MONITORING.md §4.1), as a bit set for `d_sources`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
#[non_exhaustive]
pub enum Source {
    /// At the Posyandu (also the reading of a missing source).
    Posyandu = 1,
    /// A home visit by a cadre, BKB poktan or *Tim Pendamping Keluarga*.
    HomeVisit = 2,
    /// At a health facility.
    Facility = 3,
    /// The birth record (age 0).
    Birth = 4,
}

/// Code of a source cell that could not be read (`invalid_code`).
pub const SOURCE_INVALID: u8 = 255;
/// Code of a missing source cell (read as [`Source::Posyandu`]).
pub const SOURCE_MISSING: u8 = 0;

impl Source {
    /// All sources.
    pub const ALL: [Source; 4] = [
        Source::Posyandu,
        Source::HomeVisit,
        Source::Facility,
        Source::Birth,
    ];

    /// Parses `posyandu`, `home_visit`, `facility`, `birth` (also
    /// `kunjungan_rumah`, `faskes`, `lahir`).
    ///
    /// # Errors
    /// `invalid_code` listing the allowed values.
    pub fn parse(s: &str) -> Result<Source, FieldError> {
        match s {
            "posyandu" => return Ok(Source::Posyandu),
            "home_visit" => return Ok(Source::HomeVisit),
            _ => {}
        }
        match crate::input::normalize_code(s, b" -").as_ref() {
            "posyandu" => Ok(Source::Posyandu),
            "home_visit" | "home" | "kunjungan_rumah" | "rumah" => Ok(Source::HomeVisit),
            "facility" | "faskes" | "puskesmas" | "fasilitas_kesehatan" => Ok(Source::Facility),
            "birth" | "lahir" | "kelahiran" => Ok(Source::Birth),
            _ => Err(FieldError::new(ErrorCode::InvalidCode)
                .with_param("allowed", "posyandu, home_visit, facility, birth")),
        }
    }

    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Source::Posyandu => "posyandu",
            Source::HomeVisit => "home_visit",
            Source::Facility => "facility",
            Source::Birth => "birth",
        }
    }

    /// The source of a code column cell (missing reads as Posyandu).
    pub const fn from_code(c: u8) -> Option<Source> {
        match c {
            0 | 1 => Some(Source::Posyandu),
            2 => Some(Source::HomeVisit),
            3 => Some(Source::Facility),
            4 => Some(Source::Birth),
            _ => None,
        }
    }
}

/// The growth-monitoring rule set. [`MonitoringRules::kia2023`] is the
/// default; [`MonitoringRules::legacy_2t`] differs only in the referral
/// rule. Each field is one option of MONITORING.md, set with `with_*` or
/// [`MonitoringRules::from_options`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MonitoringRules {
    /// Rule-set name (`kia2023` or `legacy_2t`).
    pub name: &'static str,
    /// Version of the defaults.
    pub version: &'static str,
    /// Referral rule (R9).
    pub referral: Referral,
    /// KBM table (§1.3).
    pub kbm: KbmTable,
    /// Age basis of the KBM (R5).
    pub kbm_age_basis: KbmAgeBasis,
    /// BGM when WAZ < this (R8; default −3.0, DERIVED from the Permenkes
    /// 2/2020 BB/U cut-offs the 2021 KMS was re-drawn to, \[JKMS21\];
    /// open question §6.2).
    pub red_line_z: f64,
    /// Above orange when WAZ > this (R8; default +1.0, same source).
    pub orange_line_z: f64,
    /// Several weighings in one month (§4.3).
    pub month_policy: MonthPolicy,
    /// N/T decision (R6).
    pub nt_method: NtMethod,
    /// Gaps (§1.2).
    pub gap_assessment: GapAssessment,
    /// A birth record (`source = birth`) is a weighing (§4.1, default true,
    /// DERIVED; \[KMS08\] plots birth weight at column 0).
    pub birth_record_as_weighing: bool,
    /// Warning `short_interval` when consecutive months are fewer than this
    /// many days apart (20, DERIVED).
    pub short_interval_days: i32,
    /// Stunting (PB/U, TB/U < −2) and wasting (BB/PB, BB/TB < −2, or MUAC
    /// < 12.5 cm at 6-59 months) at a visit add `stunted` / `wasted` to the
    /// referral reasons as screening flags (§2.3, DERIVED default true;
    /// MUAC bands DOMAIN.md §3.6 **\[C\]**).
    pub screening_flags: bool,
    /// Weight-faltering definition (§2.3).
    pub weight_faltering: WeightFaltering,
    /// Multiply a velocity increment by nominal/Δ before its z (§3).
    pub scale_to_nominal: bool,
    /// Compute the WHO velocity z-scores (default true; `false` leaves the
    /// velocity columns missing, for callers that need only the codes).
    pub velocity: bool,
    /// Which sources count in SKDN's D (bit `1 << source`; default all).
    pub d_sources: u8,
    /// Cross-visit plausibility (§4.2).
    pub plausibility: Plausibility,
    /// Where the referral rule comes from.
    #[serde(skip)]
    pub source: &'static str,
}

impl Default for MonitoringRules {
    fn default() -> Self {
        MonitoringRules::kia2023()
    }
}

/// Every source counts in D.
pub const ALL_SOURCES: u8 = (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4);

impl MonitoringRules {
    /// The default rule set: Buku KIA 2023 (\[KIA23\] **\[A\]**): refer on T,
    /// BGM or above the orange line.
    pub const fn kia2023() -> MonitoringRules {
        MonitoringRules {
            name: "kia2023",
            version: "2024-06",
            referral: Referral::Kia2023,
            kbm: KBM_SEX_SPECIFIC,
            kbm_age_basis: KbmAgeBasis::CompletedMonths,
            red_line_z: -3.0,
            orange_line_z: 1.0,
            month_policy: MonthPolicy::Last,
            nt_method: NtMethod::Kbm,
            gap_assessment: GapAssessment::None,
            birth_record_as_weighing: true,
            short_interval_days: 20,
            screening_flags: true,
            weight_faltering: WeightFaltering::T,
            scale_to_nominal: false,
            velocity: true,
            d_sources: ALL_SOURCES,
            plausibility: Plausibility {
                weight_kg: (0.9, 58.0),
                weight_loss_warning_pct: 10,
                weight_loss_error_pct: 20,
                weight_gain_max_g_per_month: 2500,
                waz_change_max: 3.0,
                waz_change_window_days: 92,
                length_fall_max_mm: 30,
                length_rise_max_mm_per_month: 60,
                headc_fall_max_mm: 10,
            },
            source:
                "Buku KIA 2023, KMS page [KIA23] [A]: rujuk when T, BGM or above the orange line",
        }
    }

    /// The older rule (\[SURV19\] **\[B\]**): refer on 2T or BGM.
    pub const fn legacy_2t() -> MonitoringRules {
        let mut r = MonitoringRules::kia2023();
        r.name = "legacy_2t";
        r.referral = Referral::Legacy2t;
        r.source = "Orientasi Penguatan Surveilans Gizi 2019 [SURV19] [B]: 2T and BGM children are sent to the Puskesmas";
        r
    }

    /// The rule set named `name` (`kia2023` or `legacy_2t`).
    ///
    /// # Errors
    /// `invalid_code` for another name.
    pub fn named(name: &str) -> Result<MonitoringRules, FieldError> {
        match crate::input::normalize_code(name, b" -").as_ref() {
            "kia2023" | "kia_2023" => Ok(MonitoringRules::kia2023()),
            "legacy_2t" | "legacy2t" => Ok(MonitoringRules::legacy_2t()),
            _ => {
                Err(FieldError::new(ErrorCode::InvalidCode)
                    .with_param("allowed", "kia2023, legacy_2t"))
            }
        }
    }

    /// Sets the KBM table.
    #[must_use]
    pub const fn with_kbm(mut self, t: KbmTable) -> Self {
        self.kbm = t;
        self
    }
    /// Sets the KBM age basis.
    #[must_use]
    pub const fn with_kbm_age_basis(mut self, b: KbmAgeBasis) -> Self {
        self.kbm_age_basis = b;
        self
    }
    /// Sets the month policy.
    #[must_use]
    pub const fn with_month_policy(mut self, p: MonthPolicy) -> Self {
        self.month_policy = p;
        self
    }
    /// Sets the N/T method.
    #[must_use]
    pub const fn with_nt_method(mut self, m: NtMethod) -> Self {
        self.nt_method = m;
        self
    }
    /// Sets the gap assessment.
    #[must_use]
    pub const fn with_gap_assessment(mut self, g: GapAssessment) -> Self {
        self.gap_assessment = g;
        self
    }
    /// Sets whether a birth record is a weighing.
    #[must_use]
    pub const fn with_birth_record_as_weighing(mut self, b: bool) -> Self {
        self.birth_record_as_weighing = b;
        self
    }
    /// Sets the red and orange lines (WAZ).
    #[must_use]
    pub const fn with_lines(mut self, red: f64, orange: f64) -> Self {
        self.red_line_z = red;
        self.orange_line_z = orange;
        self
    }
    /// Sets the sources counted in D.
    #[must_use]
    pub fn with_d_sources(mut self, sources: &[Source]) -> Self {
        self.d_sources = sources.iter().fold(0, |m, s| m | (1 << (*s as u8)));
        self
    }

    /// Whether a weighing from `source` (code) counts in D.
    pub const fn counts_in_d(&self, source_code: u8) -> bool {
        let s = if source_code == SOURCE_MISSING {
            1
        } else {
            source_code
        };
        s < 8 && self.d_sources & (1 << s) != 0
    }

    /// The rule set named by `options.rules` (default `kia2023`) with the
    /// options of `options` applied (snake_case keys: `kbm_table`,
    /// `kbm_age_basis`, `month_policy`, `nt_method`, `gap_assessment`,
    /// `birth_record_as_weighing`, `red_line_z`, `orange_line_z`,
    /// `short_interval_days`, `screening_flags`, `weight_faltering`,
    /// `scale_to_nominal`, `velocity`, `d_sources`). Unknown keys are ignored (the
    /// bindings add their own, such as `as_of` and `locale`).
    ///
    /// # Errors
    /// Every bad option, at `options.<key>`.
    pub fn from_options(options: &Value) -> Result<MonitoringRules, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if options.is_null() {
            return Ok(MonitoringRules::kia2023());
        }
        let f = Fields::of(options, &mut errors);
        let mut r = opt_code(&f, "rules", MonitoringRules::named, &mut errors)
            .unwrap_or_else(MonitoringRules::kia2023);
        if let Some(t) = choice(
            &f,
            "kbm_table",
            &KBM_TABLES.map(|t| (t.name, t)),
            &mut errors,
        ) {
            r.kbm = t;
        }
        if let Some(v) = choice(
            &f,
            "kbm_age_basis",
            &[
                ("completed_months", KbmAgeBasis::CompletedMonths),
                ("kms_column", KbmAgeBasis::KmsColumn),
            ],
            &mut errors,
        ) {
            r.kbm_age_basis = v;
        }
        if let Some(v) = choice(
            &f,
            "month_policy",
            &[
                ("last", MonthPolicy::Last),
                ("first", MonthPolicy::First),
                ("error", MonthPolicy::Error),
            ],
            &mut errors,
        ) {
            r.month_policy = v;
        }
        if let Some(v) = choice(
            &f,
            "nt_method",
            &[
                ("kbm", NtMethod::Kbm),
                ("kbm_or_line_cross", NtMethod::KbmOrLineCross),
            ],
            &mut errors,
        ) {
            r.nt_method = v;
        }
        if let Some(v) = choice(
            &f,
            "gap_assessment",
            &[
                ("none", GapAssessment::None),
                ("cumulative", GapAssessment::Cumulative),
            ],
            &mut errors,
        ) {
            r.gap_assessment = v;
        }
        if let Some(v) = choice(
            &f,
            "weight_faltering",
            &[
                ("t", WeightFaltering::T),
                (
                    "velocity_below_minus2",
                    WeightFaltering::VelocityBelowMinus2,
                ),
            ],
            &mut errors,
        ) {
            r.weight_faltering = v;
        }
        if let Some(b) = opt_bool(&f, "birth_record_as_weighing", &mut errors) {
            r.birth_record_as_weighing = b;
        }
        if let Some(b) = opt_bool(&f, "screening_flags", &mut errors) {
            r.screening_flags = b;
        }
        if let Some(b) = opt_bool(&f, "scale_to_nominal", &mut errors) {
            r.scale_to_nominal = b;
        }
        if let Some(b) = opt_bool(&f, "velocity", &mut errors) {
            r.velocity = b;
        }
        if let Some(x) = opt_number(&f, "red_line_z", -6.0, 6.0, &mut errors) {
            r.red_line_z = x;
        }
        if let Some(x) = opt_number(&f, "orange_line_z", -6.0, 6.0, &mut errors) {
            r.orange_line_z = x;
        }
        if let Some(x) = opt_int(&f, "short_interval_days", 0, 31, &mut errors) {
            r.short_interval_days = i32::try_from(x).unwrap_or(20);
        }
        if let Some(list) = f.list("d_sources", &mut errors) {
            let mut mask = 0u8;
            for (i, v) in list.iter().enumerate() {
                match v.as_str().map(Source::parse) {
                    Some(Ok(s)) => mask |= 1 << (s as u8),
                    _ => errors.push(
                        FieldError::new(ErrorCode::InvalidCode)
                            .with_param("allowed", "posyandu, home_visit, facility, birth")
                            .with_outer(PathSegment::Index(u32::try_from(i).unwrap_or(u32::MAX)))
                            .with_outer(PathSegment::Field("d_sources")),
                    ),
                }
            }
            r.d_sources = mask;
        }
        let mut out = ValidationErrors::new();
        out.extend_with_outer(errors, &PathSegment::Field("options"));
        out.into_result(r)
    }
}

/// An option naming one of `table`'s values (`invalid_code` listing them).
fn choice<T: Copy>(
    f: &Fields<'_>,
    name: &'static str,
    table: &[(&'static str, T)],
    errors: &mut ValidationErrors,
) -> Option<T> {
    opt_code(
        f,
        name,
        |s| {
            let n = crate::input::normalize_code(s, b" -");
            table
                .iter()
                .find(|(k, _)| *k == n.as_ref())
                .map(|(_, v)| *v)
                .ok_or_else(|| {
                    let allowed: Vec<&str> = table.iter().map(|(k, _)| *k).collect();
                    FieldError::new(ErrorCode::InvalidCode)
                        .with_param("allowed", allowed.join(", "))
                })
        },
        errors,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn named_and_options() {
        assert_eq!(MonitoringRules::default().name, "kia2023");
        let r = MonitoringRules::from_options(&json!({"rules": "legacy_2t",
            "kbm_age_basis": "kms_column", "month_policy": "first",
            "d_sources": ["posyandu", "home_visit"]}))
        .unwrap();
        assert_eq!(r.referral, Referral::Legacy2t);
        assert_eq!(r.kbm_age_basis, KbmAgeBasis::KmsColumn);
        assert_eq!(r.month_policy, MonthPolicy::First);
        assert!(r.counts_in_d(0) && r.counts_in_d(2) && !r.counts_in_d(3));
        let e = MonitoringRules::from_options(&json!({"rules": "who", "month_policy": "x"}))
            .unwrap_err();
        let paths: Vec<String> = e.errors().iter().map(|e| e.path().to_string()).collect();
        assert_eq!(paths, ["options.rules", "options.month_policy"]);
    }
}
