//! CSV entity files (`families.csv`, `members.csv`, `measurements.csv`,
//! examples/REGISTER.md) as [`Table`]s, in any row order.
//!
//! A file is read whole into memory and cut into records at once (line
//! feeds outside quotes, RFC 4180); each record's fields are split when
//! its family is read, on the worker thread that reads it. Records with
//! quotes are parsed by the `csv` crate. The header names the columns (in
//! any order; extra columns are ignored; a repeated name: the last one
//! counts; a UTF-8 byte-order mark is ignored); blank lines are skipped.
//! A record with another number of fields than the header, or that is not
//! UTF-8, is a row with a problem (`register_malformed_line`): what its
//! cells say is still read where it can be (its `no_kk` links it to its
//! family). Rows are numbered by their first line in the file.

use super::record::Cell;
use super::table::{Column, Table, TableRow};
use crate::error::{ErrorCode, FieldError};
use std::collections::HashMap;

/// Fields of a record read in place (a record with more is split the
/// same way; the rest of its fields are counted, not kept).
const INLINE_FIELDS: usize = 24;

/// One record: where it is in the text and its first line.
#[derive(Clone, Copy, Debug)]
struct Span {
    start: usize,
    /// Length in bytes (a record longer than 4 GiB is cut: not a register).
    len: u32,
    line: u32,
}

impl Span {
    fn end(&self) -> usize {
        self.start + self.len as usize
    }
}

/// A CSV file held in memory, as a table of the register.
#[derive(Debug)]
pub struct CsvTable {
    text: Text,
    /// Number of header fields.
    width: usize,
    /// Each [`Column`]'s field index.
    columns: [Option<usize>; Column::ALL.len()],
    /// The header names as read.
    headers: Vec<String>,
    rows: Vec<Span>,
    /// Records with quotes, parsed by the `csv` crate.
    quoted: HashMap<usize, Vec<String>>,
}

/// The file's text: checked as UTF-8 at once when it all is (fields cut
/// at commas are then UTF-8 too), else kept as bytes and checked field by
/// field.
#[derive(Debug)]
enum Text {
    Utf8(String),
    Bytes(Vec<u8>),
}

impl Text {
    fn bytes(&self) -> &[u8] {
        match self {
            Text::Utf8(s) => s.as_bytes(),
            Text::Bytes(b) => b,
        }
    }
    /// The text of `start..end` (`None` when it is not UTF-8).
    fn get(&self, start: usize, end: usize) -> Option<&str> {
        match self {
            Text::Utf8(s) => s.get(start..end),
            Text::Bytes(b) => std::str::from_utf8(b.get(start..end)?).ok(),
        }
    }
}

/// Why a CSV file cannot be read as a table at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CsvError {
    /// Reading the file failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The file has no header row.
    #[error("the file is empty: it needs a header row (examples/REGISTER.md)")]
    NoHeader,
    /// The header has no `no_kk` column.
    #[error("the header has no no_kk column (examples/REGISTER.md)")]
    NoKk,
    /// A line is longer than the limit: not a register file (the file is
    /// not read further, so memory stays bounded).
    #[error("line {line} is longer than {max} bytes: not a CSV register (examples/REGISTER.md)")]
    LineTooLong {
        /// The line (1-based).
        line: u64,
        /// The limit, bytes.
        max: usize,
    },
}

/// The record boundaries of `text`: every line feed outside quotes ends a
/// record (quotes toggle; a doubled quote inside a quoted field toggles
/// twice). Blank records are left out.
fn spans(text: &[u8]) -> Vec<Span> {
    let mut out = Vec::with_capacity(text.len() / 64);
    let mut start = 0usize;
    let mut line = 1u64;
    let mut lines_in = 0u64;
    let mut quoted = false;
    let mut push = |start: usize, end: usize, line: u64| {
        let mut e = end;
        if e > start && text.get(e - 1) == Some(&b'\r') {
            e -= 1;
        }
        if e > start {
            out.push(Span {
                start,
                len: u32::try_from(e - start).unwrap_or(u32::MAX),
                line: u32::try_from(line).unwrap_or(u32::MAX),
            });
        }
    };
    let has_quotes = memchr::memchr(b'"', text).is_some();
    if !has_quotes {
        for nl in memchr::memchr_iter(b'\n', text) {
            push(start, nl, line);
            start = nl + 1;
            line += 1;
        }
    } else {
        for i in memchr::memchr2_iter(b'"', b'\n', text) {
            if text[i] == b'"' {
                quoted = !quoted;
            } else if quoted {
                lines_in += 1;
            } else {
                push(start, i, line);
                start = i + 1;
                line += 1 + lines_in;
                lines_in = 0;
            }
        }
    }
    push(start, text.len(), line);
    out
}

