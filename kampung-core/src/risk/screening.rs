//! Screening of *calon pengantin* (catin) and *ibu hamil* (Elsimil-style,
//! DOMAIN.md §4) as versioned rule sets. No official Elsimil scoring table
//! was found (DOMAIN.md Uncertain 2); every threshold below carries its
//! source, intervals state their closure as data (PRIOR_ART.md D-18), IMT is
//! kg / m² (not PHP's `^`, D-1), Hb is a decimal (D-14), and pregnancy IMT
//! uses the pre-pregnancy weight, never the current one (D-17).
//!
//! Result: `"berisiko"` when at least one reason fired, else `"ideal"`
//! (DOMAIN.md §4.3); rules that could not be applied are listed in
//! `not_assessed`.

use crate::error::{ErrorCode, FieldError, Locale, ValidationErrors};
use crate::family::completed_years;
use crate::input::Fields;
use crate::kb::pus::{
    completed_months, TerlaluBanyak, TerlaluTua, TERLALU_DEKAT_BELOW_MONTHS,
    TERLALU_MUDA_BELOW_YEARS,
};
use crate::kb::read::{
    common_options, opt_bool, opt_code, opt_date_not_after, opt_int, opt_number, under,
};
use crate::risk::krs::Reason;
use crate::sex::Sex;
use chrono::{Duration, NaiveDate};
use serde::Serialize;
use serde_json::Value;

pub use crate::interval::{Bound, Interval};

/// `(value, inclusive)` ends, `None` for unbounded.
const fn end(e: Option<(f64, bool)>) -> Bound {
    match e {
        None => Bound::Unbounded,
        Some((v, true)) => Bound::Closed(v),
        Some((v, false)) => Bound::Open(v),
    }
}

const fn iv(lo: Option<(f64, bool)>, hi: Option<(f64, bool)>) -> Interval {
    Interval {
        lower: end(lo),
        upper: end(hi),
    }
}

/// A labelled band.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Band {
    /// Stable code.
    pub code: &'static str,
    /// The values in the band.
    pub interval: Interval,
}

/// Indonesian adult IMT bands (Depkes 2003, DOMAIN.md §4.2, **\[C\]**
/// scribd "Imt", **\[B\]** UGM FK-KMK): < 17.0 *kurus berat*; 17.0–18.4
/// *kurus ringan*; 18.5–25.0 *normal*; 25.1–27.0 *gemuk ringan*; > 27.0
/// *gemuk berat*. The published one-decimal bands leave gaps (25.0–25.1);
/// here they are closed as `(-∞,17)`, `[17,18.5)`, `[18.5,25]`, `(25,27]`,
/// `(27,∞)`: DOMAIN.md §9.5, a value in a printed gap (25.05) falls in the
/// band whose explicitly closed interval contains it, as §3.3 closes
/// "normal" on both sides; no value is without a band.
pub const IMT_BANDS: [Band; 5] = [
    Band {
        code: "kurus_berat",
        interval: iv(None, Some((17.0, false))),
    },
    Band {
        code: "kurus_ringan",
        interval: iv(Some((17.0, true)), Some((18.5, false))),
    },
    Band {
        code: "normal",
        interval: iv(Some((18.5, true)), Some((25.0, true))),
    },
    Band {
        code: "gemuk_ringan",
        interval: iv(Some((25.0, false)), Some((27.0, true))),
    },
    Band {
        code: "gemuk_berat",
        interval: iv(Some((27.0, false)), None),
    },
];

/// WHO anaemia grades, non-pregnant women ≥ 15 y (DOMAIN.md §4.2,
/// **[A-derived]** WHO/NMH/NHD/MNM/11.1): severe < 8, moderate 8–10.9,
/// mild 11–11.9, none ≥ 12 g/dL.
pub const ANAEMIA_NON_PREGNANT: [Band; 4] = [
    Band {
        code: "severe",
        interval: iv(None, Some((8.0, false))),
    },
    Band {
        code: "moderate",
        interval: iv(Some((8.0, true)), Some((11.0, false))),
    },
    Band {
        code: "mild",
        interval: iv(Some((11.0, true)), Some((12.0, false))),
    },
    Band {
        code: "none",
        interval: iv(Some((12.0, true)), None),
    },
];

/// WHO anaemia grades, pregnant women (same source): severe < 7, moderate
/// 7–9.9, mild 10–10.9, none ≥ 11 g/dL.
pub const ANAEMIA_PREGNANT: [Band; 4] = [
    Band {
        code: "severe",
        interval: iv(None, Some((7.0, false))),
    },
    Band {
        code: "moderate",
        interval: iv(Some((7.0, true)), Some((10.0, false))),
    },
    Band {
        code: "mild",
        interval: iv(Some((10.0, true)), Some((11.0, false))),
    },
    Band {
        code: "none",
        interval: iv(Some((11.0, true)), None),
    },
];

