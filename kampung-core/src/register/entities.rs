//! A register kept as one table per entity (CSV files, spreadsheet sheets,
//! DataFrames), linked by Nomor KK (`no_kk`) and NIK, assembled into the
//! register records of [the module above](super) (examples/REGISTER.md):
//!
//! | table | columns |
//! |---|---|
//! | families | `no_kk, region_code, water_source, latrine, septic_tank, wife_pregnant, kb_method, kb_reason` (+ `gooseneck`, `housing_layak` when the rule set asks for them) |
//! | members | `no_kk, nik, name, sex, birth_date, relationship, marital_status` (one row per member, in family-card order) |
//! | measurements | `no_kk, nik, measured_on, weight_kg, length_cm, measure, oedema` (+ `member`, the 0-based position among the family's member rows, for a child without NIK) |
//!
//! Rows are JSON objects of cells (a CSV row as strings, a DataFrame row
//! as numbers, booleans and strings). A cell that is empty or only spaces
//! is missing; the validators accept `true/false/1/0/ya/tidak/y/n` for
//! yes/no cells and a decimal comma in numbers, so CSV text needs no
//! conversion.
//!
//! [`read_group`] validates one family with its rows, a pure function for
//! a caller that streams files sorted by `no_kk`; [`assemble_unsorted`]
//! groups whole tables in memory (a hash map by `no_kk`). Every problem
//! is an [`EntityError`] naming the table, the caller's row number and
//! the column, so it can be reported as file:line.

use super::{DuplicateGuard, RegisterFamily, RegisterOptions};
use crate::error::{ErrorCode, FieldError, FieldPath, PathSegment};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The three tables of a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityTable {
    /// One row per family: identifiers, housing, KB status.
    Families,
    /// One row per member.
    Members,
    /// One row per measurement of a child.
    Measurements,
}

impl EntityTable {
    /// `families`, `members` or `measurements` (also the usual file stem).
    pub const fn as_str(self) -> &'static str {
        match self {
            EntityTable::Families => "families",
            EntityTable::Members => "members",
            EntityTable::Measurements => "measurements",
        }
    }
}

/// One problem of one row.
#[derive(Clone, Debug, PartialEq)]
pub struct EntityError {
    /// The table of the row.
    pub table: EntityTable,
    /// The row number the caller gave with the row (a file line, a DataFrame index).
    pub row: usize,
    /// The problem; its path is the column (`kb_method`, `nik`, …), or empty for the whole row.
    pub error: FieldError,
    /// True when the whole family was excluded, false when only this row was
    /// (a measurement, or a member/measurement row without its family).
    pub family_excluded: bool,
    /// The row of the family (in the families table) the problem belongs
    /// to; `None` for a member or measurement row without its family. A
    /// family with two problems of one kind counts once for it.
    pub family: Option<usize>,
}

/// One family validated from its rows.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupRead {
    /// The family, when it validated.
    pub family: Option<RegisterFamily>,
    /// Why the family was excluded, or the measurements it lost.
    pub errors: Vec<EntityError>,
    /// Number of measurement rows excluded while the family was kept.
    pub measurements_excluded: u32,
}

/// The Nomor KK cell of a row, trimmed (text or a whole number), or `None`
/// when it is missing.
pub fn row_kk(row: &Value) -> Option<String> {
    match row.get("no_kk")? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) if n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

fn cell(row: &Value, name: &str) -> Value {
    match row.get(name) {
        Some(Value::String(s)) if s.trim().is_empty() => Value::Null,
        Some(v) => v.clone(),
        None => Value::Null,
    }
}

