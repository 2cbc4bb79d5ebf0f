//! Python bindings for kampung-core. This crate only converts: every rule
//! lives in the core.

mod convert;
mod dhs;
mod errors;
mod growth;
mod monitoring;
mod partial;
mod prevalence;
mod pseudonym;
mod report;
mod risk;
mod wilayah;

use chrono::NaiveDate;
use kampung_core::{ErrorCode, Family, FamilyOptions, KodeWilayah, Locale, Nik, NomorKk};
use pyo3::prelude::*;

/// A reference date argument: a `datetime.date` (or `datetime`, its
/// date), an ISO text `YYYY-MM-DD`, or `None` for today's date in
/// Indonesia (WIB, UTC+7; not the machine's or UTC's date).
pub(crate) fn as_of_arg(
    py: Python<'_>,
    value: Option<&Bound<'_, PyAny>>,
    title: &str,
    locale: Locale,
) -> PyResult<NaiveDate> {
    let Some(v) = value.filter(|v| !v.is_none()) else {
        return Ok(kampung_core::today::today_in_indonesia());
    };
    if let Ok(d) = v.extract::<NaiveDate>() {
        return Ok(d);
    }
    if let Ok(d) = v.extract::<chrono::NaiveDateTime>() {
        return Ok(d.date());
    }
    if let Ok(s) = v.extract::<String>() {
        return kampung_core::today::parse_as_of(&s).map_err(|e| {
            let e = e.with_path(kampung_core::FieldPath::field("as_of"));
            errors::validation_error(py, &e.into(), title, locale)
        });
    }
    Err(pyo3::exceptions::PyTypeError::new_err(format!(
        "as_of must be a datetime.date or an ISO date string 'YYYY-MM-DD', got {}",
        v.get_type().name()?
    )))
}

/// Extracts a text argument: `None` is `required`, a non-string `invalid_type`
/// (the same answers as the JS validators give).
fn text_arg(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    title: &str,
    locale: Locale,
) -> PyResult<String> {
    kampung_core::input::text_value(&convert::to_value(value))
        .map_err(|e| errors::validation_error(py, &e.into(), title, locale))
}

/// A validated NIK (Nomor Induk Kependudukan): 16 digits, decoded.
///
/// Raises ``kampung.ValidationError`` listing every structural problem.
/// ``as_of`` (default: today) resolves the two-digit year of birth.
///
/// >>> import datetime
/// >>> nik = Nik("3174064509870003", as_of=datetime.date(2026, 1, 15))
/// >>> nik.sex, nik.birth_date, nik.kecamatan_code
/// ('female', datetime.date(1987, 9, 5), '317406')
/// >>> nik
/// Nik('317406**********')
#[pyclass(module = "kampung._kampung", name = "Nik", frozen, eq, hash)]
#[derive(PartialEq, Eq, Hash)]
struct PyNik {
    nik: Nik,
    as_of: NaiveDate,
}

#[pymethods]
impl PyNik {
    #[new]
    #[pyo3(signature = (value, *, as_of=None, locale="id"))]
    fn new(
        py: Python<'_>,
        value: &Bound<'_, PyAny>,
        as_of: Option<&Bound<'_, PyAny>>,
        locale: &str,
    ) -> PyResult<Self> {
        let loc = errors::locale(locale)?;
        let s = text_arg(py, value, "Nik", loc)?;
        let as_of = as_of_arg(py, as_of, "Nik", loc)?;
        Nik::parse_as_of(&s, as_of)
            .map(|nik| PyNik { nik, as_of })
            .map_err(|e| errors::validation_error(py, &e, "Nik", loc))
    }
    /// The 16 digits.
    #[getter]
    fn value(&self) -> String {
        self.nik.to_string()
    }
    /// Province code of first registration, e.g. "64".
    #[getter]
    fn province_code(&self) -> String {
        format!("{:02}", self.nik.province_code())
    }
    /// Province name.
    #[getter]
    fn province_name(&self) -> &'static str {
        self.nik.province_name()
    }
    /// Kabupaten/kota code (4 digits).
    #[getter]
    fn kabkota_code(&self) -> String {
        self.nik.kabkota_code().to_owned()
    }
    /// Kecamatan code (6 digits).
    #[getter]
    fn kecamatan_code(&self) -> String {
        self.nik.kecamatan_code().to_owned()
    }
    /// "male" or "female".
    #[getter]
    fn sex(&self) -> &'static str {
        self.nik.sex().as_str()
    }
    /// Date of birth, century resolved against `as_of`.
    #[getter]
    fn birth_date(&self) -> Option<NaiveDate> {
        self.nik.birth_date(self.as_of)
    }
    /// Serial number (1-9999).
    #[getter]
    fn serial(&self) -> u16 {
        self.nik.serial()
    }
    /// The reference date the century of the birth year was resolved
    /// against: the ``as_of`` given, or today's date in Indonesia (WIB).
    #[getter]
    fn as_of(&self) -> NaiveDate {
        self.as_of
    }
    /// The decoded parts as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = serde_json::to_value(self.nik.info(self.as_of))
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
        convert::from_value(py, &v)
    }
    fn __str__(&self) -> String {
        self.nik.to_string()
    }
    fn __repr__(&self) -> String {
        // Personal data: the date and serial digits are masked.
        format!("Nik('{}**********')", self.nik.kecamatan_code())
    }
}

