//! The village report with a survey design (issue 11 point 6,
//! `report::design`): the growth prevalences equal R survey's
//! (`tests/fixtures/report/design_register.json`, written by
//! `design_register.R`) and a direct `kampung_core::survey` computation, on
//! every route (JSON Lines, records, CSV entity tables, merged partial
//! states); bad design values exclude their family with a structured
//! problem; a design that cannot be built is reported, never a panic.
#![cfg(all(feature = "csv", feature = "render"))]

use chrono::NaiveDate;
use kampung_core::register::csv::CsvTable;
use kampung_core::register::synthetic::{write_jsonl, CsvSplit, SyntheticRegister};
use kampung_core::register::table::EntityTables;
use kampung_core::report::{Report, ReportDesign, ReportOptions, ReportState};
use kampung_core::survey::{self, Design, Domain, LonelyPsu, Statistic};
use kampung_core::Locale;
use proptest::prelude::*;
use serde_json::Value;
use std::io::Write;

const FIXTURE: &str = include_str!("../../tests/fixtures/report/design_register.json");

fn fixture() -> Value {
    serde_json::from_str(FIXTURE).expect("fixture is JSON")
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).expect("date")
}

fn design() -> ReportDesign {
    ReportDesign::new()
        .with_weights("w")
        .with_cluster("ea")
        .with_strata("stratum")
}