/// WHO anaemia grades, men ≥ 15 y (DOMAIN.md §9.3, WHO *Haemoglobin
/// concentrations for the diagnosis of anaemia*, WHO/NMH/NHD/MNM/11.1,
/// 2011): severe < 8.0, moderate 8.0–10.9, mild 11.0–12.9, none ≥ 13.0 g/dL.
/// Used for a groom's Hb whatever the `hb_rule` (the BKKBN thresholds are
/// stated for women).
pub const ANAEMIA_MEN: [Band; 4] = [
    Band {
        code: "severe",
        interval: iv(None, Some((8.0, false))),
    },
    Band {
        code: "moderate",
        interval: iv(Some((8.0, true)), Some((11.0, false))),
    },
    Band {
        code: "mild",
        interval: iv(Some((11.0, true)), Some((13.0, false))),
    },
    Band {
        code: "none",
        interval: iv(Some((13.0, true)), None),
    },
];

/// WHO 2024 anaemia grades, pregnant women in the **second trimester**
/// (DOMAIN.md §9.5: "the WHO 2024 guideline (second trimester below 10.5
/// g/dL) is a selectable rule set"; WHO, *Guideline on haemoglobin cutoffs
/// to define anaemia in individuals and populations*, 4 March 2024):
/// severe < 7.0, moderate 7.0–9.4, mild 9.5–10.4, none ≥ 10.5 g/dL. The
/// first and third trimesters keep [`ANAEMIA_PREGNANT`] (< 11.0).
pub const ANAEMIA_PREGNANT_T2_WHO_2024: [Band; 4] = [
    Band {
        code: "severe",
        interval: iv(None, Some((7.0, false))),
    },
    Band {
        code: "moderate",
        interval: iv(Some((7.0, true)), Some((9.5, false))),
    },
    Band {
        code: "mild",
        interval: iv(Some((9.5, true)), Some((10.5, false))),
    },
    Band {
        code: "none",
        interval: iv(Some((10.5, true)), None),
    },
];

/// The second trimester in completed weeks of gestation, `[14, 27]`, for
/// the WHO 2024 rule set. DERIVED: the common obstetric convention (first
/// trimester to 13 weeks 6 days, third from 28 weeks); DOMAIN.md does not
/// state the weeks.
pub const SECOND_TRIMESTER_WEEKS: (i64, i64) = (14, 27);

/// LILA below this is KEK (*kurang energi kronis*): 23.5 cm (DOMAIN.md
/// §4.2, **\[B\]** Kepala BKKBN; §3.6 **\[C\]**), interval `(-∞, 23.5)`.
pub const LILA_KEK_BELOW_CM: f64 = 23.5;
/// IMT below this is a risk (*kurus*, both bands): 18.5 (the lower end of
/// the Depkes *normal* band). DERIVED: no Elsimil IMT cut-off was found.
pub const IMT_RISK_BELOW: f64 = 18.5;
/// Height below this is a risk: 145 cm. Source: the Elsimil-style checks
/// listed in PRIOR_ART.md §4 item 3; DOMAIN.md cites **no** official
/// source (Uncertain 2). On by default; `short_stature: false` disables it.
pub const SHORT_STATURE_BELOW_CM: f64 = 145.0;

fn band_of(bands: &[Band], x: f64) -> &'static str {
    bands
        .iter()
        .find(|b| b.interval.contains(x))
        .map_or("none", |b| b.code)
}

/// IMT = weight (kg) / height (m)² — a real square (PRIOR_ART.md D-1).
pub fn imt(weight_kg: f64, height_cm: f64) -> f64 {
    let m = height_cm / 100.0;
    weight_kg / (m * m)
}

/// Which Hb threshold makes a woman *berisiko* (a man: always WHO's
/// < 13 g/dL, DOMAIN.md §9.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum HbRule {
    /// Default: WHO 2011 anaemia (any grade): < 12 g/dL non-pregnant, < 11
    /// pregnant (WHO/NMH/NHD/MNM/11.1; DOMAIN.md §9.5 "WHO 2011 … is the default").
    #[default]
    Who,
    /// WHO 2024 (*Guideline on haemoglobin cutoffs to define anaemia*, 4
    /// March 2024): as [`HbRule::Who`], except < 10.5 g/dL in the second
    /// trimester of pregnancy ([`SECOND_TRIMESTER_WEEKS`]); DOMAIN.md §9.5.
    #[serde(rename = "who_2024")]
    Who2024,
    /// < 11 g/dL (Kepala BKKBN, DOMAIN.md §4.2 **\[B\]**).
    #[serde(rename = "bkkbn_11")]
    Bkkbn11,
    /// < 11.5 g/dL (Kepala BKKBN; BKKBN Sumut, DOMAIN.md §4.2 **\[B\]**).
    #[serde(rename = "bkkbn_11_5")]
    Bkkbn11_5,
}

/// Which age rule applies to catin.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AgeRule {
    /// Default: the 4T ages for the woman (< 20 *terlalu muda*, DOMAIN.md
    /// §1.3; *terlalu tua* per option). Men: no age rule.
    #[default]
    #[serde(rename = "4t")]
    FourT,
    /// BKKBN recommended marriage age: women < 21, men < 25 are *berisiko*
    /// (DOMAIN.md §4.2, **\[B\]** republika). Women's *terlalu tua* still applies.
    BkkbnMarriageAge,
}

