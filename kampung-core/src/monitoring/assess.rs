//! Per-visit assessment over columns: cross-visit validation (MONITORING.md
//! §4), then for every kept weighing the code N/T/O/B (R1-R7), the lines
//! (R8), the referral (R9) and the WHO velocity z-scores (§3).
//!
//! Columnar: the children and the visits are slices (one allocation per
//! output column, none per row); visits may come in any order. A child's
//! visits are grouped by a counting sort on the child's row, then sorted by
//! date (insertion sort: a child has a few dozen visits at most).

use super::date::{civil, completed_months, BAD_DATE, NO_DATE};
use super::rules::{
    GapAssessment, KbmAgeBasis, MonitoringRules, MonthPolicy, NtMethod, Referral, Source,
    WeightFaltering, SOURCE_INVALID,
};
use super::velocity::{fit, Fit, VelocityStatus, VelocityTable, VelocityZ};
use crate::error::{ErrorCode, FieldError, Locale, ShapeError};
use crate::growth::who2006::{
    compute_row, weight_for_age_one, weight_for_age_proven, In2006, Tables2006,
};
use crate::growth::RowError;
use crate::sex::Sex;
use serde::Serialize;
use std::collections::HashMap;
use std::hash::Hash;

/// A visit whose child id is not in the children table.
pub const UNKNOWN_CHILD: u32 = u32::MAX;
/// A missing whole number in an output column.
pub const NO_VALUE: i32 = i32::MIN;

/// The children table (one row per child; a child id repeated on several
/// rows is checked by [`ChildJoin`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct Children<'a> {
    /// 1 male, 2 female, 0 missing, anything else invalid.
    pub sex: &'a [u8],
    /// Days since 1970-01-01; [`NO_DATE`] missing, [`BAD_DATE`] unreadable.
    pub birth: &'a [i32],
    /// Holds a KMS / Buku KIA: 1 yes, 0 no, anything else unknown. Absent
    /// column: K is not computed.
    pub has_kia: Option<&'a [u8]>,
}

/// The visits table. Every present column has the length of `child`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Visits<'a> {
    /// Row of the child in [`Children`] ([`ChildJoin::child_of_visit`]),
    /// [`UNKNOWN_CHILD`] when the id is not there.
    pub child: &'a [u32],
    /// Days since 1970-01-01; [`NO_DATE`] missing, [`BAD_DATE`] unreadable.
    pub date: &'a [i32],
    /// Weight, kg (NaN: no weighing at this visit).
    pub weight_kg: &'a [f64],
    /// Length or height, cm (NaN missing).
    pub lenhei_cm: Option<&'a [f64]>,
    /// `b'l'` lying, `b'h'` standing, 0 missing, other invalid.
    pub measure: Option<&'a [u8]>,
    /// Oedema: 1 yes, 0 no or missing, other invalid.
    pub oedema: Option<&'a [u8]>,
    /// Head circumference, cm.
    pub headc_cm: Option<&'a [f64]>,
    /// Mid-upper arm circumference, cm.
    pub muac_cm: Option<&'a [f64]>,
    /// [`Source`] code (0 missing = posyandu, [`SOURCE_INVALID`] unreadable).
    pub source: Option<&'a [u8]>,
}

/// Child ids joined: the children row of every visit, and for every
/// children row the first row with the same id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChildJoin {
    /// For each visit, its child's (first) row, or [`UNKNOWN_CHILD`].
    pub child_of_visit: Vec<u32>,
    /// For each children row, the first row with the same id (itself when
    /// the id is not repeated).
    pub first_row: Vec<u32>,
}

/// Joins visits to children by id (any hashable id: integers, strings).
pub fn join_children<K: Hash + Eq>(child_ids: &[K], visit_child_ids: &[K]) -> ChildJoin {
    let mut map: HashMap<&K, u32> = HashMap::with_capacity(child_ids.len());
    let mut first_row = Vec::with_capacity(child_ids.len());
    for (i, k) in child_ids.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(UNKNOWN_CHILD);
        first_row.push(*map.entry(k).or_insert(i));
    }
    let child_of_visit = visit_child_ids
        .iter()
        .map(|k| map.get(k).copied().unwrap_or(UNKNOWN_CHILD))
        .collect();
    ChildJoin {
        child_of_visit,
        first_row,
    }
}

/// What happened to one visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
#[non_exhaustive]
pub enum VisitStatus {
    /// A kept weighing with a code N, T, O or B.
    Coded,
    /// A kept visit without a weighing (no weight, or a birth record under
    /// `birth_record_as_weighing = false`): no code, not in D.
    NotWeighed,
    /// Another weighing of the same month was kept (§4.3).
    Superseded,
    /// An identical copy of another visit (same date and values), collapsed.
    Duplicate,
    /// Completed months ≥ 60: not a *balita*, excluded from codes and SKDN.
    Excluded,
    /// Rejected with at least one error; nothing is computed from it.
    #[default]
    Rejected,
}

impl VisitStatus {
    /// The stable snake_case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            VisitStatus::Coded => "coded",
            VisitStatus::NotWeighed => "not_weighed",
            VisitStatus::Superseded => "superseded",
            VisitStatus::Duplicate => "duplicate",
            VisitStatus::Excluded => "excluded",
            VisitStatus::Rejected => "rejected",
        }
    }
}

/// The monthly code of a kept weighing (MONITORING.md §1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Code {
    /// *Naik*: gain ≥ KBM.
    N,
    /// *Tidak naik*: gain < KBM.
    T,
    /// Weighed now, not last month.
    O,
    /// *Baru*: first weighing on record.
    B,
}

impl Code {
    /// `"N"`, `"T"`, `"O"` or `"B"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::N => "N",
            Code::T => "T",
            Code::O => "O",
            Code::B => "B",
        }
    }

    /// What the code means, in `locale`.
    pub const fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Code::N, Locale::Id) => "Naik (berat badan naik cukup)",
            (Code::N, Locale::En) => "Gaining (enough weight gained)",
            (Code::T, Locale::Id) => "Tidak naik (kenaikan kurang dari KBM)",
            (Code::T, Locale::En) => "Not gaining (gain below the minimum)",
            (Code::O, Locale::Id) => "Tidak ditimbang bulan lalu",
            (Code::O, Locale::En) => "Not weighed last month",
            (Code::B, Locale::Id) => "Baru (penimbangan pertama)",
            (Code::B, Locale::En) => "New (first weighing)",
        }
    }
}

