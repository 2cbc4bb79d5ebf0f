//! Rendering a [`Report`]: a text summary for the terminal (Indonesian or
//! English), one JSON document for machines, one offline HTML page with
//! inline SVG charts, and the errors file (CSV). Feature `render`.
//!
//! Numbers are written one way per language: a decimal comma in
//! Indonesian (`68,8`), a decimal point in English (`68.8`), whole counts
//! without grouping. Labels (levels, KRS factors, KB methods, reasons for
//! not using KB) are in the report's language; codes stay codes in JSON.

mod html;
mod json;
mod skdn;
mod text;

use super::{Problem, Report, RowLevel};
use crate::kb::method::Method;
use crate::Locale;

pub use json::JSON_ROWS_PARALLEL_FROM;

/// `id` or `en` text.
pub(crate) fn t(lang: Locale, id: &'static str, en: &'static str) -> &'static str {
    match lang {
        Locale::Id => id,
        Locale::En => en,
    }
}

/// `x` with `decimals` decimals in `lang`'s notation (decimal comma in
/// Indonesian); `–` for a missing value.
pub fn decimal(x: Option<f64>, decimals: usize, lang: Locale) -> String {
    match x {
        None => "–".to_owned(),
        Some(x) if !x.is_finite() => "–".to_owned(),
        Some(x) => {
            let s = format!("{x:.decimals$}");
            match lang {
                Locale::Id => s.replace('.', ","),
                Locale::En => s,
            }
        }
    }
}

/// A percentage with one decimal, as the report writes it.
pub fn pct(x: Option<f64>, lang: Locale) -> String {
    decimal(x, 1, lang)
}

/// The name of a report level.
pub fn level_name(l: RowLevel, lang: Locale) -> &'static str {
    match l {
        RowLevel::Total => t(lang, "Total", "Total"),
        RowLevel::Provinsi => t(lang, "Provinsi", "Province"),
        RowLevel::KabupatenKota => t(lang, "Kab/Kota", "Regency/City"),
        RowLevel::Kecamatan => t(lang, "Kecamatan", "District"),
        RowLevel::DesaKelurahan => t(lang, "Desa/Kel", "Village"),
    }
}

/// The label of a KRS factor code (`risk::krs`, DOMAIN.md §1.3).
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

/// The name of a contraceptive method: the Indonesian programme's terms
/// (the names in `kb::method`'s catalogue) or English.
pub fn method_label(m: Method, lang: Locale) -> &'static str {
    match m {
        Method::Iud => t(lang, "IUD/AKDR", "IUD"),
        Method::Mow => t(lang, "MOW (tubektomi)", "Female sterilisation"),
        Method::Mop => t(lang, "MOP (vasektomi)", "Male sterilisation"),
        Method::Implant => t(lang, "Implan", "Implant"),
        Method::Injectable1Month => t(lang, "Suntik 1 bulanan", "Monthly injectable"),
        Method::Injectable3Month => t(lang, "Suntik 3 bulanan", "3-monthly injectable"),
        Method::Injectable => t(lang, "Suntik", "Injectable"),
        Method::Pill => t(lang, "Pil", "Pill"),
        Method::Condom => t(lang, "Kondom", "Condom"),
        Method::Mal => t(lang, "MAL (amenore laktasi)", "Lactational amenorrhoea"),
        Method::OtherModern => t(lang, "Modern lainnya", "Other modern"),
        Method::Traditional => t(lang, "Tradisional", "Traditional"),
        Method::Other => t(lang, "Lainnya", "Other"),
        Method::None => t(lang, "Tidak memakai", "None"),
    }
}

/// The label of a reason for not using KB (`not_using_reason` indicators).
pub fn reason_label(code: &str, lang: Locale) -> &'static str {
    match code {
        "hamil" => t(lang, "Hamil", "Pregnant"),
        "ingin_anak_segera" => t(lang, "Ingin anak segera", "Wants a child soon"),
        "iat" => t(
            lang,
            "Ingin anak ditunda (IAT)",
            "Wants a child later (IAT)",
        ),
        "tial" => t(
            lang,
            "Tidak ingin anak lagi (TIAL)",
            "Wants no more children (TIAL)",
        ),
        _ => t(lang, "Tidak disebutkan", "Not stated"),
    }
}

/// The file a problem points at: the report's source of its table.
fn problem_file<'r>(r: &'r Report, p: &Problem) -> &'r str {
    source_of(&r.sources, p)
}

/// The file a problem points at among `sources` (the file of its table,
/// else the first; empty when there is none), as a report names them in
/// [`Report::sources`].
pub fn source_of<'s>(sources: &'s [String], p: &Problem) -> &'s str {
    sources
        .get(p.table.index())
        .or_else(|| sources.first())
        .map_or("", String::as_str)
}

/// The region of a row as shown: its code, and its name when known.
fn region_label(row: &super::RegionRow, lang: Locale) -> String {
    match (&row.code, &row.name) {
        (Some(c), Some(n)) => format!("{c} {n}"),
        (Some(c), None) => c.clone(),
        (None, _) => level_name(RowLevel::Total, lang).to_owned(),
    }
}

