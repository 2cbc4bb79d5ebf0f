//! The report engine: one path from any register input to a [`Report`].
//!
//! ```text
//! input ──► batches ──► workers (parallel: read, validate, contribute) ──► collector (in input order)
//!           JSON Lines chunks      register::json / table → validate        duplicate guard, exclusions,
//!           record or row ranges   → report::contribution                   aggregation, problems
//! ```
//!
//! Batches are handed to worker threads (feature `parallel`; one thread
//! per core by default) and their results are taken back **in input
//! order**, so "the first valid family wins" is deterministic and the
//! report is the same whatever the number of threads. At most a few
//! batches per worker are in flight (a bounded reorder buffer), so memory
//! stays flat: fixed-size counters per region plus the duplicate guard's
//! fingerprints. Without the `parallel` feature (e.g. WebAssembly) the
//! same steps run on the calling thread.

pub(crate) mod collect;
mod jsonl;
#[doc(hidden)]
pub use jsonl::chunks_for_fuzzing;

use super::exclusions::Problem;
use super::{Report, ReportState};
use crate::growth::Tables2006;
use crate::register::table::{EntityTables, Located, Table, TableRead, TableRow};
use crate::register::{RegisterFamily, RegisterOptions, RegisterRead};
use crate::risk::krs::KrsRuleSet;
use chrono::NaiveDate;
use collect::{Collector, Done, Outcome};
use serde_json::Value;

pub use jsonl::DEFAULT_MAX_LINE_BYTES;

/// Options of a report run.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ReportOptions {
    /// Reference date and rule set of the register.
    pub register: RegisterOptions,
    /// Worker threads; 0 (the default) means one per available core.
    pub threads: usize,
    /// Problems kept in [`Report::errors`] (the rest are counted in
    /// [`Report::errors_truncated`]; an [`Observer`] sees them all).
    pub errors_kept: usize,
    /// Longest JSON Lines line read (bytes); a longer line is excluded
    /// (`register_line_too_long`) and skipped. Default 8 MiB.
    pub max_line_bytes: usize,
    /// The number of this part of a register, for a mergeable
    /// [`ReportState`] (parts are ordered by it).
    pub part: u64,
    /// Added to the record numbers (JSON Lines lines, record positions) of
    /// this part, so that a part numbers its records as in the whole register.
    pub first_record: u64,
    /// The survey design of the growth prevalences ([`ReportOptions::with_design`]).
    pub design: Option<super::ReportDesign>,
    /// The SKDN table of a month ([`ReportOptions::with_month`]).
    pub skdn: Option<super::SkdnOptions>,
}

impl ReportOptions {
    /// Defaults with reference date `as_of`.
    pub fn new(as_of: NaiveDate) -> ReportOptions {
        ReportOptions {
            register: RegisterOptions::new(as_of),
            threads: 0,
            errors_kept: usize::MAX,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            part: 0,
            first_record: 0,
            design: None,
            skdn: None,
        }
    }
    /// With the survey design `design` (its fields read from every family;
    /// see [`super::design`]); a design naming no field is no design.
    pub fn with_design(mut self, design: super::ReportDesign) -> Self {
        self.design = (!design.is_empty()).then_some(design);
        self
    }
    /// As part `part` of a register (see [`ReportState`]).
    pub fn with_part(mut self, part: u64) -> Self {
        self.part = part;
        self
    }
    /// Numbering records from `first + 1` (JSON Lines) or `first` (records).
    pub fn with_first_record(mut self, first: u64) -> Self {
        self.first_record = first;
        self
    }
    /// With `n` worker threads (0: one per core).
    pub fn with_threads(mut self, n: usize) -> Self {
        self.threads = n;
        self
    }
    /// Keeping at most `n` problems in the report.
    pub fn with_errors_kept(mut self, n: usize) -> Self {
        self.errors_kept = n;
        self
    }
    /// With the KRS rule set `rules`.
    pub fn with_krs_rules(mut self, rules: KrsRuleSet) -> Self {
        self.register.krs_rules = rules;
        self
    }
    /// With the SKDN table of `month` (MONITORING.md §2) under the rule set
    /// `kia2023` (see [`super::skdn`]; [`ReportOptions::with_skdn`] for
    /// another rule set).
    ///
    /// # Errors
    /// `date_in_future` when the month starts after the reference date.
    pub fn with_month(
        self,
        month: crate::monitoring::date::YearMonth,
    ) -> Result<Self, crate::FieldError> {
        self.with_skdn(super::SkdnOptions::new(month))
    }
    /// With the SKDN table of `skdn`'s month and rule set.
    ///
    /// # Errors
    /// As [`ReportOptions::with_month`].
    pub fn with_skdn(mut self, skdn: super::SkdnOptions) -> Result<Self, crate::FieldError> {
        skdn.check(self.register.as_of)?;
        self.skdn = Some(skdn);
        Ok(self)
    }
    /// With a longest JSON Lines line of `bytes`.
    pub fn with_max_line_bytes(mut self, bytes: usize) -> Self {
        self.max_line_bytes = bytes.max(1);
        self
    }

