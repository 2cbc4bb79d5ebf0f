//! Mapping core errors to the Python exception classes of `kampung.errors`.

use crate::convert::from_value;
use kampung_core::{Locale, ValidationErrors};
use pyo3::prelude::*;
use pyo3::types::PyList;

/// `kampung.errors.ValidationError(summary, errors, title)`.
pub fn validation_error(
    py: Python<'_>,
    errors: &ValidationErrors,
    title: &str,
    locale: Locale,
) -> PyErr {
    match build(py, errors, title, locale) {
        Ok(e) => e,
        Err(e) => e,
    }
}

fn build(
    py: Python<'_>,
    errors: &ValidationErrors,
    title: &str,
    locale: Locale,
) -> PyResult<PyErr> {
    let list = PyList::empty(py);
    for e in errors.errors() {
        let v = serde_json::to_value(e.localized(locale))
            .map_err(|err| pyo3::exceptions::PyRuntimeError::new_err(err.to_string()))?;
        list.append(from_value(py, &v)?)?;
    }
    let cls = py.import("kampung.errors")?.getattr("ValidationError")?;
    let inst = cls.call1((errors.summary(title, locale), list, title))?;
    Ok(PyErr::from_value(inst))
}

/// `kampung.errors.SchemaError(message)` for wrong calls (lengths, dtypes).
pub fn schema_error(py: Python<'_>, message: String) -> PyErr {
    let made = py
        .import("kampung.errors")
        .and_then(|m| m.getattr("SchemaError"))
        .and_then(|cls| cls.call1((message.clone(),)));
    match made {
        Ok(inst) => PyErr::from_value(inst),
        Err(e) => e,
    }
}

/// Parses a `locale` argument; an unknown tag is a programmer error (`ValueError`).
pub fn locale(tag: &str) -> PyResult<Locale> {
    Locale::parse(tag).map_err(|_| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "unknown locale {tag:?}: use \"id\" or \"en\""
        ))
    })
}
