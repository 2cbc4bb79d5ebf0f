//! `kampung report`: a family register (JSON Lines, one family per line)
//! streamed into the village picture by region.
//!
//! Pipeline (memory stays flat: batches of lines in bounded channels,
//! fixed-size counters per region, plus the duplicate guard's 8-byte
//! fingerprints): worker threads take turns reading the next chunk of
//! lines (CSV: a reader thread assembles each family's rows), then parse,
//! validate and compute each family's contribution (pure functions); the
//! main thread takes the batches back **in input
//! order**, checks duplicates (so "the first one wins" is deterministic)
//! and adds the contributions to the aggregator.

use crate::csv_input::CsvRow;
use chrono::NaiveDate;
use kampung_core::growth::Tables2006;
use kampung_core::register::entities::{read_group_assembled, EntityTable};
use kampung_core::register::typed;
use kampung_core::register::{
    fingerprints, DuplicateGuard, FamilyIds, RegisterFamily, RegisterOptions,
};
use kampung_core::report::aggregate::{KRS_FACTORS, MIX_METHODS};
use kampung_core::report::{
    classify_kampung, contribution, count_reasons, Aggregator, FamilyContribution,
    KampungClassification, KampungProfile, RegionRow, RowLevel,
};
use kampung_core::{ErrorCode, FieldError, Locale};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};

/// One problem of one line, as reported.
#[derive(Clone, Debug, Serialize)]
pub struct LineError {
    pub file: String,
    pub line: u64,
    pub field: String,
    pub code: &'static str,
    pub message: String,
    /// `family` (the family was excluded), `measurement` (only it was) or
    /// `row` (a CSV member/measurement row without its family).
    pub excluded: &'static str,
}

/// How many rows were excluded and why.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Exclusions {
    pub lines_read: u64,
    pub families_included: u64,
    pub families_excluded: u64,
    pub measurements_excluded: u64,
    /// Member or measurement rows (CSV) excluded on their own: no family
    /// row with their `no_kk`, out of `no_kk` order, unreadable.
    pub rows_excluded: u64,
    /// Error code → number of excluded families (or measurements) with that problem.
    pub reasons: BTreeMap<&'static str, u64>,
}

/// A Kampung KB classification of one desa.
#[derive(Clone, Debug, Serialize)]
pub struct DesaClass {
    pub code: String,
    pub profile: KampungProfile,
    pub classification: KampungClassification,
}

/// The whole report (what `--format json` prints).
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub as_of: NaiveDate,
    pub source: String,
    pub ci_method: &'static str,
    pub rows: Vec<RegionRow>,
    pub kampung_kb: Vec<DesaClass>,
    pub exclusions: Exclusions,
    pub errors: Vec<LineError>,
    pub errors_truncated: u64,
}

/// Writes `rep` as `serde_json::to_writer_pretty` does, byte for byte,
/// with the rows (thousands in a national register) serialized on two
/// threads: each row is serialized on its own and indented to its place.
pub fn write_json_pretty<W: Write>(out: &mut W, rep: &mut Report) -> std::io::Result<()> {
    let rows = std::mem::take(&mut rep.rows);
    // The report with no rows: `"rows": []` stands where they go.
    let frame = serde_json::to_vec_pretty(&*rep);
    rep.rows = rows;
    let frame = frame?;
    const EMPTY: &[u8] = b"\n  \"rows\": []";
    // The keys before `rows` hold dates, codes and a file name, whose
    // quotes are escaped: the first match is the field itself.
    let at = memchr::memmem::find(&frame, EMPTY)
        .ok_or_else(|| std::io::Error::other("rows field not found"))?;
    let (head, tail) = frame.split_at(at);
    let tail = tail.get(EMPTY.len()..).unwrap_or_default();
    if rep.rows.is_empty() {
        out.write_all(&frame)?;
        return Ok(());
    }
    let (first, second) = rep.rows.split_at(rep.rows.len() / 2);
    let (a, b) = std::thread::scope(|s| {
        let b = s.spawn(|| rows_json(second));
        (rows_json(first), b.join())
    });
    let b = b.map_err(|_| std::io::Error::other("JSON writer thread failed"))??;
    let a = a?;
    out.write_all(head)?;
    out.write_all(b"\n  \"rows\": [\n")?;
    out.write_all(&a)?;
    if !a.is_empty() && !b.is_empty() {
        out.write_all(b",\n")?;
    }
    out.write_all(&b)?;
    out.write_all(b"\n  ]")?;
    out.write_all(tail)
}

/// `rows` as elements of an array two levels deep in a pretty document:
/// each row's lines indented by four spaces, rows separated by `,\n`.
fn rows_json(rows: &[RegionRow]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut one = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        one.clear();
        serde_json::to_writer_pretty(&mut one, row)?;
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(b"    ");
        // Strings are escaped, so every newline is a line break.
        let mut rest = one.as_slice();
        while let Some(n) = memchr::memchr(b'\n', rest) {
            let (line, r) = rest.split_at(n + 1);
            out.extend_from_slice(line);
            out.extend_from_slice(b"    ");
            rest = r;
        }
        out.extend_from_slice(rest);
    }
    Ok(out)
}