fn lines(f: &Value) -> Vec<String> {
    f["input"]["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l.as_str().expect("text").to_owned())
        .collect()
}

fn jsonl(lines: &[String], opts: &ReportOptions) -> Report {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    Report::from_json_lines(text.as_bytes(), opts, &mut ()).expect("reads")
}

fn close(got: Option<f64>, want: f64, tol: f64, what: &str) {
    let g = got.unwrap_or_else(|| panic!("{what}: missing, want {want}"));
    assert!(
        (g - want).abs() <= tol * want.abs().max(1.0),
        "{what}: {g} vs R {want}"
    );
}

/// Every row's stunting and underweight equal R survey's: estimate and
/// SE to 1e-12 (relative), the logit interval to 1e-8 (R's `svyglm`
/// iterations leave its bounds a few 1e-9 from the exact ones;
/// `survey::Estimate::logit`); numerators and denominators exactly. The
/// province, kabupaten and kecamatan rows are the total's domain (one
/// kecamatan). Whatever the number of threads.
#[test]
fn design_estimates_equal_r_survey() {
    let f = fixture();
    for threads in [1, 3] {
        let opts = ReportOptions::new(as_of())
            .with_threads(threads)
            .with_design(design());
        let r = jsonl(&lines(&f), &opts);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let d = r.design.as_ref().expect("design summary");
        let e = &f["expected"];
        assert_eq!(Some(d.records), e["records"].as_u64());
        assert_eq!(d.psus, e["psus"].as_u64());
        assert_eq!(d.strata, e["strata"].as_u64());
        assert_eq!(d.df, e["df"].as_i64());
        assert_eq!(d.error, None);
        for want in e["rows"].as_array().expect("rows") {
            let code = want["code"].as_str();
            let rows: Vec<_> = r
                .rows
                .iter()
                .filter(|row| match code {
                    None => row.level != kampung_core::report::RowLevel::DesaKelurahan,
                    Some(c) => row.code.as_deref() == Some(c),
                })
                .collect();
            assert_eq!(rows.len(), if code.is_none() { 4 } else { 1 });
            for row in rows {
                for w in want["indicators"].as_array().expect("indicators") {
                    let name = w["indicator"].as_str().expect("name");
                    let got = row.indicator(name).expect("indicator");
                    let what = format!("{code:?} {:?} {name}", row.code);
                    assert_eq!(Some(got.numerator), w["numerator"].as_u64(), "{what}");
                    assert_eq!(Some(got.denominator), w["denominator"].as_u64(), "{what}");
                    let x = |k: &str| w[k].as_f64().expect("number");
                    close(got.value, x("value"), 1e-12, &what);
                    close(got.se, x("se"), 1e-12, &what);
                    close(got.ci_low, x("ci_low"), 1e-8, &what);
                    close(got.ci_high, x("ci_high"), 1e-8, &what);
                }
            }
        }
        // The census indicators are untouched by the design.
        let cpr = r.rows[0].indicator("cpr").expect("cpr");
        assert_eq!((cpr.value, cpr.se), (Some(100.0), None));
    }
}

/// The report's estimates are `kampung_core::survey`'s, computed directly
/// on one record per measured child (the children of each family with its
/// weight, cluster and stratum) with the desa as domains of the whole design.
#[test]
fn design_estimates_equal_a_direct_survey_computation() {
    let f = fixture();
    let lines = lines(&f);
    let (mut w, mut ea, mut st, mut desa, mut stunted) = (vec![], vec![], vec![], vec![], vec![]);
    for l in &lines {
        let v: Value = serde_json::from_str(l).expect("line");
        let region = v["region_code"].as_str().expect("region");
        for m in v["measurements"].as_array().expect("measurements") {
            w.push(v["w"].as_f64().expect("w"));
            ea.push(v["ea"].as_str().expect("ea").to_owned());
            st.push(v["stratum"].as_str().expect("stratum").to_owned());
            desa.push(u32::from(region.ends_with("2002")));
            // 75-76 cm at 731 days is stunted, 86-88 cm is not (design_register.R).
            stunted.push(
                m["length_cm"]
                    .as_f64()
                    .map_or(f64::NAN, |cm| f64::from(u8::from(cm < 80.0))),
            );
        }
    }
    let d = Design::builder(w.len())
        .weights(&w)
        .psu(&ea)
        .strata(&st)
        .build()
        .expect("design");
    let est = survey::estimate(
        &d,
        &[Statistic::Proportion(&stunted)],
        &[
            Domain::All,
            Domain::Groups {
                codes: &desa,
                levels: 2,
            },
        ],
    )
    .expect("estimates");
    let r = jsonl(&lines, &ReportOptions::new(as_of()).with_design(design()));
    let row = |code: Option<&str>| {
        r.rows
            .iter()
            .find(|x| x.code.as_deref() == code)
            .and_then(|x| x.indicator("stunting"))
            .expect("row")
    };
    for (code, e) in [
        (None, est.levels(0, 0)[0]),
        (Some("64.72.05.2001"), est.levels(0, 1)[0]),
        (Some("64.72.05.2002"), est.levels(0, 1)[1]),
    ] {
        let got = row(code);
        let ci = e.logit(0.95);
        close(got.value, 100.0 * e.estimate, 1e-12, "value");
        close(got.se, 100.0 * e.se, 1e-12, "se");
        close(got.ci_low, 100.0 * ci.low, 1e-12, "ci_low");
        close(got.ci_high, 100.0 * ci.high, 1e-12, "ci_high");
        assert_eq!(got.denominator, e.n);
    }
}

/// The JSON Lines register as three CSV files, the design in columns of
/// the families file.
fn csv_files(lines: &[String], extra: impl Fn(usize, &Value) -> String) -> [Vec<u8>; 3] {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let mut split = CsvSplit::new(Vec::new(), Vec::new(), Vec::new()).expect("csv");
    split.write_all(text.as_bytes()).expect("splits");
    let (fam, m, x) = split.finish().expect("finishes");
    let fam = String::from_utf8(fam).expect("utf-8");
    let mut out = String::new();
    for (i, row) in fam.lines().enumerate() {
        let add = match i {
            0 => "w,ea,stratum".to_owned(),
            _ => extra(i - 1, &serde_json::from_str(&lines[i - 1]).expect("line")),
        };
        out.push_str(&format!("{row},{add}\n"));
    }
    [out.into_bytes(), m, x]
}

fn csv_report(files: &[Vec<u8>; 3], opts: &ReportOptions) -> Report {
    let t = files
        .clone()
        .map(|b| CsvTable::from_bytes(b).expect("table"));
    Report::from_tables(&EntityTables::new(&t[0], &t[1], &t[2]), opts, &mut ())
}

/// CSV entity files (the design in columns of the families file, a
/// decimal comma allowed), records in memory and JSON Lines give the same
/// rows and the same design summary.
#[test]
fn every_route_gives_the_same_design_report() {
    let f = fixture();
    let lines = lines(&f);
    let opts = ReportOptions::new(as_of()).with_design(design());
    let want = jsonl(&lines, &opts);
    let files = csv_files(&lines, |_, v| {
        format!(
            "\"{}\",{},{}",
            v["w"].as_f64().expect("w").to_string().replace('.', ","),
            v["ea"].as_str().expect("ea"),
            v["stratum"].as_str().expect("s")
        )
    });
    let csv = csv_report(&files, &opts);
    assert!(csv.errors.is_empty(), "{:?}", csv.errors);
    assert_eq!(csv.rows, want.rows);
    assert_eq!(csv.design, want.design);
    let records: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).expect("line"))
        .collect();
    let mem = Report::from_records(&records, &opts, &mut ());
    assert_eq!(mem.to_json(Locale::En), want.to_json(Locale::En));
    // Without a design the same register is the census report, and the
    // design fields are not unknown keys.
    let census = jsonl(&lines, &ReportOptions::new(as_of()));
    assert!(census.errors.is_empty());
    let s = census.rows[0].indicator("stunting").expect("stunting");
    assert_eq!((s.numerator, s.denominator, s.se), (4, 9, None));
    assert!(census
        .to_json(Locale::En)
        .contains("\"ci_method\": \"wilson_95\""));
}