/// The end of each field of `record` (no quotes), up to [`INLINE_FIELDS`]
/// (field `i` starts after the end of field `i - 1`), and the number of
/// fields. Records are short: a byte loop beats a vectorised search here.
fn split(record: &[u8]) -> ([u32; INLINE_FIELDS], usize) {
    let mut ends = [0u32; INLINE_FIELDS];
    let mut n = 0usize;
    for (i, b) in record.iter().enumerate() {
        if *b == b',' {
            if let Some(e) = ends.get_mut(n) {
                *e = u32::try_from(i).unwrap_or(u32::MAX);
            }
            n += 1;
        }
    }
    if let Some(e) = ends.get_mut(n) {
        *e = u32::try_from(record.len()).unwrap_or(u32::MAX);
    }
    (ends, n + 1)
}

/// A quoted record parsed by the `csv` crate: its fields, or `None` when
/// it is not UTF-8.
fn parse_quoted(record: &[u8]) -> Option<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(record);
    let mut rec = csv::ByteRecord::new();
    let mut out = Vec::new();
    // One record: quoted line feeds are inside it.
    if r.read_byte_record(&mut rec).ok()? {
        for f in rec.iter() {
            out.push(std::str::from_utf8(f).ok()?.to_owned());
        }
    }
    Some(out)
}

impl CsvTable {
    /// Reads a whole CSV file.
    ///
    /// # Errors
    /// A read error, an empty file, or a header without `no_kk`.
    pub fn from_reader<R: std::io::Read>(mut input: R) -> Result<CsvTable, CsvError> {
        let mut text = Vec::new();
        input.read_to_end(&mut text)?;
        CsvTable::from_bytes(text)
    }

    /// Reads a whole CSV file whose lines are at most `max_line_bytes`
    /// long; a longer line stops the reading there (bytes without a line
    /// feed, such as `/dev/zero`, never fill the memory).
    ///
    /// # Errors
    /// As [`Self::from_reader`], and [`CsvError::LineTooLong`].
    pub fn from_reader_limited<R: std::io::Read>(
        mut input: R,
        max_line_bytes: usize,
    ) -> Result<CsvTable, CsvError> {
        let mut text = Vec::new();
        let (mut line, mut run) = (1u64, 0usize);
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            };
            let chunk = &buf[..n];
            for part in chunk.split_inclusive(|&b| b == b'\n') {
                run += part.len();
                if run > max_line_bytes.saturating_add(1) {
                    return Err(CsvError::LineTooLong {
                        line,
                        max: max_line_bytes,
                    });
                }
                if part.last() == Some(&b'\n') {
                    (line, run) = (line + 1, 0);
                }
            }
            text.extend_from_slice(chunk);
        }
        CsvTable::from_bytes(text)
    }

    /// A CSV text held in memory.
    ///
    /// # Errors
    /// An empty text, or a header without `no_kk`.
    pub fn from_bytes(mut text: Vec<u8>) -> Result<CsvTable, CsvError> {
        if text.starts_with(b"\xef\xbb\xbf") {
            text.drain(..3);
        }
        let mut rows = spans(&text);
        if rows.is_empty() {
            return Err(CsvError::NoHeader);
        }
        let head = rows.remove(0);
        let head_bytes = text.get(head.start..head.end()).unwrap_or_default();
        let headers: Vec<String> = match memchr::memchr(b'"', head_bytes) {
            Some(_) => parse_quoted(head_bytes).unwrap_or_default(),
            None => split_all(head_bytes),
        }
        .into_iter()
        .map(|h| h.trim().to_owned())
        .collect();
        let mut columns = [None; Column::ALL.len()];
        for (i, c) in Column::ALL.iter().enumerate() {
            columns[i] = headers.iter().rposition(|h| h == c.name());
        }
        if columns[Column::NoKk.index()].is_none() {
            return Err(CsvError::NoKk);
        }
        let mut quoted = HashMap::new();
        if memchr::memchr(b'"', &text).is_some() {
            for (i, s) in rows.iter().enumerate() {
                let rec = text.get(s.start..s.end()).unwrap_or_default();
                if memchr::memchr(b'"', rec).is_some() {
                    quoted.insert(i, parse_quoted(rec).unwrap_or_default());
                }
            }
        }
        let text = match simdutf8::basic::from_utf8(&text) {
            Ok(_) => Text::Utf8(String::from_utf8(text).unwrap_or_default()),
            Err(_) => Text::Bytes(text),
        };
        Ok(CsvTable {
            width: headers.len(),
            text,
            columns,
            headers,
            rows,
            quoted,
        })
    }

    /// The header names, trimmed.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }
}

