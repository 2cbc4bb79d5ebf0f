//! DHS unmet need (v626a) from recode columns: numpy in, numpy out, GIL released.

use crate::errors;
use kampung_core::kb::dhs::{
    fp_indicators, unmet_need_threaded, ByColumn, CiMethod, DhsRules, FpGroup, FpInput, FpOptions,
    FpRow, IdColumn, Reason, SurveyColumn, Women,
};
use kampung_core::survey::{DesignOptions, LonelyPsu};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// The recode columns as the core reads them: `v000` dictionary-encoded
/// (`values`, `codes`, negative = missing; no codes: every woman has
/// `values[0]`) and the numeric columns (float64).
pub(crate) struct Columns<'py> {
    values: Vec<String>,
    codes: Option<PyReadonlyArray1<'py, i64>>,
    numeric: Vec<PyReadonlyArray1<'py, f64>>,
}

impl<'py> Columns<'py> {
    pub(crate) fn extract(
        py: Python<'py>,
        values: Vec<String>,
        codes: Option<PyReadonlyArray1<'py, i64>>,
        columns: &Bound<'py, PyDict>,
    ) -> PyResult<Columns<'py>> {
        let mut numeric = Vec::with_capacity(Women::NUMERIC.len());
        for name in Women::NUMERIC {
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
        let v000 = match &self.codes {
            Some(codes) => SurveyColumn::Dictionary {
                values: &self.values,
                codes: codes.as_slice()?,
            },
            None => SurveyColumn::Same(self.values.first().map_or("", String::as_str)),
        };
        let mut cols: [&[f64]; 16] = [&[]; 16];
        for (c, a) in cols.iter_mut().zip(&self.numeric) {
            *c = a.as_slice()?;
        }
        Ok(Women::from_columns(v000, cols))
    }
}

/// `threads`, or every core.
fn threads(threads: Option<usize>) -> usize {
    threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1)
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
#[pyo3(signature = (v000_values, v000_codes, columns, rules, reasons, locale, threads=None))]
#[allow(clippy::too_many_arguments)]
pub fn _dhs_unmet_need<'py>(
    py: Python<'py>,
    v000_values: Vec<String>,
    v000_codes: Option<PyReadonlyArray1<'py, i64>>,
    columns: &Bound<'py, PyDict>,
    rules: &str,
    reasons: bool,
    locale: &str,
    threads: Option<usize>,
) -> PyResult<UnmetNeedOut<'py>> {
    let locale = errors::locale(locale)?;
    let rules = self::rules(rules)?;
    let cols = Columns::extract(py, v000_values, v000_codes, columns)?;
    let women = cols.women()?;
    let result = py
        .detach(|| unmet_need_threaded(&women, rules, reasons, self::threads(threads)))
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

/// A cluster or stratum column: float64 numbers or int64 codes of a text column.
enum Ids<'py> {
    Numbers(PyReadonlyArray1<'py, f64>),
    Codes(PyReadonlyArray1<'py, i64>),
}

impl<'py> Ids<'py> {
    fn extract(obj: Option<&Bound<'py, PyAny>>) -> PyResult<Option<Ids<'py>>> {
        let Some(obj) = obj else { return Ok(None) };
        if let Ok(x) = obj.extract::<PyReadonlyArray1<'py, f64>>() {
            return Ok(Some(Ids::Numbers(x)));
        }
        Ok(Some(Ids::Codes(
            obj.extract::<PyReadonlyArray1<'py, i64>>()?,
        )))
    }

    fn column(&self) -> PyResult<IdColumn<'_>> {
        Ok(match self {
            Ids::Numbers(x) => IdColumn::Numbers(x.as_slice()?),
            Ids::Codes(x) => IdColumn::Codes(x.as_slice()?),
        })
    }
}

