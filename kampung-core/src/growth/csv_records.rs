//! CSV records read strictly and in bounded memory: the record reader of
//! [`super::children_csv`].
//!
//! The text is read one physical line (`\n`) at a time, each at most
//! `max_bytes` long, and fed to the `csv` crate's own state machine
//! (`csv-core`, RFC 4180: quoted fields may hold commas, quotes and line
//! feeds; `\r`, `\n` and `\r\n` end records; blank lines are skipped). A
//! record is therefore never longer than `max_bytes`, whatever the input
//! (`/dev/zero`, a file with no line feed), and every record is accounted
//! for, either read or one [`Record::Bad`] with the line where it starts and
//! the reason:
//!
//! - a line longer than the limit (`register_line_too_long`), skipped up to
//!   its line feed;
//! - a quote opened and not closed before the end of the input or before
//!   the limit (`register_malformed_line`): the lines after the one that
//!   opened it are then read again, each on its own, so that no row is lost
//!   behind a stray quote;
//! - a record that is not UTF-8, or has another number of fields than the
//!   header (`register_malformed_line`), checked by the caller.

use crate::{ErrorCode, FieldError};
use std::collections::VecDeque;
use std::io::{BufRead, Read};

/// The longest record read by default: 1 MiB (a row of a children table is
/// about 100 bytes).
pub const DEFAULT_MAX_RECORD_BYTES: usize = 1 << 20;

/// One record, or why it is not one.
#[derive(Debug)]
pub enum Record {
    /// The fields of the record that starts at `line`.
    Fields {
        /// Its first line in the input (from 1).
        line: u64,
        /// The fields as read (bytes: UTF-8 is checked by the caller).
        fields: csv::ByteRecord,
    },
    /// A record that cannot be read.
    Bad {
        /// Its first line in the input (from 1).
        line: u64,
        /// Why (`register_line_too_long` or `register_malformed_line`).
        error: FieldError,
    },
}

/// A physical line: its number, its bytes (with the `\n` when it had one),
/// and whether it must be read on its own (after an unterminated quote).
struct Line {
    no: u64,
    bytes: Vec<u8>,
    alone: bool,
}

/// Records of a CSV text.
pub struct Records<R> {
    input: std::io::BufReader<R>,
    max: usize,
    /// Lines read from the input so far.
    line: u64,
    /// Lines read ahead and given back (after a failed multi-line record).
    pending: VecDeque<Line>,
    /// A line that is too long, waiting to be reported.
    too_long: Option<u64>,
    eof: bool,
    /// A read error that ended the input.
    error: Option<std::io::Error>,
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

/// `register_malformed_line` with its reason.
pub(crate) fn malformed(reason: impl Into<String>) -> FieldError {
    FieldError::new(ErrorCode::RegisterMalformedLine).with_param("reason", reason.into())
}

impl<R: Read> Records<R> {
    /// Records of `input`, each at most `max_bytes` long (at least 1).
    pub fn new(input: R, max_bytes: usize) -> Records<R> {
        Records::with_delimiter(input, max_bytes, b',')
    }

    /// Records of `input` whose fields are separated by `delimiter`
    /// (`;` in CSV of comma-decimal spreadsheet locales).
    pub fn with_delimiter(input: R, max_bytes: usize, delimiter: u8) -> Records<R> {
        Records {
            input: std::io::BufReader::with_capacity(64 << 10, input),
            max: max_bytes.max(1),
            line: 0,
            pending: VecDeque::new(),
            too_long: None,
            eof: false,
            error: None,
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: vec![0; 1024],
            ends: vec![0; 64],
        }
    }

    /// The read error that ended the input early, if any (taken).
    pub fn take_error(&mut self) -> Option<std::io::Error> {
        self.error.take()
    }

