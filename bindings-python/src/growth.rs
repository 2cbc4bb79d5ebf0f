//! WHO growth z-scores over columns (numpy in, numpy out, GIL released).

use crate::errors;
use kampung_core::growth::{
    self, zscores_2006_threaded, zscores_2007, Columns2006, Columns2007, Input2006, Input2007,
    LmsTable, RowError, Table, Tables2006, Tables2007, ZscoreOptions,
};
use kampung_core::{ErrorCode, FieldError, Locale};
use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

/// A code column: either a float64 array (numeric codes, NaN = missing) or a
/// list of Python objects (str, int, float, None).
pub(crate) fn code_column<T: Copy>(
    obj: &Bound<'_, PyAny>,
    name: &'static str,
    n: usize,
    from_str: fn(&str) -> Result<T, FieldError>,
    from_num: fn(f64) -> Option<T>,
    missing: T,
    row_errors: &mut Vec<RowError>,
) -> PyResult<Vec<T>> {
    let mut out = Vec::with_capacity(n);
    let mut bad = |i: usize, e: FieldError, out: &mut Vec<T>| {
        row_errors.push(RowError::new(
            i,
            e.with_path(kampung_core::FieldPath::field(name)),
        ));
        out.push(missing);
    };
    if let Ok(arr) = obj.cast::<PyArray1<f64>>() {
        let ro = arr.readonly();
        let s = ro.as_slice()?;
        for (i, &x) in s.iter().enumerate() {
            if x.is_nan() {
                out.push(missing);
            } else {
                match from_num(x) {
                    Some(c) => out.push(c),
                    None => bad(i, invalid_code(name), &mut out),
                }
            }
        }
    } else if let Ok(list) = obj.cast::<PyList>() {
        for (i, item) in list.iter().enumerate() {
            if item.is_none() {
                out.push(missing);
            } else if let Ok(s) = item.cast::<PyString>() {
                match from_str(&s.to_cow()?) {
                    Ok(c) => out.push(c),
                    Err(e) => bad(i, e, &mut out),
                }
            } else if let Ok(x) = item.extract::<f64>() {
                if x.is_nan() {
                    out.push(missing);
                } else {
                    match from_num(x) {
                        Some(c) => out.push(c),
                        None => bad(i, invalid_code(name), &mut out),
                    }
                }
            } else {
                bad(i, invalid_code(name), &mut out);
            }
        }
    } else {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{name}: expected a float64 array or a list"
        )));
    }
    // A column of another length than `age` is the core's ShapeError.
    Ok(out)
}

pub(crate) fn sex_codes(
    obj: &Bound<'_, PyAny>,
    n: usize,
    row_errors: &mut Vec<RowError>,
) -> PyResult<Vec<u8>> {
    code_column(obj, "sex", n, growth::parse_sex, sex_num, 0, row_errors)
}

pub(crate) fn oedema_codes(
    obj: Option<&Bound<'_, PyAny>>,
    n: usize,
    row_errors: &mut Vec<RowError>,
) -> PyResult<Option<Vec<bool>>> {
    obj.map(|o| {
        code_column(
            o,
            "oedema",
            n,
            growth::parse_oedema,
            oedema_num,
            false,
            row_errors,
        )
    })
    .transpose()
}

fn invalid_code(name: &'static str) -> FieldError {
    let code = match name {
        "sex" => ErrorCode::SexInvalid,
        "measure" => ErrorCode::MeasureInvalid,
        _ => ErrorCode::OedemaInvalid,
    };
    FieldError::new(code)
}

fn sex_num(x: f64) -> Option<u8> {
    if x == 1.0 {
        Some(1)
    } else if x == 2.0 {
        Some(2)
    } else {
        None
    }
}
pub(crate) fn measure_num(_: f64) -> Option<u8> {
    None
}
fn oedema_num(x: f64) -> Option<bool> {
    if x == 1.0 {
        Some(true)
    } else if x == 2.0 {
        Some(false)
    } else {
        None
    }
}

pub(crate) fn slice<'a>(a: &'a Option<PyReadonlyArray1<'_, f64>>) -> PyResult<Option<&'a [f64]>> {
    a.as_ref()
        .map(|x| x.as_slice())
        .transpose()
        .map_err(Into::into)
}