macro_rules! bit_codes {
    ($(#[$doc:meta])* $name:ident : $repr:ty { $( $(#[$vdoc:meta])* $variant:ident = $bit:literal, $code:literal, $id:literal, $en:literal; )* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $( $(#[$vdoc])* $variant, )* }
        impl $name {
            /// Every value, in bit order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )* ];
            /// The bit of this value in a mask column.
            pub const fn bit(self) -> $repr { match self { $( $name::$variant => 1 << $bit, )* } }
            /// The stable snake_case code.
            pub const fn as_str(self) -> &'static str { match self { $( $name::$variant => $code, )* } }
            /// The explanation in `locale`.
            pub const fn message(self, locale: Locale) -> &'static str {
                match locale {
                    Locale::Id => match self { $( $name::$variant => $id, )* },
                    Locale::En => match self { $( $name::$variant => $en, )* },
                }
            }
            /// The values whose bits are set in `mask`.
            pub fn of_mask(mask: $repr) -> impl Iterator<Item = $name> {
                Self::ALL.iter().copied().filter(move |v| mask & v.bit() != 0)
            }
        }
    };
}

bit_codes! {
    /// A reason to refer (*rujuk*) under the rule set (R9, §2.3).
    ReferReason: u8 {
        /// The code is T (`kia2023`).
        T = 0, "t", "Berat badan tidak naik (T).", "Weight not gaining (T).";
        /// T this month and last month (`legacy_2t`).
        TwoT = 1, "two_t", "Dua kali berturut-turut tidak naik (2T).", "Not gaining two months in a row (2T).";
        /// Below the red line.
        Bgm = 2, "bgm", "Berat badan di bawah garis merah (BGM).", "Weight below the red line (BGM).";
        /// Above the orange line (`kia2023`).
        AboveOrange = 3, "above_orange", "Berat badan di atas garis oranye.", "Weight above the orange line.";
        /// Length/height-for-age z < −2 (screening flag).
        Stunted = 4, "stunted", "Panjang/tinggi badan menurut umur di bawah -2 SD (skrining stunting).", "Length/height-for-age below -2 SD (stunting screen).";
        /// Weight-for-length/height z < −2 or MUAC < 12.5 cm (screening flag).
        Wasted = 5, "wasted", "Berat badan menurut panjang/tinggi di bawah -2 SD atau LILA < 12,5 cm (skrining wasting).", "Weight-for-length/height below -2 SD or MUAC < 12.5 cm (wasting screen).";
    }
}

bit_codes! {
    /// A warning on a kept (or superseded/excluded) visit (MONITORING.md §1.2, §4).
    Warning: u16 {
        /// Another weighing of the same month was kept (§4.3).
        SupersededInMonth = 0, "superseded_in_month", "Ada penimbangan lain pada bulan yang sama; yang ini tidak dipakai.", "Another weighing of the same month is used instead of this one.";
        /// Consecutive months fewer than 20 days apart (§1.2).
        ShortInterval = 1, "short_interval", "Jarak dengan penimbangan bulan lalu kurang dari 20 hari; KBM tetap satu bulan.", "Fewer than 20 days since last month's weighing; a full month's KBM is still used.";
        /// Oedema: WAZ not computed, BGM and orange line unknown (R8).
        OedemaWeightUnreliable = 2, "oedema_weight_unreliable", "Ada edema: berat badan tidak dapat dinilai terhadap garis KMS.", "Oedema: the weight cannot be read against the KMS lines.";
        /// Length fell by at most 3.0 cm (§4.2).
        LengthDecreased = 3, "length_decreased", "Panjang/tinggi badan turun sejak pengukuran sebelumnya; periksa pengukuran.", "Length/height fell since the previous measurement; check the measurement.";
        /// Weight fell by 10 % or more (§4.2).
        WeightLossLarge = 4, "weight_loss_large", "Berat badan turun 10% atau lebih sejak penimbangan sebelumnya.", "Weight fell by 10% or more since the previous weighing.";
        /// Head circumference fell by at most 1.0 cm (§4.2).
        HeadcDecreased = 5, "headc_decreased", "Lingkar kepala turun sejak pengukuran sebelumnya; periksa pengukuran.", "Head circumference fell since the previous measurement; check the measurement.";
        /// Completed months ≥ 60: excluded from codes and SKDN.
        AgeOver59Months = 6, "age_over_59_months", "Umur 60 bulan atau lebih: bukan balita, tidak diberi kode.", "Aged 60 months or more: not under five, no code.";
        /// A velocity z-score beyond ±3 (§3, DERIVED).
        VelocityExtreme = 7, "velocity_extreme", "Laju pertumbuhan di luar -3 sampai +3 SD; periksa pengukuran.", "Growth velocity outside -3 to +3 SD; check the measurements.";
    }
}

/// One velocity column set (one of [`VelocityTable::ALL`]). Empty (no
/// rows) when the rules do not compute velocity
/// ([`MonitoringRules::velocity`] false): read it with the `*_at`
/// accessors, which give "missing" there.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VelocityColumns {
    /// z rounded to 2 decimals; NaN when not computed.
    pub z: Vec<f64>,
    /// Centile (Φ(z)·100, 1 decimal); NaN when not computed.
    pub centile: Vec<f64>,
    /// Days between the two measurements used; [`NO_VALUE`] when none.
    pub interval_days: Vec<i32>,
    /// `Some(status)` where the visit has the measurement (`Computed` or
    /// why not), `None` where it has none.
    pub status: Vec<Option<VelocityStatus>>,
}

impl VelocityColumns {
    /// z of visit `i`; NaN when not computed.
    #[must_use]
    pub fn z_at(&self, i: usize) -> f64 {
        self.z.get(i).copied().unwrap_or(f64::NAN)
    }

