//! *Pasangan Usia Subur* (PUS), the *4 Terlalu* (4T) flags and the
//! baduta/balita age classes, computed from a validated [`Family`].

use crate::family::completed_years;
use crate::family::marital::MaritalStatus;
use crate::family::person::Person;
use crate::family::relationship::Relationship;
use crate::sex::Sex;
use crate::Family;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Completed months from `from` to `to`: calendar months, minus one when
/// the day of the month is not yet reached (DOMAIN.md §3.5: "10 months
/// 29 days → 10 months; negative day difference → subtract one month").
/// Negative when `to` is earlier than `from`.
pub fn completed_months(from: NaiveDate, to: NaiveDate) -> i64 {
    let mut m = (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(to.month())
        - i64::from(from.month());
    if to.day() < from.day() {
        m -= 1;
    }
    m
}

/// Which age band makes a wife "terlalu tua" (too old).
///
/// DOMAIN.md §1.3/§1.4 and "Uncertain" 1: BKKBN's KRS operational text
/// (BKKBN Sulawesi Barat, **\[B\]**) says *35–40 tahun*; Cimahi DP3AP2KB
/// (**\[B\]**) says *di atas 35 tahun*. The default follows the BKKBN text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TerlaluTua {
    /// 35 ≤ age ≤ 40 completed years (default, BKKBN KRS text "35–40").
    #[default]
    #[serde(rename = "35_40")]
    From35To40,
    /// age > 35 completed years, i.e. 36 or older ("di atas 35 tahun").
    #[serde(rename = "over_35")]
    Over35,
}

impl TerlaluTua {
    /// Whether a wife of `age` completed years is "terlalu tua".
    pub const fn applies(self, age: i64) -> bool {
        match self {
            TerlaluTua::From35To40 => age >= 35 && age <= 40,
            TerlaluTua::Over35 => age > 35,
        }
    }
}

/// Which number of children is "terlalu banyak" (too many).
///
/// BKKBN's text says *lebih dari tiga* (> 3, DOMAIN.md §1.3); "some say
/// ≥ 3" (§1.4). Default > 3.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TerlaluBanyak {
    /// More than three children (default, *lebih dari tiga*).
    #[default]
    #[serde(rename = "more_than_3")]
    MoreThan3,
    /// Three or more children.
    #[serde(rename = "3_or_more")]
    ThreeOrMore,
}

impl TerlaluBanyak {
    /// Whether `children` children are "terlalu banyak".
    pub const fn applies(self, children: i64) -> bool {
        match self {
            TerlaluBanyak::MoreThan3 => children > 3,
            TerlaluBanyak::ThreeOrMore => children >= 3,
        }
    }
}

/// How "terlalu dekat" (births too close) is measured.
///
/// DOMAIN.md §1.4: "between the two youngest children's birth dates is the
/// usual reading" (default; DOMAIN.md §9.5: the two **youngest**, not any
/// consecutive pair). Births on the same date (twins) are one birth (§9.5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SpacingRule {
    /// The interval between the two youngest children (default).
    #[default]
    TwoYoungest,
    /// The shortest interval between any two consecutive births.
    AnyConsecutive,
}

/// Thresholds of the *4 Terlalu*, DOMAIN.md §1.3: *terlalu muda* = wife
/// under 20; *terlalu tua* per [`TerlaluTua`]; *terlalu dekat* = birth
/// interval under 24 months; *terlalu banyak* per [`TerlaluBanyak`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FourTRules {
    /// "Terlalu tua" band.
    pub terlalu_tua: TerlaluTua,
    /// "Terlalu banyak" threshold.
    pub terlalu_banyak: TerlaluBanyak,
    /// "Terlalu dekat" measurement.
    pub spacing: SpacingRule,
}

