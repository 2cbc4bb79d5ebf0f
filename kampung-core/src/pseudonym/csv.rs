//! Pseudonymisation of the CSV entity files of a register
//! (`families.csv`, `members.csv`, `measurements.csv`; `examples/REGISTER.md`).
//!
//! Each file keeps its header and one row per row, with the same number
//! of fields (so a row the reader rejects for its length is still
//! rejected): `no_kk` → [`super::kk_token`] (a function of the text alone,
//! so the three files still join); in a file with a `birth_date` column
//! (members) `nik` → [`super::nik_token`] checked against the row's `sex`
//! and `birth_date`, elsewhere (measurements) [`super::nik_reference_token`];
//! `name` → `Anggota k` (k-th member row of its Nomor KK); `birth_date`
//! and `region_code` as [`PseudonymOptions`] says; columns the reader does
//! not know are emptied; a field that is not UTF-8 becomes the byte `0xFF`
//! (the row stays unreadable, its content goes).

use super::PseudonymStats;
use super::{kk_token, nik_reference_token, nik_token, PseudonymKey, PseudonymOptions};
use crate::register::table::Column;
use std::collections::HashMap;
use std::io::Write;

/// What each column becomes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Keep,
    Empty,
    Kk,
    Nik,
    NikReference,
    Name,
    BirthDate,
    Region,
}

/// Pseudonymises one CSV entity file held in `input` into `output`.
///
/// # Errors
/// The CSV could not be split into records, or writing failed.
pub fn pseudonymize_csv<W: Write>(
    input: &[u8],
    output: W,
    key: &PseudonymKey,
    opts: &PseudonymOptions,
) -> Result<PseudonymStats, ::csv::Error> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut writer = ::csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(output);
    let mut stats = PseudonymStats::default();
    let mut roles: Vec<Role> = Vec::new();
    let index = |name: &str, headers: &[String]| headers.iter().rposition(|h| h == name);
    let (mut kk_col, mut sex_col, mut birth_col) = (None, None, None);
    let mut members_seen: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut record = ::csv::ByteRecord::new();
    let mut out: Vec<Vec<u8>> = Vec::new();
    while reader.read_byte_record(&mut record)? {
        stats.lines += 1;
        if stats.lines == 1 {
            let headers: Vec<String> = record
                .iter()
                .map(|h| String::from_utf8_lossy(h).trim().to_owned())
                .collect();
            let members_file = index("birth_date", &headers).is_some();
            roles = headers
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let known = Column::ALL.iter().any(|c| c.name() == h);
                    // The reader takes the last column of a name.
                    if !known || index(h, &headers) != Some(i) {
                        return if known { Role::Keep } else { Role::Empty };
                    }
                    match h.as_str() {
                        "no_kk" => Role::Kk,
                        "nik" if members_file => Role::Nik,
                        "nik" => Role::NikReference,
                        "name" => Role::Name,
                        "birth_date" => Role::BirthDate,
                        "region_code" => Role::Region,
                        _ => Role::Keep,
                    }
                })
                .collect();
            kk_col = index("no_kk", &headers);
            sex_col = index("sex", &headers);
            birth_col = index("birth_date", &headers);
            writer.write_byte_record(&record)?;
            continue;
        }
        stats.records += 1;
        let text = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .and_then(|b| std::str::from_utf8(b).ok())
        };
        let (sex, birth) = (text(sex_col), text(birth_col));
        let kk_bytes = kk_col.and_then(|i| record.get(i)).unwrap_or_default();
        out.clear();
        for (i, field) in record.iter().enumerate() {
            let Ok(s) = std::str::from_utf8(field) else {
                stats.unreadable += 1;
                out.push(vec![0xFF]);
                continue;
            };
            let blank = crate::input::trim(s).is_empty();
            let role = roles.get(i).copied().unwrap_or(Role::Keep);
            let new = match role {
                _ if blank && role != Role::Empty => s.to_owned(),
                Role::Keep => s.to_owned(),
                Role::Empty => String::new(),
                Role::Kk => kk_token(key, s),
                Role::Nik => nik_token(key, s, sex, birth),
                Role::NikReference => nik_reference_token(key, s),
                Role::Name => {
                    let k = members_seen.entry(kk_bytes.to_vec()).or_insert(0);
                    *k += 1;
                    format!("Anggota {k}")
                }
                Role::BirthDate => opts.birth_date_text(s).unwrap_or_else(|| s.to_owned()),
                Role::Region => opts.region_text(s).unwrap_or_else(|| s.to_owned()),
            };
            out.push(new.into_bytes());
        }
        writer.write_record(&out)?;
    }
    writer.flush()?;
    Ok(stats)
}