pub(crate) fn errors_table<'py>(
    py: Python<'py>,
    errs: &[RowError],
    locale: Locale,
) -> PyResult<Bound<'py, PyDict>> {
    // The texts are rendered without the GIL (millions of rows: seconds);
    // only the Python objects are made with it.
    let (rows, fields, codes, messages) = py.detach(|| {
        let rows: Vec<i64> = errs
            .iter()
            .map(|e| i64::try_from(e.row).unwrap_or(i64::MAX))
            .collect();
        let fields: Vec<String> = errs.iter().map(|e| e.error.path().to_string()).collect();
        let codes: Vec<&'static str> = errs.iter().map(|e| e.error.code().as_str()).collect();
        let messages: Vec<String> = errs.iter().map(|e| e.error.message(locale)).collect();
        (rows, fields, codes, messages)
    });
    let d = PyDict::new(py);
    d.set_item("row", PyArray1::from_vec(py, rows))?;
    d.set_item("field", PyList::new(py, fields)?)?;
    d.set_item("code", PyList::new(py, codes)?)?;
    d.set_item("message", PyList::new(py, messages)?)?;
    Ok(d)
}

/// A numeric column given as a Python sequence (a list, a tuple, an object
/// array's items) as float64: numbers and numeric text as numpy reads them,
/// `None` as missing; a boolean or a complex number is a `SchemaError`
/// (numpy would read `True` as 1 kg and drop an imaginary part).
#[pyfunction]
pub fn _f64_column<'py>(
    py: Python<'py>,
    values: &Bound<'py, PyAny>,
    name: &str,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    use pyo3::types::{PyBool, PyComplex};
    let mut out = Vec::new();
    for (i, v) in values.try_iter()?.enumerate() {
        let v = v?;
        let kind = v.get_type().name()?.to_string();
        let bad = if v.is_instance_of::<PyBool>() || kind == "bool" || kind == "bool_" {
            Some("a boolean")
        } else if v.is_instance_of::<PyComplex>() || kind.starts_with("complex") {
            Some("a complex number")
        } else {
            None
        };
        if let Some(what) = bad {
            return Err(errors::schema_error(
                py,
                format!("column `{name}` must be numeric: row {i} is {what}"),
            ));
        }
        let x = if v.is_none() {
            f64::NAN
        } else if let Ok(s) = v.cast::<PyString>() {
            let t = s.to_cow()?;
            t.trim().parse::<f64>().map_err(|_| {
                errors::schema_error(
                    py,
                    format!("column `{name}` must be numeric: row {i} is text"),
                )
            })?
        } else {
            v.extract::<f64>().map_err(|_| {
                errors::schema_error(
                    py,
                    format!("column `{name}` must be numeric: row {i} is a {kind}"),
                )
            })?
        };
        out.push(x);
    }
    Ok(PyArray1::from_vec(py, out))
}

fn load_tables(
    py: Python<'_>,
    tables: Option<&Bound<'_, PyDict>>,
    locale: Locale,
) -> PyResult<Tables2006> {
    let mut t = Tables2006::bundled();
    if let Some(d) = tables {
        for (k, v) in d.iter() {
            let name: String = k
                .extract()
                .map_err(|_| errors::schema_error(py, "a table name must be a string".into()))?;
            let which = Table::ALL
                .iter()
                .copied()
                .find(|t| {
                    t.csv_name()
                        .trim_end_matches(".csv")
                        .trim_start_matches("who2006_")
                        == name
                })
                .ok_or_else(|| {
                    let known: Vec<&str> = Table::ALL
                        .iter()
                        .map(|t| {
                            t.csv_name()
                                .trim_end_matches(".csv")
                                .trim_start_matches("who2006_")
                        })
                        .collect();
                    errors::schema_error(
                        py,
                        format!(
                            "unknown WHO 2006 table {name:?}; known: {}",
                            known.join(", ")
                        ),
                    )
                })?;
            let text: String = v.extract()?;
            let table = LmsTable::from_csv(&text)
                .and_then(|lms| t.clone().with_table(which, lms))
                .map_err(|e| errors::validation_error(py, &e.into(), "LmsTable", locale))?;
            t = table;
        }
    }
    Ok(t)
}