    /// The number of worker threads to start.
    #[cfg(feature = "parallel")]
    fn workers(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
            n => n,
        }
    }
}

/// How far a run has come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Family records read so far.
    pub records: u64,
    /// Bytes of input read so far (JSON Lines), 0 when unknown.
    pub bytes: u64,
}

/// What a run reports while it goes: every problem as it is found (e.g. to
/// write an errors file) and its progress. Every method does nothing by
/// default; `()` observes nothing.
pub trait Observer {
    /// The size of the work, once, before the first record: the records
    /// or bytes to read, 0 when unknown.
    fn start(&mut self, _total: Progress) {}
    /// A problem, in input order.
    fn problem(&mut self, _problem: &Problem) {}
    /// Progress after each batch.
    fn progress(&mut self, _progress: Progress) {}
}

impl Observer for () {}

/// A source of batches for the workers.
trait Work: Sync {
    type Batch: Send;
    /// The next batch with its sequence number (0, 1, …), or `None` at the end.
    fn next(&self) -> Option<(u64, Self::Batch)>;
    /// Reads, validates and contributes every record of a batch.
    fn process(&self, batch: Self::Batch, ctx: &Ctx<'_>) -> Done;
    /// Problems found after every batch (rows without a family).
    fn tail(&self) -> Vec<Located> {
        Vec::new()
    }
}

/// What a worker needs besides its batch.
struct Ctx<'a> {
    opts: &'a RegisterOptions,
    /// The WHO tables, one copy per worker.
    tables: Tables2006,
    /// The survey design whose fields each family must hold.
    design: Option<&'a super::ReportDesign>,
    /// The SKDN month, when asked for.
    skdn: Option<&'a super::SkdnOptions>,
}

