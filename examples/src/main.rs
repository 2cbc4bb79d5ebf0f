//! `kampung`: the command-line program.
//!
//! ```text
//! kampung validate [FAMILIES.jsonl] [--lang id|en] [--as-of YYYY-MM-DD]
//! ```
//! With no file, `validate` runs on the bundled sample
//! (`examples/data/sample_families.jsonl`).

use chrono::NaiveDate;
use kampung_core::{input::parse_date, Family, FamilyOptions, Locale};
use std::io::{BufRead, BufReader, Write};
use std::process::ExitCode;

mod zscores;

const SAMPLE_FAMILIES: &str = include_str!("../data/sample_families.jsonl");

const USAGE: &str = "kampung — Kampung KB indicators

USAGE:
  kampung validate [FAMILIES.jsonl] [--lang id|en] [--as-of YYYY-MM-DD]
      Validates one family (JSON object) per line and prints every problem.
      Without a file, runs on the bundled sample families.
  kampung zscores INPUT.csv [-o OUTPUT.csv] [--errors ERRORS.csv] [--age-in-month] [--lang id|en]
      WHO 2006 z-scores (as WHO anthro) for every row of a CSV file, streamed.
      Columns: sex, age (or age_days / age_months), weight, lenhei, measure,
      headc, armc, oedema. Row problems go to stderr or --errors.
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
