//! Children and visits as text cells or JSON records, read into owned
//! columns: what a CSV reader (`kampung monitor VISITS.csv --children
//! CHILDREN.csv`), a JSON Lines reader or a form calls before [`assess()`]
//! and [`skdn()`], and the per-visit result as JSON rows.
//!
//! Cells are parsed here once: dates `YYYY-MM-DD`, numbers with a decimal
//! point or comma, codes as [`Sex::parse`], `l`/`h`, `y`/`n`/`1`/`2`,
//! [`Source::parse`]. A cell that cannot be read becomes the "invalid" code
//! of its column, and [`assess()`] reports it on every visit it touches.
//!
//! [`assess()`]: super::assess()
//! [`skdn()`]: super::skdn()

use super::assess::{
    assess, join_children, Assessment, ChildJoin, Children, Code, ReferReason, Visits, Warning,
    NO_VALUE,
};
use super::date::{to_days, BAD_DATE, NO_DATE};
use super::rules::{MonitoringRules, Source, SOURCE_INVALID, SOURCE_MISSING};
use super::skdn::{skdn, SkdnTable};
use super::velocity::VelocityTable;
use crate::error::{Locale, ShapeError};
use crate::input::parse_date;
use crate::sex::Sex;
use serde_json::{json, Map, Value};

/// A date cell: empty → [`NO_DATE`], unreadable → [`BAD_DATE`].
pub fn date_cell(s: Option<&str>) -> i32 {
    match s.map(str::trim) {
        None | Some("") => NO_DATE,
        Some(t) => parse_date(t).map_or(BAD_DATE, to_days),
    }
}

/// A number cell (decimal point or comma): empty → NaN; unreadable →
/// −∞ (which [`assess()`](super::assess()) reports as `not_finite`).
pub fn number_cell(s: Option<&str>) -> f64 {
    match s.map(str::trim) {
        None | Some("" | "NA" | "NaN" | "nan") => f64::NAN,
        Some(t) => t
            .replace(',', ".")
            .parse::<f64>()
            .unwrap_or(f64::NEG_INFINITY),
    }
}

/// A sex cell: 1, 2, 0 (missing) or 255 (invalid).
pub fn sex_cell(s: Option<&str>) -> u8 {
    match s.map(str::trim) {
        None | Some("") => 0,
        Some(t) => Sex::parse(t).map_or(255, Sex::code),
    }
}

/// A yes/no cell: 1, 0, or `missing` when empty; 255 when unreadable.
pub fn bool_cell(s: Option<&str>, missing: u8) -> u8 {
    match s.map(|t| t.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") => missing,
        Some("1" | "y" | "ya" | "yes" | "true" | "t") => 1,
        Some("0" | "2" | "n" | "no" | "tidak" | "false" | "f") => 0,
        _ => 255,
    }
}

/// A measure cell: `b'l'`, `b'h'`, 0 (missing) or 255.
pub fn measure_cell(s: Option<&str>) -> u8 {
    match s.map(|t| t.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") => 0,
        Some("l" | "length" | "berbaring" | "pb") => b'l',
        Some("h" | "height" | "berdiri" | "tb") => b'h',
        _ => 255,
    }
}

/// A source cell: a [`Source`] code, 0 (missing) or [`SOURCE_INVALID`].
pub fn source_cell(s: Option<&str>) -> u8 {
    match s.map(str::trim) {
        None | Some("") => SOURCE_MISSING,
        Some(t) => Source::parse(t).map_or(SOURCE_INVALID, |s| s as u8),
    }
}

/// The children table as owned columns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChildTable {
    /// Child ids.
    pub ids: Vec<String>,
    /// Sex codes ([`sex_cell`]).
    pub sex: Vec<u8>,
    /// Birth dates ([`date_cell`]).
    pub birth: Vec<i32>,
    /// `has_kia` ([`bool_cell`], 2 unknown); `None` when no row had the column.
    pub has_kia: Option<Vec<u8>>,
    /// Area of each child (e.g. `posyandu_id` or a region code); empty when absent.
    pub area: Vec<String>,
}