    /// Centile of visit `i`; NaN when not computed.
    #[must_use]
    pub fn centile_at(&self, i: usize) -> f64 {
        self.centile.get(i).copied().unwrap_or(f64::NAN)
    }

    /// Interval of visit `i` in days; [`NO_VALUE`] when none.
    #[must_use]
    pub fn interval_days_at(&self, i: usize) -> i32 {
        self.interval_days.get(i).copied().unwrap_or(NO_VALUE)
    }

    /// Status of visit `i` (see [`Self::status`]); `None` when velocity
    /// was not computed.
    #[must_use]
    pub fn status_at(&self, i: usize) -> Option<VelocityStatus> {
        self.status.get(i).copied().flatten()
    }

    fn new(n: usize) -> Self {
        VelocityColumns {
            z: vec![f64::NAN; n],
            centile: vec![f64::NAN; n],
            interval_days: vec![NO_VALUE; n],
            status: vec![None; n],
        }
    }
}

/// One problem of one visit: the visit's row, its child's row (or
/// [`UNKNOWN_CHILD`]) and the error (its path is the input column).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VisitError {
    /// Row of the visit in the input.
    pub visit: usize,
    /// Row of the child, or [`UNKNOWN_CHILD`].
    pub child: u32,
    /// What is wrong.
    #[serde(serialize_with = "ser_error")]
    pub error: FieldError,
}

fn ser_error<S: serde::Serializer>(e: &FieldError, s: S) -> Result<S::Ok, S::Error> {
    e.localized(Locale::En).serialize(s)
}

/// The per-visit outputs (MONITORING.md §4.4), one value per input visit,
/// in input order. Missing: NaN, [`NO_VALUE`], `None`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Assessment {
    /// What happened to the visit.
    pub status: Vec<VisitStatus>,
    /// R1 period `12·year + month`.
    pub period: Vec<i32>,
    /// Age in days on the visit date.
    pub age_days: Vec<i32>,
    /// Completed months on the visit date.
    pub age_months: Vec<i32>,
    /// The age that read the KBM table (R5).
    pub kbm_age_months: Vec<i32>,
    /// Gain since last month's weighing, whole grams (R4). With
    /// `gap_assessment = cumulative`, on an O: the gain since the last weighing.
    pub gain_g: Vec<i32>,
    /// KBM in grams (with `cumulative` on an O: the sum over the gap).
    pub kbm_g: Vec<i32>,
    /// N, T, O or B for a kept weighing.
    pub code: Vec<Option<Code>>,
    /// Consecutive months coded T ending now (R7).
    pub t_run: Vec<u16>,
    /// N/T over a gap (`gap_assessment = cumulative`), next to code O.
    pub gap_nt: Vec<Option<Code>>,
    /// Weight-for-age z (WHO 2006, rounded as anthro).
    pub waz: Vec<f64>,
    /// WAZ minus last month's WAZ.
    pub waz_change: Vec<f64>,
    /// WAZ fell below one of −3 … +3 that it was at or above last month.
    pub crossed_line_down: Vec<Option<bool>>,
    /// WAZ below the red line (R8).
    pub bgm: Vec<Option<bool>>,
    /// WAZ above the orange line (R8).
    pub above_orange: Vec<Option<bool>>,
    /// Referral reasons under the rule set ([`ReferReason`] bits).
    pub refer_reasons: Vec<u8>,
    /// Weight faltering (§2.3) for an N/T weighing.
    pub weight_faltering: Vec<Option<bool>>,
    /// Warnings ([`Warning`] bits).
    pub warnings: Vec<u16>,
    /// Velocity z-scores, in [`VelocityTable::ALL`] order; empty columns
    /// when the rules do not compute velocity.
    pub velocity: [VelocityColumns; 4],
    /// Every problem, ordered by visit.
    pub errors: Vec<VisitError>,
}

impl Assessment {
    /// `n` visits, every output missing; the velocity columns only when
    /// `velocity` (they are 40 % of the memory).
    fn new(n: usize, velocity: bool) -> Assessment {
        let v = if velocity { n } else { 0 };
        Assessment {
            status: vec![VisitStatus::Rejected; n],
            period: vec![NO_VALUE; n],
            age_days: vec![NO_VALUE; n],
            age_months: vec![NO_VALUE; n],
            kbm_age_months: vec![NO_VALUE; n],
            gain_g: vec![NO_VALUE; n],
            kbm_g: vec![NO_VALUE; n],
            code: vec![None; n],
            t_run: vec![0; n],
            gap_nt: vec![None; n],
            waz: vec![f64::NAN; n],
            waz_change: vec![f64::NAN; n],
            crossed_line_down: vec![None; n],
            bgm: vec![None; n],
            above_orange: vec![None; n],
            refer_reasons: vec![0; n],
            weight_faltering: vec![None; n],
            warnings: vec![0; n],
            velocity: [
                VelocityColumns::new(v),
                VelocityColumns::new(v),
                VelocityColumns::new(v),
                VelocityColumns::new(v),
            ],
            errors: Vec::new(),
        }
    }

    /// Number of visits.
    pub fn len(&self) -> usize {
        self.status.len()
    }

    /// No visits.
    pub fn is_empty(&self) -> bool {
        self.status.is_empty()
    }

    /// 2T: `t_run ≥ 2` (R7); `None` for a visit without a code.
    pub fn two_t(&self, i: usize) -> Option<bool> {
        self.code[i].map(|_| self.t_run[i] >= 2)
    }

    /// Whether visit `i` is referred: at least one reason (`None` for a
    /// rejected, superseded, duplicate or excluded visit).
    pub fn refer(&self, i: usize) -> Option<bool> {
        matches!(self.status[i], VisitStatus::Coded | VisitStatus::NotWeighed)
            .then_some(self.refer_reasons[i] != 0)
    }
}

/// A kept candidate visit of one child.
#[derive(Clone, Copy, Debug)]
struct V {
    i: u32,
    date: i32,
    period: i32,
    age_days: i32,
    age_months: i32,
    /// Weight in whole grams, −1 without a weighing.
    w_g: i32,
    /// Length-equivalent in mm (height + 7 mm), −1 missing.
    len_mm: i32,
    /// Head circumference in mm, −1 missing.
    hc_mm: i32,
    waz: f64,
    zlen: f64,
    zwfl: f64,
    muac: f64,
    oedema: bool,
}

