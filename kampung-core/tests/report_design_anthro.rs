//! The village report with a survey design equals WHO anthro's
//! `anthro_prevalence` with the full design (`shared/data/who-growth/
//! testdata/prevalence/anthro_prevalence_design_full.csv`, R survey 4.1-1):
//! the 20,000 children of `anthro_prevalence_input.csv`, each in a family
//! of its own carrying the child's weight (`sw`), cluster and stratum, in
//! one desa per geographical region; the report's total is anthro's "All"
//! and each desa is anthro's "Geographical region" group, both domains of
//! the whole design. Skipped (with a message) without the shared data, a
//! failure under `CI=true`.
#![cfg(feature = "render")]

mod common;

use chrono::NaiveDate;
use kampung_core::report::{Report, ReportDesign, ReportOptions};

#[test]
fn report_with_a_design_equals_anthro_prevalence() {
    let Some(dir) = common::who_dir() else { return };
    let dir = dir.join("testdata/prevalence");
    let input = common::Csv::read(&dir.join("anthro_prevalence_input.csv"));
    let golden = common::Csv::read(&dir.join("anthro_prevalence_design_full.csv"));
    // Measured on 2025-01-01: 60 months back is 1,827 days (two leap
    // days), so "under 60 completed months" is anthro's "at most 1,826 days".
    let measured = NaiveDate::from_ymd_opt(2025, 1, 1).expect("date");
    let mut text = String::new();
    for i in 0..input.n {
        let s = |c: &str| input.s(c)[i].as_str();
        let days: i64 = s("age_days").parse().expect("age");
        let born = measured - chrono::Duration::days(days);
        let region = s("gregion").trim_start_matches("Region ");
        let sex = if s("sex") == "1" { "L" } else { "P" };
        let serial = i + 1;
        text.push_str(&format!(
            concat!(
                r#"{{"no_kk":"64720501{:02}{:06}","region_code":"64.72.05.200{}","#,
                r#""members":[{{"name":"A","sex":"L","birth_date":"1985-01-01","relationship":"kepala_keluarga","marital_status":"kawin"}},"#,
                r#"{{"name":"B","sex":"P","birth_date":"1990-07-05","relationship":"istri","marital_status":"kawin"}},"#,
                r#"{{"name":"C","sex":"{}","birth_date":"{}","relationship":"anak","marital_status":"belum_kawin"}}],"#,
                r#""housing":{{"water_source":"sumur_bor","latrine":"sendiri","septic_tank":true}},"kb":{{"method":"pill"}},"#,
                r#""measurements":[{{"member":2,"measured_on":"{}","weight_kg":{},"length_cm":{},"measure":"{}"}}],"#,
                r#""sw":{},"cluster":{},"strata":{}}}"#,
                "\n"
            ),
            serial / 1_000_000 + 10,
            serial % 1_000_000,
            region,
            sex,
            born,
            measured,
            s("weight"),
            s("lenhei"),
            s("measure"),
            s("sw"),
            s("cluster"),
            s("strata"),
        ));
    }
    let design = ReportDesign::new()
        .with_weights("sw")
        .with_cluster("cluster")
        .with_strata("strata");
    let opts =
        ReportOptions::new(NaiveDate::from_ymd_opt(2025, 1, 2).expect("date")).with_design(design);
    let r = Report::from_json_lines(text.as_bytes(), &opts, &mut ()).expect("reads");
    assert_eq!(
        r.exclusions.families_included as usize,
        input.n,
        "{:?}",
        r.errors.first()
    );
    let d = r.design.as_ref().expect("design");
    assert_eq!(d.error, None);
    let groups = golden.s("Group");
    let mut checked = 0;
    for (g, group) in groups.iter().enumerate() {
        let code = match group.strip_prefix("Geographical region: Region ") {
            Some(k) => Some(format!("64.72.05.200{k}")),
            None if group == "All" => None,
            None => continue,
        };
        let row = r
            .rows
            .iter()
            .find(|x| x.code == code || (code.is_none() && x.code.is_none()))
            .expect("row");
        for (name, prefix, pop) in [
            ("stunting", "HA_2", "HAZ"),
            ("underweight", "WA_2", "WAZ"),
            ("wasting", "WH_2", "WHZ"),
            ("overweight", "WH2", "WHZ"),
        ] {
            let e = row.indicator(name).expect("indicator");
            let want = |c: &str| common::num(&golden.s(&format!("{prefix}_{c}"))[g]);
            let unw = common::num(&golden.s(&format!("{pop}_unwpop"))[g]);
            assert_eq!(
                e.denominator as f64, unw,
                "{group} {name}: children with a z-score"
            );
            for (got, c) in [
                (e.value, "r"),
                (e.se, "se"),
                (e.ci_low, "ll"),
                (e.ci_high, "ul"),
            ] {
                let (got, w) = (got.expect("estimated"), want(c));
                assert!(
                    (got - w).abs() < 1e-6,
                    "{group} {name} {c}: {got} vs anthro {w}"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 4 * 7, "All and six regions, four indicators");
}
