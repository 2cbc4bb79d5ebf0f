//! WHO anthro's prevalence table (`kampung.growth.prevalence`) and the
//! data-quality report over columns: conversion only, the GIL released.

use crate::errors;
use crate::growth::{code_column, errors_table, measure_num, oedema_codes, sex_codes, slice};
use kampung_core::growth::prevalence::{
    prevalence, GroupValues, Ids, MethodChoice, PrevalenceInput, PrevalenceOptions,
};
use kampung_core::growth::{self, RowError};
use kampung_core::survey::{Domain, LonelyPsu};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

/// A grouping column as prepared by `kampung.growth`: `("numbers",
/// float64 array, None)`, `("coded", int64 codes, [labels])` (text, codes
/// of first appearance) or `("factor", int64 codes, [levels])`; −1 missing.
pub(crate) struct GroupSpec {
    kind: String,
    numbers: Vec<f64>,
    codes: Vec<u32>,
    labels: Vec<String>,
}

impl GroupSpec {
    pub(crate) fn extract(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<GroupSpec>> {
        let Some(obj) = obj else { return Ok(None) };
        if obj.is_none() {
            return Ok(None);
        }
        let t = obj.cast::<PyTuple>()?;
        let kind: String = t.get_item(0)?.extract()?;
        let mut spec = GroupSpec {
            kind,
            numbers: Vec::new(),
            codes: Vec::new(),
            labels: Vec::new(),
        };
        match spec.kind.as_str() {
            "numbers" => {
                let a: PyReadonlyArray1<'_, f64> = t.get_item(1)?.extract()?;
                spec.numbers = a.as_slice()?.to_vec();
            }
            "coded" | "factor" => {
                let a: PyReadonlyArray1<'_, i64> = t.get_item(1)?.extract()?;
                spec.codes = a
                    .as_slice()?
                    .iter()
                    .map(|&c| u32::try_from(c).unwrap_or(Domain::NO_GROUP))
                    .collect();
                spec.labels = t.get_item(2)?.extract()?;
            }
            other => {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "unknown group column kind {other:?}"
                )))
            }
        }
        Ok(Some(spec))
    }

    fn values<'a>(&'a self, labels: &'a [&'a str]) -> GroupValues<'a> {
        match self.kind.as_str() {
            "numbers" => GroupValues::Numbers(&self.numbers),
            "factor" => GroupValues::Factor {
                codes: &self.codes,
                levels: labels,
            },
            _ => GroupValues::Coded {
                codes: &self.codes,
                labels,
            },
        }
    }
}

/// Parsed sex, measure and oedema codes.
pub(crate) type Codes = (Vec<u8>, Option<Vec<u8>>, Option<Vec<bool>>);

/// Sex, measure and oedema columns parsed; a row whose code cannot be read
/// gets the invalid sex code 255 so that the table leaves it out (with a
/// note), after the parser's own row error.
pub(crate) fn codes(
    sex: &Bound<'_, PyAny>,
    measure: Option<&Bound<'_, PyAny>>,
    oedema: Option<&Bound<'_, PyAny>>,
    n: usize,
    row_errors: &mut Vec<RowError>,
) -> PyResult<Codes> {
    let mut sex_c = sex_codes(sex, n, row_errors)?;
    let measure_c = measure
        .map(|m| {
            code_column(
                m,
                "measure",
                n,
                growth::parse_measure,
                measure_num,
                0,
                row_errors,
            )
        })
        .transpose()?;
    let oedema_c = oedema_codes(oedema, n, row_errors)?;
    for e in row_errors.iter() {
        if let Some(s) = sex_c.get_mut(e.row) {
            *s = 255;
        }
    }
    Ok((sex_c, measure_c, oedema_c))
}