impl FourTRules {
    /// The defaults (35-40, more than 3, two youngest).
    pub const fn new() -> FourTRules {
        FourTRules {
            terlalu_tua: TerlaluTua::From35To40,
            terlalu_banyak: TerlaluBanyak::MoreThan3,
            spacing: SpacingRule::TwoYoungest,
        }
    }
    /// With another "terlalu tua" band.
    #[must_use]
    pub const fn with_terlalu_tua(mut self, v: TerlaluTua) -> FourTRules {
        self.terlalu_tua = v;
        self
    }
    /// With another "terlalu banyak" threshold.
    #[must_use]
    pub const fn with_terlalu_banyak(mut self, v: TerlaluBanyak) -> FourTRules {
        self.terlalu_banyak = v;
        self
    }
    /// With another "terlalu dekat" measurement.
    #[must_use]
    pub const fn with_spacing(mut self, v: SpacingRule) -> FourTRules {
        self.spacing = v;
        self
    }
}

/// The wife's age under which she is "terlalu muda": 20 (DOMAIN.md §1.3).
pub const TERLALU_MUDA_BELOW_YEARS: i64 = 20;
/// Births closer than this many completed months are "terlalu dekat" (DOMAIN.md §1.3: "under 2 years").
pub const TERLALU_DEKAT_BELOW_MONTHS: i64 = 24;
/// PUS age band `[15, 49]` completed years (DOMAIN.md §2.1, PK-23 metadata).
pub const PUS_AGE_MIN: i64 = 15;
/// Upper end (inclusive) of the PUS age band.
pub const PUS_AGE_MAX: i64 = 49;

/// PUS options.
///
/// `include_menstruating_outside_15_49`: DOMAIN.md §2.1 — the PK-23
/// metadata (**\[B\]** Nunukan) defines PUS as wife 15–49 only (default);
/// Satu Data Asahan (**\[B\]**) and a USU thesis add "operationally" wives
/// under 15 who already menstruate and wives 50+ who still menstruate. With
/// this option on, a wife outside 15–49 counts when `wife_menstruating` is true.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PusOptions {
    /// Apply the operational menstruation exception (and, DOMAIN.md §9.2,
    /// admit a pregnant wife of any age).
    pub include_menstruating_outside_15_49: bool,
}

impl PusOptions {
    /// The default: 15-49 only.
    pub const fn new() -> PusOptions {
        PusOptions {
            include_menstruating_outside_15_49: false,
        }
    }
    /// With the operational exception on or off.
    #[must_use]
    pub const fn with_menstruation_exception(mut self, on: bool) -> PusOptions {
        self.include_menstruating_outside_15_49 = on;
        self
    }
}

/// The wife of the head couple: the *istri* of a married male head (the
/// first listed if several), or a married female head. DOMAIN.md §1.2
/// "keluarga yang memiliki istri"; other married couples in the household
/// (e.g. a married child and a *menantu*) are not the family's PUS
/// (DOMAIN.md §9.5: they are a PUS of their own KK when registered). A KK
/// may list more than one *istri* beside one head (§9.1).
pub fn wife(family: &Family) -> Option<&Person> {
    let head = family.head()?;
    if head.marital_status() != MaritalStatus::Kawin {
        return None;
    }
    match head.sex() {
        Sex::Female => Some(head),
        Sex::Male => family
            .members()
            .iter()
            .find(|p| p.relationship() == Relationship::Istri),
    }
}

/// Whether a wife of `age` completed years is PUS, pregnancy unknown (see
/// [`is_pus`]).
pub fn is_pus_age(age: i64, menstruating: Option<bool>, opts: PusOptions) -> bool {
    is_pus(age, menstruating, false, opts)
}

