//! Families one JSON object per line, each checked on its own with
//! [`Family::from_value`]: one line of text per family, then the totals
//! (`kampung validate`).

use super::{Family, FamilyOptions};
use crate::register::json::JsonLines;
use crate::today::{date_note, TimeZone};
use crate::Locale;
use std::io::{BufRead, Write};

/// How many families [`check_json_lines`] read, and how many were invalid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LineChecks {
    /// Lines read (blank lines are not counted).
    pub read: u64,
    /// Lines that are not a valid family (or not JSON).
    pub invalid: u64,
}

fn t(lang: Locale, id: &'static str, en: &'static str) -> &'static str {
    match lang {
        Locale::Id => id,
        Locale::En => en,
    }
}

/// Checks every line of `input` (at most `max_line_bytes` each) and writes
/// one line per family to `out`: `line 3: OK — family 6472…0007 (2
/// members)` with the Nomor KK masked, or the line's problems with their
/// paths and codes ([`crate::ValidationErrors::summary`]).
///
/// # Errors
/// A read error of `input` or a write error of `out`.
pub fn check_json_lines<R: BufRead, W: Write>(
    input: R,
    out: &mut W,
    opts: &FamilyOptions,
    max_line_bytes: usize,
    lang: Locale,
) -> std::io::Result<LineChecks> {
    let label = t(lang, "baris", "line");
    let mut checks = LineChecks::default();
    for item in JsonLines::new(input, max_line_bytes) {
        let (line, value) = item?;
        checks.read += 1;
        match value.map(|v| Family::from_value(&v, opts)) {
            Ok(Ok(f)) => writeln!(
                out,
                "{label} {line}: OK — {} {} ({} {})",
                t(lang, "keluarga", "family"),
                f.no_kk().masked(),
                f.members().len(),
                t(lang, "anggota", "members")
            )?,
            Ok(Err(errs)) => {
                checks.invalid += 1;
                let title = t(lang, "Keluarga", "Family");
                writeln!(out, "{label} {line}: {}", errs.summary(title, lang))?;
            }
            Err(e) => {
                checks.invalid += 1;
                writeln!(
                    out,
                    "{label} {line}: {} [code={}]",
                    e.message(lang),
                    e.code()
                )?;
            }
        }
    }
    Ok(checks)
}

impl LineChecks {
    /// The totals line: `5 families read, 1 invalid (reference date
    /// 2026-01-15 (today, WIB))`; `zone` when `as_of` is today there.
    pub fn summary(
        &self,
        as_of: chrono::NaiveDate,
        zone: Option<TimeZone>,
        lang: Locale,
    ) -> String {
        format!(
            "{} {}, {} {} ({} {})",
            self.read,
            t(lang, "keluarga dibaca", "families read"),
            self.invalid,
            t(lang, "tidak valid", "invalid"),
            t(lang, "tanggal acuan", "reference date"),
            date_note(as_of, zone, lang)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid family, a family without members and a line that is not
    /// JSON: one line each, two invalid.
    #[test]
    fn one_line_per_family_then_the_totals() {
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).expect("date");
        let good = serde_json::json!({"no_kk": "6472052301150007", "region_code": "64.72.05.1001",
            "members": [{"name": "Budi", "sex": "L", "birth_date": "1985-01-01",
                         "relationship": "kepala_keluarga", "marital_status": "kawin"}]});
        let input = format!("{good}\n\n{{\"no_kk\": \"6472052301150007\"}}\nnot json\n");
        let mut out = Vec::new();
        let opts = FamilyOptions::new(as_of);
        let checks =
            check_json_lines(input.as_bytes(), &mut out, &opts, 1 << 20, Locale::En).expect("runs");
        assert_eq!((checks.read, checks.invalid), (3, 2));
        let text = String::from_utf8(out).expect("utf-8");
        let first = text.lines().next().unwrap_or_default();
        assert!(first.starts_with("line 1: OK — family "), "{text}");
        assert!(first.ends_with(" (1 members)"), "{text}");
        assert!(!first.contains("6472052301150007"), "masked: {text}");
        assert!(text.contains("\nline 3: "), "{text}");
        assert!(
            text.contains("\nline 4: ") && text.contains("[code="),
            "{text}"
        );
        assert_eq!(
            checks.summary(as_of, Some(TimeZone::Wib), Locale::Id),
            "3 keluarga dibaca, 2 tidak valid (tanggal acuan 2026-01-15 (hari ini, WIB))"
        );
    }
}