impl ChildTable {
    /// Adds one child from text cells.
    pub fn push(
        &mut self,
        id: &str,
        sex: Option<&str>,
        birth_date: Option<&str>,
        has_kia: Option<&str>,
        area: Option<&str>,
    ) {
        self.ids.push(id.trim().to_owned());
        self.sex.push(sex_cell(sex));
        self.birth.push(date_cell(birth_date));
        if let Some(k) = has_kia {
            let n = self.ids.len() - 1;
            self.has_kia
                .get_or_insert_with(|| vec![2; n])
                .push(bool_cell(Some(k), 2));
        } else if let Some(v) = self.has_kia.as_mut() {
            v.push(2);
        }
        self.area
            .push(area.map(str::trim).unwrap_or_default().to_owned());
    }

    /// The borrowed view for [`assess()`](super::assess()).
    pub fn view(&self) -> Children<'_> {
        Children {
            sex: &self.sex,
            birth: &self.birth,
            has_kia: self.has_kia.as_deref(),
        }
    }
}

/// The visits table as owned columns.
#[derive(Clone, Debug, Default, PartialEq)]
#[allow(missing_docs)]
pub struct VisitTable {
    pub child_ids: Vec<String>,
    pub date: Vec<i32>,
    pub weight_kg: Vec<f64>,
    pub lenhei_cm: Vec<f64>,
    pub measure: Vec<u8>,
    pub oedema: Vec<u8>,
    pub headc_cm: Vec<f64>,
    pub muac_cm: Vec<f64>,
    pub source: Vec<u8>,
}

impl VisitTable {
    /// Adds one visit from text cells (`None` = empty cell or absent column).
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        child_id: &str,
        visit_date: Option<&str>,
        weight_kg: Option<&str>,
        lenhei_cm: Option<&str>,
        measure: Option<&str>,
        oedema: Option<&str>,
        headc_cm: Option<&str>,
        muac_cm: Option<&str>,
        source: Option<&str>,
    ) {
        self.child_ids.push(child_id.trim().to_owned());
        self.date.push(date_cell(visit_date));
        self.weight_kg.push(number_cell(weight_kg));
        self.lenhei_cm.push(number_cell(lenhei_cm));
        self.measure.push(measure_cell(measure));
        self.oedema.push(bool_cell(oedema, 0));
        self.headc_cm.push(number_cell(headc_cm));
        self.muac_cm.push(number_cell(muac_cm));
        self.source.push(source_cell(source));
    }

    /// The borrowed view for [`assess()`](super::assess()), with the join.
    pub fn view<'a>(&'a self, join: &'a ChildJoin) -> Visits<'a> {
        Visits {
            child: &join.child_of_visit,
            date: &self.date,
            weight_kg: &self.weight_kg,
            lenhei_cm: Some(&self.lenhei_cm),
            measure: Some(&self.measure),
            oedema: Some(&self.oedema),
            headc_cm: Some(&self.headc_cm),
            muac_cm: Some(&self.muac_cm),
            source: Some(&self.source),
        }
    }
}

/// A JSON cell as text (numbers and booleans written out; null absent).
fn cell(m: &Map<String, Value>, key: &str) -> Option<String> {
    match m.get(key)? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_owned()),
        other => Some(other.to_string()),
    }
}

/// Reads JSON records: `children` (`child_id, sex, birth_date, has_kia,
/// <area key>`) and `visits` (`child_id, visit_date, weight_kg, lenhei_cm,
/// measure, oedema, headc_cm, muac_cm, source`). A record that is not an
/// object reads as all-empty (so its errors name it).
pub fn tables_from_json(
    children: &[Value],
    visits: &[Value],
    area_key: &str,
) -> (ChildTable, VisitTable) {
    let empty = Map::new();
    let mut ct = ChildTable::default();
    for c in children {
        let m = c.as_object().unwrap_or(&empty);
        ct.push(
            &cell(m, "child_id").unwrap_or_default(),
            cell(m, "sex").as_deref(),
            cell(m, "birth_date").as_deref(),
            cell(m, "has_kia").as_deref(),
            cell(m, area_key).as_deref(),
        );
    }
    let mut vt = VisitTable::default();
    for v in visits {
        let m = v.as_object().unwrap_or(&empty);
        let c = |k: &str| cell(m, k);
        vt.push(
            &c("child_id").unwrap_or_default(),
            c("visit_date").as_deref(),
            c("weight_kg").as_deref(),
            c("lenhei_cm").as_deref(),
            c("measure").as_deref(),
            c("oedema").as_deref(),
            c("headc_cm").as_deref(),
            c("muac_cm").as_deref(),
            c("source").as_deref(),
        );
    }
    (ct, vt)
}