/// Bits of the raw values of a visit, to tell identical duplicates.
fn raw_key(v: &Visits<'_>, i: usize) -> [u64; 7] {
    let f = |c: Option<&[f64]>| c.map_or(0, |c| c[i].to_bits());
    let b = |c: Option<&[u8]>| c.map_or(0, |c| u64::from(c[i]));
    [
        v.weight_kg[i].to_bits(),
        f(v.lenhei_cm),
        b(v.measure),
        b(v.oedema),
        f(v.headc_cm),
        f(v.muac_cm),
        b(v.source),
    ]
}

/// Reads a measurement: NaN missing; ±inf, ≤ 0 and (with `range`) values
/// outside it are errors.
#[inline]
fn measurement(
    x: f64,
    name: &'static str,
    range: Option<(f64, f64)>,
    errs: &mut Vec<FieldError>,
) -> f64 {
    // The common cases inline: missing, or positive, finite and in range.
    if x.is_nan() || (x > 0.0 && x.is_finite() && range.is_none_or(|(lo, hi)| x >= lo && x <= hi)) {
        return x;
    }
    bad_measurement(x, name, range, errs)
}

/// The error path of [`measurement`], out of line.
#[cold]
#[inline(never)]
fn bad_measurement(
    x: f64,
    name: &'static str,
    range: Option<(f64, f64)>,
    errs: &mut Vec<FieldError>,
) -> f64 {
    if x.is_infinite() {
        errs.push(FieldError::at(name, ErrorCode::NotFinite));
    } else if x <= 0.0 {
        errs.push(FieldError::at(name, ErrorCode::NotPositive));
    } else if let Some((lo, hi)) = range.filter(|(lo, hi)| x < *lo || x > *hi) {
        errs.push(
            FieldError::at(name, ErrorCode::OutOfRange)
                .with_param("min", lo)
                .with_param("max", hi),
        );
    } else {
        return x;
    }
    f64::NAN
}

/// `round(x · scale)` for a validated positive measurement (half away from
/// zero: `trunc(y + 0.5)`, without a libm call), −1 when missing.
#[inline]
#[allow(clippy::cast_possible_truncation)]
fn tenths(x: f64, scale: f64) -> i32 {
    if x.is_nan() {
        -1
    } else {
        (x * scale + 0.5) as i32
    }
}

/// Checks the lengths of the columns.
fn check_shapes(c: &Children<'_>, v: &Visits<'_>) -> Result<(), ShapeError> {
    let shape = |column, actual, reference, expected| {
        if actual == expected {
            Ok(())
        } else {
            Err(ShapeError {
                column,
                actual,
                reference,
                expected,
            })
        }
    };
    shape("birth_date", c.birth.len(), "sex", c.sex.len())?;
    if let Some(k) = c.has_kia {
        shape("has_kia", k.len(), "sex", c.sex.len())?;
    }
    let n = v.child.len();
    shape("visit_date", v.date.len(), "child_id", n)?;
    shape("weight_kg", v.weight_kg.len(), "child_id", n)?;
    for (name, col) in [
        ("lenhei_cm", v.lenhei_cm),
        ("headc_cm", v.headc_cm),
        ("muac_cm", v.muac_cm),
    ] {
        if let Some(col) = col {
            shape(name, col.len(), "child_id", n)?;
        }
    }
    for (name, col) in [
        ("measure", v.measure),
        ("oedema", v.oedema),
        ("source", v.source),
    ] {
        if let Some(col) = col {
            shape(name, col.len(), "child_id", n)?;
        }
    }
    Ok(())
}

/// The validated attributes of one child, or the errors that void all of
/// its visits.
fn child_attributes(
    c: &Children<'_>,
    dups: &[u32],
    row: usize,
    as_of: Option<i32>,
) -> Result<(Sex, i32), Vec<FieldError>> {
    let mut errs = Vec::new();
    let sex = match c.sex[row] {
        1 => Some(Sex::Male),
        2 => Some(Sex::Female),
        0 => {
            errs.push(FieldError::at("sex", ErrorCode::Required));
            None
        }
        _ => {
            errs.push(FieldError::at("sex", ErrorCode::SexInvalid));
            None
        }
    };
    let birth = c.birth[row];
    if birth == NO_DATE {
        errs.push(FieldError::at("birth_date", ErrorCode::Required));
    } else if birth == BAD_DATE {
        errs.push(FieldError::at("birth_date", ErrorCode::InvalidDate));
    } else if let Some(a) = as_of.filter(|a| birth > *a) {
        errs.push(
            FieldError::at("birth_date", ErrorCode::DateInFuture).with_param(
                "as_of",
                super::date::from_days(a)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
        );
    }
    if dups
        .iter()
        .any(|&d| c.sex[d as usize] != c.sex[row] || c.birth[d as usize] != birth)
    {
        errs.push(FieldError::at("child_id", ErrorCode::SexOrBirthDateChanged));
    }
    match sex {
        Some(s) if errs.is_empty() => Ok((s, birth)),
        _ => Err(errs),
    }
}

/// Shared tables and options of one call.
struct Ctx<'a> {
    rules: &'a MonitoringRules,
    tables: Tables2006,
    as_of: Option<i32>,
    /// Each visit's WAZ where the fast path proves it, else NaN
    /// ([`weight_for_age_proven`]), computed in one vectorised pass.
    proven_waz: Vec<f64>,
}

