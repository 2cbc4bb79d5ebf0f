//! Growth monitoring for web forms: one weighing of a child with earlier
//! weighings (`assessWeighing`), and whole visit tables (`monitorVisits`).

use crate::risk::snake;
use crate::{convert, invalid, read_options, valid};
use kampung_core::monitoring::assess_weighing_json;
use kampung_core::monitoring::records::assess_json;
use kampung_core::{FieldPath, PathSegment, ValidationErrors};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_MONITORING: &'static str = r#"
/** One weighing: `date` "YYYY-MM-DD", `weightKg` in kg (number or text "8,4"). */
export interface WeighingForm { date?: unknown; weightKg?: unknown; }
/** A child's earlier weighings and the one just entered. */
export interface WeighingInput {
  sex?: unknown; birthDate?: unknown;
  previous?: WeighingForm[] | unknown;
  current?: WeighingForm | unknown;
}
export interface Explained { code: string; message: string; }
export interface FormVelocity {
  table: "weight_1mo" | "weight_2mo"; z: number | null; centile: number | null;
  interval_days: number | null;
  reason: "no_earlier_measurement" | "age_outside_table" | "interval_mismatch" | "increment_below_table_range" | null;
}
/** The code of the current weighing (MONITORING.md R1-R9) with its KBM, gain and referral. */
export interface WeighingAssessment {
  rules: "kia2023" | "legacy_2t";
  code: "N" | "T" | "O" | "B";
  code_label: string;
  age_months: number; kbm_age_months: number;
  gain_g: number | null; kbm_g: number | null;
  t_run: number; two_t: boolean;
  waz: number | null; bgm: boolean | null; above_orange: boolean | null;
  refer: boolean; refer_reasons: Explained[];
  /** One sentence for the cadre in the locale (code, gain, KBM, referral). */
  message: string;
  warnings: Explained[];
  previous_codes: ("N" | "T" | "O" | "B" | null)[];
  velocity: FormVelocity[];
}
/** Children and visits as records (the Python/CSV column names). */
export interface MonitorInput { children?: unknown; visits?: unknown; }
/** Options of `monitorVisits`: rule options plus `month` ("YYYY-MM") and `by` (area key) for SKDN. */
export interface MonitorOptions extends RuleOptions { month?: string; by?: string; }
export interface MonitorResult {
  rules: string;
  /** One row per visit, in input order (columns of kampung.monitoring.assess). */
  visits: Record<string, unknown>[];
  errors: (FieldError & { visit: number; child_id: string })[];
  /** One row per area, when `month` is given. */
  skdn?: Record<string, unknown>[];
}
"#;

/// The camelCase name of a field of the weighing form (static, for paths).
fn camel_field(f: &'static str) -> &'static str {
    match f {
        "birth_date" => "birthDate",
        "weight_kg" => "weightKg",
        other => other,
    }
}

fn camel_paths(errors: ValidationErrors) -> ValidationErrors {
    let mut out = ValidationErrors::new();
    for e in errors.into_vec() {
        let mut path = FieldPath::root();
        for seg in e.path().segments() {
            path.push(match seg {
                PathSegment::Field(f) => PathSegment::Field(camel_field(f)),
                other => other.clone(),
            });
        }
        out.push(e.with_path(path));
    }
    out
}

/// Options for the core: snake_case keys, `as_of` and `locale`.
fn core_options(opts: &Value, as_of: Option<String>, locale: &str) -> Value {
    let mut m = Map::new();
    if let Value::Object(o) = opts {
        for (k, v) in o {
            if k != "asOf" && k != "as_of" {
                m.insert(snake(k), v.clone());
            }
        }
    }
    if let Some(a) = as_of {
        m.insert("as_of".into(), Value::String(a));
    }
    m.insert("locale".into(), Value::String(locale.into()));
    Value::Object(m)
}

/// The code N, T, O or B of a weighing just entered for a child with
/// earlier weighings, with the KBM, the gain in whole grams, the lines and
/// the referral message in Indonesian or English. `asOf` (default today):
/// weighings after it are errors.
#[wasm_bindgen(js_name = assessWeighing, unchecked_return_type = "Outcome<WeighingAssessment>")]
pub fn assess_weighing(
    #[wasm_bindgen(unchecked_param_type = "WeighingInput | unknown")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RuleOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    let (locale, as_of, opts) = read_options(&options)?;
    let raw = convert::to_value(&input);
    let o = core_options(&opts, Some(as_of.to_string()), locale.as_str());
    Ok(match assess_weighing_json(&raw, &o) {
        Ok(a) => valid(serde_json::to_value(a).unwrap_or(Value::Null), as_of),
        Err(e) => invalid(&camel_paths(e), locale, as_of),
    })
}

/// Codes of every visit of many children (`{children, visits}` records in
/// any order), and SKDN by `by` when `month` is given.
#[wasm_bindgen(js_name = monitorVisits, unchecked_return_type = "Outcome<MonitorResult>")]
pub fn monitor_visits(
    #[wasm_bindgen(unchecked_param_type = "MonitorInput | unknown")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "MonitorOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    let (locale, as_of, opts) = read_options(&options)?;
    let given = ["asOf", "as_of"]
        .iter()
        .any(|k| opts.get(k).is_some_and(|v| !v.is_null()));
    let o = core_options(&opts, given.then(|| as_of.to_string()), locale.as_str());
    let raw = convert::to_value(&input);
    Ok(match assess_json(&raw, &o) {
        Ok(v) => valid(v, as_of),
        Err(e) => invalid(&e, locale, as_of),
    })
}
