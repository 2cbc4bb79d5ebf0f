//! The report as one JSON document:
//!
//! ```text
//! { "as_of": "2025-07-01", "as_of_today": null | "WIB", "sources": [...],
//!   "ci_method": "wilson_95" | "survey_logit_t_95",
//!   "design": {weights, cluster, strata, nest, lonely_psu, …, df, error, note} (with a survey design only),
//!   "rows": [ {level, code, name, counts: {families, …, krs_factor: {code: n}, method: {code: n}, reason: {code: n}, …},
//!              indicators: [{indicator, group, numerator, denominator, value, se (design only), ci_low, ci_high}]} ],
//!   "kampung_kb": [...], "exclusions": {...},
//!   "errors": [{file, line, field, code, message, excluded}], "errors_truncated": 0,
//!   "skdn": {month, rules, k_available, rows: [{level, code, name, S, K, D, N, …, "N/D", …}]} }  (with a month only)
//! ```

use super::problem_file;
use crate::report::{DesaClass, Exclusions, RegionRow, Report};
use crate::Locale;
use chrono::NaiveDate;
use serde::Serialize;
use std::io::Write;

/// With this many rows or more, the rows are serialized on two threads
/// (feature `parallel`): ~3 800 rows of a national register are ~40 MB.
pub const JSON_ROWS_PARALLEL_FROM: usize = 512;

/// One problem as the JSON document (and the errors file) gives it.
#[derive(Serialize)]
struct ErrorLine<'a> {
    file: &'a str,
    line: u64,
    field: String,
    code: &'static str,
    message: String,
    excluded: &'static str,
}

#[derive(Serialize)]
struct Document<'a> {
    as_of: NaiveDate,
    /// The time zone whose calendar date was taken as `as_of` when none was given.
    as_of_today: Option<&'static str>,
    sources: &'a [String],
    ci_method: &'static str,
    /// The survey design (`report::design`), only when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    design: Option<serde_json::Value>,
    rows: &'a [RegionRow],
    kampung_kb: &'a [DesaClass],
    exclusions: &'a Exclusions,
    errors: Vec<ErrorLine<'a>>,
    errors_truncated: u64,
    /// The month's SKDN table (`--month`; absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    skdn: Option<serde_json::Value>,
}

fn document<'a>(r: &'a Report, rows: &'a [RegionRow], lang: Locale) -> Document<'a> {
    Document {
        as_of: r.as_of,
        as_of_today: r.as_of_today.map(|z| z.name()),
        sources: &r.sources,
        ci_method: match r.design {
            None => "wilson_95",
            Some(_) => "survey_logit_t_95",
        },
        design: r.design.as_ref().map(|d| d.to_json(lang)),
        rows,
        kampung_kb: &r.kampung_kb,
        exclusions: &r.exclusions,
        errors: r
            .errors
            .iter()
            .map(|p| ErrorLine {
                file: problem_file(r, p),
                line: p.record,
                field: p.error.path().to_string(),
                code: p.error.code().as_str(),
                message: p.error.message(lang),
                excluded: p.excluded.as_str(),
            })
            .collect(),
        errors_truncated: r.errors_truncated,
        skdn: r.skdn.as_ref().map(crate::report::SkdnReport::to_json),
    }
}

/// Writes the document as `serde_json::to_writer_pretty` does, byte for
/// byte; with many rows, each half of the rows is serialized on its own
/// thread and spliced into the document.
pub(super) fn write<W: Write>(r: &Report, out: &mut W, lang: Locale) -> std::io::Result<()> {
    if r.rows.len() < JSON_ROWS_PARALLEL_FROM || cfg!(not(feature = "parallel")) {
        serde_json::to_writer_pretty(&mut *out, &document(r, &r.rows, lang))?;
        return out.write_all(b"\n");
    }
    // The document with no rows: `"rows": []` stands where they go.
    let frame = serde_json::to_vec_pretty(&document(r, &[], lang))?;
    const EMPTY: &[u8] = b"\n  \"rows\": []";
    // The keys before `rows` hold a date and escaped strings, so the first
    // match is the field itself.
    let at = memchr::memmem::find(&frame, EMPTY)
        .ok_or_else(|| std::io::Error::other("rows field not found"))?;
    let (head, tail) = frame.split_at(at);
    let tail = tail.get(EMPTY.len()..).unwrap_or_default();
    let (first, second) = r.rows.split_at(r.rows.len() / 2);
    let (a, b) = both(|| rows_json(first), || rows_json(second));
    let (a, b) = (a?, b?);
    out.write_all(head)?;
    out.write_all(b"\n  \"rows\": [\n")?;
    out.write_all(&a)?;
    if !a.is_empty() && !b.is_empty() {
        out.write_all(b",\n")?;
    }
    out.write_all(&b)?;
    out.write_all(b"\n  ]")?;
    out.write_all(tail)?;
    out.write_all(b"\n")
}

/// `f` and `g`, on two threads when the feature `parallel` is on.
fn both<A: Send, B: Send>(f: impl FnOnce() -> A + Send, g: impl FnOnce() -> B + Send) -> (A, B) {
    #[cfg(feature = "parallel")]
    {
        std::thread::scope(|s| {
            let h = s.spawn(g);
            let a = f();
            match h.join() {
                Ok(b) => (a, b),
                Err(e) => std::panic::resume_unwind(e),
            }
        })
    }
    #[cfg(not(feature = "parallel"))]
    {
        (f(), g())
    }
}

/// `rows` as elements of an array two levels deep in a pretty document:
/// each row's lines indented by four spaces, rows separated by `,\n`.
fn rows_json(rows: &[RegionRow]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut one = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        one.clear();
        serde_json::to_writer_pretty(&mut one, row)?;
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(b"    ");
        // Strings are escaped, so every newline is a line break.
        let mut rest = one.as_slice();
        while let Some(n) = memchr::memchr(b'\n', rest) {
            let (line, r) = rest.split_at(n + 1);
            out.extend_from_slice(line);
            out.extend_from_slice(b"    ");
            rest = r;
        }
        out.extend_from_slice(rest);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ReportOptions;

    /// The two-thread writer gives `to_writer_pretty`'s bytes, with a
    /// source name that looks like the rows field, and every number of
    /// rows from none to many.
    #[test]
    fn spliced_rows_equal_serde_pretty() {
        let sample = include_str!("../../../../examples/data/report_sample.jsonl");
        let as_of = NaiveDate::from_ymd_opt(2025, 7, 1).expect("date");
        let mut r = Report::from_json_lines(sample.as_bytes(), &ReportOptions::new(as_of), &mut ())
            .expect("reads");
        r.sources = vec!["a\n  \"rows\": []\n\u{e9}.jsonl".to_owned()];
        let all = r.rows.clone();
        // Many rows: repeat the sample's.
        let many: Vec<RegionRow> = all
            .iter()
            .cycle()
            .take(JSON_ROWS_PARALLEL_FROM + 3)
            .cloned()
            .collect();
        for rows in [all.clone(), Vec::new(), many] {
            r.rows = rows;
            let mut want =
                serde_json::to_vec_pretty(&document(&r, &r.rows, Locale::En)).expect("json");
            want.push(b'\n');
            let mut got = Vec::new();
            write(&r, &mut got, Locale::En).expect("writes");
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&want),
                "{} rows",
                r.rows.len()
            );
        }
    }
}