/// Whether a wife of `age` completed years is PUS.
///
/// 15-49 completed years always (DOMAIN.md §2.1). With
/// [`PusOptions::include_menstruating_outside_15_49`] also a wife outside
/// that band who menstruates (under 15 with menarche, 50 or over and not
/// menopausal; from age 10) and, DOMAIN.md §9.2, a **pregnant** wife of any
/// age: "a pregnancy is proof of both" (menarche and not menopausal), so a
/// pregnant 14-year-old under the option is PUS (and *PUS hamil*, and
/// *terlalu muda*). Without the option the band stays 15-49 whatever the
/// pregnancy ([`PusAgeNote`] says why she is outside it).
pub fn is_pus(age: i64, menstruating: Option<bool>, pregnant: bool, opts: PusOptions) -> bool {
    if (PUS_AGE_MIN..=PUS_AGE_MAX).contains(&age) {
        return true;
    }
    opts.include_menstruating_outside_15_49
        && (pregnant || (menstruating == Some(true) && age >= 10))
}

/// Why a married wife is not PUS (DOMAIN.md §9.2: "the result says why she
/// is outside" the 15-49 band).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PusAgeNote {
    /// Under 15 completed years (and not admitted by the option).
    UnderPusAge,
    /// 50 or more completed years (and not admitted by the option).
    OverPusAge,
}

impl PusAgeNote {
    /// The note for a wife of `age` who is not PUS, `None` when she is.
    pub fn of(age: i64, is_pus: bool) -> Option<PusAgeNote> {
        match (is_pus, age < PUS_AGE_MIN) {
            (true, _) => None,
            (false, true) => Some(PusAgeNote::UnderPusAge),
            (false, false) => Some(PusAgeNote::OverPusAge),
        }
    }
    /// The stable code: `di_bawah_usia_pus` or `di_atas_usia_pus`.
    pub const fn code(self) -> &'static str {
        match self {
            PusAgeNote::UnderPusAge => "di_bawah_usia_pus",
            PusAgeNote::OverPusAge => "di_atas_usia_pus",
        }
    }
}

/// The children (SHDK *anak*) of a family, youngest first.
pub fn children(family: &Family) -> Vec<&Person> {
    let mut v: Vec<&Person> = family
        .members()
        .iter()
        .filter(|p| p.relationship() == Relationship::Anak)
        .collect();
    v.sort_by_key(|p| std::cmp::Reverse(p.birth_date()));
    v
}

/// The birth interval in completed months used for "terlalu dekat", or
/// `None` with fewer than two distinct birth dates.
pub fn birth_interval_months(birth_dates: &[NaiveDate], rule: SpacingRule) -> Option<i64> {
    birth_interval_in_place(&mut birth_dates.to_vec(), rule)
}

/// [`birth_interval_months`] on dates the caller no longer needs in
/// their order (they are sorted and deduplicated in place).
pub(crate) fn birth_interval_in_place(d: &mut [NaiveDate], rule: SpacingRule) -> Option<i64> {
    d.sort_unstable();
    // Deduplicate the sorted dates in place: `d[..n]` are the distinct ones.
    let mut n = 0;
    for i in 0..d.len() {
        if n == 0 || d[i] != d[n - 1] {
            d[n] = d[i];
            n += 1;
        }
    }
    let d = &d[..n];
    if d.len() < 2 {
        return None;
    }
    match rule {
        SpacingRule::TwoYoungest => {
            let n = d.len();
            Some(completed_months(d[n - 2], d[n - 1]))
        }
        SpacingRule::AnyConsecutive => d.windows(2).map(|w| completed_months(w[0], w[1])).min(),
    }
}

/// The four flags (each `false` when the family is not PUS).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FourT {
    /// Wife under 20.
    pub terlalu_muda: bool,
    /// Wife in the "terlalu tua" band.
    pub terlalu_tua: bool,
    /// Birth interval under 24 months.
    pub terlalu_dekat: bool,
    /// Too many children.
    pub terlalu_banyak: bool,
}

impl FourT {
    /// Computes the flags for a PUS wife of `age` with `children` living
    /// children and birth interval `interval_months`.
    pub fn compute(
        age: i64,
        children: i64,
        interval_months: Option<i64>,
        rules: FourTRules,
    ) -> FourT {
        FourT {
            terlalu_muda: age < TERLALU_MUDA_BELOW_YEARS,
            terlalu_tua: rules.terlalu_tua.applies(age),
            terlalu_dekat: interval_months.is_some_and(|m| m < TERLALU_DEKAT_BELOW_MONTHS),
            terlalu_banyak: rules.terlalu_banyak.applies(children),
        }
    }
    /// True when any flag is set.
    pub const fn any(self) -> bool {
        self.terlalu_muda || self.terlalu_tua || self.terlalu_dekat || self.terlalu_banyak
    }
}