    /// The next physical line of the input, or `None` at its end (or on a
    /// read error, kept). A line longer than the limit is skipped and
    /// noted in `too_long`.
    fn read_line(&mut self) -> Option<Line> {
        if let Some(l) = self.pending.pop_front() {
            return Some(l);
        }
        if self.eof {
            return None;
        }
        let mut bytes = Vec::new();
        let limit = (self.max as u64).saturating_add(1);
        match (&mut self.input).take(limit).read_until(b'\n', &mut bytes) {
            Ok(0) => {
                self.eof = true;
                return None;
            }
            Ok(_) => {}
            Err(e) => {
                self.eof = true;
                self.error = Some(e);
                return None;
            }
        }
        self.line += 1;
        if self.line == 1 && bytes.starts_with(b"\xef\xbb\xbf") {
            bytes.drain(..3);
        }
        if !bytes.ends_with(b"\n") && bytes.len() > self.max {
            self.skip_rest();
            self.too_long = Some(self.line);
            return None;
        }
        Some(Line {
            no: self.line,
            bytes,
            alone: false,
        })
    }

    /// Skips the rest of an overlong line, up to and with its line feed.
    fn skip_rest(&mut self) {
        loop {
            let (used, done) = match self.input.fill_buf() {
                Ok([]) => {
                    self.eof = true;
                    return;
                }
                Ok(buf) => match memchr::memchr(b'\n', buf) {
                    Some(i) => (i + 1, true),
                    None => (buf.len(), false),
                },
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.eof = true;
                    self.error = Some(e);
                    return;
                }
            };
            self.input.consume(used);
            if done {
                return;
            }
        }
    }

    /// Feeds `input` to the state machine: `Some(used)` when a record ended
    /// after `used` bytes, `None` when all of it was taken inside a record.
    fn feed(&mut self, mut input: &[u8], fields: &mut usize, outlen: &mut usize) -> Option<usize> {
        use csv_core::ReadRecordResult as R;
        let total = input.len();
        loop {
            let (res, nin, nout, nend) = self.core.read_record(
                input,
                self.out.get_mut(*outlen..).unwrap_or_default(),
                self.ends.get_mut(*fields..).unwrap_or_default(),
            );
            input = input.get(nin..).unwrap_or_default();
            *outlen += nout;
            *fields += nend;
            match res {
                R::InputEmpty => return None,
                R::OutputFull => self.out.resize(self.out.len() * 2, 0),
                R::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                R::Record => return Some(total - input.len()),
                R::End => return Some(total - input.len()),
            }
        }
    }

    /// The fields collected so far, as a record.
    fn record(&self, fields: usize) -> csv::ByteRecord {
        let mut rec = csv::ByteRecord::with_capacity(
            self.ends
                .get(fields.saturating_sub(1))
                .copied()
                .unwrap_or(0),
            fields,
        );
        let mut start = 0;
        for &end in self.ends.get(..fields).unwrap_or_default() {
            rec.push_field(self.out.get(start..end).unwrap_or_default());
            start = end;
        }
        rec
    }
}

/// A line that holds nothing but its terminator (or spaces).
fn blank(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|b| matches!(b, b'\n' | b'\r' | b' ' | b'\t'))
}

