//! Region names from the bundled gazetteer (`kampung.wilayah`).

use crate::{convert, errors};
use kampung_core::{Gazetteer, KodeWilayah, Locale};
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyInt, PyList, PyString};
use std::collections::HashMap;

/// A code from a Python value: text (dots optional, trimmed), or a whole
/// number (as pandas reads a code column without dots). `None` for
/// anything else, or a malformed code.
fn code_of(item: &Bound<'_, PyAny>) -> Option<KodeWilayah> {
    if let Ok(s) = item.cast::<PyString>() {
        return KodeWilayah::parse(&s.to_cow().ok()?).ok();
    }
    if item.is_instance_of::<PyInt>() {
        return KodeWilayah::parse(&item.extract::<u64>().ok()?.to_string()).ok();
    }
    if let Ok(f) = item.cast::<PyFloat>() {
        let x = f.value();
        // Integral and at most 10 digits: exact in f64.
        if x.fract() == 0.0 && (10.0..1e10).contains(&x) {
            return KodeWilayah::parse(&format!("{x:.0}")).ok();
        }
    }
    None
}

/// A single code, as the constructor of `KodeWilayah` reads it, or a whole
/// number; errors raised.
fn parse_one(py: Python<'_>, code: &Bound<'_, PyAny>, loc: Locale) -> PyResult<KodeWilayah> {
    let s = match code.extract::<u64>() {
        Ok(n) if code.is_instance_of::<PyInt>() => n.to_string(),
        _ => crate::text_arg(py, code, "KodeWilayah", loc)?,
    };
    KodeWilayah::parse(&s).map_err(|e| errors::validation_error(py, &e, "KodeWilayah", loc))
}

/// The name of one code, or None when it is not in the gazetteer.
#[pyfunction]
#[pyo3(signature = (code, *, locale="id"))]
pub fn _wilayah_name(
    py: Python<'_>,
    code: &Bound<'_, PyAny>,
    locale: &str,
) -> PyResult<Option<&'static str>> {
    let loc = errors::locale(locale)?;
    Ok(parse_one(py, code, loc)?.name())
}

/// The names of a list of codes: one entry per item, None where the item is
/// missing, malformed or not in the gazetteer. Each distinct name is one
/// Python string, shared by the rows that have it.
#[pyfunction]
pub fn _wilayah_names<'py>(
    py: Python<'py>,
    codes: &Bound<'py, PyList>,
) -> PyResult<Bound<'py, PyList>> {
    let parsed: Vec<Option<KodeWilayah>> = codes.iter().map(|c| code_of(&c)).collect();
    let g = Gazetteer::bundled();
    let found: Vec<Option<&'static str>> =
        py.detach(|| parsed.iter().map(|c| c.and_then(|c| g.name(&c))).collect());
    let mut shared: HashMap<&'static str, Bound<'py, PyString>> = HashMap::new();
    let out = PyList::empty(py);
    for name in found {
        match name {
            Some(n) => {
                let s = shared.entry(n).or_insert_with(|| PyString::new(py, n));
                out.append(s.clone())?;
            }
            None => out.append(py.None())?,
        }
    }
    Ok(out)
}

/// `(code, name)` of the regions one level below `code` (the provinces for
/// None); raises for a malformed code, KeyError for one not in the gazetteer.
#[pyfunction]
#[pyo3(signature = (code=None, *, locale="id"))]
pub fn _wilayah_children(
    py: Python<'_>,
    code: Option<&Bound<'_, PyAny>>,
    locale: &str,
) -> PyResult<Vec<(String, &'static str)>> {
    let loc = errors::locale(locale)?;
    let g = Gazetteer::bundled();
    let regions = match code {
        None => g.provinces(),
        Some(c) => {
            let k = parse_one(py, c, loc)?;
            g.children(&k)
                .ok_or_else(|| pyo3::exceptions::PyKeyError::new_err(k.to_string()))?
        }
    };
    Ok(regions.map(|r| (r.code.to_string(), r.name)).collect())
}

/// The gazetteer's source (regulation, data, package, licences) and counts.
#[pyfunction]
pub fn _wilayah_source(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let g = Gazetteer::bundled();
    let v = serde_json::json!({
        "source": g.source(),
        "counts": g.counts(),
    });
    convert::from_value(py, &v)
}
