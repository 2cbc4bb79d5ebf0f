//! The revised unmet-need classification (v626a; Bradley, Croft, Fishel,
//! Westoff 2012, *Revising Unmet Need for Family Planning*, DHS Analytical
//! Studies 25) as the DHS Program's code derives it from the recode
//! (DOMAIN.md §2.5.1). Two steps:
//!
//! 1. [`derive`]: the recode values become [`Facts`] (pregnant or
//!    postpartum amenorrhoeic for less than 24 months, the infecundity box,
//!    the wantedness, sexual activity, …), following the two DHS programs:
//!    DHSProgram/DHS-Indicators-Stata `Chap07_FP/FP_NEED.do` at commit
//!    `abc636f4` ([`DhsRules::Stata`], default) and
//!    DHSProgram/DHS-Indicators-R `Chap07_FP/FP_Need.R` at commit
//!    `c8a14700` ([`DhsRules::R`]). Line numbers below are those files' lines.
//! 2. [`decide`]: the first rule that applies wins. The register side
//!    ([`crate::kb::indicators::classify_need`]) builds the same [`Facts`]
//!    from already derived inputs and calls the same [`decide`]: one
//!    implementation of the rules.

use super::recode::{Codes, SurveyId};
use crate::error::{ErrorCode, FieldError, Locale};
use crate::kb::indicators::{Desire, DhsInputs, NeedClass, Wantedness};
use serde::Serialize;

/// Which DHS program the derivation follows where the two differ.
///
/// They differ in one rule (DOMAIN.md §2.5.1, "Known divergence"): a woman
/// whose amenorrhoea duration `m6_1` is missing, 97 or 99 and whose last
/// period is "before last birth" (`v215 = 995`) with a birth less than 60
/// months ago is postpartum amenorrhoeic in the Stata (FP_NEED.do line 79)
/// and SPSS code and in Bradley et al. 2012; the R code (FP_Need.R line 85)
/// also requires `v225` (the wantedness of a *current* pregnancy) to be
/// present, so for a woman who is not pregnant the fallback never fires
/// and she is classed as fecund by her fertility preference.
/// Both programs are followed line by line for survey-specific recodes as
/// well (Niger 1992 `NI2` and India 1992-93 `IA2`; see [`derive`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DhsRules {
    /// The DHS Stata/SPSS code and Bradley et al. 2012 (default).
    #[default]
    Stata,
    /// The DHS R code (`FP_Need.R`).
    R,
}

impl DhsRules {
    /// Parses `"stata"` or `"r"` (any case).
    ///
    /// # Errors
    /// `invalid_code` for anything else.
    pub fn parse(s: &str) -> Result<DhsRules, FieldError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "stata" | "spss" => Ok(DhsRules::Stata),
            "r" => Ok(DhsRules::R),
            _ => {
                Err(FieldError::at("rules", ErrorCode::InvalidCode)
                    .with_param("allowed", "stata, r"))
            }
        }
    }

    /// `"stata"` or `"r"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            DhsRules::Stata => "stata",
            DhsRules::R => "r",
        }
    }
}

/// How a woman is in group 2 (pregnant, or postpartum amenorrhoeic with a
/// birth less than 24 months ago).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Group2 {
    Pregnant,
    Amenorrhoea96,
    PeriodBeforeBirth,
    BeforeLastBirth995,
    /// The caller said so (register side).
    Reported,
    /// R code only: whether she is postpartum amenorrhoeic is NA in R
    /// (see [`Reason::UndefinedInRCode`]).
    UndefinedInR,
}

/// Which infecundity box applies (the first in the order of the R code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Infecundity {
    Box1NoBirthMarried5Years,
    Box2Declared,
    Box3MenopausalReason,
    Box4NoPeriod6Months,
    Box5Menopause,
    Box5NeverMenstruated,
    Box6PeriodBeforeBirth,
    /// The caller said so (register side).
    Reported,
}

/// Everything the rules look at, already derived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Facts {
    /// Not currently married, in an ever-married sample (98).
    pub outside_universe: bool,
    /// R code only: whether she is outside the universe is NA.
    pub universe_undefined_in_r: bool,
    pub user: bool,
    /// `v605` as the user rule reads it.
    pub preference: Option<i32>,
    pub group2: Option<Group2>,
    /// Wantedness after the recodes: 1, 2, 3, 9 or missing.
    pub wanted: Option<i32>,
    pub infecund: Option<Infecundity>,
    pub unmarried: bool,
    pub never_had_sex: bool,
    pub sexually_active: bool,
    /// `v605` as the fecund rules read it (after the Lesotho 2009 recode).
    pub fecund_preference: Option<i32>,
    /// A survey-specific answer that counts as "wants within 2 years".
    pub wants_soon_survey_code: bool,
}

