//! One self-contained page (no scripts, no external assets) with inline
//! SVG charts: prevalence by desa with 95 % confidence intervals, the
//! method mix and the KRS factors.

use super::{decimal, factor_label, level_name, method_label, pct, region_label, t};
use crate::report::aggregate::{KRS_FACTORS, MIX_METHODS};
use crate::report::{Report, RowLevel};
use crate::Locale;
use std::fmt::Write as _;

pub(super) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One bar: label, value %, 95 % CI, data label.
pub(super) type Bar = (String, Option<f64>, Option<(f64, f64)>, String);

/// A horizontal bar chart: `(label, value %, ci)`; `max` is the axis end.
pub(super) fn bars(title: &str, items: &[Bar], color: &str, max: f64) -> String {
    let row_h = 26.0;
    let left = 230.0;
    let width = 900.0;
    let plot = width - left - 90.0;
    #[allow(clippy::cast_precision_loss)]
    let height = 50.0 + row_h * items.len() as f64 + 30.0;
    let x = |v: f64| left + plot * (v / max).clamp(0.0, 1.0);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart\" role=\"img\" aria-label=\"{t}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\">\
<text x=\"10\" y=\"24\" class=\"title\">{t}</text>",
        t = esc(title)
    );
    // grid
    for k in 0..=4 {
        let v = max * f64::from(k) / 4.0;
        let _ = write!(
            s,
            "<line x1=\"{x:.1}\" y1=\"40\" x2=\"{x:.1}\" y2=\"{y2:.1}\" stroke=\"#ddd\"/><text x=\"{x:.1}\" y=\"{ty:.1}\" class=\"axis\" text-anchor=\"middle\">{v:.0}%</text>",
            x = x(v),
            y2 = height - 30.0,
            ty = height - 12.0
        );
    }
    for (i, (label, v, ci, text)) in items.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let y = 45.0 + row_h * i as f64;
        let _ = write!(
            s,
            "<text x=\"{lx}\" y=\"{ty:.1}\" class=\"label\" text-anchor=\"end\">{l}</text>",
            lx = left - 8.0,
            ty = y + 16.0,
            l = esc(label)
        );
        if let Some(v) = v {
            let _ = write!(
                s,
                "<rect class=\"bar\" x=\"{left}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"18\" fill=\"{color}\"/>",
                w = (x(*v) - left).max(0.5)
            );
            if let Some((lo, hi)) = ci {
                let yc = y + 9.0;
                let _ = write!(
                    s,
                    "<g class=\"ci\" stroke=\"#222\" stroke-width=\"1.5\"><line x1=\"{a:.1}\" y1=\"{yc:.1}\" x2=\"{b:.1}\" y2=\"{yc:.1}\"/><line x1=\"{a:.1}\" y1=\"{y1:.1}\" x2=\"{a:.1}\" y2=\"{y2:.1}\"/><line x1=\"{b:.1}\" y1=\"{y1:.1}\" x2=\"{b:.1}\" y2=\"{y2:.1}\"/></g>",
                    a = x(*lo),
                    b = x(*hi),
                    y1 = yc - 6.0,
                    y2 = yc + 6.0
                );
            }
        }
        let tx = match ci {
            Some((_, hi)) => x(*hi).max(x(v.unwrap_or(0.0))),
            None => x(v.unwrap_or(0.0)),
        } + 6.0;
        let _ = write!(
            s,
            "<text x=\"{tx:.1}\" y=\"{ty:.1}\" class=\"value\">{t}</text>",
            ty = y + 14.0,
            t = esc(text)
        );
    }
    s.push_str("</svg>");
    s
}

pub(super) fn nice_max(m: f64) -> f64 {
    for c in [10.0, 20.0, 25.0, 40.0, 50.0, 60.0, 80.0, 100.0] {
        if m <= c {
            return c;
        }
    }
    100.0
}