/// A validated Nomor KK (family card number): 16 digits, province and
/// kabupaten/kota of issuance checked.
///
/// >>> NomorKk("6472052301150007").region_prefix
/// '647205'
#[pyclass(module = "kampung._kampung", name = "NomorKk", frozen, eq, hash)]
#[derive(PartialEq, Eq, Hash)]
struct PyNomorKk(NomorKk);

#[pymethods]
impl PyNomorKk {
    #[new]
    #[pyo3(signature = (value, *, locale="id"))]
    fn new(py: Python<'_>, value: &Bound<'_, PyAny>, locale: &str) -> PyResult<Self> {
        let loc = errors::locale(locale)?;
        let s = text_arg(py, value, "NomorKk", loc)?;
        NomorKk::parse(&s)
            .map(PyNomorKk)
            .map_err(|e| errors::validation_error(py, &e, "NomorKk", loc))
    }
    /// The 16 digits.
    #[getter]
    fn value(&self) -> String {
        self.0.to_string()
    }
    /// Province code of issuance, e.g. "64".
    #[getter]
    fn province_code(&self) -> String {
        format!("{:02}", self.0.province_code())
    }
    /// The first six digits (kecamatan of issuance).
    #[getter]
    fn region_prefix(&self) -> String {
        self.0.region_prefix().to_owned()
    }
    fn __str__(&self) -> String {
        self.0.to_string()
    }
    fn __repr__(&self) -> String {
        format!("NomorKk('{}**********')", self.0.region_prefix())
    }
}

/// A validated Kemendagri region code at any level (2, 4, 6 or 10
/// digits, with or without dots).
///
/// >>> k = KodeWilayah("6472051001")
/// >>> k.code, k.level, k.kind, k.parent.code
/// ('64.72.05.1001', 'desa_kelurahan', 'kelurahan', '64.72.05')
///
/// Names come from the bundled gazetteer (Kepmendagri 300.2.2-2138/2025, see
/// ``kampung.wilayah``); ``must_exist=True`` also rejects a well-formed code
/// that is not in it (``wilayah_not_in_gazetteer``).
///
/// >>> k = KodeWilayah("31.74.06.1003")
/// >>> k.name, k.parent.name, k.exists
/// ('Pondok Labu', 'Cilandak', True)
/// >>> KodeWilayah("64.72.05.1001").name is None
/// True
#[pyclass(module = "kampung._kampung", name = "KodeWilayah", frozen, eq, hash)]
#[derive(PartialEq, Eq, Hash)]
struct PyKodeWilayah(KodeWilayah);