/// A screening rule set (named, versioned, replaceable).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ScreeningRuleSet {
    /// `"catin"` or `"ibu_hamil"`.
    pub name: &'static str,
    /// Version of the defaults.
    pub version: &'static str,
    /// Hb rule.
    pub hb_rule: HbRule,
    /// Age rule (catin).
    pub age_rule: AgeRule,
    /// "Terlalu tua" band. Default here is **over 35**: for a pregnancy,
    /// Kepala BKKBN says "avoid childbirth > 35" and Cimahi's 4T for
    /// pregnant women says *di atas 35 tahun* (DOMAIN.md §1.3, §4.2, **\[B\]**);
    /// the 35–40 band of the family-level KRS text is one option away.
    pub terlalu_tua: TerlaluTua,
    /// "Terlalu banyak" (ibu hamil), applied to the births **including
    /// this pregnancy** (DOMAIN.md §9.5: parity 3 plus this pregnancy is
    /// the 4th child, so it is flagged).
    pub terlalu_banyak: TerlaluBanyak,
    /// Apply the height < 145 cm rule.
    pub short_stature: bool,
}

impl ScreeningRuleSet {
    /// The default catin rule set.
    pub const fn catin() -> Self {
        ScreeningRuleSet {
            name: "catin",
            version: "2026-01",
            hb_rule: HbRule::Who,
            age_rule: AgeRule::FourT,
            terlalu_tua: TerlaluTua::Over35,
            terlalu_banyak: TerlaluBanyak::MoreThan3,
            short_stature: true,
        }
    }
    /// The default ibu hamil rule set.
    pub const fn ibu_hamil() -> Self {
        ScreeningRuleSet {
            name: "ibu_hamil",
            ..ScreeningRuleSet::catin()
        }
    }
}

/// `"ideal"` or `"berisiko"` (DOMAIN.md §4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// No reason fired.
    Ideal,
    /// At least one reason fired (red certificate).
    Berisiko,
}

/// The screening result.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ScreeningResult {
    /// The rule set applied.
    pub rule_set: ScreeningRuleSet,
    /// `ideal` or `berisiko`.
    pub category: Category,
    /// Age in completed years at `as_of`.
    pub age_years: i64,
    /// IMT (kg/m², unrounded), when weight and height are known.
    pub imt: Option<f64>,
    /// IMT band code ([`IMT_BANDS`]).
    pub imt_category: Option<&'static str>,
    /// WHO anaemia grade (`none`, `mild`, `moderate`, `severe`), women only.
    pub anaemia: Option<&'static str>,
    /// LILA < 23.5 cm, women only.
    pub kek: Option<bool>,
    /// Completed months from the last birth to the start of this
    /// pregnancy, or to the expected delivery when the start is unknown
    /// (ibu hamil; see `birth_interval_to`).
    pub birth_interval_months: Option<i64>,
    /// What `birth_interval_months` is measured to: `"pregnancy_start"`
    /// (HPHT or gestational age known, DOMAIN.md §9.5) or
    /// `"expected_delivery"`; `None` without an interval.
    pub birth_interval_to: Option<&'static str>,
    /// The reasons that fired, in rule order.
    pub reasons: Vec<Reason>,
    /// Rules not applied for lack of input or of a cited threshold.
    pub not_assessed: Vec<&'static str>,
}

fn reason(code: &'static str, id: &str, en: &str, locale: Locale) -> Reason {
    Reason {
        code,
        explanation: match locale {
            Locale::Id => id.to_owned(),
            Locale::En => en.to_owned(),
        },
    }
}

fn age_reasons(
    age: i64,
    sex: Sex,
    rules: &ScreeningRuleSet,
    locale: Locale,
    out: &mut Vec<Reason>,
) {
    match (rules.age_rule, sex) {
        (AgeRule::FourT, Sex::Female) if age < TERLALU_MUDA_BELOW_YEARS => out.push(reason(
            "usia_terlalu_muda",
            "Umur di bawah 20 tahun (terlalu muda).",
            "Under 20 years old (too young).",
            locale,
        )),
        (AgeRule::BkkbnMarriageAge, Sex::Female) if age < 21 => out.push(reason(
            "usia_di_bawah_anjuran",
            "Umur di bawah usia menikah yang dianjurkan BKKBN (21 tahun).",
            "Below the marriage age recommended by BKKBN (21).",
            locale,
        )),
        (AgeRule::BkkbnMarriageAge, Sex::Male) if age < 25 => out.push(reason(
            "usia_di_bawah_anjuran",
            "Umur di bawah usia menikah yang dianjurkan BKKBN (25 tahun).",
            "Below the marriage age recommended by BKKBN (25).",
            locale,
        )),
        _ => {}
    }
    if sex == Sex::Female && rules.terlalu_tua.applies(age) {
        out.push(match rules.terlalu_tua {
            TerlaluTua::Over35 => reason(
                "usia_terlalu_tua",
                "Umur di atas 35 tahun (terlalu tua).",
                "Over 35 years old (too old).",
                locale,
            ),
            TerlaluTua::From35To40 => reason(
                "usia_terlalu_tua",
                "Umur 35-40 tahun (terlalu tua).",
                "Aged 35-40 (too old).",
                locale,
            ),
        });
    }
}

/// The anaemia reason of a man: WHO < 13 g/dL whatever the rule (§9.3).
fn hb_reason_man(hb: f64, locale: Locale) -> Option<Reason> {
    (hb < 13.0).then(|| {
        reason(
            "anemia",
            "Hb di bawah 13 g/dL (anemia pada laki-laki menurut WHO).",
            "Hb below 13 g/dL (anaemia in men, WHO).",
            locale,
        )
    })
}

