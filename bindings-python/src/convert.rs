//! Conversions between Python objects and the core's untyped JSON input.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDate, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

const MAX_DEPTH: usize = 64;

/// A Python object as JSON-like input. Unsupported objects become an object
/// `{"$unsupported": "<type name>"}` so that the core reports `invalid_type`
/// at the right field instead of the call failing.
pub fn to_value(obj: &Bound<'_, PyAny>) -> Value {
    to_value_depth(obj, 0)
}

fn unsupported(obj: &Bound<'_, PyAny>) -> Value {
    let name = obj
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_owned());
    let mut m = Map::new();
    m.insert("$unsupported".to_owned(), Value::String(name));
    Value::Object(m)
}

/// pandas' missing values `pd.NA` and `pd.NaT` (pandas 3 string and
/// nullable columns hold `pd.NA`): read as missing, as pandas reads them.
fn is_missing_marker(obj: &Bound<'_, PyAny>) -> bool {
    obj.get_type()
        .name()
        .is_ok_and(|n| matches!(n.to_cow().as_deref(), Ok("NAType" | "NaTType")))
}

fn to_value_depth(obj: &Bound<'_, PyAny>, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return unsupported(obj);
    }
    if obj.is_none() || is_missing_marker(obj) {
        return Value::Null;
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Value::Bool(b.is_true());
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Value::Number(Number::from(i));
        }
        return unsupported(obj);
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Number::from_f64(f.value()).map_or_else(
            || {
                // NaN or infinity: kept as a marker the core rejects as a number.
                let mut m = Map::new();
                m.insert("$non_finite".to_owned(), Value::Bool(true));
                Value::Object(m)
            },
            Value::Number,
        );
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return s
            .to_cow()
            .map_or_else(|_| unsupported(obj), |s| Value::String(s.into_owned()));
    }
    if obj.is_instance_of::<PyDate>() {
        // datetime.date and datetime.datetime: ISO date.
        if let Ok(d) = obj.extract::<chrono::NaiveDate>() {
            return Value::String(d.to_string());
        }
        if let Ok(d) = obj.extract::<chrono::NaiveDateTime>() {
            return Value::String(d.date().to_string());
        }
        return unsupported(obj);
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut m = Map::new();
        for (k, v) in d.iter() {
            let key = match k.cast::<PyString>() {
                Ok(s) => s.to_string(),
                Err(_) => continue,
            };
            m.insert(key, to_value_depth(&v, depth + 1));
        }
        return Value::Object(m);
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return Value::Array(l.iter().map(|v| to_value_depth(&v, depth + 1)).collect());
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return Value::Array(t.iter().map(|v| to_value_depth(&v, depth + 1)).collect());
    }
    // numpy scalars and other numbers that implement __index__ / __float__.
    if let Ok(i) = obj.extract::<i64>() {
        return Value::Number(Number::from(i));
    }
    unsupported(obj)
}

/// JSON output to Python objects (dict, list, str, int, float, bool, None).
pub fn from_value<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(a) => {
            let list = PyList::empty(py);
            for x in a {
                list.append(from_value(py, x)?)?;
            }
            list.into_any()
        }
        Value::Object(m) => {
            let d = PyDict::new(py);
            for (k, x) in m {
                d.set_item(k, from_value(py, x)?)?;
            }
            d.into_any()
        }
    })
}
