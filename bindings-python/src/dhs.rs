//! DHS unmet need (v626a) from recode columns: numpy in, numpy out, GIL released.

use crate::errors;
use kampung_core::kb::dhs::{self, DhsRules, Reason, SurveyColumn, Women};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// The recode columns as the core reads them: `v000` dictionary-encoded
/// (`values`, `codes`, negative = missing) and the numeric columns (float64).
pub(crate) struct Columns<'py> {
    values: Vec<String>,
    codes: PyReadonlyArray1<'py, i64>,
    numeric: Vec<PyReadonlyArray1<'py, f64>>,
}

/// The numeric columns the classification reads, in [`Women`] field order.
pub(crate) const NUMERIC: [&str; 16] = [
    "v007", "v020", "v502", "v512", "v525", "v528", "v213", "v225", "v222", "m6_1", "m10_1",
    "v215", "v302a", "v312", "v605", "v3a08d",
];

impl<'py> Columns<'py> {
    pub(crate) fn extract(
        py: Python<'py>,
        values: Vec<String>,
        codes: PyReadonlyArray1<'py, i64>,
        columns: &Bound<'py, PyDict>,
    ) -> PyResult<Columns<'py>> {
        let mut numeric = Vec::with_capacity(NUMERIC.len());
        for name in NUMERIC {
            let col = columns.get_item(name)?.ok_or_else(|| {
                errors::schema_error(py, format!("missing required column: {name}"))
            })?;
            numeric.push(col.extract::<PyReadonlyArray1<'py, f64>>()?);
        }
        Ok(Columns {
            values,
            codes,
            numeric,
        })
    }

    pub(crate) fn women(&self) -> PyResult<Women<'_>> {
        let s = |i: usize| self.numeric[i].as_slice();
        Ok(Women {
            v000: SurveyColumn::Dictionary {
                values: &self.values,
                codes: self.codes.as_slice()?,
            },
            v007: s(0)?,
            v020: s(1)?,
            v502: s(2)?,
            v512: s(3)?,
            v525: s(4)?,
            v528: s(5)?,
            v213: s(6)?,
            v225: s(7)?,
            v222: s(8)?,
            m6_1: s(9)?,
            m10_1: s(10)?,
            v215: s(11)?,
            v302a: s(12)?,
            v312: s(13)?,
            v605: s(14)?,
            v3a08d: s(15)?,
        })
    }
}

/// Parses `rules`; anything but "stata" or "r" is a programmer error (`ValueError`).
pub(crate) fn rules(rules: &str) -> PyResult<DhsRules> {
    DhsRules::parse(rules).map_err(|_| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "unknown rules {rules:?}: use \"stata\" or \"r\""
        ))
    })
}

/// `(v626a, reason indices, errors table)`.
type UnmetNeedOut<'py> = (
    Bound<'py, PyArray1<u8>>,
    Option<Bound<'py, PyArray1<u8>>>,
    Bound<'py, PyDict>,
);

/// v626a per woman: returns `(v626a uint8, reason index uint8 or None,
/// errors table)`; reason indices point into `_dhs_reasons()`.
#[pyfunction]
#[pyo3(signature = (v000_values, v000_codes, columns, rules, reasons, locale))]
pub fn _dhs_unmet_need<'py>(
    py: Python<'py>,
    v000_values: Vec<String>,
    v000_codes: PyReadonlyArray1<'py, i64>,
    columns: &Bound<'py, PyDict>,
    rules: &str,
    reasons: bool,
    locale: &str,
) -> PyResult<UnmetNeedOut<'py>> {
    let locale = errors::locale(locale)?;
    let rules = self::rules(rules)?;
    let cols = Columns::extract(py, v000_values, v000_codes, columns)?;
    let women = cols.women()?;
    let result = py
        .detach(|| dhs::unmet_need(&women, rules, reasons))
        .map_err(|e| errors::schema_error(py, e.to_string()))?;
    let reason = result.reason.map(|r| {
        PyArray1::from_iter(
            py,
            r.iter().map(|x| {
                u8::try_from(Reason::ALL.iter().position(|a| a == x).unwrap_or(0)).unwrap_or(0)
            }),
        )
    });
    Ok((
        PyArray1::from_vec(py, result.v626a),
        reason,
        crate::growth::errors_table(py, &result.errors, locale)?,
    ))
}

/// The reason codes with their descriptions:
/// `[(code, description_id, description_en), …]` in `Reason::ALL` order.
#[pyfunction]
pub fn _dhs_reasons(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    PyList::new(
        py,
        Reason::ALL.iter().map(|r| {
            (
                r.as_str(),
                r.describe(kampung_core::Locale::Id),
                r.describe(kampung_core::Locale::En),
            )
        }),
    )
}
