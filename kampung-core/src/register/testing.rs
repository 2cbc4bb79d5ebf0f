//! Test records shared by the register's tests: a valid record, every
//! record one edit away from it, and the rule sets to read them with.

use super::RegisterOptions;
use crate::risk::krs::{KrsRuleSet, LatrineRule};
use chrono::NaiveDate;
use serde_json::{json, Value};

pub fn opts() -> Vec<RegisterOptions> {
    let as_of = NaiveDate::from_ymd_opt(2025, 7, 1).expect("date");
    let strict = KrsRuleSet {
        latrine: LatrineRule::SigaCompiled,
        include_housing: true,
        ..KrsRuleSet::default()
    };
    vec![
        RegisterOptions::new(as_of),
        RegisterOptions {
            as_of,
            krs_rules: strict,
        },
    ]
}

/// A valid record that the typed path accepts.
pub fn base() -> Value {
    json!({"no_kk": "6472052301150007", "region_code": "64.72.05.2001",
        "members": [
          {"name": "Budi", "nik": "6472050101850003", "sex": "L", "birth_date": "1985-01-01",
           "relationship": "kepala_keluarga", "marital_status": "kawin"},
          {"name": "Siti", "nik": "6472054507900002", "sex": "P", "birth_date": "1990-07-05",
           "relationship": "istri", "marital_status": "kawin"},
          {"name": "Bayu", "sex": "L", "birth_date": "2024-06-15",
           "relationship": "anak", "marital_status": "belum_kawin"}],
        "housing": {"water_source": "ledeng", "latrine": "sendiri", "septic_tank": true,
                    "gooseneck": true, "housing_layak": false},
        "wife_pregnant": false,
        "kb": {"method": "none", "reason_not_using": "iat"},
        "measurements": [
          {"member": 2, "measured_on": "2025-06-01", "weight_kg": 9.1, "length_cm": 74,
           "measure": "l", "oedema": false},
          {"member": 2, "measured_on": "2025-01-01", "weight_kg": 7.5}]})
}

/// Values put in place of each field.
pub fn replacements(current: &Value) -> Vec<Value> {
    let mut out = vec![
        Value::Null,
        json!(""),
        json!(" "),
        json!("x"),
        json!("NA"),
        json!("L"),
        json!("h"),
        json!("hamil"),
        json!("tidak_ada"),
        json!("2024-02-30"),
        json!("2026-01-01"),
        json!("6472051506240001"),
        json!(0),
        json!(1),
        json!(2),
        json!(-1),
        json!(1.5),
        json!(3000),
        json!(true),
        json!(false),
        json!([]),
        json!({}),
    ];
    if let Value::String(s) = current {
        out.push(json!(format!(" {s} ")));
        out.push(json!(s.to_uppercase()));
        out.push(json!(s.replace('_', " ")));
    }
    if let Value::Number(n) = current {
        out.push(json!(n.to_string()));
        out.push(json!(-n.as_f64().unwrap_or(0.0)));
    }
    out
}

/// Every record one edit away from `v`: each field removed or replaced,
/// an unknown field added, an object replaced by an array.
pub fn mutations(v: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    match v {
        Value::Object(m) => {
            let mut extra = m.clone();
            extra.insert("extra".to_owned(), json!(1));
            out.push(Value::Object(extra));
            out.push(Value::Array(m.values().cloned().collect()));
            for (k, x) in m {
                let mut gone = m.clone();
                gone.remove(k);
                out.push(Value::Object(gone));
                for r in replacements(x).into_iter().chain(mutations(x)) {
                    let mut changed = m.clone();
                    changed.insert(k.clone(), r);
                    out.push(Value::Object(changed));
                }
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                for r in mutations(x) {
                    let mut changed = a.clone();
                    changed[i] = r;
                    out.push(Value::Array(changed));
                }
            }
            if let Some(first) = a.first() {
                let mut more = a.clone();
                more.push(first.clone());
                out.push(Value::Array(more));
            }
            out.push(json!([]));
        }
        _ => {}
    }
    out
}

/// A record as `kampung generate` writes it (keys in its order).
pub const USUAL: &str = concat!(
    r#"{"no_kk":"6472052301150007","region_code":"64.72.05.2001","members":["#,
    r#"{"name":"Budi","nik":"6472050101850003","sex":"L","birth_date":"1985-01-01","#,
    r#""relationship":"kepala_keluarga","marital_status":"kawin"},"#,
    r#"{"name":"Siti","nik":"6472054507900002","sex":"P","birth_date":"1990-07-05","#,
    r#""relationship":"istri","marital_status":"kawin"},"#,
    r#"{"name":"Bayu","sex":"L","birth_date":"2024-06-15","relationship":"anak","#,
    r#""marital_status":"belum_kawin"}],"#,
    r#""housing":{"water_source":"ledeng","latrine":"sendiri","septic_tank":true},"#,
    r#""wife_pregnant":false,"kb":{"method":"none","reason_not_using":"iat"},"#,
    r#""measurements":[{"member":2,"measured_on":"2025-06-01","weight_kg":9.1,"#,
    r#""length_cm":74,"measure":"l","oedema":false}]}"#
);