impl Ctx<'_> {
    /// The outcome of a read record: its contribution and identifiers, or
    /// its problems. `errors` are `read.errors` located in the input.
    fn outcome(
        &self,
        family: Option<RegisterFamily>,
        errors: Vec<(Option<u32>, Located)>,
        lost: u32,
        niks: &mut Vec<(u32, u64)>,
        design: Option<Result<super::FamilyDesign, Vec<Located>>>,
    ) -> Outcome {
        match (family, design) {
            (Some(f), design @ (None | Some(Ok(_)))) => {
                let start = niks.len();
                let kk = crate::register::fingerprints(&f.family, niks);
                let mut contribution = super::contribution(&f, self.opts, &self.tables);
                contribution.design = design.and_then(Result::ok).map(Box::new);
                if let Some(o) = self.skdn {
                    contribution.skdn = super::skdn::family_skdn(&f, self.opts.as_of, o);
                }
                Outcome::Family {
                    contribution,
                    kk,
                    niks: start..niks.len(),
                    measurement_errors: errors,
                    excluded: lost,
                }
            }
            (_, design) => Outcome::Invalid(
                errors
                    .into_iter()
                    .map(|(_, l)| l)
                    .chain(design.and_then(Result::err).into_iter().flatten())
                    .collect(),
            ),
        }
    }

    /// The design of a family read from its fields (`None` without a
    /// design), its problems located at `row` of the families table.
    fn design<'c>(
        &self,
        cell: impl Fn(&str) -> crate::register::Cell<'c>,
        row: u64,
    ) -> Option<Result<super::FamilyDesign, Vec<Located>>> {
        let d = self.design?;
        Some(d.read(cell).map_err(|es| {
            es.into_iter()
                .map(|error| Located {
                    table: crate::register::table::EntityTable::Families,
                    row,
                    error,
                })
                .collect()
        }))
    }

    /// [`Ctx::outcome`] of a record read as a whole (JSON Lines, records):
    /// errors are located at `record` in the families table.
    fn whole(
        &self,
        read: RegisterRead,
        record: u64,
        niks: &mut Vec<(u32, u64)>,
        value: Option<&Value>,
    ) -> Outcome {
        let family_ok = read.family.is_some();
        let errors = read
            .errors
            .into_iter()
            .map(|error| {
                // A measurement's position, to count its codes once.
                let m = match error.path().segments() {
                    [crate::PathSegment::Field("measurements"), crate::PathSegment::Index(i), ..]
                        if family_ok =>
                    {
                        Some(*i)
                    }
                    _ => None,
                };
                (
                    m,
                    Located {
                        table: crate::register::table::EntityTable::Families,
                        row: record,
                        error,
                    },
                )
            })
            .collect();
        // A record that is not an object has no design fields to report.
        let design = value
            .filter(|v| v.is_object())
            .and_then(|v| self.design(|n| crate::register::Cell::of(v.get(n)), record));
        self.outcome(
            read.family,
            errors,
            read.measurements_excluded,
            niks,
            design,
        )
    }
}

/// Runs `work` to the end: workers in parallel (feature `parallel`),
/// collection in input order on the calling thread.
fn run<W: Work>(
    work: &W,
    opts: &ReportOptions,
    observer: &mut dyn Observer,
    relative_lines: bool,
    deferred: bool,
) -> Collector {
    let mut collector = Collector::new(
        opts.errors_kept,
        relative_lines,
        opts.first_record,
        deferred,
    );
    collector.design.clone_from(&opts.design);
    collector.skdn(opts.skdn.as_ref());
    let ctx = || Ctx {
        opts: &opts.register,
        tables: Tables2006::bundled(),
        design: opts.design.as_ref(),
        skdn: opts.skdn.as_ref(),
    };
    #[cfg(feature = "parallel")]
    {
        let workers = opts.workers();
        let gate = Gate::new(2 * workers + 2);
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::channel::<(u64, Done)>();
            for _ in 0..workers {
                let tx = tx.clone();
                let gate = &gate;
                s.spawn(move || {
                    let ctx = ctx();
                    while gate.acquire() {
                        let Some((no, batch)) = work.next() else {
                            gate.close();
                            break;
                        };
                        if tx.send((no, work.process(batch, &ctx))).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            collector.take_all(rx.iter(), observer, || gate.release());
            gate.close();
        });
    }
    #[cfg(not(feature = "parallel"))]
    {
        let ctx = ctx();
        let batches = std::iter::from_fn(|| work.next().map(|(no, b)| (no, work.process(b, &ctx))));
        collector.take_all(batches, observer, || {});
    }
    collector.tail(work.tail(), observer);
    collector
}

/// A counting semaphore: at most `n` batches taken and not yet collected.
#[cfg(feature = "parallel")]
struct Gate {
    free: std::sync::Mutex<(usize, bool)>,
    cv: std::sync::Condvar,
}

#[cfg(feature = "parallel")]
impl Gate {
    fn new(n: usize) -> Gate {
        Gate {
            free: std::sync::Mutex::new((n, false)),
            cv: std::sync::Condvar::new(),
        }
    }
    /// Waits for a free slot; false once the run is over.
    fn acquire(&self) -> bool {
        let Ok(mut g) = self.free.lock() else {
            return false;
        };
        while g.0 == 0 && !g.1 {
            match self.cv.wait(g) {
                Ok(next) => g = next,
                Err(_) => return false,
            }
        }
        if g.1 {
            return false;
        }
        g.0 -= 1;
        true
    }
    fn release(&self) {
        if let Ok(mut g) = self.free.lock() {
            g.0 += 1;
        }
        self.cv.notify_one();
    }
    fn close(&self) {
        if let Ok(mut g) = self.free.lock() {
            g.1 = true;
        }
        self.cv.notify_all();
    }
}

/// Records held in memory, in batches of index ranges.
struct Ranges {
    next: std::sync::atomic::AtomicUsize,
    len: usize,
    size: usize,
}

impl Ranges {
    fn new(len: usize, size: usize) -> Ranges {
        Ranges {
            next: std::sync::atomic::AtomicUsize::new(0),
            len,
            size: size.max(1),
        }
    }
    fn next(&self) -> Option<(u64, std::ops::Range<usize>)> {
        let start = self
            .next
            .fetch_add(self.size, std::sync::atomic::Ordering::Relaxed);
        (start < self.len).then(|| {
            (
                (start / self.size) as u64,
                start..(start + self.size).min(self.len),
            )
        })
    }
}

/// In-memory records (JSON values).
struct Records<'a> {
    values: &'a [Value],
    ranges: Ranges,
}

impl Work for Records<'_> {
    type Batch = std::ops::Range<usize>;
    fn next(&self) -> Option<(u64, Self::Batch)> {
        self.ranges.next()
    }
    fn process(&self, batch: Self::Batch, ctx: &Ctx<'_>) -> Done {
        let mut done = Done::default();
        for i in batch {
            let Some(v) = self.values.get(i) else {
                continue;
            };
            let read = RegisterFamily::from_value(v, ctx.opts);
            let o = ctx.whole(read, i as u64, &mut done.niks, Some(v));
            done.items.push((i as u64, o));
        }
        done
    }
}

