//! KB participation indicators over a set of PUS / married-women records
//! (or the Kampung KB portal's aggregate counts).
//!
//! Every indicator is a [`Ratio`] `{numerator, denominator, value}` where
//! `value` = 100 × numerator / denominator (a percentage, unrounded; the
//! portal's integer rounding is left to the display, PRIOR_ART.md D-21) and
//! `None` when the denominator is 0 (never an error, never a disguised 0:
//! PRIOR_ART.md D-22). Regions are combined with `Ratio + Ratio` /
//! [`KbIndicators::merge`], which sum numerators and denominators; they
//! never average percentages (D-23).

use super::method::{Method, MethodSystem, NonUseReason, ALL_METHODS};
use super::read::{common_options, opt_bool, opt_code, opt_int, under};
use crate::error::{ErrorCode, FieldError, FieldPath, Locale, PathSegment, ValidationErrors};
use crate::input::{invalid_type, Fields};
use crate::sex::Sex;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// numerator / denominator, with the percentage when defined.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Ratio {
    /// Count of the records meeting the indicator.
    pub numerator: u64,
    /// Count of the records in the indicator's population.
    pub denominator: u64,
    /// 100 × numerator / denominator; `None` when the denominator is 0.
    pub value: Option<f64>,
}

impl Ratio {
    /// A ratio with its value computed.
    pub fn new(numerator: u64, denominator: u64) -> Ratio {
        #[allow(clippy::cast_precision_loss)]
        let value = (denominator > 0).then(|| 100.0 * numerator as f64 / denominator as f64);
        Ratio {
            numerator,
            denominator,
            value,
        }
    }
}

/// `a + b` sums numerators and denominators (aggregation across regions)
/// and recomputes the value; it never averages percentages.
impl std::ops::Add for Ratio {
    type Output = Ratio;
    fn add(self, other: Ratio) -> Ratio {
        Ratio::new(
            self.numerator + other.numerator,
            self.denominator + other.denominator,
        )
    }
}

/// Revised DHS unmet-need class of one woman (v626a), DOMAIN.md §2.5.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedClass {
    /// 0 not married and never had sex (DHS derivation only).
    NeverHadSex,
    /// 1 unmet need for spacing.
    UnmetSpacing,
    /// 2 unmet need for limiting.
    UnmetLimiting,
    /// 3 met need for spacing (user).
    MetSpacing,
    /// 4 met need for limiting (user).
    MetLimiting,
    /// 7 no unmet need (wants a child within 2 years / pregnancy wanted then).
    NoNeed,
    /// 8 not married and not sexually active in the last 30 days (DHS derivation only).
    NotSexuallyActive,
    /// 9 infecund.
    Infecund,
    /// 98 not currently married in an ever-married sample (DHS derivation only).
    EverMarriedSample,
    /// 99 not determinable from the inputs.
    Undetermined,
}

impl NeedClass {
    /// The DHS v626a code: 0, 1, 2, 3, 4, 7, 8, 9, 98 or 99.
    pub const fn code(self) -> u8 {
        match self {
            NeedClass::NeverHadSex => 0,
            NeedClass::UnmetSpacing => 1,
            NeedClass::UnmetLimiting => 2,
            NeedClass::MetSpacing => 3,
            NeedClass::MetLimiting => 4,
            NeedClass::NoNeed => 7,
            NeedClass::NotSexuallyActive => 8,
            NeedClass::Infecund => 9,
            NeedClass::EverMarriedSample => 98,
            NeedClass::Undetermined => 99,
        }
    }
}

/// Wantedness of the current pregnancy or the last birth (DHS v225 / m10_1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Wantedness {
    /// 1 wanted then.
    Then,
    /// 2 wanted later (mistimed).
    Later,
    /// 3 not wanted at all.
    No,
}

impl Wantedness {
    /// The DHS code (v225 / m10_1): 1, 2 or 3.
    pub const fn code(self) -> i32 {
        match self {
            Wantedness::Then => 1,
            Wantedness::Later => 2,
            Wantedness::No => 3,
        }
    }

    fn parse(s: &str) -> Result<Wantedness, FieldError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "then" | "1" | "saat_itu" => Ok(Wantedness::Then),
            "later" | "2" | "nanti" => Ok(Wantedness::Later),
            "no" | "3" | "tidak" => Ok(Wantedness::No),
            _ => {
                Err(FieldError::new(ErrorCode::InvalidCode)
                    .with_param("allowed", "then, later, no"))
            }
        }
    }
}

/// Fertility preference (DHS v605 codes 1-7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Desire {
    /// 1 wants another child within 2 years.
    Within2Years,
    /// 2 wants another after 2+ years.
    After2Years,
    /// 3 wants another, unsure when.
    UnsureWhen,
    /// 4 undecided.
    Undecided,
    /// 5 wants no more.
    NoMore,
    /// 6 sterilised (respondent or partner).
    Sterilized,
    /// 7 declared infecund.
    DeclaredInfecund,
}