#[pymethods]
impl PyKodeWilayah {
    #[new]
    #[pyo3(signature = (value, *, locale="id", must_exist=false))]
    fn new(
        py: Python<'_>,
        value: &Bound<'_, PyAny>,
        locale: &str,
        must_exist: bool,
    ) -> PyResult<Self> {
        let loc = errors::locale(locale)?;
        let s = text_arg(py, value, "KodeWilayah", loc)?;
        let parse = if must_exist {
            KodeWilayah::parse_existing
        } else {
            KodeWilayah::parse
        };
        parse(&s)
            .map(PyKodeWilayah)
            .map_err(|e| errors::validation_error(py, &e, "KodeWilayah", loc))
    }
    /// The region's name in the gazetteer, or None when it is not there.
    #[getter]
    fn name(&self) -> Option<&'static str> {
        self.0.name()
    }
    /// The names of the region and of the regions it lies in
    /// (``provinsi``, ``kabupaten_kota``, ``kecamatan``, ``desa_kelurahan``;
    /// None below the code's level), or None when it is not in the gazetteer.
    #[getter]
    fn names<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .names()
            .map(|n| convert::from_value(py, &serde_json::to_value(n).unwrap_or_default()))
            .transpose()
    }
    /// Whether the code is in the gazetteer.
    #[getter]
    fn exists(&self) -> bool {
        self.0.exists()
    }
    /// Dotted form, e.g. "64.72.05.1001".
    #[getter]
    fn code(&self) -> String {
        self.0.to_string()
    }
    /// Digits only.
    #[getter]
    fn plain(&self) -> String {
        self.0.as_plain().to_owned()
    }
    /// "provinsi", "kabupaten_kota", "kecamatan" or "desa_kelurahan".
    #[getter]
    fn level(&self) -> String {
        json_str(&self.0.level())
    }
    /// "provinsi", "kabupaten", "kota", "kecamatan", "kelurahan", "desa" or "desa_adat".
    #[getter]
    fn kind(&self) -> String {
        json_str(&self.0.kind())
    }
    /// The code one level up, or None for a province.
    #[getter]
    fn parent(&self) -> Option<PyKodeWilayah> {
        self.0.parent().map(PyKodeWilayah)
    }
    /// Province name.
    #[getter]
    fn province_name(&self) -> &'static str {
        self.0.province_name()
    }
    fn __str__(&self) -> String {
        self.0.to_string()
    }
    fn __repr__(&self) -> String {
        format!("KodeWilayah('{}')", self.0)
    }
}

fn json_str<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Validates a family dict (``no_kk``, ``region_code``, ``members``: each
/// with ``name``, ``nik`` (optional), ``sex``, ``birth_date``,
/// ``relationship`` (SHDK) and ``marital_status``) against ``as_of`` (a
/// ``datetime.date`` or an ISO string); returns the validated family as a
/// dict or raises ``kampung.ValidationError`` with every problem and its
/// path. Identifiers may be exact integers (as ``read_csv`` gives them); a
/// float identifier is refused (``identifier_is_float``: read with
/// ``dtype=str``). Marital status may be any KK spelling, e.g. ``"Kawin
/// Tercatat"``; ``marriage_recorded`` keeps whether the marriage is recorded.
///
/// >>> import datetime
/// >>> fam = {"no_kk": "6472052301150007", "region_code": "64.72.05.1001",
/// ...        "members": [{"name": "Budi", "sex": "L", "birth_date": "1985-01-01",
/// ...                     "relationship": "kepala_keluarga", "marital_status": "kawin"}]}
/// >>> validate_family(fam, as_of=datetime.date(2026, 1, 15))["members"][0]["sex"]
/// 'male'
/// >>> fam["members"][0]["birth_date"] = "2027-01-01"
/// >>> try:
/// ...     validate_family(fam, as_of=datetime.date(2026, 1, 15), locale="en")
/// ... except ValueError as e:
/// ...     print(e.errors()[0]["field"], e.errors()[0]["code"])
/// members[0].birth_date date_in_future
#[pyfunction]
#[pyo3(signature = (data, *, as_of, locale="id", min_parent_child_gap_years=10))]
fn validate_family<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    as_of: &Bound<'py, PyAny>,
    locale: &str,
    min_parent_child_gap_years: u32,
) -> PyResult<Bound<'py, PyAny>> {
    let loc = errors::locale(locale)?;
    if as_of.is_none() {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "validate_family() needs as_of (a datetime.date or 'YYYY-MM-DD')",
        ));
    }
    let as_of = as_of_arg(py, Some(as_of), "Family", loc)?;
    let input = convert::to_value(data);
    let opts =
        FamilyOptions::new(as_of).with_min_parent_child_gap_years(min_parent_child_gap_years);
    match Family::from_value(&input, &opts) {
        Ok(fam) => {
            let v = serde_json::to_value(&fam)
                .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
            convert::from_value(py, &v)
        }
        Err(e) => Err(errors::validation_error(py, &e, "Family", loc)),
    }
}

/// Every stable error code, in registry order.
///
/// >>> "nik_length" in list_error_codes()
/// True
#[pyfunction]
fn list_error_codes() -> Vec<&'static str> {
    ErrorCode::ALL.iter().map(|c| c.as_str()).collect()
}

