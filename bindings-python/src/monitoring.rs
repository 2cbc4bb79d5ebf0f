//! Growth monitoring over columns (`kampung.monitoring`): converts the
//! children and visits columns prepared by `monitoring.py`, calls
//! `kampung_core::monitoring::{assess, skdn}` with the GIL released, and
//! returns numpy arrays and lists.

use crate::{convert, errors};
use kampung_core::id::wilayah::Level;
use kampung_core::monitoring::date::{parse_month, BAD_DATE, NO_DATE};
use kampung_core::monitoring::records::{
    bool_cell, date_cell, measure_cell, parents_at_level, sex_cell, source_cell,
};
use kampung_core::monitoring::skdn::{SkdnCounts, AGE_GROUPS};
use kampung_core::monitoring::{
    assess, join_children, skdn, Assessment, ChildJoin, Children, Code, MonitoringRules,
    ReferReason, VelocityTable, Visits, Warning, NO_VALUE,
};
use kampung_core::Locale;
use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

/// Child ids: all integers, or text.
enum Ids {
    Int(Vec<i64>),
    Str(Vec<String>),
}

impl Ids {
    fn read(obj: &Bound<'_, PyAny>) -> PyResult<Ids> {
        if let Ok(a) = obj.cast::<PyArray1<i64>>() {
            return Ok(Ids::Int(a.readonly().as_slice()?.to_vec()));
        }
        let list = obj.cast::<PyList>()?;
        let mut out = Vec::with_capacity(list.len());
        for x in list.iter() {
            out.push(if x.is_none() {
                String::new()
            } else if let Ok(s) = x.cast::<PyString>() {
                s.to_cow()?.trim().to_owned()
            } else {
                x.str()?.to_cow()?.trim().to_owned()
            });
        }
        Ok(Ids::Str(out))
    }

    fn into_strings(self) -> Vec<String> {
        match self {
            Ids::Int(v) => v.iter().map(ToString::to_string).collect(),
            Ids::Str(v) => v,
        }
    }
}

fn join(children: Ids, visits: Ids) -> ChildJoin {
    match (children, visits) {
        (Ids::Int(c), Ids::Int(v)) => join_children(&c, &v),
        (c, v) => join_children(&c.into_strings(), &v.into_strings()),
    }
}

/// A text cell of a list, `None` for `None`/NaN.
fn text(x: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if x.is_none() {
        return Ok(None);
    }
    if let Ok(s) = x.cast::<PyString>() {
        return Ok(Some(s.to_cow()?.into_owned()));
    }
    if let Ok(f) = x.extract::<f64>() {
        if f.is_nan() {
            return Ok(None);
        }
        if f.fract() == 0.0 && f.abs() < 1e15 {
            #[allow(clippy::cast_possible_truncation)]
            return Ok(Some((f as i64).to_string()));
        }
    }
    Ok(Some(x.str()?.to_cow()?.into_owned()))
}

/// A code column: a float64 array (numeric codes, NaN missing) or a list
/// of text; each cell read by `cell` (the core's text readers).
fn codes(
    obj: Option<&Bound<'_, PyAny>>,
    n: usize,
    cell: impl Fn(Option<&str>) -> u8,
) -> PyResult<Option<Vec<u8>>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    let mut out = Vec::with_capacity(n);
    if let Ok(a) = obj.cast::<PyArray1<f64>>() {
        for &x in a.readonly().as_slice()? {
            if x.is_nan() {
                out.push(cell(None));
            } else {
                #[allow(clippy::cast_possible_truncation)]
                let t = if x.fract() == 0.0 && x.abs() < 1e15 {
                    (x as i64).to_string()
                } else {
                    x.to_string()
                };
                out.push(cell(Some(&t)));
            }
        }
    } else {
        for x in obj.cast::<PyList>()?.iter() {
            out.push(cell(text(&x)?.as_deref()));
        }
    }
    Ok(Some(out))
}

