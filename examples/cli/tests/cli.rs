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

/// A CSV register file that is not one (endless bytes without a line
/// feed) is an error naming the file, in bounded memory.
#[test]
fn report_csv_without_line_feeds_is_refused() {
    if !std::path::Path::new("/dev/zero").exists() {
        eprintln!("SKIPPED: no /dev/zero");
        return;
    }
    let o = kampung(&[
        "report",
        "-q",
        "--families",
        "/dev/zero",
        "--members",
        "/dev/null",
        "--measurements",
        "/dev/null",
        "--max-line-bytes",
        "4096",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(
        e.contains("/dev/zero: line 1 is longer than 4096 bytes"),
        "{e}"
    );
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

/// A scratch folder for one test.
fn scratch(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kampung-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn path(p: &std::path::Path) -> &str {
    p.to_str().expect("path")
}

/// The first `n` lines of the bundled register, with `bad` put in as line `at`.
fn register_with(dir: &std::path::Path, bad: &[u8], at: usize) -> std::path::PathBuf {
    let sample = include_str!("../../data/report_sample.jsonl");
    let mut text = Vec::new();
    for (i, line) in sample.lines().take(20).enumerate() {
        if i + 1 == at {
            text.extend_from_slice(bad);
            text.push(b'\n');
        }
        text.extend_from_slice(line.as_bytes());
        text.push(b'\n');
    }
    let p = dir.join(format!("r{at}-{}.jsonl", bad.len()));
    std::fs::write(&p, text).expect("write");
    p
}

/// Issue 15.1-15.3: in `kampung zscores`, an unterminated quote, a short or
/// long row, a line that is not UTF-8 and a line longer than the limit are
/// each one row in the errors table with its input line; every other row
/// is scored, and the summary says how many were read.
#[test]
fn zscores_scores_or_reports_every_row() {
    let dir = scratch("zrows");
    let input = dir.join("c.csv");
    let mut csv = b"sex,age,weight\n1,100,5\n2,\"200,6\n1,300,7\n2,400\n1,\xff,8\n".to_vec();
    csv.extend(std::iter::repeat_n(b'9', 3000));
    csv.extend_from_slice(b"\n2,600,9,1\n1,700,9");
    std::fs::write(&input, csv).expect("write");
    let errors = dir.join("e.csv");
    let o = kampung(&[
        "zscores",
        path(&input),
        "--errors",
        path(&errors),
        "--max-line-bytes=1000",
        "--lang=en",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(out.lines().count(), 1 + 3, "{out}");
    let e = std::fs::read_to_string(&errors).expect("errors");
    for line in [3, 5, 6, 7, 8] {
        assert!(
            e.contains(&format!("\n,{line},,register_")),
            "line {line}: {e}"
        );
    }
    assert!(e.contains("unterminated quote"), "{e}");
    assert!(e.contains("not UTF-8"), "{e}");
    assert!(e.contains(",7,,register_line_too_long,"), "{e}");
    assert!(
        text(&o.stderr).contains("8 rows read: 3 scored (0 with problems), 5 unreadable"),
        "{}",
        text(&o.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Issue 15.5: a full disk for `--errors` is an error (exit 2, a message),
/// and the device stays a device (never renamed over).
#[test]
fn zscores_errors_on_a_full_disk_fail() {
    if !std::fs::metadata("/dev/full").is_ok_and(|m| !m.is_file()) {
        eprintln!("SKIPPED: no /dev/full");
        return;
    }
    let dir = scratch("zfull");
    let input = dir.join("c.csv");
    std::fs::write(&input, "sex,age,weight\n1,100,x\n").expect("write");
    let o = kampung(&["zscores", path(&input), "--errors", "/dev/full"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("/dev/full"), "{}", text(&o.stderr));
    assert!(std::fs::metadata("/dev/full").is_ok_and(|m| !m.is_file()));
    let o = kampung(&["zscores", path(&input), "-o", "/dev/full"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    std::fs::remove_dir_all(&dir).ok();
}

/// Help and version go to stdout with status 0; when stdout is full the
/// status says so (2); a usage error is 2.
#[test]
fn help_reaches_its_reader_or_fails() {
    let o = kampung(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).contains("Usage"), "{}", text(&o.stdout));
    assert_eq!(kampung(&["--no-such-flag"]).status.code(), Some(2));
    if !std::fs::metadata("/dev/full").is_ok_and(|m| !m.is_file()) {
        eprintln!("SKIPPED: no /dev/full");
        return;
    }
    for args in [&["--help"][..], &["--version"], &["report", "--help"]] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_kampung"))
            .args(args)
            .stdout(full)
            .status()
            .expect("runs");
        assert_eq!(status.code(), Some(2), "{args:?}");
    }
}

/// Issue 15.4: a run that fails leaves neither its own partial files nor
/// an earlier `--html` that would look like this run's result.
#[test]
fn a_failed_run_leaves_no_stale_html() {
    if !std::fs::metadata("/dev/full").is_ok_and(|m| !m.is_file()) {
        eprintln!("SKIPPED: no /dev/full");
        return;
    }
    let dir = scratch("stale");
    let html = dir.join("r.html");
    std::fs::write(&html, "<html>an earlier run</html>").expect("write");
    let o = kampung(&[
        "report",
        "-q",
        "--html",
        path(&html),
        "--errors",
        "/dev/full",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_dir(&dir).expect("dir").count(), 0);
    std::fs::remove_dir_all(&dir).ok();
}

/// Issue 15.6: an unwritable stderr is no panic, and `zscores | head` ends
/// with 141 and nothing on stderr.
#[test]
fn unwritable_stderr_and_closed_stdout_end_quietly() {
    if let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") {
        let o = Command::new(env!("CARGO_BIN_EXE_kampung"))
            .args(["report", "-q", "--strict"])
            .stderr(full)
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(1));
    }
    let dir = scratch("zpipe");
    let input = dir.join("c.csv");
    let mut rows = String::from("sex,age,weight\n");
    for i in 0..200_000 {
        rows.push_str(&format!("{},{},{}\n", 1 + i % 2, i % 1800, 3 + i % 15));
    }
    std::fs::write(&input, rows).expect("write");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kampung"))
        .args(["zscores", path(&input)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    if let Some(out) = child.stdout.as_mut() {
        use std::io::Read;
        out.read_exact(&mut [0u8; 64]).expect("reads");
    }
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("ends");
    assert_eq!(o.status.code(), Some(141), "{}", text(&o.stderr));
    assert!(!text(&o.stderr).contains("rror"), "{}", text(&o.stderr));
    std::fs::remove_dir_all(&dir).ok();
}

/// Issue 15.2, 15.3 and 15.8: a byte-order mark, a line that is not UTF-8,
/// a line longer than the limit and a CR-only line are each handled per
/// line in `report` and `validate`; the run goes on.
#[test]
fn report_and_validate_go_on_past_bad_lines() {
    let dir = scratch("lines");
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend(std::fs::read(register_with(&dir, b"", 0)).expect("read"));
    let bom_file = dir.join("bom.jsonl");
    std::fs::write(&bom_file, bom).expect("write");
    let long = vec![b'0'; 5000];
    let cr = b"{}\r".repeat(2000);
    let cases: [(std::path::PathBuf, &str); 4] = [
        (bom_file, ""),
        (
            register_with(&dir, b"{\"no_kk\":\"\xff\"}", 3),
            "register_malformed_line",
        ),
        (register_with(&dir, &long, 4), "register_line_too_long"),
        (register_with(&dir, &cr, 5), "register_line_too_long"),
    ];
    let args = ["--as-of=2025-07-01", "--max-line-bytes=4000", "--lang=en"];
    let counts = |file: &std::path::Path| -> (serde_json::Value, String) {
        let o = kampung(&[&["report", path(file), "-q", "--format=json"][..], &args].concat());
        assert_eq!(o.status.code(), Some(0), "{file:?}: {}", text(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        let o = kampung(&[&["validate", path(file)][..], &args].concat());
        (v["exclusions"].clone(), text(&o.stdout))
    };
    let (base, base_text) = counts(&register_with(&dir, b"", 0));
    let base_invalid = base["families_excluded"].as_u64().expect("n");
    assert!(base_text.contains(&format!("20 families read, {base_invalid} invalid")));
    for (file, code) in &cases {
        let (ex, out) = counts(file);
        let bad = u64::from(!code.is_empty());
        assert_eq!(ex["families_read"], 20 + bad, "{file:?}: {ex}");
        assert_eq!(
            ex["families_excluded"],
            base_invalid + bad,
            "{file:?}: {ex}"
        );
        let summary = format!("{} families read, {} invalid", 20 + bad, base_invalid + bad);
        assert!(out.contains(&summary), "{file:?}: {out}");
        if !code.is_empty() {
            let before = base["reasons"][code].as_u64().unwrap_or(0);
            assert_eq!(ex["reasons"][code], before + 1, "{ex}");
            assert!(out.contains(&format!("[code={code}]")), "{out}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Issue 15.9: a `--profile` with a key that is not a desa code (here a
/// terminal escape sequence) or a bad `--html` path fail at once, before
/// any data is read (the register here never ends), without echoing the key.
#[test]
fn arguments_are_checked_before_any_data() {
    let dir = scratch("args");
    let profile = dir.join("p.json");
    std::fs::write(&profile, "{\"\\u001b]0;pwned\\u0007\": {}, \"64.72\": {}}").expect("write");
    let html = dir.join("no/such/dir/r.html");
    for extra in [["--profile", path(&profile)], ["--html", path(&html)]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kampung"))
            .args([&["report", "/dev/zero", "-q"][..], &extra].concat())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        let start = std::time::Instant::now();
        while child.try_wait().expect("waits").is_none() {
            if start.elapsed() > std::time::Duration::from_secs(30) {
                child.kill().ok();
                panic!("{extra:?}: still reading after 30 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let o = child.wait_with_output().expect("ends");
        assert_eq!(o.status.code(), Some(2), "{extra:?}");
        let err = text(&o.stderr);
        assert!(!err.contains('\u{1b}') && !err.contains("pwned"), "{err}");
        if extra[0] == "--profile" {
            assert!(err.contains("wilayah") || err.contains("region"), "{err}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Issue 15.11: `kampung validate` shows a Nomor KK masked.
#[test]
fn validate_masks_the_nomor_kk() {
    let o = kampung(&["validate", "--as-of=2026-11-29"]);
    let out = text(&o.stdout);
    assert!(out.contains("OK"), "{out}");
    for line in out.lines().filter(|l| l.contains("OK")) {
        assert!(line.contains("**********"), "{line}");
        assert!(
            !line
                .split(|c: char| !c.is_ascii_digit())
                .any(|w| w.len() >= 16),
            "{line}"
        );
    }
}

/// Issue 15.11: formula-like cells are neutralised unless `--raw-cells`.
#[test]
fn zscores_neutralises_formula_cells() {
    let dir = scratch("cells");
    let input = dir.join("c.csv");
    std::fs::write(&input, "note,sex,age,weight\n=1+1,1,100,5\n").expect("write");
    let o = kampung(&["zscores", path(&input)]);
    assert!(
        text(&o.stdout).contains("\n'=1+1,1,100,5,"),
        "{}",
        text(&o.stdout)
    );
    let o = kampung(&["zscores", path(&input), "--raw-cells"]);
    assert!(
        text(&o.stdout).contains("\n=1+1,1,100,5,"),
        "{}",
        text(&o.stdout)
    );
    std::fs::remove_dir_all(&dir).ok();
}
