//! One weighing typed into a form, for a child with earlier weighings: the
//! code N/T/O/B with its KBM, gain, lines and referral message in
//! Indonesian or English (the browser form's `assessWeighing`).

use super::assess::{
    assess, join_children, Children, Code, ReferReason, VisitStatus, Visits, Warning, NO_VALUE,
};
use super::date::{from_days, to_days};
use super::rules::MonitoringRules;
use super::velocity::{VelocityStatus, VelocityTable};
use crate::error::{ErrorCode, FieldError, Locale, PathSegment, ValidationErrors};
use crate::input::{parse_date, Fields};
use crate::kb::read::{common_options, finite};
use serde::Serialize;
use serde_json::Value;

/// A code or warning with its explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Explained {
    /// Stable snake_case code.
    pub code: &'static str,
    /// Explanation in the requested locale.
    pub message: &'static str,
}

/// One velocity z-score of the form result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FormVelocity {
    /// `weight_1mo` or `weight_2mo`.
    pub table: &'static str,
    /// z (2 decimals), or `None` with `reason`.
    pub z: Option<f64>,
    /// Centile (1 decimal).
    pub centile: Option<f64>,
    /// Days between the two weighings used.
    pub interval_days: Option<i32>,
    /// Why z is missing (`interval_mismatch`, …).
    pub reason: Option<&'static str>,
}

/// The assessment of the current weighing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WeighingAssessment {
    /// The rule set's name.
    pub rules: &'static str,
    /// `"N"`, `"T"`, `"O"` or `"B"`.
    pub code: &'static str,
    /// What the code means, in the locale.
    pub code_label: &'static str,
    /// Age in completed months.
    pub age_months: i32,
    /// The age that read the KBM table.
    pub kbm_age_months: i32,
    /// Gain since last month's weighing, whole grams (N/T only).
    pub gain_g: Option<i32>,
    /// KBM, grams (N/T only).
    pub kbm_g: Option<i32>,
    /// Months in a row coded T, ending now.
    pub t_run: u16,
    /// 2T.
    pub two_t: bool,
    /// Weight-for-age z.
    pub waz: Option<f64>,
    /// Below the red line.
    pub bgm: Option<bool>,
    /// Above the orange line.
    pub above_orange: Option<bool>,
    /// Refer to the Puskesmas.
    pub refer: bool,
    /// Why, under the rule set.
    pub refer_reasons: Vec<Explained>,
    /// One sentence for the cadre, in the locale.
    pub message: String,
    /// Warnings on the current weighing.
    pub warnings: Vec<Explained>,
    /// The codes of the earlier weighings, in date order (`null` for one
    /// that got no code, e.g. superseded in its month).
    pub previous_codes: Vec<Option<&'static str>>,
    /// WHO weight velocity (1- and 2-month).
    pub velocity: Vec<FormVelocity>,
}

struct Weighing {
    date: i32,
    weight: f64,
}

fn weighing(v: &Value, errors: &mut ValidationErrors) -> Option<Weighing> {
    let f = Fields::of(v, errors);
    let date = f.text("date", true, false, errors).and_then(|s| {
        parse_date(&s)
            .map_err(|e| errors.push(e.with_outer(PathSegment::Field("date"))))
            .ok()
    });
    let weight = match f.get("weight_kg") {
        None => {
            errors.push(FieldError::at("weight_kg", ErrorCode::Required));
            None
        }
        Some(_) => finite(&f, "weight_kg", errors),
    };
    Some(Weighing {
        date: to_days(date?),
        weight: weight?,
    })
}

/// `snake_case` keys (`birthDate` → `birth_date`), recursively.
fn snake_keys(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| {
                    let mut s = String::with_capacity(k.len() + 2);
                    for c in k.chars() {
                        if c.is_ascii_uppercase() {
                            s.push('_');
                            s.push(c.to_ascii_lowercase());
                        } else {
                            s.push(c);
                        }
                    }
                    (s, snake_keys(x))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(snake_keys).collect()),
        other => other.clone(),
    }
}