/// Dates: an int64 array of days since 1970-01-01 (`i64::MIN` missing) or
/// a list of `YYYY-MM-DD` text.
fn dates(obj: &Bound<'_, PyAny>) -> PyResult<Vec<i32>> {
    if let Ok(a) = obj.cast::<PyArray1<i64>>() {
        return Ok(a
            .readonly()
            .as_slice()?
            .iter()
            .map(|&d| {
                if d == i64::MIN {
                    NO_DATE
                } else {
                    i32::try_from(d).unwrap_or(BAD_DATE)
                }
            })
            .collect());
    }
    obj.cast::<PyList>()?
        .iter()
        .map(|x| Ok(date_cell(text(&x)?.as_deref())))
        .collect()
}

fn floats<'py>(d: &Bound<'py, PyDict>, key: &str) -> PyResult<Option<PyReadonlyArray1<'py, f64>>> {
    match d.get_item(key)? {
        Some(v) if !v.is_none() => Ok(Some(v.extract()?)),
        _ => Ok(None),
    }
}

fn opt_slice<'a>(a: &'a Option<PyReadonlyArray1<'_, f64>>) -> PyResult<Option<&'a [f64]>> {
    a.as_ref()
        .map(|x| x.as_slice())
        .transpose()
        .map_err(Into::into)
}

fn item<'py>(d: &Bound<'py, PyDict>, key: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    Ok(d.get_item(key)?.filter(|v| !v.is_none()))
}

fn ints<'py>(py: Python<'py>, v: &[i32]) -> Bound<'py, PyArray1<i32>> {
    PyArray1::from_slice(py, v)
}

fn tri<'py>(py: Python<'py>, v: &[Option<bool>]) -> Bound<'py, PyArray1<i8>> {
    PyArray1::from_iter(py, v.iter().map(|x| x.map_or(-1, i8::from)))
}

fn code_list<'py>(py: Python<'py>, v: &[Option<Code>]) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, v.iter().map(|c| c.map(Code::as_str)))
}

/// The visit columns of an assessment.
fn visit_columns<'py>(py: Python<'py>, a: &Assessment) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    let n = a.len();
    d.set_item(
        "status",
        PyList::new(py, a.status.iter().map(|s| s.as_str()))?,
    )?;
    d.set_item(
        "period",
        PyList::new(
            py,
            a.period.iter().map(|&p| {
                (p != NO_VALUE).then(|| kampung_core::monitoring::date::format_period(p))
            }),
        )?,
    )?;
    d.set_item("age_days", ints(py, &a.age_days))?;
    d.set_item("age_months", ints(py, &a.age_months))?;
    d.set_item("kbm_age_months", ints(py, &a.kbm_age_months))?;
    d.set_item("gain_g", ints(py, &a.gain_g))?;
    d.set_item("kbm_g", ints(py, &a.kbm_g))?;
    d.set_item("code", code_list(py, &a.code)?)?;
    let t_run: Vec<i32> = (0..n)
        .map(|i| a.code[i].map_or(NO_VALUE, |_| i32::from(a.t_run[i])))
        .collect();
    d.set_item("t_run", ints(py, &t_run))?;
    let two_t: Vec<Option<bool>> = (0..n).map(|i| a.two_t(i)).collect();
    d.set_item("two_t", tri(py, &two_t))?;
    d.set_item("gap_nt", code_list(py, &a.gap_nt)?)?;
    d.set_item("waz", PyArray1::from_slice(py, &a.waz))?;
    d.set_item("waz_change", PyArray1::from_slice(py, &a.waz_change))?;
    d.set_item("crossed_line_down", tri(py, &a.crossed_line_down))?;
    d.set_item("bgm", tri(py, &a.bgm))?;
    d.set_item("above_orange", tri(py, &a.above_orange))?;
    let refer: Vec<Option<bool>> = (0..n).map(|i| a.refer(i)).collect();
    d.set_item("refer", tri(py, &refer))?;
    let reasons = PyList::empty(py);
    for &m in &a.refer_reasons {
        reasons.append(PyList::new(
            py,
            ReferReason::of_mask(m).map(ReferReason::as_str),
        )?)?;
    }
    d.set_item("refer_reasons", reasons)?;
    d.set_item("weight_faltering", tri(py, &a.weight_faltering))?;
    // Without velocity the core leaves its columns empty: the DataFrame
    // keeps them, missing.
    let none = kampung_core::monitoring::assess::VelocityColumns {
        z: vec![f64::NAN; n],
        centile: vec![f64::NAN; n],
        interval_days: vec![kampung_core::monitoring::NO_VALUE; n],
        status: vec![None; n],
    };
    let computed = a.velocity.iter().all(|c| c.z.len() == n);
    for (slot, t) in VelocityTable::ALL.iter().enumerate() {
        let c = if computed { &a.velocity[slot] } else { &none };
        let name = t.as_str();
        d.set_item(format!("{name}_z"), PyArray1::from_slice(py, &c.z))?;
        d.set_item(
            format!("{name}_centile"),
            PyArray1::from_slice(py, &c.centile),
        )?;
        d.set_item(format!("{name}_days"), ints(py, &c.interval_days))?;
        d.set_item(
            format!("{name}_reason"),
            PyList::new(py, c.status.iter().map(|s| s.and_then(|s| s.reason())))?,
        )?;
    }
    let warnings = PyList::empty(py);
    for &m in &a.warnings {
        warnings.append(PyList::new(py, Warning::of_mask(m).map(Warning::as_str))?)?;
    }
    d.set_item("warnings", warnings)?;
    let mut per_visit: Vec<Vec<&str>> = vec![Vec::new(); n];
    for e in &a.errors {
        per_visit[e.visit].push(e.error.code().as_str());
    }
    d.set_item("errors", PyList::new(py, per_visit)?)?;
    Ok(d)
}

