//! Partial report states of any split of a register, serialised, read
//! back and merged in any order, finish to the one-pass report byte for
//! byte (its JSON document), duplicates across parts included.
#![cfg(feature = "render")]

use chrono::NaiveDate;
use kampung_core::register::synthetic::{write_jsonl, SyntheticRegister};
use kampung_core::report::{Report, ReportOptions, ReportState};
use kampung_core::Locale;
use proptest::prelude::*;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).expect("date")
}

/// A register with every kind of duplicate: 400 generated families (10 %
/// defects), then, at positions drawn from `edits`, exact repeats of
/// earlier lines (duplicate Nomor KK), earlier members under a new Nomor
/// KK (duplicate NIKs), and an invalid copy of a later family before it
/// (an invalid record, then the valid one with its Nomor KK).
fn register(edits: &[(usize, usize, u8)]) -> Vec<String> {
    let mut text = Vec::new();
    write_jsonl(
        &SyntheticRegister::new(400, 17, as_of()).with_bad_rate(0.1),
        &mut text,
    )
    .expect("writes");
    let mut lines: Vec<String> = String::from_utf8(text)
        .expect("utf-8")
        .lines()
        .map(str::to_owned)
        .collect();
    for (at, from, kind) in edits {
        let n = lines.len();
        let src = lines[from % n].clone();
        let line = match kind % 3 {
            0 => src,
            1 => src.replacen("\"no_kk\":\"64", "\"no_kk\":\"65", 1),
            _ => src.replacen("\"water_source\":\"", "\"water_source\":\"x", 1),
        };
        lines.insert(at % (n + 1), line);
    }
    lines
}

/// The options of a run: with the SKDN table of `month` when given.
fn with_month(opts: ReportOptions, month: Option<&str>) -> ReportOptions {
    match month {
        Some(m) => opts
            .with_month(m.parse().expect("month"))
            .expect("not after as_of"),
        None => opts,
    }
}

fn one_pass(lines: &[String], kept: usize, month: Option<&str>) -> Report {
    let text = lines.iter().map(|l| format!("{l}\n")).collect::<String>();
    let opts = ReportOptions::new(as_of())
        .with_errors_kept(kept)
        .with_threads(2);
    let opts = with_month(opts, month);
    Report::from_json_lines(text.as_bytes(), &opts, &mut ()).expect("reads")
}

/// The parts' states merged one by one (a fold), or all at once
/// ([`ReportState::merge_all`]) when `at_once`.
fn merged(
    lines: &[String],
    cuts: &[usize],
    order: &[usize],
    kept: usize,
    at_once: bool,
    month: Option<&str>,
) -> Report {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (lines.len() + 1)).collect();
    cuts.push(0);
    cuts.push(lines.len());
    cuts.sort_unstable();
    cuts.dedup();
    let mut states: Vec<ReportState> = Vec::new();
    for (part, w) in cuts.windows(2).enumerate() {
        let text = lines[w[0]..w[1]]
            .iter()
            .map(|l| format!("{l}\n"))
            .collect::<String>();
        let opts = ReportOptions::new(as_of())
            .with_errors_kept(kept)
            .with_threads(1 + part % 2)
            .with_part(part as u64)
            .with_first_record(w[0] as u64);
        let opts = with_month(opts, month);
        let state = ReportState::from_json_lines(text.as_bytes(), &opts, &mut ()).expect("reads");
        // Serialised and read back, as a Spark job ships it.
        let json = serde_json::to_string(&state).expect("serialises");
        let back: ReportState = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, state);
        states.push(back);
    }
    // Merged in the order drawn: a fold over a permutation of the parts.
    let mut idx: Vec<usize> = (0..states.len()).collect();
    for (i, o) in order.iter().enumerate().take(idx.len()) {
        let j = o % idx.len();
        idx.swap(i, j);
    }
    let mut slots: Vec<Option<ReportState>> = states.into_iter().map(Some).collect();
    if at_once {
        let all = idx
            .iter()
            .map(|&i| slots[i].take().expect("each part once"));
        let state = ReportState::merge_all(all).expect("same date");
        return state.expect("at least one part").finish();
    }
    let mut acc: Option<ReportState> = None;
    for i in idx {
        let s = slots[i].take().expect("each part once");
        match acc.as_mut() {
            None => acc = Some(s),
            Some(a) => a.merge(s).expect("same date"),
        }
    }
    acc.expect("at least one part").finish()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn partials_merge_to_the_one_pass_report(
        edits in prop::collection::vec((0usize..500, 0usize..500, 0u8..3), 0..40),
        cuts in prop::collection::vec(0usize..500, 0..6),
        order in prop::collection::vec(0usize..8, 8),
        kept in prop::sample::select(vec![usize::MAX, 7]),
        month in prop::option::of(prop::sample::select(vec!["2025-01", "2025-04", "2025-07"])),
    ) {
        let lines = register(&edits);
        let want = one_pass(&lines, kept, month);
        prop_assert_eq!(want.skdn.is_some(), month.is_some());
        if edits.len() >= 30 {
            let reasons = &want.exclusions.reasons;
            prop_assert!(reasons.contains_key("register_duplicate_kk"), "{reasons:?}");
            prop_assert!(reasons.contains_key("register_duplicate_nik"), "{reasons:?}");
        }
        let got = merged(&lines, &cuts, &order, kept, false, month);
        prop_assert_eq!(got.to_json(Locale::En), want.to_json(Locale::En));
        prop_assert_eq!(&got, &want);
        let at_once = merged(&lines, &cuts, &order, kept, true, month);
        prop_assert_eq!(at_once.to_json(Locale::En), want.to_json(Locale::En));
        prop_assert_eq!(at_once, want);
    }
}

