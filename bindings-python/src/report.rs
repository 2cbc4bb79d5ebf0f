//! The village report: the core's report engine over a JSON Lines file,
//! records (dicts) or entity tables (lists of dicts, or anything that
//! exports an Arrow stream: pyarrow, polars, pandas), run with the GIL
//! released; the report object renders itself (text, JSON, HTML) and
//! gives its tables as columns.

use crate::{convert, errors};
use kampung_core::input::parse_date;
use kampung_core::register::arrow::{ArrowRow, ArrowTable};
use kampung_core::register::table::{Column, EntityTables, Table, TableRow};
use kampung_core::register::Cell;
use kampung_core::report::{classify_kampung, KampungProfile, Report, ReportDesign, ReportOptions};
use kampung_core::today::TimeZone as IndonesianTimeZone;
use kampung_core::Locale;
use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::Value;

fn as_of_arg(py: Python<'_>, as_of: &Bound<'_, PyAny>, loc: Locale) -> PyResult<chrono::NaiveDate> {
    match convert::to_value(as_of) {
        Value::String(s) => {
            parse_date(&s).map_err(|e| errors::validation_error(py, &e.into(), "options", loc))
        }
        _ => Err(pyo3::exceptions::PyTypeError::new_err(
            "as_of must be a datetime.date or a 'YYYY-MM-DD' string",
        )),
    }
}

/// The options of a run: `as_of` (default: today in `tz`) and threads.
pub(crate) fn options(
    py: Python<'_>,
    as_of: Option<&Bound<'_, PyAny>>,
    tz: &str,
    threads: usize,
    loc: Locale,
) -> PyResult<(ReportOptions, Option<IndonesianTimeZone>)> {
    let (date, zone) = match as_of {
        Some(v) if !v.is_none() => (as_of_arg(py, v, loc)?, None),
        _ => {
            let z = IndonesianTimeZone::parse(tz)
                .map_err(|e| errors::validation_error(py, &e.into(), "tz", loc))?;
            (z.today(), Some(z))
        }
    };
    Ok((ReportOptions::new(date).with_threads(threads), zone))
}

/// The survey design of a run, as `kampung.report` passes it: `(weights,
/// cluster, strata, nest, lonely_psu)` field names and options (None: no design).
pub(crate) type DesignArg = Option<(
    Option<String>,
    Option<String>,
    Option<String>,
    bool,
    Option<String>,
)>;

/// `opts` with the survey design `design` ([`kampung_core::report::ReportDesign`]).
pub(crate) fn with_design(
    py: Python<'_>,
    opts: ReportOptions,
    design: DesignArg,
    loc: Locale,
) -> PyResult<ReportOptions> {
    let Some((w, c, s, nest, lonely)) = design else {
        return Ok(opts);
    };
    let d = ReportDesign::from_fields(
        w.as_deref(),
        c.as_deref(),
        s.as_deref(),
        nest,
        lonely.as_deref(),
    )
    .map_err(|e| errors::validation_error(py, &e.into(), "options", loc))?;
    Ok(opts.with_design(d))
}

/// `opts` with the SKDN table of `month` (`YYYY-MM`, MONITORING.md §2)
/// when given: `ValidationError` (`invalid_month`, `date_in_future`) at
/// `month` otherwise.
pub(crate) fn with_month(
    py: Python<'_>,
    opts: ReportOptions,
    month: Option<&str>,
    loc: Locale,
) -> PyResult<ReportOptions> {
    let Some(m) = month else { return Ok(opts) };
    kampung_core::monitoring::date::YearMonth::parse(m)
        .map_err(|e| e.with_outer(kampung_core::PathSegment::Field("month")))
        .and_then(|m| opts.with_month(m))
        .map_err(|e| errors::validation_error(py, &e.into(), "month", loc))
}

/// A village report computed by the core (`kampung.report.VillageReport`
/// wraps it).
///
/// >>> from kampung import _kampung
/// >>> r = _kampung._report([], "2025-07-01")
/// >>> r.as_of.isoformat(), r.as_of_today, r.tables()["exclusions"]["families_read"]
/// ('2025-07-01', None, 0)
#[pyclass(module = "kampung._kampung", name = "Report")]
pub struct PyReport {
    pub(crate) inner: Report,
}

fn column<'py, T: IntoPyObject<'py> + Clone>(
    py: Python<'py>,
    v: Vec<T>,
) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, v)
}

#[pymethods]
impl PyReport {
    /// The reference date used.
    #[getter]
    fn as_of(&self) -> chrono::NaiveDate {
        self.inner.as_of
    }