impl Report {
    /// The terminal summary (a table by region, the KRS factors, the method
    /// mix, exclusions by code, the Kampung KB classification).
    pub fn to_text(&self, lang: Locale) -> String {
        text::render(self, lang)
    }

    /// One offline HTML page (no scripts, no external assets) with inline
    /// SVG charts: prevalence by desa with 95 % confidence intervals, the
    /// method mix and the KRS factors; the summary table; exclusions.
    pub fn to_html(&self, lang: Locale) -> String {
        html::render(self, lang)
    }

    /// The report as one pretty-printed JSON document (messages of the
    /// problems in `lang`).
    pub fn to_json(&self, lang: Locale) -> String {
        let mut out = Vec::new();
        // Writing to a Vec cannot fail; serialization of these types neither.
        let _ = self.write_json(&mut out, lang);
        String::from_utf8(out).unwrap_or_default()
    }

    /// [`Report::to_json`] into `out`, byte for byte (rows serialized on two
    /// threads when there are many and the feature `parallel` is on).
    ///
    /// # Errors
    /// A write error of `out`.
    pub fn write_json<W: std::io::Write>(&self, out: &mut W, lang: Locale) -> std::io::Result<()> {
        json::write(self, out, lang)
    }

    /// The first `n` problems as text lines for a terminal, under
    /// [`Report::to_text`] (`  file:line path [code] message`), then how
    /// many more there are.
    ///
    /// # Errors
    /// A write error of `out`.
    pub fn write_some_problems<W: std::io::Write>(
        &self,
        out: &mut W,
        n: usize,
        lang: Locale,
    ) -> std::io::Result<()> {
        text::write_some_problems(out, self, n, lang)
    }

    /// The header of the errors file ([`Report::write_error_csv`]).
    pub const ERRORS_CSV_HEADER: &'static str = "file,line,field,code,message,excluded\n";

    /// One problem as a line of the errors file: file, line (or row),
    /// field, code, message in `lang`, what was excluded.
    ///
    /// # Errors
    /// A write error of `out`.
    pub fn write_error_csv<W: std::io::Write>(
        &self,
        out: &mut W,
        p: &Problem,
        lang: Locale,
    ) -> std::io::Result<()> {
        write_error_csv(out, p, problem_file(self, p), lang)
    }
}