/// Text, JSON and HTML name the method with the figures, in both languages.
#[test]
fn renderings_name_the_method() {
    let lines = lines(&fixture());
    let r = jsonl(&lines, &ReportOptions::new(as_of()).with_design(design()));
    let en = r.to_text(Locale::En);
    assert!(
        en.contains("survey design — weights w, clusters ea, strata stratum"),
        "{en}"
    );
    assert!(
        en.contains("Taylor linearisation") && en.contains("logit"),
        "{en}"
    );
    assert!(en.contains("(SE "), "{en}");
    assert!(!en.contains("Wilson"), "{en}");
    let id = r.to_text(Locale::Id);
    assert!(
        id.contains("desain survei — bobot w, klaster ea, strata stratum"),
        "{id}"
    );
    assert!(id.contains("linearisasi Taylor"), "{id}");
    let html = r.to_html(Locale::En);
    assert!(html.contains("Taylor linearisation") && html.contains("(SE "));
    let doc: Value = serde_json::from_str(&r.to_json(Locale::En)).expect("json");
    assert_eq!(doc["ci_method"], "survey_logit_t_95");
    assert_eq!(doc["design"]["weights"], "w");
    assert_eq!(doc["design"]["df"], 3);
    assert_eq!(doc["design"]["interval"], "logit_t_95");
    let st = &doc["rows"][0]["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .find(|i| i["indicator"] == "stunting")
        .cloned()
        .expect("stunting");
    assert!(st["se"].as_f64().is_some_and(|x| x > 0.0), "{st}");
    let cpr = doc["rows"][0]["indicators"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["indicator"] == "cpr").cloned())
        .expect("cpr");
    assert!(
        cpr.get("se").is_none(),
        "census indicators have no se: {cpr}"
    );
}

/// The first fixture line with its design fields replaced by `fields`.
fn with_fields(line: &str, fields: &str) -> String {
    let cut = line.find(",\"w\":").expect("design fields last");
    format!("{}{fields}}}", &line[..cut])
}

