//! The prevalence table against WHO anthro's own outputs
//! (`shared/data/who-growth/testdata/prevalence`, see its README): every
//! row and column of every file, within 1e-6 (weighted sizes 1e-9
//! relative), missing exactly where anthro's is.
#![cfg(all(feature = "growth", feature = "csv"))]
#![allow(clippy::unwrap_used)]

mod common;

use common::{num, Csv};
use kampung_core::growth::prevalence::{
    prevalence, prevalence_csv, CsvColumns, GroupValues, Ids, Method, PrevalenceInput,
    PrevalenceOptions, PrevalenceTable,
};
use kampung_core::growth::{parse_measure, parse_oedema, parse_sex};
use std::path::PathBuf;

fn dir() -> Option<PathBuf> {
    common::who_dir().map(|d| d.join("testdata/prevalence"))
}

/// The input columns of a golden input file.
struct Input {
    sex: Vec<u8>,
    age: Vec<f64>,
    weight: Vec<f64>,
    lenhei: Vec<f64>,
    measure: Vec<u8>,
    oedema: Vec<bool>,
    sw: Vec<f64>,
    cluster: Vec<f64>,
    strata: Vec<f64>,
    text: Vec<(String, Vec<Option<String>>)>,
}

impl Input {
    fn read(csv: &Csv) -> Input {
        let text = ["typeres", "gregion", "wealthq", "mothered", "othergr"]
            .iter()
            .filter(|c| csv.cols.contains_key(**c))
            .map(|c| {
                let v = csv
                    .s(c)
                    .iter()
                    .map(|s| (!s.is_empty()).then(|| s.clone()))
                    .collect();
                ((*c).to_owned(), v)
            })
            .collect();
        Input {
            sex: csv.s("sex").iter().map(|s| parse_sex(s).unwrap()).collect(),
            age: csv.f("age_days"),
            weight: csv.f("weight"),
            lenhei: csv.f("lenhei"),
            measure: csv
                .s("measure")
                .iter()
                .map(|s| parse_measure(s).unwrap())
                .collect(),
            oedema: csv
                .s("oedema")
                .iter()
                .map(|s| parse_oedema(s).unwrap())
                .collect(),
            sw: csv.f("sw"),
            cluster: csv.f("cluster"),
            strata: csv.f("strata"),
            text,
        }
    }
}

#[derive(Clone, Copy)]
struct Call {
    sw: bool,
    cluster: bool,
    strata: bool,
}

fn run(input: &Input, call: Call) -> PrevalenceTable {
    let text: Vec<(String, Vec<Option<&str>>)> = input
        .text
        .iter()
        .map(|(n, v)| (n.clone(), v.iter().map(|x| x.as_deref()).collect()))
        .collect();
    let col = |name: &str| -> Option<GroupValues<'_>> {
        text.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| GroupValues::Text(v))
    };
    let p = PrevalenceInput {
        sex: &input.sex,
        age: &input.age,
        age_in_month: false,
        weight: Some(&input.weight),
        lenhei: Some(&input.lenhei),
        measure: Some(&input.measure),
        oedema: Some(&input.oedema),
        sw: call.sw.then_some(input.sw.as_slice()),
        cluster: call.cluster.then_some(Ids::Numbers(&input.cluster)),
        strata: call.strata.then_some(Ids::Numbers(&input.strata)),
        typeres: col("typeres"),
        gregion: col("gregion"),
        wealthq: col("wealthq"),
        mothered: col("mothered"),
        othergr: col("othergr"),
    };
    prevalence(&p, &PrevalenceOptions::new()).unwrap().0
}