/// A child's age class (DOMAIN.md §1.2): *baduta* 0–23 completed months,
/// *balita* 24–59 completed months.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChildAgeClass {
    /// 0–23 completed months (*bawah dua tahun*).
    Baduta,
    /// 24–59 completed months (*bawah lima tahun*, excluding baduta).
    Balita,
}

impl ChildAgeClass {
    /// The class of a person born on `birth_date` at `as_of`, if any.
    pub fn of(birth_date: NaiveDate, as_of: NaiveDate) -> Option<ChildAgeClass> {
        // Six or more years apart by year number is at least 60 completed
        // months (72 − 11 − 1): no need for the month and day.
        if as_of.year() - birth_date.year() > 5 {
            return None;
        }
        match completed_months(birth_date, as_of) {
            0..=23 => Some(ChildAgeClass::Baduta),
            24..=59 => Some(ChildAgeClass::Balita),
            _ => None,
        }
    }
}

/// Counts of baduta and balita among all members (any relationship, e.g.
/// a *cucu*), DOMAIN.md §1.2 "keluarga yang memiliki anak usia 0–23 / 24–59 bulan".
pub fn count_child_classes(family: &Family, as_of: NaiveDate) -> (u32, u32) {
    let mut baduta = 0;
    let mut balita = 0;
    for p in family.members() {
        match ChildAgeClass::of(p.birth_date(), as_of) {
            Some(ChildAgeClass::Baduta) => baduta += 1,
            Some(ChildAgeClass::Balita) => balita += 1,
            None => {}
        }
    }
    (baduta, balita)
}