/// Whether `weeks` of gestation are in the WHO 2024 second trimester.
fn second_trimester(weeks: Option<i64>) -> bool {
    weeks.is_some_and(|w| (SECOND_TRIMESTER_WEEKS.0..=SECOND_TRIMESTER_WEEKS.1).contains(&w))
}

/// The WHO anaemia grade of a pregnant woman under `rule`.
fn pregnant_grade(hb: f64, weeks: Option<i64>, rule: HbRule) -> &'static str {
    if rule == HbRule::Who2024 && second_trimester(weeks) {
        band_of(&ANAEMIA_PREGNANT_T2_WHO_2024, hb)
    } else {
        band_of(&ANAEMIA_PREGNANT, hb)
    }
}

fn hb_reason(
    hb: f64,
    pregnant_weeks: Option<Option<i64>>,
    rules: &ScreeningRuleSet,
    locale: Locale,
) -> Option<Reason> {
    let pregnant = pregnant_weeks.is_some();
    let t2 = second_trimester(pregnant_weeks.flatten());
    match rules.hb_rule {
        HbRule::Who2024 if t2 && hb < 10.5 => Some(reason(
            "anemia",
            "Hb di bawah 10,5 g/dL pada trimester kedua (anemia kehamilan menurut WHO 2024).",
            "Hb below 10.5 g/dL in the second trimester (anaemia in pregnancy, WHO 2024).",
            locale,
        )),
        HbRule::Who2024 if t2 => None,
        HbRule::Who | HbRule::Who2024 if !pregnant && hb < 12.0 => Some(reason(
            "anemia",
            "Hb di bawah 12 g/dL (anemia menurut WHO).",
            "Hb below 12 g/dL (anaemia, WHO).",
            locale,
        )),
        HbRule::Who | HbRule::Who2024 if pregnant && hb < 11.0 => Some(reason(
            "anemia",
            "Hb di bawah 11 g/dL (anemia kehamilan menurut WHO).",
            "Hb below 11 g/dL (anaemia in pregnancy, WHO).",
            locale,
        )),
        HbRule::Bkkbn11 if hb < 11.0 => Some(reason(
            "anemia",
            "Hb di bawah 11 g/dL (batas BKKBN).",
            "Hb below 11 g/dL (BKKBN threshold).",
            locale,
        )),
        HbRule::Bkkbn11_5 if hb < 11.5 => Some(reason(
            "anemia",
            "Hb di bawah 11,5 g/dL (batas BKKBN).",
            "Hb below 11.5 g/dL (BKKBN threshold).",
            locale,
        )),
        _ => None,
    }
}

struct Common {
    rules: ScreeningRuleSet,
    as_of: NaiveDate,
    locale: Locale,
}

fn parse_hb_rule(s: &str) -> Result<HbRule, FieldError> {
    match s.trim() {
        "who" => Ok(HbRule::Who),
        "who_2024" => Ok(HbRule::Who2024),
        "bkkbn_11" => Ok(HbRule::Bkkbn11),
        "bkkbn_11_5" => Ok(HbRule::Bkkbn11_5),
        _ => Err(FieldError::new(ErrorCode::InvalidCode)
            .with_param("allowed", "who, who_2024, bkkbn_11, bkkbn_11_5")),
    }
}
fn parse_age_rule(s: &str) -> Result<AgeRule, FieldError> {
    match s.trim() {
        "4t" => Ok(AgeRule::FourT),
        "bkkbn_marriage_age" => Ok(AgeRule::BkkbnMarriageAge),
        _ => {
            Err(FieldError::new(ErrorCode::InvalidCode)
                .with_param("allowed", "4t, bkkbn_marriage_age"))
        }
    }
}

/// The keys of the screening options.
const OPTION_FIELDS: [&str; 8] = [
    "as_of",
    "locale",
    "hb_rule",
    "age_rule",
    "terlalu_tua",
    "terlalu_banyak",
    "spacing",
    "short_stature",
];
/// The keys of a catin input.
pub const CATIN_FIELDS: [&str; 6] = [
    "sex",
    "birth_date",
    "weight_kg",
    "height_cm",
    "lila_cm",
    "hb_g_dl",
];
/// The keys of an ibu hamil input.
pub const IBU_HAMIL_FIELDS: [&str; 11] = [
    "sex",
    "birth_date",
    "height_cm",
    "lila_cm",
    "hb_g_dl",
    "gestational_age_weeks",
    "hpht",
    "expected_delivery_date",
    "parity",
    "last_birth_date",
    "pre_pregnancy_weight_kg",
];