/// Assesses owned tables (the join by child id included).
///
/// # Errors
/// [`ShapeError`] only for a caller bug (columns of different lengths).
pub fn assess_tables(
    children: &ChildTable,
    visits: &VisitTable,
    rules: &MonitoringRules,
    as_of: Option<i32>,
) -> Result<(ChildJoin, Assessment), ShapeError> {
    let join = join_children(&children.ids, &visits.child_ids);
    let a = assess(&children.view(), &join, &visits.view(&join), rules, as_of)?;
    Ok((join, a))
}

/// SKDN of owned tables by their `area` column: the areas in order of first
/// appearance, and the table.
pub fn skdn_tables(
    children: &ChildTable,
    visits: &VisitTable,
    join: &ChildJoin,
    assessment: &Assessment,
    rules: &MonitoringRules,
    period: i32,
) -> (Vec<String>, SkdnTable) {
    let mut names: Vec<String> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let area: Vec<u32> = children
        .area
        .iter()
        .map(|a| {
            *index.entry(a.clone()).or_insert_with(|| {
                names.push(a.clone());
                u32::try_from(names.len() - 1).unwrap_or(u32::MAX)
            })
        })
        .collect();
    let t = skdn(
        &children.view(),
        join,
        &area,
        names.len(),
        &visits.view(join),
        assessment,
        rules,
        period,
    );
    (names, t)
}

fn num(x: f64) -> Value {
    if x.is_nan() {
        Value::Null
    } else {
        json!(x)
    }
}

fn int(x: i32) -> Value {
    if x == NO_VALUE {
        Value::Null
    } else {
        json!(x)
    }
}

/// Visit `i` as a JSON row with the output names of MONITORING.md §4.4
/// (and the Python columns): `child_id, visit_date, status, period,
/// age_days, age_months, kbm_age_months, gain_g, kbm_g, code, t_run, two_t,
/// gap_nt, waz, waz_change, crossed_line_down, bgm, above_orange, refer,
/// refer_reasons, weight_faltering, warnings, errors`, and per velocity
/// table `<table>_z`, `<table>_centile`, `<table>_days`, `<table>_reason`.
pub fn row_json(
    visits: &VisitTable,
    a: &Assessment,
    errors_by_visit: &[Vec<&'static str>],
    i: usize,
    locale: Locale,
) -> Value {
    let _ = locale;
    let mut m = Map::new();
    m.insert("child_id".into(), json!(visits.child_ids[i]));
    m.insert(
        "visit_date".into(),
        super::date::from_days(visits.date[i]).map_or(Value::Null, |d| json!(d.to_string())),
    );
    m.insert("status".into(), json!(a.status[i].as_str()));
    let period = a.period[i];
    m.insert(
        "period".into(),
        if period == NO_VALUE {
            Value::Null
        } else {
            json!(super::date::format_period(period))
        },
    );
    m.insert("age_days".into(), int(a.age_days[i]));
    m.insert("age_months".into(), int(a.age_months[i]));
    m.insert("kbm_age_months".into(), int(a.kbm_age_months[i]));
    m.insert("gain_g".into(), int(a.gain_g[i]));
    m.insert("kbm_g".into(), int(a.kbm_g[i]));
    m.insert("code".into(), json!(a.code[i].map(Code::as_str)));
    m.insert("t_run".into(), json!(a.t_run[i]));
    m.insert("two_t".into(), json!(a.two_t(i)));
    m.insert("gap_nt".into(), json!(a.gap_nt[i].map(Code::as_str)));
    m.insert("waz".into(), num(a.waz[i]));
    m.insert("waz_change".into(), num(a.waz_change[i]));
    m.insert("crossed_line_down".into(), json!(a.crossed_line_down[i]));
    m.insert("bgm".into(), json!(a.bgm[i]));
    m.insert("above_orange".into(), json!(a.above_orange[i]));
    m.insert("refer".into(), json!(a.refer(i)));
    let reasons: Vec<&str> = ReferReason::of_mask(a.refer_reasons[i])
        .map(ReferReason::as_str)
        .collect();
    m.insert("refer_reasons".into(), json!(reasons));
    m.insert("weight_faltering".into(), json!(a.weight_faltering[i]));
    let warnings: Vec<&str> = Warning::of_mask(a.warnings[i])
        .map(Warning::as_str)
        .collect();
    m.insert("warnings".into(), json!(warnings));
    for (slot, t) in VelocityTable::ALL.iter().enumerate() {
        let c = &a.velocity[slot];
        let n = t.as_str();
        m.insert(format!("{n}_z"), num(c.z_at(i)));
        m.insert(format!("{n}_centile"), num(c.centile_at(i)));
        m.insert(format!("{n}_days"), int(c.interval_days_at(i)));
        m.insert(
            format!("{n}_reason"),
            json!(c
                .status_at(i)
                .and_then(super::velocity::VelocityStatus::reason)),
        );
    }
    m.insert(
        "errors".into(),
        json!(errors_by_visit.get(i).cloned().unwrap_or_default()),
    );
    Value::Object(m)
}

/// The error codes of each visit, in order.
pub fn errors_by_visit(a: &Assessment) -> Vec<Vec<&'static str>> {
    let mut v = vec![Vec::new(); a.len()];
    for e in &a.errors {
        if let Some(x) = v.get_mut(e.visit) {
            x.push(e.error.code().as_str());
        }
    }
    v
}