/// Entity tables (family rows with their member and measurement rows).
struct Tables<'a, 't, F: Table + ?Sized, M: Table + ?Sized, X: Table + ?Sized> {
    tables: &'a EntityTables<'t, F, M, X>,
    ranges: Ranges,
}

impl<F: Table + ?Sized, M: Table + ?Sized, X: Table + ?Sized> Work for Tables<'_, '_, F, M, X> {
    type Batch = std::ops::Range<usize>;
    fn next(&self) -> Option<(u64, Self::Batch)> {
        self.ranges.next()
    }
    fn process(&self, batch: Self::Batch, ctx: &Ctx<'_>) -> Done {
        let mut done = Done::default();
        for i in batch {
            let TableRead { read, errors } = self.tables.read_family(i, ctx.opts);
            let row = self.tables.families().row(i);
            let no = self.tables.families().number(i);
            let design = ctx.design(|n| row.named(n), no);
            let o = ctx.outcome(
                read.family,
                errors,
                read.measurements_excluded,
                &mut done.niks,
                design,
            );
            done.items.push((self.tables.families().number(i), o));
        }
        done
    }
    fn tail(&self) -> Vec<Located> {
        self.tables.orphans()
    }
}

/// Families per in-memory batch.
const BATCH: usize = 1024;

impl Report {
    /// The report of a JSON Lines register read from `input` (a file,
    /// stdin): one family per line, blank lines skipped, a UTF-8 byte-order
    /// mark at the start ignored. A line that is not JSON, not UTF-8 or
    /// longer than [`ReportOptions::max_line_bytes`] is an excluded family
    /// with its line number; the run goes on.
    ///
    /// # Errors
    /// A read error of `input` (after the lines read before it).
    pub fn from_json_lines<R: std::io::Read + Send>(
        input: R,
        opts: &ReportOptions,
        observer: &mut dyn Observer,
    ) -> std::io::Result<Report> {
        let work = jsonl::JsonLines::new(input, opts.max_line_bytes);
        let collector = run(&work, opts, observer, true, false);
        work.error()?;
        Ok(collector.finish(opts.register.as_of))
    }