/// Assesses every visit (MONITORING.md §1-§4). `as_of` (days since
/// 1970-01-01): visits and births after it are errors (`date_in_future`);
/// `None` skips that check.
///
/// # Errors
/// [`ShapeError`] when columns differ in length (a caller bug); every data
/// problem is a [`VisitError`] in the result instead.
pub fn assess(
    children: &Children<'_>,
    join: &ChildJoin,
    visits: &Visits<'_>,
    rules: &MonitoringRules,
    as_of: Option<i32>,
) -> Result<Assessment, ShapeError> {
    check_shapes(children, visits)?;
    if join.first_row.len() != children.sex.len() {
        return Err(ShapeError {
            column: "join.first_row",
            actual: join.first_row.len(),
            reference: "sex",
            expected: children.sex.len(),
        });
    }
    let n = visits.child.len();
    let n_children = children.sex.len();
    let mut out = Assessment::new(n, rules.velocity);
    let tables = Tables2006::bundled();
    let mut proven_waz = vec![f64::NAN; n];
    let rows = (0..n).map(|i| {
        let f = join
            .first_row
            .get(visits.child[i] as usize)
            .map(|&f| f as usize);
        let (date, w) = (visits.date[i], visits.weight_kg[i]);
        match f.map(|f| (children.sex[f], children.birth[f])) {
            Some((sex @ (1 | 2), birth))
                if ![date, birth]
                    .iter()
                    .any(|d| [NO_DATE, BAD_DATE].contains(d)) =>
            {
                (usize::from(sex == 2), i64::from(date) - i64::from(birth), w)
            }
            _ => (2, 0, f64::NAN),
        }
    });
    weight_for_age_proven(&tables, rows, &mut proven_waz);
    let ctx = Ctx {
        rules,
        tables,
        as_of,
        proven_waz,
    };
    // ---- group visits by child row (counting sort) ----------------------
    let mut start = vec![0u32; n_children + 1];
    for (i, &c) in visits.child.iter().enumerate() {
        match join.first_row.get(c as usize) {
            Some(&f) => start[f as usize + 1] += 1,
            None => out.errors.push(VisitError {
                visit: i,
                child: UNKNOWN_CHILD,
                error: FieldError::at("child_id", ErrorCode::VisitUnknownChild),
            }),
        }
    }
    for k in 0..n_children {
        start[k + 1] += start[k];
    }
    let mut fill = start.clone();
    let mut order = vec![0u32; start[n_children] as usize];
    for (i, &c) in visits.child.iter().enumerate() {
        if let Some(&f) = join.first_row.get(c as usize) {
            let slot = &mut fill[f as usize];
            order[*slot as usize] = u32::try_from(i).unwrap_or(u32::MAX);
            *slot += 1;
        }
    }
    drop(fill);
    // Children rows repeating an id, by first row.
    let mut dups: HashMap<u32, Vec<u32>> = HashMap::new();
    for (r, &f) in join.first_row.iter().enumerate() {
        if f as usize != r {
            dups.entry(f)
                .or_default()
                .push(u32::try_from(r).unwrap_or(u32::MAX));
        }
    }
    let mut scratch = Scratch::default();
    for row in 0..n_children {
        let (a, b) = (start[row] as usize, start[row + 1] as usize);
        if a == b {
            continue;
        }
        let idx = &order[a..b];
        let d = dups.get(&u32::try_from(row).unwrap_or(u32::MAX));
        match child_attributes(children, d.map_or(&[], Vec::as_slice), row, as_of) {
            Ok((sex, birth)) => {
                child(&ctx, visits, idx, row, sex, birth, &mut scratch, &mut out);
            }
            Err(errs) => {
                for &i in idx {
                    for e in &errs {
                        out.errors.push(VisitError {
                            visit: i as usize,
                            child: u32::try_from(row).unwrap_or(UNKNOWN_CHILD),
                            error: e.clone(),
                        });
                    }
                }
            }
        }
    }
    out.errors.sort_by_key(|e| e.visit);
    Ok(out)
}

/// Reused per-child buffers.
#[derive(Default)]
struct Scratch {
    /// `(date, visit)` of the child's visits, sorted by date (stable).
    order: Vec<(i32, u32)>,
    vs: Vec<V>,
    errs: Vec<FieldError>,
    hist_w: Vec<(i32, i32, f64)>,
    hist_l: Vec<(i32, i32, f64)>,
    hist_h: Vec<(i32, i32, f64)>,
    growth_errors: Vec<RowError>,
}