/// WHO 2006 z-scores (anthro's `anthro_zscores`) over columns.
#[pyfunction]
#[pyo3(signature = (sex, age, age_in_month, weight, lenhei, measure, headc, armc, triskin, subskin, oedema, rounded, tables, locale, threads=None))]
#[allow(clippy::too_many_arguments)]
pub fn _zscores_2006<'py>(
    py: Python<'py>,
    sex: &Bound<'py, PyAny>,
    age: PyReadonlyArray1<'py, f64>,
    age_in_month: bool,
    weight: Option<PyReadonlyArray1<'py, f64>>,
    lenhei: Option<PyReadonlyArray1<'py, f64>>,
    measure: Option<&Bound<'py, PyAny>>,
    headc: Option<PyReadonlyArray1<'py, f64>>,
    armc: Option<PyReadonlyArray1<'py, f64>>,
    triskin: Option<PyReadonlyArray1<'py, f64>>,
    subskin: Option<PyReadonlyArray1<'py, f64>>,
    oedema: Option<&Bound<'py, PyAny>>,
    rounded: bool,
    tables: Option<&Bound<'py, PyDict>>,
    locale: &str,
    threads: Option<usize>,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyDict>)> {
    let locale = errors::locale(locale)?;
    let threads = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let age_s = age.as_slice()?;
    let n = age_s.len();
    let mut row_errors = Vec::new();
    let sex_c = sex_codes(sex, n, &mut row_errors)?;
    let measure_c = measure
        .map(|m| {
            code_column(
                m,
                "measure",
                n,
                growth::parse_measure,
                measure_num,
                0,
                &mut row_errors,
            )
        })
        .transpose()?;
    let oedema_c = oedema_codes(oedema, n, &mut row_errors)?;
    let (w, l, hc, ac, ts, ss) = (
        slice(&weight)?,
        slice(&lenhei)?,
        slice(&headc)?,
        slice(&armc)?,
        slice(&triskin)?,
        slice(&subskin)?,
    );
    let tables = load_tables(py, tables, locale)?;
    let input = Input2006 {
        sex: &sex_c,
        age: age_s,
        age_in_month,
        weight: w,
        lenhei: l,
        measure: measure_c.as_deref(),
        headc: hc,
        armc: ac,
        triskin: ts,
        subskin: ss,
        oedema: oedema_c.as_deref(),
    };
    let result = py.detach(|| {
        let mut cols = Columns2006::new(n);
        let mut errs = Vec::new();
        zscores_2006_threaded(
            &input,
            &tables,
            ZscoreOptions::new().with_rounded(rounded),
            cols.output(),
            &mut errs,
            threads,
        )
        .map(|()| (cols, errs))
    });
    let (cols, errs) = match result {
        Ok(x) => x,
        Err(kampung_core::Error::Shape(e)) => return Err(errors::schema_error(py, e.to_string())),
        Err(kampung_core::Error::Validation(e)) => {
            return Err(errors::validation_error(py, &e, "zscores", locale))
        }
        Err(e) => return Err(errors::schema_error(py, e.to_string())),
    };
    row_errors.extend(errs);
    row_errors.sort_by_key(|e| e.row);
    // anthro 1.1's column order: clenhei, cmeasure, c9mo_flag, cbmi, csex,
    // then the z-scores and flags (WHO_GROWTH.md §1.12).
    let cmeasure: Vec<Option<&str>> = (0..n)
        .map(|i| {
            let m = measure_c
                .as_ref()
                .and_then(|m| m.get(i))
                .copied()
                .unwrap_or(0);
            match growth::cmeasure(m, cols.c9mo_flag.get(i).copied().unwrap_or(f64::NAN)) {
                b'l' => Some("l"),
                b'h' => Some("h"),
                _ => None,
            }
        })
        .collect();
    let csex: Vec<f64> = sex_c
        .iter()
        .map(|s| if *s == 0 { f64::NAN } else { f64::from(*s) })
        .collect();
    let cmeasure = PyArray1::from_iter(
        py,
        cmeasure.iter().map(|c| -> Py<PyAny> {
            match c {
                Some(s) => PyString::new(py, s).into_any().unbind(),
                None => py.None(),
            }
        }),
    );
    let mut named: Vec<(&'static str, Vec<f64>)> = cols.into_named().into_iter().collect();
    let mut take = |name: &str| -> Vec<f64> {
        named
            .iter()
            .position(|(n, _)| *n == name)
            .map(|i| named.remove(i).1)
            .unwrap_or_default()
    };
    let out = PyDict::new(py);
    out.set_item("clenhei", PyArray1::from_vec(py, take("clenhei")))?;
    out.set_item("cmeasure", cmeasure)?;
    out.set_item("c9mo_flag", PyArray1::from_vec(py, take("c9mo_flag")))?;
    out.set_item("cbmi", PyArray1::from_vec(py, take("cbmi")))?;
    out.set_item("csex", PyArray1::from_vec(py, csex))?;
    for (name, v) in named {
        out.set_item(name, PyArray1::from_vec(py, v))?;
    }
    Ok((out, errors_table(py, &row_errors, locale)?))
}

/// WHO 2007 z-scores (anthroplus' `anthroplus_zscores`) over columns.
#[pyfunction]
#[pyo3(signature = (sex, age_in_months, height, weight, oedema, rounded, locale))]
#[allow(clippy::too_many_arguments)]
pub fn _zscores_2007<'py>(
    py: Python<'py>,
    sex: &Bound<'py, PyAny>,
    age_in_months: PyReadonlyArray1<'py, f64>,
    height: Option<PyReadonlyArray1<'py, f64>>,
    weight: Option<PyReadonlyArray1<'py, f64>>,
    oedema: Option<&Bound<'py, PyAny>>,
    rounded: bool,
    locale: &str,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyDict>)> {
    let locale = errors::locale(locale)?;
    let age_s = age_in_months.as_slice()?;
    let n = age_s.len();
    let mut row_errors = Vec::new();
    let sex_c = sex_codes(sex, n, &mut row_errors)?;
    let oedema_c = oedema_codes(oedema, n, &mut row_errors)?;
    let (h, w) = (slice(&height)?, slice(&weight)?);
    let input = Input2007 {
        sex: &sex_c,
        age_months: age_s,
        height: h,
        weight: w,
        oedema: oedema_c.as_deref(),
    };
    let tables = Tables2007::bundled();
    let result = py.detach(|| {
        let mut cols = Columns2007::new(n);
        let mut errs = Vec::new();
        zscores_2007(
            &input,
            &tables,
            ZscoreOptions::new().with_rounded(rounded),
            &mut cols.output(),
            &mut errs,
        )
        .map(|()| (cols, errs))
    });
    let (cols, errs) = match result {
        Ok(x) => x,
        Err(kampung_core::Error::Shape(e)) => return Err(errors::schema_error(py, e.to_string())),
        Err(e) => return Err(errors::schema_error(py, e.to_string())),
    };
    row_errors.extend(errs);
    row_errors.sort_by_key(|e| e.row);
    let out = PyDict::new(py);
    let Columns2007 {
        cbmi,
        zhfa,
        fhfa,
        zwfa,
        fwfa,
        zbfa,
        fbfa,
    } = cols;
    for (name, v) in [
        ("cbmi", cbmi),
        ("zhfa", zhfa),
        ("fhfa", fhfa),
        ("zwfa", zwfa),
        ("fwfa", fwfa),
        ("zbfa", zbfa),
        ("fbfa", fbfa),
    ] {
        out.set_item(name, PyArray1::from_vec(py, v))?;
    }
    Ok((out, errors_table(py, &row_errors, locale)?))
}