    /// The report of register records held in memory (JSON values, one
    /// family each; errors carry the 0-based position).
    pub fn from_records(
        records: &[Value],
        opts: &ReportOptions,
        observer: &mut dyn Observer,
    ) -> Report {
        let work = Records {
            values: records,
            ranges: Ranges::new(records.len(), BATCH),
        };
        run(&work, opts, observer, false, false).finish(opts.register.as_of)
    }

    /// The report of a register kept as entity tables, in any row order
    /// (see [`crate::register::table`]). Member and measurement rows
    /// without a family are reported after the families.
    pub fn from_tables<F: Table + ?Sized, M: Table + ?Sized, X: Table + ?Sized>(
        tables: &EntityTables<'_, F, M, X>,
        opts: &ReportOptions,
        observer: &mut dyn Observer,
    ) -> Report {
        let work = Tables {
            tables,
            ranges: Ranges::new(tables.len(), BATCH / 2),
        };
        run(&work, opts, observer, false, false).finish(opts.register.as_of)
    }
}

impl ReportState {
    /// The mergeable state of a JSON Lines part (see [`Report::from_json_lines`]
    /// and [`ReportState`]). The observer sees the problems settled in the
    /// part (invalid records), not those that depend on the other parts.
    ///
    /// # Errors
    /// A read error of `input`.
    pub fn from_json_lines<R: std::io::Read + Send>(
        input: R,
        opts: &ReportOptions,
        observer: &mut dyn Observer,
    ) -> std::io::Result<ReportState> {
        let work = jsonl::JsonLines::new(input, opts.max_line_bytes);
        let collector = run(&work, opts, observer, true, true);
        work.error()?;
        Ok(ReportState::from_collector(
            collector,
            opts.register.as_of,
            opts.part,
            opts.errors_kept,
        ))
    }

    /// The mergeable state of records held in memory.
    pub fn from_records(
        records: &[Value],
        opts: &ReportOptions,
        observer: &mut dyn Observer,
    ) -> ReportState {
        let work = Records {
            values: records,
            ranges: Ranges::new(records.len(), BATCH),
        };
        let c = run(&work, opts, observer, false, true);
        ReportState::from_collector(c, opts.register.as_of, opts.part, opts.errors_kept)
    }

    /// The mergeable state of entity tables holding whole families (every
    /// row of one `no_kk` in this part).
    pub fn from_tables<F: Table + ?Sized, M: Table + ?Sized, X: Table + ?Sized>(
        tables: &EntityTables<'_, F, M, X>,
        opts: &ReportOptions,
        observer: &mut dyn Observer,
    ) -> ReportState {
        let work = Tables {
            tables,
            ranges: Ranges::new(tables.len(), BATCH / 2),
        };
        let c = run(&work, opts, observer, false, true);
        ReportState::from_collector(c, opts.register.as_of, opts.part, opts.errors_kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Excluded;

    const SAMPLE: &str = include_str!("../../../../examples/data/report_sample.jsonl");

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 7, 1).expect("date")
    }

    fn jsonl(text: &[u8], opts: &ReportOptions) -> Report {
        Report::from_json_lines(text, opts, &mut ()).expect("reads")
    }