/// One child's visits (`idx`, in input order).
#[allow(clippy::too_many_arguments, clippy::too_many_lines)]
fn child(
    ctx: &Ctx<'_>,
    v: &Visits<'_>,
    idx: &[u32],
    row: usize,
    sex: Sex,
    birth: i32,
    s: &mut Scratch,
    out: &mut Assessment,
) {
    let rules = ctx.rules;
    let p = &rules.plausibility;
    let child_row = u32::try_from(row).unwrap_or(UNKNOWN_CHILD);
    let birth_ymd = civil(birth);
    let birth_period = 12 * birth_ymd.0 + birth_ymd.1;
    let sex_index = usize::from(sex == Sex::Female);
    s.vs.clear();
    // ---- 1. single-visit checks -------------------------------------------
    // Date order first, ties in input order: `idx` is in input order and
    // the keys `(date, visit)` are distinct, so the unstable sort (small
    // sorting networks, no unpredictable branches) gives the stable order.
    s.order.clear();
    s.order.extend(idx.iter().map(|&i| (v.date[i as usize], i)));
    s.order.sort_unstable();
    for k in 0..s.order.len() {
        let (date, iu) = s.order[k];
        let i = iu as usize;
        s.errs.clear();
        if date == NO_DATE {
            s.errs
                .push(FieldError::at("visit_date", ErrorCode::Required));
        } else if date == BAD_DATE {
            s.errs
                .push(FieldError::at("visit_date", ErrorCode::InvalidDate));
        } else if date < birth {
            s.errs
                .push(FieldError::at("visit_date", ErrorCode::VisitBeforeBirth));
        } else if let Some(a) = ctx.as_of.filter(|a| date > *a) {
            s.errs.push(
                FieldError::at("visit_date", ErrorCode::DateInFuture).with_param(
                    "as_of",
                    super::date::from_days(a)
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                ),
            );
        }
        let weight = measurement(v.weight_kg[i], "weight_kg", Some(p.weight_kg), &mut s.errs);
        let len = measurement(
            v.lenhei_cm.map_or(f64::NAN, |c| c[i]),
            "lenhei_cm",
            None,
            &mut s.errs,
        );
        let headc = measurement(
            v.headc_cm.map_or(f64::NAN, |c| c[i]),
            "headc_cm",
            None,
            &mut s.errs,
        );
        let muac = measurement(
            v.muac_cm.map_or(f64::NAN, |c| c[i]),
            "muac_cm",
            None,
            &mut s.errs,
        );
        let measure = v.measure.map_or(0, |c| c[i]);
        if !matches!(measure, 0 | b'l' | b'h' | b'L' | b'H') {
            s.errs
                .push(FieldError::at("measure", ErrorCode::MeasureInvalid));
        }
        let oedema = match v.oedema.map_or(0, |c| c[i]) {
            0 => false,
            1 => true,
            _ => {
                s.errs
                    .push(FieldError::at("oedema", ErrorCode::OedemaInvalid));
                false
            }
        };
        let source = v.source.map_or(0, |c| c[i]);
        if source == SOURCE_INVALID || Source::from_code(source).is_none() {
            s.errs.push(
                FieldError::at("source", ErrorCode::InvalidCode)
                    .with_param("allowed", "posyandu, home_visit, facility, birth"),
            );
        }
        if !s.errs.is_empty() {
            for e in s.errs.drain(..) {
                out.errors.push(VisitError {
                    visit: i,
                    child: child_row,
                    error: e,
                });
            }
            continue;
        }
        let ymd = civil(date);
        let age_days = date - birth;
        let age_months = completed_months(birth_ymd, ymd);
        out.period[i] = 12 * ymd.0 + ymd.1;
        out.age_days[i] = age_days;
        out.age_months[i] = age_months;
        if age_months >= 60 {
            out.status[i] = VisitStatus::Excluded;
            out.warnings[i] |= Warning::AgeOver59Months.bit();
            continue;
        }
        let is_birth = Source::from_code(source) == Some(Source::Birth);
        let weighed = !weight.is_nan() && (rules.birth_record_as_weighing || !is_birth);
        // WAZ: WHO 2006 weight-for-age by day, restricted z, rounded, flag
        // z < −6 or > 5 (WHO_GROWTH.md §1.6-1.11), bit for bit what
        // zscores_2006 returns (its proven fast path, else the exact one).
        let mut waz = f64::NAN;
        if weighed && !oedema {
            let proven = ctx.proven_waz[i];
            let (z, flag) = if proven.is_nan() {
                weight_for_age_one(&ctx.tables, sex_index, i64::from(age_days), weight)
            } else {
                (proven, 0.0)
            };
            if flag == 1.0 {
                out.errors.push(VisitError {
                    visit: i,
                    child: child_row,
                    error: FieldError::at("weight_kg", ErrorCode::WeightImplausibleForAge),
                });
                out.period[i] = NO_VALUE;
                out.age_days[i] = NO_VALUE;
                out.age_months[i] = NO_VALUE;
                continue;
            }
            waz = z;
        }
        // Length/height-for-age and weight-for-length/height, for the
        // screening flags (§2.3), from the existing exact code.
        let (mut zlen, mut zwfl) = (f64::NAN, f64::NAN);
        if rules.screening_flags && !len.is_nan() {
            #[allow(clippy::cast_precision_loss)]
            let input = In2006 {
                sex: sex.code(),
                age: f64::from(age_days),
                age_in_month: false,
                weight: if weighed { weight } else { f64::NAN },
                lenhei: len,
                measure: measure.to_ascii_lowercase(),
                headc: f64::NAN,
                armc: f64::NAN,
                triskin: f64::NAN,
                subskin: f64::NAN,
                oedema,
            };
            s.growth_errors.clear();
            let r = compute_row(&input, &ctx.tables, true, i, &mut s.growth_errors);
            if r[4] == 0.0 {
                zlen = r[3];
            }
            if r[8] == 0.0 {
                zwfl = r[7];
            }
        }
        let height = matches!(measure, b'h' | b'H');
        s.vs.push(V {
            i: iu,
            date,
            period: 12 * ymd.0 + ymd.1,
            age_days,
            age_months,
            w_g: if weighed { tenths(weight, 1000.0) } else { -1 },
            len_mm: if len.is_nan() {
                -1
            } else {
                tenths(len, 10.0) + if height { 7 } else { 0 }
            },
            hc_mm: tenths(headc, 10.0),
            waz,
            zlen,
            zwfl,
            muac,
            oedema,
        });
        out.status[i] = if weighed {
            VisitStatus::Coded
        } else {
            VisitStatus::NotWeighed
        };
    }
    // ---- 2. (the visits were taken in date order) -------------------------
    let vs = &mut s.vs;
    // ---- 3. same-date duplicates (§4.2, §4.3) ------------------------------
    let mut k = 0;
    while k < vs.len() {
        let mut e = k + 1;
        while e < vs.len() && vs[e].date == vs[k].date {
            e += 1;
        }
        if e - k > 1 {
            let key = raw_key(v, vs[k].i as usize);
            if vs[k + 1..e].iter().all(|x| raw_key(v, x.i as usize) == key) {
                for x in &vs[k + 1..e] {
                    out.status[x.i as usize] = VisitStatus::Duplicate;
                }
                vs.drain(k + 1..e);
            } else {
                for x in &vs[k..e] {
                    reject(
                        out,
                        x.i,
                        child_row,
                        FieldError::at("visit_date", ErrorCode::DuplicateVisitSameDate),
                    );
                }
                vs.drain(k..e);
                continue;
            }
        }
        k += 1;
    }
    // ---- 4. one weighing per month (§4.3) ----------------------------------
    // Weighings of one period are consecutive among the weighings (dates
    // are sorted); visits without weight may sit between them.
    let mut k = 0;
    while k < vs.len() {
        if vs[k].w_g < 0 {
            k += 1;
            continue;
        }
        let (p0, mut last, mut count) = (vs[k].period, k, 1usize);
        let mut j = k + 1;
        while j < vs.len() && vs[j].period == p0 {
            if vs[j].w_g >= 0 {
                last = j;
                count += 1;
            }
            j += 1;
        }
        if count == 1 {
            k += 1;
            continue;
        }
        let keep = match rules.month_policy {
            MonthPolicy::Last => Some(last),
            MonthPolicy::First => Some(k),
            MonthPolicy::Error => None,
        };
        // Mark, then drop, the weighings of this period other than `keep`.
        let mut w = k;
        for r in k..j {
            let x = vs[r];
            if x.w_g >= 0 && Some(r) != keep {
                if keep.is_some() {
                    out.status[x.i as usize] = VisitStatus::Superseded;
                    out.warnings[x.i as usize] |= Warning::SupersededInMonth.bit();
                } else {
                    reject(
                        out,
                        x.i,
                        child_row,
                        FieldError::at("visit_date", ErrorCode::SeveralWeighingsInMonth),
                    );
                }
            } else {
                vs[w] = x;
                w += 1;
            }
        }
        vs.drain(w..j);
        k = w;
    }
    // ---- 5. the sequence: plausibility, codes, lines, referral, velocity ---
    s.hist_w.clear();
    s.hist_l.clear();
    s.hist_h.clear();
    // The previous kept weighing: (index in vs, code, t_run).
    let mut last_w: Option<(usize, Option<Code>, u16)> = None;
    let mut last_l: Option<usize> = None;
    let mut last_h: Option<usize> = None;
    for k in 0..vs.len() {
        let x = vs[k];
        let i = x.i as usize;
        let mut warn = 0u16;
        let mut err: Option<FieldError> = None;
        if x.w_g >= 0 {
            if let Some((j, _, _)) = last_w {
                let y = vs[j];
                let days = i64::from(x.date - y.date);
                let change = i64::from(x.w_g - y.w_g);
                let prev = i64::from(y.w_g);
                let loss = -change;
                if loss * 100 > i64::from(p.weight_loss_error_pct) * prev {
                    err = Some(implausible_weight("loss"));
                } else if change * 487 > i64::from(p.weight_gain_max_g_per_month) * 16 * days {
                    err = Some(implausible_weight("gain"));
                } else if days <= i64::from(p.waz_change_window_days)
                    && (x.waz - y.waz).abs() > p.waz_change_max
                {
                    err = Some(implausible_weight("waz_change"));
                } else if loss * 100 >= i64::from(p.weight_loss_warning_pct) * prev {
                    warn |= Warning::WeightLossLarge.bit();
                }
            }
        }
        if err.is_none() && x.len_mm >= 0 {
            if let Some(j) = last_l {
                let y = vs[j];
                let days = i64::from(x.date - y.date);
                let change = i64::from(x.len_mm - y.len_mm);
                if -change > i64::from(p.length_fall_max_mm) {
                    err = Some(
                        FieldError::at("lenhei_cm", ErrorCode::LengthChangeImplausible)
                            .with_param("rule", "fall"),
                    );
                } else if change * 487 > i64::from(p.length_rise_max_mm_per_month) * 16 * days {
                    err = Some(
                        FieldError::at("lenhei_cm", ErrorCode::LengthChangeImplausible)
                            .with_param("rule", "rise"),
                    );
                } else if change < 0 {
                    warn |= Warning::LengthDecreased.bit();
                }
            }
        }
        if err.is_none() && x.hc_mm >= 0 {
            if let Some(j) = last_h {
                let change = x.hc_mm - vs[j].hc_mm;
                if -change > p.headc_fall_max_mm {
                    #[allow(clippy::cast_precision_loss)]
                    let max_cm = f64::from(p.headc_fall_max_mm) / 10.0;
                    err = Some(
                        FieldError::at("headc_cm", ErrorCode::HeadcChangeImplausible)
                            .with_param("max_cm", max_cm),
                    );
                } else if change < 0 {
                    warn |= Warning::HeadcDecreased.bit();
                }
            }
        }
        if let Some(e) = err {
            reject(out, x.i, child_row, e);
            continue;
        }
        out.warnings[i] |= warn;
        let mut reasons = 0u8;
        let mut extreme = false;
        if x.w_g >= 0 {
            let prev = last_w.filter(|(j, _, _)| vs[*j].period == x.period - 1);
            let kbm_age = match rules.kbm_age_basis {
                KbmAgeBasis::CompletedMonths => x.age_months,
                KbmAgeBasis::KmsColumn => x.period - birth_period,
            };
            out.kbm_age_months[i] = kbm_age;
            let mut code = match (last_w, prev) {
                (None, _) => Code::B,
                (Some(_), None) => Code::O,
                (Some(_), Some(_)) => Code::N,
            };
            let mut t_run = 0u16;
            if let Some((j, pcode, prun)) = prev {
                let y = vs[j];
                let gain = x.w_g - y.w_g;
                let kbm = rules.kbm.grams(sex, kbm_age);
                out.gain_g[i] = gain;
                out.kbm_g[i] = kbm;
                if !x.waz.is_nan() && !y.waz.is_nan() {
                    out.waz_change[i] = crate::growth::round::round2(x.waz - y.waz);
                    let crossed = (-3..=3).any(|l| {
                        let l = f64::from(l);
                        y.waz >= l && x.waz < l
                    });
                    out.crossed_line_down[i] = Some(crossed);
                }
                let line_t = rules.nt_method == NtMethod::KbmOrLineCross
                    && out.crossed_line_down[i] == Some(true);
                code = if gain >= kbm && !line_t {
                    Code::N
                } else {
                    Code::T
                };
                if code == Code::T {
                    t_run = if pcode == Some(Code::T) { prun + 1 } else { 1 };
                }
                if x.date - y.date < rules.short_interval_days {
                    out.warnings[i] |= Warning::ShortInterval.bit();
                }
            } else if let (Some((j, _, _)), Code::O, GapAssessment::Cumulative) =
                (last_w, code, rules.gap_assessment)
            {
                let y = vs[j];
                let gain = x.w_g - y.w_g;
                let months = x.period - y.period;
                let kbm: i32 = (0..months).map(|m| rules.kbm.grams(sex, kbm_age - m)).sum();
                out.gain_g[i] = gain;
                out.kbm_g[i] = kbm;
                out.gap_nt[i] = Some(if gain >= kbm { Code::N } else { Code::T });
            }
            out.code[i] = Some(code);
            out.t_run[i] = t_run;
            // R8: lines.
            if x.oedema {
                out.warnings[i] |= Warning::OedemaWeightUnreliable.bit();
            } else if !x.waz.is_nan() {
                out.waz[i] = x.waz;
                let bgm = x.waz < rules.red_line_z;
                let orange = x.waz > rules.orange_line_z;
                out.bgm[i] = Some(bgm);
                out.above_orange[i] = Some(orange);
                match rules.referral {
                    Referral::Kia2023 => {
                        if bgm {
                            reasons |= ReferReason::Bgm.bit();
                        }
                        if orange {
                            reasons |= ReferReason::AboveOrange.bit();
                        }
                    }
                    Referral::Legacy2t => {
                        if bgm {
                            reasons |= ReferReason::Bgm.bit();
                        }
                    }
                }
            }
            match rules.referral {
                Referral::Kia2023 if code == Code::T => reasons |= ReferReason::T.bit(),
                Referral::Legacy2t if t_run >= 2 => reasons |= ReferReason::TwoT.bit(),
                _ => {}
            }
            // Velocity of weight (§3).
            #[allow(clippy::cast_precision_loss)]
            let wv = f64::from(x.w_g);
            if rules.velocity {
                for (t, slot) in [
                    (VelocityTable::Weight1Month, 0),
                    (VelocityTable::Weight2Month, 1),
                ] {
                    let r = pick(&s.hist_w, x.date, wv, t, sex, rules.scale_to_nominal);
                    extreme |= put_velocity(out, slot, i, r);
                }
            }
            if matches!(code, Code::N | Code::T) {
                out.weight_faltering[i] = match rules.weight_faltering {
                    WeightFaltering::T => Some(code == Code::T),
                    WeightFaltering::VelocityBelowMinus2 => {
                        let z1 = out.velocity[0].z_at(i);
                        let z = if z1.is_nan() {
                            out.velocity[1].z_at(i)
                        } else {
                            z1
                        };
                        (!z.is_nan()).then_some(z < -2.0)
                    }
                };
            }
            s.hist_w.push((x.date, x.age_days, wv));
            last_w = Some((k, Some(code), t_run));
        }
        if x.len_mm >= 0 {
            last_l = Some(k);
        }
        if x.hc_mm >= 0 {
            last_h = Some(k);
        }
        if x.len_mm >= 0 && rules.velocity {
            let lv = f64::from(x.len_mm) / 10.0;
            let r = pick(
                &s.hist_l,
                x.date,
                lv,
                VelocityTable::Length2Month,
                sex,
                rules.scale_to_nominal,
            );
            extreme |= put_velocity(out, 2, i, r);
            s.hist_l.push((x.date, x.age_days, lv));
        }
        if x.hc_mm >= 0 && rules.velocity {
            let hv = f64::from(x.hc_mm) / 10.0;
            let r = pick(
                &s.hist_h,
                x.date,
                hv,
                VelocityTable::Headc2Month,
                sex,
                rules.scale_to_nominal,
            );
            extreme |= put_velocity(out, 3, i, r);
            s.hist_h.push((x.date, x.age_days, hv));
        }
        if rules.screening_flags {
            if x.zlen < -2.0 {
                reasons |= ReferReason::Stunted.bit();
            }
            if x.zwfl < -2.0 || (x.age_months >= 6 && x.muac < 12.5) {
                reasons |= ReferReason::Wasted.bit();
            }
        }
        out.refer_reasons[i] = reasons;
        if extreme {
            out.warnings[i] |= Warning::VelocityExtreme.bit();
        }
    }
}

