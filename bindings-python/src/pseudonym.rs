//! Pseudonymisation (`kampung.pseudonymize`): the core's keyed tokens over
//! table columns and JSON Lines files, computed with the GIL released. The
//! key is taken as bytes and never kept, printed or returned.

use crate::errors;
use kampung_core::pseudonym::{
    self as ps, BirthDatePrecision, ColumnRole, PseudonymKey, PseudonymOptions, RegionPrecision,
};
use pyo3::prelude::*;

fn key_of(py: Python<'_>, key: &[u8]) -> PyResult<PseudonymKey> {
    PseudonymKey::new(key)
        .map_err(|e| errors::validation_error(py, &e.into(), "key", kampung_core::Locale::En))
}

fn options(birth_month: bool, kecamatan: bool) -> PseudonymOptions {
    let mut o = PseudonymOptions::new();
    if birth_month {
        o = o.with_birth_date(BirthDatePrecision::Month);
    }
    if kecamatan {
        o = o.with_region(RegionPrecision::Kecamatan);
    }
    o
}

/// A column as optional texts: `None`/NaN missing, whole numbers (also
/// whole floats, as pandas stores integers with missing values) as their
/// digits, dates as ISO text.
fn texts(py: Python<'_>, values: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<Option<String>>> {
    let mut out = Vec::new();
    for v in values.try_iter()? {
        let v = v?;
        out.push(if v.is_none() {
            None
        } else if let Ok(s) = v.extract::<String>() {
            Some(s)
        } else if v.is_instance_of::<pyo3::types::PyBool>() {
            return Err(errors::schema_error(
                py,
                format!("column {name}: booleans are not identifiers"),
            ));
        } else if let Ok(i) = v.extract::<i128>() {
            Some(i.to_string())
        } else if let Ok(f) = v.extract::<f64>() {
            if f.is_nan() {
                None
            } else if f.fract() == 0.0 && f.abs() < 1e17 {
                Some(format!("{f:.0}"))
            } else {
                return Err(errors::schema_error(
                    py,
                    format!("column {name}: {f} is not an identifier"),
                ));
            }
        } else {
            Some(v.str()?.extract::<String>()?)
        });
    }
    Ok(out)
}

/// `_pseudonymize_column(key, role, values, sex, birth_date, group,
/// birth_month, kecamatan)`: one column pseudonymised (roles: `kk`, `nik`,
/// `nik_reference`, `name`, `birth_date`, `region`).
#[pyfunction]
#[pyo3(signature = (key, role, values, sex=None, birth_date=None, group=None, birth_month=false, kecamatan=false))]
#[allow(clippy::too_many_arguments)]
pub fn _pseudonymize_column(
    py: Python<'_>,
    key: &[u8],
    role: &str,
    values: &Bound<'_, PyAny>,
    sex: Option<&Bound<'_, PyAny>>,
    birth_date: Option<&Bound<'_, PyAny>>,
    group: Option<&Bound<'_, PyAny>>,
    birth_month: bool,
    kecamatan: bool,
) -> PyResult<Vec<Option<String>>> {
    let key = key_of(py, key)?;
    let role = match role {
        "kk" => ColumnRole::NomorKk,
        "nik" => ColumnRole::Nik,
        "nik_reference" => ColumnRole::NikReference,
        "name" => ColumnRole::Name,
        "birth_date" => ColumnRole::BirthDate,
        "region" => ColumnRole::Region,
        other => {
            return Err(errors::schema_error(
                py,
                format!("unknown column role {other:?}"),
            ))
        }
    };
    let values = texts(py, values, "values")?;
    let col = |c: Option<&Bound<'_, PyAny>>, n: &str| c.map_or(Ok(Vec::new()), |c| texts(py, c, n));
    let (sex, birth, group) = (
        col(sex, "sex")?,
        col(birth_date, "birth_date")?,
        col(group, "no_kk")?,
    );
    let opts = options(birth_month, kecamatan);
    Ok(py.detach(|| ps::pseudonymize_column(&key, role, &values, [&sex, &birth, &group], &opts)))
}

/// `_pseudonymize_jsonl(key, source, target, birth_month, kecamatan)`:
/// a JSON Lines register pseudonymised line for line; returns
/// `(lines, records, unreadable)`.
#[pyfunction]
#[pyo3(signature = (key, source, target, birth_month=false, kecamatan=false))]
pub fn _pseudonymize_jsonl(
    py: Python<'_>,
    key: &[u8],
    source: std::path::PathBuf,
    target: std::path::PathBuf,
    birth_month: bool,
    kecamatan: bool,
) -> PyResult<(u64, u64, u64)> {
    let key = key_of(py, key)?;
    let opts = options(birth_month, kecamatan);
    let stats = py.detach(|| -> std::io::Result<ps::PseudonymStats> {
        let input = std::io::BufReader::new(std::fs::File::open(&source)?);
        let mut out = std::io::BufWriter::new(std::fs::File::create(&target)?);
        ps::pseudonymize_json_lines(input, &mut out, &key, &opts)
    })?;
    Ok((stats.lines, stats.records, stats.unreadable))
}
