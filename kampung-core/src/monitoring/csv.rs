//! The growth-monitoring codes of CSV files, written as CSV: what `kampung
//! monitor VISITS.csv --children CHILDREN.csv` runs. The cells are read by
//! [`records`](super::records) ([`ChildTable::push`], [`VisitTable::push`])
//! and assessed by [`assess_tables`], as every other surface does.

use super::records::{
    assess_tables, errors_by_visit, row_json, skdn_row_json, skdn_tables, ChildTable, RunOptions,
    VisitTable,
};
use super::velocity::VelocityTable;
use crate::error::{Error, ErrorCode, FieldError, RowError};
use serde_json::{Map, Value};
use std::io::{Read, Write};

/// Options from `KEY=VALUE` texts (the command line's `--option`): `true`
/// and `false` are booleans, numbers are numbers, a value with commas is a
/// list of texts, anything else a text.
///
/// # Errors
/// `invalid_code` (path `options`) for an item without `=`.
pub fn options_from_pairs(pairs: &[String]) -> Result<Value, FieldError> {
    let mut m = Map::new();
    for p in pairs {
        let (k, v) = p.split_once('=').ok_or_else(|| {
            FieldError::at("options", ErrorCode::InvalidCode).with_param("allowed", "KEY=VALUE")
        })?;
        let v = v.trim();
        let value = match (v, v.parse::<f64>()) {
            ("true", _) => Value::Bool(true),
            ("false", _) => Value::Bool(false),
            (_, Ok(x)) if x.is_finite() => serde_json::json!(x),
            _ if v.contains(',') => v.split(',').map(|s| Value::from(s.trim())).collect(),
            _ => Value::from(v),
        };
        m.insert(k.trim().to_owned(), value);
    }
    Ok(Value::Object(m))
}

/// The columns of the codes CSV, in order (MONITORING.md §4.4, the names of
/// [`row_json`]).
pub fn codes_header() -> Vec<String> {
    let mut h: Vec<String> = [
        "child_id",
        "visit_date",
        "status",
        "period",
        "age_days",
        "age_months",
        "kbm_age_months",
        "gain_g",
        "kbm_g",
        "code",
        "t_run",
        "two_t",
        "gap_nt",
        "waz",
        "waz_change",
        "crossed_line_down",
        "bgm",
        "above_orange",
        "refer",
        "refer_reasons",
        "weight_faltering",
    ]
    .map(String::from)
    .to_vec();
    for t in VelocityTable::ALL {
        let n = t.as_str();
        h.extend(["z", "centile", "days", "reason"].map(|k| format!("{n}_{k}")));
    }
    h.extend(["warnings".into(), "errors".into()]);
    h
}

/// A JSON value as a CSV field: null empty, lists joined by `;`, text
/// quoted when needed.
fn field(v: Option<&Value>) -> String {
    let text = match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join(";"),
        Some(other) => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The cell at `p` of a record, if any.
fn cell(r: &::csv::StringRecord, p: Option<usize>) -> Option<&str> {
    p.and_then(|p| r.get(p))
}

/// Reads a CSV file with a header: the positions of `required` (all must
/// be there) and `optional` columns, and the records.
fn read_table<R: Read>(
    input: R,
    required: &[&str],
    optional: &[&str],
) -> Result<(Vec<Option<usize>>, Vec<::csv::StringRecord>), Error> {
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(input);
    let header = reader.headers().map_err(Error::malformed)?.clone();
    let find = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
    };
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| find(c).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(Error::missing_columns(&missing));
    }
    let positions = required.iter().chain(optional).map(|c| find(c)).collect();
    let records = reader
        .records()
        .collect::<Result<_, _>>()
        .map_err(Error::malformed)?;
    Ok((positions, records))
}