/// Compares a table with anthro's CSV; returns the number of cells compared.
fn compare(table: &PrevalenceTable, golden: &Csv, what: &str) -> usize {
    let groups = golden.s("Group");
    assert_eq!(
        table.groups, groups,
        "{what}: the Group rows (labels and order) differ"
    );
    assert_eq!(table.names.len(), golden.cols.len() - 1, "{what}: columns");
    let mut compared = 0;
    let mut worst = 0.0f64;
    let mut worst_at = String::new();
    let mut bad = Vec::new();
    for (name, col) in table.names.iter().zip(&table.columns) {
        let want = golden.s(name);
        for (r, (&got, w)) in col.iter().zip(want).enumerate() {
            let w = num(w);
            compared += 1;
            let ok = if w.is_nan() || got.is_nan() {
                w.is_nan() && got.is_nan()
            } else if name.ends_with("_pop") {
                (got - w).abs() <= 1e-9 * w.abs().max(1.0)
            } else {
                if (got - w).abs() > worst {
                    worst = (got - w).abs();
                    worst_at = format!("{name} [{}] got {got} anthro {w}", groups[r]);
                }
                (got - w).abs() <= 1e-6
            };
            if !ok {
                bad.push(format!("{name} [{}]: got {got:?}, anthro {w:?}", groups[r]));
            }
        }
    }
    for b in bad.iter().take(20) {
        eprintln!("MISMATCH {what}: {b}");
    }
    assert!(
        bad.is_empty(),
        "{what}: {} of {compared} cells differ",
        bad.len()
    );
    eprintln!("{what}: largest difference {worst:.3e} ({worst_at})");
    compared
}

fn golden_case(input_file: &str, output_file: &str, call: Call, method: Method) {
    let Some(dir) = dir() else { return };
    let input = Input::read(&Csv::read(&dir.join(input_file)));
    let golden = Csv::read(&dir.join(output_file));
    let table = run(&input, call);
    assert_eq!(table.method, method);
    let n = compare(&table, &golden, output_file);
    eprintln!("{output_file}: {n} cells equal anthro's");
}

const FULL: Call = Call {
    sw: true,
    cluster: true,
    strata: true,
};
const NONE: Call = Call {
    sw: false,
    cluster: false,
    strata: false,
};

#[test]
fn design_full_matches_anthro() {
    golden_case(
        "anthro_prevalence_input.csv",
        "anthro_prevalence_design_full.csv",
        FULL,
        Method::Survey,
    );
}

#[test]
fn no_design_matches_anthro() {
    golden_case(
        "anthro_prevalence_input.csv",
        "anthro_prevalence_no_design.csv",
        NONE,
        Method::Simple,
    );
}

#[test]
fn weights_only_matches_anthro() {
    golden_case(
        "anthro_prevalence_input.csv",
        "anthro_prevalence_weights_only.csv",
        Call {
            sw: true,
            cluster: false,
            strata: false,
        },
        Method::Weighted,
    );
}

#[test]
fn cluster_only_matches_anthro() {
    golden_case(
        "anthro_prevalence_input.csv",
        "anthro_prevalence_cluster_only.csv",
        Call {
            sw: false,
            cluster: true,
            strata: false,
        },
        Method::Survey,
    );
}

#[test]
fn edge_design_full_matches_anthro() {
    golden_case(
        "anthro_prevalence_edge_input.csv",
        "anthro_prevalence_edge_design_full.csv",
        FULL,
        Method::Survey,
    );
}

#[test]
fn edge_no_design_matches_anthro() {
    golden_case(
        "anthro_prevalence_edge_input.csv",
        "anthro_prevalence_edge_no_design.csv",
        NONE,
        Method::Simple,
    );
}

/// The CSV route (column types inferred from the text, as R's `read.csv`
/// does) gives the same table, and its output reads back as anthro's.
#[test]
fn design_full_through_csv_matches_anthro() {
    let Some(dir) = dir() else { return };
    let file = std::fs::File::open(dir.join("anthro_prevalence_input.csv")).unwrap();
    let cols = CsvColumns::new()
        .with_age("age_days", false)
        .with_sw("sw")
        .with_cluster("cluster")
        .with_strata("strata");
    let mut out = Vec::new();
    let summary = prevalence_csv(file, &mut out, &cols, &PrevalenceOptions::new()).unwrap();
    assert!(summary
        .notes
        .iter()
        .all(|n| n.error.code() != kampung_core::ErrorCode::InvalidType));
    let path = std::env::temp_dir().join(format!("kampung_prev_{}.csv", std::process::id()));
    std::fs::write(&path, &out).unwrap();
    let written = Csv::read(&path);
    std::fs::remove_file(&path).ok();
    let golden = Csv::read(&dir.join("anthro_prevalence_design_full.csv"));
    compare(&summary.table, &golden, "design_full via CSV");
    assert_eq!(written.s("Group"), golden.s("Group"));
    for name in &summary.table.names {
        for (a, b) in written.f(name).iter().zip(golden.f(name)) {
            assert!(
                (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-6 * b.abs().max(1.0),
                "{name}: written {a} vs anthro {b}"
            );
        }
    }
}
