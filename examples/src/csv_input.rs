//! The CSV register (examples/REGISTER.md): `families.csv`, `members.csv`
//! and `measurements.csv`, each sorted by `no_kk`, merged in one pass.
//!
//! Memory is flat: one family group (its family row, member rows and
//! measurement rows) is held at a time, in batches of [`crate::report`]
//! jobs. A member or measurement row whose `no_kk` has no family row is
//! reported as `register_family_missing`; a row whose `no_kk` is smaller
//! than the one before it in its file comes after its group ended and is
//! reported as `register_unsorted`; a repeated family row as
//! `register_duplicate_kk`. Nothing stops the run.

use crate::report::{Batch, Job, Loc, Reader, Work};

/// Families per batch (a group holds several rows: smaller than JSON Lines batches).
const BATCH: usize = 512;
use kampung_core::register::typed::{Cell, TableRow};
use kampung_core::{ErrorCode, FieldError};
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::sync::mpsc::SyncSender;
use std::sync::Arc;

/// One CSV row as read, with its file's header: the reader thread only
/// splits and groups rows; a worker builds the row object ([`CsvRow::to_value`]).
pub(crate) struct CsvRow {
    headers: Arc<[String]>,
    record: csv::StringRecord,
}

/// The cells of a CSV row without building its object: the text under
/// the header's last column of that name, as [`CsvRow::to_value`] keeps it.
impl TableRow for CsvRow {
    fn cell(&self, column: &str) -> Cell<'_> {
        self.headers
            .iter()
            .rposition(|h| h == column)
            .and_then(|i| self.record.get(i))
            .map_or(Cell::Missing, Cell::Text)
    }
    fn only_columns(&self, columns: &[&str]) -> bool {
        self.headers
            .iter()
            .all(|h| h == "no_kk" || columns.contains(&h.as_str()))
    }
}

impl CsvRow {
    /// The row as an object of text cells keyed by the header (a repeated
    /// header keeps its last cell), as `register::entities` reads rows.
    pub(crate) fn to_value(&self) -> Value {
        let mut m = Map::new();
        for (h, c) in self.headers.iter().zip(self.record.iter()) {
            m.insert(h.clone(), Value::String(c.to_owned()));
        }
        Value::Object(m)
    }
}

enum Row {
    Ok {
        line: u64,
        kk: Option<String>,
        value: CsvRow,
    },
    Bad {
        line: u64,
        reason: String,
    },
}

struct Source {
    file: usize,
    records: csv::StringRecordsIntoIter<Reader>,
    headers: Arc<[String]>,
    /// The column read as `no_kk` (the last one of that name).
    kk_column: usize,
    peeked: Option<Row>,
    /// The largest `no_kk` read so far and its line.
    last: Option<(String, u64)>,
}

impl Source {
    fn open(file: usize, name: &str, r: Reader) -> Result<Source, String> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(r);
        let headers: Vec<String> = rdr
            .headers()
            .map_err(|e| format!("{name}: {e}"))?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
            .collect();
        let Some(kk_column) = headers.iter().rposition(|h| h == "no_kk") else {
            return Err(format!(
                "{name}: no column no_kk (see examples/REGISTER.md)"
            ));
        };
        Ok(Source {
            file,
            records: rdr.into_records(),
            headers: headers.into(),
            kk_column,
            peeked: None,
            last: None,
        })
    }

    fn read(&mut self) -> Option<Row> {
        let r = self.records.next()?;
        Some(match r {
            Ok(rec) => {
                let line = rec.position().map_or(0, csv::Position::line);
                // `entities::row_kk` of the row object: the trimmed text, if any.
                let kk = rec
                    .get(self.kk_column)
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .map(str::to_owned);
                Row::Ok {
                    line,
                    kk,
                    value: CsvRow {
                        headers: Arc::clone(&self.headers),
                        record: rec,
                    },
                }
            }
            Err(e) => Row::Bad {
                line: e.position().map_or(0, csv::Position::line),
                reason: match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => {
                        format!("CSV: {len} fields, expected {expected_len}")
                    }
                    csv::ErrorKind::Utf8 { .. } => "CSV: not UTF-8".to_owned(),
                    _ => "CSV: unreadable row".to_owned(),
                },
            },
        })
    }

    fn peek(&mut self) -> Option<&Row> {
        if self.peeked.is_none() {
            self.peeked = self.read();
        }
        self.peeked.as_ref()
    }

    fn take(&mut self) -> Option<Row> {
        self.peeked.take().or_else(|| self.read())
    }

    /// Takes the rows of group `kk` (all rows before it become errors);
    /// with `kk = None`, takes everything that is left as errors.
    fn group(&mut self, kk: Option<&str>, errors: &mut Vec<Loc>) -> Vec<(u64, CsvRow)> {
        let mut out = Vec::new();
        loop {
            let ord = match self.peek() {
                None => return out,
                Some(Row::Ok { kk: Some(k), .. }) => match kk {
                    Some(target) => k.as_str().cmp(target),
                    None => Ordering::Less,
                },
                Some(_) => Ordering::Less,
            };
            if ord == Ordering::Greater {
                return out;
            }
            let Some(row) = self.take() else { return out };
            let (line, rkk, value) = match row {
                Row::Bad { line, reason } => {
                    errors.push(Loc {
                        file: self.file,
                        line,
                        error: FieldError::new(ErrorCode::RegisterMalformedLine)
                            .with_param("reason", reason),
                    });
                    continue;
                }
                Row::Ok { line, kk, value } => (line, kk, value),
            };
            let Some(rkk) = rkk else {
                errors.push(Loc {
                    file: self.file,
                    line,
                    error: FieldError::at("no_kk", ErrorCode::Required),
                });
                continue;
            };
            if let Some((last, last_line)) = &self.last {
                if rkk.as_str() < last.as_str() {
                    errors.push(Loc {
                        file: self.file,
                        line,
                        error: FieldError::at("no_kk", ErrorCode::RegisterUnsorted)
                            .with_param("line", *last_line),
                    });
                    continue;
                }
            }
            self.last = Some((rkk, line));
            if ord == Ordering::Equal {
                out.push((line, value));
            } else {
                errors.push(Loc {
                    file: self.file,
                    line,
                    error: FieldError::at("no_kk", ErrorCode::RegisterFamilyMissing),
                });
            }
        }
    }
}

