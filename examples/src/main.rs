//! `kampung`: the command-line program.
//!
//! ```text
//! kampung validate [FAMILIES.jsonl] [--lang id|en] [--as-of YYYY-MM-DD]
//! ```
//! With no file, `validate` runs on the bundled sample
//! (`examples/data/sample_families.jsonl`).

use chrono::NaiveDate;
use kampung_core::register::synthetic;
use kampung_core::{input::parse_date, Family, FamilyOptions, Locale};
use std::io::{BufRead, BufReader, Write};
use std::process::ExitCode;

mod html;
mod report;
mod zscores;

const SAMPLE_FAMILIES: &str = include_str!("../data/sample_families.jsonl");
/// The bundled register: `kampung generate --families 2100 --seed 2025 --bad-rate 0.02 --as-of 2025-07-01`.
const SAMPLE_REGISTER: &str = include_str!("../data/report_sample.jsonl");
/// Kampung KB profiles of the sample's desa.
const SAMPLE_PROFILES: &str = include_str!("../data/report_sample_profiles.json");
/// The reference date of the bundled register.
const SAMPLE_AS_OF: (i32, u32, u32) = (2025, 7, 1);

const USAGE: &str = "kampung — Kampung KB indicators

USAGE:
  kampung validate [FAMILIES.jsonl] [--lang id|en] [--as-of YYYY-MM-DD]
      Validates one family (JSON object) per line and prints every problem.
      Without a file, runs on the bundled sample families.
  kampung zscores INPUT.csv [-o OUTPUT.csv] [--errors ERRORS.csv] [--age-in-month] [--lang id|en]
      WHO 2006 z-scores (as WHO anthro) for every row of a CSV file, streamed.
      Columns: sex, age (or age_days / age_months), weight, lenhei, measure,
      headc, armc, oedema. Row problems go to stderr or --errors.
  kampung report [REGISTER.jsonl | - | --families F.csv --members M.csv --measurements X.csv] [--format text|json] [--html REPORT.html] [--lang id|en]
                 [--as-of YYYY-MM-DD] [--profile PROFILES.json] [--errors ERRORS.csv] [--threads N] [--quiet]
      The village report: families, keluarga sasaran, KRS and its factors, PUS, CPR, mCPR,
      MKJP, unmet need, method mix, stunting/wasting/underweight/overweight with 95% CI,
      by province, kab/kota, kecamatan, desa and in total; Kampung KB classification per
      desa with --profile. Without a file, runs on the bundled sample (one kecamatan).
      Formats (JSON Lines; CSV sorted by no_kk): examples/REGISTER.md.
  kampung generate [--families N] [--seed S] [--as-of YYYY-MM-DD] [--bad-rate 0.01] [-o FILE | --csv DIR]
      Writes a synthetic register (JSON Lines, or families.csv, members.csv and
      measurements.csv in DIR), a pure function of the seed.
  kampung help
";

struct Args {
    command: String,
    positional: Vec<String>,
    output: Option<String>,
    errors: Option<String>,
    age_in_month: bool,
    lang: Locale,
    as_of: Option<NaiveDate>,
    format: String,
    html: Option<String>,
    profile: Option<String>,
    threads: Option<usize>,
    quiet: bool,
    families: Option<String>,
    members: Option<String>,
    measurements: Option<String>,
    csv_dir: Option<String>,
    seed: u64,
    bad_rate: f64,
}