/// The rule that decided a woman's class (for auditing), with the DHS code
/// lines it follows. Codes are stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// 98: not currently married in an ever-married sample (`v020 = 1`, a
    /// DHS-II survey or one of MA4, TR2, CI3 1994, HT3, IA5, NP5).
    /// FP_NEED.do 54-56; FP_Need.R 209-211.
    EverMarriedSample,
    /// 4: using a method (`v312 ≠ 0`) and wants no more, sterilised or
    /// declared infecund (`v605` 5-7). FP_NEED.do 60; FP_Need.R 62.
    UserLimiting,
    /// 3: any other user. FP_NEED.do 62; FP_Need.R 64.
    UserSpacing,
    /// Pregnant (`v213 = 1`); class by the wantedness of the pregnancy
    /// (`v225`): then 7, later 1, not at all 2, missing 99.
    /// FP_NEED.do 74, 81, 85-99; FP_Need.R 80, 87, 90-108.
    Pregnant,
    /// Postpartum amenorrhoeic, `m6_1 = 96` (period not returned), last
    /// birth < 24 months ago; class by the wantedness of the last birth
    /// (`m10_1`). FP_NEED.do 74, 81; FP_Need.R 80, 87.
    PpaPeriodNotReturned,
    /// Postpartum amenorrhoeic because `m6_1` is missing, 97 or 99 and the
    /// last period (`v215` in months) is longer ago than the last birth
    /// (`v222` < 60). FP_NEED.do 77; FP_Need.R 83.
    PpaPeriodBeforeBirth,
    /// Postpartum amenorrhoeic because `m6_1` is missing, 97 or 99 and the
    /// last period is "before last birth" (`v215 = 995`), birth < 60 months
    /// ago: the Stata fallback (FP_NEED.do 79; in FP_Need.R 85 only when
    /// `v225` is present).
    PpaBeforeLastBirth995,
    /// Postpartum amenorrhoeic with a birth < 24 months ago, as given by the
    /// caller (register inputs, [`crate::kb::indicators::DhsInputs`]).
    PpaReported,
    /// 9, box 1: currently married 5+ years (`v512`), no birth in 5 years,
    /// never used a method (`v302a = 0`, DHS phases 6-8).
    /// FP_NEED.do 105-111; FP_Need.R 114-123.
    InfecundBox1,
    /// 9, box 2: declared infecund (`v605 = 7`). FP_NEED.do 115; FP_Need.R 127.
    InfecundBox2,
    /// 9, box 3: menopausal/hysterectomy as reason for not using
    /// (`v3a08d = 1`, phases 4-8). FP_NEED.do 120; FP_Need.R 132.
    InfecundBox3,
    /// 9, box 4: last period 6+ months ago and not postpartum amenorrhoeic.
    /// FP_NEED.do 149; FP_Need.R 153.
    InfecundBox4,
    /// 9, box 5: menopausal/hysterectomy on `v215` (994, or 993 outside
    /// TR3/UG3/YE2). FP_NEED.do 153-155; FP_Need.R 157-159.
    InfecundBox5Menopause,
    /// 9, box 5: never menstruated (`v215 = 996`) and no birth in 5 years.
    /// FP_NEED.do 157; FP_Need.R 161.
    InfecundBox5NeverMenstruated,
    /// 9, box 6: last period before last birth (`v215 = 995`) with the last
    /// birth 60+ months ago or no birth. FP_NEED.do 161-163; FP_Need.R 165-167.
    InfecundBox6,
    /// 9: infecund as given by the caller (register inputs).
    InfecundReported,
    /// 0: not currently married and never had sex (`v525 = 0`).
    /// FP_NEED.do 176; FP_Need.R 186.
    NeverHadSex,
    /// 8: not currently married and no sex in the last 30 days (`v528` not
    /// 0-30 or 95). FP_NEED.do 172-178; FP_Need.R 179, 188.
    NotSexuallyActive,
    /// 7: fecund, wants a child within 2 years (`v605 = 1`; India 1992-93
    /// and 1998-99 codes). FP_NEED.do 182-185; FP_Need.R 192-196.
    WantsWithin2Years,
    /// 1: fecund, wants to wait 2+ years, unsure when, or undecided
    /// (`v605` 2-4). FP_NEED.do 188-189; FP_Need.R 198.
    WantsLater,
    /// 2: fecund, wants no more (`v605 = 5`). FP_NEED.do 191; FP_Need.R 200.
    WantsNoMore,
    /// 99: fecund but no usable fertility preference. FP_NEED.do 192; FP_Need.R 202.
    PreferenceMissing,
    /// 99: an impossible value (see the errors table); no rule was applied.
    InvalidInput,
    /// 99 under `rules = "r"` only: the R code's result is NA, in two
    /// situations. (a) She is not pregnant, `v225` is given nonetheless,
    /// `v215` is missing, `m6_1` is missing, 97 or 99 and her last birth was
    /// < 24 months ago: R's `v215==995` on a missing `v215` is NA
    /// (FP_Need.R 85), which makes her PPA status, and then her class, NA
    /// (unless box 2 or 3 makes her infecund). (b) She is not currently
    /// married and `v020` is missing (or `v007` in CI3): R's ever-married
    /// sample test is NA (FP_Need.R 209). The Stata code reads a missing
    /// value in these tests as "no".
    UndefinedInRCode,
}