fn implausible_weight(rule: &'static str) -> FieldError {
    FieldError::at("weight_kg", ErrorCode::WeightChangeImplausible).with_param("rule", rule)
}

/// Marks visit `i` rejected with `e`, clearing what step 1 wrote.
fn reject(out: &mut Assessment, i: u32, child: u32, e: FieldError) {
    let i = i as usize;
    out.status[i] = VisitStatus::Rejected;
    out.period[i] = NO_VALUE;
    out.age_days[i] = NO_VALUE;
    out.age_months[i] = NO_VALUE;
    out.errors.push(VisitError {
        visit: i,
        child,
        error: e,
    });
}

/// Writes one velocity result; true when |z| > 3 (`velocity_extreme`).
fn put_velocity(
    out: &mut Assessment,
    slot: usize,
    i: usize,
    r: Result<VelocityZ, VelocityStatus>,
) -> bool {
    let c = &mut out.velocity[slot];
    let extreme = matches!(&r, Ok(z) if z.z.abs() > 3.0);
    match r {
        Ok(z) => {
            c.z[i] = z.z;
            c.centile[i] = z.centile;
            c.interval_days[i] = z.interval_days;
            c.status[i] = Some(VelocityStatus::Computed);
        }
        Err(st) => c.status[i] = Some(st),
    }
    extreme
}