/// The message template of ``code`` in ``locale`` (with ``{param}`` placeholders).
///
/// >>> error_template("nik_length", "en")
/// 'A NIK must have 16 digits (got {length}).'
#[pyfunction]
#[pyo3(signature = (code, locale="id"))]
fn error_template(code: &str, locale: &str) -> PyResult<&'static str> {
    let loc = errors::locale(locale)?;
    ErrorCode::ALL
        .iter()
        .find(|c| c.as_str() == code)
        .map(|c| c.template(loc))
        .ok_or_else(|| pyo3::exceptions::PyKeyError::new_err(code.to_owned()))
}

/// The keys a record of `area` may have (`krs`, `catin`, `ibu_hamil`,
/// `kb_record`): any other is `unknown_field` (DOMAIN.md §9.5). The batch
/// functions check a table's columns against it once.
#[pyfunction]
fn _fields(area: &str) -> PyResult<Vec<&'static str>> {
    Ok(match area {
        "krs" => kampung_core::risk::krs::KRS_FIELDS.to_vec(),
        "catin" => kampung_core::risk::screening::CATIN_FIELDS.to_vec(),
        "ibu_hamil" => kampung_core::risk::screening::IBU_HAMIL_FIELDS.to_vec(),
        "kb_record" => kampung_core::kb::indicators::RECORD_FIELDS.to_vec(),
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "unknown area {other:?}"
            )))
        }
    })
}

#[pymodule(gil_used = false)]
fn _kampung(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(_fields, m)?)?;
    m.add_class::<PyNik>()?;
    m.add_class::<PyNomorKk>()?;
    m.add_class::<PyKodeWilayah>()?;
    m.add_function(wrap_pyfunction!(validate_family, m)?)?;
    m.add_function(wrap_pyfunction!(growth::_f64_column, m)?)?;
    m.add_function(wrap_pyfunction!(list_error_codes, m)?)?;
    m.add_function(wrap_pyfunction!(error_template, m)?)?;
    m.add_function(wrap_pyfunction!(risk::_evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(growth::_zscores_2006, m)?)?;
    m.add_function(wrap_pyfunction!(growth::_zscores_2007, m)?)?;
    m.add_function(wrap_pyfunction!(growth::_classify, m)?)?;
    m.add_class::<report::PyReport>()?;
    m.add_function(wrap_pyfunction!(dhs::_dhs_unmet_need, m)?)?;
    m.add_function(wrap_pyfunction!(dhs::_dhs_reasons, m)?)?;
    m.add_function(wrap_pyfunction!(dhs::_dhs_fp_indicators, m)?)?;
    m.add_function(wrap_pyfunction!(prevalence::_prevalence, m)?)?;
    m.add_function(wrap_pyfunction!(prevalence::_quality, m)?)?;
    m.add_function(wrap_pyfunction!(report::_report, m)?)?;
    m.add_function(wrap_pyfunction!(pseudonym::_pseudonymize_column, m)?)?;
    m.add_function(wrap_pyfunction!(pseudonym::_pseudonymize_jsonl, m)?)?;
    m.add_function(wrap_pyfunction!(report::_report_jsonl, m)?)?;
    m.add_function(wrap_pyfunction!(report::_report_entities, m)?)?;
    m.add_function(wrap_pyfunction!(report::_classify_kampung, m)?)?;
    m.add_function(wrap_pyfunction!(report::_write_synthetic_register, m)?)?;
    m.add_class::<partial::PyReportState>()?;
    m.add_function(wrap_pyfunction!(partial::_report_state_jsonl, m)?)?;
    m.add_function(wrap_pyfunction!(partial::_report_state, m)?)?;
    m.add_function(wrap_pyfunction!(partial::_report_state_entities, m)?)?;
    m.add_function(wrap_pyfunction!(partial::_merge_states, m)?)?;
    m.add_function(wrap_pyfunction!(risk::_evaluate_batch, m)?)?;
    m.add_function(wrap_pyfunction!(monitoring::_monitoring, m)?)?;
    m.add_function(wrap_pyfunction!(wilayah::_wilayah_name, m)?)?;
    m.add_function(wrap_pyfunction!(wilayah::_wilayah_names, m)?)?;
    m.add_function(wrap_pyfunction!(wilayah::_wilayah_children, m)?)?;
    m.add_function(wrap_pyfunction!(wilayah::_wilayah_source, m)?)?;
    Ok(())
}