impl Reason {
    /// Every reason, in rule order.
    pub const ALL: [Reason; 24] = [
        Reason::EverMarriedSample,
        Reason::UserLimiting,
        Reason::UserSpacing,
        Reason::Pregnant,
        Reason::PpaPeriodNotReturned,
        Reason::PpaPeriodBeforeBirth,
        Reason::PpaBeforeLastBirth995,
        Reason::PpaReported,
        Reason::InfecundBox1,
        Reason::InfecundBox2,
        Reason::InfecundBox3,
        Reason::InfecundBox4,
        Reason::InfecundBox5Menopause,
        Reason::InfecundBox5NeverMenstruated,
        Reason::InfecundBox6,
        Reason::InfecundReported,
        Reason::NeverHadSex,
        Reason::NotSexuallyActive,
        Reason::WantsWithin2Years,
        Reason::WantsLater,
        Reason::WantsNoMore,
        Reason::PreferenceMissing,
        Reason::InvalidInput,
        Reason::UndefinedInRCode,
    ];

    /// The stable snake_case code, e.g. `"ppa_period_before_birth"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Reason::EverMarriedSample => "ever_married_sample",
            Reason::UserLimiting => "user_limiting",
            Reason::UserSpacing => "user_spacing",
            Reason::Pregnant => "pregnant",
            Reason::PpaPeriodNotReturned => "ppa_period_not_returned",
            Reason::PpaPeriodBeforeBirth => "ppa_period_before_birth",
            Reason::PpaBeforeLastBirth995 => "ppa_before_last_birth_995",
            Reason::PpaReported => "ppa_reported",
            Reason::InfecundBox1 => "infecund_box1",
            Reason::InfecundBox2 => "infecund_box2",
            Reason::InfecundBox3 => "infecund_box3",
            Reason::InfecundBox4 => "infecund_box4",
            Reason::InfecundBox5Menopause => "infecund_box5_menopause",
            Reason::InfecundBox5NeverMenstruated => "infecund_box5_never_menstruated",
            Reason::InfecundBox6 => "infecund_box6",
            Reason::InfecundReported => "infecund_reported",
            Reason::NeverHadSex => "never_had_sex",
            Reason::NotSexuallyActive => "not_sexually_active",
            Reason::WantsWithin2Years => "wants_within_2_years",
            Reason::WantsLater => "wants_later",
            Reason::WantsNoMore => "wants_no_more",
            Reason::PreferenceMissing => "preference_missing",
            Reason::InvalidInput => "invalid_input",
            Reason::UndefinedInRCode => "undefined_in_r_code",
        }
    }

    /// A one-line explanation in `locale`.
    pub const fn describe(self, locale: Locale) -> &'static str {
        let (id, en) = match self {
            Reason::EverMarriedSample => ("Tidak berstatus kawin dalam survei sampel pernah kawin", "Not currently married in an ever-married sample"),
            Reason::UserLimiting => ("Memakai alat/cara KB; tidak ingin anak lagi, steril atau menyatakan tidak subur", "Uses a method; wants no more, sterilised or declared infecund"),
            Reason::UserSpacing => ("Memakai alat/cara KB (untuk menjarangkan)", "Uses a method (for spacing)"),
            Reason::Pregnant => ("Hamil; menurut keinginan atas kehamilan ini", "Pregnant; by the wantedness of this pregnancy"),
            Reason::PpaPeriodNotReturned => ("Amenore pascapersalinan (haid belum kembali), kelahiran < 24 bulan; menurut keinginan atas kelahiran terakhir", "Postpartum amenorrhoeic (period not returned), birth < 24 months ago; by the wantedness of the last birth"),
            Reason::PpaPeriodBeforeBirth => ("Amenore pascapersalinan: haid terakhir sebelum kelahiran terakhir (< 24 bulan)", "Postpartum amenorrhoeic: last period before the last birth (< 24 months ago)"),
            Reason::PpaBeforeLastBirth995 => ("Amenore pascapersalinan: haid terakhir dilaporkan \"sebelum kelahiran terakhir\" (995)", "Postpartum amenorrhoeic: last period reported \"before last birth\" (995)"),
            Reason::PpaReported => ("Amenore pascapersalinan < 24 bulan (data masukan)", "Postpartum amenorrhoeic < 24 months (as given)"),
            Reason::InfecundBox1 => ("Tidak subur: kawin 5+ tahun, tanpa kelahiran 5 tahun terakhir, tidak pernah ber-KB", "Infecund: married 5+ years, no birth in 5 years, never used a method"),
            Reason::InfecundBox2 => ("Tidak subur: menyatakan tidak dapat hamil", "Infecund: declared infecund"),
            Reason::InfecundBox3 => ("Tidak subur: menopause/histerektomi sebagai alasan tidak ber-KB", "Infecund: menopausal/hysterectomy as reason for not using"),
            Reason::InfecundBox4 => ("Tidak subur: haid terakhir 6 bulan lalu atau lebih, bukan amenore pascapersalinan", "Infecund: last period 6+ months ago, not postpartum amenorrhoeic"),
            Reason::InfecundBox5Menopause => ("Tidak subur: menopause/histerektomi", "Infecund: menopausal/hysterectomy"),
            Reason::InfecundBox5NeverMenstruated => ("Tidak subur: tidak pernah haid dan tanpa kelahiran 5 tahun terakhir", "Infecund: never menstruated, no birth in 5 years"),
            Reason::InfecundBox6 => ("Tidak subur: haid terakhir sebelum kelahiran terakhir, kelahiran 5+ tahun lalu atau tidak ada", "Infecund: last period before the last birth, birth 5+ years ago or none"),
            Reason::InfecundReported => ("Tidak subur (data masukan)", "Infecund (as given)"),
            Reason::NeverHadSex => ("Tidak kawin dan belum pernah berhubungan seks", "Not married, never had sex"),
            Reason::NotSexuallyActive => ("Tidak kawin dan tidak berhubungan seks 30 hari terakhir", "Not married, no sex in the last 30 days"),
            Reason::WantsWithin2Years => ("Subur; ingin anak dalam 2 tahun", "Fecund; wants a child within 2 years"),
            Reason::WantsLater => ("Subur; ingin menunda 2+ tahun atau belum memutuskan", "Fecund; wants to wait 2+ years or undecided"),
            Reason::WantsNoMore => ("Subur; tidak ingin anak lagi", "Fecund; wants no more children"),
            Reason::PreferenceMissing => ("Subur; keinginan punya anak tidak diketahui", "Fecund; fertility preference missing"),
            Reason::InvalidInput => ("Nilai tidak mungkin (lihat tabel galat)", "Impossible value (see the errors table)"),
            Reason::UndefinedInRCode => ("Tidak terdefinisi dalam kode R DHS (v215 kosong, v225 terisi tanpa hamil)", "Undefined (NA) in the DHS R code (v215 missing, v225 given while not pregnant)"),
        };
        match locale {
            Locale::Id => id,
            Locale::En => en,
        }
    }
}

