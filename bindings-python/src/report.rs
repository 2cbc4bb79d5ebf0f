//! The village report over in-memory register records.

use crate::{convert, errors};
use kampung_core::input::parse_date;
use kampung_core::register::table::EntityTables;
use kampung_core::report::{classify_kampung, KampungProfile, Report, ReportOptions};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::Value;

fn column<'py, T: IntoPyObject<'py> + Clone>(
    py: Python<'py>,
    v: Vec<T>,
) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, v)
}

fn as_of_arg(
    py: Python<'_>,
    as_of: &Bound<'_, PyAny>,
    loc: kampung_core::Locale,
) -> PyResult<chrono::NaiveDate> {
    match convert::to_value(as_of) {
        Value::String(s) => {
            parse_date(&s).map_err(|e| errors::validation_error(py, &e.into(), "options", loc))
        }
        _ => Err(pyo3::exceptions::PyTypeError::new_err(
            "as_of must be a datetime.date or a 'YYYY-MM-DD' string",
        )),
    }
}

/// Aggregates register records (dicts in the JSON Lines register format) by
/// region. Returns a dict of column lists: `indicators` (long format),
/// `regions`, `errors` (`record` = position in `records`), plus `exclusions`.
#[pyfunction]
#[pyo3(signature = (records, as_of, locale="id"))]
pub fn _report<'py>(
    py: Python<'py>,
    records: &Bound<'py, PyList>,
    as_of: &Bound<'py, PyAny>,
    locale: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let loc = errors::locale(locale)?;
    let as_of = as_of_arg(py, as_of, loc)?;
    let inputs: Vec<Value> = records.iter().map(|r| convert::to_value(&r)).collect();
    let report = py.detach(|| Report::from_records(&inputs, &ReportOptions::new(as_of), &mut ()));
    tables(py, report, loc, false)
}

/// As `_report`, reading a JSON Lines register file (`record` = line number,
/// from 1; a line that is not JSON is reported, not fatal).
#[pyfunction]
#[pyo3(signature = (path, as_of, locale="id"))]
pub fn _report_jsonl<'py>(
    py: Python<'py>,
    path: std::path::PathBuf,
    as_of: &Bound<'py, PyAny>,
    locale: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let loc = errors::locale(locale)?;
    let as_of = as_of_arg(py, as_of, loc)?;
    let file = std::fs::File::open(&path)?;
    let report =
        py.detach(|| Report::from_json_lines(file, &ReportOptions::new(as_of), &mut ()))?;
    tables(py, report, loc, false)
}

/// As `_report`, from three entity tables linked by `no_kk` (rows as
/// dicts, in any order): families, members, measurements. Errors carry the
/// table and the 0-based row.
#[pyfunction]
#[pyo3(signature = (families, members, measurements, as_of, locale="id"))]
pub fn _report_entities<'py>(
    py: Python<'py>,
    families: &Bound<'py, PyList>,
    members: &Bound<'py, PyList>,
    measurements: &Bound<'py, PyList>,
    as_of: &Bound<'py, PyAny>,
    locale: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let loc = errors::locale(locale)?;
    let as_of = as_of_arg(py, as_of, loc)?;
    let rows = |l: &Bound<'py, PyList>| -> Vec<Value> {
        l.iter().map(|r| convert::to_value(&r)).collect()
    };
    let (f, m, x) = (rows(families), rows(members), rows(measurements));
    let report = py.detach(|| {
        let t = EntityTables::new(&f[..], &m[..], &x[..]);
        Report::from_tables(&t, &ReportOptions::new(as_of), &mut ())
    });
    tables(py, report, loc, true)
}

fn tables<'py>(
    py: Python<'py>,
    report: Report,
    loc: kampung_core::Locale,
    with_table: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let (rows, problems, exclusions) = (report.rows, report.errors, report.exclusions);
    let out = PyDict::new(py);
    // Long format: one row per region and indicator.
    let (mut level, mut code, mut ind, mut group) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut num, mut den, mut val, mut lo, mut hi) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut r_level, mut r_code, mut r_fam) = (Vec::new(), Vec::new(), Vec::new());
    for r in &rows {
        let lv = serde_json::to_value(r.level)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        r_level.push(lv.clone());
        r_code.push(r.code.clone());
        r_fam.push(r.counts.families);
        for i in &r.indicators {
            level.push(lv.clone());
            code.push(r.code.clone());
            ind.push(i.indicator);
            group.push(i.group);
            num.push(i.estimate.numerator);
            den.push(i.estimate.denominator);
            val.push(i.estimate.value.unwrap_or(f64::NAN));
            lo.push(i.estimate.ci_low.unwrap_or(f64::NAN));
            hi.push(i.estimate.ci_high.unwrap_or(f64::NAN));
        }
    }
    let indicators = PyDict::new(py);
    indicators.set_item("level", column(py, level)?)?;
    indicators.set_item("code", column(py, code)?)?;
    indicators.set_item("indicator", column(py, ind)?)?;
    indicators.set_item("group", column(py, group)?)?;
    indicators.set_item("numerator", column(py, num)?)?;
    indicators.set_item("denominator", column(py, den)?)?;
    indicators.set_item("value", column(py, val)?)?;
    indicators.set_item("ci_low", column(py, lo)?)?;
    indicators.set_item("ci_high", column(py, hi)?)?;
    out.set_item("indicators", indicators)?;
    let regions = PyDict::new(py);
    regions.set_item("level", column(py, r_level)?)?;
    regions.set_item("code", column(py, r_code)?)?;
    regions.set_item("families", column(py, r_fam)?)?;
    out.set_item("regions", regions)?;
    let errs = PyDict::new(py);
    errs.set_item(
        "record",
        column(py, problems.iter().map(|p| p.record).collect::<Vec<_>>())?,
    )?;
    errs.set_item(
        "field",
        column(
            py,
            problems
                .iter()
                .map(|p| p.error.path().to_string())
                .collect::<Vec<_>>(),
        )?,
    )?;
    errs.set_item(
        "code",
        column(
            py,
            problems
                .iter()
                .map(|p| p.error.code().as_str())
                .collect::<Vec<_>>(),
        )?,
    )?;
    errs.set_item(
        "message",
        column(
            py,
            problems
                .iter()
                .map(|p| p.error.message(loc))
                .collect::<Vec<_>>(),
        )?,
    )?;
    errs.set_item(
        "excluded",
        column(
            py,
            problems
                .iter()
                .map(|p| p.excluded.as_str())
                .collect::<Vec<_>>(),
        )?,
    )?;
    if with_table {
        errs.set_item(
            "table",
            column(
                py,
                problems
                    .iter()
                    .map(|p| p.table.as_str())
                    .collect::<Vec<_>>(),
            )?,
        )?;
    }
    out.set_item("errors", errs)?;
    let ex = serde_json::to_value(&exclusions).unwrap_or(Value::Null);
    out.set_item("exclusions", convert::from_value(py, &ex)?)?;
    Ok(out)
}

/// Kampung KB classification (Dasar … Berkelanjutan) of one profile dict.
#[pyfunction]
#[pyo3(signature = (profile, locale="id"))]
pub fn _classify_kampung<'py>(
    py: Python<'py>,
    profile: &Bound<'py, PyAny>,
    locale: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let loc = errors::locale(locale)?;
    let p = KampungProfile::from_value(&convert::to_value(profile))
        .map_err(|e| errors::validation_error(py, &e, "KampungProfile", loc))?;
    let v = serde_json::to_value(classify_kampung(&p)).unwrap_or(Value::Null);
    convert::from_value(py, &v)
}
