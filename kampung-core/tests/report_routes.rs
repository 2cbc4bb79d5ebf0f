//! One register, one report, whatever the route: JSON Lines, records in
//! memory, CSV entity files in file order and shuffled; and the merge
//! rules (examples/REGISTER.md, "One family, one record") on every route.
#![cfg(feature = "csv")]

use chrono::NaiveDate;
use kampung_core::register::csv::CsvTable;
use kampung_core::register::synthetic::{write_jsonl, CsvSplit, SyntheticRegister};
use kampung_core::register::table::EntityTables;
use kampung_core::report::{Excluded, Report, ReportOptions};
use serde_json::Value;
use std::io::Write;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).expect("date")
}

fn opts() -> ReportOptions {
    ReportOptions::new(as_of())
}

/// JSON Lines text and the same register as three CSV texts.
fn register(args: &SyntheticRegister) -> (Vec<u8>, [Vec<u8>; 3]) {
    let mut jsonl = Vec::new();
    write_jsonl(args, &mut jsonl).expect("writes");
    let mut split = CsvSplit::new(Vec::new(), Vec::new(), Vec::new()).expect("csv");
    split.write_all(&jsonl).expect("splits");
    let (f, m, x) = split.finish().expect("finishes");
    (jsonl, [f, m, x])
}

fn csv_report(files: &[Vec<u8>; 3]) -> Report {
    let t = files
        .clone()
        .map(|b| CsvTable::from_bytes(b).expect("table"));
    Report::from_tables(&EntityTables::new(&t[0], &t[1], &t[2]), &opts(), &mut ())
}

/// Shuffles the data lines of a CSV text (the header stays first).
fn shuffle(text: &[u8], seed: u64) -> Vec<u8> {
    let text = String::from_utf8(text.to_vec()).expect("utf-8");
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    let mut state = seed;
    for i in (1..lines.len()).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let j = usize::try_from((state >> 33) % (i as u64 + 1)).expect("index");
        lines.swap(i, j);
    }
    let mut out = format!("{header}\n");
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    out.into_bytes()
}

fn jsonl_report(text: &[u8]) -> Report {
    Report::from_json_lines(text, &opts(), &mut ()).expect("reads")
}

/// The bundled sample (2 % defects: lines that are not JSON, unknown
/// codes, a family entered twice, a measurement before birth) gives the
/// same figures and the same exclusions on every route; the CSV files
/// give the same report with every file shuffled (members keep their
/// family-card order within each family).
#[test]
fn every_route_gives_the_same_report() {
    let (jsonl, csv) = register(&SyntheticRegister::bundled_sample());
    let j = jsonl_report(&jsonl);
    assert_eq!(j.exclusions.families_read, 2100);
    let c = csv_report(&csv);
    assert_eq!(c.rows, j.rows);
    assert_eq!(c.exclusions, j.exclusions);
    // Shuffled families and measurements; members shuffled by family.
    let families = shuffle(&csv[0], 1);
    let measurements = shuffle(&csv[2], 3);
    let members = {
        let text = String::from_utf8(csv[1].clone()).expect("utf-8");
        let mut lines: Vec<&str> = text.lines().collect();
        let header = lines.remove(0);
        let mut by_kk: Vec<(&str, Vec<&str>)> = Vec::new();
        for l in lines {
            let kk = l.split(',').next().unwrap_or("");
            match by_kk.last_mut() {
                Some((k, v)) if *k == kk => v.push(l),
                _ => by_kk.push((kk, vec![l])),
            }
        }
        by_kk.reverse();
        let mut out = format!("{header}\n");
        for (_, v) in by_kk {
            for l in v {
                out.push_str(l);
                out.push('\n');
            }
        }
        out.into_bytes()
    };
    let s = csv_report(&[families, members, measurements]);
    assert_eq!(s.rows, j.rows);
    assert_eq!(s.exclusions, j.exclusions);
    // Records held in memory (a line that is not JSON: a record of another type).
    let records: Vec<Value> = String::from_utf8(jsonl)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or(Value::Null))
        .collect();
    let m = Report::from_records(&records, &opts(), &mut ());
    assert_eq!(m.rows, j.rows);
    assert_eq!(
        m.exclusions.families_included,
        j.exclusions.families_included
    );
}

const HEAD: &str = r#"{"no_kk":"6472052301150007","region_code":"64.72.05.2001","members":[{"name":"Budi","nik":"6472050101850003","sex":"L","birth_date":"1985-01-01","relationship":"kepala_keluarga","marital_status":"kawin"},{"name":"Siti","nik":"6472054507900002","sex":"P","birth_date":"1990-07-05","relationship":"istri","marital_status":"kawin"}],"#;