fn message(a: &WeighingAssessment, locale: Locale) -> String {
    let mut s = match (a.code, locale) {
        ("N", Locale::Id) => format!(
            "Naik (N): berat badan naik {} g, KBM {} g.",
            a.gain_g.unwrap_or(0),
            a.kbm_g.unwrap_or(0)
        ),
        ("N", Locale::En) => format!(
            "Gaining (N): gained {} g, minimum {} g.",
            a.gain_g.unwrap_or(0),
            a.kbm_g.unwrap_or(0)
        ),
        ("T", Locale::Id) => format!(
            "Tidak naik (T): kenaikan {} g kurang dari KBM {} g.",
            a.gain_g.unwrap_or(0),
            a.kbm_g.unwrap_or(0)
        ),
        ("T", Locale::En) => format!(
            "Not gaining (T): gain of {} g is below the minimum of {} g.",
            a.gain_g.unwrap_or(0),
            a.kbm_g.unwrap_or(0)
        ),
        ("O", Locale::Id) => "O: bulan lalu tidak ditimbang, kenaikan tidak dapat dinilai.".into(),
        ("O", Locale::En) => "O: not weighed last month, the gain cannot be assessed.".into(),
        (_, Locale::Id) => "B: penimbangan pertama.".into(),
        (_, Locale::En) => "B: first weighing.".into(),
    };
    s.push(' ');
    s.push_str(match (a.refer, locale) {
        (true, Locale::Id) => "Rujuk ke Puskesmas:",
        (true, Locale::En) => "Refer to the Puskesmas:",
        (false, Locale::Id) => "Tidak perlu dirujuk.",
        (false, Locale::En) => "No referral needed.",
    });
    for r in &a.refer_reasons {
        s.push(' ');
        s.push_str(r.message);
    }
    s
}

