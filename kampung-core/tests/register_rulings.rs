//! The register applies DOMAIN.md §9's input rulings as `validate_family`
//! does: an unknown key inside a member, housing, KB or measurement object
//! is `unknown_field` with its path (§9.5); identifiers arrive as text or
//! as exact integers, never as floats (issue 16.7).
#![cfg(feature = "report")]

use chrono::NaiveDate;
use kampung_core::register::json::read_line;
use kampung_core::register::RegisterOptions;
use serde_json::{json, Value};

fn opts() -> RegisterOptions {
    RegisterOptions::new(NaiveDate::from_ymd_opt(2025, 7, 1).expect("date"))
}

fn base() -> Value {
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
           "measure": "l", "oedema": false}]})
}

/// (codes, paths) of the errors of one record.
fn problems(v: &Value) -> (bool, Vec<(String, String)>) {
    let read = read_line(&v.to_string(), &opts()).expect("JSON");
    let list = read
        .errors
        .iter()
        .map(|e| (e.code().as_str().to_owned(), e.path().to_string()))
        .collect();
    (read.family.is_some(), list)
}

#[test]
fn the_base_record_is_valid() {
    assert_eq!(problems(&base()), (true, vec![]));
}

#[test]
fn unknown_keys_in_nested_objects_are_errors_with_their_path() {
    let cases = [
        ("/members/1", "nama", "members[1].nama", false),
        ("/housing", "water_sorce", "housing.water_sorce", false),
        ("/kb", "metode", "kb.metode", false),
        ("/measurements/0", "weight", "measurements[0].weight", true),
    ];
    for (pointer, key, path, family_kept) in cases {
        let mut v = base();
        v.pointer_mut(pointer)
            .and_then(Value::as_object_mut)
            .expect("object")
            .insert(key.into(), json!("x"));
        let (kept, errs) = problems(&v);
        assert_eq!(kept, family_kept, "{path}");
        assert!(
            errs.contains(&("unknown_field".into(), path.into())),
            "{path}: {errs:?}"
        );
    }
}

#[test]
fn identifiers_as_integers_are_read_and_floats_refused() {
    let mut v = base();
    v["no_kk"] = json!(6_472_052_301_150_007_u64);
    v["members"][0]["nik"] = json!(6_472_050_101_850_003_u64);
    assert_eq!(problems(&v), (true, vec![]));

    let mut v = base();
    v["members"][1]["nik"] = json!(6_472_054_507_900_002.0_f64);
    let (kept, errs) = problems(&v);
    assert!(!kept);
    assert!(
        errs.contains(&("identifier_is_float".into(), "members[1].nik".into())),
        "{errs:?}"
    );
}
