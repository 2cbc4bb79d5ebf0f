//! The month's SKDN table in the text and HTML reports (`--month`): one
//! row per region with S, K, D, N, T, O, B, D′, 2T, BGM, referrals and
//! the ratios (MONITORING.md §2.2), and in HTML a chart of N/D by desa.

use super::html::{bars, esc, nice_max, Bar};
use super::{level_name, pct, t};
use crate::report::{Report, RowLevel, SkdnReport, SkdnRow};
use crate::Locale;
use std::fmt::Write as _;

/// "Not available" (K without `has_kia`).
fn not_available(lang: Locale) -> &'static str {
    t(lang, "t.t.", "n/a")
}

/// The column heads: counts, then the ratios of [`SkdnCounts::ratios`](crate::monitoring::SkdnCounts::ratios).
fn head(k: &SkdnReport, lang: Locale) -> Vec<String> {
    let mut h: Vec<String> = [
        t(lang, "Wilayah", "Region"),
        t(lang, "Kode", "Code"),
        "S",
        "K",
        "D",
        "N",
        "T",
        "O",
        "B",
        "D′",
        "2T",
        "BGM",
        t(lang, "Rujuk", "Refer"),
    ]
    .iter()
    .map(|x| (*x).to_owned())
    .collect();
    let ratios = crate::monitoring::SkdnCounts::default().ratios(k.has_k);
    h.extend(ratios.iter().map(|(name, _)| format!("{name}%")));
    h
}

/// The region of a row as shown: its code and name (the total's level name).
fn label(row: &SkdnRow, lang: Locale) -> String {
    match (&row.code, &row.name) {
        (Some(code), Some(n)) => format!("{code} {n}"),
        (Some(code), None) => code.clone(),
        (None, _) => level_name(RowLevel::Total, lang).to_owned(),
    }
}

/// One row's cells, as [`head`] names them.
fn cells(k: &SkdnReport, row: &SkdnRow, lang: Locale) -> Vec<String> {
    let c = row.total();
    let mut v = vec![
        level_name(row.level, lang).to_owned(),
        row.code
            .as_ref()
            .map(|_| label(row, lang))
            .unwrap_or_default(),
        c.s.to_string(),
        if k.has_k {
            c.k.to_string()
        } else {
            not_available(lang).to_owned()
        },
    ];
    v.extend(
        [
            c.d,
            c.n,
            c.t,
            c.o,
            c.b,
            c.d_prime(),
            c.two_t,
            c.bgm,
            c.refer,
        ]
        .iter()
        .map(ToString::to_string),
    );
    v.extend(c.ratios(k.has_k).iter().map(|(_, r)| pct(r.value, lang)));
    v
}

/// The notes under the table: what the letters mean, K, rejected weighings.
fn notes(k: &SkdnReport, lang: Locale) -> Vec<String> {
    let mut n = vec![t(
        lang,
        "S: balita 0-59 bulan terdaftar; K: memiliki KMS/Buku KIA; D: ditimbang bulan ini; N: naik; T: tidak naik; O: tidak ditimbang bulan lalu; B: baru; D′ = N + T; 2T: dua kali T berturut-turut; BGM: di bawah garis merah. Persentase = pembilang/penyebut; wilayah induk menjumlahkan hitungan.",
        "S: registered children 0-59 months; K: holding a KMS/Buku KIA; D: weighed this month; N: gaining; T: not gaining; O: not weighed last month; B: new; D′ = N + T; 2T: T twice in a row; BGM: below the red line. Percent = numerator/denominator; parent regions sum counts.",
    )
    .to_owned()];
    if !k.has_k {
        n.push(
            t(
                lang,
                "K tidak tersedia: register tidak mencatat kepemilikan KMS/Buku KIA (has_kia), jadi K, K/S dan D/K tidak dihitung (bukan 0).",
                "K not available: the register does not record KMS/Buku KIA ownership (has_kia), so K, K/S and D/K are not computed (not 0).",
            )
            .to_owned(),
        );
    }
    if let Some(total) = k.rows.first() {
        n.push(format!(
            "{}: {}",
            t(
                lang,
                "Penimbangan bulan ini yang ditolak pemeriksaan antar-kunjungan (tidak masuk D)",
                "Weighings of the month rejected by the cross-visit checks (not in D)"
            ),
            total.weighings_rejected
        ));
    }
    n
}

fn title(k: &SkdnReport, lang: Locale) -> String {
    format!(
        "SKDN {} ({} {})",
        k.month,
        t(lang, "aturan", "rules"),
        k.rules
    )
}

/// The text section (nothing without a month).
pub(super) fn text(s: &mut String, r: &Report, lang: Locale) {
    let Some(k) = &r.skdn else { return };
    let _ = writeln!(s, "\n{}", title(k, lang));
    let mut table = vec![head(k, lang)];
    table.extend(k.rows.iter().map(|row| cells(k, row, lang)));
    super::text::aligned(s, &table);
    for n in notes(k, lang) {
        let _ = writeln!(s, "  {n}");
    }
}

/// The HTML section: the chart of N/D by desa (and the total), then the
/// table (nothing without a month).
pub(super) fn html(s: &mut String, r: &Report, lang: Locale) {
    let Some(k) = &r.skdn else { return };
    let chart = format!(
        "{} — {}",
        t(
            lang,
            "N/D per desa (balita naik berat badan di antara yang ditimbang)",
            "N/D by village (children gaining weight among those weighed)"
        ),
        title(k, lang)
    );
    let items: Vec<Bar> = k
        .rows
        .iter()
        .filter(|x| x.level == RowLevel::DesaKelurahan)
        .take(60)
        .chain(k.rows.first())
        .map(|row| {
            let c = row.total();
            let nd = crate::kb::indicators::Ratio::new(c.n, c.d);
            (
                label(row, lang),
                nd.value,
                None,
                format!("{}% ({}/{})", pct(nd.value, lang), c.n, c.d),
            )
        })
        .collect();
    let m = items.iter().filter_map(|i| i.1).fold(0.0, f64::max);
    let _ = write!(s, "<h2>{}</h2>", esc(&chart));
    s.push_str(&bars(&chart, &items, "#2e8b57", nice_max(m)));
    let head = head(k, lang);
    s.push_str("<table class=\"skdn\"><tr>");
    for h in &head {
        let _ = write!(s, "<th>{}</th>", esc(h));
    }
    s.push_str("</tr>");
    for row in &k.rows {
        let _ = write!(s, "<tr class=\"l{}\">", row.level as u8);
        for c in cells(k, row, lang) {
            let _ = write!(s, "<td>{}</td>", esc(&c));
        }
        s.push_str("</tr>");
    }
    s.push_str("</table>");
    for n in notes(k, lang) {
        let _ = write!(s, "<p class=\"note\">{}</p>", esc(&n));
    }
}