/// The wife's age in completed years at `as_of`.
pub fn age_years(p: &Person, as_of: NaiveDate) -> i64 {
    completed_years(p.birth_date(), as_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// The year shortcut of `ChildAgeClass::of` never changes its answer:
    /// every birth date from 2015 to 2026 against several reference dates.
    #[test]
    fn child_class_year_shortcut() {
        for as_of in ["2024-02-29", "2025-01-01", "2025-12-31", "2020-06-15"] {
            let as_of = d(as_of);
            let mut b = d("2015-01-01");
            while b < d("2027-01-01") {
                let want = match completed_months(b, as_of) {
                    0..=23 => Some(ChildAgeClass::Baduta),
                    24..=59 => Some(ChildAgeClass::Balita),
                    _ => None,
                };
                assert_eq!(ChildAgeClass::of(b, as_of), want, "{b} {as_of}");
                b = b.succ_opt().expect("next day");
            }
        }
    }

    #[test]
    fn months() {
        assert_eq!(completed_months(d("2024-01-31"), d("2024-02-29")), 0);
        assert_eq!(completed_months(d("2024-01-31"), d("2024-03-31")), 2);
        assert_eq!(completed_months(d("2022-03-15"), d("2024-03-14")), 23);
        assert_eq!(completed_months(d("2022-03-15"), d("2024-03-15")), 24);
        assert_eq!(
            ChildAgeClass::of(d("2022-03-15"), d("2024-03-14")),
            Some(ChildAgeClass::Baduta)
        );
        assert_eq!(
            ChildAgeClass::of(d("2022-03-15"), d("2024-03-15")),
            Some(ChildAgeClass::Balita)
        );
        assert_eq!(ChildAgeClass::of(d("2019-03-15"), d("2024-03-15")), None);
        assert_eq!(
            ChildAgeClass::of(d("2019-03-16"), d("2024-03-15")),
            Some(ChildAgeClass::Balita)
        );
    }

    #[test]
    fn four_t_boundaries() {
        let r = FourTRules::default();
        assert!(FourT::compute(19, 0, None, r).terlalu_muda);
        assert!(!FourT::compute(20, 0, None, r).terlalu_muda);
        assert!(!FourT::compute(34, 0, None, r).terlalu_tua);
        assert!(FourT::compute(35, 0, None, r).terlalu_tua);
        assert!(FourT::compute(40, 0, None, r).terlalu_tua);
        assert!(!FourT::compute(41, 0, None, r).terlalu_tua);
        let over = FourTRules {
            terlalu_tua: TerlaluTua::Over35,
            ..r
        };
        assert!(!FourT::compute(35, 0, None, over).terlalu_tua);
        assert!(FourT::compute(45, 0, None, over).terlalu_tua);
        assert!(!FourT::compute(25, 3, None, r).terlalu_banyak);
        assert!(FourT::compute(25, 4, None, r).terlalu_banyak);
        let three = FourTRules {
            terlalu_banyak: TerlaluBanyak::ThreeOrMore,
            ..r
        };
        assert!(FourT::compute(25, 3, None, three).terlalu_banyak);
        assert!(FourT::compute(25, 1, Some(23), r).terlalu_dekat);
        assert!(!FourT::compute(25, 1, Some(24), r).terlalu_dekat);
    }

    #[test]
    fn intervals() {
        let b = [d("2015-01-01"), d("2016-01-01"), d("2020-01-01")];
        assert_eq!(
            birth_interval_months(&b, SpacingRule::TwoYoungest),
            Some(48)
        );
        assert_eq!(
            birth_interval_months(&b, SpacingRule::AnyConsecutive),
            Some(12)
        );
        let twins = [d("2020-01-01"), d("2020-01-01")];
        assert_eq!(
            birth_interval_months(&twins, SpacingRule::TwoYoungest),
            None
        );
        // Unsorted, with twins, against sort + dedup on a vector.
        let mut state = 11u64;
        for len in 0..40usize {
            let dates: Vec<NaiveDate> = (0..len)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1);
                    d("2010-01-01") + chrono::Days::new((state >> 33) % 400)
                })
                .collect();
            let mut want = dates.clone();
            want.sort_unstable();
            want.dedup();
            for rule in [SpacingRule::TwoYoungest, SpacingRule::AnyConsecutive] {
                let expected = match (rule, want.len()) {
                    (_, 0 | 1) => None,
                    (SpacingRule::TwoYoungest, n) => {
                        Some(completed_months(want[n - 2], want[n - 1]))
                    }
                    (SpacingRule::AnyConsecutive, _) => {
                        want.windows(2).map(|w| completed_months(w[0], w[1])).min()
                    }
                };
                assert_eq!(birth_interval_months(&dates, rule), expected, "{dates:?}");
            }
        }
    }

    #[test]
    fn pus_age() {
        let strict = PusOptions::default();
        assert!(!is_pus_age(14, Some(true), strict));
        assert!(is_pus_age(15, None, strict));
        assert!(is_pus_age(49, None, strict));
        assert!(!is_pus_age(50, Some(true), strict));
        let op = PusOptions {
            include_menstruating_outside_15_49: true,
        };
        assert!(is_pus_age(50, Some(true), op));
        assert!(!is_pus_age(50, Some(false), op));
        assert!(!is_pus_age(50, None, op));
        // DOMAIN.md §9.2: under the option a pregnancy proves menarche and
        // that she is not menopausal; without it the band stays 15-49.
        assert!(is_pus(14, None, true, op));
        assert!(is_pus(52, Some(false), true, op));
        assert!(!is_pus(14, None, true, strict));
        assert!(!is_pus(50, Some(true), true, strict));
        assert_eq!(PusAgeNote::of(14, false), Some(PusAgeNote::UnderPusAge));
        assert_eq!(PusAgeNote::of(50, false), Some(PusAgeNote::OverPusAge));
        assert_eq!(PusAgeNote::of(14, true), None);
    }
}