impl Desire {
    /// The DHS v605 code, 1-7.
    pub const fn code(self) -> i32 {
        match self {
            Desire::Within2Years => 1,
            Desire::After2Years => 2,
            Desire::UnsureWhen => 3,
            Desire::Undecided => 4,
            Desire::NoMore => 5,
            Desire::Sterilized => 6,
            Desire::DeclaredInfecund => 7,
        }
    }

    fn parse(s: &str) -> Result<Desire, FieldError> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "1" | "within_2_years" => Desire::Within2Years,
            "2" | "after_2_years" => Desire::After2Years,
            "3" | "unsure_when" => Desire::UnsureWhen,
            "4" | "undecided" => Desire::Undecided,
            "5" | "no_more" => Desire::NoMore,
            "6" | "sterilized" => Desire::Sterilized,
            "7" | "declared_infecund" => Desire::DeclaredInfecund,
            _ => return Err(FieldError::new(ErrorCode::InvalidCode).with_param(
                "allowed",
                "within_2_years, after_2_years, unsure_when, undecided, no_more, sterilized, declared_infecund",
            )),
        })
    }
}

/// The inputs of the revised DHS unmet-need classification for one
/// currently married woman (DOMAIN.md §2.5.1). `ppa_months_since_birth`:
/// she is postpartum amenorrhoeic and her last birth was this many months
/// ago (PPA < 24 months puts her in the pregnant/PPA group). `infecund`: the
/// caller's result of the DHS infecundity boxes 1, 3–6 (box 2, declared
/// infecund, is `desire = declared_infecund`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DhsInputs {
    /// Wantedness of the current pregnancy (v225), required when pregnant.
    pub pregnancy_wantedness: Option<Wantedness>,
    /// Months since the last birth when postpartum amenorrhoeic.
    pub ppa_months_since_birth: Option<i64>,
    /// Wantedness of the last birth (m10_1), required when PPA < 24 months.
    pub last_birth_wantedness: Option<Wantedness>,
    /// Fertility preference (v605).
    pub desire: Option<Desire>,
    /// Infecund by the DHS boxes other than "declared infecund".
    pub infecund: bool,
}

/// Classifies one currently married woman by the revised DHS definition
/// (Bradley et al. 2012; DHS-Indicators `FP_NEED.do`, DOMAIN.md §2.5.1,
/// first matching rule wins):
/// 1. users: limiting (4) if `desire` is no more / sterilised / declared
///    infecund, else spacing (3);
/// 2. pregnant, or PPA with last birth < 24 months ago: by wantedness
///    (then → 7, later → 1, no → 2, missing → 99);
/// 3. infecund (boxes; or declared infecund) → 9;
/// 4. fecund: within 2 years → 7; after 2 years / unsure when / undecided
///    → 1; no more → 2; otherwise 99.
///
/// These are the rules of [`crate::kb::dhs`] after its derivation from the
/// recode: the inputs become the same facts and the same decision function
/// classifies them. (The unmarried step of §2.5.1 does not arise: records
/// are PUS.)
pub fn classify_need(user: bool, pregnant: bool, dhs: &DhsInputs) -> NeedClass {
    crate::kb::dhs::classify_derived(user, pregnant, dhs)
}

/// One validated PUS / married-woman record.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KbRecord {
    /// Current method of the couple ([`Method::None`] for non-users).
    pub method: Method,
    /// Reason for non-use (non-users only).
    pub reason: Option<NonUseReason>,
    /// Currently pregnant.
    pub pregnant: bool,
    /// Unmet-need inputs, when collected.
    pub dhs: Option<DhsInputs>,
    /// Recorded as pregnant while naming a method, and counted as a
    /// pregnant non-user under [`PregnantWithMethod::MethodFailure`]
    /// (DOMAIN.md §9.4).
    pub method_failure: bool,
}

/// What to do with a record that is pregnant and names a current method
/// (DOMAIN.md §9.4: inconsistent, "DHS does not ask current use of
/// pregnant women; the portal and PK record a pregnant PUS under 'not
/// using, pregnant'").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PregnantWithMethod {
    /// Reject the record with `kb_method_while_pregnant` (default), as the
    /// opposite mismatch (`kb_reason_pregnant_mismatch`) is rejected.
    #[default]
    Error,
    /// Count her as a pregnant non-user (reason *hamil*: the method
    /// failed); the output counts such records in
    /// [`KbIndicators::pregnant_method_failures`].
    MethodFailure,
}

