//! Mergeable partial reports: the core's [`ReportState`] of one part of a
//! register (a Spark partition, a file of a month), serialised to bytes,
//! and merged into the report of the whole register. No logic here: the
//! core computes, merges and finishes the states.

use crate::convert;
use crate::report::{options, table_of, with_design, with_month, DesignArg, PyReport};
use kampung_core::register::table::EntityTables;
use kampung_core::report::{ReportOptions, ReportState};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyBytes, PyList};
use serde_json::Value;

/// The mergeable state of one part of a register (a Spark partition, a
/// file of a month; `kampung.report.ReportState`): computed by
/// `kampung.report.partial` or `partial_jsonl`, shipped as `to_bytes()`
/// (UTF-8 JSON; pickles as its bytes), merged by `kampung.report.merge`.
/// It holds every valid family's identifiers and contribution: which
/// family keeps a duplicated Nomor KK or NIK is decided when the parts are
/// merged, so the merged report equals the one-pass report byte for byte.
///
/// >>> from kampung import report
/// >>> s = report.partial_jsonl(b'{"no_kk": "1"}\n', as_of="2025-07-01")
/// >>> back = report.ReportState.from_bytes(s.to_bytes())
/// >>> back.valid_families, back.as_of.isoformat(), back.to_bytes() == s.to_bytes()
/// (0, '2025-07-01', True)
#[pyclass(module = "kampung._kampung", name = "ReportState")]
pub struct PyReportState {
    inner: ReportState,
}

fn state_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(format!("not a kampung report state: {e}"))
}

fn read_state(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<ReportState> {
    if let Ok(s) = obj.cast::<PyReportState>() {
        return Ok(s.borrow().inner.clone());
    }
    let bytes: PyBackedBytes = obj.extract().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err("expected a ReportState or its bytes")
    })?;
    py.detach(|| serde_json::from_slice::<ReportState>(&bytes))
        .map_err(state_error)
}

#[pymethods]
impl PyReportState {
    /// The state as bytes (UTF-8 JSON), to ship between processes.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let v = py
            .detach(|| serde_json::to_vec(&self.inner))
            .map_err(state_error)?;
        Ok(PyBytes::new(py, &v))
    }

    /// A state read back from [`to_bytes`]; `ValueError` when it is not one.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<PyReportState> {
        Ok(PyReportState {
            inner: read_state(py, data)?,
        })
    }

    /// The reference date.
    #[getter]
    fn as_of(&self) -> chrono::NaiveDate {
        self.inner.as_of()
    }

    /// Families that validated in this part (duplicates not yet decided).
    #[getter]
    fn valid_families(&self) -> usize {
        self.inner.valid_families()
    }

    /// Pickles as its bytes.
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let ctor = py.get_type::<PyReportState>().getattr("from_bytes")?;
        Ok((ctor, (self.to_bytes(py)?,)))
    }

    fn __repr__(&self) -> String {
        format!(
            "ReportState({} valid families, as of {})",
            self.inner.valid_families(),
            self.inner.as_of()
        )
    }
}

fn part_options(
    py: Python<'_>,
    as_of: &Bound<'_, PyAny>,
    part: u64,
    first_record: u64,
    threads: usize,
    design: DesignArg,
    month: Option<&str>,
) -> PyResult<ReportOptions> {
    let loc = kampung_core::Locale::En;
    let (opts, _) = options(py, Some(as_of), "WIB", threads, loc)?;
    let opts = with_design(py, opts, design, loc)?;
    let opts = with_month(py, opts, month, loc)?;
    Ok(opts.with_part(part).with_first_record(first_record))
}