/// One problem located in a file.
pub(crate) struct Loc {
    pub file: usize,
    pub line: u64,
    pub error: FieldError,
}

enum Outcome {
    Blank,
    Family {
        c: FamilyContribution,
        kk: u64,
        /// The family's `(member index, NIK fingerprint)`s: this range of
        /// [`Done::niks`] (one flat vector per batch, not one per family).
        niks: std::ops::Range<usize>,
        measurement_errors: Vec<Loc>,
        excluded: u32,
    },
    /// The family was excluded.
    Invalid(Vec<Loc>),
    /// Rows (members, measurements) were excluded, not a family.
    Rows(Vec<Loc>),
}

/// A unit of work: one JSON Lines line or one family assembled from CSV rows.
pub(crate) enum Job {
    Group {
        family: (u64, CsvRow),
        members: Vec<(u64, CsvRow)>,
        measurements: Vec<(u64, CsvRow)>,
    },
    Invalid(Vec<Loc>),
    Rows(Vec<Loc>),
}

fn at(file: usize, line: u64, es: Vec<FieldError>) -> Vec<Loc> {
    es.into_iter()
        .map(|error| Loc { file, line, error })
        .collect()
}

fn malformed(reason: String) -> FieldError {
    FieldError::new(ErrorCode::RegisterMalformedLine).with_param("reason", reason)
}

/// One line that the typed reader did not take: blank, or read through the
/// `Value` path with every error.
fn process_line(
    line: &str,
    opts: &RegisterOptions,
    tables: &Tables2006,
    ids: &mut Vec<(u32, u64)>,
) -> Outcome {
    if line.trim().is_empty() {
        return Outcome::Blank;
    }
    // The `Value` path (every error): the caller found that the typed
    // reader does not take this line (`read_typed_first_line` answers as
    // `read_typed` on the cut line does).
    let r = match serde_json::from_str::<serde_json::Value>(line) {
        Ok(v) => RegisterFamily::from_value(&v, opts),
        Err(e) => {
            let reason = format!("JSON: {}", e.classify_name());
            return Outcome::Invalid(vec![Loc {
                file: 0,
                line: 0,
                error: malformed(reason),
            }]);
        }
    };
    validated(
        r.family,
        at(0, 0, r.errors),
        r.measurements_excluded,
        opts,
        tables,
        ids,
    )
}

/// The outcome of one validated record: its contribution and identifiers
/// (pushed to `ids`) with the problems of its dropped measurements, or the
/// family's problems when it did not validate.
fn validated(
    family: Option<RegisterFamily>,
    errors: Vec<Loc>,
    measurements_excluded: u32,
    opts: &RegisterOptions,
    tables: &Tables2006,
    ids: &mut Vec<(u32, u64)>,
) -> Outcome {
    match family {
        Some(f) => {
            let start = ids.len();
            let kk = fingerprints(&f.family, ids);
            Outcome::Family {
                c: contribution(&f, opts, tables),
                kk,
                niks: start..ids.len(),
                measurement_errors: errors,
                excluded: measurements_excluded,
            }
        }
        None => Outcome::Invalid(errors),
    }
}

fn process_job(
    job: Job,
    opts: &RegisterOptions,
    tables: &Tables2006,
    ids: &mut Vec<(u32, u64)>,
) -> Outcome {
    match job {
        Job::Invalid(e) => Outcome::Invalid(e),
        Job::Rows(e) => Outcome::Rows(e),
        Job::Group {
            family,
            members,
            measurements,
        } => {
            // Rows in plain forms are read as they are; the others become
            // row objects here, in the workers, and are read the general way.
            fn rows(rows: &[(u64, CsvRow)]) -> Vec<&CsvRow> {
                rows.iter().map(|(_, r)| r).collect()
            }
            if let Some(f) =
                typed::read_rows_typed(&family.1, &rows(&members), &rows(&measurements), opts)
            {
                return validated(Some(f), Vec::new(), 0, opts, tables, ids);
            }
            let values = |rows: &[(u64, CsvRow)]| -> Vec<(usize, serde_json::Value)> {
                rows.iter()
                    .map(|(l, r)| (usize::try_from(*l).unwrap_or(usize::MAX), r.to_value()))
                    .collect()
            };
            fn ix(rows: &[(usize, serde_json::Value)]) -> Vec<(usize, &serde_json::Value)> {
                rows.iter().map(|(l, v)| (*l, v)).collect()
            }
            let (ms, xs) = (values(&members), values(&measurements));
            let fv = family.1.to_value();
            let fl = usize::try_from(family.0).unwrap_or(usize::MAX);
            // `read_rows_typed` did not take these rows above.
            let g = read_group_assembled((fl, &fv), &ix(&ms), &ix(&xs), opts);
            let locs: Vec<Loc> = g
                .errors
                .into_iter()
                .map(|e| Loc {
                    file: match e.table {
                        EntityTable::Families => 0,
                        EntityTable::Members => 1,
                        EntityTable::Measurements => 2,
                    },
                    line: e.row as u64,
                    error: e.error,
                })
                .collect();
            validated(g.family, locs, g.measurements_excluded, opts, tables, ids)
        }
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}
impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Eof => "incomplete line",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "wrong data",
            serde_json::error::Category::Io => "read error",
        }
    }
}