fn errors_table<'py>(
    py: Python<'py>,
    a: &Assessment,
    locale: Locale,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(
        "row",
        PyArray1::from_iter(
            py,
            a.errors
                .iter()
                .map(|e| i64::try_from(e.visit).unwrap_or(-1)),
        ),
    )?;
    d.set_item(
        "field",
        PyList::new(py, a.errors.iter().map(|e| e.error.path().to_string()))?,
    )?;
    d.set_item(
        "code",
        PyList::new(py, a.errors.iter().map(|e| e.error.code().as_str()))?,
    )?;
    d.set_item(
        "message",
        PyList::new(py, a.errors.iter().map(|e| e.error.message(locale)))?,
    )?;
    Ok(d)
}

/// One SKDN output row: area, (sex, age group) for a cell, counts.
type SkdnRow = (String, Option<(&'static str, &'static str)>, SkdnCounts);

/// SKDN rows: one per area (or per area × sex × age group) with counts and
/// ratios.
fn skdn_columns<'py>(
    py: Python<'py>,
    names: &[String],
    table: &kampung_core::monitoring::SkdnTable,
    by: &str,
    breakdown: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let mut rows: Vec<SkdnRow> = Vec::new();
    for (k, name) in names.iter().enumerate() {
        if breakdown {
            for (si, sex) in ["male", "female"].iter().enumerate() {
                for (g, (label, _, _)) in AGE_GROUPS.iter().enumerate() {
                    rows.push((name.clone(), Some((sex, label)), *table.cell(k, si, g)));
                }
            }
        } else {
            rows.push((name.clone(), None, table.area_total(k)));
        }
    }
    let d = PyDict::new(py);
    d.set_item(by, PyList::new(py, rows.iter().map(|r| r.0.clone()))?)?;
    d.set_item(
        "month",
        PyList::new(
            py,
            rows.iter()
                .map(|_| kampung_core::monitoring::date::format_period(table.period)),
        )?,
    )?;
    if breakdown {
        d.set_item(
            "sex",
            PyList::new(py, rows.iter().map(|r| r.1.map(|x| x.0)))?,
        )?;
        d.set_item(
            "age_group",
            PyList::new(py, rows.iter().map(|r| r.1.map(|x| x.1)))?,
        )?;
    }
    let count = |f: fn(&SkdnCounts) -> u64| {
        PyArray1::from_iter(
            py,
            rows.iter().map(|r| i64::try_from(f(&r.2)).unwrap_or(-1)),
        )
    };
    d.set_item("S", count(|c| c.s))?;
    if table.has_k {
        d.set_item("K", count(|c| c.k))?;
    }
    d.set_item("D", count(|c| c.d))?;
    d.set_item("N", count(|c| c.n))?;
    d.set_item("T", count(|c| c.t))?;
    d.set_item("O", count(|c| c.o))?;
    d.set_item("B", count(|c| c.b))?;
    d.set_item("D′", count(SkdnCounts::d_prime))?;
    d.set_item("2T", count(|c| c.two_t))?;
    d.set_item("BGM", count(|c| c.bgm))?;
    d.set_item("above_orange", count(|c| c.above_orange))?;
    d.set_item("refer", count(|c| c.refer))?;
    let ratio_names: Vec<&str> = SkdnCounts::default()
        .ratios(table.has_k)
        .iter()
        .map(|(n, _)| *n)
        .collect();
    for (j, name) in ratio_names.iter().enumerate() {
        let rs: Vec<_> = rows.iter().map(|r| r.2.ratios(table.has_k)[j].1).collect();
        d.set_item(
            *name,
            PyArray1::from_iter(py, rs.iter().map(|r| r.value.unwrap_or(f64::NAN))),
        )?;
        d.set_item(
            format!("{name} numerator"),
            PyArray1::from_iter(
                py,
                rs.iter().map(|r| i64::try_from(r.numerator).unwrap_or(-1)),
            ),
        )?;
        d.set_item(
            format!("{name} denominator"),
            PyArray1::from_iter(
                py,
                rs.iter()
                    .map(|r| i64::try_from(r.denominator).unwrap_or(-1)),
            ),
        )?;
    }
    Ok(d)
}