/// Each bad design value excludes its family with a structured problem
/// naming the field (never a weight of 1): on JSON Lines and CSV.
#[test]
fn bad_design_values_exclude_their_family() {
    let lines = lines(&fixture());
    let good = &lines[0];
    let cases: [(&str, &str, &str); 10] = [
        (
            ",\"ea\":\"c1\",\"stratum\":\"A\"",
            "report_weight_missing",
            "w",
        ),
        (
            ",\"w\":null,\"ea\":\"c1\",\"stratum\":\"A\"",
            "report_weight_missing",
            "w",
        ),
        (
            ",\"w\":-3,\"ea\":\"c1\",\"stratum\":\"A\"",
            "report_weight_invalid",
            "w",
        ),
        (
            ",\"w\":\"abc\",\"ea\":\"c1\",\"stratum\":\"A\"",
            "report_weight_invalid",
            "w",
        ),
        (
            ",\"w\":\"NaN\",\"ea\":\"c1\",\"stratum\":\"A\"",
            "report_weight_invalid",
            "w",
        ),
        (
            ",\"w\":true,\"ea\":\"c1\",\"stratum\":\"A\"",
            "report_weight_invalid",
            "w",
        ),
        (
            ",\"w\":\"inf\",\"ea\":\"c1\",\"stratum\":\"A\"",
            "report_weight_invalid",
            "w",
        ),
        (
            ",\"w\":2,\"ea\":\" \",\"stratum\":\"A\"",
            "report_cluster_missing",
            "ea",
        ),
        (
            ",\"w\":2,\"ea\":\"c1\"",
            "report_stratum_missing",
            "stratum",
        ),
        (
            ",\"w\":2,\"ea\":{\"id\":1},\"stratum\":\"A\"",
            "invalid_type",
            "ea",
        ),
    ];
    for (fields, code, field) in cases {
        let bad = with_fields(good, fields);
        let input = vec![bad, lines[1].clone()];
        let r = jsonl(&input, &ReportOptions::new(as_of()).with_design(design()));
        assert_eq!(r.exclusions.families_excluded, 1, "{fields}");
        assert_eq!(r.exclusions.families_included, 1, "{fields}");
        let got: Vec<(u64, &str, String)> = r
            .errors
            .iter()
            .map(|p| {
                (
                    p.record,
                    p.error.code().as_str(),
                    p.error.path().to_string(),
                )
            })
            .collect();
        assert_eq!(got, [(1, code, field.to_owned())], "{fields}");
        assert_eq!(r.exclusions.reasons.get(code), Some(&1), "{fields}");
        // Only the valid family's two children are in the design.
        assert_eq!(r.design.as_ref().map(|d| d.records), Some(2), "{fields}");
    }
    // Several bad fields of one family: every problem.
    let bad = with_fields(good, ",\"w\":-1");
    let r = jsonl(&[bad], &ReportOptions::new(as_of()).with_design(design()));
    let codes: Vec<&str> = r.errors.iter().map(|p| p.error.code().as_str()).collect();
    assert_eq!(
        codes,
        [
            "report_weight_invalid",
            "report_cluster_missing",
            "report_stratum_missing"
        ]
    );
    // A weight of 0 is kept, as R does (in the design, out of every estimate).
    let zero = with_fields(good, ",\"w\":0,\"ea\":\"c1\",\"stratum\":\"A\"");
    let r = jsonl(
        &[zero, lines[2].clone()],
        &ReportOptions::new(as_of()).with_design(design()),
    );
    assert_eq!(r.exclusions.families_excluded, 0);
    let s = r.rows[0].indicator("stunting").expect("stunting");
    assert_eq!((s.numerator, s.denominator, s.value), (1, 2, Some(0.0)));
    // CSV: text weights that are not numbers, blank cells.
    let files = csv_files(&lines[..2], |i, _| match i {
        0 => "-0.5,c1,A".to_owned(),
        _ => "inf,,A".to_owned(),
    });
    let r = csv_report(&files, &ReportOptions::new(as_of()).with_design(design()));
    let got: Vec<(&str, String)> = r
        .errors
        .iter()
        .map(|p| (p.error.code().as_str(), p.error.path().to_string()))
        .collect();
    assert_eq!(
        got,
        [
            ("report_weight_invalid", "w".to_owned()),
            ("report_weight_invalid", "w".to_owned()),
            ("report_cluster_missing", "ea".to_owned())
        ]
    );
    assert_eq!(r.exclusions.families_included, 0);
}