/// `tsincep`: months since the last period from `v215` (FP_NEED.do 69-72;
/// FP_Need.R 73-77): days `trunc((v215-100)/30)`, weeks `trunc((v215-200)/4.3)`,
/// months `v215-300`, years `(v215-400)*12`; other codes give none.
pub(crate) fn months_since_period(v215: Option<i32>) -> Option<i32> {
    let v = v215?;
    match v {
        100..=190 => Some((v - 100) / 30),
        // Double-precision division then truncation toward zero (the cast),
        // as R's trunc() and Stata's int() do (43/4.3 is 10, not 9.999…).
        #[allow(clippy::cast_possible_truncation)]
        200..=290 => Some((f64::from(v - 200) / 4.3) as i32),
        300..=390 => Some(v - 300),
        400..=490 => Some((v - 400) * 12),
        _ => None,
    }
}

/// `a < b` where a missing `a` is false (both programs guard it).
fn lt(a: Option<i32>, b: i32) -> bool {
    a.is_some_and(|a| a < b)
}

/// The recode of one woman turned into [`Facts`] (step 1).
///
/// Where the programs differ beyond the documented fallback, each is
/// followed as written: Niger 1992 (`NI2`) turns wantedness 4 into 1 before
/// the last-birth substitution in Stata (FP_NEED.do 87) and after it in R
/// (FP_Need.R 92); India 1992-93 (`IA2`) counts `v605 = 6` as wanting soon
/// in R (FP_Need.R 195), while Stata reads `v602` there (line 185), a column
/// kampung does not take, so that line is not applied.
///
/// A missing `v312` is a non-user under both rule sets, as in the R code
/// and the SPSS code; the Stata code, which orders a missing value above
/// every number, would count her as a user (FP_NEED.do 60-62).
#[inline]
pub(crate) fn derive(s: &SurveyId, c: &Codes, rules: DhsRules) -> Facts {
    let s = s.flags();
    let tsinceb = c.v222;
    let tsincep = months_since_period(c.v215);
    let pregnant = c.v213 == Some(1);
    let m6_missing = matches!(c.m6_1, None | Some(97 | 99));
    let ppa = if pregnant {
        Some(Group2::Pregnant)
    } else if c.m6_1 == Some(96) {
        Some(Group2::Amenorrhoea96)
    } else if m6_missing && matches!((tsincep, tsinceb), (Some(p), Some(b)) if p > b && b < 60) {
        Some(Group2::PeriodBeforeBirth)
    } else if m6_missing
        && c.v215 == Some(995)
        && lt(tsinceb, 60)
        && (rules == DhsRules::Stata || c.v225.is_some())
    {
        Some(Group2::BeforeLastBirth995)
    } else if rules == DhsRules::R
        && m6_missing
        && c.v215.is_none()
        && c.v225.is_some()
        && lt(tsinceb, 60)
    {
        // R: `v215==995` is NA here, so `pregPPA` is NA (FP_Need.R 85).
        Some(Group2::UndefinedInR)
    } else {
        None
    };
    let group2 = match ppa {
        Some(Group2::Pregnant) => ppa,
        Some(_) if lt(tsinceb, 24) => ppa,
        _ => None,
    };
    // An NA `pregPPA` with the birth 24+ months ago is FALSE in `pregPPA24`
    // and, for box 4, `!pregPPA` is only read when `v215` gives months,
    // which it does not here: she is simply not PPA.
    let ppa = ppa.filter(|g| *g != Group2::UndefinedInR || group2.is_some());
    let wanted = wantedness(s.ni2, c, pregnant, rules);
    let no_birth_5y = tsinceb.is_none_or(|b| b > 59);
    let infecund = if c.v502 == Some(1)
        && c.v512.is_some_and(|y| y >= 5)
        && no_birth_5y
        && c.v302a == Some(0)
        && group2.is_none()
        && s.reads_v302a
    {
        Some(Infecundity::Box1NoBirthMarried5Years)
    } else if c.v605 == Some(7) {
        Some(Infecundity::Box2Declared)
    } else if c.v3a08d == Some(1) && s.reads_v3a08d {
        Some(Infecundity::Box3MenopausalReason)
    } else if tsincep.is_some_and(|p| p >= 6) && ppa.is_none() {
        Some(Infecundity::Box4NoPeriod6Months)
    } else if c.v215 == Some(994) || (c.v215 == Some(993) && s.hysterectomy_993) {
        Some(Infecundity::Box5Menopause)
    } else if c.v215 == Some(996) && no_birth_5y {
        Some(Infecundity::Box5NeverMenstruated)
    } else if c.v215 == Some(995) && tsinceb.is_none_or(|b| b >= 60) {
        Some(Infecundity::Box6PeriodBeforeBirth)
    } else {
        None
    };
    let unmarried = c.v502 != Some(1);
    let fecund_preference = match c.v605 {
        None if s.ls5 => Some(4),
        other => other,
    };
    let ci3 = s.ci3;
    let outside_universe =
        unmarried && (c.v020 == Some(1) || s.married_only || (ci3 && c.v007 == Some(94)));
    Facts {
        outside_universe,
        // R: `v020==1 | … | (v000=="CI3" & v007==94)` is NA when no term is
        // TRUE and one is NA (FP_Need.R 209-211).
        universe_undefined_in_r: rules == DhsRules::R
            && unmarried
            && !outside_universe
            && (c.v020.is_none() || (ci3 && c.v007.is_none())),
        user: c.v312.is_some_and(|m| m != 0),
        preference: c.v605,
        group2,
        wanted,
        infecund,
        unmarried,
        never_had_sex: c.v525 == Some(0),
        sexually_active: c.v528.is_some_and(|d| (0..=30).contains(&d) || d == 95),
        fecund_preference,
        wants_soon_survey_code: (c.v605 == Some(9) && s.ia3)
            || (rules == DhsRules::R && c.v605 == Some(6) && s.ia2),
    }
}