/// The options of a whole run ([`assess_json`], `monitoring::csv`): the
/// rule set with its options ([`MonitoringRules::from_options`]), `as_of`
/// (`YYYY-MM-DD`: later visits are errors), `month` (`YYYY-MM`: the SKDN
/// month), `by` (the children's area column, default `posyandu_id`) and
/// `locale`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RunOptions {
    /// The rule set with its options.
    pub rules: MonitoringRules,
    /// Reference date (days since 1970-01-01).
    pub as_of: Option<i32>,
    /// SKDN month (`12·year + month`).
    pub month: Option<i32>,
    /// Area column of the children.
    pub by: String,
    /// Language of messages.
    pub locale: Locale,
}

impl RunOptions {
    /// Reads the options object.
    ///
    /// # Errors
    /// Every bad option, at `options.<key>`.
    pub fn from_options(options: &Value) -> Result<RunOptions, crate::ValidationErrors> {
        use crate::error::{PathSegment, ValidationErrors};
        let mut errors = ValidationErrors::new();
        let rules = MonitoringRules::from_options(options).unwrap_or_else(|e| {
            errors.extend(e);
            MonitoringRules::kia2023()
        });
        let get = |k: &str| options.get(k).and_then(Value::as_str);
        let mut read =
            |key: &'static str, parse: &dyn Fn(&str) -> Result<i32, crate::FieldError>| {
                get(key).and_then(|s| match parse(s) {
                    Ok(v) => Some(v),
                    Err(e) => {
                        errors.push(
                            e.with_outer(PathSegment::Field(key))
                                .with_outer(PathSegment::Field("options")),
                        );
                        None
                    }
                })
            };
        let as_of = read("as_of", &|s| parse_date(s).map(to_days));
        let month = read("month", &super::date::parse_month);
        let run = RunOptions {
            rules,
            as_of,
            month,
            by: get("by").unwrap_or("posyandu_id").to_owned(),
            locale: get("locale")
                .and_then(|l| Locale::parse(l).ok())
                .unwrap_or_default(),
        };
        errors.into_result(run)
    }
}