pub struct ReportOptions {
    pub as_of: NaiveDate,
    pub lang: Locale,
    pub threads: usize,
    pub progress: bool,
    pub max_errors_kept: usize,
}

/// A boxed input stream, buffered (the CSV files).
pub type Reader = Box<dyn BufRead + Send>;

/// A boxed input stream read in large chunks (JSON Lines): a file itself,
/// not a `BufReader`, so that the bytes are copied once.
pub type Stream = Box<dyn std::io::Read + Send>;

/// The register to read: JSON Lines, or three CSV files sorted by `no_kk`
/// (examples/REGISTER.md). Names are used in error reports.
pub enum Input {
    Jsonl(String, Stream),
    Csv {
        families: (String, Reader),
        members: (String, Reader),
        measurements: (String, Reader),
    },
}

/// Work for the worker threads: CSV jobs, or a chunk of JSON Lines text.
pub(crate) enum Work {
    Jobs(Vec<(u64, Job)>),
    /// Whole lines (each with its `\n`, the last one perhaps without), as
    /// read: one allocation per chunk instead of one per line. The worker
    /// checks that they are UTF-8 and numbers them from 1; the collector,
    /// which takes the batches in order, adds the lines before.
    Lines(Vec<u8>),
}

pub(crate) type Batch = (u64, Work);

/// What a worker gives back for one batch.
struct Done {
    /// Outcomes with their line: as in the file (CSV), or counted from 1
    /// in the batch (JSON Lines). Blank lines have none.
    items: Vec<(u64, Outcome)>,
    /// The NIK fingerprints of the batch's families (see [`Outcome::Family`]).
    niks: Vec<(u32, u64)>,
    /// JSON Lines: the number of lines of the batch. `None` for CSV.
    lines: Option<u64>,
    /// JSON Lines: the batch is not UTF-8; the report stops there with
    /// `read_line`'s error, as it did when the reader checked it.
    not_utf8: bool,
}

/// Bytes of JSON Lines text per batch (about 1 400 families of the
/// generator): large enough that handing over batches costs nothing
/// against parsing them, small enough that both workers get many.
const CHUNK: usize = 1 << 20;

/// The error of `BufRead::read_line` on text that is not UTF-8.
const NOT_UTF8: &str = "stream did not contain valid UTF-8";

/// Cuts JSON Lines text into chunks of whole lines (blank lines included,
/// so that line numbers stay those of the file). The workers take chunks
/// from it in turn, each reading its own chunk, so that the text lands in
/// the cache of the core that parses it; checking UTF-8 and counting lines
/// is also done by the workers, in parallel.
struct Chunker {
    input: Stream,
    /// Bytes to read per chunk (a chunk may hold more: a long last line).
    chunk: usize,
    /// The partial last line of the chunk before.
    carry: Vec<u8>,
    next_no: u64,
    finished: bool,
    /// The read error that ended the input, if any.
    error: Option<String>,
}

impl Chunker {
    fn new(input: Stream, chunk: usize) -> Chunker {
        Chunker {
            input,
            chunk,
            carry: Vec::new(),
            next_no: 0,
            finished: false,
            error: None,
        }
    }