/// A design that cannot be built leaves the prevalences without value,
/// SE or interval and says why; lonely PSUs follow R's options; an empty
/// group has no estimate. Never a panic.
#[test]
fn design_problems_are_reported_not_panics() {
    let lines = lines(&fixture());
    // Cluster c2 in strata A and B (line 4 moved to B): not nested.
    let mut moved = lines.clone();
    moved[3] = with_fields(&lines[3], ",\"w\":19.75,\"ea\":\"c2\",\"stratum\":\"B\"");
    let r = jsonl(&moved, &ReportOptions::new(as_of()).with_design(design()));
    let d = r.design.as_ref().expect("summary");
    let e = d.error.as_ref().expect("error");
    assert_eq!(
        (e.code().as_str(), e.path().to_string().as_str()),
        ("survey_psu_not_nested", "ea")
    );
    for row in &r.rows {
        let s = row.indicator("stunting").expect("stunting");
        assert_eq!(
            (s.value, s.se, s.ci_low, s.ci_high),
            (None, None, None, None)
        );
        assert!(s.denominator > 0);
    }
    assert!(r.to_text(Locale::En).contains("survey_psu_not_nested"));
    // Nested, the same ids are (stratum, cluster) pairs: estimates again.
    let nested = jsonl(
        &moved,
        &ReportOptions::new(as_of()).with_design(design().with_nest(true)),
    );
    assert_eq!(nested.design.as_ref().and_then(|d| d.psus), Some(6));
    assert!(nested.rows[0]
        .indicator("stunting")
        .and_then(|s| s.se)
        .is_some());
    // A stratum with one PSU: adjust estimates, fail reports.
    let mut lonely = lines.clone();
    for i in [4, 5, 6, 7] {
        let v: Value = serde_json::from_str(&lines[i]).expect("line");
        lonely[i] = with_fields(
            &lines[i],
            &format!(",\"w\":{},\"ea\":\"c9\",\"stratum\":\"B\"", v["w"]),
        );
    }
    let adjust = jsonl(&lonely, &ReportOptions::new(as_of()).with_design(design()));
    assert_eq!(adjust.design.as_ref().and_then(|d| d.df), Some(1));
    assert!(adjust.rows[0]
        .indicator("stunting")
        .and_then(|s| s.ci_low)
        .is_some());
    let fail = jsonl(
        &lonely,
        &ReportOptions::new(as_of()).with_design(design().with_lonely_psu(LonelyPsu::Fail)),
    );
    let e = fail
        .design
        .as_ref()
        .and_then(|d| d.error.clone())
        .expect("error");
    assert_eq!(e.code().as_str(), "survey_lonely_psu");
    // Every family invalid: no record in the design.
    let none: Vec<String> = lines
        .iter()
        .map(|l| with_fields(l, ",\"w\":-1,\"ea\":\"c\",\"stratum\":\"A\""))
        .collect();
    let r = jsonl(&none, &ReportOptions::new(as_of()).with_design(design()));
    let d = r.design.as_ref().expect("summary");
    assert_eq!(
        (d.records, d.error.as_ref().map(|e| e.code().as_str())),
        (0, Some("survey_empty"))
    );
    assert!(r.to_html(Locale::Id).contains("survey_empty"));
    // One cluster in one stratum: df = 0, estimates without intervals.
    let one = jsonl(
        &lines,
        &ReportOptions::new(as_of()).with_design(
            ReportDesign::new()
                .with_weights("w")
                .with_cluster("stratum")
                .with_strata("stratum"),
        ),
    );
    assert_eq!(one.design.as_ref().and_then(|d| d.df), Some(0));
    let s = one.rows[0].indicator("stunting").expect("stunting");
    assert!(s.value.is_some() && s.ci_low.is_none());
    assert!(one.to_text(Locale::En).contains("df < 1"));
    // An empty group: a desa whose only child has no height.
    let lone = with_fields(&lines[3], ",\"w\":2,\"ea\":\"c1\",\"stratum\":\"A\"")
        .replace("64.72.05.2002", "64.72.05.2003")
        .replace(",\"length_cm\":76", "");
    let r = jsonl(
        &[lines[0].clone(), lines[2].clone(), lone],
        &ReportOptions::new(as_of()).with_design(design()),
    );
    let desa = r
        .rows
        .iter()
        .find(|x| x.code.as_deref() == Some("64.72.05.2003"))
        .expect("desa");
    let s = desa.indicator("stunting").expect("stunting");
    assert_eq!(
        (s.denominator, s.value, s.se, s.ci_low),
        (0, None, None, None)
    );
    assert!(desa
        .indicator("underweight")
        .and_then(|u| u.value)
        .is_some());
}