fn parse_args(raw: Vec<String>) -> Result<Args, String> {
    let mut it = raw.into_iter();
    let command = it.next().unwrap_or_else(|| "help".to_owned());
    let mut args = Args {
        command,
        positional: Vec::new(),
        output: None,
        errors: None,
        age_in_month: false,
        lang: Locale::Id,
        as_of: None,
        format: "text".to_owned(),
        html: None,
        profile: None,
        threads: None,
        quiet: false,
        families: None,
        members: None,
        measurements: None,
        csv_dir: None,
        seed: 2025,
        bad_rate: 0.0,
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--lang" => {
                let v = it.next().ok_or("--lang needs a value (id or en)")?;
                args.lang = Locale::parse(&v)
                    .map_err(|_| format!("unknown language {v:?}: use id or en"))?;
            }
            "--as-of" => {
                let v = it.next().ok_or("--as-of needs a date YYYY-MM-DD")?;
                args.as_of = Some(
                    parse_date(&v).map_err(|_| format!("--as-of: not a date YYYY-MM-DD: {v:?}"))?,
                );
            }
            "-o" | "--output" => args.output = Some(it.next().ok_or("-o needs a file name")?),
            "--errors" => args.errors = Some(it.next().ok_or("--errors needs a file name")?),
            "--age-in-month" => args.age_in_month = true,
            "--format" => {
                let v = it.next().ok_or("--format needs text or json")?;
                if v != "text" && v != "json" {
                    return Err(format!("unknown format {v:?}: use text or json"));
                }
                args.format = v;
            }
            "--html" => args.html = Some(it.next().ok_or("--html needs a file name")?),
            "--profile" => args.profile = Some(it.next().ok_or("--profile needs a file name")?),
            "--threads" => {
                let v = it.next().ok_or("--threads needs a number")?;
                args.threads = Some(
                    v.parse()
                        .map_err(|_| format!("--threads: not a number: {v:?}"))?,
                );
            }
            "--quiet" | "-q" => args.quiet = true,
            "--families" => {
                args.families = Some(it.next().ok_or("--families needs a number or a CSV file")?);
            }
            "--members" => args.members = Some(it.next().ok_or("--members needs a CSV file")?),
            "--measurements" => {
                args.measurements = Some(it.next().ok_or("--measurements needs a CSV file")?);
            }
            "--csv" => args.csv_dir = Some(it.next().ok_or("--csv needs a folder")?),
            "--seed" => {
                let v = it.next().ok_or("--seed needs a number")?;
                args.seed = v
                    .parse()
                    .map_err(|_| format!("--seed: not a number: {v:?}"))?;
            }
            "--bad-rate" => {
                let v = it.next().ok_or("--bad-rate needs a number")?;
                args.bad_rate = v
                    .parse()
                    .map_err(|_| format!("--bad-rate: not a number: {v:?}"))?;
            }
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown option {s}")),
            _ => args.positional.push(a),
        }
    }
    Ok(args)
}

fn today() -> NaiveDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|e| e.checked_add_signed(chrono::TimeDelta::days(days)))
        .unwrap_or_default()
}

/// Validates each line; returns (families read, families invalid).
fn validate<R: BufRead, W: Write>(
    input: R,
    out: &mut W,
    opts: &FamilyOptions,
    lang: Locale,
) -> std::io::Result<(usize, usize)> {
    let (mut n, mut bad) = (0usize, 0usize);
    for (i, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        n += 1;
        let lineno = i + 1;
        let value: serde_json::Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                bad += 1;
                match lang {
                    Locale::Id => writeln!(out, "baris {lineno}: bukan JSON yang valid ({e})")?,
                    Locale::En => writeln!(out, "line {lineno}: not valid JSON ({e})")?,
                }
                continue;
            }
        };
        match Family::from_value(&value, opts) {
            Ok(f) => match lang {
                Locale::Id => writeln!(
                    out,
                    "baris {lineno}: OK — keluarga {} ({} anggota)",
                    f.no_kk(),
                    f.members().len()
                )?,
                Locale::En => writeln!(
                    out,
                    "line {lineno}: OK — family {} ({} members)",
                    f.no_kk(),
                    f.members().len()
                )?,
            },
            Err(errs) => {
                bad += 1;
                let label = match lang {
                    Locale::Id => "baris",
                    Locale::En => "line",
                };
                let title = match lang {
                    Locale::Id => "Keluarga",
                    Locale::En => "Family",
                };
                writeln!(out, "{label} {lineno}: {}", errs.summary(title, lang))?;
            }
        }
    }
    Ok((n, bad))
}