    /// The next chunk, numbered from 0; `None` at the end of the input or
    /// after a read error (kept in `error`).
    fn next_batch(&mut self) -> Option<Batch> {
        use std::io::Read;
        if self.finished {
            return None;
        }
        let mut buf = Vec::with_capacity(self.chunk + self.chunk / 4 + self.carry.len());
        buf.append(&mut self.carry);
        loop {
            // Up to `chunk` more bytes straight into the spare capacity
            // (`read_to_end` does not zero it first).
            buf.reserve(self.chunk);
            let got = match (&mut self.input)
                .take(self.chunk as u64)
                .read_to_end(&mut buf)
            {
                Ok(n) => n,
                Err(e) => {
                    self.error = Some(e.to_string());
                    self.finished = true;
                    return None;
                }
            };
            // Fewer bytes than asked: the stream ended.
            let eof = got < self.chunk;
            // Keep a partial last line for the next chunk (all of it at the end).
            let cut = if eof {
                buf.len()
            } else {
                match memchr::memrchr(b'\n', &buf) {
                    Some(i) => i + 1,
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
            let no = self.next_no;
            self.next_no += 1;
            return Some((no, Work::Lines(buf)));
        }
    }
}

/// Where the workers take their batches from.
enum Source {
    /// CSV: jobs assembled by the reader thread.
    Channel(Mutex<Receiver<Batch>>),
    /// JSON Lines: chunks each worker reads itself.
    Chunks(Mutex<Chunker>),
}

impl Source {
    /// The next batch; `None` when there is no more.
    fn next_batch(&self) -> Option<Batch> {
        match self {
            Source::Channel(rx) => rx.lock().ok()?.recv().ok(),
            Source::Chunks(c) => c.lock().ok()?.next_batch(),
        }
    }

    /// The read error that ended JSON Lines input early, if any.
    fn read_error(&self) -> Result<(), String> {
        match self {
            Source::Channel(_) => Ok(()),
            Source::Chunks(c) => match c.lock() {
                Ok(c) => c.error.clone().map_or(Ok(()), Err),
                Err(_) => Err("reader failed".to_owned()),
            },
        }
    }
}

/// The outcome of every item of a batch, with its line.
fn process_work(work: Work, opts: &RegisterOptions, tables: &Tables2006) -> Done {
    let mut niks = Vec::new();
    match work {
        Work::Jobs(jobs) => Done {
            items: jobs
                .into_iter()
                .map(|(line, j)| (line, process_job(j, opts, tables, &mut niks)))
                .collect(),
            niks,
            lines: None,
            not_utf8: false,
        },
        Work::Lines(bytes) => {
            // `std::str::from_utf8`'s answer from the `simdutf8` crate's
            // vectorised check (several times faster on ASCII text).
            let Ok(text) = simdutf8::basic::from_utf8(&bytes) else {
                return Done {
                    items: Vec::new(),
                    niks,
                    lines: Some(0),
                    not_utf8: true,
                };
            };
            let mut items = Vec::with_capacity(text.len() / 512);
            niks.reserve(text.len() / 128);
            let mut lines = 0u64;
            let mut rest = text;
            while !rest.is_empty() {
                lines += 1;
                // A usual record: read where it stands, its end found by
                // the scanner. Anything else: cut the line (as
                // `split_inclusive('\n')`, with the memchr crate's
                // vectorised search) and read it the general way.
                if let Some((f, used)) = typed::read_typed_first_line(rest, opts) {
                    rest = rest.get(used..).unwrap_or_default();
                    items.push((
                        lines,
                        validated(Some(f), Vec::new(), 0, opts, tables, &mut niks),
                    ));
                    continue;
                }
                let (l, r) = memchr::memchr(b'\n', rest.as_bytes())
                    .and_then(|i| rest.split_at_checked(i + 1))
                    .unwrap_or((rest, ""));
                rest = r;
                match process_line(l, opts, tables, &mut niks) {
                    Outcome::Blank => {}
                    o => items.push((lines, o)),
                }
            }
            Done {
                items,
                niks,
                lines: Some(lines),
                not_utf8: false,
            }
        }
    }
}

/// Streams `input` into a report. `on_error` gets every row problem as it
/// is found (e.g. to write an errors file).
pub fn run(
    input: Input,
    opts: &ReportOptions,
    mut on_error: impl FnMut(&LineError),
) -> Result<(Aggregator, Exclusions, Vec<LineError>, u64), String> {
    let ropts = RegisterOptions::new(opts.as_of);
    let threads = opts.threads.max(1);
    let mut agg = Aggregator::new();
    let mut guard = DuplicateGuard::new();
    let mut ex = Exclusions::default();
    let mut kept: Vec<LineError> = Vec::new();
    let mut truncated = 0u64;
    let started = std::time::Instant::now();
    let mut last_progress = started;
    let (files, csv) = match &input {
        Input::Jsonl(name, _) => (vec![name.clone()], false),
        Input::Csv {
            families,
            members,
            measurements,
        } => (
            vec![
                families.0.clone(),
                members.0.clone(),
                measurements.0.clone(),
            ],
            true,
        ),
    };
    let err_msg = std::thread::scope(|s| -> Result<(), String> {
        let (res_tx, res_rx) = sync_channel::<(u64, Done)>(threads * 2);
        // JSON Lines: the workers read. CSV: a reader thread assembles
        // each family's rows from the three files.
        let (source, reader) = match input {
            Input::Jsonl(_, r) => (Source::Chunks(Mutex::new(Chunker::new(r, CHUNK))), None),
            Input::Csv {
                families,
                members,
                measurements,
            } => {
                let (work_tx, work_rx) = sync_channel::<Batch>(threads * 2);
                let reader = s.spawn(move || {
                    crate::csv_input::read_csv(families, members, measurements, &work_tx)
                });
                (Source::Channel(Mutex::new(work_rx)), Some(reader))
            }
        };
        let source = Arc::new(source);
        for _ in 0..threads {
            let source = Arc::clone(&source);
            let tx = res_tx.clone();
            let ropts = &ropts;
            s.spawn(move || {
                let tables = Tables2006::bundled();
                while let Some((no, work)) = source.next_batch() {
                    let out = process_work(work, ropts, &tables);
                    if tx.send((no, out)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(res_tx);
        let collected = collect(
            &res_rx,
            &files,
            csv,
            opts,
            &mut agg,
            &mut guard,
            &mut ex,
            &mut |e: LineError| {
                on_error(&e);
                if kept.len() < opts.max_errors_kept {
                    kept.push(e);
                } else {
                    truncated += 1;
                }
            },
            &mut |lines: u64| {
                if opts.progress && last_progress.elapsed().as_millis() > 500 {
                    last_progress = std::time::Instant::now();
                    let secs = started.elapsed().as_secs_f64().max(1e-9);
                    #[allow(clippy::cast_precision_loss)]
                    let rate = lines as f64 / secs;
                    eprint!("\rkampung: {lines} baris/lines, {rate:.0}/s   ");
                }
            },
        );
        // Stop the reader and the workers when the collector stopped early.
        drop(res_rx);
        let read = match reader {
            Some(r) => r.join().map_err(|_| "reader thread failed".to_owned())?,
            None => Ok(()),
        };
        // The earlier problem in the input wins: a batch that was not
        // UTF-8 comes before anything the reader met after it.
        collected.and(read).and(source.read_error())
    });
    if opts.progress && ex.lines_read > 0 {
        eprintln!();
    }
    err_msg?;
    Ok((agg, ex, kept, truncated))
}

fn count_codes(ex: &mut Exclusions, errs: &[Loc]) {
    count_reasons(
        &mut ex.reasons,
        errs.iter().map(|e| e.error.code().as_str()),
    );
}

/// Takes the batches back in input order: duplicates, exclusions, errors,
/// aggregation. Stops at a batch that is not UTF-8 (with that error).
#[allow(clippy::too_many_arguments)]
fn collect(
    res_rx: &Receiver<(u64, Done)>,
    files: &[String],
    csv: bool,
    opts: &ReportOptions,
    agg: &mut Aggregator,
    guard: &mut DuplicateGuard,
    ex: &mut Exclusions,
    report: &mut dyn FnMut(LineError),
    progress: &mut dyn FnMut(u64),
) -> Result<(), String> {
    let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0u64;
    // JSON Lines: the lines of the batches taken so far.
    let mut before = 0u64;
    // JSON Lines errors carry line 0: the line is the item's.
    let mk = |line: u64, e: &Loc, excluded: &'static str| LineError {
        file: files.get(e.file).cloned().unwrap_or_default(),
        line: if e.line == 0 { line } else { e.line },
        field: e.error.path().to_string(),
        code: e.error.code().as_str(),
        message: e.error.message(opts.lang),
        excluded,
    };
    for (no, done) in res_rx.iter() {
        pending.insert(no, done);
        while let Some(done) = pending.remove(&next) {
            next += 1;
            if done.not_utf8 {
                return Err(NOT_UTF8.to_owned());
            }
            let base = if done.lines.is_some() { before } else { 0 };
            // The duplicate guard checks the batch's families at once.
            let ids: Vec<FamilyIds<'_>> = done
                .items
                .iter()
                .filter_map(|(line, o)| match o {
                    Outcome::Family { kk, niks, .. } => Some((
                        *kk,
                        done.niks.get(niks.clone()).unwrap_or_default(),
                        base + line,
                    )),
                    _ => None,
                })
                .collect();
            let mut admitted = guard.admit_batch(&ids).into_iter();
            for (line, o) in done.items {
                let line = base + line;
                match o {
                    Outcome::Blank => {}
                    Outcome::Rows(errs) => {
                        ex.rows_excluded += 1;
                        count_codes(ex, &errs);
                        for e in &errs {
                            report(mk(line, e, "row"));
                        }
                        continue;
                    }
                    Outcome::Invalid(errs) => {
                        ex.families_excluded += 1;
                        count_codes(ex, &errs);
                        for e in &errs {
                            report(mk(line, e, "family"));
                        }
                    }
                    Outcome::Family {
                        c,
                        measurement_errors,
                        excluded,
                        ..
                    } => match admitted.next().unwrap_or(Ok(())) {
                        Ok(()) => {
                            agg.add(&c);
                            ex.families_included += 1;
                            ex.measurements_excluded += u64::from(excluded);
                            let mut seen: Vec<(String, &'static str)> = Vec::new();
                            for e in &measurement_errors {
                                let m = if csv {
                                    e.line.to_string()
                                } else {
                                    e.error
                                        .path()
                                        .segments()
                                        .get(..2)
                                        .map(|s| format!("{s:?}"))
                                        .unwrap_or_default()
                                };
                                let key = (m, e.error.code().as_str());
                                if !seen.contains(&key) {
                                    *ex.reasons.entry(key.1).or_insert(0) += 1;
                                    seen.push(key);
                                }
                                report(mk(line, e, "measurement"));
                            }
                        }
                        Err(errs) => {
                            ex.families_excluded += 1;
                            let errs = at(0, line, errs.into_vec());
                            count_codes(ex, &errs);
                            for e in &errs {
                                report(mk(line, e, "family"));
                            }
                        }
                    },
                }
                ex.lines_read = line;
            }
            if let Some(lines) = done.lines {
                before += lines;
                ex.lines_read = before;
            }
            progress(ex.lines_read);
        }
    }
    Ok(())
}

/// Classifies every desa that has a profile; the output block (PUS,
/// users, MKJP users, IAT, TIAL) is taken from the register when the
/// profile does not give it.
pub fn classify_desa(
    rows: &[RegionRow],
    profiles: &serde_json::Value,
) -> Result<Vec<DesaClass>, String> {
    let mut out = Vec::new();
    let Some(map) = profiles.as_object() else {
        return Err("profile file: expected an object {region_code: profile}".to_owned());
    };
    for (code, v) in map {
        let mut p = KampungProfile::from_value(v)
            .map_err(|e| format!("profile {code}: {}", e.summary("profile", Locale::En)))?;
        let plain: String = code.chars().filter(char::is_ascii_digit).collect();
        if let Some(r) = rows.iter().find(|r| {
            r.code.as_deref().is_some_and(|c| {
                c.chars().filter(char::is_ascii_digit).collect::<String>() == plain
            })
        }) {
            let c = &r.counts;
            p.pus = p.pus.or(Some(c.pus));
            p.users = p.users.or(Some(c.users));
            p.mkjp_users = p.mkjp_users.or(Some(c.mkjp_users));
            p.iat = p.iat.or(Some(c.reason[2]));
            p.tial = p.tial.or(Some(c.reason[3]));
        }
        out.push(DesaClass {
            code: code.clone(),
            classification: classify_kampung(&p),
            profile: p,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------- text ----

pub fn t(lang: Locale, id: &'static str, en: &'static str) -> &'static str {
    match lang {
        Locale::Id => id,
        Locale::En => en,
    }
}

pub fn pct(v: Option<f64>, lang: Locale) -> String {
    match v {
        None => "–".to_owned(),
        Some(x) => {
            let s = format!("{x:.1}");
            match lang {
                Locale::Id => s.replace('.', ","),
                Locale::En => s,
            }
        }
    }
}

pub fn level_name(l: RowLevel, lang: Locale) -> &'static str {
    match l {
        RowLevel::Total => t(lang, "Total", "Total"),
        RowLevel::Provinsi => t(lang, "Provinsi", "Province"),
        RowLevel::KabupatenKota => t(lang, "Kab/Kota", "Regency/City"),
        RowLevel::Kecamatan => t(lang, "Kecamatan", "District"),
        RowLevel::DesaKelurahan => t(lang, "Desa/Kel", "Village"),
    }
}

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

/// The terminal summary.
pub fn render_text(r: &Report, lang: Locale) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} — {} {}  ({}: {})",
        t(lang, "LAPORAN KAMPUNG KB", "KAMPUNG KB REPORT"),
        t(lang, "tanggal acuan", "reference date"),
        r.as_of,
        t(lang, "sumber", "source"),
        r.source
    );
    let _ = writeln!(
        s,
        "{}: {} | {}: {} | {}: {}\n",
        t(lang, "Keluarga dibaca", "Families read"),
        r.exclusions.families_included + r.exclusions.families_excluded,
        t(lang, "dihitung", "included"),
        r.exclusions.families_included,
        t(lang, "dikeluarkan", "excluded"),
        r.exclusions.families_excluded
    );
    let head = [
        t(lang, "Wilayah", "Region"),
        t(lang, "Kode", "Code"),
        t(lang, "Keluarga", "Families"),
        t(lang, "Sasaran", "Target"),
        "KRS",
        "KRS%",
        "PUS",
        "CPR%",
        "mCPR%",
        "MKJP%",
        t(lang, "Unmet%", "Unmet%"),
        t(lang, "Diukur", "Measured"),
        t(lang, "Stunting% [95% CI]", "Stunting% [95% CI]"),
        "Wasting%",
        "Underwt%",
        "Overwt%",
    ];
    let mut table: Vec<Vec<String>> = vec![head.iter().map(|x| (*x).to_owned()).collect()];
    for row in &r.rows {
        let g = |n: &str| row.indicator(n).copied();
        let st = g("stunting");
        table.push(vec![
            level_name(row.level, lang).to_owned(),
            row.code.clone().unwrap_or_default(),
            row.counts.families.to_string(),
            row.counts.sasaran.to_string(),
            row.counts.krs.to_string(),
            pct(g("krs").and_then(|e| e.value), lang),
            row.counts.pus.to_string(),
            pct(g("cpr").and_then(|e| e.value), lang),
            pct(g("mcpr").and_then(|e| e.value), lang),
            pct(g("mkjp_share").and_then(|e| e.value), lang),
            pct(g("unmet_need").and_then(|e| e.value), lang),
            row.counts.children_measured.to_string(),
            match st {
                Some(e) => format!(
                    "{} [{}–{}] {}/{}",
                    pct(e.value, lang),
                    pct(e.ci_low, lang),
                    pct(e.ci_high, lang),
                    e.numerator,
                    e.denominator
                ),
                None => "–".to_owned(),
            },
            pct(g("wasting").and_then(|e| e.value), lang),
            pct(g("underweight").and_then(|e| e.value), lang),
            pct(g("overweight").and_then(|e| e.value), lang),
        ]);
    }
    let widths: Vec<usize> = (0..head.len())
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (i, row) in table.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            if c < 2 {
                let _ = write!(s, "{cell}{} ", " ".repeat(pad));
            } else {
                let _ = write!(s, "{}{cell} ", " ".repeat(pad));
            }
        }
        s.push('\n');
        if i == 0 {
            let total: usize = widths.iter().sum::<usize>() + widths.len();
            let _ = writeln!(s, "{}", "─".repeat(total));
        }
    }
    if let Some(total) = r.rows.first() {
        let _ = writeln!(
            s,
            "\n{} ({}: {})",
            t(
                lang,
                "Faktor risiko KRS (keluarga unik per faktor; tidak dijumlahkan)",
                "KRS risk factors (unique families per factor; do not add up)"
            ),
            t(lang, "KRS", "KRS"),
            total.counts.krs
        );
        for f in KRS_FACTORS {
            if let Some(e) = total.indicator(f) {
                let _ = writeln!(
                    s,
                    "  {:<28} {:>7} {:>6}%",
                    factor_label(f, lang),
                    e.numerator,
                    pct(e.value, lang)
                );
            }
        }
        let _ = writeln!(
            s,
            "\n{} ({}: {})",
            t(lang, "Bauran metode KB", "Method mix"),
            t(lang, "peserta", "users"),
            total.counts.users
        );
        for m in MIX_METHODS {
            if let Some(e) = total.indicator(m.as_str()) {
                if e.numerator > 0 {
                    let _ = writeln!(
                        s,
                        "  {:<28} {:>7} {:>6}%",
                        m.as_str(),
                        e.numerator,
                        pct(e.value, lang)
                    );
                }
            }
        }
        let c = &total.counts;
        let _ = writeln!(
            s,
            "\n{}: HAZ {}, WHZ {}, WAZ {}",
            t(
                lang,
                "Pengukuran tidak wajar (flag WHO, dikeluarkan dari prevalensi)",
                "Implausible measurements (WHO flags, excluded from prevalence)"
            ),
            c.stunting.flagged,
            c.wasting.flagged,
            c.underweight.flagged
        );
    }
    if !r.kampung_kb.is_empty() {
        let _ = writeln!(
            s,
            "\n{}",
            t(
                lang,
                "Klasifikasi Kampung KB (DOMAIN.md §5.4)",
                "Kampung KB classification (DOMAIN.md §5.4)"
            )
        );
        for d in &r.kampung_kb {
            let c = &d.classification;
            let _ = writeln!(
                s,
                "  {}  {:<14} input {:.2}  proses {:.2}  output {:.2}",
                d.code,
                c.class.name(),
                c.index_input,
                c.index_proses,
                c.index_output
            );
        }
    }
    let ex = &r.exclusions;
    let _ = writeln!(
        s,
        "\n{}: {} {}, {} {}",
        t(lang, "Dikeluarkan", "Excluded"),
        ex.families_excluded,
        t(lang, "keluarga", "families"),
        ex.measurements_excluded,
        t(lang, "pengukuran", "measurements")
    );
    for (code, n) in &ex.reasons {
        let _ = writeln!(s, "  {code:<32} {n:>7}");
    }
    let _ = writeln!(
        s,
        "\n{}",
        t(
            lang,
            "CI: interval skor Wilson 95% (tanpa bobot survei). Persentase = pembilang/penyebut, wilayah induk = jumlah pembilang dan penyebut.",
            "CI: 95% Wilson score interval (no survey weights). Percent = numerator/denominator; parent regions sum numerators and denominators."
        )
    );
    s
}

pub fn write_errors_csv<W: Write>(w: &mut W, e: &LineError) -> std::io::Result<()> {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    writeln!(
        w,
        "{},{},{},{},{},{}",
        q(&e.file),
        e.line,
        q(&e.field),
        e.code,
        q(&e.message),
        e.excluded
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chunks hold whole lines, in order, and the workers' numbering plus
    /// the lines of the batches before gives the lines of the file,
    /// whatever the chunk size (lines longer than a chunk, blank lines,
    /// CRLF, no final newline).
    #[test]
    fn chunks_keep_lines_and_numbers() {
        let text = "{\"a\":1}\n\n  \r\n{\"b\":\"ünï\"}\r\nlong line of text here\n\nlast";
        let expected: Vec<(u64, &str)> = text
            .split_inclusive('\n')
            .zip(1..)
            .filter(|(l, _)| !l.trim().is_empty())
            .map(|(l, n)| (n, l))
            .collect();
        let opts = RegisterOptions::new(NaiveDate::from_ymd_opt(2025, 7, 1).expect("date"));
        let tables = Tables2006::bundled();
        for chunk in 1..=text.len() + 1 {
            let input: Stream = Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
            let mut chunker = Chunker::new(input, chunk);
            let mut got: Vec<(u64, String)> = Vec::new();
            let mut before = 0;
            for (i, (no, work)) in std::iter::from_fn(|| chunker.next_batch()).enumerate() {
                assert_eq!(no, i as u64);
                let Work::Lines(bytes) = work else {
                    panic!("lines")
                };
                let chunk_text = std::str::from_utf8(&bytes).expect("utf-8").to_owned();
                let done = process_work(Work::Lines(bytes), &opts, &tables);
                let lines: Vec<&str> = chunk_text.split_inclusive('\n').collect();
                for (n, _) in &done.items {
                    let l = lines[usize::try_from(*n).expect("index") - 1];
                    got.push((before + n, l.to_owned()));
                }
                before += done.lines.expect("JSON Lines");
            }
            let got: Vec<(u64, &str)> = got.iter().map(|(n, l)| (*n, l.as_str())).collect();
            assert_eq!(got, expected, "chunk {chunk}");
            assert_eq!(before, 7, "chunk {chunk}");
        }
    }

    /// Two threads, English, five errors kept, as of 1 July 2025.
    fn test_options() -> ReportOptions {
        ReportOptions {
            as_of: NaiveDate::from_ymd_opt(2025, 7, 1).expect("date"),
            lang: Locale::En,
            threads: 2,
            progress: false,
            max_errors_kept: 5,
        }
    }

    /// The two-thread JSON writer gives `to_writer_pretty`'s bytes: the
    /// bundled sample's report, with a file name that looks like the rows
    /// field and with no rows, one row and two rows.
    #[test]
    fn json_writer_equals_serde_pretty() {
        let opts = test_options();
        let input: Stream = Box::new(crate::SAMPLE_REGISTER.as_bytes());
        let (agg, exclusions, errors, errors_truncated) =
            run(Input::Jsonl("s.jsonl".to_owned(), input), &opts, |_| {}).expect("runs");
        let all = agg.rows();
        assert!(all.len() > 3 && !errors.is_empty());
        for n in [all.len(), 0, 1, 2] {
            let mut rep = Report {
                as_of: opts.as_of,
                source: "a\n  \"rows\": []\n\u{e9}.jsonl".to_owned(),
                ci_method: "wilson_95",
                rows: all.get(..n).expect("rows").to_vec(),
                kampung_kb: Vec::new(),
                exclusions: exclusions.clone(),
                errors: errors.clone(),
                errors_truncated,
            };
            let want = serde_json::to_vec_pretty(&rep).expect("serializes");
            let mut got = Vec::new();
            write_json_pretty(&mut got, &mut rep).expect("writes");
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&want),
                "{n} rows"
            );
            assert_eq!(rep.rows.len(), n);
        }
    }

    /// A read error stops the report with that error, after the lines
    /// read before it.
    #[test]
    fn read_error_fails_the_report() {
        struct Failing(std::io::Cursor<Vec<u8>>);
        impl std::io::Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                match self.0.read(buf)? {
                    0 => Err(std::io::Error::other("disk gone")),
                    n => Ok(n),
                }
            }
        }
        let text = crate::SAMPLE_REGISTER.as_bytes().to_vec();
        let input: Stream = Box::new(Failing(std::io::Cursor::new(text)));
        let mut seen = 0;
        let r = run(
            Input::Jsonl("x.jsonl".to_owned(), input),
            &test_options(),
            |_| {
                seen += 1;
            },
        );
        assert_eq!(r.err(), Some("disk gone".to_owned()));
        assert!(seen > 0, "the lines before the error were processed");
    }

    /// Text that is not UTF-8 stops the report with `read_line`'s error.
    #[test]
    fn not_utf8_fails_the_report() {
        for text in [&b"{}\n\xff\n"[..], b"\xc3", b"{}\n{}\n\n\x80{}"] {
            let input: Stream = Box::new(std::io::Cursor::new(text.to_vec()));
            let r = run(
                Input::Jsonl("x.jsonl".to_owned(), input),
                &test_options(),
                |_| {},
            );
            assert_eq!(r.err(), Some(NOT_UTF8.to_owned()));
        }
    }
}