fn read_options(
    options: &Value,
    base: ScreeningRuleSet,
    errors: &mut ValidationErrors,
) -> Option<Common> {
    let mut oe = ValidationErrors::new();
    let f = Fields::of(options, &mut oe);
    f.deny_unknown(&OPTION_FIELDS, &mut oe);
    let (as_of, locale) = common_options(&f, &mut oe);
    let four = crate::risk::krs::read_four_t(&f, &mut oe);
    let rules = ScreeningRuleSet {
        hb_rule: opt_code(&f, "hb_rule", parse_hb_rule, &mut oe).unwrap_or(base.hb_rule),
        age_rule: opt_code(&f, "age_rule", parse_age_rule, &mut oe).unwrap_or(base.age_rule),
        terlalu_tua: if f.get("terlalu_tua").is_some() {
            four.terlalu_tua
        } else {
            base.terlalu_tua
        },
        terlalu_banyak: four.terlalu_banyak,
        short_stature: opt_bool(&f, "short_stature", &mut oe).unwrap_or(base.short_stature),
        ..base
    };
    let ok = oe.is_empty();
    under("options", oe, errors);
    match as_of {
        Some(as_of) if ok => Some(Common {
            rules,
            as_of,
            locale,
        }),
        _ => None,
    }
}

fn required(f: &Fields<'_>, name: &'static str, input: &Value, errors: &mut ValidationErrors) {
    if f.get(name).is_none() && matches!(input, Value::Object(_)) {
        errors.push(FieldError::at(name, ErrorCode::Required));
    }
}

/// Plausible measurement ranges (DERIVED plausibility limits, not
/// thresholds): weight 20–250 kg, height 100–230 cm, LILA 10–60 cm, Hb 2–25 g/dL.
const WEIGHT: (f64, f64) = (20.0, 250.0);
const HEIGHT: (f64, f64) = (100.0, 230.0);
const LILA: (f64, f64) = (10.0, 60.0);
const HB: (f64, f64) = (2.0, 25.0);

/// Screens one *calon pengantin*.
///
/// `input`: `{sex, birth_date, weight_kg, height_cm, lila_cm, hb_g_dl}`;
/// `lila_cm` and `hb_g_dl` are required for women. For men LILA and the
/// height rule are not assessed (DOMAIN.md gives their thresholds for
/// women only; listed in `not_assessed`); a groom's Hb, when given, is
/// assessed with WHO's cut-offs for men (< 13.0 g/dL, DOMAIN.md §9.3: "a
/// groom with Hb 9.5 is never ideal"), else `hb` is in `not_assessed`.
/// `options`: `{as_of, locale?, hb_rule?: "who"|"who_2024"|"bkkbn_11"|"bkkbn_11_5",
/// age_rule?: "4t"|"bkkbn_marriage_age", terlalu_tua?: "over_35"|"35_40",
/// short_stature?: bool}`. Any other key is `unknown_field` (§9.5).
///
/// Reasons, in order: `usia_terlalu_muda` / `usia_di_bawah_anjuran`,
/// `usia_terlalu_tua`, `imt_kurus` (IMT < 18.5), `kek` (LILA < 23.5),
/// `anemia`, `tinggi_kurang` (height < 145 cm).
///
/// # Errors
/// `required`, `out_of_range` (with `min`/`max`), `not_finite`,
/// `invalid_date`, `date_in_future`, `sex_invalid`, `unknown_field`,
/// option errors under `options`.
pub fn screen_catin_json(
    input: &Value,
    options: &Value,
) -> Result<ScreeningResult, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let opts = read_options(options, ScreeningRuleSet::catin(), &mut errors);
    let as_of = opts.as_ref().map(|c| c.as_of);
    let f = Fields::of(input, &mut errors);
    f.deny_unknown(&CATIN_FIELDS, &mut errors);
    let sex = opt_code(&f, "sex", Sex::parse, &mut errors);
    required(&f, "sex", input, &mut errors);
    let dob = as_of.and_then(|d| opt_date_not_after(&f, "birth_date", d, &mut errors));
    required(&f, "birth_date", input, &mut errors);
    let weight = opt_number(&f, "weight_kg", WEIGHT.0, WEIGHT.1, &mut errors);
    required(&f, "weight_kg", input, &mut errors);
    let height = opt_number(&f, "height_cm", HEIGHT.0, HEIGHT.1, &mut errors);
    required(&f, "height_cm", input, &mut errors);
    let female = sex == Some(Sex::Female);
    let lila = if female {
        opt_number(&f, "lila_cm", LILA.0, LILA.1, &mut errors)
    } else {
        None
    };
    // A groom's Hb is read too (DOMAIN.md §9.3).
    let hb = opt_number(&f, "hb_g_dl", HB.0, HB.1, &mut errors);
    if female {
        required(&f, "lila_cm", input, &mut errors);
        required(&f, "hb_g_dl", input, &mut errors);
    }
    let (Some(c), Some(sex), Some(dob), Some(w), Some(h)) = (opts, sex, dob, weight, height) else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let age = completed_years(dob, c.as_of);
    let mut reasons = Vec::new();
    let mut not_assessed = Vec::new();
    age_reasons(age, sex, &c.rules, c.locale, &mut reasons);
    let bmi = imt(w, h);
    if bmi < IMT_RISK_BELOW {
        reasons.push(reason(
            "imt_kurus",
            "IMT di bawah 18,5 (kurus).",
            "BMI below 18.5 (underweight).",
            c.locale,
        ));
    }
    let kek = lila.map(|l| l < LILA_KEK_BELOW_CM);
    if kek == Some(true) {
        reasons.push(reason(
            "kek",
            "LILA di bawah 23,5 cm (kurang energi kronis).",
            "MUAC below 23.5 cm (chronic energy deficiency).",
            c.locale,
        ));
    }
    let hb_r = hb.and_then(|x| {
        if female {
            hb_reason(x, None, &c.rules, c.locale)
        } else {
            hb_reason_man(x, c.locale)
        }
    });
    reasons.extend(hb_r);
    if female && c.rules.short_stature && h < SHORT_STATURE_BELOW_CM {
        reasons.push(reason(
            "tinggi_kurang",
            "Tinggi badan di bawah 145 cm.",
            "Height below 145 cm.",
            c.locale,
        ));
    }
    if !female {
        not_assessed.push("lila");
        if hb.is_none() {
            not_assessed.push("hb");
        }
        not_assessed.push("height");
    } else if !c.rules.short_stature {
        not_assessed.push("height");
    }
    let grades: &[Band] = if female {
        &ANAEMIA_NON_PREGNANT
    } else {
        &ANAEMIA_MEN
    };
    Ok(ScreeningResult {
        rule_set: c.rules,
        category: if reasons.is_empty() {
            Category::Ideal
        } else {
            Category::Berisiko
        },
        age_years: age,
        imt: Some(bmi),
        imt_category: Some(band_of(&IMT_BANDS, bmi)),
        anaemia: hb.map(|x| band_of(grades, x)),
        kek,
        birth_interval_months: None,
        birth_interval_to: None,
        reasons,
        not_assessed,
    })
}

