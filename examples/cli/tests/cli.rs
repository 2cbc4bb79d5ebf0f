//! The command line's conventions: `--version`, `--help` per subcommand,
//! `--opt=value`, exit status 0 / 1 (invalid records) / 2 (usage, I/O),
//! the date used when `--as-of` is not given, output files written whole.

use std::process::{Command, Output, Stdio};

fn kampung(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kampung"))
        .args(args)
        .output()
        .expect("runs")
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

#[test]
fn version_and_help() {
    let o = kampung(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        text(&o.stdout).starts_with("kampung "),
        "{}",
        text(&o.stdout)
    );
    for sub in [
        "validate",
        "report",
        "zscores",
        "generate",
        "prevalence",
        "monitor",
        "dhs",
    ] {
        let o = kampung(&[sub, "--help"]);
        assert_eq!(o.status.code(), Some(0), "{sub}");
        assert!(
            text(&o.stdout).contains(&format!("Usage: kampung {sub}")),
            "{sub}"
        );
    }
    assert!(text(&kampung(&["report", "--help"]).stdout).contains("--strict"));
    assert!(!text(&kampung(&["generate", "--help"]).stdout).contains("--strict"));
}

#[test]
fn usage_errors_exit_with_2() {
    for args in [
        &["report", "--format=xml"][..],
        &["report", "--members", "m.csv"],
        &["generate", "--strict"],
        &["validate", "--as-of", "2025-02-30"],
        &["nonsense"],
        &["report", "/no/such/register.jsonl"],
        &["zscores", "/no/such/children.csv"],
    ] {
        let o = kampung(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        assert!(!text(&o.stderr).is_empty(), "{args:?}");
    }
}

#[test]
fn validate_exits_with_1_on_invalid_families() {
    let o = kampung(&["validate", "--as-of=2026-11-29"]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(out.contains("NIK harus 16 angka (tertulis 15)."), "{out}");
    assert!(out.contains("members[2].birth_date"), "{out}");
    assert!(
        out.contains("5 keluarga dibaca, 3 tidak valid (tanggal acuan 2026-11-29)"),
        "{out}"
    );
}

/// Without `--as-of`, the date is today's in Indonesia (WIB by default,
/// `--tz` for WITA/WIT), and the output says so.
#[test]
fn today_is_taken_in_indonesia_and_said() {
    let o = kampung(&["validate", "--lang=en", "--tz=wit"]);
    let out = text(&o.stdout);
    assert!(out.contains("(reference date "), "{out}");
    assert!(out.contains("(today, WIT)"), "{out}");
    let dir = std::env::temp_dir().join(format!("kampung-today-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let reg = dir.join("r.jsonl");
    let g = kampung(&[
        "generate",
        "--families",
        "20",
        "-o",
        reg.to_str().expect("path"),
    ]);
    assert!(g.status.success());
    let o = kampung(&[
        "report",
        reg.to_str().expect("path"),
        "--format",
        "json",
        "-q",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["as_of_today"], "WIB");
    let o = kampung(&[
        "report",
        reg.to_str().expect("path"),
        "--as-of",
        "2025-07-01",
        "--format=json",
        "-q",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        (v["as_of"].as_str(), v["as_of_today"].is_null()),
        (Some("2025-07-01"), true)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn report_strict_exits_with_1_when_anything_was_excluded() {
    assert_eq!(kampung(&["report", "-q"]).status.code(), Some(0));
    assert_eq!(
        kampung(&["report", "-q", "--strict"]).status.code(),
        Some(1)
    );
}

/// The HTML page and the errors file appear whole, and nothing else is
/// left in their folder; a failing run leaves no file.
#[test]
fn output_files_are_written_whole() {
    let dir = std::env::temp_dir().join(format!("kampung-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let (html, errors) = (dir.join("r.html"), dir.join("e.csv"));
    let o = kampung(&[
        "report",
        "-q",
        "--html",
        html.to_str().expect("path"),
        "--errors",
        errors.to_str().expect("path"),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["e.csv", "r.html"]);
    assert!(std::fs::read_to_string(&html)
        .expect("html")
        .trim_end()
        .ends_with("</html>"));
    let csv = std::fs::read_to_string(&errors).expect("errors");
    assert!(csv.starts_with("file,line,field,code,message,excluded\n"));
    assert_eq!(csv.lines().count(), 1 + 49, "every problem of the sample");
    std::fs::remove_file(&html).ok();
    let o = kampung(&[
        "report",
        "/no/such.jsonl",
        "--html",
        html.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_dir(&dir).expect("dir").count(),
        1,
        "only e.csv"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A reader that stops reading (`| head`) ends the program quietly.
#[test]
fn closed_stdout_ends_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kampung"))
        .args(["generate", "--families", "200000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut first = [0u8; 64];
    if let Some(out) = child.stdout.as_mut() {
        use std::io::Read;
        out.read_exact(&mut first).expect("reads");
    }
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("ends");
    assert_eq!(o.status.code(), Some(141));
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
}