/// Assesses `{sex, birth_date, previous: [{date, weight_kg}], current:
/// {date, weight_kg}}` (camelCase keys accepted) under `options` (`as_of`,
/// `locale`, and the options of [`MonitoringRules::from_options`]).
///
/// # Errors
/// Every problem with its path (`previous[1].weight_kg`, `current.date` …),
/// including the cross-visit errors of MONITORING.md §4 and
/// `visit_out_of_order` when the current weighing is not after every
/// earlier one.
pub fn assess_weighing_json(
    input: &Value,
    options: &Value,
) -> Result<WeighingAssessment, ValidationErrors> {
    let input = snake_keys(input);
    let options = snake_keys(options);
    let mut errors = ValidationErrors::new();
    let rules = match MonitoringRules::from_options(&options) {
        Ok(r) => r,
        Err(e) => {
            errors.extend(e);
            MonitoringRules::kia2023()
        }
    };
    let (as_of, locale) = if options.is_null() {
        (None, Locale::Id)
    } else {
        let mut oe = ValidationErrors::new();
        let r = common_options(&Fields::of(&options, &mut oe), &mut oe);
        errors.extend_with_outer(oe, &PathSegment::Field("options"));
        r
    };
    let f = Fields::of(&input, &mut errors);
    let sex = f
        .text("sex", true, true, &mut errors)
        .and_then(|s| match crate::Sex::parse(&s) {
            Ok(s) => Some(s),
            Err(e) => {
                errors.push(e.with_outer(PathSegment::Field("sex")));
                None
            }
        });
    let birth = f
        .text("birth_date", true, false, &mut errors)
        .and_then(|s| {
            parse_date(&s)
                .map_err(|e| errors.push(e.with_outer(PathSegment::Field("birth_date"))))
                .ok()
        });
    let mut list = Vec::new();
    if let Some(prev) = f.list("previous", &mut errors) {
        for (k, p) in prev.iter().enumerate() {
            let mut e = ValidationErrors::new();
            list.push(weighing(p, &mut e));
            let seg = PathSegment::Index(u32::try_from(k).unwrap_or(u32::MAX));
            let mut outer = ValidationErrors::new();
            outer.extend_with_outer(e, &seg);
            errors.extend_with_outer(outer, &PathSegment::Field("previous"));
        }
    }
    let current = match f.get("current") {
        None => {
            errors.push(FieldError::at("current", ErrorCode::Required));
            None
        }
        Some(c) => {
            let mut e = ValidationErrors::new();
            let w = weighing(c, &mut e);
            errors.extend_with_outer(e, &PathSegment::Field("current"));
            w
        }
    };
    if let Some(c) = &current {
        if list.iter().flatten().any(|p| p.date >= c.date) {
            errors.push(
                FieldError::at("date", ErrorCode::VisitOutOfOrder)
                    .with_outer(PathSegment::Field("current")),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let (Some(sex), Some(birth), Some(current)) = (sex, birth, current) else {
        return Err(errors);
    };
    let list: Vec<Weighing> = list.into_iter().flatten().chain([current]).collect();
    let n = list.len();
    let dates: Vec<i32> = list.iter().map(|w| w.date).collect();
    let weights: Vec<f64> = list.iter().map(|w| w.weight).collect();
    let child = vec![0u32; n];
    let join = join_children(&[0u8], &vec![0u8; n]);
    let children = Children {
        sex: &[sex.code()],
        birth: &[to_days(birth)],
        has_kia: None,
    };
    let visits = Visits {
        child: &child,
        date: &dates,
        weight_kg: &weights,
        ..Visits::default()
    };
    let a = assess(&children, &join, &visits, &rules, as_of.map(to_days))
        .map_err(|_| ValidationErrors::from(FieldError::new(ErrorCode::InvalidType)))?;
    for e in &a.errors {
        let (field, idx) = if e.visit + 1 == n {
            ("current", None)
        } else {
            ("previous", Some(e.visit))
        };
        let mut err = e.error.clone();
        let seg = match err.path().segments().first() {
            Some(PathSegment::Field("visit_date")) => Some("date"),
            Some(PathSegment::Field("weight_kg")) => Some("weight_kg"),
            _ => None,
        };
        if let Some(s) = seg {
            err = err.with_path(crate::FieldPath::field(s));
        } else if matches!(
            err.path().segments().first(),
            Some(PathSegment::Field("birth_date" | "sex"))
        ) {
            errors.push(err);
            continue;
        }
        if let Some(k) = idx {
            err = err.with_outer(PathSegment::Index(u32::try_from(k).unwrap_or(u32::MAX)));
        }
        errors.push(err.with_outer(PathSegment::Field(field)));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let i = n - 1;
    if a.status[i] == VisitStatus::Excluded {
        return Err(FieldError::at("birth_date", ErrorCode::AgeOutsideStandard)
            .with_param("min", 0_i64)
            .with_param("max", 60_i64)
            .into());
    }
    let code = a.code[i].unwrap_or(Code::B);
    let opt = |x: i32| (x != NO_VALUE).then_some(x);
    let reasons: Vec<Explained> = ReferReason::of_mask(a.refer_reasons[i])
        .map(|r| Explained {
            code: r.as_str(),
            message: r.message(locale),
        })
        .collect();
    let mut order: Vec<usize> = (0..n - 1).collect();
    order.sort_by_key(|&k| dates[k]);
    let velocity = [VelocityTable::Weight1Month, VelocityTable::Weight2Month]
        .iter()
        .enumerate()
        .map(|(slot, t)| {
            let c = &a.velocity[slot];
            FormVelocity {
                table: t.as_str(),
                z: Some(c.z_at(i)).filter(|z| !z.is_nan()),
                centile: Some(c.centile_at(i)).filter(|c| !c.is_nan()),
                interval_days: opt(c.interval_days_at(i)),
                reason: c.status_at(i).and_then(VelocityStatus::reason),
            }
        })
        .collect();
    let mut out = WeighingAssessment {
        rules: rules.name,
        code: code.as_str(),
        code_label: code.label(locale),
        age_months: a.age_months[i],
        kbm_age_months: a.kbm_age_months[i],
        gain_g: opt(a.gain_g[i]),
        kbm_g: opt(a.kbm_g[i]),
        t_run: a.t_run[i],
        two_t: a.t_run[i] >= 2,
        waz: (!a.waz[i].is_nan()).then_some(a.waz[i]),
        bgm: a.bgm[i],
        above_orange: a.above_orange[i],
        refer: a.refer_reasons[i] != 0,
        refer_reasons: reasons,
        message: String::new(),
        warnings: Warning::of_mask(a.warnings[i])
            .map(|w| Explained {
                code: w.as_str(),
                message: w.message(locale),
            })
            .collect(),
        previous_codes: order.iter().map(|&k| a.code[k].map(Code::as_str)).collect(),
        velocity,
    };
    out.message = message(&out, locale);
    let _ = from_days;
    Ok(out)
}