/// Gestation as given: the start of the pregnancy (HPHT, the first day of
/// the last menstrual period, from which gestational age is counted) when
/// known, and the completed weeks at `as_of`.
#[derive(Clone, Copy, Debug)]
struct Gestation {
    /// HPHT, given or `as_of` − 7 × weeks; `None` when only the expected
    /// delivery is known.
    start: Option<NaiveDate>,
    /// Completed weeks at `as_of`.
    weeks: i64,
    /// The expected delivery date (given, or start + 280 days).
    delivery: NaiveDate,
}

/// Days of a pregnancy from HPHT to the expected delivery (Naegele's
/// rule: 40 weeks).
const TERM_DAYS: i64 = 280;

/// Reads the pregnancy's dates: `gestational_age_weeks` (1-42), `hpht`
/// (not after `as_of`, 1-42 weeks before it) or `expected_delivery_date`
/// (at most 40 weeks after `as_of` and at most 2 weeks before it, i.e.
/// 1-42 weeks of gestation); at least one is required. When both HPHT and
/// weeks are given the weeks must be the completed weeks since HPHT
/// (`screening_pregnancy_dates_mismatch`). The expected delivery date is
/// used only when neither HPHT nor weeks is given.
fn read_gestation(
    f: &Fields<'_>,
    input: &Value,
    as_of: NaiveDate,
    errors: &mut ValidationErrors,
) -> Option<Gestation> {
    let ga = opt_int(f, "gestational_age_weeks", 1, 42, errors);
    let hpht = opt_date_not_after(f, "hpht", as_of, errors);
    let edd_raw = f.text("expected_delivery_date", false, false, errors);
    let edd = edd_raw.and_then(|s| match crate::input::parse_date(&s) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.push(e.with_outer(crate::error::PathSegment::Field("expected_delivery_date")));
            None
        }
    });
    let absent = |n| f.get(n).is_none();
    if absent("gestational_age_weeks") && absent("hpht") && absent("expected_delivery_date") {
        required(f, "gestational_age_weeks", input, errors);
        return None;
    }
    let weeks_of = |from: NaiveDate| (as_of - from).num_days().div_euclid(7);
    let range =
        |name: &'static str, lo: NaiveDate, hi: NaiveDate, errors: &mut ValidationErrors| {
            errors.push(
                FieldError::at(name, ErrorCode::OutOfRange)
                    .with_param("min", lo.to_string())
                    .with_param("max", hi.to_string()),
            );
        };
    if let Some(h) = hpht {
        let w = weeks_of(h);
        if !(1..=42).contains(&w) {
            range(
                "hpht",
                as_of - Duration::days(42 * 7 + 6),
                as_of - Duration::days(7),
                errors,
            );
            return None;
        }
        if ga.is_some_and(|g| g != w) {
            errors.push(FieldError::at(
                "gestational_age_weeks",
                ErrorCode::ScreeningPregnancyDatesMismatch,
            ));
            return None;
        }
        return Some(Gestation {
            start: Some(h),
            weeks: w,
            delivery: h + Duration::days(TERM_DAYS),
        });
    }
    if let Some(g) = ga {
        let start = as_of - Duration::days(7 * g);
        return Some(Gestation {
            start: Some(start),
            weeks: g,
            delivery: start + Duration::days(TERM_DAYS),
        });
    }
    let d = edd?;
    let start = d - Duration::days(TERM_DAYS);
    let w = weeks_of(start);
    if !(1..=42).contains(&w) {
        range(
            "expected_delivery_date",
            as_of - Duration::days(2 * 7 + 6),
            as_of + Duration::days(TERM_DAYS - 7),
            errors,
        );
        return None;
    }
    Some(Gestation {
        start: None,
        weeks: w,
        delivery: d,
    })
}