impl PregnantWithMethod {
    fn parse(s: &str) -> Result<PregnantWithMethod, FieldError> {
        match s.trim() {
            "error" => Ok(PregnantWithMethod::Error),
            "method_failure" => Ok(PregnantWithMethod::MethodFailure),
            _ => Err(FieldError::new(ErrorCode::InvalidCode)
                .with_param("allowed", "error, method_failure")),
        }
    }
}

/// The counts the indicators are computed from; [`Tally::merge`] merges regions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    /// Number of PUS / women (the CPR denominator).
    pub pus: u64,
    /// Users by method (methods other than `none`).
    pub users: BTreeMap<Method, u64>,
    /// Non-users by reason.
    pub not_using: BTreeMap<NonUseReason, u64>,
    /// Non-users with no reason recorded.
    pub not_using_not_stated: u64,
    /// DHS need classes, when every record has DHS inputs.
    pub need: Option<BTreeMap<&'static str, u64>>,
    /// Modern users among the records with DHS inputs.
    pub modern_users_dhs: u64,
    /// Pregnant records naming a method, counted as pregnant non-users
    /// (DOMAIN.md §9.4 option).
    pub method_failures: u64,
}

fn need_key(c: NeedClass) -> &'static str {
    match c {
        NeedClass::UnmetSpacing => "unmet_spacing",
        NeedClass::UnmetLimiting => "unmet_limiting",
        NeedClass::MetSpacing => "met_spacing",
        NeedClass::MetLimiting => "met_limiting",
        NeedClass::NoNeed => "no_need",
        NeedClass::Infecund => "infecund",
        NeedClass::Undetermined => "undetermined",
        NeedClass::NeverHadSex => "never_had_sex",
        NeedClass::NotSexuallyActive => "not_sexually_active",
        NeedClass::EverMarriedSample => "ever_married_sample",
    }
}

impl Tally {
    /// Tallies records. DHS counts exist only when every record has DHS inputs.
    pub fn from_records(records: &[KbRecord]) -> Tally {
        let mut t = Tally {
            pus: records.len() as u64,
            ..Tally::default()
        };
        let all_dhs = !records.is_empty() && records.iter().all(|r| r.dhs.is_some());
        let mut need: BTreeMap<&'static str, u64> = BTreeMap::new();
        for r in records {
            t.method_failures += u64::from(r.method_failure);
            if r.method.is_user() {
                *t.users.entry(r.method).or_insert(0) += 1;
            } else if let Some(reason) = r.reason {
                *t.not_using.entry(reason).or_insert(0) += 1;
            } else {
                t.not_using_not_stated += 1;
            }
            if let (true, Some(d)) = (all_dhs, &r.dhs) {
                let c = classify_need(r.method.is_user(), r.pregnant, d);
                *need.entry(need_key(c)).or_insert(0) += 1;
                if r.method.is_modern() {
                    t.modern_users_dhs += 1;
                }
            }
        }
        if all_dhs {
            t.need = Some(need);
        }
        t
    }

    /// Sums two tallies; the DHS part survives only when both have it.
    #[must_use]
    pub fn merge(mut self, other: &Tally) -> Tally {
        self.pus += other.pus;
        for (k, v) in &other.users {
            *self.users.entry(*k).or_insert(0) += v;
        }
        for (k, v) in &other.not_using {
            *self.not_using.entry(*k).or_insert(0) += v;
        }
        self.not_using_not_stated += other.not_using_not_stated;
        self.need = match (self.need.take(), &other.need) {
            (Some(mut a), Some(b)) => {
                for (k, v) in b {
                    *a.entry(k).or_insert(0) += v;
                }
                Some(a)
            }
            _ => None,
        };
        self.modern_users_dhs += other.modern_users_dhs;
        self.method_failures += other.method_failures;
        self
    }

    fn users_total(&self) -> u64 {
        self.users.values().sum()
    }
    fn users_where(&self, f: impl Fn(Method) -> bool) -> u64 {
        self.users
            .iter()
            .filter(|(m, _)| f(**m))
            .map(|(_, n)| n)
            .sum()
    }
    fn non_users(&self) -> u64 {
        self.not_using.values().sum::<u64>() + self.not_using_not_stated
    }
    fn reason(&self, r: NonUseReason) -> u64 {
        self.not_using.get(&r).copied().unwrap_or(0)
    }