fn run(args: Args) -> Result<ExitCode, String> {
    match args.command.as_str() {
        "validate" => {
            let opts = FamilyOptions::new(args.as_of.unwrap_or_else(today));
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            let (n, bad) = match args.positional.first() {
                None => validate(SAMPLE_FAMILIES.as_bytes(), &mut out, &opts, args.lang),
                Some(path) => {
                    let f = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
                    validate(BufReader::new(f), &mut out, &opts, args.lang)
                }
            }
            .map_err(|e| e.to_string())?;
            let summary = match args.lang {
                Locale::Id => format!("{n} keluarga dibaca, {bad} tidak valid"),
                Locale::En => format!("{n} families read, {bad} invalid"),
            };
            writeln!(out, "{summary}").map_err(|e| e.to_string())?;
            Ok(ExitCode::SUCCESS)
        }
        "zscores" => {
            let path = args
                .positional
                .first()
                .ok_or("zscores needs an input CSV file")?;
            let input: Box<dyn std::io::Read> = if path == "-" {
                Box::new(std::io::stdin().lock())
            } else {
                Box::new(std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?)
            };
            let output: Box<dyn Write> = match &args.output {
                Some(p) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(p).map_err(|e| format!("{p}: {e}"))?,
                )),
                None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            };
            let errors: Box<dyn Write> = match &args.errors {
                Some(p) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(p).map_err(|e| format!("{p}: {e}"))?,
                )),
                None => Box::new(std::io::stderr().lock()),
            };
            let zargs = zscores::ZscoreArgs {
                age_in_month: args.age_in_month,
                lang: args.lang,
                chunk: zscores::CHUNK,
            };
            let (rows, bad) = zscores::run(input, output, errors, &zargs)?;
            match args.lang {
                Locale::Id => eprintln!("kampung: {rows} baris dihitung, {bad} baris bermasalah"),
                Locale::En => eprintln!("kampung: {rows} rows scored, {bad} rows with problems"),
            }
            Ok(ExitCode::SUCCESS)
        }
        "report" => run_report(&args),
        "generate" => {
            let families = match &args.families {
                None => 2100,
                Some(v) => v
                    .parse()
                    .map_err(|_| format!("--families: not a number: {v:?}"))?,
            };
            let gargs = synthetic::SyntheticRegister::new(
                families,
                args.seed,
                args.as_of.unwrap_or_else(sample_as_of),
            )
            .with_bad_rate(args.bad_rate);
            if let Some(dir) = &args.csv_dir {
                return synthetic::write_csv(&gargs, std::path::Path::new(dir))
                    .map(|()| ExitCode::SUCCESS)
                    .map_err(|e| format!("{dir}: {e}"));
            }
            let mut out: Box<dyn Write> = match &args.output {
                Some(p) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(p).map_err(|e| format!("{p}: {e}"))?,
                )),
                None => Box::new(std::io::BufWriter::with_capacity(
                    1 << 20,
                    std::io::stdout().lock(),
                )),
            };
            match synthetic::write_jsonl(&gargs, &mut out) {
                Ok(()) => Ok(ExitCode::SUCCESS),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
                Err(e) => Err(e.to_string()),
            }
        }
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    }
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1).collect()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("kampung: {e}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kampung: {e}");
            ExitCode::from(2)
        }
    }
}

