//! The village report over in-memory register records.

use crate::{convert, errors};
use kampung_core::input::parse_date;
use kampung_core::register::RegisterOptions;
use kampung_core::report::{classify_kampung, KampungProfile, ReportBuilder};
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
    let built = py.detach(|| {
        let mut b = ReportBuilder::new(RegisterOptions::new(as_of));
        let mut problems = Vec::new();
        for (i, v) in inputs.iter().enumerate() {
            b.add_value(v, i as u64, &mut problems);
        }
        (b.rows(), problems, b.exclusions().clone())
    });
    tables(py, built, loc)
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
    use std::io::BufRead;
    let loc = errors::locale(locale)?;
    let as_of = as_of_arg(py, as_of, loc)?;
    let file = std::fs::File::open(&path)?;
    let built = py.detach(|| -> std::io::Result<_> {
        let mut b = ReportBuilder::new(RegisterOptions::new(as_of));
        let mut problems = Vec::new();
        for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let record = i as u64 + 1;
            match serde_json::from_str::<Value>(&line) {
                Ok(v) => b.add_value(&v, record, &mut problems),
                Err(e) => b.add_malformed(record, &format!("JSON: {e}"), &mut problems),
            }
        }
        Ok((b.rows(), problems, b.exclusions().clone()))
    })?;
    tables(py, built, loc)
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
    use kampung_core::register::entities::assemble_unsorted;
    use kampung_core::report::{contribution, Aggregator};
    let loc = errors::locale(locale)?;
    let as_of = as_of_arg(py, as_of, loc)?;
    let rows = |l: &Bound<'py, PyList>| -> Vec<Value> {
        l.iter().map(|r| convert::to_value(&r)).collect()
    };
    let (f, m, x) = (rows(families), rows(members), rows(measurements));
    let (region_rows, errs, read) = py.detach(|| {
        let opts = RegisterOptions::new(as_of);
        let read = assemble_unsorted(&f, &m, &x, &opts);
        let tables = kampung_core::growth::Tables2006::bundled();
        let mut agg = Aggregator::new();
        for (_, rf) in &read.families {
            agg.add(&contribution(rf, &opts, &tables));
        }
        let errs: Vec<_> = read
            .errors
            .iter()
            .map(|e| {
                (
                    e.table.as_str(),
                    e.row as u64,
                    e.error.clone(),
                    e.family_excluded,
                    e.family,
                )
            })
            .collect();
        (
            agg.rows(),
            errs,
            (
                read.families.len(),
                read.families_excluded,
                read.rows_excluded,
                read.measurements_excluded,
            ),
        )
    });
    let problems: Vec<kampung_core::report::Problem> = errs
        .iter()
        .map(|(_, row, e, fam, _)| kampung_core::report::Problem {
            record: *row,
            error: e.clone(),
            excluded: if *fam {
                kampung_core::report::Excluded::Family
            } else {
                kampung_core::report::Excluded::Measurement
            },
        })
        .collect();
    let mut ex = kampung_core::report::Exclusions {
        families_read: (read.0 + read.1) as u64,
        families_included: read.0 as u64,
        families_excluded: read.1 as u64,
        measurements_excluded: read.3 as u64,
        ..Default::default()
    };
    // One count per distinct code and excluded family (however many of its
    // rows have it), or excluded row, as the CLI counts.
    let mut by_row: std::collections::BTreeMap<(&str, u64), Vec<&'static str>> = Default::default();
    for (table, row, e, excluded, family) in &errs {
        let key = match family {
            Some(f) if *excluded => ("families", *f as u64),
            _ => (*table, *row),
        };
        by_row.entry(key).or_default().push(e.code().as_str());
    }
    for codes in by_row.into_values() {
        kampung_core::report::count_reasons(&mut ex.reasons, codes);
    }
    let out = tables(py, (region_rows, problems, ex), loc)?;
    if let Some(e) = out.get_item("errors")? {
        if let Ok(d) = e.cast::<PyDict>() {
            d.set_item(
                "table",
                PyList::new(py, errs.iter().map(|(t, _, _, _, _)| *t))?,
            )?;
        }
    }
    if let Some(e) = out.get_item("exclusions")? {
        if let Ok(d) = e.cast::<PyDict>() {
            d.set_item("rows_excluded", read.2)?;
        }
    }
    Ok(out)
}

type Built = (
    Vec<kampung_core::report::RegionRow>,
    Vec<kampung_core::report::Problem>,
    kampung_core::report::Exclusions,
);

fn tables<'py>(
    py: Python<'py>,
    built: Built,
    loc: kampung_core::Locale,
) -> PyResult<Bound<'py, PyDict>> {
    let (rows, problems, exclusions) = built;
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
                .map(|p| match p.excluded {
                    kampung_core::report::Excluded::Family => "family",
                    kampung_core::report::Excluded::Measurement => "measurement",
                })
                .collect::<Vec<_>>(),
        )?,
    )?;
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
