//! KB indicators, KRS and screening: one-record and batch calls.

use crate::{convert, errors};
use kampung_core::{Locale, ValidationErrors};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::{Map, Value};

type Eval = fn(&Value, &Value) -> Result<Value, ValidationErrors>;

fn to_json<T: serde::Serialize>(r: Result<T, ValidationErrors>) -> Result<Value, ValidationErrors> {
    r.map(|v| serde_json::to_value(v).unwrap_or(Value::Null))
}

fn evaluator(area: &str) -> PyResult<(Eval, &'static str)> {
    Ok(match area {
        "kb_indicators" => (
            |i, o| to_json(kampung_core::kb::kb_indicators_json(i, o)),
            "KbIndicators",
        ),
        "krs" => (
            |i, o| to_json(kampung_core::risk::evaluate_krs_json(i, o)),
            "Krs",
        ),
        "catin" => (
            |i, o| to_json(kampung_core::risk::screen_catin_json(i, o)),
            "CatinScreening",
        ),
        "ibu_hamil" => (
            |i, o| to_json(kampung_core::risk::screen_ibu_hamil_json(i, o)),
            "IbuHamilScreening",
        ),
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "unknown area {other:?}"
            )));
        }
    })
}

fn options_locale(options: &Value) -> PyResult<Locale> {
    match options.get("locale") {
        Some(Value::String(s)) => errors::locale(s),
        _ => Ok(Locale::Id),
    }
}

/// Evaluates one record of `area`; returns the result dict or raises ValidationError.
#[pyfunction]
pub fn _evaluate<'py>(
    py: Python<'py>,
    area: &str,
    data: &Bound<'py, PyAny>,
    options: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let (eval, title) = evaluator(area)?;
    let input = convert::to_value(data);
    let opts = convert::to_value(options);
    let locale = options_locale(&opts)?;
    match py.detach(|| eval(&input, &opts)) {
        Ok(v) => convert::from_value(py, &v),
        Err(e) => Err(errors::validation_error(py, &e, title, locale)),
    }
}

/// Flattens one result into columns: nested objects as `parent.child`,
/// lists of `{code, …}` as lists of codes.
fn flatten(prefix: &str, v: &Value, out: &mut Map<String, Value>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, x, out);
            }
        }
        Value::Array(a) => {
            let codes: Vec<Value> = a
                .iter()
                .map(|x| x.get("code").cloned().unwrap_or_else(|| x.clone()))
                .collect();
            out.insert(prefix.to_owned(), Value::Array(codes));
        }
        scalar => {
            out.insert(prefix.to_owned(), scalar.clone());
        }
    }
}

/// Evaluates many records of `area` without raising per row. Returns
/// `(results, errors)`, two dicts of equal-length columns: `results` has one
/// row per valid input (column `row` = its position), `errors` one row per
/// problem (`row, field, code, message`).
#[pyfunction]
pub fn _evaluate_batch<'py>(
    py: Python<'py>,
    area: &str,
    records: &Bound<'py, PyList>,
    options: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyDict>)> {
    let (eval, _) = evaluator(area)?;
    let opts = convert::to_value(options);
    let locale = options_locale(&opts)?;
    let inputs: Vec<Value> = records.iter().map(|r| convert::to_value(&r)).collect();
    let outcome = py.detach(|| {
        let mut rows: Vec<(usize, Map<String, Value>)> = Vec::new();
        let mut errs: Vec<(usize, String, &'static str, String)> = Vec::new();
        for (i, input) in inputs.iter().enumerate() {
            match eval(input, &opts) {
                Ok(v) => {
                    let mut flat = Map::new();
                    flatten("", &v, &mut flat);
                    rows.push((i, flat));
                }
                Err(e) => {
                    for fe in e.errors() {
                        errs.push((
                            i,
                            fe.path().to_string(),
                            fe.code().as_str(),
                            fe.message(locale),
                        ));
                    }
                }
            }
        }
        (rows, errs)
    });
    let (rows, errs) = outcome;
    // Column order: `row`, then the keys of the first result in order.
    let mut names: Vec<String> = vec!["row".to_owned()];
    for (_, r) in &rows {
        for k in r.keys() {
            if !names.contains(k) {
                names.push(k.clone());
            }
        }
    }
    let results = PyDict::new(py);
    for name in &names {
        let col = PyList::empty(py);
        for (i, r) in &rows {
            if name == "row" {
                col.append(*i)?;
            } else {
                col.append(convert::from_value(
                    py,
                    r.get(name).unwrap_or(&Value::Null),
                )?)?;
            }
        }
        results.set_item(name, col)?;
    }
    let errors = PyDict::new(py);
    let (row, field, code, message) = (
        PyList::empty(py),
        PyList::empty(py),
        PyList::empty(py),
        PyList::empty(py),
    );
    for (i, f, c, m) in errs {
        row.append(i)?;
        field.append(f)?;
        code.append(c)?;
        message.append(m)?;
    }
    errors.set_item("row", row)?;
    errors.set_item("field", field)?;
    errors.set_item("code", code)?;
    errors.set_item("message", message)?;
    Ok((results, errors))
}