    /// The same report whatever the number of threads, and from the same
    /// records held in memory (lines that are not JSON aside).
    #[test]
    fn one_report_whatever_the_threads_and_the_input() {
        let one = jsonl(
            SAMPLE.as_bytes(),
            &ReportOptions::new(as_of()).with_threads(1),
        );
        assert_eq!(one.exclusions.families_read, 2100);
        assert_eq!(
            one.exclusions.families_read,
            one.exclusions.families_included + one.exclusions.families_excluded
        );
        for threads in [2, 3, 8] {
            let r = jsonl(
                SAMPLE.as_bytes(),
                &ReportOptions::new(as_of()).with_threads(threads),
            );
            assert_eq!(r, one, "{threads} threads");
        }
        let records: Vec<Value> = SAMPLE
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or(Value::Null))
            .collect();
        let mem = Report::from_records(&records, &ReportOptions::new(as_of()), &mut ());
        assert_eq!(mem.rows, one.rows);
        assert_eq!(
            mem.exclusions.families_included,
            one.exclusions.families_included
        );
        // In memory, records are numbered from 0; a line is numbered from 1.
        let lines: Vec<u64> = one.errors.iter().map(|p| p.record).collect();
        let positions: Vec<u64> = mem
            .errors
            .iter()
            .filter(|p| p.error.code() != crate::ErrorCode::InvalidType)
            .map(|p| p.record + 1)
            .collect();
        let json_lines: Vec<u64> = one
            .errors
            .iter()
            .filter(|p| p.error.code() != crate::ErrorCode::RegisterMalformedLine)
            .map(|p| p.record)
            .collect();
        assert_eq!(positions, json_lines);
        assert!(
            lines.windows(2).all(|w| w[0] <= w[1]),
            "problems in input order"
        );
    }

    /// A line that is not UTF-8, not JSON or too long is one excluded
    /// family with its line number; blank lines are skipped; the run
    /// goes on; a byte-order mark is ignored.
    #[test]
    fn bad_lines_are_excluded_with_their_numbers() {
        let good = SAMPLE.lines().next().expect("line");
        let long = format!("{{\"no_kk\": \"{}\"}}", "9".repeat(3000));
        let text = format!("\u{feff}{good}\n\n\u{0}\n{{\"no_kk\n{long}\n  \r\n");
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(b"\xff\xfe\n");
        bytes.extend_from_slice(good.replace("\"no_kk\":\"", "\"no_kk\":\"9").as_bytes());
        for threads in [1, 2] {
            let opts = ReportOptions::new(as_of())
                .with_threads(threads)
                .with_max_line_bytes(2000);
            let r = jsonl(&bytes, &opts);
            let got: Vec<(u64, &str, Excluded)> = r
                .errors
                .iter()
                .map(|p| (p.record, p.error.code().as_str(), p.excluded))
                .collect();
            assert_eq!(
                got,
                [
                    (3, "register_malformed_line", Excluded::Family),
                    (4, "register_malformed_line", Excluded::Family),
                    (5, "register_line_too_long", Excluded::Family),
                    (7, "register_malformed_line", Excluded::Family),
                    (8, "kk_length", Excluded::Family),
                ]
            );
            assert_eq!(r.exclusions.families_read, 6);
            assert_eq!(r.exclusions.families_included, 1);
        }
    }

    /// A read error ends the run with that error.
    #[test]
    fn read_error_fails_the_run() {
        struct Failing(std::io::Cursor<Vec<u8>>);
        impl std::io::Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                match self.0.read(buf)? {
                    0 => Err(std::io::Error::other("disk gone")),
                    n => Ok(n),
                }
            }
        }
        struct Count(usize);
        impl Observer for Count {
            fn problem(&mut self, _: &Problem) {
                self.0 += 1;
            }
        }
        let mut seen = Count(0);
        let input = Failing(std::io::Cursor::new(SAMPLE.as_bytes().to_vec()));
        let r = Report::from_json_lines(input, &ReportOptions::new(as_of()), &mut seen);
        assert_eq!(r.err().map(|e| e.to_string()), Some("disk gone".to_owned()));
        assert!(seen.0 > 0, "the lines before the error were processed");
    }

    /// Problems beyond the number kept are counted, and all observed.
    #[test]
    fn kept_problems_are_capped() {
        struct Count(usize);
        impl Observer for Count {
            fn problem(&mut self, _: &Problem) {
                self.0 += 1;
            }
        }
        let mut seen = Count(0);
        let r = Report::from_json_lines(
            SAMPLE.as_bytes(),
            &ReportOptions::new(as_of()).with_errors_kept(5),
            &mut seen,
        )
        .expect("reads");
        assert_eq!(r.errors.len(), 5);
        assert_eq!(r.errors.len() as u64 + r.errors_truncated, seen.0 as u64);
    }
}