/// The example of the documentation: a duplicate across two parts is
/// decided when the merged state is finished.
#[test]
fn a_duplicate_across_parts_is_found_at_the_end() {
    let lines = register(&[]);
    let first = lines[..1].to_vec();
    let again = vec![lines[0].clone()];
    let part = |text: &[String], n: u64| {
        let t = text.iter().map(|l| format!("{l}\n")).collect::<String>();
        let opts = ReportOptions::new(as_of())
            .with_part(n)
            .with_first_record(n);
        ReportState::from_json_lines(t.as_bytes(), &opts, &mut ()).expect("reads")
    };
    let mut a = part(&again, 1);
    a.merge(part(&first, 0)).expect("merges");
    let r = a.finish();
    assert_eq!(
        (
            r.exclusions.families_included,
            r.exclusions.families_excluded
        ),
        (1, 1)
    );
    assert_eq!(r.errors[0].record, 2);
    assert_eq!(r.errors[0].error.code().as_str(), "register_duplicate_kk");
    let mut other = part(&first, 0);
    let later = ReportState::from_json_lines(
        b"".as_slice(),
        &ReportOptions::new(as_of().succ_opt().expect("date")),
        &mut (),
    )
    .expect("reads");
    assert!(
        other.merge(later.clone()).is_err(),
        "parts of different dates do not merge"
    );
    assert!(ReportState::merge_all([part(&first, 0), later]).is_err());
    assert_eq!(ReportState::merge_all(Vec::new()), Ok(None));
}

/// Records held in memory (the Python and Spark route): invalid records
/// of a later part are numbered as in the whole register.
#[test]
fn record_partials_number_their_problems_as_the_whole() {
    let mut records: Vec<serde_json::Value> = register(&[(300, 10, 0), (350, 20, 1)])
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    records.push(serde_json::json!({"no_kk": "1"}));
    let want = Report::from_records(&records, &ReportOptions::new(as_of()), &mut ());
    assert!(want.errors.iter().any(|p| p.record > 300));
    let states = [(0, 0, 120), (1, 120, 290), (2, 290, records.len())].map(|(part, a, b)| {
        let opts = ReportOptions::new(as_of())
            .with_part(part)
            .with_first_record(a as u64);
        ReportState::from_records(&records[a..b], &opts, &mut ())
    });
    let got = ReportState::merge_all(states.into_iter().rev())
        .expect("same date")
        .expect("three parts")
        .finish();
    assert_eq!(got.to_json(Locale::En), want.to_json(Locale::En));
}

/// Parts computed for different SKDN months (or one without a month) do
/// not merge; parts of one month merge to the one-pass table, which counts
/// real weighings (the generated register weighs children on `as_of`).
#[test]
fn states_of_different_months_do_not_merge() {
    let lines = register(&[]);
    let text = |r: &[String]| r.iter().map(|l| format!("{l}\n")).collect::<String>();
    let state = |r: &[String], part: u64, month: Option<&str>| {
        let opts = with_month(ReportOptions::new(as_of()).with_part(part), month);
        ReportState::from_json_lines(text(r).as_bytes(), &opts, &mut ()).expect("reads")
    };
    let (a, b) = lines.split_at(200);
    for (x, y) in [
        (Some("2025-07"), Some("2025-06")),
        (Some("2025-07"), None),
        (None, Some("2025-07")),
    ] {
        let mut s = state(a, 0, x);
        let err = s.merge(state(b, 1, y)).expect_err("different months");
        assert_eq!(err, kampung_core::report::MergeError::Skdn);
        let all = ReportState::merge_all([state(a, 0, x), state(b, 1, y)]);
        assert_eq!(all.err(), Some(kampung_core::report::MergeError::Skdn));
    }
    let mut s = state(a, 0, Some("2025-07"));
    s.merge(state(b, 1, Some("2025-07"))).expect("same month");
    let merged = s.finish();
    let want = one_pass(&lines, usize::MAX, Some("2025-07"));
    assert_eq!(merged.skdn, want.skdn);
    let total = want.skdn.expect("table").rows[0].total();
    assert!(total.d > 50 && total.s >= total.d, "{total:?}");
    total.check_identities().expect("identities");
}
