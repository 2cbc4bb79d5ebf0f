//! The terminal summary.

use super::{decimal, factor_label, level_name, method_label, pct, region_label, t};
use crate::report::aggregate::{KRS_FACTORS, MIX_METHODS};
use crate::report::Report;
use crate::Locale;
use std::fmt::Write as _;

/// The summary table's cells for one row.
fn cells(row: &crate::report::RegionRow, lang: Locale) -> Vec<String> {
    let g = |n: &str| row.indicator(n).copied();
    let v = |n: &str| pct(g(n).and_then(|e| e.value), lang);
    let stunting = match g("stunting") {
        Some(e) if e.se.is_some() => format!(
            "{} (SE {}) [{}–{}] {}/{}",
            pct(e.value, lang),
            pct(e.se, lang),
            pct(e.ci_low, lang),
            pct(e.ci_high, lang),
            e.numerator,
            e.denominator
        ),
        Some(e) => format!(
            "{} [{}–{}] {}/{}",
            pct(e.value, lang),
            pct(e.ci_low, lang),
            pct(e.ci_high, lang),
            e.numerator,
            e.denominator
        ),
        None => "–".to_owned(),
    };
    let code = match (&row.code, &row.name) {
        (Some(_), _) => region_label(row, lang),
        (None, _) => String::new(),
    };
    vec![
        level_name(row.level, lang).to_owned(),
        code,
        row.counts.families.to_string(),
        row.counts.sasaran.to_string(),
        row.counts.krs.to_string(),
        v("krs"),
        row.counts.pus.to_string(),
        v("cpr"),
        v("mcpr"),
        v("mkjp_share"),
        v("unmet_need"),
        row.counts.children_measured.to_string(),
        stunting,
        v("wasting"),
        v("underweight"),
        v("overweight"),
    ]
}

/// Writes `table` with its columns aligned (the first two to the left).
pub(super) fn aligned(s: &mut String, table: &[Vec<String>]) {
    let columns = table.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            table
                .iter()
                .map(|r| r.get(c).map_or(0, |x| x.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (i, row) in table.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let pad = widths
                .get(c)
                .copied()
                .unwrap_or(0)
                .saturating_sub(cell.chars().count());
            if c < 2 {
                let _ = write!(s, "{cell}{} ", " ".repeat(pad));
            } else {
                let _ = write!(s, "{}{cell} ", " ".repeat(pad));
            }
        }
        s.push('\n');
        if i == 0 {
            let total: usize = widths.iter().sum::<usize>() + widths.len();
            let _ = writeln!(s, "{}", "─".repeat(total));
        }
    }
}