    /// Computes every indicator.
    pub fn indicators(&self) -> KbIndicators {
        let users = self.users_total();
        let non_users = self.non_users();
        let method_mix = ALL_METHODS
            .iter()
            .filter(|m| m.is_user())
            .map(|m| {
                (
                    m.as_str(),
                    Ratio::new(self.users.get(m).copied().unwrap_or(0), users),
                )
            })
            .collect();
        let mut by_reason = BTreeMap::new();
        for (code, r) in [
            ("hamil", NonUseReason::Hamil),
            ("ingin_anak_segera", NonUseReason::InginAnakSegera),
            ("iat", NonUseReason::Iat),
            ("tial", NonUseReason::Tial),
        ] {
            by_reason.insert(code, Ratio::new(self.reason(r), non_users));
        }
        by_reason.insert(
            "not_stated",
            Ratio::new(self.not_using_not_stated, non_users),
        );
        let (unmet_need_dhs, demand_satisfied_modern) = match &self.need {
            Some(n) => {
                let g = |k: &str| n.get(k).copied().unwrap_or(0);
                let spacing = g("unmet_spacing");
                let limiting = g("unmet_limiting");
                let demand = spacing + limiting + g("met_spacing") + g("met_limiting");
                (
                    Some(UnmetNeedDhs {
                        spacing: Ratio::new(spacing, self.pus),
                        limiting: Ratio::new(limiting, self.pus),
                        total: Ratio::new(spacing + limiting, self.pus),
                        classes: n.clone(),
                    }),
                    Some(Ratio::new(self.modern_users_dhs, demand)),
                )
            }
            None => (None, None),
        };
        KbIndicators {
            pus: self.pus,
            users,
            non_users,
            cpr: Ratio::new(users, self.pus),
            mcpr: Ratio::new(self.users_where(Method::is_modern), self.pus),
            mkjp_share: Ratio::new(self.users_where(Method::is_mkjp), users),
            method_mix,
            not_using_by_reason: by_reason,
            unmet_need_proxy: Ratio::new(
                self.reason(NonUseReason::Iat) + self.reason(NonUseReason::Tial),
                self.pus,
            ),
            unmet_need_dhs,
            demand_satisfied_modern,
            pregnant_method_failures: self.method_failures,
        }
    }
}

/// Unmet need by the revised DHS definition (DOMAIN.md §2.5, §2.5.1):
/// denominators are all records ("including 0, 8, 9 and 99").
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnmetNeedDhs {
    /// Unmet need for spacing (v626a = 1) / all records.
    pub spacing: Ratio,
    /// Unmet need for limiting (v626a = 2) / all records.
    pub limiting: Ratio,
    /// Spacing + limiting / all records.
    pub total: Ratio,
    /// Count of records per need class.
    pub classes: BTreeMap<&'static str, u64>,
}

impl UnmetNeedDhs {
    fn merge(&self, o: &UnmetNeedDhs) -> UnmetNeedDhs {
        let mut classes = self.classes.clone();
        for (k, v) in &o.classes {
            *classes.entry(k).or_insert(0) += v;
        }
        UnmetNeedDhs {
            spacing: self.spacing + o.spacing,
            limiting: self.limiting + o.limiting,
            total: self.total + o.total,
            classes,
        }
    }
}

/// All KB indicators of one set of records.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KbIndicators {
    /// Number of PUS / women records (CPR denominator).
    pub pus: u64,
    /// Users of any method.
    pub users: u64,
    /// Non-users.
    pub non_users: u64,
    /// CPR = users of any method / PUS (DHS Guide "Current use"; Jombang
    /// metadata, DOMAIN.md §2.4; the Kampung KB portal's "CPR" is the same
    /// formula over its 7 modern methods).
    pub cpr: Ratio,
    /// mCPR = users of a modern method / PUS (DOMAIN.md §2.4, DHS v313 = 3).
    pub mcpr: Ratio,
    /// MKJP share = (IUD + MOW + MOP + implant) users / all users of a
    /// method (Kampung KB portal `kampungs.sql`, DOMAIN.md §2.4; §9.5: the
    /// denominator is all users, not PUS; it equals [`KbIndicators::users`]).
    pub mkjp_share: Ratio,
    /// Method mix: users of each method / all users (portal
    /// `peserta-mix-kontrasepsi.sql`, with the zero-user guard it lacks, D-22).
    pub method_mix: BTreeMap<&'static str, Ratio>,
    /// PUS not using KB by reason (DOMAIN.md §2.3) / all non-users;
    /// `not_stated` counts non-users without a recorded reason.
    pub not_using_by_reason: BTreeMap<&'static str, Ratio>,
    /// Kampung KB portal proxy: (IAT + TIAL) / PUS (DOMAIN.md §2.5, `kampungs.sql`).
    pub unmet_need_proxy: Ratio,
    /// Revised DHS unmet need, when every record has DHS inputs.
    pub unmet_need_dhs: Option<UnmetNeedDhs>,
    /// Demand satisfied by modern methods (SDG 3.7.1) = modern users /
    /// (unmet + met need), DOMAIN.md §2.5-§2.6; only with DHS inputs, else
    /// `None`, never guessed (DOMAIN.md §9.5).
    pub demand_satisfied_modern: Option<Ratio>,
    /// Records that were pregnant while naming a method and were counted as
    /// pregnant non-users (reason *hamil*, a method failure) under the
    /// option `pregnant_with_method: "method_failure"` (DOMAIN.md §9.4);
    /// always 0 by default, where such a record is an error.
    pub pregnant_method_failures: u64,
}