/// The velocity z of the current value against the earlier measurement
/// that fits the table best (DERIVED): every earlier measurement up to 90
/// days back is tried; of those whose row and interval fit, the one whose
/// interval is nearest the row's nominal length wins (the more recent on a
/// tie). Without a fit: `increment_below_table_range` if some interval fit,
/// else the status of the most recent attempt.
fn pick(
    hist: &[(i32, i32, f64)],
    date: i32,
    value: f64,
    table: VelocityTable,
    sex: Sex,
    scale: bool,
) -> Result<VelocityZ, VelocityStatus> {
    let mut best: Option<Fit> = None;
    let mut first_err = None;
    let mut below = false;
    for &(d0, age0, v0) in hist.iter().rev() {
        let days = date - d0;
        if days > 90 {
            break;
        }
        match fit(table, sex, age0, days, value - v0, scale) {
            Ok(f) => {
                if best.as_ref().is_none_or(|b| f.distance() < b.distance()) {
                    best = Some(f);
                }
            }
            Err(VelocityStatus::IncrementBelowTableRange) => below = true,
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    match best {
        Some(f) => Ok(f.finish()),
        None if below => Err(VelocityStatus::IncrementBelowTableRange),
        None if hist.is_empty() => Err(VelocityStatus::NoEarlierMeasurement),
        None => Err(first_err.unwrap_or(VelocityStatus::IntervalMismatch)),
    }
}
