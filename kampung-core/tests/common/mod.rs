//! Shared helpers for the growth golden tests: locating `shared/`, a tiny
//! CSV reader and exact comparisons.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashMap;
use std::path::PathBuf;

/// `$KAMPUNG_SHARED_DIR`, else `<CARGO_MANIFEST_DIR>/../../shared`.
/// Returns `None` (after printing why) when absent outside CI; panics in CI.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("KAMPUNG_SHARED_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
        PathBuf::from,
    );
    let probe = dir.join("data/who-growth/testdata");
    if probe.is_dir() {
        return Some(dir);
    }
    let msg = format!(
        "WHO golden data not found at {} (set KAMPUNG_SHARED_DIR)",
        probe.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    eprintln!("SKIPPED: {msg}");
    None
}

pub fn who_dir() -> Option<PathBuf> {
    shared_dir().map(|d| d.join("data/who-growth"))
}

/// A CSV file as header → column of strings (no embedded commas in these files).
pub struct Csv {
    pub cols: HashMap<String, Vec<String>>,
    pub n: usize,
}

impl Csv {
    pub fn read(path: &std::path::Path) -> Csv {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut lines = text.lines();
        let header: Vec<String> = lines
            .next()
            .unwrap()
            .split(',')
            .map(|s| s.trim_matches('"').to_owned())
            .collect();
        let mut cols: Vec<Vec<String>> = vec![Vec::new(); header.len()];
        let mut n = 0;
        for line in lines.filter(|l| !l.trim().is_empty()) {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), header.len(), "{}: {line}", path.display());
            for (c, v) in cols.iter_mut().zip(f) {
                c.push(v.trim_matches('"').to_owned());
            }
            n += 1;
        }
        Csv {
            cols: header.into_iter().zip(cols).collect(),
            n,
        }
    }
    pub fn s(&self, name: &str) -> &[String] {
        self.cols
            .get(name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }
    /// Numbers; empty / NA → NaN; "Inf" → inf.
    pub fn f(&self, name: &str) -> Vec<f64> {
        self.s(name).iter().map(|v| num(v)).collect()
    }
}

pub fn num(v: &str) -> f64 {
    match v.trim() {
        "" | "NA" | "." => f64::NAN,
        "Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        t => t.parse().unwrap_or_else(|_| panic!("not a number: {t:?}")),
    }
}

/// `x` with `sig` significant digits, as R's `write.csv` prints (`%.{sig}g`).
pub fn sig(x: f64, sig: usize) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    format!("{:.*e}", sig - 1, x).parse().unwrap()
}

/// Counts mismatches between `got` and `want` (NaN == NaN), printing the
/// first few with their row id. `digits` = Some(n) compares n significant
/// digits (for columns R wrote with limited precision), None = exact.
pub struct Mismatches {
    pub count: usize,
    pub compared: usize,
    pub shown: usize,
}

impl Mismatches {
    pub fn new() -> Self {
        Mismatches {
            count: 0,
            compared: 0,
            shown: 0,
        }
    }
    pub fn check(&mut self, what: &str, id: &str, got: f64, want: f64, digits: Option<usize>) {
        self.compared += 1;
        let same = if want.is_nan() || got.is_nan() {
            want.is_nan() && got.is_nan()
        } else if let Some(d) = digits {
            sig(got, d) == want
        } else {
            got == want
        };
        if !same {
            self.count += 1;
            if self.shown < 15 {
                self.shown += 1;
                eprintln!("MISMATCH {what} row {id}: got {got:?}, want {want:?}");
            }
        }
    }
    pub fn assert_none(&self, what: &str) {
        eprintln!(
            "{what}: {} values compared, {} mismatches",
            self.compared, self.count
        );
        assert_eq!(self.count, 0, "{what}: {} mismatches", self.count);
    }
}
