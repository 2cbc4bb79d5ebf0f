//! JSON Lines input: the text is cut into chunks of whole lines that the
//! workers read themselves, in turn (so each chunk lands in the cache of
//! the core that parses it), then each worker checks UTF-8, numbers the
//! lines and reads each record.

use super::collect::{Done, Outcome};
use super::{Ctx, Work};
use crate::error::{ErrorCode, FieldError};
use crate::register::json::{malformed_reason, scan_first_line};
use crate::register::table::{EntityTable, Located};
use crate::register::RawRecord;
use std::io::Read;
use std::sync::Mutex;

/// Bytes of text per chunk (about 1 400 families): large enough that
/// handing chunks over costs nothing against parsing them, small enough
/// that every worker gets many.
const CHUNK: usize = 1 << 20;

/// The longest line read by default (8 MiB; a family of 50 members is
/// about 10 KB).
pub const DEFAULT_MAX_LINE_BYTES: usize = 8 << 20;

/// One chunk of work.
pub(super) enum Chunk {
    /// Whole lines (each with its `\n`, the last one perhaps without).
    Lines(Vec<u8>),
    /// One line longer than the limit, skipped: its length.
    TooLong(u64),
}

/// Cuts JSON Lines text into chunks of whole lines (blank lines
/// included, so that line numbers stay those of the file).
struct Chunker<R> {
    input: R,
    chunk: usize,
    max_line: usize,
    /// The partial last line of the chunk before.
    carry: Vec<u8>,
    next_no: u64,
    started: bool,
    finished: bool,
    /// The read error that ended the input, if any.
    error: Option<std::io::Error>,
}

impl<R: Read> Chunker<R> {
    fn new(input: R, chunk: usize, max_line: usize) -> Chunker<R> {
        Chunker {
            input,
            chunk,
            max_line,
            carry: Vec::new(),
            next_no: 0,
            started: false,
            finished: false,
            error: None,
        }
    }

    /// Reads up to `n` more bytes into `buf`; the number read.
    fn fill(&mut self, buf: &mut Vec<u8>, n: usize) -> Option<usize> {
        buf.reserve(n);
        loop {
            match (&mut self.input).take(n as u64).read_to_end(buf) {
                Ok(got) => return Some(got),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.error = Some(e);
                    self.finished = true;
                    return None;
                }
            }
        }
    }

    /// Skips the rest of an overlong line: reads until a line feed; what
    /// follows it becomes the carry. The skipped length.
    fn skip_line(&mut self, mut skipped: u64) -> u64 {
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let Some(got) = self.fill(&mut buf, self.chunk) else {
                return skipped;
            };
            if let Some(i) = memchr::memchr(b'\n', &buf) {
                self.carry
                    .extend_from_slice(buf.get(i + 1..).unwrap_or_default());
                self.finished = got < self.chunk;
                return skipped + i as u64 + 1;
            }
            skipped += buf.len() as u64;
            if got < self.chunk {
                self.finished = true;
                return skipped;
            }
        }
    }

    /// The next chunk, numbered from 0; `None` at the end of the input or
    /// after a read error (kept in `error`).
    fn next_chunk(&mut self) -> Option<(u64, Chunk)> {
        if self.finished && self.carry.is_empty() {
            return None;
        }
        let mut buf = Vec::with_capacity(self.chunk + self.chunk / 4 + self.carry.len());
        buf.append(&mut self.carry);
        loop {
            let eof = if self.finished {
                true
            } else {
                // Fewer bytes than asked: the stream ended.
                self.fill(&mut buf, self.chunk)? < self.chunk
            };
            if !self.started && (buf.len() >= 3 || eof) {
                self.started = true;
                // A UTF-8 byte-order mark before the first line.
                if buf.starts_with(b"\xef\xbb\xbf") {
                    buf.drain(..3);
                }
            }
            // Keep a partial last line for the next chunk (all of it at the end).
            let cut = if eof {
                buf.len()
            } else {
                match memchr::memrchr(b'\n', &buf) {
                    Some(i) => i + 1,
                    None if buf.len() > self.max_line => {
                        let skipped = self.skip_line(buf.len() as u64);
                        self.started = true;
                        let no = self.next_no;
                        self.next_no += 1;
                        return Some((no, Chunk::TooLong(skipped)));
                    }
                    None => continue, // one line longer than a chunk: read on
                }
            };
            self.carry
                .extend_from_slice(buf.get(cut..).unwrap_or_default());
            buf.truncate(cut);
            self.finished = eof;
            if buf.is_empty() {
                return None;
            }
            // A mark is looked for before the first line only (with chunks
            // under 3 bytes, a first chunk can end before the test above).
            self.started = true;
            let no = self.next_no;
            self.next_no += 1;
            return Some((no, Chunk::Lines(buf)));
        }
    }
}