/// The synthetic register (10 % defects) with a design on every line
/// (weights with a fraction, 23 clusters in 4 strata, every 37th weight
/// negative).
fn designed_register(n: u64, seed: u64) -> Vec<String> {
    let mut text = Vec::new();
    write_jsonl(
        &SyntheticRegister::new(n, seed, as_of()).with_bad_rate(0.1),
        &mut text,
    )
    .expect("writes");
    String::from_utf8(text)
        .expect("utf-8")
        .lines()
        .enumerate()
        .map(|(i, l)| match l.strip_suffix('}') {
            Some(head) if l.starts_with('{') => {
                let w = if i % 37 == 5 {
                    -1.0
                } else {
                    1.0 + (i % 7) as f64 * 0.375
                };
                format!(
                    "{head},\"w\":{w},\"ea\":\"e{}\",\"stratum\":{}}}",
                    i % 23,
                    (i % 23) % 4
                )
            }
            _ => l.to_owned(),
        })
        .collect()
}

/// The design options, with the SKDN table of `month` when given.
fn designed(month: Option<&str>) -> ReportOptions {
    let opts = ReportOptions::new(as_of()).with_design(design());
    match month {
        Some(m) => opts
            .with_month(m.parse().expect("month"))
            .expect("not after as_of"),
        None => opts,
    }
}

fn state(
    lines: &[String],
    part: usize,
    first: usize,
    kept: usize,
    month: Option<&str>,
) -> ReportState {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let opts = designed(month)
        .with_errors_kept(kept)
        .with_threads(1 + part % 2)
        .with_part(part as u64)
        .with_first_record(first as u64);
    let s = ReportState::from_json_lines(text.as_bytes(), &opts, &mut ()).expect("reads");
    let back: ReportState =
        serde_json::from_str(&serde_json::to_string(&s).expect("serialises")).expect("reads back");
    assert_eq!(back, s);
    back
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// Partial states with a design, split anywhere and merged in any
    /// order (one by one or all at once), finish to the one-pass report
    /// byte for byte; with the SKDN table of a month too.
    #[test]
    fn partials_with_a_design_merge_to_the_one_pass_report(
        cuts in prop::collection::vec(0usize..400, 0..6),
        order in prop::collection::vec(0usize..8, 8),
        kept in prop::sample::select(vec![usize::MAX, 5]),
        month in prop::option::of(prop::sample::select(vec!["2025-02", "2025-06"])),
    ) {
        let lines = designed_register(300, 29);
        let want = jsonl(&lines, &designed(month).with_errors_kept(kept));
        prop_assert_eq!(want.skdn.is_some(), month.is_some());
        prop_assert!(want.exclusions.reasons.contains_key("report_weight_invalid"));
        prop_assert!(want.design.as_ref().is_some_and(|d| d.error.is_none() && d.records > 50));
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (lines.len() + 1)).collect();
        cuts.extend([0, lines.len()]);
        cuts.sort_unstable();
        cuts.dedup();
        let states: Vec<ReportState> = cuts
            .windows(2)
            .enumerate()
            .map(|(p, w)| state(&lines[w[0]..w[1]], p, w[0], kept, month))
            .collect();
        let mut idx: Vec<usize> = (0..states.len()).collect();
        for (i, o) in order.iter().enumerate().take(idx.len()) {
            let j = o % idx.len();
            idx.swap(i, j);
        }
        let shuffled: Vec<ReportState> = idx.iter().map(|&i| states[i].clone()).collect();
        let mut acc = shuffled[0].clone();
        for s in &shuffled[1..] {
            acc.merge(s.clone()).expect("same date and design");
        }
        prop_assert_eq!(acc.finish().to_json(Locale::En), want.to_json(Locale::En));
        let all = ReportState::merge_all(shuffled).expect("merges").expect("parts");
        prop_assert_eq!(all.finish(), want);
    }
}