/// WHO anthro's `anthro_prevalence` over columns.
#[pyfunction]
#[pyo3(signature = (sex, age, is_age_in_month, weight, lenhei, measure, oedema, sw, cluster, strata, groups, nest, lonely_psu, method, threads, locale))]
#[allow(clippy::too_many_arguments)]
pub fn _prevalence<'py>(
    py: Python<'py>,
    sex: &Bound<'py, PyAny>,
    age: PyReadonlyArray1<'py, f64>,
    is_age_in_month: bool,
    weight: Option<PyReadonlyArray1<'py, f64>>,
    lenhei: Option<PyReadonlyArray1<'py, f64>>,
    measure: Option<&Bound<'py, PyAny>>,
    oedema: Option<&Bound<'py, PyAny>>,
    sw: Option<PyReadonlyArray1<'py, f64>>,
    cluster: Option<PyReadonlyArray1<'py, f64>>,
    strata: Option<PyReadonlyArray1<'py, f64>>,
    groups: &Bound<'py, PyList>,
    nest: bool,
    lonely_psu: &str,
    method: &str,
    threads: usize,
    locale: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let locale = errors::locale(locale)?;
    let lonely = LonelyPsu::parse(lonely_psu)
        .map_err(|e| errors::validation_error(py, &e.into(), "prevalence", locale))?;
    let method = match method {
        "auto" => MethodChoice::Auto,
        "survey" => MethodChoice::Survey,
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "method must be \"auto\" or \"survey\", not {other:?}"
            )))
        }
    };
    let age_s = age.as_slice()?;
    let n = age_s.len();
    let mut row_errors = Vec::new();
    let (sex_c, measure_c, oedema_c) = codes(sex, measure, oedema, n, &mut row_errors)?;
    let specs: Vec<Option<GroupSpec>> = (0..5)
        .map(|k| GroupSpec::extract(groups.get_item(k).ok().as_ref()))
        .collect::<PyResult<_>>()?;
    let labels: Vec<Vec<&str>> = specs
        .iter()
        .map(|s| {
            s.as_ref()
                .map_or_else(Vec::new, |s| s.labels.iter().map(String::as_str).collect())
        })
        .collect();
    let gv = |k: usize| specs[k].as_ref().map(|s| s.values(&labels[k]));
    let input = PrevalenceInput {
        sex: &sex_c,
        age: age_s,
        age_in_month: is_age_in_month,
        weight: slice(&weight)?,
        lenhei: slice(&lenhei)?,
        measure: measure_c.as_deref(),
        oedema: oedema_c.as_deref(),
        sw: slice(&sw)?,
        cluster: slice(&cluster)?.map(Ids::Numbers),
        strata: slice(&strata)?.map(Ids::Numbers),
        typeres: gv(0),
        gregion: gv(1),
        wealthq: gv(2),
        mothered: gv(3),
        othergr: gv(4),
    };
    let options = PrevalenceOptions::new()
        .with_method(method)
        .with_nest(nest)
        .with_lonely_psu(lonely)
        .with_threads(threads);
    let result = py.detach(|| prevalence(&input, &options));
    let (table, notes) = match result {
        Ok(x) => x,
        Err(kampung_core::Error::Validation(e)) => {
            return Err(errors::validation_error(py, &e, "prevalence", locale))
        }
        Err(e) => return Err(errors::schema_error(py, e.to_string())),
    };
    row_errors.extend(notes);
    row_errors.sort_by_key(|e| e.row);
    let out = PyDict::new(py);
    out.set_item("Group", PyList::new(py, &table.groups)?)?;
    let cols = PyDict::new(py);
    for (name, col) in table.names.iter().zip(table.columns) {
        cols.set_item(name, PyArray1::from_vec(py, col))?;
    }
    out.set_item("columns", cols)?;
    out.set_item("names", PyList::new(py, &table.names)?)?;
    out.set_item("method", table.method.as_str())?;
    out.set_item("df", table.df)?;
    out.set_item("children", table.children)?;
    out.set_item("level", table.level)?;
    out.set_item("notes", errors_table(py, &row_errors, locale)?)?;
    Ok(out)
}

/// The data-quality report over the same columns as `_prevalence`.
#[pyfunction]
#[pyo3(signature = (sex, age, is_age_in_month, weight, lenhei, measure, oedema, groups, dob_day, dob_month, threads, locale))]
#[allow(clippy::too_many_arguments)]
pub fn _quality<'py>(
    py: Python<'py>,
    sex: &Bound<'py, PyAny>,
    age: PyReadonlyArray1<'py, f64>,
    is_age_in_month: bool,
    weight: Option<PyReadonlyArray1<'py, f64>>,
    lenhei: Option<PyReadonlyArray1<'py, f64>>,
    measure: Option<&Bound<'py, PyAny>>,
    oedema: Option<&Bound<'py, PyAny>>,
    groups: &Bound<'py, PyList>,
    dob_day: Option<PyReadonlyArray1<'py, f64>>,
    dob_month: Option<PyReadonlyArray1<'py, f64>>,
    threads: usize,
    locale: &str,
) -> PyResult<Bound<'py, PyDict>> {
    use kampung_core::growth::quality::{quality, QualityInput};
    let locale = errors::locale(locale)?;
    let age_s = age.as_slice()?;
    let n = age_s.len();
    let mut row_errors = Vec::new();
    let (sex_c, measure_c, oedema_c) = codes(sex, measure, oedema, n, &mut row_errors)?;
    let specs: Vec<Option<GroupSpec>> = (0..5)
        .map(|k| GroupSpec::extract(groups.get_item(k).ok().as_ref()))
        .collect::<PyResult<_>>()?;
    let labels: Vec<Vec<&str>> = specs
        .iter()
        .map(|s| {
            s.as_ref()
                .map_or_else(Vec::new, |s| s.labels.iter().map(String::as_str).collect())
        })
        .collect();
    let gv = |k: usize| specs[k].as_ref().map(|s| s.values(&labels[k]));
    let input = QualityInput {
        children: PrevalenceInput {
            sex: &sex_c,
            age: age_s,
            age_in_month: is_age_in_month,
            weight: slice(&weight)?,
            lenhei: slice(&lenhei)?,
            measure: measure_c.as_deref(),
            oedema: oedema_c.as_deref(),
            typeres: gv(0),
            gregion: gv(1),
            wealthq: gv(2),
            mothered: gv(3),
            othergr: gv(4),
            ..Default::default()
        },
        dob_day: slice(&dob_day)?,
        dob_month: slice(&dob_month)?,
    };
    let options = PrevalenceOptions::new().with_threads(threads);
    let (report, notes) = match py.detach(|| quality(&input, &options)) {
        Ok(x) => x,
        Err(kampung_core::Error::Validation(e)) => {
            return Err(errors::validation_error(py, &e, "quality", locale))
        }
        Err(e) => return Err(errors::schema_error(py, e.to_string())),
    };
    row_errors.extend(notes);
    row_errors.sort_by_key(|e| e.row);
    let out = PyDict::new(py);
    // NaN becomes null
    out.set_item("report", serde_json::to_string(&report).unwrap_or_default())?;
    out.set_item("notes", errors_table(py, &row_errors, locale)?)?;
    Ok(out)
}