/// The chunks of `input` as the engine cuts them, in order: whole lines
/// (`Ok`), or the length of a line longer than `max_line` (`Err`). For the
/// `line_chunker` fuzz target; not a stable API.
#[doc(hidden)]
pub fn chunks_for_fuzzing(
    input: &[u8],
    chunk: usize,
    max_line: usize,
) -> Vec<Result<Vec<u8>, u64>> {
    let mut c = Chunker::new(input, chunk.max(1), max_line.max(1));
    let mut out = Vec::new();
    while let Some((_, ch)) = c.next_chunk() {
        out.push(match ch {
            Chunk::Lines(b) => Ok(b),
            Chunk::TooLong(n) => Err(n),
        });
    }
    out
}

/// JSON Lines as work for the engine.
pub(super) struct JsonLines<R> {
    chunker: Mutex<Chunker<R>>,
    max_line: usize,
}

impl<R: Read> JsonLines<R> {
    pub(super) fn new(input: R, max_line: usize) -> JsonLines<R> {
        JsonLines {
            chunker: Mutex::new(Chunker::new(input, CHUNK, max_line)),
            max_line,
        }
    }

    /// The read error that ended the input early, if any.
    pub(super) fn error(&self) -> std::io::Result<()> {
        match self.chunker.lock() {
            Ok(mut c) => c.error.take().map_or(Ok(()), Err),
            Err(_) => Err(std::io::Error::other("reader failed")),
        }
    }
}

fn malformed(reason: impl Into<String>) -> Located {
    Located {
        table: EntityTable::Families,
        row: 0,
        error: FieldError::new(ErrorCode::RegisterMalformedLine)
            .with_param("reason", reason.into()),
    }
}

/// One line read the general way: blank, not UTF-8, not JSON, or any
/// JSON the scanner does not read.
fn general_line(line: &[u8], record: u64, ctx: &Ctx<'_>, niks: &mut Vec<(u32, u64)>) -> Outcome {
    let Ok(text) = std::str::from_utf8(line) else {
        return Outcome::Invalid(vec![malformed("not UTF-8")]);
    };
    if text.trim().is_empty() {
        return Outcome::Blank;
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => {
            let read = crate::register::validate::validate(&RawRecord::from_value(&v), ctx.opts);
            ctx.whole(read, record, niks, Some(&v))
        }
        Err(e) => Outcome::Invalid(vec![malformed(malformed_reason(&e))]),
    }
}

impl<R: Read + Send> Work for JsonLines<R> {
    type Batch = Chunk;

    fn next(&self) -> Option<(u64, Chunk)> {
        self.chunker.lock().ok()?.next_chunk()
    }