fn flush_rows(errors: &mut Vec<Loc>, batch: &mut Vec<(u64, Job)>) {
    for e in errors.drain(..) {
        batch.push((0, Job::Rows(vec![e])));
    }
}

/// The reader thread of a CSV register: sends batches of jobs, in order.
pub fn read_csv(
    families: (String, Reader),
    members: (String, Reader),
    measurements: (String, Reader),
    work_tx: &SyncSender<Batch>,
) -> Result<(), String> {
    let mut fam = Source::open(0, &families.0, families.1)?;
    let mut mem = Source::open(1, &members.0, members.1)?;
    let mut mea = Source::open(2, &measurements.0, measurements.1)?;
    let mut batch_no = 0u64;
    let mut batch: Vec<(u64, Job)> = Vec::with_capacity(BATCH);
    let mut errors: Vec<Loc> = Vec::new();
    let mut send = |batch: &mut Vec<(u64, Job)>, force: bool| -> bool {
        if batch.len() >= BATCH || (force && !batch.is_empty()) {
            let full = std::mem::replace(batch, Vec::with_capacity(BATCH));
            if work_tx.send((batch_no, Work::Jobs(full))).is_err() {
                return false;
            }
            batch_no += 1;
        }
        true
    };
    while let Some(row) = fam.take() {
        let (line, kk, value) = match row {
            Row::Bad { line, reason } => {
                batch.push((
                    line,
                    Job::Invalid(vec![Loc {
                        file: 0,
                        line,
                        error: FieldError::new(ErrorCode::RegisterMalformedLine)
                            .with_param("reason", reason),
                    }]),
                ));
                if !send(&mut batch, false) {
                    return Ok(());
                }
                continue;
            }
            Row::Ok { line, kk, value } => (line, kk, value),
        };
        let order = match (&kk, &fam.last) {
            (Some(k), Some((last, last_line))) => match k.as_str().cmp(last.as_str()) {
                Ordering::Less => Some(
                    FieldError::at("no_kk", ErrorCode::RegisterUnsorted)
                        .with_param("line", *last_line),
                ),
                Ordering::Equal => Some(
                    FieldError::at("no_kk", ErrorCode::RegisterDuplicateKk)
                        .with_param("line", *last_line),
                ),
                Ordering::Greater => None,
            },
            _ => None,
        };
        if let Some(error) = order {
            batch.push((
                line,
                Job::Invalid(vec![Loc {
                    file: 0,
                    line,
                    error,
                }]),
            ));
        } else {
            if let Some(k) = &kk {
                fam.last = Some((k.clone(), line));
            }
            let ms = match &kk {
                Some(k) => mem.group(Some(k), &mut errors),
                None => Vec::new(),
            };
            let xs = match &kk {
                Some(k) => mea.group(Some(k), &mut errors),
                None => Vec::new(),
            };
            flush_rows(&mut errors, &mut batch);
            batch.push((
                line,
                Job::Group {
                    family: (line, value),
                    members: ms,
                    measurements: xs,
                },
            ));
        }
        if !send(&mut batch, false) {
            return Ok(());
        }
    }
    mem.group(None, &mut errors);
    mea.group(None, &mut errors);
    flush_rows(&mut errors, &mut batch);
    send(&mut batch, true);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CSV row's cells read directly are the cells of its row object:
    /// repeated headers (the last one wins), blank cells, missing columns,
    /// and the check of its columns.
    #[test]
    fn cells_equal_the_row_object() {
        let headers: Arc<[String]> = ["no_kk", "nik", "name", "name", "sex", "extra"]
            .map(str::to_owned)
            .into();
        let record = csv::StringRecord::from(vec!["6472", "", "Budi", "Siti", " ", "x"]);
        let row = CsvRow {
            headers: Arc::clone(&headers),
            record,
        };
        let value = row.to_value();
        for column in ["no_kk", "nik", "name", "sex", "extra", "birth_date", ""] {
            assert_eq!(row.cell(column), value.cell(column), "{column}");
        }
        assert_eq!(row.cell("name"), Cell::Text("Siti"));
        for columns in [
            &["nik", "name", "sex", "extra"][..],
            &["nik", "name", "sex"],
            &[],
        ] {
            assert_eq!(
                row.only_columns(columns),
                value.only_columns(columns),
                "{columns:?}"
            );
        }
    }
}
