//! Child growth, KRS, screening and KB indicators for web forms.

use crate::{convert, invalid, read_options, valid};
use kampung_core::growth::{assess_child, ChildMeasurement};
use kampung_core::{Locale, ValidationErrors};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

/// `birthDate` → `birth_date` (keys already in snake_case are kept).
pub fn snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `birth_date` → `birthDate`.
fn camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut up = false;
    for c in key.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.push(c.to_ascii_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The keys in snake_case, and the snake_case names the caller wrote in
/// camelCase (so that error paths echo the caller's own keys).
fn snake_keys(v: Value) -> (Value, Vec<String>) {
    match v {
        Value::Object(m) => {
            let mut camel_given = Vec::new();
            let out = m
                .into_iter()
                .map(|(k, x)| {
                    let s = snake(&k);
                    if s != k {
                        camel_given.push(s.clone());
                    }
                    (s, x)
                })
                .collect();
            (Value::Object(out), camel_given)
        }
        other => (other, Vec::new()),
    }
}

/// Options for the core: `{as_of, locale, <rules in snake_case>}`.
fn core_options(opts: &Value, as_of: chrono::NaiveDate, locale: Locale) -> Value {
    let mut m = Map::new();
    if let Value::Object(o) = opts {
        for (k, v) in o {
            m.insert(snake(k), v.clone());
        }
    }
    // The reference date of a rule set is never defaulted to the clock: an
    // absent asOf reaches the core, which reports `options.as_of` as required.
    if m.contains_key("as_of") {
        m.insert("as_of".into(), Value::String(as_of.to_string()));
    }
    m.insert("locale".into(), Value::String(locale.as_str().into()));
    Value::Object(m)
}

/// Adds `label` (in `locale`) beside `label_id`/`label_en` everywhere.
fn localize_labels(v: &mut Value, locale: Locale) {
    match v {
        Value::Object(m) => {
            let key = match locale {
                Locale::Id => "label_id",
                Locale::En => "label_en",
            };
            if let Some(label) = m.get(key).cloned() {
                m.insert("label".into(), label);
            }
            for x in m.values_mut() {
                localize_labels(x, locale);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| localize_labels(x, locale)),
        _ => {}
    }
}

/// Error paths in the caller's own keys: a field the form wrote in
/// camelCase is reported in camelCase.
fn camel_errors(errors: ValidationErrors, camel_given: &[String]) -> ValidationErrors {
    let mut out = ValidationErrors::new();
    for e in errors.into_vec() {
        let mut path = kampung_core::FieldPath::root();
        for seg in e.path().segments() {
            path.push(match seg {
                kampung_core::PathSegment::Field(f) if camel_given.iter().any(|c| c == f) => {
                    kampung_core::PathSegment::Field(intern_camel(f))
                }
                kampung_core::PathSegment::Key(k) if camel_given.iter().any(|c| c == k) => {
                    kampung_core::PathSegment::Key(camel(k))
                }
                other => other.clone(),
            });
        }
        out.push(e.with_path(path));
    }
    out
}

/// The camelCase names of the child form's fields (static, for error paths).
fn intern_camel(f: &'static str) -> &'static str {
    match f {
        "birth_date" => "birthDate",
        "measured_on" => "measuredOn",
        "weight_kg" => "weightKg",
        "length_cm" => "lengthCm",
        other => {
            debug_assert_eq!(camel(other), other);
            other
        }
    }
}

/// Z-scores, WHO flags and Permenkes 2/2020 categories (with labels in the
/// chosen locale) of one child, from `{sex, birth_date, measured_on,
/// weight_kg, length_cm, measure, oedema}` (camelCase keys accepted). A
/// birth or measurement date after `as_of` (default: today's local date)
/// is `date_in_future`.
#[wasm_bindgen(js_name = growthZscores, unchecked_return_type = "Outcome<ChildAssessment>")]
pub fn growth_zscores(
    #[wasm_bindgen(unchecked_param_type = "ChildForm | unknown")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Options")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    let (locale, as_of, _) = read_options(&options)?;
    let (raw, camel_given) = snake_keys(convert::to_value(&input));
    let result = ChildMeasurement::from_value(&raw)
        .and_then(|m| m.check_as_of(as_of).map(|()| m))
        .and_then(|m| assess_child(&m));
    Ok(match result {
        Ok(a) => {
            let mut v = serde_json::to_value(&a).unwrap_or(Value::Null);
            localize_labels(&mut v, locale);
            valid(v, as_of)
        }
        Err(e) => invalid(&camel_errors(e, &camel_given), locale, as_of),
    })
}

type Eval = fn(&Value, &Value) -> Result<Value, ValidationErrors>;

fn to_json<T: serde::Serialize>(r: Result<T, ValidationErrors>) -> Result<Value, ValidationErrors> {
    r.map(|v| serde_json::to_value(v).unwrap_or(Value::Null))
}

fn run(eval: Eval, input: &JsValue, options: &Option<JsValue>) -> Result<JsValue, JsError> {
    let (locale, as_of, opts) = read_options(options)?;
    let raw = convert::to_value(input);
    Ok(match eval(&raw, &core_options(&opts, as_of, locale)) {
        Ok(v) => valid(v, as_of),
        Err(e) => invalid(&e, locale, as_of),
    })
}

/// *Keluarga berisiko stunting* for one family: sasaran or not and why, at
/// risk or not and which factors fired, with explanations in the locale.
#[wasm_bindgen(js_name = evaluateKrs, unchecked_return_type = "Outcome<KrsResult>")]
pub fn evaluate_krs(
    #[wasm_bindgen(unchecked_param_type = "KrsInput | unknown")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RuleOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    run(
        |i, o| to_json(kampung_core::risk::evaluate_krs_json(i, o)),
        &input,
        &options,
    )
}

/// Screening of a *calon pengantin*: "ideal" or "berisiko" with reasons.
#[wasm_bindgen(js_name = screenCatin, unchecked_return_type = "Outcome<ScreeningResult>")]
pub fn screen_catin(
    #[wasm_bindgen(unchecked_param_type = "CatinInput | unknown")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RuleOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    run(
        |i, o| to_json(kampung_core::risk::screen_catin_json(i, o)),
        &input,
        &options,
    )
}

/// Screening of an *ibu hamil*: "ideal" or "berisiko" with reasons.
#[wasm_bindgen(js_name = screenIbuHamil, unchecked_return_type = "Outcome<ScreeningResult>")]
pub fn screen_ibu_hamil(
    #[wasm_bindgen(unchecked_param_type = "IbuHamilInput | unknown")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RuleOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    run(
        |i, o| to_json(kampung_core::risk::screen_ibu_hamil_json(i, o)),
        &input,
        &options,
    )
}

/// KB participation indicators (CPR, mCPR, MKJP share, method mix, unmet need…).
#[wasm_bindgen(js_name = kbIndicators, unchecked_return_type = "Outcome<KbIndicators>")]
pub fn kb_indicators(
    #[wasm_bindgen(unchecked_param_type = "KbInput | unknown")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RuleOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    run(
        |i, o| to_json(kampung_core::kb::kb_indicators_json(i, o)),
        &input,
        &options,
    )
}