/// [`Report::write_error_csv`] for a problem seen while a report runs,
/// from the file name of its table.
///
/// # Errors
/// A write error of `out`.
pub fn write_error_csv<W: std::io::Write>(
    out: &mut W,
    p: &Problem,
    file: &str,
    lang: Locale,
) -> std::io::Result<()> {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    writeln!(
        out,
        "{},{},{},{},{},{}",
        q(file),
        p.record,
        q(&p.error.path().to_string()),
        p.error.code(),
        q(&p.error.message(lang)),
        p.excluded.as_str()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_follow_the_language() {
        assert_eq!(decimal(Some(68.75), 1, Locale::Id), "68,8");
        assert_eq!(decimal(Some(3.4), 2, Locale::Id), "3,40");
        assert_eq!(decimal(Some(3.4), 2, Locale::En), "3.40");
        assert_eq!(decimal(None, 1, Locale::En), "–");
        assert_eq!(decimal(Some(f64::NAN), 1, Locale::En), "–");
    }

    /// Three lines that are not JSON, two shown: each with its file and
    /// line, then the count of the rest; all three and no count for n = 10.
    #[test]
    fn some_problems_then_how_many_more() {
        let as_of = chrono::NaiveDate::from_ymd_opt(2025, 7, 1).expect("date");
        let input = "not json\nnope\n{\n";
        let opts = crate::report::ReportOptions::new(as_of);
        let mut r = Report::from_json_lines(input.as_bytes(), &opts, &mut ()).expect("reads");
        r.sources = vec!["reg.jsonl".into()];
        assert_eq!(r.errors.len(), 3);
        let mut out = Vec::new();
        r.write_some_problems(&mut out, 2, Locale::En)
            .expect("writes");
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("  reg.jsonl:1 "), "{text}");
        assert!(lines[0].contains(&format!("[{}]", r.errors[0].error.code())));
        assert!(lines[1].starts_with("  reg.jsonl:2 "), "{text}");
        assert_eq!(lines[2], "  … 1 more problems; use --errors FILE.csv");
        let mut out = Vec::new();
        r.write_some_problems(&mut out, 10, Locale::Id)
            .expect("writes");
        assert_eq!(String::from_utf8(out).expect("utf-8").lines().count(), 3);
    }

    #[test]
    fn every_method_has_a_label_in_each_language() {
        for m in crate::kb::method::ALL_METHODS {
            for lang in [Locale::Id, Locale::En] {
                let l = method_label(m, lang);
                assert!(!l.is_empty() && !l.contains('_'), "{m:?} {l}");
            }
        }
        assert_eq!(
            method_label(Method::Injectable3Month, Locale::Id),
            "Suntik 3 bulanan"
        );
    }

    /// A register in Pondok Labu (31.74.06.1003, Kecamatan Cilandak, Kota
    /// Jakarta Selatan): every region row carries its gazetteer name, and
    /// the text (id/en), JSON and HTML show it beside the code.
    #[cfg(feature = "gazetteer")]
    #[test]
    fn names_from_the_gazetteer_in_every_rendering() {
        let line = serde_json::json!({"no_kk": "3174062301150007", "region_code": "31.74.06.1003",
            "members": [{"name": "Budi", "sex": "L", "birth_date": "1985-01-01",
                         "relationship": "kepala_keluarga", "marital_status": "kawin"},
                        {"name": "Siti", "sex": "P", "birth_date": "1990-07-05",
                         "relationship": "istri", "marital_status": "kawin"}],
            "housing": {"water_source": "sumur_bor", "latrine": "sendiri", "septic_tank": true},
            "kb": {"method": "pill"}});
        let as_of = chrono::NaiveDate::from_ymd_opt(2025, 7, 1).expect("date");
        let r = Report::from_json_lines(
            format!("{line}\n").as_bytes(),
            &crate::report::ReportOptions::new(as_of),
            &mut (),
        )
        .expect("reads");
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let names: Vec<(Option<&str>, Option<&str>)> = r
            .rows
            .iter()
            .map(|x| (x.code.as_deref(), x.name.as_deref()))
            .collect();
        // Each name is the gazetteer's, looked up independently.
        for (code, name) in &names[1..] {
            let k = crate::KodeWilayah::parse(code.expect("code")).expect("code parses");
            assert_eq!(*name, k.name(), "{code:?}");
            assert!(name.is_some(), "{code:?} has a name");
        }
        assert_eq!(names[0], (None, None));
        assert_eq!(names[4], (Some("31.74.06.1003"), Some("Pondok Labu")));
        assert_eq!(names[3], (Some("31.74.06"), Some("Cilandak")));
        for lang in [Locale::Id, Locale::En] {
            let text = r.to_text(lang);
            assert!(text.contains("31.74.06.1003 Pondok Labu"), "{text}");
            assert!(text.contains("31.74.06 Cilandak"), "{text}");
            let html = r.to_html(lang);
            assert!(html.contains("<td>31.74.06.1003 Pondok Labu</td>"));
            assert!(html.contains(">31.74.06.1003 Pondok Labu</text>"));
        }
        let doc: serde_json::Value = serde_json::from_str(&r.to_json(Locale::En)).expect("json");
        let rows = doc["rows"].as_array().expect("rows");
        assert_eq!(rows[0]["name"], serde_json::Value::Null);
        assert_eq!(rows[4]["name"], "Pondok Labu");
        assert_eq!(rows[2]["name"], names[2].1.expect("kota name"));
    }

    /// Without the feature `gazetteer`, no row has a name, even a real code.
    #[cfg(not(feature = "gazetteer"))]
    #[test]
    fn without_the_gazetteer_names_stay_null() {
        let line = serde_json::json!({"no_kk": "3174062301150007", "region_code": "31.74.06.1003",
            "members": [{"name": "Budi", "sex": "L", "birth_date": "1985-01-01",
                         "relationship": "kepala_keluarga", "marital_status": "kawin"}],
            "housing": {"water_source": "sumur_bor", "latrine": "sendiri", "septic_tank": true}});
        let as_of = chrono::NaiveDate::from_ymd_opt(2025, 7, 1).expect("date");
        let r = Report::from_json_lines(
            format!("{line}\n").as_bytes(),
            &crate::report::ReportOptions::new(as_of),
            &mut (),
        )
        .expect("reads");
        assert_eq!(r.rows.len(), 5);
        assert!(r.rows.iter().all(|x| x.name.is_none()));
        let doc: serde_json::Value = serde_json::from_str(&r.to_json(Locale::En)).expect("json");
        assert_eq!(doc["rows"][4]["name"], serde_json::Value::Null);
    }

    /// A code that is not in the gazetteer keeps a null name and shows the
    /// code alone.
    #[test]
    fn unknown_codes_keep_no_name() {
        let line = serde_json::json!({"no_kk": "3201992301150007", "region_code": "32.01.99.2001",
            "members": [{"name": "Budi", "sex": "L", "birth_date": "1985-01-01",
                         "relationship": "kepala_keluarga", "marital_status": "kawin"}],
            "housing": {"water_source": "sumur_bor", "latrine": "sendiri", "septic_tank": true}});
        let as_of = chrono::NaiveDate::from_ymd_opt(2025, 7, 1).expect("date");
        let r = Report::from_json_lines(
            format!("{line}\n").as_bytes(),
            &crate::report::ReportOptions::new(as_of),
            &mut (),
        )
        .expect("reads");
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let desa = r.rows.last().expect("desa row");
        assert_eq!(desa.code.as_deref(), Some("32.01.99.2001"));
        assert_eq!(desa.name, None);
        assert!(r.to_text(Locale::En).contains("32.01.99.2001 "));
    }
}