    /// `"WIB"`, `"WITA"` or `"WIT"` when `as_of` was today's date there; else None.
    #[getter]
    fn as_of_today(&self) -> Option<&'static str> {
        self.inner.as_of_today.map(IndonesianTimeZone::name)
    }

    /// The terminal summary in `lang` (`"id"` or `"en"`).
    #[pyo3(signature = (lang="id"))]
    fn to_text(&self, lang: &str) -> PyResult<String> {
        Ok(self.inner.to_text(errors::locale(lang)?))
    }

    /// The JSON document (messages in `lang`).
    #[pyo3(signature = (lang="id"))]
    fn to_json(&self, lang: &str) -> PyResult<String> {
        Ok(self.inner.to_json(errors::locale(lang)?))
    }

    /// The offline HTML page with SVG charts.
    #[pyo3(signature = (lang="id"))]
    fn to_html(&self, lang: &str) -> PyResult<String> {
        Ok(self.inner.to_html(errors::locale(lang)?))
    }

    /// Classifies every desa of `profiles` (`{region_code: profile}`); the
    /// classifications become part of the report. Returns them.
    #[pyo3(signature = (profiles, locale="id"))]
    fn classify<'py>(
        &mut self,
        py: Python<'py>,
        profiles: &Bound<'py, PyAny>,
        locale: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let loc = errors::locale(locale)?;
        self.inner
            .classify(&convert::to_value(profiles))
            .map_err(|e| errors::validation_error(py, &e, "profiles", loc))?;
        let v = serde_json::to_value(&self.inner.kampung_kb).unwrap_or(Value::Null);
        convert::from_value(py, &v)
    }

    /// The month's SKDN table (`month=`) as a dict `{month, rules,
    /// k_available, rows}` (the `skdn` object of `to_json`); None without a month.
    #[getter]
    fn skdn<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match &self.inner.skdn {
            Some(k) => convert::from_value(py, &k.to_json()),
            None => Ok(py.None().into_bound(py)),
        }
    }

    /// The report as columns: `indicators` (long format), `regions`,
    /// `errors`, and `exclusions` (a dict of counts).
    #[pyo3(signature = (locale="id"))]
    fn tables<'py>(&self, py: Python<'py>, locale: &str) -> PyResult<Bound<'py, PyDict>> {
        tables(py, &self.inner, errors::locale(locale)?)
    }

    fn __repr__(&self) -> String {
        let ex = &self.inner.exclusions;
        format!(
            "Report({} regions, {} families included, {} excluded, as of {})",
            self.inner.rows.len(),
            ex.families_included,
            ex.families_excluded,
            self.inner.as_of
        )
    }
}

