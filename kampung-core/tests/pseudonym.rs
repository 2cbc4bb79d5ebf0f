//! Pseudonymisation (issue 15, point 10): the report on a pseudonymised
//! register equals the report on the original, on the JSON Lines and the
//! CSV routes; tokens are deterministic per key, unlinkable across keys,
//! never NIKs; names and the key appear nowhere in the output.
#![cfg(feature = "csv")]

use kampung_core::pseudonym::csv::pseudonymize_csv;
use kampung_core::pseudonym::{
    pseudonymize_json_lines, BirthDatePrecision, PseudonymKey, PseudonymOptions, RegionPrecision,
};
use kampung_core::register::csv::CsvTable;
use kampung_core::register::synthetic::{CsvSplit, SyntheticRegister};
use kampung_core::register::table::EntityTables;
use kampung_core::report::{Report, ReportOptions};
use kampung_core::{Nik, NomorKk};
use std::collections::BTreeSet;
use std::io::Write;

const SAMPLE: &[u8] = include_bytes!("../../examples/data/report_sample.jsonl");
const KEY_A: &[u8; 32] = b"kunci-rahasia-A-untuk-uji-32byte";
const KEY_B: &[u8; 32] = b"kunci-rahasia-B-untuk-uji-32byte";

fn opts() -> ReportOptions {
    ReportOptions::new(SyntheticRegister::bundled_sample().as_of)
}

fn key(k: &[u8]) -> PseudonymKey {
    PseudonymKey::new(k).expect("key")
}

fn jsonl_report(text: &[u8]) -> Report {
    Report::from_json_lines(text, &opts(), &mut ()).expect("reads")
}

fn csv_report(files: &[Vec<u8>; 3]) -> Report {
    let t = files
        .clone()
        .map(|b| CsvTable::from_bytes(b).expect("table"));
    Report::from_tables(&EntityTables::new(&t[0], &t[1], &t[2]), &opts(), &mut ())
}

fn pseudo_jsonl(text: &[u8], k: &[u8], o: &PseudonymOptions) -> Vec<u8> {
    let mut out = Vec::new();
    pseudonymize_json_lines(text, &mut out, &key(k), o).expect("writes");
    out
}

fn pseudo_csv(files: &[Vec<u8>; 3], k: &[u8]) -> [Vec<u8>; 3] {
    files.clone().map(|f| {
        let mut out = Vec::new();
        pseudonymize_csv(&f, &mut out, &key(k), &PseudonymOptions::new()).expect("csv");
        out
    })
}

fn csv_files(jsonl: &[u8]) -> [Vec<u8>; 3] {
    let mut split = CsvSplit::new(Vec::new(), Vec::new(), Vec::new()).expect("csv");
    split.write_all(jsonl).expect("splits");
    let (f, m, x) = split.finish().expect("finishes");
    [f, m, x]
}

/// Every `P1…` token in a text.
fn tokens(text: &[u8]) -> BTreeSet<String> {
    let s = String::from_utf8_lossy(text);
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with("P1"))
        .map(str::to_owned)
        .collect()
}

/// Every run of 16 digits in a text.
fn sixteen_digit_runs(text: &[u8]) -> usize {
    text.split(|b| !b.is_ascii_digit())
        .filter(|r| r.len() == 16)
        .count()
}

#[test]
fn sample_report_is_unchanged_on_the_json_lines_route() {
    let original = jsonl_report(SAMPLE);
    let out = pseudo_jsonl(SAMPLE, KEY_A, &PseudonymOptions::new());
    assert_eq!(jsonl_report(&out), original);
    assert!(original.exclusions.families_excluded > 0);
    assert_eq!(
        out.iter().filter(|&&b| b == b'\n').count(),
        SAMPLE.iter().filter(|&&b| b == b'\n').count()
    );
}

#[test]
fn sample_report_is_unchanged_on_the_csv_route() {
    let files = csv_files(SAMPLE);
    let original = csv_report(&files);
    let pseudo = pseudo_csv(&files, KEY_A);
    assert_eq!(csv_report(&pseudo), original);
    assert_eq!(
        original.exclusions,
        jsonl_report(SAMPLE).exclusions,
        "routes agree"
    );
}

#[test]
fn identifiers_names_and_key_are_gone() {
    let out = pseudo_jsonl(SAMPLE, KEY_A, &PseudonymOptions::new());
    let text = String::from_utf8(out.clone()).expect("utf-8");
    assert_eq!(sixteen_digit_runs(&out), 0);
    for name in ["Slamet", "Siti", "Dedi", "Rina", "Fitri"] {
        assert!(SAMPLE.windows(name.len()).any(|w| w == name.as_bytes()));
        assert!(!text.contains(name), "{name}");
    }
    assert!(!out.windows(KEY_A.len()).any(|w| w == KEY_A));
    assert!(!text.contains("kunci-rahasia"));
    for t in tokens(&out) {
        assert!(Nik::parse(&t).is_err(), "{t}");
        assert!(NomorKk::parse(&t).is_err(), "{t}");
    }
    for pf in pseudo_csv(&csv_files(SAMPLE), KEY_A) {
        assert_eq!(sixteen_digit_runs(&pf), 0);
        assert!(!pf.windows(KEY_A.len()).any(|w| w == KEY_A));
        assert!(!String::from_utf8_lossy(&pf).contains("Slamet"));
    }
}

