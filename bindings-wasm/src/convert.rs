//! Any JS value to the core's untyped JSON input, and results back to JS.

use js_sys::{Array, Object, Reflect};
use serde::Serialize;
use serde_json::{Map, Number, Value};
use wasm_bindgen::{JsCast, JsValue};

const MAX_DEPTH: usize = 64;

fn marker(kind: &str) -> Value {
    let mut m = Map::new();
    m.insert("$unsupported".to_owned(), Value::String(kind.to_owned()));
    Value::Object(m)
}

/// Converts any JS value. Functions, symbols, BigInts, NaN, cycles and
/// overly deep nesting become marker objects, so the core reports
/// `invalid_type` at the field instead of the call throwing.
pub fn to_value(v: &JsValue) -> Value {
    to_value_depth(v, 0)
}

fn to_value_depth(v: &JsValue, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return marker("too_deep");
    }
    if v.is_null() || v.is_undefined() {
        return Value::Null;
    }
    if let Some(b) = v.as_bool() {
        return Value::Bool(b);
    }
    if let Some(f) = v.as_f64() {
        if f.is_finite() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
            // Safe integers stay integers (codes such as sex: 1).
            #[allow(clippy::cast_possible_truncation)]
            return Value::Number(Number::from(f as i64));
        }
        return Number::from_f64(f).map_or_else(|| marker("non_finite"), Value::Number);
    }
    if let Some(s) = v.as_string() {
        return Value::String(s);
    }
    if Array::is_array(v) {
        let arr: &Array = v.unchecked_ref();
        return Value::Array(arr.iter().map(|x| to_value_depth(&x, depth + 1)).collect());
    }
    if let Some(date) = v.dyn_ref::<js_sys::Date>() {
        let t = date.get_time();
        if t.is_nan() {
            return marker("invalid_date");
        }
        // The user's calendar day: a date picker gives local midnight, which
        // `toISOString()` (UTC) turns into the previous day east of UTC
        // (all of Indonesia).
        return Value::String(format!(
            "{:04}-{:02}-{:02}",
            date.get_full_year(),
            date.get_month() + 1,
            date.get_date()
        ));
    }
    if v.is_function() || v.is_symbol() || v.is_bigint() {
        return marker("unsupported");
    }
    if v.is_object() {
        let obj: &Object = v.unchecked_ref();
        let mut m = Map::new();
        for key in Object::keys(obj).iter() {
            if let Some(k) = key.as_string() {
                let val = Reflect::get(obj, &key).unwrap_or(JsValue::UNDEFINED);
                m.insert(k, to_value_depth(&val, depth + 1));
            }
        }
        return Value::Object(m);
    }
    marker("unsupported")
}

/// Serializes a result as plain JS objects (maps become objects, `None` null).
pub fn to_js<T: Serialize + ?Sized>(v: &T) -> JsValue {
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    v.serialize(&ser).unwrap_or(JsValue::NULL)
}