pub(super) fn render(r: &Report, lang: Locale) -> String {
    let mut s = String::new();
    let source = r.sources.join(", ");
    let _ = write!(
        s,
        "{} — {} {}",
        t(lang, "LAPORAN KAMPUNG KB", "KAMPUNG KB REPORT"),
        t(lang, "tanggal acuan", "reference date"),
        crate::today::date_note(r.as_of, r.as_of_today, lang),
    );
    if !source.is_empty() {
        let _ = write!(s, "  ({}: {source})", t(lang, "sumber", "source"));
    }
    s.push('\n');
    let ex = &r.exclusions;
    let _ = writeln!(
        s,
        "{}: {} | {}: {} | {}: {}\n",
        t(lang, "Keluarga dibaca", "Families read"),
        ex.families_read,
        t(lang, "dihitung", "included"),
        ex.families_included,
        t(lang, "dikeluarkan", "excluded"),
        ex.families_excluded
    );
    let head = [
        t(lang, "Wilayah", "Region"),
        t(lang, "Kode", "Code"),
        t(lang, "Keluarga", "Families"),
        t(lang, "Sasaran", "Target"),
        "KRS",
        "KRS%",
        "PUS",
        "CPR%",
        "mCPR%",
        "MKJP%",
        "Unmet%",
        t(lang, "Diukur", "Measured"),
        "Stunting% [95% CI]",
        "Wasting%",
        "Underwt%",
        "Overwt%",
    ];
    let mut table: Vec<Vec<String>> = vec![head.iter().map(|x| (*x).to_owned()).collect()];
    table.extend(r.rows.iter().map(|row| cells(row, lang)));
    aligned(&mut s, &table);
    if let Some(total) = r.total() {
        let _ = writeln!(
            s,
            "\n{} (KRS: {})",
            t(
                lang,
                "Faktor risiko KRS (keluarga unik per faktor; tidak dijumlahkan)",
                "KRS risk factors (unique families per factor; do not add up)"
            ),
            total.counts.krs
        );
        for f in KRS_FACTORS {
            if let Some(e) = total.indicator(f) {
                let _ = writeln!(
                    s,
                    "  {:<28} {:>7} {:>6}%",
                    factor_label(f, lang),
                    e.numerator,
                    pct(e.value, lang)
                );
            }
        }
        let _ = writeln!(
            s,
            "\n{} ({}: {})",
            t(lang, "Bauran metode KB", "Method mix"),
            t(lang, "peserta", "users"),
            total.counts.users
        );
        for m in MIX_METHODS {
            if let Some(e) = total.indicator(m.as_str()) {
                if e.numerator > 0 {
                    let _ = writeln!(
                        s,
                        "  {:<28} {:>7} {:>6}%",
                        method_label(m, lang),
                        e.numerator,
                        pct(e.value, lang)
                    );
                }
            }
        }
        let c = &total.counts;
        let _ = writeln!(
            s,
            "\n{}: HAZ {}, WHZ {}, WAZ {}",
            t(
                lang,
                "Pengukuran tidak wajar (flag WHO, dikeluarkan dari prevalensi)",
                "Implausible measurements (WHO flags, excluded from prevalence)"
            ),
            c.stunting.flagged,
            c.wasting.flagged,
            c.underweight.flagged
        );
    }
    super::skdn::text(&mut s, r, lang);
    if !r.kampung_kb.is_empty() {
        let _ = writeln!(
            s,
            "\n{}",
            t(lang, "Klasifikasi Kampung KB", "Kampung KB classification")
        );
        for d in &r.kampung_kb {
            let c = &d.classification;
            let _ = writeln!(
                s,
                "  {}  {:<14} input {}  {} {}  output {}",
                d.code,
                c.class.name(),
                decimal(Some(c.index_input), 2, lang),
                t(lang, "proses", "process"),
                decimal(Some(c.index_proses), 2, lang),
                decimal(Some(c.index_output), 2, lang),
            );
        }
    }
    let _ = writeln!(
        s,
        "\n{}: {} {}, {} {}, {} {}",
        t(lang, "Dikeluarkan", "Excluded"),
        ex.families_excluded,
        t(lang, "keluarga", "families"),
        ex.measurements_excluded,
        t(lang, "pengukuran", "measurements"),
        ex.rows_excluded,
        t(lang, "baris tanpa keluarga", "rows without a family"),
    );
    for (code, n) in &ex.reasons {
        let _ = writeln!(s, "  {code:<32} {n:>7}");
    }
    if let Some(d) = &r.design {
        let _ = writeln!(s, "\n{}", d.note(lang));
        return s;
    }
    let _ = writeln!(
        s,
        "\n{}",
        t(
            lang,
            "CI: interval skor Wilson 95% (tanpa bobot survei). Persentase = pembilang/penyebut, wilayah induk = jumlah pembilang dan penyebut.",
            "CI: 95% Wilson score interval (no survey weights). Percent = numerator/denominator; parent regions sum numerators and denominators."
        )
    );
    s
}

/// The first `n` problems of `r`, one line each (`  file:line path [code]
/// message`), then how many more there are (kept or only counted).
pub(super) fn write_some_problems<W: std::io::Write>(
    out: &mut W,
    r: &Report,
    n: usize,
    lang: Locale,
) -> std::io::Result<()> {
    let shown = r.errors.len().min(n);
    for p in &r.errors[..shown] {
        writeln!(
            out,
            "  {}:{} {} [{}] {}",
            super::problem_file(r, p),
            p.record,
            p.error.path(),
            p.error.code(),
            p.error.message(lang)
        )?;
    }
    let more = r.errors.len() as u64 + r.errors_truncated - shown as u64;
    if more > 0 {
        let text = t(
            lang,
            "kesalahan lain; gunakan --errors FILE.csv",
            "more problems; use --errors FILE.csv",
        );
        writeln!(out, "  … {more} {text}")?;
    }
    Ok(())
}