#[test]
fn tokens_are_deterministic_across_runs_and_routes_and_unlinkable_across_keys() {
    let a1 = pseudo_jsonl(SAMPLE, KEY_A, &PseudonymOptions::new());
    let a2 = pseudo_jsonl(SAMPLE, KEY_A, &PseudonymOptions::new());
    assert_eq!(a1, a2);
    let ta = tokens(&a1);
    assert!(ta.len() > 5000, "{}", ta.len());
    let csv_tokens: BTreeSet<String> = pseudo_csv(&csv_files(SAMPLE), KEY_A)
        .iter()
        .flat_map(|f| tokens(f))
        // The CSV split of a line that is not JSON has a key of its own.
        .filter(|t| !t.starts_with("P1KX-"))
        .collect();
    assert!(!csv_tokens.is_empty());
    let extra: Vec<_> = csv_tokens.difference(&ta).take(3).collect();
    assert!(
        extra.is_empty(),
        "CSV tokens equal JSON Lines tokens: {extra:?}"
    );
    let tb = tokens(&pseudo_jsonl(SAMPLE, KEY_B, &PseudonymOptions::new()));
    assert_eq!(tb.len(), ta.len());
    assert!(ta.is_disjoint(&tb));
}

/// A family excluded for its NIK stays excluded, under
/// `pseudonym_of_invalid_id`; every count is equal.
#[test]
fn invalid_identifiers_stay_excluded() {
    let good = r#"{"no_kk":"6472052301150007","region_code":"64.72.05.2001","members":[{"name":"Budi","nik":"6472050101850003","sex":"L","birth_date":"1985-01-01","relationship":"kepala_keluarga","marital_status":"kawin"}],"housing":{"water_source":"ledeng","latrine":"sendiri","septic_tank":true},"kb":{"method":"none"}}"#;
    let lines = [
        good.to_owned(),
        // Same NIK in another family: duplicate.
        good.replace("6472052301150007", "6472052301150008"),
        // Sex disagrees with the NIK.
        good.replace("6472052301150007", "6472052301150009")
            .replace("0003", "0004")
            .replace(r#""sex":"L""#, r#""sex":"P""#),
        // Invalid Nomor KK.
        good.replace("6472052301150007", "647205230115")
            .replace("0003", "0005"),
        // Unknown key inside a member, unknown top-level key.
        good.replace("6472052301150007", "6472052301150010")
            .replace("0003", "0006")
            .replace(
                r#""name":"Budi""#,
                r#""name":"Budi","alamat":"Jl. Mawar 3""#,
            )
            .replace(r#""kb""#, r#""alamat":"Jl. Mawar 3","kb""#),
        "not json".to_owned(),
        "[\"Budi\"]".to_owned(),
    ];
    let text = lines.join("\n").into_bytes();
    let original = jsonl_report(&text);
    let pseudo = jsonl_report(&pseudo_jsonl(&text, KEY_A, &PseudonymOptions::new()));
    assert_eq!(pseudo.exclusions.families_read, 7);
    assert_eq!(pseudo.exclusions.families_included, 1);
    assert_eq!(pseudo.rows, original.rows);
    assert_eq!(
        pseudo.exclusions.families_excluded,
        original.exclusions.families_excluded
    );
    let mut reasons = original.exclusions.reasons.clone();
    for gone in ["nik_sex_mismatch", "kk_length"] {
        assert_eq!(reasons.remove(gone), Some(1), "{gone}");
    }
    reasons.insert("pseudonym_of_invalid_id".into(), 2);
    assert_eq!(pseudo.exclusions.reasons, reasons);
    let out =
        String::from_utf8(pseudo_jsonl(&text, KEY_A, &PseudonymOptions::new())).expect("utf-8");
    assert!(!out.contains("Mawar") && !out.contains("Budi"), "{out}");
}

/// Coarsening keeps the register readable and changes only what it says.
#[test]
fn coarsening_changes_dates_and_regions_only() {
    let o = PseudonymOptions::new()
        .with_birth_date(BirthDatePrecision::Month)
        .with_region(RegionPrecision::Kecamatan);
    let out = String::from_utf8(pseudo_jsonl(SAMPLE, KEY_A, &o)).expect("utf-8");
    let original = jsonl_report(SAMPLE);
    let coarse = jsonl_report(out.as_bytes());
    assert!(!out.contains("64.02.18.2001"));
    assert!(out.contains("\"64.02.18\""));
    for v in out
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
    {
        for m in v["members"].as_array().into_iter().flatten() {
            if let Some(d) = m["birth_date"].as_str() {
                assert!(d.ends_with("-01"), "{d}");
            }
        }
    }
    assert_eq!(
        coarse.exclusions.families_read,
        original.exclusions.families_read
    );
    assert!(coarse.rows.len() < original.rows.len() || original.rows.len() == 1);
}

#[test]
fn unreadable_lines_stay_unreadable_without_their_content() {
    let text = b"\xEF\xBB\xBF{\"no_kk\": \"6472052301150007\"\n\n{\"no_kk\": 64720523\xFF}\nBudi 6472052301150007\r\n";
    let out = pseudo_jsonl(text, KEY_A, &PseudonymOptions::new());
    assert_eq!(out, b"{\n\n\xFF\n!\n");
}