fn tables<'py>(py: Python<'py>, r: &Report, loc: Locale) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    let level_name = |l| {
        serde_json::to_value(l)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    // Long format: one row per region and indicator.
    let n: usize = r.rows.iter().map(|x| x.indicators.len()).sum();
    let (mut level, mut code, mut name, mut ind, mut group) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut num, mut den) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut val, mut lo, mut hi) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let mut se = Vec::with_capacity(n);
    let (mut r_level, mut r_code, mut r_name, mut r_fam) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for row in &r.rows {
        let lv = level_name(row.level);
        let c = row.code.clone().unwrap_or_default();
        for i in &row.indicators {
            level.push(lv.clone());
            code.push(c.clone());
            name.push(row.name.clone());
            ind.push(i.indicator);
            group.push(i.group);
            num.push(i.estimate.numerator);
            den.push(i.estimate.denominator);
            val.push(i.estimate.value.unwrap_or(f64::NAN));
            se.push(i.estimate.se.unwrap_or(f64::NAN));
            lo.push(i.estimate.ci_low.unwrap_or(f64::NAN));
            hi.push(i.estimate.ci_high.unwrap_or(f64::NAN));
        }
        r_level.push(lv);
        r_code.push(c);
        r_name.push(row.name.clone());
        r_fam.push(row.counts.families);
    }
    let indicators = PyDict::new(py);
    indicators.set_item("level", column(py, level)?)?;
    indicators.set_item("code", column(py, code)?)?;
    indicators.set_item("name", column(py, name)?)?;
    indicators.set_item("indicator", column(py, ind)?)?;
    indicators.set_item("group", column(py, group)?)?;
    indicators.set_item("numerator", num.into_pyarray(py))?;
    indicators.set_item("denominator", den.into_pyarray(py))?;
    indicators.set_item("value", val.into_pyarray(py))?;
    indicators.set_item("se", se.into_pyarray(py))?;
    indicators.set_item("ci_low", lo.into_pyarray(py))?;
    indicators.set_item("ci_high", hi.into_pyarray(py))?;
    out.set_item("indicators", indicators)?;
    let regions = PyDict::new(py);
    regions.set_item("level", column(py, r_level)?)?;
    regions.set_item("code", column(py, r_code)?)?;
    regions.set_item("name", column(py, r_name)?)?;
    regions.set_item("families", r_fam.into_pyarray(py))?;
    out.set_item("regions", regions)?;
    let p = &r.errors;
    let errs = PyDict::new(py);
    errs.set_item(
        "table",
        column(py, p.iter().map(|x| x.table.as_str()).collect::<Vec<_>>())?,
    )?;
    errs.set_item(
        "record",
        p.iter()
            .map(|x| x.record)
            .collect::<Vec<_>>()
            .into_pyarray(py),
    )?;
    errs.set_item(
        "field",
        column(
            py,
            p.iter()
                .map(|x| x.error.path().to_string())
                .collect::<Vec<_>>(),
        )?,
    )?;
    errs.set_item(
        "code",
        column(
            py,
            p.iter()
                .map(|x| x.error.code().as_str())
                .collect::<Vec<_>>(),
        )?,
    )?;
    errs.set_item(
        "message",
        column(
            py,
            p.iter().map(|x| x.error.message(loc)).collect::<Vec<_>>(),
        )?,
    )?;
    errs.set_item(
        "excluded",
        column(
            py,
            p.iter().map(|x| x.excluded.as_str()).collect::<Vec<_>>(),
        )?,
    )?;
    out.set_item("errors", errs)?;
    let mut ex = serde_json::to_value(&r.exclusions).unwrap_or(Value::Null);
    if let Some(m) = ex.as_object_mut() {
        m.insert(
            "errors_truncated".to_owned(),
            Value::from(r.errors_truncated),
        );
    }
    out.set_item("exclusions", convert::from_value(py, &ex)?)?;
    Ok(out)
}

/// The report of a JSON Lines register file (`record` = line number from 1).
#[pyfunction]
#[pyo3(signature = (path, as_of=None, tz="WIB", threads=0, locale="id", max_line_bytes=None, design=None, month=None))]
#[allow(clippy::too_many_arguments)]
pub fn _report_jsonl(
    py: Python<'_>,
    path: std::path::PathBuf,
    as_of: Option<&Bound<'_, PyAny>>,
    tz: &str,
    threads: usize,
    locale: &str,
    max_line_bytes: Option<usize>,
    design: DesignArg,
    month: Option<&str>,
) -> PyResult<PyReport> {
    let loc = errors::locale(locale)?;
    let (opts, zone) = options(py, as_of, tz, threads, loc)?;
    let opts = with_design(py, opts, design, loc)?;
    let mut opts = with_month(py, opts, month, loc)?;
    if let Some(n) = max_line_bytes {
        opts = opts.with_max_line_bytes(n);
    }
    let file = std::fs::File::open(&path)?;
    let mut inner = py.detach(|| Report::from_json_lines(file, &opts, &mut ()))?;
    inner.as_of_today = zone;
    inner.sources = vec![path.display().to_string()];
    Ok(PyReport { inner })
}

/// The report of register records (dicts in the JSON Lines format;
/// `record` = position in `records`).
#[pyfunction]
#[pyo3(signature = (records, as_of=None, tz="WIB", threads=0, locale="id", design=None, month=None))]
#[allow(clippy::too_many_arguments)]
pub fn _report(
    py: Python<'_>,
    records: &Bound<'_, PyList>,
    as_of: Option<&Bound<'_, PyAny>>,
    tz: &str,
    threads: usize,
    locale: &str,
    design: DesignArg,
    month: Option<&str>,
) -> PyResult<PyReport> {
    let loc = errors::locale(locale)?;
    let (opts, zone) = options(py, as_of, tz, threads, loc)?;
    let opts = with_design(py, opts, design, loc)?;
    let opts = with_month(py, opts, month, loc)?;
    let inputs: Vec<Value> = records.iter().map(|r| convert::to_value(&r)).collect();
    let mut inner = py.detach(|| Report::from_records(&inputs, &opts, &mut ()));
    inner.as_of_today = zone;
    Ok(PyReport { inner })
}

