//! `kampung pseudonymize`: the report on the pseudonymised bundled sample
//! equals the original's (JSON Lines and CSV), the key is never written,
//! and a missing or short key file is a usage error.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn kampung(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kampung"))
        .args(args)
        .output()
        .expect("runs")
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("kampung-pseudo-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("dir");
    d
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

const KEY: &[u8] = b"a secret of thirty-two bytes!!!!";

/// The report as JSON without the file names (they differ by design).
fn report(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["report", "--format", "json", "-q", "--as-of", "2025-07-01"];
    all.extend_from_slice(args);
    let o = kampung(&all);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    v.as_object_mut().expect("object").remove("sources");
    for e in v["errors"].as_array_mut().expect("errors") {
        e.as_object_mut().expect("error").remove("file");
    }
    v
}

fn assert_no_key(d: &Path) {
    for f in std::fs::read_dir(d).expect("dir") {
        let bytes = std::fs::read(f.expect("entry").path()).expect("read");
        if bytes != KEY {
            assert!(!bytes.windows(KEY.len()).any(|w| w == KEY));
            assert!(!bytes.windows(12).any(|w| w == &KEY[..12]));
        }
    }
}

#[test]
fn json_lines_round_trip_keeps_the_report() {
    let d = dir("jsonl");
    let (key, out) = (d.join("key"), d.join("out.jsonl"));
    std::fs::write(&key, KEY).expect("key");
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/report_sample.jsonl");
    let o = kampung(&["pseudonymize", sample, "--key-file", s(&key), "-o", s(&out)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(report(&[s(&out)]), report(&[sample]));
    let text = std::fs::read_to_string(&out).expect("out");
    assert!(!text.contains("Slamet") && text.contains("\"P1K-"));
    assert!(!String::from_utf8_lossy(&o.stdout).contains("secret"));
    assert_no_key(&d);
}

#[test]
fn csv_round_trip_keeps_the_report() {
    let d = dir("csv");
    let (key, orig, out) = (d.join("key"), d.join("orig"), d.join("out"));
    std::fs::write(&key, KEY).expect("key");
    let g = kampung(&["generate", "--bad-rate", "0.02", "--csv", s(&orig)]);
    assert!(g.status.success());
    std::fs::create_dir_all(&out).expect("out");
    let files =
        |p: &Path| ["families", "members", "measurements"].map(|n| p.join(format!("{n}.csv")));
    let [f, m, x] = files(&orig);
    let o = kampung(&[
        "pseudonymize",
        "--families",
        s(&f),
        "--members",
        s(&m),
        "--measurements",
        s(&x),
        "--key-file",
        s(&key),
        "--out-dir",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv_args = |p: &Path| {
        let [f, m, x] = files(p);
        [f, m, x].map(|q| q.to_str().expect("utf-8").to_owned())
    };
    let (a, b) = (csv_args(&orig), csv_args(&out));
    let r = |v: &[String; 3]| {
        report(&[
            "--families",
            &v[0],
            "--members",
            &v[1],
            "--measurements",
            &v[2],
        ])
    };
    assert_eq!(r(&b), r(&a));
    assert_no_key(&out);
}

#[test]
fn bad_key_files_are_usage_errors_without_the_key() {
    let d = dir("badkey");
    let short = d.join("short");
    std::fs::write(&short, b"tiny-secret").expect("key");
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/report_sample.jsonl");
    for k in [s(&short), s(&d.join("missing"))] {
        let out = d.join("out.jsonl");
        let o = kampung(&["pseudonymize", sample, "--key-file", k, "-o", s(&out)]);
        assert_eq!(o.status.code(), Some(2));
        assert!(!out.exists());
        assert!(!String::from_utf8_lossy(&o.stderr).contains("tiny-secret"));
    }
    let o = kampung(&["pseudonymize", sample, "-o", s(&d.join("x"))]);
    assert_eq!(o.status.code(), Some(2), "--key-file is required");
}