/// `wantedlast` (FP_NEED.do 85-91; FP_Need.R 90-94): the current
/// pregnancy's wantedness, else (missing or 9, not pregnant) the last
/// birth's; codes 4 and 8 become 2 (Niger 1992: 4 becomes 1 first).
fn wantedness(niger: bool, c: &Codes, pregnant: bool, rules: DhsRules) -> Option<i32> {
    let mut w = c.v225;
    if rules == DhsRules::Stata && niger && w == Some(4) {
        w = Some(1);
    }
    if matches!(w, None | Some(9)) && !pregnant {
        w = c.m10_1;
    }
    if rules == DhsRules::R && niger && w == Some(4) {
        w = Some(1);
    }
    match w {
        Some(4 | 8) => Some(2),
        other => other,
    }
}

impl Facts {
    /// The facts of one currently married woman of a register whose
    /// pregnancy, amenorrhoea and infecundity the caller has derived
    /// ([`crate::kb::indicators::classify_need`]).
    pub(crate) fn from_inputs(user: bool, pregnant: bool, dhs: &DhsInputs) -> Facts {
        let group2 = if pregnant {
            Some(Group2::Pregnant)
        } else if dhs.ppa_months_since_birth.is_some_and(|m| m < 24) {
            Some(Group2::Reported)
        } else {
            None
        };
        let w = if pregnant {
            dhs.pregnancy_wantedness
        } else {
            dhs.last_birth_wantedness
        };
        let preference = dhs.desire.map(Desire::code);
        Facts {
            outside_universe: false,
            universe_undefined_in_r: false,
            user,
            preference,
            group2,
            wanted: w.map(Wantedness::code),
            infecund: if dhs.desire == Some(Desire::DeclaredInfecund) {
                Some(Infecundity::Box2Declared)
            } else if dhs.infecund {
                Some(Infecundity::Reported)
            } else {
                None
            },
            unmarried: false,
            never_had_sex: false,
            sexually_active: true,
            fecund_preference: preference,
            wants_soon_survey_code: false,
        }
    }
}