/// Every field of a record without quotes, as text (lossy).
fn split_all(record: &[u8]) -> Vec<String> {
    record
        .split(|b| *b == b',')
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}

/// One record of a [`CsvTable`].
pub struct CsvRow<'t> {
    table: &'t CsvTable,
    /// Where the record starts in the text.
    start: usize,
    /// The end of each field, relative to `start`.
    ends: [u32; INLINE_FIELDS],
    /// Owned fields of a quoted record.
    owned: Option<&'t [String]>,
    len: usize,
    utf8: bool,
}

impl<'t> CsvRow<'t> {
    /// The text of field `i` (`None` past the fields, or not UTF-8).
    fn field(&self, i: usize) -> Option<&'t str> {
        if let Some(q) = self.owned {
            return q.get(i).map(String::as_str);
        }
        if i >= self.len {
            return None;
        }
        let end = *self.ends.get(i)? as usize;
        let begin = match i {
            0 => 0,
            _ => *self.ends.get(i - 1)? as usize + 1,
        };
        self.table.text.get(self.start + begin, self.start + end)
    }
}

impl Table for CsvTable {
    type Row<'r> = CsvRow<'r>;

    fn len(&self) -> usize {
        self.rows.len()
    }

    fn row(&self, row: usize) -> CsvRow<'_> {
        let mut out = CsvRow {
            table: self,
            start: 0,
            ends: [0; INLINE_FIELDS],
            owned: None,
            len: 0,
            utf8: true,
        };
        if let Some(q) = self.quoted.get(&row) {
            out.len = q.len();
            out.owned = Some(q);
            // An empty list: the quoted record was not UTF-8.
            out.utf8 = !q.is_empty();
            return out;
        }
        let Some(s) = self.rows.get(row) else {
            return out;
        };
        let rec = self.text.bytes().get(s.start..s.end()).unwrap_or_default();
        let (ends, n) = split(rec);
        out.start = s.start;
        out.ends = ends;
        out.len = n;
        if let Text::Bytes(_) = self.text {
            out.utf8 = std::str::from_utf8(rec).is_ok();
        }
        out
    }

    /// The `no_kk` cell alone: the record is split only up to that field.
    fn key_cell(&self, row: usize) -> Cell<'_> {
        let Some(k) = self.columns.get(Column::NoKk.index()).copied().flatten() else {
            return Cell::Missing;
        };
        if self.quoted.contains_key(&row) {
            return self.row(row).cell(Column::NoKk);
        }
        let Some(s) = self.rows.get(row) else {
            return Cell::Missing;
        };
        let rec = self.text.bytes().get(s.start..s.end()).unwrap_or_default();
        let mut begin = 0usize;
        let mut field = 0usize;
        for (i, b) in rec.iter().enumerate() {
            if *b == b',' {
                if field == k {
                    return self
                        .text
                        .get(s.start + begin, s.start + i)
                        .map_or(Cell::Missing, Cell::Text);
                }
                field += 1;
                begin = i + 1;
            }
        }
        if field == k {
            return self
                .text
                .get(s.start + begin, s.start + rec.len())
                .map_or(Cell::Missing, Cell::Text);
        }
        Cell::Missing
    }

    fn number(&self, row: usize) -> u64 {
        self.rows.get(row).map_or(0, |s| u64::from(s.line))
    }
}