/// Reads children and visits, assesses every visit ([`assess_tables`] with
/// [`RunOptions`] read from `options`), writes one CSV row per visit to
/// `codes` ([`codes_header`]) and, when `skdn` is given and `options.month`
/// is set, the SKDN table by `options.by` (one row per area: [`skdn_row_json`]'s
/// columns). Returns the visits read and their problems (`row`: the visit's
/// data row).
///
/// Children columns: `child_id, sex, birth_date` required; `has_kia` and the
/// area column (`by`, required for SKDN) optional. Visits: `child_id,
/// visit_date, weight_kg` required; `lenhei_cm, measure, oedema, headc_cm,
/// muac_cm, source` optional.
///
/// # Errors
/// Bad options (before anything is read), a missing column (`required`,
/// parameter `column`, from the header before any row is read),
/// unreadable CSV or a failed write (`register_malformed_line`).
pub fn monitor_csv<C: Read, V: Read>(
    children: C,
    visits: V,
    codes: &mut dyn Write,
    skdn: Option<&mut dyn Write>,
    options: &Value,
) -> Result<(usize, Vec<RowError>), Error> {
    let run = RunOptions::from_options(options)?;
    let area = run.by.as_str();
    let skdn_month = run.month.filter(|_| skdn.is_some());
    let required: &[&str] = &["child_id", "sex", "birth_date"];
    let (cpos, crecs) = if skdn_month.is_some() {
        read_table(children, &[required, &[area]].concat(), &["has_kia"])?
    } else {
        read_table(children, required, &["has_kia", area])?
    };
    let has_kia = if skdn_month.is_some() {
        cpos[4]
    } else {
        cpos[3]
    };
    let area_pos = if skdn_month.is_some() {
        cpos[3]
    } else {
        cpos[4]
    };
    let (vpos, vrecs) = read_table(
        visits,
        &["child_id", "visit_date", "weight_kg"],
        &[
            "lenhei_cm",
            "measure",
            "oedema",
            "headc_cm",
            "muac_cm",
            "source",
        ],
    )?;
    let mut ct = ChildTable::default();
    for r in &crecs {
        let c = |k: usize| cell(r, cpos[k]);
        let kia = cell(r, has_kia).or(has_kia.map(|_| ""));
        ct.push(c(0).unwrap_or(""), c(1), c(2), kia, cell(r, area_pos));
    }
    let mut vt = VisitTable::default();
    for r in &vrecs {
        let c = |k: usize| cell(r, vpos[k]);
        vt.push(
            c(0).unwrap_or(""),
            c(1),
            c(2),
            c(3),
            c(4),
            c(5),
            c(6),
            c(7),
            c(8),
        );
    }
    let (join, a) = assess_tables(&ct, &vt, &run.rules, run.as_of)?;
    let header = codes_header();
    writeln!(codes, "{}", header.join(",")).map_err(Error::malformed)?;
    let ebv = errors_by_visit(&a);
    for i in 0..a.len() {
        let row = row_json(&vt, &a, &ebv, i, run.locale);
        let cells: Vec<String> = header.iter().map(|h| field(row.get(h))).collect();
        writeln!(codes, "{}", cells.join(",")).map_err(Error::malformed)?;
    }
    codes.flush().map_err(Error::malformed)?;
    if let (Some(out), Some(p)) = (skdn, skdn_month) {
        let (names, t) = skdn_tables(&ct, &vt, &join, &a, &run.rules, p);
        let mut head: Vec<String> = [area, "month", "S", "K", "D", "N", "T", "O", "B", "D′"]
            .iter()
            .chain(&["2T", "BGM", "above_orange", "refer"])
            .map(|s| (*s).to_owned())
            .collect();
        for (name, _) in super::skdn::SkdnCounts::default().ratios(t.has_k) {
            head.extend([
                name.to_owned(),
                format!("{name} numerator"),
                format!("{name} denominator"),
            ]);
        }
        writeln!(out, "{}", head.join(",")).map_err(Error::malformed)?;
        for (k, n) in names.iter().enumerate() {
            let row = skdn_row_json(area, n, &t.area_total(k), t.has_k, p);
            let cells: Vec<String> = head.iter().map(|h| field(row.get(h))).collect();
            writeln!(out, "{}", cells.join(",")).map_err(Error::malformed)?;
        }
        out.flush().map_err(Error::malformed)?;
    }
    let notes = a
        .errors
        .iter()
        .map(|e| RowError::new(e.visit, e.error.clone()))
        .collect();
    Ok((vt.date.len(), notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_from_text() {
        let v = options_from_pairs(&[
            "rules=legacy_2t".into(),
            "birth_record_as_weighing=false".into(),
            "red_line_z=-3".into(),
            "d_sources=posyandu,home_visit".into(),
        ])
        .unwrap();
        assert_eq!(v["rules"], "legacy_2t");
        assert_eq!(v["birth_record_as_weighing"], false);
        assert_eq!(v["red_line_z"], -3.0);
        assert_eq!(v["d_sources"][1], "home_visit");
        assert!(options_from_pairs(&["rules".into()]).is_err());
        assert_eq!(field(Some(&serde_json::json!(["a", "b"]))), "a;b");
        assert_eq!(field(Some(&serde_json::json!("x,y"))), "\"x,y\"");
    }

    #[test]
    fn bad_options_and_missing_columns_fail_before_reading() {
        let mut out = Vec::new();
        let bad = serde_json::json!({"month_policy": "median"});
        let e = monitor_csv(&b""[..], &b""[..], &mut out, None, &bad).unwrap_err();
        assert!(e.describe(crate::Locale::En).contains("month_policy"));
        let e = monitor_csv(
            &b"child_id,sex,birth_date\n"[..],
            &b"child_id,visit_date\n"[..],
            &mut out,
            None,
            &Value::Null,
        )
        .unwrap_err();
        assert!(e.describe(crate::Locale::En).contains("column=weight_kg"));
        assert!(out.is_empty());
    }
}