/// The whole JSON route: `{children: [...], visits: [...]}` records and
/// options ([`RunOptions`]: `rules` …, `as_of`, `locale`, `month`, `by`) to
/// `{visits: [rows], errors: [{visit, child_id, path, field, code, message,
/// params}], skdn: [...] }` (`skdn` only when `month` is given).
///
/// # Errors
/// Bad options (with their paths), or `children`/`visits` not lists.
pub fn assess_json(input: &Value, options: &Value) -> Result<Value, crate::ValidationErrors> {
    use crate::error::{ErrorCode, FieldError, ValidationErrors};
    let mut errors = ValidationErrors::new();
    let run = RunOptions::from_options(options)
        .map_err(|e| errors.extend(e))
        .ok();
    let list = |k: &'static str, errors: &mut ValidationErrors| match input.get(k) {
        Some(Value::Array(a)) => a.clone(),
        _ => {
            errors.push(FieldError::at(k, ErrorCode::InvalidType).with_param("expected", "array"));
            Vec::new()
        }
    };
    let (cs, vs) = (list("children", &mut errors), list("visits", &mut errors));
    let Some(RunOptions {
        rules,
        as_of,
        month,
        by,
        locale,
    }) = run.filter(|_| errors.is_empty())
    else {
        return Err(errors);
    };
    let by = by.as_str();
    let (ct, vt) = tables_from_json(&cs, &vs, by);
    let (join, a) = assess_tables(&ct, &vt, &rules, as_of)
        .map_err(|_| ValidationErrors::from(FieldError::new(ErrorCode::InvalidType)))?;
    let ebv = errors_by_visit(&a);
    let rows: Vec<Value> = (0..a.len())
        .map(|i| row_json(&vt, &a, &ebv, i, locale))
        .collect();
    let errs: Vec<Value> = a
        .errors
        .iter()
        .map(|e| {
            let mut v = serde_json::to_value(e.error.localized(locale)).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert("visit".into(), json!(e.visit));
                m.insert("child_id".into(), json!(vt.child_ids[e.visit]));
            }
            v
        })
        .collect();
    let mut out = json!({"rules": rules.name, "visits": rows, "errors": errs});
    if let Some(p) = month {
        let (names, t) = skdn_tables(&ct, &vt, &join, &a, &rules, p);
        out["skdn"] = Value::Array(
            names
                .iter()
                .enumerate()
                .map(|(k, n)| skdn_row_json(by, n, &t.area_total(k), t.has_k, p))
                .collect(),
        );
    }
    Ok(out)
}

/// One SKDN row: the area, every count and every ratio (`value`,
/// `numerator`, `denominator`).
pub fn skdn_row_json(
    by: &str,
    area: &str,
    c: &super::skdn::SkdnCounts,
    has_k: bool,
    period: i32,
) -> Value {
    let mut m = Map::new();
    m.insert(by.to_owned(), json!(area));
    m.insert("month".into(), json!(super::date::format_period(period)));
    m.insert("S".into(), json!(c.s));
    m.insert("K".into(), if has_k { json!(c.k) } else { Value::Null });
    for (k, v) in [
        ("D", c.d),
        ("N", c.n),
        ("T", c.t),
        ("O", c.o),
        ("B", c.b),
        ("D′", c.d_prime()),
        ("2T", c.two_t),
        ("BGM", c.bgm),
        ("above_orange", c.above_orange),
        ("refer", c.refer),
    ] {
        m.insert(k.into(), json!(v));
    }
    for (name, r) in c.ratios(has_k) {
        m.insert(name.into(), json!(r.value));
        m.insert(format!("{name} numerator"), json!(r.numerator));
        m.insert(format!("{name} denominator"), json!(r.denominator));
    }
    Value::Object(m)
}

/// Parent areas at `level` for areas named by Kemendagri region codes
/// (`64.72.05.1001` → kecamatan `64.72.05`): the parent names in order of
/// first appearance and each area's parent index, for
/// [`SkdnTable::rollup`](super::skdn::SkdnTable::rollup). An area that is
/// not a region code, or is above `level`, stays its own parent.
pub fn parents_at_level(
    areas: &[String],
    level: crate::id::wilayah::Level,
) -> (Vec<String>, Vec<u32>) {
    let mut names: Vec<String> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let parent_of = areas
        .iter()
        .map(|a| {
            let name = crate::KodeWilayah::parse(a).map_or_else(
                |_| a.clone(),
                |k| {
                    std::iter::successors(Some(k), crate::KodeWilayah::parent)
                        .find(|p| p.level() == level)
                        .map_or_else(|| a.clone(), |p| p.to_string())
                },
            );
            *index.entry(name.clone()).or_insert_with(|| {
                names.push(name);
                u32::try_from(names.len() - 1).unwrap_or(u32::MAX)
            })
        })
        .collect();
    (names, parent_of)
}
