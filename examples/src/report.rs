//! `kampung report`: the village report of a family register, computed by
//! the core's report engine (`kampung_core::report`).

use chrono::NaiveDate;
use kampung_core::register::csv::CsvTable;
use kampung_core::register::table::EntityTables;
use kampung_core::report::aggregate::{KRS_FACTORS, MIX_METHODS};
use kampung_core::report::{
    DesaClass, Exclusions, Observer, Problem, RegionRow, ReportOptions, RowLevel,
};
use kampung_core::Locale;
use serde::Serialize;
use std::io::Write;

/// One problem of one line, as reported.
#[derive(Clone, Debug, Serialize)]
pub struct LineError {
    pub file: String,
    pub line: u64,
    pub field: String,
    pub code: &'static str,
    pub message: String,
    /// `family` (the family was excluded), `measurement` (only it was) or
    /// `row` (a CSV member/measurement row without its family).
    pub excluded: &'static str,
}

/// The whole report (what `--format json` prints).
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub as_of: NaiveDate,
    pub source: String,
    pub ci_method: &'static str,
    pub rows: Vec<RegionRow>,
    pub kampung_kb: Vec<DesaClass>,
    pub exclusions: Exclusions,
    pub errors: Vec<LineError>,
    pub errors_truncated: u64,
}

pub fn line_error(p: &Problem, files: &[String], lang: Locale) -> LineError {
    LineError {
        file: files
            .get(p.table.index())
            .or(files.first())
            .cloned()
            .unwrap_or_default(),
        line: p.record,
        field: p.error.path().to_string(),
        code: p.error.code().as_str(),
        message: p.error.message(lang),
        excluded: p.excluded.as_str(),
    }
}

pub struct ReportOptionsCli {
    pub as_of: NaiveDate,
    pub lang: Locale,
    pub threads: usize,
    pub progress: bool,
    pub max_errors_kept: usize,
}

/// The register to read: JSON Lines, or three CSV files (in any order).
pub enum Input {
    Jsonl(String, Box<dyn std::io::Read + Send>),
    Csv {
        families: (String, Box<dyn std::io::Read>),
        members: (String, Box<dyn std::io::Read>),
        measurements: (String, Box<dyn std::io::Read>),
    },
}

struct Sink<'a, F: FnMut(&LineError)> {
    files: &'a [String],
    lang: Locale,
    on_error: F,
    progress: bool,
    last: std::time::Instant,
}

impl<F: FnMut(&LineError)> Observer for Sink<'_, F> {
    fn problem(&mut self, p: &Problem) {
        (self.on_error)(&line_error(p, self.files, self.lang));
    }
    fn progress(&mut self, p: kampung_core::report::Progress) {
        if self.progress && self.last.elapsed().as_millis() > 500 {
            self.last = std::time::Instant::now();
            eprint!("\rkampung: {} keluarga/families   ", p.records);
        }
    }
}

/// Runs the report; `on_error` gets every problem as it is found.
pub fn run(
    input: Input,
    opts: &ReportOptionsCli,
    on_error: impl FnMut(&LineError),
) -> Result<(kampung_core::report::Report, Vec<String>), String> {
    let ropts = ReportOptions::new(opts.as_of)
        .with_threads(opts.threads)
        .with_errors_kept(opts.max_errors_kept);
    let (files, report) = match input {
        Input::Jsonl(name, r) => {
            let files = vec![name];
            let mut sink = Sink {
                files: &files,
                lang: opts.lang,
                on_error,
                progress: opts.progress,
                last: std::time::Instant::now(),
            };
            let rep = kampung_core::report::Report::from_json_lines(r, &ropts, &mut sink)
                .map_err(|e| e.to_string())?;
            (files, rep)
        }
        Input::Csv {
            families,
            members,
            measurements,
        } => {
            let load = |(name, r): (String, Box<dyn std::io::Read>)| {
                CsvTable::from_reader(r)
                    .map_err(|e| format!("{name}: {e}"))
                    .map(|t| (name, t))
            };
            let (f, m, x) = (load(families)?, load(members)?, load(measurements)?);
            let files = vec![f.0, m.0, x.0];
            let tables = EntityTables::new(&f.1, &m.1, &x.1);
            let mut sink = Sink {
                files: &files,
                lang: opts.lang,
                on_error,
                progress: opts.progress,
                last: std::time::Instant::now(),
            };
            let rep = kampung_core::report::Report::from_tables(&tables, &ropts, &mut sink);
            (files, rep)
        }
    };
    if opts.progress {
        eprintln!();
    }
    Ok((report, files))
}

/// Writes `rep` as pretty JSON.
pub fn write_json_pretty<W: Write>(out: &mut W, rep: &Report) -> std::io::Result<()> {
    serde_json::to_writer_pretty(out, rep).map_err(std::io::Error::other)
}

// ---------------------------------------------------------------- text ----

pub fn t(lang: Locale, id: &'static str, en: &'static str) -> &'static str {
    match lang {
        Locale::Id => id,
        Locale::En => en,
    }
}

pub fn pct(v: Option<f64>, lang: Locale) -> String {
    match v {
        None => "–".to_owned(),
        Some(x) => {
            let s = format!("{x:.1}");
            match lang {
                Locale::Id => s.replace('.', ","),
                Locale::En => s,
            }
        }
    }
}