/// Permenkes 2/2020 classification of a z column with its flag column:
/// returns category codes (None where missing, "flagged" where flagged).
#[pyfunction]
pub fn _classify<'py>(
    py: Python<'py>,
    index: &str,
    z: PyReadonlyArray1<'py, f64>,
    flag: PyReadonlyArray1<'py, f64>,
) -> PyResult<Bound<'py, PyList>> {
    use kampung_core::growth::{classify, Classification, PermenkesIndex};
    let idx = match index {
        "bb_u" => PermenkesIndex::BbU,
        "pb_tb_u" => PermenkesIndex::PbTbU,
        "bb_pb_tb" => PermenkesIndex::BbPbTb,
        "imt_u" => PermenkesIndex::ImtU0To60,
        "imt_u_5_18" => PermenkesIndex::ImtU5To18,
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "unknown Permenkes index {other:?}"
            )))
        }
    };
    let (zs, fs) = (z.as_slice()?, flag.as_slice()?);
    if zs.len() != fs.len() {
        return Err(errors::schema_error(
            py,
            format!("z has {} rows but flag has {}", zs.len(), fs.len()),
        ));
    }
    let codes = zs.iter().zip(fs).map(|(&z, &f)| match classify(idx, z, f) {
        Classification::Category(c) => Some(c.code),
        Classification::Flagged => Some("flagged"),
        Classification::Missing => None,
    });
    PyList::new(py, codes)
}