/// The family-planning indicator table: returns `(columns, errors table)`.
#[pyfunction]
#[pyo3(signature = (v000_values, v000_codes, columns, v313, weight, weight_scale, cluster, strata, by, rules, groups, ci, level, lonely_psu, nest, locale, threads=None))]
#[allow(clippy::too_many_arguments)]
pub fn _dhs_fp_indicators<'py>(
    py: Python<'py>,
    v000_values: Vec<String>,
    v000_codes: Option<PyReadonlyArray1<'py, i64>>,
    columns: &Bound<'py, PyDict>,
    v313: PyReadonlyArray1<'py, f64>,
    weight: Option<PyReadonlyArray1<'py, f64>>,
    weight_scale: f64,
    cluster: Option<&Bound<'py, PyAny>>,
    strata: Option<&Bound<'py, PyAny>>,
    by: Vec<(String, PyReadonlyArray1<'py, i64>, Vec<String>)>,
    rules: &str,
    groups: Vec<String>,
    ci: &str,
    level: f64,
    lonely_psu: &str,
    nest: bool,
    locale: &str,
    threads: Option<usize>,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyDict>)> {
    let locale = errors::locale(locale)?;
    let value_error = |e: kampung_core::FieldError| {
        pyo3::exceptions::PyValueError::new_err(e.message(kampung_core::Locale::En))
    };
    let groups = groups
        .iter()
        .map(|g| FpGroup::parse(g))
        .collect::<Result<Vec<_>, _>>()
        .map_err(value_error)?;
    let options = FpOptions::new()
        .with_rules(self::rules(rules)?)
        .with_groups(groups)
        .with_ci(CiMethod::parse(ci).map_err(value_error)?, level)
        .with_threads(self::threads(threads))
        .with_design(
            DesignOptions::new()
                .with_nest(nest)
                .with_lonely_psu(LonelyPsu::parse(lonely_psu).map_err(value_error)?),
        );
    let cols = Columns::extract(py, v000_values, v000_codes, columns)?;
    let (cluster, strata) = (Ids::extract(cluster)?, Ids::extract(strata)?);
    let by_columns = by
        .iter()
        .map(|(name, codes, labels)| {
            Ok(ByColumn {
                name,
                codes: codes.as_slice()?,
                labels,
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let input = FpInput {
        women: cols.women()?,
        v313: v313.as_slice()?,
        weight: weight.as_ref().map(|w| w.as_slice()).transpose()?,
        weight_scale,
        cluster: cluster.as_ref().map(Ids::column).transpose()?,
        strata: strata.as_ref().map(Ids::column).transpose()?,
        by: &by_columns,
    };
    let table = match py.detach(|| fp_indicators(&input, &options)) {
        Ok(t) => t,
        Err(kampung_core::Error::Validation(e)) => {
            return Err(errors::validation_error(
                py,
                &e,
                "dhs_fp_indicators",
                locale,
            ))
        }
        Err(e) => return Err(errors::schema_error(py, e.to_string())),
    };
    let out = PyDict::new(py);
    let rows = &table.rows;
    out.set_item(
        "group",
        PyList::new(py, rows.iter().map(|r| r.group.as_str()))?,
    )?;
    out.set_item("by", PyList::new(py, rows.iter().map(|r| r.by.as_deref()))?)?;
    out.set_item(
        "level",
        PyList::new(py, rows.iter().map(|r| r.level.as_deref()))?,
    )?;
    out.set_item(
        "indicator",
        PyList::new(py, rows.iter().map(|r| r.indicator.as_str()))?,
    )?;
    type Column = (&'static str, fn(&FpRow) -> f64);
    let floats: [Column; 6] = [
        ("estimate", |r| r.estimate),
        ("se", |r| r.se),
        ("ci_low", |r| r.ci_low),
        ("ci_high", |r| r.ci_high),
        ("deft", |r| r.deft),
        ("n_weighted", |r| r.n_weighted),
    ];
    for (name, f) in floats {
        out.set_item(name, PyArray1::from_iter(py, rows.iter().map(f)))?;
    }
    out.set_item(
        "n_unweighted",
        PyArray1::from_iter(py, rows.iter().map(|r| r.n_unweighted)),
    )?;
    out.set_item("df", PyArray1::from_iter(py, rows.iter().map(|r| r.df)))?;
    Ok((out, crate::growth::errors_table(py, &table.errors, locale)?))
}
