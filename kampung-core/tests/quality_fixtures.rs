//! The data-quality report against hand-computed fixtures
//! (`tests/fixtures/quality/*.json`, written by `tests/fixtures/gen_quality.py`
//! from the definitions, never from the library).
#![cfg(feature = "growth")]
#![allow(clippy::unwrap_used)]

use kampung_core::growth::parse_measure;
use kampung_core::growth::prevalence::{PrevalenceInput, PrevalenceOptions};
use kampung_core::growth::quality::{quality, QualityInput};
use serde_json::Value;

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn close(a: f64, b: &Value) -> bool {
    let b = b.as_f64().unwrap();
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

#[test]
fn golden_children_report_equals_the_hand_computation() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/quality/golden_children.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let inp = &v["input"];
    let sex: Vec<u8> = inp["sex"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| u8::try_from(x.as_u64().unwrap()).unwrap())
        .collect();
    let (age, weight, lenhei) = (
        nums(&inp["age"]),
        nums(&inp["weight"]),
        nums(&inp["lenhei"]),
    );
    let measure: Vec<u8> = inp["measure"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| parse_measure(x.as_str().unwrap_or("")).unwrap())
        .collect();
    let (day, month) = (nums(&inp["dob_day"]), nums(&inp["dob_month"]));
    let input = QualityInput {
        children: PrevalenceInput {
            sex: &sex,
            age: &age,
            weight: Some(&weight),
            lenhei: Some(&lenhei),
            measure: Some(&measure),
            ..Default::default()
        },
        dob_day: Some(&day),
        dob_month: Some(&month),
    };
    let (r, _) = quality(&input, &PrevalenceOptions::new()).unwrap();
    let e = &v["expected"];
    assert_eq!(r.children as u64, e["children"].as_u64().unwrap());
    let sr = &r.sex_ratio[0];
    assert_eq!(sr.group, "All");
    assert_eq!(
        (sr.male, sr.female),
        (
            e["sex_ratio_all"]["male"].as_u64().unwrap(),
            e["sex_ratio_all"]["female"].as_u64().unwrap()
        )
    );
    assert!(close(sr.ratio, &e["sex_ratio_all"]["ratio"]));
    for m in r.missing.iter().filter(|m| m.group == "All") {
        assert_eq!(
            m.missing,
            e["missing_all"][m.variable].as_u64().unwrap(),
            "missing {}",
            m.variable
        );
        assert_eq!(m.n, 14);
    }
    for f in r.flags.iter().filter(|f| f.group == "All") {
        let x = &e["flags_all"][f.indicator];
        assert_eq!(
            (f.scored, f.flagged),
            (
                x["scored"].as_u64().unwrap(),
                x["flagged"].as_u64().unwrap()
            ),
            "{}",
            f.indicator
        );
    }
    let mut checked = 0;
    for z in r.zscores.iter().filter(|z| z.group == "All") {
        let x = &e["zscores_all"][z.indicator];
        assert_eq!(z.n, x["n"].as_u64().unwrap());
        assert_eq!(
            z.sd_in_expected_range,
            x["sd_in_expected_range"].as_bool(),
            "{}",
            z.indicator
        );
        for (got, key) in [
            (z.mean, "mean"),
            (z.sd, "sd"),
            (z.skewness, "skewness"),
            (z.kurtosis, "kurtosis"),
        ] {
            assert!(
                close(got, &x[key]),
                "{} {key}: {got} vs {}",
                z.indicator,
                x[key]
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 16);
    for d in r.digits.iter().filter(|d| d.group == "All") {
        let x = &e["digits_all"][d.variable];
        let counts: Vec<u64> = x["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .collect();
        assert_eq!(d.counts.to_vec(), counts, "{}", d.variable);
        assert!(close(d.dps, &x["dps"]));
    }
    let months: Vec<u64> = e["age_months_total"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .collect();
    assert_eq!(
        r.age_months
            .iter()
            .map(|(_, f, m, u)| f + m + u)
            .collect::<Vec<_>>(),
        months
    );
    for (d, n) in &r.dob_day {
        assert_eq!(
            *n,
            e["dob_day"][d.to_string()].as_u64().unwrap_or(0),
            "day {d}"
        );
    }
    for (m, n) in &r.dob_month {
        assert_eq!(
            *n,
            e["dob_month"][m.to_string()].as_u64().unwrap_or(0),
            "month {m}"
        );
    }
    let total = r.measure_mismatch.last().unwrap();
    assert_eq!(total.age_group, "Total");
    assert_eq!(
        (total.total, total.mismatch),
        (
            e["mismatch_total"]["total"].as_u64().unwrap(),
            e["mismatch_total"]["mismatch"].as_u64().unwrap()
        )
    );
    // every group of the prevalence table is in the report
    assert!(r.sex_ratio.iter().any(|s| s.group == "Age group: 48-59 mo"));
    assert!(r.zscores.iter().any(|s| s.group == "Sex: Female"));
    let csv = r.to_csv();
    assert!(csv.starts_with("table,group,variable,key,value\n"));
    assert!(csv.contains("sex_ratio,\"All\",,male,7\n"));
}
