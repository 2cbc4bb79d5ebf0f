//! Reading one child's measurement from a web form or a JSON record.

use super::child::{ChildMeasurement, Measure};
use crate::error::{ErrorCode, FieldError, ValidationErrors};
use crate::input::{keep, parse_date, Fields};
use crate::sex::Sex;
use serde_json::Value;

/// A decimal typed in a form: a JSON number, or text with a decimal point
/// or an Indonesian decimal comma (`"12,5"`). Empty text is absent.
fn decimal(f: &Fields<'_>, name: &'static str, errors: &mut ValidationErrors) -> Option<f64> {
    match f.get(name) {
        None => None,
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => match s.trim().replace(',', ".").parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            Ok(_) => {
                errors.push(FieldError::at(name, ErrorCode::NotFinite));
                None
            }
            Err(_) => {
                errors.push(
                    FieldError::at(name, ErrorCode::InvalidType)
                        .with_param("expected", "number")
                        .with_param("received", "string"),
                );
                None
            }
        },
        Some(Value::Object(m)) if m.contains_key("$non_finite") => {
            errors.push(FieldError::at(name, ErrorCode::NotFinite));
            None
        }
        Some(other) => {
            errors.push(crate::input::invalid_type(name, "number", other));
            None
        }
    }
}

fn measure(s: &str) -> Result<Option<Measure>, FieldError> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "l" | "length" | "lying" | "berbaring" | "pb" | "panjang" => Ok(Some(Measure::Length)),
        "h" | "height" | "standing" | "berdiri" | "tb" | "tinggi" => Ok(Some(Measure::Height)),
        _ => Err(FieldError::new(ErrorCode::MeasureInvalid)),
    }
}

fn oedema(v: &Value) -> Result<bool, FieldError> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "" | "n" | "no" | "tidak" | "2" | "false" => Ok(false),
            "y" | "yes" | "ya" | "1" | "true" => Ok(true),
            _ => Err(FieldError::new(ErrorCode::OedemaInvalid)),
        },
        Value::Number(n) if n.as_i64() == Some(1) => Ok(true),
        Value::Number(n) if n.as_i64() == Some(2) || n.as_i64() == Some(0) => Ok(false),
        _ => Err(FieldError::new(ErrorCode::OedemaInvalid)),
    }
}

impl ChildMeasurement {
    /// Reads `{sex, birth_date, measured_on, weight_kg?, length_cm?,
    /// measure?, oedema?}`: sex as `L`/`P`, `1`/`2` or `m`/`f`; dates
    /// `YYYY-MM-DD`; decimals as numbers or text (`"12,5"` accepted);
    /// measure `l`/`h` (or `length`/`height`, `berbaring`/`berdiri`);
    /// oedema as a boolean or `y`/`n`.
    ///
    /// # Errors
    /// Every problem with its field name.
    pub fn from_value(v: &Value) -> Result<ChildMeasurement, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let f = Fields::of(v, &mut errors);
        // DOMAIN.md §9.5: a misspelt key is an error, never ignored.
        f.deny_unknown(
            &[
                "sex",
                "birth_date",
                "measured_on",
                "weight_kg",
                "length_cm",
                "measure",
                "oedema",
            ],
            &mut errors,
        );
        let sex = f
            .text("sex", true, true, &mut errors)
            .and_then(|s| keep(Sex::parse(&s), "sex", &mut errors));
        let birth_date = f
            .text("birth_date", true, false, &mut errors)
            .and_then(|s| keep(parse_date(&s), "birth_date", &mut errors));
        let measured_on = f
            .text("measured_on", true, false, &mut errors)
            .and_then(|s| keep(parse_date(&s), "measured_on", &mut errors));
        let weight_kg = decimal(&f, "weight_kg", &mut errors);
        let length_cm = decimal(&f, "length_cm", &mut errors);
        let measure = f
            .text("measure", false, false, &mut errors)
            .and_then(|s| keep(measure(&s), "measure", &mut errors))
            .flatten();
        let oedema = f
            .get("oedema")
            .map_or(Some(false), |v| keep(oedema(v), "oedema", &mut errors));
        match (sex, birth_date, measured_on, oedema) {
            (Some(sex), Some(birth_date), Some(measured_on), Some(oedema)) if errors.is_empty() => {
                Ok(ChildMeasurement {
                    sex,
                    birth_date,
                    measured_on,
                    weight_kg,
                    length_cm,
                    measure,
                    oedema,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_form() {
        let m = ChildMeasurement::from_value(&json!({
            "sex": "P", "birth_date": "2024-01-10", "measured_on": "2025-07-01",
            "weight_kg": "8,4", "length_cm": 72.5, "measure": "berbaring", "oedema": "n"
        }))
        .expect("valid");
        assert_eq!(m.weight_kg, Some(8.4));
        assert_eq!(m.measure, Some(Measure::Length));
    }

    #[test]
    fn collects_problems() {
        let e = ChildMeasurement::from_value(&json!({
            "sex": "x", "birth_date": "2024-13-01", "weight_kg": "abc", "measure": "sitting", "oedema": 7
        }))
        .expect_err("invalid");
        let got: Vec<String> = e
            .errors()
            .iter()
            .map(|e| format!("{}:{}", e.path(), e.code()))
            .collect();
        assert_eq!(
            got,
            [
                "sex:sex_invalid",
                "birth_date:invalid_date",
                "measured_on:required",
                "weight_kg:invalid_type",
                "measure:measure_invalid",
                "oedema:oedema_invalid"
            ]
        );
    }
}