/// Assesses visits (and, with `month`, summarises SKDN by `by`).
///
/// Returns `(visit columns, errors table, skdn columns or None)`.
#[pyfunction]
#[pyo3(signature = (children, visits, options, locale="id", month=None, by="posyandu_id", level=None, breakdown=false))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
pub fn _monitoring<'py>(
    py: Python<'py>,
    children: &Bound<'py, PyDict>,
    visits: &Bound<'py, PyDict>,
    options: &Bound<'py, PyAny>,
    locale: &str,
    month: Option<&str>,
    by: &str,
    level: Option<&str>,
    breakdown: bool,
) -> PyResult<(
    Bound<'py, PyDict>,
    Bound<'py, PyDict>,
    Option<Bound<'py, PyDict>>,
)> {
    let loc = errors::locale(locale)?;
    let opts = convert::to_value(options);
    let rules = MonitoringRules::from_options(&opts)
        .map_err(|e| errors::validation_error(py, &e, "monitoring options", loc))?;
    let as_of = match opts.get("as_of").and_then(serde_json::Value::as_str) {
        None => None,
        Some(s) => Some(
            kampung_core::input::parse_date(s)
                .map(kampung_core::monitoring::date::to_days)
                .map_err(|e| {
                    errors::validation_error(
                        py,
                        &e.with_outer(kampung_core::PathSegment::Field("as_of"))
                            .into(),
                        "monitoring options",
                        loc,
                    )
                })?,
        ),
    };
    let period = month
        .map(|m| {
            parse_month(m).map_err(|e| {
                errors::validation_error(
                    py,
                    &e.with_outer(kampung_core::PathSegment::Field("month"))
                        .into(),
                    "skdn",
                    loc,
                )
            })
        })
        .transpose()?;
    let level = match level {
        None => None,
        Some("provinsi") => Some(Level::Provinsi),
        Some("kabupaten_kota" | "kabupaten" | "kota") => Some(Level::KabupatenKota),
        Some("kecamatan") => Some(Level::Kecamatan),
        Some("desa_kelurahan" | "desa" | "kelurahan") => Some(Level::DesaKelurahan),
        Some(other) => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "unknown level {other:?}: use provinsi, kabupaten_kota, kecamatan or desa_kelurahan"
            )))
        }
    };
    let req = |d: &Bound<'py, PyDict>, k: &str| {
        item(d, k)?.ok_or_else(|| errors::schema_error(py, format!("missing column `{k}`")))
    };
    // ---- children ----
    let cids = Ids::read(&req(children, "child_id")?)?;
    let sex = codes(Some(&req(children, "sex")?), 0, sex_cell)?.unwrap_or_default();
    let birth = dates(&req(children, "birth_date")?)?;
    let has_kia = codes(item(children, "has_kia")?.as_ref(), sex.len(), |c| {
        bool_cell(c, 2)
    })?;
    let area: Vec<String> = match item(children, "area")? {
        Some(a) => a
            .cast::<PyList>()?
            .iter()
            .map(|x| Ok(text(&x)?.unwrap_or_default()))
            .collect::<PyResult<_>>()?,
        None => vec![String::new(); sex.len()],
    };
    // ---- visits ----
    let vids = Ids::read(&req(visits, "child_id")?)?;
    let vdate = dates(&req(visits, "visit_date")?)?;
    let n = vdate.len();
    let weight: PyReadonlyArray1<'py, f64> = req(visits, "weight_kg")?.extract()?;
    let (len, hc, muac) = (
        floats(visits, "lenhei_cm")?,
        floats(visits, "headc_cm")?,
        floats(visits, "muac_cm")?,
    );
    let measure = codes(item(visits, "measure")?.as_ref(), n, measure_cell)?;
    let oedema = codes(item(visits, "oedema")?.as_ref(), n, |c| bool_cell(c, 0))?;
    let source = codes(item(visits, "source")?.as_ref(), n, source_cell)?;
    let join = join(cids, vids);
    let (w, l, h, m) = (
        weight.as_slice()?,
        opt_slice(&len)?,
        opt_slice(&hc)?,
        opt_slice(&muac)?,
    );
    let child_view = Children {
        sex: &sex,
        birth: &birth,
        has_kia: has_kia.as_deref(),
    };
    let visit_view = Visits {
        child: &join.child_of_visit,
        date: &vdate,
        weight_kg: w,
        lenhei_cm: l,
        measure: measure.as_deref(),
        oedema: oedema.as_deref(),
        headc_cm: h,
        muac_cm: m,
        source: source.as_deref(),
    };
    let result = py.detach(|| {
        let a = assess(&child_view, &join, &visit_view, &rules, as_of)?;
        let table = period.map(|p| {
            let mut names: Vec<String> = Vec::new();
            let mut index = std::collections::HashMap::new();
            let ids: Vec<u32> = area
                .iter()
                .map(|x| {
                    *index.entry(x.clone()).or_insert_with(|| {
                        names.push(x.clone());
                        u32::try_from(names.len() - 1).unwrap_or(u32::MAX)
                    })
                })
                .collect();
            let t = skdn(
                &child_view,
                &join,
                &ids,
                names.len(),
                &visit_view,
                &a,
                &rules,
                p,
            );
            match level {
                Some(lv) => {
                    let (parents, parent_of) = parents_at_level(&names, lv);
                    let up = t.rollup(&parent_of, parents.len());
                    (parents, up)
                }
                None => (names, t),
            }
        });
        Ok::<_, kampung_core::error::ShapeError>((a, table))
    });
    let (a, table) = result.map_err(|e| errors::schema_error(py, e.to_string()))?;
    let cols = visit_columns(py, &a)?;
    let errs = errors_table(py, &a, loc)?;
    let sk = match &table {
        Some((names, t)) => Some(skdn_columns(py, names, t, by, breakdown)?),
        None => None,
    };
    Ok((cols, errs, sk))
}