fn copy_without_kk(row: &Value) -> Value {
    match row {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| k.as_str() != "no_kk")
                .map(|(k, v)| {
                    let v = match v {
                        Value::String(s) if s.trim().is_empty() => Value::Null,
                        other => other.clone(),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The register record (the JSON Lines format) of one family row with its
/// member and measurement rows, in order. Nothing is validated here: a
/// non-object row stays as it is so that validation reports it.
pub fn assemble_record(family: &Value, members: &[&Value], measurements: &[&Value]) -> Value {
    let mut rec = Map::new();
    if !family.is_object() {
        return family.clone();
    }
    rec.insert("no_kk".to_owned(), cell(family, "no_kk"));
    rec.insert("region_code".to_owned(), cell(family, "region_code"));
    rec.insert(
        "members".to_owned(),
        Value::Array(members.iter().map(|m| copy_without_kk(m)).collect()),
    );
    let mut housing = Map::new();
    for k in [
        "water_source",
        "latrine",
        "septic_tank",
        "gooseneck",
        "housing_layak",
    ] {
        let v = cell(family, k);
        if !v.is_null() {
            housing.insert(k.to_owned(), v);
        }
    }
    rec.insert("housing".to_owned(), Value::Object(housing));
    rec.insert("wife_pregnant".to_owned(), cell(family, "wife_pregnant"));
    let method = cell(family, "kb_method");
    let reason = cell(family, "kb_reason");
    if !method.is_null() || !reason.is_null() {
        let mut kb = Map::new();
        kb.insert("method".to_owned(), method);
        kb.insert("reason_not_using".to_owned(), reason);
        rec.insert("kb".to_owned(), Value::Object(kb));
    }
    rec.insert(
        "measurements".to_owned(),
        Value::Array(measurements.iter().map(|m| copy_without_kk(m)).collect()),
    );
    Value::Object(rec)
}

/// The table, row and column of an error on an assembled record.
fn locate(
    e: FieldError,
    family: usize,
    members: &[(usize, &Value)],
    measurements: &[(usize, &Value)],
    family_excluded: bool,
) -> EntityError {
    let segs = e.path().segments().to_vec();
    let (table, row, rest): (EntityTable, usize, &[PathSegment]) = match segs.as_slice() {
        [PathSegment::Field("members"), PathSegment::Index(i), rest @ ..] => {
            match members.get(*i as usize) {
                Some((r, _)) => (EntityTable::Members, *r, rest),
                None => (EntityTable::Families, family, &segs[..]),
            }
        }
        [PathSegment::Field("measurements"), PathSegment::Index(i), rest @ ..] => {
            match measurements.get(*i as usize) {
                Some((r, _)) => (EntityTable::Measurements, *r, rest),
                None => (EntityTable::Families, family, &segs[..]),
            }
        }
        [PathSegment::Field("housing"), rest @ ..] => (EntityTable::Families, family, rest),
        [PathSegment::Field("kb"), PathSegment::Field("reason_not_using"), ..] => (
            EntityTable::Families,
            family,
            &[PathSegment::Field("kb_reason")][..],
        ),
        [PathSegment::Field("kb"), ..] => (
            EntityTable::Families,
            family,
            &[PathSegment::Field("kb_method")][..],
        ),
        _ => (EntityTable::Families, family, &segs[..]),
    };
    let mut path = FieldPath::default();
    for s in rest {
        path.push(s.clone());
    }
    EntityError {
        table,
        row,
        error: e.with_path(path),
        family_excluded,
        family: Some(family),
    }
}

/// Validates one family from its family row and the member and measurement
/// rows with the same `no_kk` (each with the caller's row number), as
/// [`RegisterFamily::from_value`] validates a JSON Lines record. The rows'
/// own `no_kk` cells are not compared here: grouping is the caller's job.
pub fn read_group(
    family: (usize, &Value),
    members: &[(usize, &Value)],
    measurements: &[(usize, &Value)],
    opts: &RegisterOptions,
) -> GroupRead {
    let m: Vec<&Value> = members.iter().map(|(_, v)| *v).collect();
    let x: Vec<&Value> = measurements.iter().map(|(_, v)| *v).collect();
    // Plain cells and no problem: read without assembling the record.
    if let Some(f) = super::typed::read_rows_typed(family.1, &m, &x, opts) {
        return GroupRead {
            family: Some(f),
            errors: Vec::new(),
            measurements_excluded: 0,
        };
    }
    read_group_assembled(family, members, measurements, opts)
}

/// [`read_group`] through the assembled record and the `Value` path only,
/// for a caller that already tried [`super::typed::read_rows_typed`] on
/// the same rows (e.g. as CSV records).
pub fn read_group_assembled(
    family: (usize, &Value),
    members: &[(usize, &Value)],
    measurements: &[(usize, &Value)],
    opts: &RegisterOptions,
) -> GroupRead {
    let m: Vec<&Value> = members.iter().map(|(_, v)| *v).collect();
    let x: Vec<&Value> = measurements.iter().map(|(_, v)| *v).collect();
    let rec = assemble_record(family.1, &m, &x);
    let r = RegisterFamily::from_value(&rec, opts);
    let excluded = r.family.is_none();
    GroupRead {
        errors: r
            .errors
            .into_iter()
            .map(|e| locate(e, family.0, members, measurements, excluded))
            .collect(),
        family: r.family,
        measurements_excluded: r.measurements_excluded,
    }
}

/// Rows of one table with their row numbers.
type Rows<'a> = Vec<(usize, &'a Value)>;

/// The outcome of [`assemble_unsorted`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EntityRead {
    /// The families that validated, with their row in the families table, in table order.
    pub families: Vec<(usize, RegisterFamily)>,
    /// Every problem, in families-table order, then rows without a family.
    pub errors: Vec<EntityError>,
    /// Family rows excluded.
    pub families_excluded: usize,
    /// Member and measurement rows excluded because no family row has their `no_kk`.
    pub rows_excluded: usize,
    /// Measurement rows excluded from families that were kept.
    pub measurements_excluded: usize,
}

/// Assembles and validates whole tables held in memory, in any order (rows
/// are numbered by their 0-based position). Member and measurement rows
/// whose `no_kk` has no family row are reported as
/// `register_family_missing` (or `required` at `no_kk`); a repeated family
/// row or a NIK already used by an earlier family excludes the later family
/// (`register_duplicate_kk`, `register_duplicate_nik`), as in a JSON Lines
/// register. Memory: the three tables plus one index entry per row.
pub fn assemble_unsorted(
    families: &[Value],
    members: &[Value],
    measurements: &[Value],
    opts: &RegisterOptions,
) -> EntityRead {
    let mut out = EntityRead::default();
    let mut by_kk: HashMap<String, (Rows<'_>, Rows<'_>)> = HashMap::new();
    let mut family_kks: HashMap<String, usize> = HashMap::new();
    for (i, f) in families.iter().enumerate() {
        if let Some(k) = row_kk(f) {
            family_kks.entry(k).or_insert(i);
        }
    }
    for (table, rows, slot) in [
        (EntityTable::Members, members, 0),
        (EntityTable::Measurements, measurements, 1),
    ] {
        for (i, r) in rows.iter().enumerate() {
            match row_kk(r) {
                Some(k) if family_kks.contains_key(&k) => {
                    let e = by_kk.entry(k).or_default();
                    if slot == 0 {
                        e.0.push((i, r));
                    } else {
                        e.1.push((i, r));
                    }
                }
                found => {
                    out.rows_excluded += 1;
                    out.errors.push(EntityError {
                        table,
                        row: i,
                        error: if found.is_some() {
                            FieldError::at("no_kk", ErrorCode::RegisterFamilyMissing)
                        } else {
                            FieldError::at("no_kk", ErrorCode::Required)
                        },
                        family_excluded: false,
                        family: None,
                    });
                }
            }
        }
    }
    let orphans = std::mem::take(&mut out.errors);
    let mut guard = DuplicateGuard::new();
    let empty = (Vec::new(), Vec::new());
    for (i, f) in families.iter().enumerate() {
        let kk = row_kk(f);
        let first = kk.as_ref().and_then(|k| family_kks.get(k)).copied();
        if let Some(first) = first.filter(|first| *first != i) {
            out.families_excluded += 1;
            out.errors.push(EntityError {
                table: EntityTable::Families,
                row: i,
                error: FieldError::at("no_kk", ErrorCode::RegisterDuplicateKk)
                    .with_param("line", first),
                family_excluded: true,
                family: Some(i),
            });
            continue;
        }
        let (ms, xs) = kk.and_then(|k| by_kk.get(&k)).unwrap_or(&empty);
        let g = read_group((i, f), ms, xs, opts);
        let Some(rf) = g.family else {
            out.families_excluded += 1;
            out.errors.extend(g.errors);
            continue;
        };
        let line = u64::try_from(i).unwrap_or(u64::MAX);
        match guard.admit(&rf.family, line) {
            Ok(()) => {
                out.measurements_excluded += g.measurements_excluded as usize;
                out.errors.extend(g.errors);
                out.families.push((i, rf));
            }
            Err(es) => {
                out.families_excluded += 1;
                for e in es.into_vec() {
                    out.errors.push(locate(e, i, ms, xs, true));
                }
            }
        }
    }
    out.errors.extend(orphans);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use serde_json::json;

    fn opts() -> RegisterOptions {
        RegisterOptions::new(NaiveDate::from_ymd_opt(2025, 7, 1).expect("date"))
    }

    fn tables() -> (Vec<Value>, Vec<Value>, Vec<Value>) {
        let fam = vec![
            json!({"no_kk": "6472052301150007", "region_code": "64.72.05.2001", "water_source": "ledeng",
                   "latrine": "sendiri", "septic_tank": "ya", "wife_pregnant": "0", "kb_method": "implant", "kb_reason": ""}),
            json!({"no_kk": "6472052301150008", "region_code": "64.72.05.2001", "water_source": "sumur_ajaib",
                   "latrine": "sendiri", "septic_tank": "1", "wife_pregnant": "", "kb_method": "", "kb_reason": ""}),
        ];
        let mem = vec![
            json!({"no_kk": "6472052301150007", "nik": "6472050101850003", "name": "Budi", "sex": "L",
                   "birth_date": "1985-01-01", "relationship": "kepala_keluarga", "marital_status": "kawin"}),
            json!({"no_kk": "6472052301150007", "nik": "6472054507900002", "name": "Siti", "sex": "P",
                   "birth_date": "1990-07-05", "relationship": "istri", "marital_status": "kawin"}),
            json!({"no_kk": "6472052301150007", "nik": "", "name": "Bayu", "sex": "L",
                   "birth_date": "2024-06-15", "relationship": "anak", "marital_status": "belum_kawin"}),
            json!({"no_kk": "6472052301159999", "nik": "6472050101850004", "name": "Ana", "sex": "L",
                   "birth_date": "1985-01-01", "relationship": "kepala_keluarga", "marital_status": "kawin"}),
            json!({"no_kk": "6472052301150008", "nik": "6472050101850005", "name": "Adi", "sex": "L",
                   "birth_date": "1985-01-01", "relationship": "kepala_keluarga", "marital_status": "kawin"}),
        ];
        let meas = vec![
            json!({"no_kk": "6472052301150007", "nik": "", "member": "2", "measured_on": "2025-06-01",
                   "weight_kg": "9,1", "length_cm": "74.0", "measure": "l", "oedema": "tidak"}),
            json!({"no_kk": "6472052301150007", "nik": "", "member": "2", "measured_on": "2024-01-01",
                   "weight_kg": "3,1", "length_cm": "", "measure": "", "oedema": ""}),
        ];
        (fam, mem, meas)
    }

    /// Rows read without assembling the record give exactly what the
    /// assembled record gives, over every cell of a valid family replaced
    /// by each of many values, removed, or joined by an unknown column.
    #[test]
    fn typed_rows_equal_assembled_record() {
        let fam = json!({"no_kk": "6472052301150007", "region_code": "64.72.05.2001",
            "water_source": "ledeng", "latrine": "sendiri", "septic_tank": "true",
            "gooseneck": "", "housing_layak": "", "wife_pregnant": "false",
            "kb_method": "implant", "kb_reason": ""});
        // The first family's member rows of `tables()`.
        let mem = tables().1[..3].to_vec();
        let meas = vec![
            json!({"no_kk": "6472052301150007", "nik": "", "member": "2", "measured_on": "2025-06-01",
                   "weight_kg": "9.1", "length_cm": "74.0", "measure": "l", "oedema": "false"}),
            json!({"no_kk": "6472052301150007", "nik": "", "member": "2", "measured_on": "2024-11-01",
                   "weight_kg": "7", "length_cm": "", "measure": "", "oedema": ""}),
        ];
        let values = [
            json!(""),
            json!("  "),
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(1),
            json!(2),
            json!(9.1),
            json!(-1),
            json!("true"),
            json!("false"),
            json!(" true"),
            json!("TRUE"),
            json!("ya"),
            json!("1"),
            json!("0"),
            json!("2"),
            json!("9.1"),
            json!("9,1"),
            json!("09.10"),
            json!("1e1"),
            json!("-1"),
            json!(".5"),
            json!("5."),
            json!("x"),
            json!("L"),
            json!("P"),
            json!("kawin"),
            json!("anak"),
            json!("istri"),
            json!("none"),
            json!("hamil"),
            json!("iat"),
            json!("sumur_bor"),
            json!("tidak_ada"),
            json!("2025-01-01"),
            json!("2030-01-01"),
            json!("6472054507900002"),
            json!("64.72.05.2001"),
            json!("6472052301150007"),
            json!([]),
            json!({}),
        ];
        let check = |f: &Value, m: &[Value], x: &[Value], typed: &mut usize| {
            let members: Vec<(usize, &Value)> = m.iter().enumerate().collect();
            let measurements: Vec<(usize, &Value)> = x.iter().enumerate().collect();
            let mv: Vec<&Value> = m.iter().collect();
            let xv: Vec<&Value> = x.iter().collect();
            let want = read_group_assembled((0, f), &members, &measurements, &opts());
            let got = read_group((0, f), &members, &measurements, &opts());
            assert_eq!(got, want, "{f} {m:?} {x:?}");
            *typed +=
                usize::from(super::super::typed::read_rows_typed(f, &mv, &xv, &opts()).is_some());
        };
        let mut typed = 0;
        check(&fam, &mem, &meas, &mut typed);
        assert_eq!(typed, 1, "the base family is read typed");
        // Every cell of the family row, of each member row and of each
        // measurement row: replaced, removed, or joined by an unknown column.
        let edits = |row: &Value| -> Vec<Value> {
            let mut out = Vec::new();
            let Some(obj) = row.as_object() else {
                return out;
            };
            for k in obj.keys() {
                for v in &values {
                    let mut r = obj.clone();
                    r.insert(k.clone(), v.clone());
                    out.push(Value::Object(r));
                }
                let mut r = obj.clone();
                r.remove(k);
                out.push(Value::Object(r));
            }
            let mut r = obj.clone();
            r.insert("extra".to_owned(), json!("x"));
            out.push(Value::Object(r));
            out
        };
        for f in edits(&fam) {
            check(&f, &mem, &meas, &mut typed);
        }
        for i in 0..mem.len() {
            for r in edits(&mem[i]) {
                let mut m = mem.clone();
                m[i] = r;
                check(&fam, &m, &meas, &mut typed);
            }
        }
        for i in 0..meas.len() {
            for r in edits(&meas[i]) {
                let mut x = meas.clone();
                x[i] = r;
                check(&fam, &mem, &x, &mut typed);
            }
        }
        check(&json!("not an object"), &mem, &meas, &mut typed);
        check(&fam, &[json!(1)], &meas, &mut typed);
        assert!(typed > 100, "{typed} families read typed");
    }

    #[test]
    fn assembles_validates_and_locates_errors() {
        let (fam, mem, meas) = tables();
        let r = assemble_unsorted(&fam, &mem, &meas, &opts());
        assert_eq!(r.families.len(), 1);
        let f = &r.families[0].1;
        assert_eq!(f.family.members().len(), 3);
        assert_eq!(f.measurements.len(), 1);
        assert!((f.measurements[0].weight_kg.unwrap_or(0.0) - 9.1).abs() < 1e-9);
        assert!(f.housing.septic_tank);
        assert_eq!(r.families_excluded, 1);
        assert_eq!(r.rows_excluded, 1);
        assert_eq!(r.measurements_excluded, 1);
        let got: Vec<_> = r
            .errors
            .iter()
            .map(|e| {
                (
                    e.table.as_str(),
                    e.row,
                    e.error.path().to_string(),
                    e.error.code().as_str(),
                    e.family_excluded,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "measurements",
                    1,
                    "measured_on".to_owned(),
                    "measured_before_birth",
                    false
                ),
                (
                    "families",
                    1,
                    "water_source".to_owned(),
                    "invalid_code",
                    true
                ),
                (
                    "members",
                    3,
                    "no_kk".to_owned(),
                    "register_family_missing",
                    false
                ),
            ]
        );
    }

    #[test]
    fn same_record_as_json_lines() {
        let (fam, mem, meas) = tables();
        let ms: Vec<(usize, &Value)> = mem.iter().take(3).enumerate().collect();
        let xs: Vec<(usize, &Value)> = meas.iter().take(1).enumerate().collect();
        let g = read_group((0, &fam[0]), &ms, &xs, &opts());
        let rec = json!({"no_kk": "6472052301150007", "region_code": "64.72.05.2001",
            "members": [
              {"name": "Budi", "nik": "6472050101850003", "sex": "L", "birth_date": "1985-01-01",
               "relationship": "kepala_keluarga", "marital_status": "kawin"},
              {"name": "Siti", "nik": "6472054507900002", "sex": "P", "birth_date": "1990-07-05",
               "relationship": "istri", "marital_status": "kawin"},
              {"name": "Bayu", "sex": "L", "birth_date": "2024-06-15",
               "relationship": "anak", "marital_status": "belum_kawin"}],
            "housing": {"water_source": "ledeng", "latrine": "sendiri", "septic_tank": true},
            "wife_pregnant": false, "kb": {"method": "implant"},
            "measurements": [{"member": 2, "measured_on": "2025-06-01", "weight_kg": 9.1,
                              "length_cm": 74.0, "measure": "l", "oedema": false}]});
        let j = RegisterFamily::from_value(&rec, &opts());
        assert_eq!(g.family, j.family);
        assert!(g.errors.is_empty(), "{:?}", g.errors);
    }

    #[test]
    fn duplicate_family_rows_and_kb_paths() {
        let (mut fam, mem, meas) = tables();
        fam.push(fam[0].clone());
        fam[0]["kb_method"] = json!("");
        let r = assemble_unsorted(&fam, &mem, &meas, &opts());
        let got: Vec<_> = r
            .errors
            .iter()
            .filter(|e| e.table == EntityTable::Families)
            .map(|e| (e.row, e.error.path().to_string(), e.error.code().as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, "kb_method".to_owned(), "register_kb_missing"),
                (1, "water_source".to_owned(), "invalid_code"),
                (2, "no_kk".to_owned(), "register_duplicate_kk"),
            ]
        );
    }
}