    fn process(&self, chunk: Chunk, ctx: &Ctx<'_>) -> Done {
        let mut done = Done::default();
        let too_long = || {
            let e =
                FieldError::new(ErrorCode::RegisterLineTooLong).with_param("max", self.max_line);
            Outcome::Invalid(vec![Located {
                table: EntityTable::Families,
                row: 0,
                error: e,
            }])
        };
        let bytes = match chunk {
            Chunk::TooLong(n) => {
                done.items.push((1, too_long()));
                done.lines = 1;
                done.bytes = n;
                return done;
            }
            Chunk::Lines(bytes) => bytes,
        };
        done.bytes = bytes.len() as u64;
        done.items.reserve(bytes.len() / 512);
        done.niks.reserve(bytes.len() / 128);
        // UTF-8 checked at once with the `simdutf8` crate's vectorised
        // check (several times faster than `std` on ASCII text); a chunk
        // that is not all UTF-8 is checked line by line.
        let text = simdutf8::basic::from_utf8(&bytes).ok();
        let mut rest: &[u8] = &bytes;
        let mut lines = 0u64;
        while !rest.is_empty() {
            lines += 1;
            // A usual record is read where it stands, its end found by the
            // scanner. Anything else: cut the line (memchr's vectorised
            // search) and read it the general way.
            // With a survey design, every line is read whole (its design
            // fields are keys the scanner does not read).
            if let Some(t) = text.filter(|_| ctx.design.is_none()) {
                let at = bytes.len() - rest.len();
                if let Some((raw, used)) = t
                    .get(at..)
                    .and_then(scan_first_line)
                    .filter(|(_, used)| *used <= self.max_line)
                {
                    let read = crate::register::validate::validate(&raw, ctx.opts);
                    let o = ctx.whole(read, lines, &mut done.niks, None);
                    done.items.push((lines, o));
                    rest = rest.get(used..).unwrap_or_default();
                    continue;
                }
            }
            let (line, r) = match memchr::memchr(b'\n', rest) {
                Some(i) => rest.split_at(i + 1),
                None => (rest, &[][..]),
            };
            rest = r;
            if line.len() > self.max_line {
                done.items.push((lines, too_long()));
                continue;
            }
            match general_line(line, lines, ctx, &mut done.niks) {
                Outcome::Blank => {}
                o => done.items.push((lines, o)),
            }
        }
        done.lines = lines;
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chunks hold whole lines, in order, whatever the chunk size (lines
    /// longer than a chunk, blank lines, CRLF, no final newline), and a
    /// line longer than the limit is one skipped line.
    #[test]
    fn chunks_keep_lines_and_skip_overlong_ones() {
        let text = "{\"a\":1}\n\n  \r\n{\"b\":\"ünï\"}\r\nlong line of text here\n\nlast";
        for chunk in 1..=text.len() + 1 {
            let mut c = Chunker::new(
                std::io::Cursor::new(text.as_bytes().to_vec()),
                chunk,
                1 << 20,
            );
            let mut got = Vec::new();
            while let Some((_, Chunk::Lines(b))) = c.next_chunk() {
                assert!(b.ends_with(b"\n") || b.ends_with(b"last"), "{chunk}");
                got.extend(b);
            }
            assert_eq!(String::from_utf8_lossy(&got), text, "chunk {chunk}");
        }
        for chunk in [1, 3, 7, 10] {
            let text = format!("ab\n{}\ncd\n", "x".repeat(42));
            let mut c = Chunker::new(std::io::Cursor::new(text.as_bytes().to_vec()), chunk, 10);
            let mut lines = Vec::new();
            while let Some((_, ch)) = c.next_chunk() {
                match ch {
                    Chunk::Lines(b) => lines.extend(
                        String::from_utf8_lossy(&b)
                            .split_inclusive('\n')
                            .map(|l| l.to_owned()),
                    ),
                    Chunk::TooLong(n) => lines.push(format!("<{n}>")),
                }
            }
            assert_eq!(
                lines,
                ["ab\n", "<43>", "cd\n"],
                "chunk {chunk}: the line and its line feed"
            );
        }
    }

    /// A byte-order mark at the start is not part of the first line.
    #[test]
    fn bom_is_stripped() {
        let mut c = Chunker::new(std::io::Cursor::new(b"\xef\xbb\xbf{}\n".to_vec()), 2, 100);
        let mut got = Vec::new();
        while let Some((_, Chunk::Lines(b))) = c.next_chunk() {
            got.extend(b);
        }
        assert_eq!(got, b"{}\n");
    }
}