impl<R: Read> Iterator for Records<R> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            // A skipped line is reported once the lines before it are.
            if let Some(line) = self.too_long.filter(|_| self.pending.is_empty()) {
                self.too_long = None;
                return Some(Record::Bad {
                    line,
                    error: FieldError::new(ErrorCode::RegisterLineTooLong)
                        .with_param("max", self.max),
                });
            }
            let first = match self.read_line() {
                Some(l) => l,
                None if self.too_long.is_some() => continue,
                None => return None,
            };
            if blank(&first.bytes) {
                continue;
            }
            self.core.reset();
            let (mut fields, mut outlen) = (0usize, 0usize);
            let start = first.no;
            let alone = first.alone;
            // Lines taken after the first one, while a quote is open.
            let mut more: Vec<Line> = Vec::new();
            let mut size = first.bytes.len();
            let mut cur = first;
            loop {
                // A last line without a line feed gets one, so that an open
                // quote shows as an unfinished record.
                if !cur.bytes.ends_with(b"\n") {
                    cur.bytes.push(b'\n');
                }
                if let Some(used) = self.feed(&cur.bytes, &mut fields, &mut outlen) {
                    // What follows a `\r` inside the line is the next record.
                    let rest = cur.bytes.get(used..).unwrap_or_default();
                    if !blank(rest) {
                        self.pending.push_front(Line {
                            no: cur.no,
                            bytes: rest.to_vec(),
                            alone: cur.alone,
                        });
                    }
                    return Some(Record::Fields {
                        line: start,
                        fields: self.record(fields),
                    });
                }
                // The line ended inside quotes: the record goes on.
                let next = if alone { None } else { self.read_line() };
                let open = match next {
                    Some(l) if size + l.bytes.len() <= self.max => {
                        size += l.bytes.len();
                        more.push(Line {
                            no: l.no,
                            bytes: l.bytes.clone(),
                            alone: false,
                        });
                        cur = l;
                        continue;
                    }
                    Some(l) => {
                        more.push(l);
                        format!(
                            "a quoted field longer than {} bytes (unterminated quote?)",
                            self.max
                        )
                    }
                    None => "unterminated quote".to_owned(),
                };
                // Give the lines back, each to be read on its own.
                for mut l in more.into_iter().rev() {
                    l.alone = true;
                    self.pending.push_front(l);
                }
                return Some(Record::Bad {
                    line: start,
                    error: malformed(open),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8], max: usize) -> Vec<(u64, Result<Vec<String>, String>)> {
        Records::new(text, max)
            .map(|r| match r {
                Record::Fields { line, fields } => (
                    line,
                    Ok(fields
                        .iter()
                        .map(|f| String::from_utf8_lossy(f).into_owned())
                        .collect()),
                ),
                Record::Bad { line, error } => (line, Err(error.code().as_str().to_owned())),
            })
            .collect()
    }

    fn ok(f: &[&str]) -> Result<Vec<String>, String> {
        Ok(f.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn quoted_line_feeds_blank_lines_crlf_and_bom() {
        let got = read(b"\xef\xbb\xbfa,b\r\n\r\n\"x\ny\",2\n3,\"q\"\"\"\n4,5", 100);
        assert_eq!(
            got,
            vec![
                (1, ok(&["a", "b"])),
                (3, ok(&["x\ny", "2"])),
                (5, ok(&["3", "q\""])),
                (6, ok(&["4", "5"])),
            ]
        );
    }

    #[test]
    fn an_unterminated_quote_loses_no_row() {
        let got = read(b"a,b\n1,\"2\n3,4\n5,6\n", 100);
        assert_eq!(
            got,
            vec![
                (1, ok(&["a", "b"])),
                (2, Err("register_malformed_line".into())),
                (3, ok(&["3", "4"])),
                (4, ok(&["5", "6"])),
            ]
        );
        // The limit ends an open quote too.
        let got = read(b"1,\"2\n3,4\n5,6\n", 8);
        assert_eq!(
            got,
            vec![
                (1, Err("register_malformed_line".into())),
                (2, ok(&["3", "4"])),
                (3, ok(&["5", "6"])),
            ]
        );
    }

    #[test]
    fn long_lines_and_cr_only_text_are_bounded() {
        let mut zeros = vec![0u8; 100_000];
        zeros.extend_from_slice(b"\n1,2\n");
        let got = read(&zeros, 1000);
        assert_eq!(
            got,
            vec![
                (1, Err("register_line_too_long".into())),
                (2, ok(&["1", "2"]))
            ]
        );
        // A CR-only file within the limit: records end at each `\r`.
        assert_eq!(
            read(b"a,b\r1,2\r3,4\r", 1000),
            vec![
                (1, ok(&["a", "b"])),
                (1, ok(&["1", "2"])),
                (1, ok(&["3", "4"]))
            ]
        );
        // Beyond the limit: one excluded line, and the run ends.
        let cr = b"1,2\r".repeat(1000);
        assert_eq!(
            read(&cr, 100),
            vec![(1, Err("register_line_too_long".into()))]
        );
    }
}