/// A family of `HEAD` with this water source.
fn family(water: &str) -> String {
    format!(
        "{HEAD}\"housing\":{{\"water_source\":\"{water}\",\"latrine\":\"sendiri\",\"septic_tank\":true}},\"kb\":{{\"method\":\"pill\"}}}}\n"
    )
}

/// The outcome of a register on both routes: (included, excluded, reasons,
/// problems as (file, record, code, excluded)).
type Outcome = (
    u64,
    u64,
    Vec<(String, u64)>,
    Vec<(usize, u64, String, Excluded)>,
);

fn outcome(r: &Report) -> Outcome {
    (
        r.exclusions.families_included,
        r.exclusions.families_excluded,
        r.exclusions
            .reasons
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect(),
        r.errors
            .iter()
            .map(|p| {
                (
                    p.table.index(),
                    p.record,
                    p.error.code().as_str().to_owned(),
                    p.excluded,
                )
            })
            .collect(),
    )
}

/// Merge rule 1: a record that did not validate claims nothing. An invalid
/// family followed by a valid one with the same Nomor KK: the valid one
/// counts, on both routes; a third record with that Nomor KK is a
/// duplicate of the one that counts.
#[test]
fn invalid_then_valid_with_one_nomor_kk() {
    let text = format!(
        "{}{}{}",
        family("sumur_ajaib"),
        family("ledeng"),
        family("ledeng")
    );
    let (_, csv) = {
        let mut split = CsvSplit::new(Vec::new(), Vec::new(), Vec::new()).expect("csv");
        split.write_all(text.as_bytes()).expect("splits");
        let (f, m, x) = split.finish().expect("finishes");
        ((), [f, m, x])
    };
    let j = outcome(&jsonl_report(text.as_bytes()));
    assert_eq!(
        j,
        (
            1,
            2,
            vec![
                ("invalid_code".to_owned(), 1),
                ("register_duplicate_kk".to_owned(), 1)
            ],
            vec![
                (0, 1, "invalid_code".to_owned(), Excluded::Family),
                (0, 3, "register_duplicate_kk".to_owned(), Excluded::Family),
            ]
        )
    );
    let c = outcome(&csv_report(&csv));
    // Family rows are lines 2-4 of families.csv.
    let shifted: Vec<_> =
        j.3.iter()
            .map(|(f, r, c, e)| (*f, r + 1, c.clone(), *e))
            .collect();
    assert_eq!((c.0, c.1, c.2.clone()), (j.0, j.1, j.2.clone()));
    assert_eq!(c.3, shifted);
}

/// Merge rule 2: a family is never counted without one of its members. A
/// member that does not validate (JSON Lines) and a member row that cannot
/// be read (CSV: a field missing) both exclude the family; a measurement
/// row that cannot be read excludes only that measurement.
#[test]
fn a_bad_member_excludes_its_family_on_both_routes() {
    let text = family("ledeng").replace("\"sex\":\"P\"", "\"sex\":\"X\"");
    let j = jsonl_report(text.as_bytes());
    assert_eq!(
        (
            j.exclusions.families_included,
            j.exclusions.families_excluded
        ),
        (0, 1)
    );
    let families =
        "no_kk,region_code,water_source,latrine,septic_tank,wife_pregnant,kb_method,kb_reason\n\
                    6472052301150007,64.72.05.2001,ledeng,sendiri,true,,pill,\n";
    let members = "no_kk,nik,name,sex,birth_date,relationship,marital_status\n\
                   6472052301150007,6472050101850003,Budi,L,1985-01-01,kepala_keluarga,kawin\n\
                   6472052301150007,6472054507900002,Siti,P,1990-07-05,istri\n";
    let measurements = "no_kk,nik,member,measured_on,weight_kg,length_cm,measure,oedema\n\
                        6472052301150007,,0,2025-01-01,70\n";
    let c = csv_report(&[families.into(), members.into(), measurements.into()]);
    assert_eq!(
        (
            c.exclusions.families_included,
            c.exclusions.families_excluded
        ),
        (0, 1)
    );
    let p = &c.errors[0];
    assert_eq!(
        (
            p.table.as_str(),
            p.record,
            p.error.code().as_str(),
            p.excluded
        ),
        ("members", 3, "register_malformed_line", Excluded::Family)
    );
    // With the member row whole, the family counts and loses only its
    // unreadable measurement row.
    let members = members.replace(",istri\n", ",istri,kawin\n");
    let c = csv_report(&[families.into(), members.into(), measurements.into()]);
    assert_eq!(
        (
            c.exclusions.families_included,
            c.exclusions.measurements_excluded
        ),
        (1, 1)
    );
    assert_eq!(c.errors[0].excluded, Excluded::Measurement);
    assert_eq!(c.errors[0].table.as_str(), "measurements");
}