impl KbIndicators {
    /// Combines two sets (e.g. two villages) by summing numerators and
    /// denominators of every indicator (never averaging percentages). A DHS
    /// indicator stays defined only when both sides have it.
    #[must_use]
    pub fn merge(&self, o: &KbIndicators) -> KbIndicators {
        let mut method_mix = self.method_mix.clone();
        for (k, v) in &o.method_mix {
            let e = method_mix.entry(k).or_insert(Ratio::new(0, 0));
            *e = *e + *v;
        }
        let mut by_reason = self.not_using_by_reason.clone();
        for (k, v) in &o.not_using_by_reason {
            let e = by_reason.entry(k).or_insert(Ratio::new(0, 0));
            *e = *e + *v;
        }
        KbIndicators {
            pus: self.pus + o.pus,
            users: self.users + o.users,
            non_users: self.non_users + o.non_users,
            cpr: self.cpr + o.cpr,
            mcpr: self.mcpr + o.mcpr,
            mkjp_share: self.mkjp_share + o.mkjp_share,
            method_mix,
            not_using_by_reason: by_reason,
            unmet_need_proxy: self.unmet_need_proxy + o.unmet_need_proxy,
            unmet_need_dhs: match (&self.unmet_need_dhs, &o.unmet_need_dhs) {
                (Some(a), Some(b)) => Some(a.merge(b)),
                _ => None,
            },
            demand_satisfied_modern: match (self.demand_satisfied_modern, o.demand_satisfied_modern)
            {
                (Some(a), Some(b)) => Some(a + b),
                _ => None,
            },
            pregnant_method_failures: self.pregnant_method_failures + o.pregnant_method_failures,
        }
    }
}

/// Options of [`kb_indicators_json`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KbOptions {
    /// The coding system of `method` fields (default canonical).
    pub method_codes: MethodSystem,
    /// Message locale.
    pub locale: Locale,
    /// A pregnant record naming a method (DOMAIN.md §9.4).
    pub pregnant_with_method: PregnantWithMethod,
}

fn idx(i: usize) -> PathSegment {
    PathSegment::Index(u32::try_from(i).unwrap_or(u32::MAX))
}

/// The keys of a record's `dhs` object.
const DHS_FIELDS: [&str; 5] = [
    "pregnancy_wantedness",
    "ppa_months_since_birth",
    "last_birth_wantedness",
    "desire",
    "infecund",
];
/// The keys of one KB record (any other is `unknown_field`, DOMAIN.md §9.5).
pub const RECORD_FIELDS: [&str; 6] = [
    "method",
    "acceptor_sex",
    "reason_not_using",
    "pregnant",
    "age_years",
    "dhs",
];

fn read_dhs(v: &Value, pregnant: bool) -> Result<DhsInputs, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let f = Fields::of(v, &mut errors);
    // DOMAIN.md §9.5: `dhs.desir` is an error, never ignored.
    f.deny_unknown(&DHS_FIELDS, &mut errors);
    let pregnancy_wantedness = opt_code(&f, "pregnancy_wantedness", Wantedness::parse, &mut errors);
    let ppa = opt_int(&f, "ppa_months_since_birth", 0, 60, &mut errors);
    let last_birth_wantedness =
        opt_code(&f, "last_birth_wantedness", Wantedness::parse, &mut errors);
    let desire = opt_code(&f, "desire", Desire::parse, &mut errors);
    let infecund = opt_bool(&f, "infecund", &mut errors).unwrap_or(false);
    if pregnant && pregnancy_wantedness.is_none() && f.get("pregnancy_wantedness").is_none() {
        errors.push(FieldError::at("pregnancy_wantedness", ErrorCode::Required));
    }
    if !pregnant && ppa.is_some_and(|m| m < 24) && f.get("last_birth_wantedness").is_none() {
        errors.push(FieldError::at("last_birth_wantedness", ErrorCode::Required));
    }
    errors.into_result(DhsInputs {
        pregnancy_wantedness,
        ppa_months_since_birth: ppa,
        last_birth_wantedness,
        desire,
        infecund,
    })
}