/// The page.
#[allow(clippy::too_many_lines)]
pub(super) fn render(r: &Report, lang: Locale) -> String {
    let mut s = String::new();
    let title = t(lang, "Laporan Kampung KB", "Kampung KB report");
    let _ = write!(
        s,
        "<!DOCTYPE html><html lang=\"{l}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
<title>{title}</title><style>\
body{{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}}\
h1{{font-size:22px}}h2{{font-size:17px;margin-top:28px}}\
table{{border-collapse:collapse;font-size:12px}}td,th{{border:1px solid #ccc;padding:3px 6px;text-align:right}}\
td:first-child,td:nth-child(2),th{{text-align:left}}tr.l0{{font-weight:bold;background:#f3f3f3}}\
svg .title{{font-size:15px;font-weight:600}}svg .label,svg .value{{font-size:12px}}svg .axis{{font-size:11px;fill:#666}}\
.note{{color:#555;font-size:12px}}</style></head><body>\
<h1>{title}</h1><p>{ref_}: <b>{as_of}</b>{today} · {src}: {source} · {fam}: {inc} · {exc}: {excn}</p>",
        l = lang.as_str(),
        ref_ = t(lang, "Tanggal acuan", "Reference date"),
        as_of = r.as_of,
        today = r
            .as_of_today
            .map(|z| format!(" ({} {})", t(lang, "hari ini,", "today,"), z.name()))
            .unwrap_or_default(),
        src = t(lang, "Sumber", "Source"),
        source = esc(&r.sources.join(", ")),
        fam = t(lang, "Keluarga dihitung", "Families included"),
        inc = r.exclusions.families_included,
        exc = t(lang, "dikeluarkan", "excluded"),
        excn = r.exclusions.families_excluded,
    );
    // Chart 1: prevalence by desa with CI.
    let desa: Vec<_> = r
        .rows
        .iter()
        .filter(|x| x.level == RowLevel::DesaKelurahan)
        .take(60)
        .collect();
    for (ind, name_id, name_en, color) in [
        (
            "stunting",
            "Prevalensi stunting per desa (TB/U < −2 SD), 95% CI",
            "Stunting prevalence by village (HAZ < −2 SD), 95% CI",
            "#c0504d",
        ),
        (
            "wasting",
            "Prevalensi wasting per desa (BB/TB < −2 SD), 95% CI",
            "Wasting prevalence by village (WHZ < −2 SD), 95% CI",
            "#e39b38",
        ),
        (
            "underweight",
            "Prevalensi underweight per desa (BB/U < −2 SD), 95% CI",
            "Underweight prevalence by village (WAZ < −2 SD), 95% CI",
            "#8064a2",
        ),
    ] {
        let items: Vec<_> = desa
            .iter()
            .copied()
            .chain(r.rows.first())
            .filter_map(|row| {
                let e = row.indicator(ind)?;
                let label = region_label(row, lang);
                Some((
                    label,
                    e.value,
                    e.ci_low.zip(e.ci_high),
                    format!(
                        "{}% ({}/{})",
                        pct(e.value, lang),
                        e.numerator,
                        e.denominator
                    ),
                ))
            })
            .collect();
        let m = items
            .iter()
            .filter_map(|i| i.2.map(|c| c.1).or(i.1))
            .fold(0.0, f64::max);
        s.push_str(&format!("<h2>{}</h2>", t(lang, name_id, name_en)));
        s.push_str(&bars(t(lang, name_id, name_en), &items, color, nice_max(m)));
    }
    if let Some(total) = r.rows.first() {
        // Chart 2: method mix.
        let items: Vec<_> = MIX_METHODS
            .iter()
            .filter_map(|m| {
                let e = total.indicator(m.as_str())?;
                (e.numerator > 0).then(|| {
                    (
                        method_label(*m, lang).to_owned(),
                        e.value,
                        None,
                        format!("{}% ({})", pct(e.value, lang), e.numerator),
                    )
                })
            })
            .collect();
        let mt = t(
            lang,
            "Bauran metode kontrasepsi (peserta KB aktif)",
            "Contraceptive method mix (current users)",
        );
        s.push_str(&format!("<h2>{mt}</h2>"));
        let m = items.iter().filter_map(|i| i.1).fold(0.0, f64::max);
        s.push_str(&bars(mt, &items, "#4f81bd", nice_max(m)));
        // Chart 3: KRS factors.
        let items: Vec<_> = KRS_FACTORS
            .iter()
            .filter_map(|f| {
                let e = total.indicator(f)?;
                Some((
                    factor_label(f, lang).to_owned(),
                    e.value,
                    None,
                    format!("{}% ({})", pct(e.value, lang), e.numerator),
                ))
            })
            .collect();
        let ft = t(
            lang,
            "Faktor risiko di antara keluarga berisiko stunting (tumpang tindih)",
            "Risk factors among families at risk of stunting (overlapping)",
        );
        s.push_str(&format!("<h2>{ft}</h2>"));
        let m = items.iter().filter_map(|i| i.1).fold(0.0, f64::max);
        s.push_str(&bars(ft, &items, "#9bbb59", nice_max(m)));
    }
    // Table.
    let _ = write!(
        s,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>KRS</th><th>PUS</th><th>CPR %</th><th>mCPR %</th><th>MKJP %</th><th>Unmet %</th><th>Stunting % [95% CI]</th><th>n</th><th>Wasting %</th><th>Underweight %</th><th>Overweight %</th></tr>",
        t(lang, "Ringkasan per wilayah", "Summary by region"),
        t(lang, "Wilayah", "Region"),
        t(lang, "Kode", "Code"),
        t(lang, "Keluarga", "Families"),
        t(lang, "Sasaran", "Target"),
    );
    for row in &r.rows {
        let g = |n: &str| row.indicator(n).copied();
        let v = |n: &str| pct(g(n).and_then(|e| e.value), lang);
        let st = g("stunting");
        let _ = write!(
            s,
            "<tr class=\"l{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            row.level as u8,
            level_name(row.level, lang),
            esc(&row.code.as_ref().map(|_| region_label(row, lang)).unwrap_or_default()),
            row.counts.families,
            row.counts.sasaran,
            row.counts.krs,
            row.counts.pus,
            v("cpr"),
            v("mcpr"),
            v("mkjp_share"),
            v("unmet_need"),
            st.map_or("–".to_owned(), |e| match e.se {
                Some(se) => format!("{} (SE {}) [{}–{}]", pct(e.value, lang), pct(Some(se), lang), pct(e.ci_low, lang), pct(e.ci_high, lang)),
                None => format!("{} [{}–{}]", pct(e.value, lang), pct(e.ci_low, lang), pct(e.ci_high, lang)),
            }),
            st.map_or(0, |e| e.denominator),
            v("wasting"),
            v("underweight"),
            v("overweight"),
        );
    }
    s.push_str("</table>");
    super::skdn::html(&mut s, r, lang);
    if !r.kampung_kb.is_empty() {
        let _ = write!(
            s,
            "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>Input</th><th>{}</th><th>Output</th><th>{}</th></tr>",
            t(lang, "Klasifikasi Kampung KB", "Kampung KB classification"),
            t(lang, "Kode", "Code"),
            t(lang, "Kelas", "Class"),
            t(lang, "Proses", "Process"),
            t(lang, "Skor indikator", "Indicator scores"),
        );
        for d in &r.kampung_kb {
            let c = &d.classification;
            let scores: Vec<String> = c
                .scores
                .iter()
                .map(|x| {
                    format!(
                        "{} {}/{} ({})",
                        x.indicator,
                        x.score,
                        x.max_score,
                        esc(&x.band)
                    )
                })
                .collect();
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td style=\"text-align:left\">{}</td></tr>",
                esc(&d.code),
                c.class.name(),
                decimal(Some(c.index_input), 2, lang),
                decimal(Some(c.index_proses), 2, lang),
                decimal(Some(c.index_output), 2, lang),
                scores.join("; ")
            );
        }
        s.push_str("</table>");
    }
    let ex = &r.exclusions;
    let _ = write!(
        s,
        "<h2>{}</h2><p>{} {} · {} {}</p><table><tr><th>{}</th><th>n</th></tr>",
        t(lang, "Baris yang dikeluarkan", "Excluded rows"),
        ex.families_excluded,
        t(lang, "keluarga", "families"),
        ex.measurements_excluded,
        t(lang, "pengukuran", "measurements"),
        t(lang, "Kode", "Code"),
    );
    for (code, n) in &ex.reasons {
        let _ = write!(s, "<tr><td>{}</td><td>{n}</td></tr>", esc(code));
    }
    if let Some(d) = &r.design {
        let _ = writeln!(
            s,
            "</table><p class=\"note\">{}</p></body></html>",
            esc(&d.note(lang))
        );
        return s;
    }
    let _ = writeln!(
        s,
        "</table><p class=\"note\">{}</p></body></html>",
        t(
            lang,
            "CI: interval skor Wilson 95% (tanpa bobot survei). Setiap persentase = pembilang/penyebut; wilayah induk menjumlahkan pembilang dan penyebut, tidak merata-ratakan persentase. Pengukuran dengan flag WHO dikeluarkan dari prevalensi.",
            "CI: 95% Wilson score interval (no survey weights). Every percentage = numerator/denominator; parent regions sum numerators and denominators, never average percentages. Measurements with WHO flags are excluded from prevalence."
        )
    );
    s
}