/// The class and the rule that decided it (step 2): the first rule that
/// applies wins (DOMAIN.md §2.5.1, order of FP_NEED.do).
#[inline]
pub(crate) fn decide(f: &Facts) -> (NeedClass, Reason) {
    if f.outside_universe {
        return (NeedClass::EverMarriedSample, Reason::EverMarriedSample);
    }
    if f.universe_undefined_in_r {
        return (NeedClass::Undetermined, Reason::UndefinedInRCode);
    }
    if f.user {
        return if matches!(f.preference, Some(5..=7)) {
            (NeedClass::MetLimiting, Reason::UserLimiting)
        } else {
            (NeedClass::MetSpacing, Reason::UserSpacing)
        };
    }
    if let Some(g) = f.group2 {
        if g == Group2::UndefinedInR {
            // R: `pregPPA24` is NA, so v626a stays NA unless box 2 or 3
            // (checked before the NA box 6 in R's nested ifelse) gives 9.
            return match f.infecund {
                Some(Infecundity::Box2Declared) => (NeedClass::Infecund, Reason::InfecundBox2),
                Some(Infecundity::Box3MenopausalReason) => {
                    (NeedClass::Infecund, Reason::InfecundBox3)
                }
                _ => (NeedClass::Undetermined, Reason::UndefinedInRCode),
            };
        }
        let reason = match g {
            Group2::Pregnant => Reason::Pregnant,
            Group2::Amenorrhoea96 => Reason::PpaPeriodNotReturned,
            Group2::PeriodBeforeBirth => Reason::PpaPeriodBeforeBirth,
            Group2::BeforeLastBirth995 => Reason::PpaBeforeLastBirth995,
            Group2::Reported => Reason::PpaReported,
            Group2::UndefinedInR => Reason::UndefinedInRCode,
        };
        let class = match f.wanted {
            Some(1) => NeedClass::NoNeed,
            Some(2) => NeedClass::UnmetSpacing,
            Some(3) => NeedClass::UnmetLimiting,
            // Missing or 9 (the only other codes left after validation
            // and the 4/8 recode).
            _ => NeedClass::Undetermined,
        };
        return (class, reason);
    }
    if let Some(b) = f.infecund {
        let reason = match b {
            Infecundity::Box1NoBirthMarried5Years => Reason::InfecundBox1,
            Infecundity::Box2Declared => Reason::InfecundBox2,
            Infecundity::Box3MenopausalReason => Reason::InfecundBox3,
            Infecundity::Box4NoPeriod6Months => Reason::InfecundBox4,
            Infecundity::Box5Menopause => Reason::InfecundBox5Menopause,
            Infecundity::Box5NeverMenstruated => Reason::InfecundBox5NeverMenstruated,
            Infecundity::Box6PeriodBeforeBirth => Reason::InfecundBox6,
            Infecundity::Reported => Reason::InfecundReported,
        };
        return (NeedClass::Infecund, reason);
    }
    if f.unmarried && f.never_had_sex {
        return (NeedClass::NeverHadSex, Reason::NeverHadSex);
    }
    if f.unmarried && !f.sexually_active {
        return (NeedClass::NotSexuallyActive, Reason::NotSexuallyActive);
    }
    if f.fecund_preference == Some(1) || f.wants_soon_survey_code {
        return (NeedClass::NoNeed, Reason::WantsWithin2Years);
    }
    match f.fecund_preference {
        Some(2..=4) => (NeedClass::UnmetSpacing, Reason::WantsLater),
        Some(5) => (NeedClass::UnmetLimiting, Reason::WantsNoMore),
        _ => (NeedClass::Undetermined, Reason::PreferenceMissing),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_conversion_is_double_precision() {
        // 243: 43 weeks / 4.3 = 10 months exactly in double precision.
        assert_eq!(months_since_period(Some(243)), Some(10));
        assert_eq!(months_since_period(Some(225)), Some(5));
        assert_eq!(months_since_period(Some(226)), Some(6));
        assert_eq!(months_since_period(Some(279)), Some(18));
        assert_eq!(months_since_period(Some(290)), Some(20));
        assert_eq!(months_since_period(Some(291)), None);
        assert_eq!(months_since_period(Some(100)), Some(0));
        assert_eq!(months_since_period(Some(179)), Some(2));
        assert_eq!(months_since_period(Some(180)), Some(2));
        assert_eq!(months_since_period(Some(190)), Some(3));
        assert_eq!(months_since_period(Some(199)), None);
        assert_eq!(months_since_period(Some(306)), Some(6));
        assert_eq!(months_since_period(Some(390)), Some(90));
        assert_eq!(months_since_period(Some(401)), Some(12));
        assert_eq!(months_since_period(Some(490)), Some(1080));
        assert_eq!(months_since_period(Some(995)), None);
        assert_eq!(months_since_period(None), None);
        // Every weeks code agrees with a decimal computation of n / 4.3
        // except where double rounding lands exactly on an integer.
        for n in 0..=90 {
            let exact = (n * 10) / 43; // floor(n / 4.3) in exact arithmetic
            let got = months_since_period(Some(200 + n)).unwrap();
            assert!(got == exact || (n * 10) % 43 == 0, "{n}");
        }
    }

    #[test]
    fn reason_codes_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for r in Reason::ALL {
            seen.insert(r.as_str());
            assert!(!r.describe(Locale::Id).is_empty());
        }
        assert_eq!(seen.len(), Reason::ALL.len());
        assert_eq!(DhsRules::parse("R").unwrap(), DhsRules::R);
        assert!(DhsRules::parse("sas").is_err());
    }
}