fn sample_as_of() -> NaiveDate {
    let (y, m, d) = SAMPLE_AS_OF;
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn run_report(args: &Args) -> Result<ExitCode, String> {
    let path = args
        .positional
        .first()
        .cloned()
        .or_else(|| args.families.clone());
    let as_of = args.as_of.unwrap_or_else(|| match path {
        None => sample_as_of(),
        Some(_) => today(),
    });
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(std::num::NonZeroUsize::get)
            .unwrap_or(1)
    });
    let opts = report::ReportOptionsCli {
        as_of,
        lang: args.lang,
        threads,
        progress: !args.quiet && path.is_some(),
        max_errors_kept: 10_000,
    };
    let mut errors_out: Option<Box<dyn Write>> = match &args.errors {
        Some(p) => {
            let mut w =
                std::io::BufWriter::new(std::fs::File::create(p).map_err(|e| format!("{p}: {e}"))?);
            writeln!(w, "file,line,field,code,message,excluded").map_err(|e| e.to_string())?;
            Some(Box::new(w))
        }
        None => None,
    };
    let on_error = |e: &report::LineError| {
        if let Some(w) = errors_out.as_mut() {
            let _ = report::write_errors_csv(w, e);
        }
    };
    let open = |p: &str| -> Result<Box<dyn std::io::Read>, String> {
        let f = std::fs::File::open(p).map_err(|e| format!("{p}: {e}"))?;
        Ok(Box::new(f))
    };
    let (source, input) = match (&args.families, &args.members, &args.measurements) {
        (Some(f), Some(m), Some(x)) => (
            format!("{f}, {m}, {x}"),
            report::Input::Csv {
                families: (f.clone(), open(f)?),
                members: (m.clone(), open(m)?),
                measurements: (x.clone(), open(x)?),
            },
        ),
        (None, None, None) => match path.as_deref() {
            None => (
                "examples/data/report_sample.jsonl".to_owned(),
                report::Input::Jsonl(
                    "report_sample.jsonl".to_owned(),
                    Box::new(SAMPLE_REGISTER.as_bytes()),
                ),
            ),
            Some("-") => (
                "stdin".to_owned(),
                report::Input::Jsonl("stdin".to_owned(), Box::new(std::io::stdin())),
            ),
            Some(p) => {
                let f = std::fs::File::open(p).map_err(|e| format!("{p}: {e}"))?;
                (
                    p.to_owned(),
                    report::Input::Jsonl(p.to_owned(), Box::new(f)),
                )
            }
        },
        _ => {
            return Err("a CSV register needs --families, --members and --measurements".to_owned())
        }
    };
    let (mut core, files) = report::run(input, &opts, on_error)?;
    if let Some(mut w) = errors_out.take() {
        w.flush().map_err(|e| e.to_string())?;
    }
    let profiles: Option<serde_json::Value> = match (&args.profile, path.is_none()) {
        (Some(p), _) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{p}: {e}"))?;
            Some(serde_json::from_str(&text).map_err(|e| format!("{p}: {e}"))?)
        }
        (None, true) => Some(
            serde_json::from_str(SAMPLE_PROFILES).map_err(|e| format!("bundled profiles: {e}"))?,
        ),
        (None, false) => None,
    };
    if let Some(v) = &profiles {
        core.classify(v)
            .map_err(|e| format!("profiles: {}", e.summary("profile", Locale::En)))?;
    }
    let rep = report::Report {
        as_of,
        source,
        ci_method: "wilson_95",
        errors: core
            .errors
            .iter()
            .map(|p| report::line_error(p, &files, args.lang))
            .collect(),
        errors_truncated: core.errors_truncated,
        rows: core.rows,
        kampung_kb: core.kampung_kb,
        exclusions: core.exclusions,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    if args.format == "json" {
        report::write_json_pretty(&mut out, &rep).map_err(|e| e.to_string())?;
        writeln!(out).map_err(|e| e.to_string())?;
    } else {
        out.write_all(report::render_text(&rep, args.lang).as_bytes())
            .map_err(|e| e.to_string())?;
        if args.errors.is_none() && !rep.errors.is_empty() {
            let shown = rep.errors.len().min(10);
            for e in &rep.errors[..shown] {
                writeln!(
                    out,
                    "  {}:{} {} [{}] {}",
                    e.file, e.line, e.field, e.code, e.message
                )
                .map_err(|e| e.to_string())?;
            }
            let more = rep.errors.len() as u64 + rep.errors_truncated - shown as u64;
            if more > 0 {
                match args.lang {
                    Locale::Id => {
                        writeln!(out, "  … {more} kesalahan lain; gunakan --errors FILE.csv")
                    }
                    Locale::En => writeln!(out, "  … {more} more problems; use --errors FILE.csv"),
                }
                .map_err(|e| e.to_string())?;
            }
        }
    }
    out.flush().map_err(|e| e.to_string())?;
    if let Some(p) = &args.html {
        std::fs::write(p, html::render_html(&rep, args.lang)).map_err(|e| format!("{p}: {e}"))?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_has_valid_and_invalid_families() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 29).expect("date");
        let mut out = Vec::new();
        let (n, bad) = validate(
            SAMPLE_FAMILIES.as_bytes(),
            &mut out,
            &FamilyOptions::new(as_of),
            Locale::Id,
        )
        .expect("runs");
        let text = String::from_utf8(out).expect("utf8");
        assert_eq!((n, bad), (5, 3), "{text}");
        assert!(text.contains("NIK harus 16 angka (tertulis 15)."), "{text}");
        assert!(text.contains("members[2].birth_date"), "{text}");
        assert!(
            text.contains("Jenis kelamin tidak sesuai dengan NIK."),
            "{text}"
        );
    }
}