/// One entity table: rows as dicts, or Arrow record batches.
pub(crate) enum AnyTable {
    Values(Vec<Value>),
    Arrow(ArrowTable),
}

/// A row of an [`AnyTable`].
pub(crate) enum AnyRow<'r> {
    Value(&'r Value),
    Arrow(ArrowRow<'r>),
}

impl Table for AnyTable {
    type Row<'r> = AnyRow<'r>;
    fn len(&self) -> usize {
        match self {
            AnyTable::Values(v) => v.len(),
            AnyTable::Arrow(a) => a.len(),
        }
    }
    fn row(&self, row: usize) -> AnyRow<'_> {
        match self {
            AnyTable::Values(v) => AnyRow::Value(v[..].row(row)),
            AnyTable::Arrow(a) => AnyRow::Arrow(a.row(row)),
        }
    }
}

impl<'r> TableRow<'r> for AnyRow<'r> {
    fn cell(&self, column: Column) -> Cell<'r> {
        match self {
            AnyRow::Value(v) => v.cell(column),
            AnyRow::Arrow(a) => a.cell(column),
        }
    }
    fn named(&self, name: &str) -> Cell<'r> {
        match self {
            AnyRow::Value(v) => v.named(name),
            AnyRow::Arrow(a) => a.named(name),
        }
    }
}

/// A table argument: a list of dicts, or any object with
/// `__arrow_c_stream__` (read as Arrow record batches, zero-copy).
pub(crate) fn table_of(obj: &Bound<'_, PyAny>) -> PyResult<AnyTable> {
    if let Ok(list) = obj.cast::<PyList>() {
        return Ok(AnyTable::Values(
            list.iter().map(|r| convert::to_value(&r)).collect(),
        ));
    }
    if obj.hasattr("__arrow_c_stream__")? {
        let reader: pyo3_arrow::PyRecordBatchReader = obj.extract()?;
        let batches = reader
            .into_reader()?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        return ArrowTable::new(batches)
            .map(AnyTable::Arrow)
            .map_err(|e| crate::errors::schema_error(obj.py(), e.to_string()));
    }
    Err(pyo3::exceptions::PyTypeError::new_err(
        "expected a list of dicts or an Arrow table (pyarrow, polars, pandas)",
    ))
}

/// The report of three entity tables linked by `no_kk`, in any order
/// (`record` = 0-based row of the table named in `table`).
#[pyfunction]
#[pyo3(signature = (families, members, measurements, as_of=None, tz="WIB", threads=0, locale="id", design=None, month=None))]
#[allow(clippy::too_many_arguments)]
pub fn _report_entities(
    py: Python<'_>,
    families: &Bound<'_, PyAny>,
    members: &Bound<'_, PyAny>,
    measurements: &Bound<'_, PyAny>,
    as_of: Option<&Bound<'_, PyAny>>,
    tz: &str,
    threads: usize,
    locale: &str,
    design: DesignArg,
    month: Option<&str>,
) -> PyResult<PyReport> {
    let loc = errors::locale(locale)?;
    let (opts, zone) = options(py, as_of, tz, threads, loc)?;
    let opts = with_design(py, opts, design, loc)?;
    let opts = with_month(py, opts, month, loc)?;
    let (f, m, x) = (
        table_of(families)?,
        table_of(members)?,
        table_of(measurements)?,
    );
    let mut inner = py.detach(|| {
        let t = EntityTables::new(&f, &m, &x);
        Report::from_tables(&t, &opts, &mut ())
    });
    inner.as_of_today = zone;
    inner.sources = vec!["families".into(), "members".into(), "measurements".into()];
    Ok(PyReport { inner })
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

/// Writes a synthetic register (`kampung generate`): JSON Lines to `path`,
/// or the three CSV entity files in the folder `path` when `csv`.
#[pyfunction]
#[pyo3(signature = (path, families, seed, as_of, bad_rate, csv=false))]
pub fn _write_synthetic_register(
    py: Python<'_>,
    path: std::path::PathBuf,
    families: u64,
    seed: u64,
    as_of: chrono::NaiveDate,
    bad_rate: f64,
    csv: bool,
) -> PyResult<()> {
    use kampung_core::register::synthetic::{write_csv, write_jsonl, SyntheticRegister};
    let args = SyntheticRegister::new(families, seed, as_of).with_bad_rate(bad_rate);
    py.detach(|| {
        if csv {
            write_csv(&args, &path)
        } else {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
            write_jsonl(&args, &mut out)?;
            std::io::Write::flush(&mut out)
        }
    })?;
    Ok(())
}