/// Validates one record:
/// `{method, acceptor_sex?, reason_not_using?, pregnant?, age_years?, dhs?}`.
fn read_record(
    v: &Value,
    system: MethodSystem,
    pregnant_with_method: PregnantWithMethod,
) -> Result<(KbRecord, bool), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let f = Fields::of(v, &mut errors);
    f.deny_unknown(&RECORD_FIELDS, &mut errors);
    let method = opt_code(
        &f,
        "method",
        |s| Method::from_system(system, s),
        &mut errors,
    );
    if f.get("method").is_none() && matches!(v, Value::Object(_)) {
        errors.push(FieldError::at("method", ErrorCode::Required));
    }
    let acceptor = opt_code(&f, "acceptor_sex", Sex::parse, &mut errors);
    let reason = opt_code(&f, "reason_not_using", NonUseReason::parse, &mut errors);
    let pregnant = opt_bool(&f, "pregnant", &mut errors);
    let _age = opt_int(&f, "age_years", 10, 60, &mut errors);
    let has_dhs = f.get("dhs").is_some();
    let dhs = match f.get("dhs") {
        None => None,
        Some(d @ Value::Object(_)) => match read_dhs(d, pregnant == Some(true)) {
            Ok(x) => Some(x),
            Err(es) => {
                errors.extend_with_outer(es, &PathSegment::Field("dhs"));
                None
            }
        },
        Some(other) => {
            errors.push(invalid_type("dhs", "object", other));
            None
        }
    };
    if let (Some(m), Some(s)) = (method, acceptor) {
        if let Err(e) = m.check_user_sex(s) {
            errors.push(e.with_path(FieldPath::field("method")));
        }
    }
    if let (Some(m), Some(_)) = (method, reason) {
        if m.is_user() {
            errors.push(FieldError::at(
                "reason_not_using",
                ErrorCode::KbReasonWithMethod,
            ));
        }
    }
    match (reason, pregnant) {
        (Some(NonUseReason::Hamil), Some(false)) => {
            errors.push(FieldError::at(
                "reason_not_using",
                ErrorCode::KbReasonPregnantMismatch,
            ));
        }
        (Some(r), Some(true)) if r != NonUseReason::Hamil => {
            errors.push(FieldError::at(
                "reason_not_using",
                ErrorCode::KbReasonPregnantMismatch,
            ));
        }
        _ => {}
    }
    // DOMAIN.md §9.4: pregnant and "using a method" at once.
    let failure = pregnant == Some(true) && method.is_some_and(Method::is_user);
    if failure && pregnant_with_method == PregnantWithMethod::Error {
        errors.push(FieldError::at("method", ErrorCode::KbMethodWhilePregnant));
    }
    match method {
        Some(_) if failure && errors.is_empty() => Ok((
            KbRecord {
                method: Method::None,
                reason: Some(NonUseReason::Hamil),
                pregnant: true,
                dhs,
                method_failure: true,
            },
            has_dhs,
        )),
        Some(method) if errors.is_empty() => Ok((
            KbRecord {
                method,
                reason,
                pregnant: pregnant.unwrap_or(reason == Some(NonUseReason::Hamil)),
                dhs,
                method_failure: false,
            },
            has_dhs,
        )),
        _ => Err(errors),
    }
}

fn read_counts(v: &Value) -> Result<Tally, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let f = Fields::of(v, &mut errors);
    f.deny_unknown(&["pus", "users", "not_using"], &mut errors);
    let pus = opt_int(&f, "pus", 0, 100_000_000, &mut errors);
    if f.get("pus").is_none() && matches!(v, Value::Object(_)) {
        errors.push(FieldError::at("pus", ErrorCode::Required));
    }
    let mut t = Tally::default();
    if let Some(u) = f.get("users") {
        if let Value::Object(map) = u {
            for (k, n) in map {
                let count = n.as_u64().filter(|c| *c <= 100_000_000);
                match (Method::parse(k), count) {
                    (Ok(m), Some(c)) if m.is_user() => {
                        *t.users.entry(m).or_insert(0) += c;
                    }
                    _ => errors.push(
                        FieldError::new(ErrorCode::InvalidCode)
                            .with_path(FieldPath::field("users"))
                            .with_param(
                                "allowed",
                                "a method code (not none) with a whole number 0-100000000",
                            ),
                    ),
                }
            }
        } else {
            errors.push(invalid_type("users", "object", u));
        }
    }
    if let Some(u) = f.get("not_using") {
        let nf = Fields::of(u, &mut ValidationErrors::new());
        if let Value::Object(_) = u {
            let mut ne = ValidationErrors::new();
            nf.deny_unknown(
                &["hamil", "ingin_anak_segera", "iat", "tial", "not_stated"],
                &mut ne,
            );
            for (key, r) in [
                ("hamil", NonUseReason::Hamil),
                ("ingin_anak_segera", NonUseReason::InginAnakSegera),
                ("iat", NonUseReason::Iat),
                ("tial", NonUseReason::Tial),
            ] {
                if let Some(c) = opt_int(&nf, key, 0, 100_000_000, &mut ne) {
                    t.not_using.insert(r, c.unsigned_abs());
                }
            }
            t.not_using_not_stated =
                opt_int(&nf, "not_stated", 0, 100_000_000, &mut ne).map_or(0, i64::unsigned_abs);
            errors.extend_with_outer(ne, &PathSegment::Field("not_using"));
        } else {
            errors.push(invalid_type("not_using", "object", u));
        }
    }
    if let (Some(p), true) = (pus, errors.is_empty()) {
        t.pus = p.unsigned_abs();
        let users = t.users_total();
        let non = t.non_users();
        if users + non != t.pus {
            errors.push(
                FieldError::at("pus", ErrorCode::KbCountsMismatch)
                    .with_param("users", i64::try_from(users).unwrap_or(i64::MAX))
                    .with_param("non_users", i64::try_from(non).unwrap_or(i64::MAX))
                    .with_param("pus", i64::try_from(t.pus).unwrap_or(i64::MAX)),
            );
        }
    }
    errors.into_result(t)
}

