//! Helpers of the CLI tests: running `kampung`, the shared reference data,
//! a small CSV reader and a scratch folder.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `kampung` with `args`.
pub fn kampung(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kampung"))
        .args(args)
        .output()
        .expect("runs")
}

/// Stdout or stderr as text.
pub fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

/// `$KAMPUNG_SHARED_DIR`, else `<repo>/../shared`, when it holds `sub`;
/// `None` (with a message) when absent outside CI; a failure under `CI=true`.
pub fn shared(sub: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("KAMPUNG_SHARED_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        PathBuf::from,
    );
    let probe = dir.join(sub);
    if probe.exists() {
        return Some(probe);
    }
    let msg = format!(
        "shared data not found at {} (set KAMPUNG_SHARED_DIR)",
        probe.display()
    );
    assert!(std::env::var("CI").map_or(true, |v| v != "true"), "{msg}");
    eprintln!("SKIPPED: {msg}");
    None
}

/// A scratch folder of this test process, created empty.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kampung-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

/// A CSV file without quoted commas as (header, rows of cells), quotes removed.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let split = |l: &str| -> Vec<String> {
        l.split(',')
            .map(|c| c.trim_matches('"').to_owned())
            .collect()
    };
    let mut lines = text.lines().filter(|l| !l.is_empty());
    let header = split(lines.next().expect("header"));
    (header, lines.map(split).collect())
}

/// A path as `&str`.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}