pub fn level_name(l: RowLevel, lang: Locale) -> &'static str {
    match l {
        RowLevel::Total => t(lang, "Total", "Total"),
        RowLevel::Provinsi => t(lang, "Provinsi", "Province"),
        RowLevel::KabupatenKota => t(lang, "Kab/Kota", "Regency/City"),
        RowLevel::Kecamatan => t(lang, "Kecamatan", "District"),
        RowLevel::DesaKelurahan => t(lang, "Desa/Kel", "Village"),
    }
}

pub fn factor_label(code: &str, lang: Locale) -> &'static str {
    match code {
        "air_minum_tidak_layak" => t(lang, "Air minum tidak layak", "Unsafe drinking water"),
        "jamban_tidak_layak" => t(lang, "Jamban tidak layak", "Inadequate latrine"),
        "terlalu_muda" => t(lang, "Terlalu muda (<20 th)", "Too young (<20 y)"),
        "terlalu_tua" => t(lang, "Terlalu tua (35-40 th)", "Too old (35-40 y)"),
        "terlalu_dekat" => t(lang, "Terlalu dekat (<24 bln)", "Too close (<24 mo)"),
        "terlalu_banyak" => t(lang, "Terlalu banyak (>3 anak)", "Too many (>3 children)"),
        _ => t(lang, "Rumah tidak layak huni", "House not fit to live in"),
    }
}

/// The terminal summary.
pub fn render_text(r: &Report, lang: Locale) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} — {} {}  ({}: {})",
        t(lang, "LAPORAN KAMPUNG KB", "KAMPUNG KB REPORT"),
        t(lang, "tanggal acuan", "reference date"),
        r.as_of,
        t(lang, "sumber", "source"),
        r.source
    );
    let _ = writeln!(
        s,
        "{}: {} | {}: {} | {}: {}\n",
        t(lang, "Keluarga dibaca", "Families read"),
        r.exclusions.families_included + r.exclusions.families_excluded,
        t(lang, "dihitung", "included"),
        r.exclusions.families_included,
        t(lang, "dikeluarkan", "excluded"),
        r.exclusions.families_excluded
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
        t(lang, "Unmet%", "Unmet%"),
        t(lang, "Diukur", "Measured"),
        t(lang, "Stunting% [95% CI]", "Stunting% [95% CI]"),
        "Wasting%",
        "Underwt%",
        "Overwt%",
    ];
    let mut table: Vec<Vec<String>> = vec![head.iter().map(|x| (*x).to_owned()).collect()];
    for row in &r.rows {
        let g = |n: &str| row.indicator(n).copied();
        let st = g("stunting");
        table.push(vec![
            level_name(row.level, lang).to_owned(),
            row.code.clone().unwrap_or_default(),
            row.counts.families.to_string(),
            row.counts.sasaran.to_string(),
            row.counts.krs.to_string(),
            pct(g("krs").and_then(|e| e.value), lang),
            row.counts.pus.to_string(),
            pct(g("cpr").and_then(|e| e.value), lang),
            pct(g("mcpr").and_then(|e| e.value), lang),
            pct(g("mkjp_share").and_then(|e| e.value), lang),
            pct(g("unmet_need").and_then(|e| e.value), lang),
            row.counts.children_measured.to_string(),
            match st {
                Some(e) => format!(
                    "{} [{}–{}] {}/{}",
                    pct(e.value, lang),
                    pct(e.ci_low, lang),
                    pct(e.ci_high, lang),
                    e.numerator,
                    e.denominator
                ),
                None => "–".to_owned(),
            },
            pct(g("wasting").and_then(|e| e.value), lang),
            pct(g("underweight").and_then(|e| e.value), lang),
            pct(g("overweight").and_then(|e| e.value), lang),
        ]);
    }
    let widths: Vec<usize> = (0..head.len())
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (i, row) in table.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
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
    if let Some(total) = r.rows.first() {
        let _ = writeln!(
            s,
            "\n{} ({}: {})",
            t(
                lang,
                "Faktor risiko KRS (keluarga unik per faktor; tidak dijumlahkan)",
                "KRS risk factors (unique families per factor; do not add up)"
            ),
            t(lang, "KRS", "KRS"),
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
                        m.as_str(),
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
    if !r.kampung_kb.is_empty() {
        let _ = writeln!(
            s,
            "\n{}",
            t(
                lang,
                "Klasifikasi Kampung KB (DOMAIN.md §5.4)",
                "Kampung KB classification (DOMAIN.md §5.4)"
            )
        );
        for d in &r.kampung_kb {
            let c = &d.classification;
            let _ = writeln!(
                s,
                "  {}  {:<14} input {:.2}  proses {:.2}  output {:.2}",
                d.code,
                c.class.name(),
                c.index_input,
                c.index_proses,
                c.index_output
            );
        }
    }
    let ex = &r.exclusions;
    let _ = writeln!(
        s,
        "\n{}: {} {}, {} {}",
        t(lang, "Dikeluarkan", "Excluded"),
        ex.families_excluded,
        t(lang, "keluarga", "families"),
        ex.measurements_excluded,
        t(lang, "pengukuran", "measurements")
    );
    for (code, n) in &ex.reasons {
        let _ = writeln!(s, "  {code:<32} {n:>7}");
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

pub fn write_errors_csv<W: Write>(w: &mut W, e: &LineError) -> std::io::Result<()> {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    writeln!(
        w,
        "{},{},{},{},{},{}",
        q(&e.file),
        e.line,
        q(&e.field),
        e.code,
        q(&e.message),
        e.excluded
    )
}