/// KB indicators from untyped input. `input` is either
/// `{"records": [{method, acceptor_sex?, reason_not_using?, pregnant?, age_years?, dhs?}, …]}`
/// (one record per PUS / currently married woman) or the Kampung KB portal's
/// aggregate `{"counts": {pus, users: {method: n}, not_using: {hamil, ingin_anak_segera, iat, tial, not_stated?}}}`
/// (users + non-users must equal PUS, the portal's `sum_equal` rule).
/// `options`: `{as_of, locale?, method_codes?: "canonical"|"kampung_kb"|"opensid"|"pk2015"|"kikb",
/// pregnant_with_method?: "error"|"method_failure"}`.
///
/// A record that is `pregnant` and names a method is `kb_method_while_pregnant`
/// (DOMAIN.md §9.4), or with `pregnant_with_method: "method_failure"` a
/// pregnant non-user counted in `pregnant_method_failures`. A key that is
/// not read (e.g. `dhs.desir`) is `unknown_field` at its path (§9.5).
///
/// `dhs` (per record, all or none): `{pregnancy_wantedness?, ppa_months_since_birth?,
/// last_birth_wantedness?, desire?, infecund?}` — see [`classify_need`].
///
/// # Errors
/// Every problem with its path (`["records", 2, "method"]`,
/// `["options", "as_of"]`) and code, e.g. `kb_method_sex_mismatch`,
/// `kb_counts_mismatch`, `kb_dhs_inputs_partial`, `invalid_code`, `out_of_range`.
pub fn kb_indicators_json(
    input: &Value,
    options: &Value,
) -> Result<KbIndicators, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let opts = read_kb_options(options, &mut errors);
    let system = opts.map_or(MethodSystem::Canonical, |o| o.method_codes);
    let policy = opts.map_or(PregnantWithMethod::Error, |o| o.pregnant_with_method);
    let f = Fields::of(input, &mut errors);
    f.deny_unknown(&["records", "counts"], &mut errors);
    let tally = match (f.get("records"), f.get("counts")) {
        (Some(Value::Array(list)), None) => {
            let mut recs = Vec::new();
            let mut with_dhs = Vec::new();
            let mut rec_errors = ValidationErrors::new();
            for (i, r) in list.iter().enumerate() {
                match read_record(r, system, policy) {
                    Ok((rec, has)) => {
                        recs.push(rec);
                        with_dhs.push(has);
                    }
                    Err(es) => {
                        rec_errors.extend_with_outer(es, &idx(i));
                        with_dhs.push(r.get("dhs").is_some_and(|d| !d.is_null()));
                    }
                }
            }
            if with_dhs.iter().any(|b| *b) {
                for (i, has) in with_dhs.iter().enumerate() {
                    if !has {
                        rec_errors.push(
                            FieldError::at("dhs", ErrorCode::KbDhsInputsPartial).with_outer(idx(i)),
                        );
                    }
                }
            }
            under("records", rec_errors, &mut errors);
            Some(Tally::from_records(&recs))
        }
        (Some(other), None) => {
            errors.push(invalid_type("records", "array", other));
            None
        }
        (None, Some(c)) => match read_counts(c) {
            Ok(t) => Some(t),
            Err(es) => {
                under("counts", es, &mut errors);
                None
            }
        },
        (Some(_), Some(_)) => {
            errors.push(
                FieldError::new(ErrorCode::InvalidType)
                    .with_param("expected", "either records or counts")
                    .with_param("received", "both"),
            );
            None
        }
        (None, None) => {
            if matches!(input, Value::Object(_)) {
                errors.push(FieldError::at("records", ErrorCode::Required));
            }
            None
        }
    };
    match tally {
        Some(t) if errors.is_empty() => Ok(t.indicators()),
        _ => Err(errors),
    }
}