/// Screens one *ibu hamil*.
///
/// `input`: `{sex?, birth_date, height_cm, lila_cm, hb_g_dl,
/// gestational_age_weeks? (1-42), hpht? (first day of the last menstrual
/// period), expected_delivery_date?, parity (live births before this
/// pregnancy, 0-20), last_birth_date?, pre_pregnancy_weight_kg?}`; one of
/// the three pregnancy dates is required. `hpht` must lie 1-42 weeks
/// before `as_of`, `expected_delivery_date` 1-42 weeks of gestation from
/// it (start = delivery − 280 days, Naegele); with both HPHT and weeks the
/// weeks must be the completed weeks since HPHT
/// (`screening_pregnancy_dates_mismatch`); the expected delivery is used
/// only when neither HPHT nor weeks is given.
/// IMT is computed only from the pre-pregnancy (or first-trimester) weight
/// (PRIOR_ART.md D-17), else `imt` is in `not_assessed`.
///
/// "Terlalu dekat" (DOMAIN.md §9.5): completed months from
/// `last_birth_date` to the **start of this pregnancy** (HPHT, or `as_of`
/// − gestational weeks) < 24, as the Buku KIA says ("at least 2 years after
/// giving birth"); when only the expected delivery is known, to the
/// expected delivery; `birth_interval_to` says which. Without
/// `last_birth_date` (parity > 0) `spacing` is in `not_assessed`.
///
/// "Terlalu banyak" (§9.5): the current pregnancy counts, so parity 3 plus
/// this pregnancy (the 4th child) is *lebih dari tiga*.
///
/// Anaemia: WHO 2011 (< 11.0 g/dL) by default; `hb_rule: "who_2024"`
/// uses < 10.5 g/dL in the second trimester (§9.5).
/// `options`: as for catin plus `terlalu_banyak?: "more_than_3"|"3_or_more"`.
///
/// Reasons, in order: `usia_terlalu_muda`, `usia_terlalu_tua`, `imt_kurus`,
/// `kek`, `anemia`, `tinggi_kurang`, `terlalu_dekat`, `terlalu_banyak`.
///
/// # Errors
/// As catin, plus `screening_pregnant_male`,
/// `screening_last_birth_without_parity` and
/// `screening_pregnancy_dates_mismatch`.
pub fn screen_ibu_hamil_json(
    input: &Value,
    options: &Value,
) -> Result<ScreeningResult, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let opts = read_options(options, ScreeningRuleSet::ibu_hamil(), &mut errors);
    let as_of = opts.as_ref().map(|c| c.as_of);
    let f = Fields::of(input, &mut errors);
    f.deny_unknown(&IBU_HAMIL_FIELDS, &mut errors);
    if opt_code(&f, "sex", Sex::parse, &mut errors) == Some(Sex::Male) {
        errors.push(FieldError::at("sex", ErrorCode::ScreeningPregnantMale));
    }
    let dob = as_of.and_then(|d| opt_date_not_after(&f, "birth_date", d, &mut errors));
    required(&f, "birth_date", input, &mut errors);
    let height = opt_number(&f, "height_cm", HEIGHT.0, HEIGHT.1, &mut errors);
    required(&f, "height_cm", input, &mut errors);
    let lila = opt_number(&f, "lila_cm", LILA.0, LILA.1, &mut errors);
    required(&f, "lila_cm", input, &mut errors);
    let hb = opt_number(&f, "hb_g_dl", HB.0, HB.1, &mut errors);
    required(&f, "hb_g_dl", input, &mut errors);
    let gestation = match as_of {
        Some(d) => read_gestation(&f, input, d, &mut errors),
        None => {
            let _ = opt_int(&f, "gestational_age_weeks", 1, 42, &mut errors);
            None
        }
    };
    let parity = opt_int(&f, "parity", 0, 20, &mut errors);
    required(&f, "parity", input, &mut errors);
    let last_birth = as_of.and_then(|d| opt_date_not_after(&f, "last_birth_date", d, &mut errors));
    let pre_w = opt_number(
        &f,
        "pre_pregnancy_weight_kg",
        WEIGHT.0,
        WEIGHT.1,
        &mut errors,
    );
    if parity == Some(0) && last_birth.is_some() {
        errors.push(FieldError::at(
            "last_birth_date",
            ErrorCode::ScreeningLastBirthWithoutParity,
        ));
    }
    let (Some(c), Some(dob), Some(h), Some(lila), Some(hb), Some(g), Some(parity)) =
        (opts, dob, height, lila, hb, gestation, parity)
    else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let age = completed_years(dob, c.as_of);
    let mut reasons = Vec::new();
    let mut not_assessed = Vec::new();
    age_reasons(age, Sex::Female, &c.rules, c.locale, &mut reasons);
    let bmi = pre_w.map(|w| imt(w, h));
    if bmi.is_some_and(|b| b < IMT_RISK_BELOW) {
        reasons.push(reason(
            "imt_kurus",
            "IMT sebelum hamil di bawah 18,5 (kurus).",
            "Pre-pregnancy BMI below 18.5 (underweight).",
            c.locale,
        ));
    }
    if bmi.is_none() {
        not_assessed.push("imt");
    }
    let kek = lila < LILA_KEK_BELOW_CM;
    if kek {
        reasons.push(reason(
            "kek",
            "LILA di bawah 23,5 cm (kurang energi kronis).",
            "MUAC below 23.5 cm (chronic energy deficiency).",
            c.locale,
        ));
    }
    reasons.extend(hb_reason(hb, Some(Some(g.weeks)), &c.rules, c.locale));
    if c.rules.short_stature {
        if h < SHORT_STATURE_BELOW_CM {
            reasons.push(reason(
                "tinggi_kurang",
                "Tinggi badan di bawah 145 cm.",
                "Height below 145 cm.",
                c.locale,
            ));
        }
    } else {
        not_assessed.push("height");
    }
    // DOMAIN.md §9.5: to the start of this pregnancy when known.
    let (to, to_name) = match g.start {
        Some(start) => (start, "pregnancy_start"),
        None => (g.delivery, "expected_delivery"),
    };
    let interval = last_birth.map(|lb| completed_months(lb, to));
    if interval.is_some_and(|m| m < TERLALU_DEKAT_BELOW_MONTHS) {
        reasons.push(match g.start {
            Some(_) => reason(
                "terlalu_dekat",
                "Hamil lagi kurang dari 2 tahun setelah persalinan terakhir (terlalu dekat).",
                "Pregnant again less than 2 years after the last birth (too close).",
                c.locale,
            ),
            None => reason(
                "terlalu_dekat",
                "Jarak dari persalinan terakhir ke taksiran persalinan ini kurang dari 2 tahun (terlalu dekat).",
                "Less than 2 years from the last birth to this expected delivery (too close).",
                c.locale,
            ),
        });
    }
    if parity > 0 && last_birth.is_none() {
        not_assessed.push("spacing");
    }
    // DOMAIN.md §9.5: the current pregnancy counts.
    if c.rules.terlalu_banyak.applies(parity + 1) {
        reasons.push(match c.rules.terlalu_banyak {
            TerlaluBanyak::MoreThan3 => reason(
                "terlalu_banyak",
                "Kehamilan ini adalah anak ke-4 atau lebih (lebih dari 3 anak, terlalu banyak).",
                "This pregnancy is the 4th child or later (more than 3 children, too many).",
                c.locale,
            ),
            TerlaluBanyak::ThreeOrMore => reason(
                "terlalu_banyak",
                "Kehamilan ini adalah anak ke-3 atau lebih (3 anak atau lebih, terlalu banyak).",
                "This pregnancy is the 3rd child or later (3 or more children, too many).",
                c.locale,
            ),
        });
    }
    Ok(ScreeningResult {
        rule_set: c.rules,
        category: if reasons.is_empty() {
            Category::Ideal
        } else {
            Category::Berisiko
        },
        age_years: age,
        imt: bmi,
        imt_category: bmi.map(|b| band_of(&IMT_BANDS, b)),
        anaemia: Some(pregnant_grade(hb, Some(g.weeks), c.rules.hb_rule)),
        kek: Some(kek),
        birth_interval_months: interval,
        birth_interval_to: interval.map(|_| to_name),
        reasons,
        not_assessed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partition_ok(bands: &[Band]) {
        // Every value belongs to exactly one band, including the boundaries.
        for i in 0..4000 {
            let x = f64::from(i) / 100.0;
            let n = bands.iter().filter(|b| b.interval.contains(x)).count();
            assert_eq!(n, 1, "{x} is in {n} bands");
        }
    }

    #[test]
    fn bands_partition_the_line() {
        partition_ok(&IMT_BANDS);
        partition_ok(&ANAEMIA_NON_PREGNANT);
        partition_ok(&ANAEMIA_PREGNANT);
        partition_ok(&ANAEMIA_MEN);
        partition_ok(&ANAEMIA_PREGNANT_T2_WHO_2024);
        assert_eq!(band_of(&ANAEMIA_MEN, 12.9), "mild");
        assert_eq!(band_of(&ANAEMIA_MEN, 13.0), "none");
        assert_eq!(band_of(&ANAEMIA_PREGNANT_T2_WHO_2024, 10.4), "mild");
        assert_eq!(band_of(&ANAEMIA_PREGNANT_T2_WHO_2024, 10.5), "none");
        // DOMAIN.md §9.5: a value in a printed gap falls in the band whose
        // closed interval contains it; none is without a band.
        assert_eq!(band_of(&IMT_BANDS, 18.45), "kurus_ringan");
        assert_eq!(band_of(&IMT_BANDS, 27.05), "gemuk_berat");
        assert_eq!(band_of(&IMT_BANDS, 18.5), "normal");
        assert_eq!(band_of(&IMT_BANDS, 25.0), "normal");
        assert_eq!(band_of(&IMT_BANDS, 25.05), "gemuk_ringan");
        assert_eq!(band_of(&ANAEMIA_NON_PREGNANT, 11.0), "mild");
        assert_eq!(band_of(&ANAEMIA_NON_PREGNANT, 10.99), "moderate");
        assert_eq!(band_of(&ANAEMIA_PREGNANT, 11.0), "none");
    }

    #[test]
    fn imt_is_a_square_not_xor() {
        // PRIOR_ART D-1: 55 kg at 155 cm is 22.9, not 55 / 3.
        let b = imt(55.0, 155.0);
        assert!((b - 22.892_819_979_188_35).abs() < 1e-9, "{b}");
    }
}