/// States of different designs (or one with and one without) do not merge.
#[test]
fn states_of_different_designs_do_not_merge() {
    let lines = designed_register(20, 3);
    let mut a = state(&lines, 0, 0, usize::MAX, None);
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let plain =
        ReportState::from_json_lines(text.as_bytes(), &ReportOptions::new(as_of()), &mut ())
            .expect("reads");
    assert!(a.merge(plain.clone()).is_err());
    let other = ReportState::from_json_lines(
        text.as_bytes(),
        &ReportOptions::new(as_of()).with_design(design().with_nest(true)),
        &mut (),
    )
    .expect("reads");
    assert!(ReportState::merge_all([other, plain]).is_err());
    // The same design with and without a month's SKDN table, or two months.
    let mut june = state(&lines, 0, 0, usize::MAX, Some("2025-06"));
    assert!(june
        .clone()
        .merge(state(&lines, 1, 20, usize::MAX, None))
        .is_err());
    assert!(june
        .merge(state(&lines, 1, 20, usize::MAX, Some("2025-05")))
        .is_err());
}

/// A child under five without a measurement is a record of the design
/// with missing values (SURVEY.md: `n_h` counts every PSU of the design;
/// anthro keeps a row whose z-score is missing): a family whose only child
/// is unmeasured, in a cluster of its own, adds that PSU to its stratum,
/// so the standard errors and the degrees of freedom are those of the
/// direct computation with that child's record missing.
#[test]
fn an_unmeasured_child_keeps_its_cluster_in_the_design() {
    let mut lines = lines(&fixture());
    let mut extra: Value = serde_json::from_str(&lines[0]).expect("line");
    extra["no_kk"] = Value::from("6472052301150099");
    extra["measurements"] = Value::Array(Vec::new());
    extra["ea"] = Value::from("c9");
    let before = jsonl(&lines, &ReportOptions::new(as_of()).with_design(design()));
    lines.push(extra.to_string());
    let r = jsonl(&lines, &ReportOptions::new(as_of()).with_design(design()));
    assert_eq!(r.exclusions.families_excluded, 0, "{:?}", r.errors);
    let (b, d) = (
        before.design.as_ref().expect("design"),
        r.design.as_ref().expect("design"),
    );
    assert_eq!(d.records, b.records + 1);
    assert_eq!(d.psus, b.psus.map(|p| p + 1));
    assert_eq!(d.df, b.df.map(|x| x + 1));

    let (mut w, mut ea, mut st, mut stunted) = (vec![], vec![], vec![], vec![]);
    for l in &lines {
        let v: Value = serde_json::from_str(l).expect("line");
        let ms = v["measurements"].as_array().expect("measurements");
        let mut ys: Vec<f64> = ms
            .iter()
            .map(|m| {
                m["length_cm"]
                    .as_f64()
                    .map_or(f64::NAN, |cm| f64::from(u8::from(cm < 80.0)))
            })
            .collect();
        if ys.is_empty() {
            ys.push(f64::NAN);
        }
        for y in ys {
            w.push(v["w"].as_f64().expect("w"));
            ea.push(v["ea"].as_str().expect("ea").to_owned());
            st.push(v["stratum"].as_str().expect("stratum").to_owned());
            stunted.push(y);
        }
    }
    let design_all = Design::builder(w.len())
        .weights(&w)
        .psu(&ea)
        .strata(&st)
        .build()
        .expect("design");
    let e = survey::estimate(
        &design_all,
        &[Statistic::Proportion(&stunted)],
        &[Domain::All],
    )
    .expect("estimates")
    .levels(0, 0)[0];
    let total = r
        .rows
        .iter()
        .find(|x| x.code.is_none())
        .and_then(|x| x.indicator("stunting"))
        .expect("total");
    close(total.value, 100.0 * e.estimate, 1e-12, "value");
    close(total.se, 100.0 * e.se, 1e-12, "se");
    let old = before
        .rows
        .iter()
        .find(|x| x.code.is_none())
        .and_then(|x| x.indicator("stunting"))
        .expect("total");
    assert_eq!(
        total.value, old.value,
        "the unmeasured child is in no domain"
    );
    assert_ne!(total.se, old.se, "its PSU changes the variance");
}