impl<'t> TableRow<'t> for CsvRow<'t> {
    fn cell(&self, column: Column) -> Cell<'t> {
        let Some(i) = self.table.columns.get(column.index()).copied().flatten() else {
            return Cell::Missing;
        };
        self.field(i).map_or(Cell::Missing, Cell::Text)
    }

    fn problem(&self) -> Option<FieldError> {
        let reason = if !self.utf8 {
            "CSV: not UTF-8".to_owned()
        } else if self.len != self.table.width {
            format!("CSV: {} fields, expected {}", self.len, self.table.width)
        } else {
            return None;
        };
        Some(FieldError::new(ErrorCode::RegisterMalformedLine).with_param("reason", reason))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn limited_reading_stops_at_a_long_line() {
        let ok = "no_kk,region_code\n6472052301150007,64.72.05.2001\n";
        let t =
            CsvTable::from_reader_limited(ok.as_bytes(), 30).expect("lines of 30 bytes at most");
        assert_eq!(t.len(), 1);
        // The limit counts bytes across reads: one long line in small chunks.
        let long = format!("no_kk\n{}\n", "9".repeat(100));
        let chunks = std::io::BufReader::with_capacity(7, long.as_bytes());
        match CsvTable::from_reader_limited(chunks, 50) {
            Err(CsvError::LineTooLong { line: 2, max: 50 }) => {}
            other => panic!("{other:?}"),
        }
        // Endless bytes without a line feed end at the limit.
        let zero = std::io::Read::take(std::io::repeat(0), u64::MAX);
        assert!(matches!(
            CsvTable::from_reader_limited(zero, 1 << 20),
            Err(CsvError::LineTooLong { line: 1, .. })
        ));
    }

    use super::*;

    fn table(text: &str) -> CsvTable {
        CsvTable::from_bytes(text.as_bytes().to_vec()).expect("table")
    }

    /// Records, line numbers, quotes (with line feeds and doubled quotes),
    /// CRLF, blank lines, a repeated header (the last one wins), short and
    /// long records, a byte-order mark.
    #[test]
    fn reads_records_as_the_csv_crate_does() {
        let t = table("\u{feff}no_kk,name,name,sex\r\n1,Budi,Siti,L\r\n\r\n2,\"A, \"\"B\"\"\nC\",x,P\n3,Ana\n4,a,b,c,d\n");
        assert_eq!(t.headers(), ["no_kk", "name", "name", "sex"]);
        assert_eq!(t.len(), 4);
        let row = |i: usize| {
            let r = t.row(i);
            (
                t.number(i),
                r.cell(Column::NoKk),
                r.cell(Column::Name),
                r.cell(Column::Sex),
                r.problem().is_some(),
            )
        };
        assert_eq!(
            row(0),
            (
                2,
                Cell::Text("1"),
                Cell::Text("Siti"),
                Cell::Text("L"),
                false
            )
        );
        assert_eq!(
            row(1),
            (4, Cell::Text("2"), Cell::Text("x"), Cell::Text("P"), false)
        );
        assert_eq!(
            row(2),
            (6, Cell::Text("3"), Cell::Missing, Cell::Missing, true)
        );
        assert_eq!(
            row(3),
            (7, Cell::Text("4"), Cell::Text("b"), Cell::Text("c"), true)
        );
        let quoted = t.quoted.get(&1).expect("quoted");
        assert_eq!(t.key_cell(2), Cell::Text("3"));
        assert_eq!(t.key_cell(1), Cell::Text("2"));
        assert_eq!(quoted[1], "A, \"B\"\nC");
    }

    #[test]
    fn not_utf8_is_a_row_problem_and_no_kk_is_required() {
        let t = CsvTable::from_bytes(b"no_kk,name\n1,Bu\xffdi\n2,Ana\n".to_vec()).expect("table");
        assert!(t.row(0).problem().is_some());
        assert_eq!(t.row(0).cell(Column::NoKk), Cell::Text("1"));
        assert!(t.row(1).problem().is_none());
        assert!(matches!(
            CsvTable::from_bytes(b"name\nx\n".to_vec()),
            Err(CsvError::NoKk)
        ));
        assert!(matches!(
            CsvTable::from_bytes(Vec::new()),
            Err(CsvError::NoHeader)
        ));
    }
}