/// The state of a JSON Lines part: a file path or the text as bytes
/// (lines numbered from `first_record + 1`).
#[pyfunction]
#[pyo3(signature = (source, as_of, part=0, first_record=0, threads=0, design=None, month=None))]
#[allow(clippy::too_many_arguments)]
pub fn _report_state_jsonl(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    as_of: &Bound<'_, PyAny>,
    part: u64,
    first_record: u64,
    threads: usize,
    design: DesignArg,
    month: Option<&str>,
) -> PyResult<PyReportState> {
    let opts = part_options(py, as_of, part, first_record, threads, design, month)?;
    let inner = if let Ok(text) = source.extract::<PyBackedBytes>() {
        py.detach(|| ReportState::from_json_lines(&text[..], &opts, &mut ()))?
    } else {
        let path: std::path::PathBuf = source.extract()?;
        let file = std::fs::File::open(&path)?;
        py.detach(|| ReportState::from_json_lines(file, &opts, &mut ()))?
    };
    Ok(PyReportState { inner })
}

/// The state of register records (dicts; positions from `first_record`).
#[pyfunction]
#[pyo3(signature = (records, as_of, part=0, first_record=0, threads=0, design=None, month=None))]
#[allow(clippy::too_many_arguments)]
pub fn _report_state(
    py: Python<'_>,
    records: &Bound<'_, PyList>,
    as_of: &Bound<'_, PyAny>,
    part: u64,
    first_record: u64,
    threads: usize,
    design: DesignArg,
    month: Option<&str>,
) -> PyResult<PyReportState> {
    let opts = part_options(py, as_of, part, first_record, threads, design, month)?;
    let inputs: Vec<Value> = records.iter().map(|r| convert::to_value(&r)).collect();
    let inner = py.detach(|| ReportState::from_records(&inputs, &opts, &mut ()));
    Ok(PyReportState { inner })
}

/// The state of entity tables holding whole families (every row of one
/// `no_kk` in this part).
#[pyfunction]
#[pyo3(signature = (families, members, measurements, as_of, part=0, first_record=0, threads=0, design=None, month=None))]
#[allow(clippy::too_many_arguments)]
pub fn _report_state_entities(
    py: Python<'_>,
    families: &Bound<'_, PyAny>,
    members: &Bound<'_, PyAny>,
    measurements: &Bound<'_, PyAny>,
    as_of: &Bound<'_, PyAny>,
    part: u64,
    first_record: u64,
    threads: usize,
    design: DesignArg,
    month: Option<&str>,
) -> PyResult<PyReportState> {
    let opts = part_options(py, as_of, part, first_record, threads, design, month)?;
    let (f, m, x) = (
        table_of(families)?,
        table_of(members)?,
        table_of(measurements)?,
    );
    let inner = py.detach(|| {
        let t = EntityTables::new(&f, &m, &x);
        ReportState::from_tables(&t, &opts, &mut ())
    });
    Ok(PyReportState { inner })
}

/// A state given to [`_merge_states`]: read, or still bytes.
enum Given {
    State(ReportState),
    Bytes(PyBackedBytes),
}

/// The report of the states (objects or bytes, in any order) merged and
/// finished; `sources` names the inputs in the report.
#[pyfunction]
#[pyo3(signature = (states, sources=Vec::new()))]
pub fn _merge_states(
    py: Python<'_>,
    states: &Bound<'_, PyAny>,
    sources: Vec<String>,
) -> PyResult<PyReport> {
    let mut given = Vec::new();
    for s in states.try_iter()? {
        let s = s?;
        given.push(match s.cast::<PyReportState>() {
            Ok(st) => Given::State(st.borrow().inner.clone()),
            Err(_) => Given::Bytes(s.extract().map_err(|_| {
                pyo3::exceptions::PyTypeError::new_err(
                    "expected ReportState objects or their bytes",
                )
            })?),
        });
    }
    let merged = py.detach(|| -> Result<_, String> {
        let states = given
            .into_iter()
            .map(|g| match g {
                Given::State(s) => Ok(s),
                Given::Bytes(b) => serde_json::from_slice::<ReportState>(&b)
                    .map_err(|e| format!("not a kampung report state: {e}")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        ReportState::merge_all(states).map_err(|e| e.to_string())
    });
    let mut inner = merged
        .map_err(PyValueError::new_err)?
        .ok_or_else(|| PyValueError::new_err("no report state to merge"))?
        .finish();
    inner.sources = sources;
    Ok(PyReport { inner })
}