fn read_kb_options(options: &Value, errors: &mut ValidationErrors) -> Option<KbOptions> {
    let mut oe = ValidationErrors::new();
    let f = Fields::of(options, &mut oe);
    let (as_of, locale) = common_options(&f, &mut oe);
    f.deny_unknown(
        &["as_of", "locale", "method_codes", "pregnant_with_method"],
        &mut oe,
    );
    let method_codes = opt_code(&f, "method_codes", MethodSystem::parse, &mut oe)
        .unwrap_or(MethodSystem::Canonical);
    let pregnant_with_method = opt_code(
        &f,
        "pregnant_with_method",
        PregnantWithMethod::parse,
        &mut oe,
    )
    .unwrap_or_default();
    let ok = oe.is_empty();
    under("options", oe, errors);
    (ok && as_of.is_some()).then_some(KbOptions {
        method_codes,
        locale,
        pregnant_with_method,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn zero_denominator_is_none_not_zero() {
        let r = Ratio::new(0, 0);
        assert_eq!(r.value, None);
        assert_eq!(Ratio::new(0, 5).value, Some(0.0));
        let t = Tally::default().indicators();
        assert_eq!(t.cpr.value, None);
        assert_eq!(t.mkjp_share.value, None);
        assert!(t.method_mix.values().all(|r| r.value.is_none()));
    }

    #[test]
    fn aggregation_sums_not_averages() {
        let a = Ratio::new(1, 2); // 50 %
        let b = Ratio::new(1, 8); // 12.5 %
        let s = a + b;
        assert_eq!((s.numerator, s.denominator), (2, 10));
        assert_eq!(s.value, Some(20.0)); // not 31.25
    }

    #[test]
    fn merge_equals_pooled() {
        let opts = json!({"as_of": "2025-01-01"});
        let a =
            json!({"records": [{"method": "iud"}, {"method": "none", "reason_not_using": "iat"}]});
        let b = json!({"records": [{"method": "pill"}, {"method": "mop"}, {"method": "traditional"}, {"method": "none", "reason_not_using": "tial"}, {"method": "none"}, {"method": "none", "reason_not_using": "hamil"}]});
        let pooled = json!({"records": [{"method": "iud"}, {"method": "none", "reason_not_using": "iat"}, {"method": "pill"}, {"method": "mop"}, {"method": "traditional"}, {"method": "none", "reason_not_using": "tial"}, {"method": "none"}, {"method": "none", "reason_not_using": "hamil"}]});
        let ia = kb_indicators_json(&a, &opts).unwrap();
        let ib = kb_indicators_json(&b, &opts).unwrap();
        let ip = kb_indicators_json(&pooled, &opts).unwrap();
        assert_eq!(ia.merge(&ib), ip);
        assert_eq!(ip.cpr, Ratio::new(4, 8));
        assert_eq!(ip.mcpr, Ratio::new(3, 8));
        assert_eq!(ip.mkjp_share, Ratio::new(2, 4));
        assert_eq!(ip.unmet_need_proxy, Ratio::new(2, 8));
    }

    #[test]
    fn dhs_classes() {
        let d = |desire| DhsInputs {
            desire: Some(desire),
            ..DhsInputs::default()
        };
        assert_eq!(
            classify_need(true, false, &d(Desire::NoMore)),
            NeedClass::MetLimiting
        );
        assert_eq!(
            classify_need(true, false, &d(Desire::After2Years)),
            NeedClass::MetSpacing
        );
        assert_eq!(
            classify_need(false, false, &d(Desire::After2Years)),
            NeedClass::UnmetSpacing
        );
        assert_eq!(
            classify_need(false, false, &d(Desire::NoMore)),
            NeedClass::UnmetLimiting
        );
        assert_eq!(
            classify_need(false, false, &d(Desire::Within2Years)),
            NeedClass::NoNeed
        );
        assert_eq!(
            classify_need(false, false, &d(Desire::DeclaredInfecund)),
            NeedClass::Infecund
        );
        let preg = DhsInputs {
            pregnancy_wantedness: Some(Wantedness::Later),
            desire: Some(Desire::NoMore),
            ..DhsInputs::default()
        };
        assert_eq!(classify_need(false, true, &preg), NeedClass::UnmetSpacing);
        let ppa = DhsInputs {
            ppa_months_since_birth: Some(23),
            last_birth_wantedness: Some(Wantedness::No),
            ..DhsInputs::default()
        };
        assert_eq!(classify_need(false, false, &ppa), NeedClass::UnmetLimiting);
        let ppa24 = DhsInputs {
            ppa_months_since_birth: Some(24),
            last_birth_wantedness: Some(Wantedness::No),
            desire: Some(Desire::Within2Years),
            ..DhsInputs::default()
        };
        assert_eq!(classify_need(false, false, &ppa24), NeedClass::NoNeed);
        let inf = DhsInputs {
            infecund: true,
            desire: Some(Desire::NoMore),
            ..DhsInputs::default()
        };
        assert_eq!(classify_need(false, false, &inf), NeedClass::Infecund);
    }
}
