//! `kampung`: the command-line program. A thin shell over `kampung-core`:
//! it parses arguments, opens files, calls one core function and prints.
//!
//! Exit status: 0 ok; 1 the input had invalid records (`validate`, and
//! `report --strict`); 2 a usage or I/O error; 141 when the reader of the
//! output went away (`| head`).

mod pseudonymize;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use kampung_core::error::{rows_summary, write_row_errors_csv, FieldError, RowError};
use kampung_core::family::lines::check_json_lines;
use kampung_core::growth::children_csv::{write_zscores_csv, CellPolicy, ChildrenCsvOptions};
use kampung_core::growth::prevalence::{
    prevalence_csv, quality_csv, CsvColumns, MethodChoice, PrevalenceOptions,
};
use kampung_core::kb::dhs::{dhs_file, DhsColumns, DhsRules, FpOptions, WomenFormat};
use kampung_core::monitoring::csv::{monitor_csv, options_from_pairs};
use kampung_core::monitoring::date::YearMonth;
use kampung_core::output::AtomicFile;
use kampung_core::register::synthetic::{self, SyntheticRegister};
use kampung_core::report::{
    parse_profiles, render, Observer, Problem, Progress, RegisterInput, Report, ReportDesign,
    ReportOptions,
};
use kampung_core::survey::LonelyPsu;
use kampung_core::today::TimeZone as IndonesianTimeZone;
use kampung_core::{FamilyOptions, Locale};
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const SAMPLE_FAMILIES: &str = include_str!("../../data/sample_families.jsonl");
/// The bundled register (`kampung generate`'s defaults: one kecamatan, 2 % defects).
const SAMPLE_REGISTER: &str = include_str!("../../data/report_sample.jsonl");
/// Kampung KB profiles of the sample's desa.
const SAMPLE_PROFILES: &str = include_str!("../../data/report_sample_profiles.json");

/// Kampung KB indicators: family registers, village reports, WHO z-scores.
#[derive(Parser)]
#[command(name = "kampung", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate families (one JSON object per line) and print every problem.
    Validate(ValidateArgs),
    /// The village report of a family register (JSON Lines or three CSV files).
    Report(ReportArgs),
    /// WHO 2006 z-scores (as WHO anthro) for every row of a CSV file, streamed.
    Zscores(ZscoresArgs),
    /// Write a synthetic register (a pure function of the seed).
    Generate(GenerateArgs),
    /// Replace NIKs and Nomor KKs by keyed tokens and drop names (JSON Lines or CSV files).
    Pseudonymize(pseudonymize::PseudonymizeArgs),
    /// WHO anthro's prevalence table (anthro_prevalence) of a CSV of children, with a survey design.
    ///
    /// Children: WHO anthro's column names (sex, age | age_days | age_months,
    /// weight, lenhei, measure, oedema; the groupings typeres, gregion, wealthq,
    /// mothered, othergr when present). The design columns are used only when named.
    Prevalence(PrevalenceArgs),
    /// DHS unmet need (v626a) and the family-planning indicator table with design-based SEs.
    ///
    /// Women: a DHS individual recode (IR) as CSV or Parquet (by the .parquet name or
    /// the file's first bytes), the recode variables in any case (docs/dhs.md);
    /// the design is v005 (weight / 1,000,000), v001, v022.
    Dhs(DhsArgs),
    /// Growth monitoring: per-visit codes N/T/O/B, 2T, BGM, referral, WAZ and velocity (MONITORING.md).
    ///
    /// Visits: child_id, visit_date, weight_kg[, lenhei_cm, measure, oedema, headc_cm, muac_cm,
    /// source]. Children: child_id, sex, birth_date[, has_kia, posyandu_id or the --by column].
    Monitor(MonitorArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum Zone {
    Wib,
    Wita,
    Wit,
}

/// The reference date and the language, shared by the commands that validate.
#[derive(Args)]
struct Dated {
    /// Language of messages and labels: id or en.
    #[arg(long, default_value = "id", value_parser = parse(Locale::parse))]
    lang: Locale,
    /// Reference date YYYY-MM-DD [default: today in --tz].
    #[arg(long, value_parser = date)]
    as_of: Option<NaiveDate>,
    /// Time zone of "today" when --as-of is not given.
    #[arg(long, value_enum, default_value = "wib")]
    tz: Zone,
}

impl Dated {
    /// `--as-of`, or today's date in `--tz` (with the zone, to say so).
    fn as_of(&self) -> (NaiveDate, Option<IndonesianTimeZone>) {
        match self.as_of {
            Some(d) => (d, None),
            None => {
                let z = match self.tz {
                    Zone::Wib => IndonesianTimeZone::Wib,
                    Zone::Wita => IndonesianTimeZone::Wita,
                    Zone::Wit => IndonesianTimeZone::Wit,
                };
                (z.today(), Some(z))
            }
        }
    }
}

fn date(s: &str) -> Result<NaiveDate, String> {
    kampung_core::input::parse_date(s).map_err(|_| format!("not a date YYYY-MM-DD: {s:?}"))
}

#[derive(Args)]
struct ValidateArgs {
    /// Families, one JSON object per line [default: the bundled sample].
    file: Option<PathBuf>,
    /// The longest line read, in bytes; a longer line is one invalid line
    /// (`register_line_too_long`).
    #[arg(long, default_value_t = kampung_core::report::engine::DEFAULT_MAX_LINE_BYTES)]
    max_line_bytes: usize,
    #[command(flatten)]
    dated: Dated,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Args)]
struct ReportArgs {
    /// Register, one family per line (`-`: stdin) [default: the bundled sample].
    #[arg(conflicts_with = "families")]
    register: Option<PathBuf>,
    /// CSV register: the families file (with --members and --measurements).
    #[arg(long, requires_all = ["members", "measurements"])]
    families: Option<PathBuf>,
    /// CSV register: the members file.
    #[arg(long, requires = "families")]
    members: Option<PathBuf>,
    /// CSV register: the measurements file.
    #[arg(long, requires = "families")]
    measurements: Option<PathBuf>,
    /// Output on stdout.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Also write one offline HTML page with charts.
    #[arg(long)]
    html: Option<PathBuf>,
    /// Kampung KB profiles (JSON object {region_code: profile}): classify each desa.
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Write every problem (file, line, field, code, message, excluded) to this CSV file.
    #[arg(long)]
    errors: Option<PathBuf>,
    /// Worker threads [default: one per core].
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
    /// Exit with status 1 when any family, measurement or row was excluded.
    #[arg(long)]
    strict: bool,
    /// Add the SKDN table of this month by region (HTML: a chart of N/D by desa).
    #[arg(long, value_name = "YYYY-MM", value_parser = parse(YearMonth::parse))]
    month: Option<YearMonth>,
    /// The longest line, in bytes: in JSON Lines a longer line is one excluded
    /// family (`register_line_too_long`); a CSV file with one is refused.
    #[arg(long, default_value_t = kampung_core::report::engine::DEFAULT_MAX_LINE_BYTES)]
    max_line_bytes: usize,
    /// Survey design: the families field (JSON key, CSV column) holding the sampling weight.
    #[arg(long)]
    weights: Option<String>,
    /// Survey design: the families field holding the cluster (PSU) id.
    #[arg(long)]
    cluster: Option<String>,
    /// Survey design: the families field holding the stratum id.
    #[arg(long)]
    strata: Option<String>,
    /// Survey design: cluster ids are unique only within a stratum.
    #[arg(long, requires = "cluster")]
    nest: bool,
    /// Survey design: a stratum with one PSU (adjust, fail, remove, certainty, average).
    #[arg(long)]
    lonely_psu: Option<String>,
    #[command(flatten)]
    dated: Dated,
}

#[derive(Args)]
struct ZscoresArgs {
    /// Children table (CSV with WHO anthro's columns; `-`: stdin).
    input: PathBuf,
    /// Output CSV [default: stdout].
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Row problems to this CSV file [default: stderr].
    #[arg(long)]
    errors: Option<PathBuf>,
    /// The age column is in months.
    #[arg(long)]
    age_in_month: bool,
    /// Language of the messages: id or en.
    #[arg(long, default_value = "id", value_parser = parse(Locale::parse))]
    lang: Locale,
    /// Copy input cells as they are: without it, cells a spreadsheet would
    /// run as formulas (`=`, `+`, `-`, `@`, tab, CR first; CWE-1236) get a
    /// leading `'` and control characters become U+FFFD (always so on a terminal).
    #[arg(long)]
    raw_cells: bool,
    /// The longest record, in bytes; a longer one is an unreadable row.
    #[arg(long, default_value_t = kampung_core::growth::children_csv::DEFAULT_MAX_RECORD_BYTES)]
    max_line_bytes: usize,
}

#[derive(Args)]
struct GenerateArgs {
    /// Number of families.
    #[arg(long, default_value_t = 2100)]
    families: u64,
    /// The seed.
    #[arg(long, default_value_t = 2025)]
    seed: u64,
    /// Reference date of ages and measurements.
    #[arg(long, value_parser = date, default_value = "2025-07-01")]
    as_of: NaiveDate,
    /// Share of lines with one known defect (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    bad_rate: f64,
    /// Output file [default: stdout].
    #[arg(short, long, conflicts_with = "csv")]
    output: Option<PathBuf>,
    /// Write families.csv, members.csv and measurements.csv in this folder.
    #[arg(long)]
    csv: Option<PathBuf>,
}

/// Input, output, row notes and language of the table commands.
#[derive(Args)]
struct Table {
    /// Input table (CSV).
    input: PathBuf,
    /// Output CSV [default: stdout].
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Row problems and rows left out (row, field, code, message) to this CSV file.
    #[arg(long)]
    errors: Option<PathBuf>,
    /// Language of the messages: id or en.
    #[arg(long, default_value = "id", value_parser = parse(Locale::parse))]
    lang: Locale,
}

/// What a table command's core call returns: rows read and row notes.
type Rows = Result<(usize, Vec<RowError>), kampung_core::Error>;

impl Table {
    /// Opens the input, calls `f` with it and the output, then writes the
    /// notes (`--errors`), commits the output and prints a summary.
    fn run(
        &self,
        f: impl FnOnce(std::fs::File, &mut dyn Write, Locale) -> Rows,
    ) -> Result<ExitCode, Failure> {
        let lang = self.lang;
        let input = std::fs::File::open(&self.input).map_err(at(&self.input))?;
        let mut output = self.output.as_deref().map(AtomicFile::create).transpose()?;
        let mut stdout = std::io::stdout().lock();
        let out: &mut dyn Write = output.as_mut().map_or(&mut stdout, |f| f);
        let (rows, notes) = f(input, out, lang).map_err(|e| e.describe(lang))?;
        if let Some(p) = &self.errors {
            let mut f = AtomicFile::create(p)?;
            write_row_errors_csv(&mut f, &notes, lang)?;
            f.commit()?;
        }
        output.map_or(Ok(()), AtomicFile::commit)?;
        let summary = rows_summary(rows, &notes, lang);
        let _ = writeln!(std::io::stderr(), "kampung: {summary}");
        Ok(ExitCode::SUCCESS)
    }
}

#[derive(Args)]
struct PrevalenceArgs {
    #[command(flatten)]
    table: Table,
    /// Sampling-weight column.
    #[arg(long, value_name = "COL")]
    sw: Option<String>,
    /// Cluster (PSU) column.
    #[arg(long, value_name = "COL")]
    cluster: Option<String>,
    /// Strata column.
    #[arg(long, value_name = "COL")]
    strata: Option<String>,
    /// A grouping: GROUPING=COL (typeres, gregion, wealthq, mothered, othergr), or COL for othergr.
    #[arg(long, value_name = "GROUPING=COL")]
    by: Vec<String>,
    /// The age column is in months (anthro's is_age_in_month).
    #[arg(long)]
    age_in_month: bool,
    /// Clusters are numbered within strata (R survey's nest = TRUE).
    #[arg(long)]
    nest: bool,
    /// Strata with one PSU: adjust (anthro's), fail, remove, certainty, average.
    #[arg(long, default_value = "adjust", value_parser = parse(LonelyPsu::parse))]
    lonely_psu: LonelyPsu,
    /// auto (anthro's choice from the design columns) or survey (always R survey's path).
    #[arg(long, default_value = "auto", value_parser = parse(MethodChoice::parse))]
    method: MethodChoice,
    /// Write the data-quality report (WHO/UNICEF 2019) instead of the prevalence table.
    #[arg(long)]
    quality: bool,
    /// Date-of-birth column YYYY-MM-DD (day and month of birth in --quality).
    #[arg(long, value_name = "COL")]
    dob: Option<String>,
}

#[derive(Args)]
struct DhsArgs {
    #[command(flatten)]
    table: Table,
    /// Rule set: stata (the DHS Stata/SPSS code, Bradley et al. 2012) or r (the DHS R code).
    #[arg(long, default_value = "stata", value_parser = parse(DhsRules::parse))]
    rules: DhsRules,
    /// A break-down column (region, residence, age group…); repeatable.
    #[arg(long, value_name = "COL")]
    by: Vec<String>,
    /// Also write v626a and the rule that fired for every woman (row, v626a, reason) here.
    #[arg(long, value_name = "OUT.csv")]
    v626a: Option<PathBuf>,
}

#[derive(Args)]
struct MonitorArgs {
    #[command(flatten)]
    table: Table,
    /// Children table (CSV).
    #[arg(long)]
    children: PathBuf,
    /// Rule set: kia2023 (Buku KIA 2023) or legacy_2t.
    #[arg(long, default_value = "kia2023")]
    rules: String,
    /// Several weighings in one month: last, first or error [default: the rule set's].
    #[arg(long)]
    month_policy: Option<String>,
    /// Any other rule option of MONITORING.md (e.g. kbm_age_basis=kms_column); repeatable.
    #[arg(long = "option", value_name = "KEY=VALUE")]
    options: Vec<String>,
    /// Reference date YYYY-MM-DD: later visits are errors [default: none].
    #[arg(long)]
    as_of: Option<String>,
    /// Also write the SKDN table of this month (YYYY-MM) to --skdn-output.
    #[arg(long, value_name = "YYYY-MM", requires = "skdn_output")]
    skdn: Option<String>,
    /// The SKDN table's CSV file.
    #[arg(long, requires = "skdn")]
    skdn_output: Option<PathBuf>,
    /// The children's area column of the SKDN table.
    #[arg(long, value_name = "COL", default_value = "posyandu_id")]
    by: String,
}

/// A clap value parser from a core parser (its message on error).
fn parse<T>(f: fn(&str) -> Result<T, FieldError>) -> impl Fn(&str) -> Result<T, String> + Clone {
    move |s| f(s).map_err(|e| e.describe(Locale::En))
}

/// Why a command failed: a message (exit 2), or the output's reader left.
enum Failure {
    Message(String),
    BrokenPipe,
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        match e.kind() {
            std::io::ErrorKind::BrokenPipe => Failure::BrokenPipe,
            _ => Failure::Message(e.to_string()),
        }
    }
}

impl From<String> for Failure {
    fn from(s: String) -> Failure {
        Failure::Message(s)
    }
}

/// `path: error` for a file that cannot be used.
fn at(path: &Path) -> impl Fn(std::io::Error) -> Failure + '_ {
    move |e| Failure::Message(format!("{}: {e}", path.display()))
}

/// A file to read, or stdin for `-`.
fn open(path: &Path) -> Result<Box<dyn BufRead>, Failure> {
    Ok(match path.to_str() {
        Some("-") => Box::new(std::io::stdin().lock()),
        _ => Box::new(BufReader::new(std::fs::File::open(path).map_err(at(path))?)),
    })
}

/// Starts an output file, written whole or not at all (kampung-core's
/// [`AtomicFile`]: a failed run leaves no file, not even an earlier one).
fn create(path: &Path) -> Result<AtomicFile, Failure> {
    AtomicFile::create(path).map_err(at(path))
}

/// Renames a finished output file into place.
fn commit(f: AtomicFile) -> Result<(), Failure> {
    let path = f.path().to_owned();
    f.commit().map_err(at(&path))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version (status 0) or a usage error (2); the help must
        // reach its reader, or the status says it did not.
        Err(e) => match e.print() {
            Ok(()) => return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2)),
            Err(w) if w.kind() == std::io::ErrorKind::BrokenPipe => return ExitCode::from(141),
            Err(_) => return ExitCode::from(2),
        },
    };
    let result = match cli.command {
        Command::Validate(a) => validate(&a),
        Command::Report(a) => report(&a),
        Command::Zscores(a) => zscores(&a),
        Command::Generate(a) => generate(&a),
        Command::Pseudonymize(a) => pseudonymize::run(&a),
        Command::Prevalence(a) => prevalence(&a),
        Command::Dhs(a) => dhs(&a),
        Command::Monitor(a) => monitor(&a),
    };
    match result {
        Ok(code) => code,
        Err(Failure::BrokenPipe) => ExitCode::from(141),
        Err(Failure::Message(e)) => {
            let _ = writeln!(std::io::stderr(), "kampung: {e}");
            ExitCode::from(2)
        }
    }
}

fn validate(a: &ValidateArgs) -> Result<ExitCode, Failure> {
    let lang = a.dated.lang;
    let (as_of, zone) = a.dated.as_of();
    let opts = FamilyOptions::new(as_of);
    let input: Box<dyn BufRead> = match &a.file {
        None => Box::new(SAMPLE_FAMILIES.as_bytes()),
        Some(p) => Box::new(BufReader::new(std::fs::File::open(p).map_err(at(p))?)),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let checks = check_json_lines(input, &mut out, &opts, a.max_line_bytes, lang)?;
    writeln!(out, "{}", checks.summary(as_of, zone, lang))?;
    out.flush()?;
    Ok(ExitCode::from(u8::from(checks.invalid > 0)))
}

/// What the report run shows while it goes: the errors file and a progress bar.
struct Watch<'a> {
    errors: Option<&'a mut AtomicFile>,
    files: &'a [String],
    lang: Locale,
    show: bool,
    bar: Option<(indicatif::ProgressBar, bool)>,
    failed: Option<std::io::Error>,
}

impl Watch<'_> {
    /// Ends the progress bar; a failure to write the errors file is an error.
    fn finish(self, r: Report) -> Result<Report, Failure> {
        if let Some((bar, _)) = self.bar {
            bar.finish_and_clear();
        }
        self.failed.map_or(Ok(r), |e| Err(e.into()))
    }
}

impl Observer for Watch<'_> {
    /// A progress bar on stderr when it is a terminal (and not `--quiet`).
    fn start(&mut self, total: Progress) {
        if !self.show || !std::io::stderr().is_terminal() {
            return;
        }
        let bytes = total.bytes > 0;
        let (len, template) = if bytes {
            (
                total.bytes,
                "{bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
            )
        } else {
            (total.records, "{bar:40} {pos}/{len} ({per_sec}, {eta})")
        };
        let bar = indicatif::ProgressBar::new(len);
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        self.bar = Some((bar, bytes));
    }
    fn problem(&mut self, p: &Problem) {
        if let (Some(w), None) = (self.errors.as_mut(), &self.failed) {
            let file = render::source_of(self.files, p);
            if let Err(e) = render::write_error_csv(w, p, file, self.lang) {
                self.failed = Some(e);
            }
        }
    }
    fn progress(&mut self, p: Progress) {
        if let Some((bar, bytes)) = &self.bar {
            bar.set_position(if *bytes { p.bytes } else { p.records });
        }
    }
}

fn report(a: &ReportArgs) -> Result<ExitCode, Failure> {
    let lang = a.dated.lang;
    let sample = a.register.is_none() && a.families.is_none();
    let (as_of, zone) = match (sample, a.dated.as_of) {
        (true, None) => (SyntheticRegister::bundled_sample().as_of, None),
        _ => a.dated.as_of(),
    };
    // Arguments first, before any data is read.
    let profiles = match (&a.profile, sample) {
        (Some(p), _) => Some(std::fs::read_to_string(p).map_err(at(p))?),
        (None, true) => Some(SAMPLE_PROFILES.to_owned()),
        (None, false) => None,
    };
    let profiles = (profiles.as_deref().map(parse_profiles).transpose())
        .map_err(|e| format!("--profile: {}", e.describe(lang)))?;
    let mut html = a.html.as_deref().map(create).transpose()?;
    let mut errors = a.errors.as_deref().map(create).transpose()?;
    if let Some(w) = errors.as_mut() {
        w.write_all(Report::ERRORS_CSV_HEADER.as_bytes())?;
    }
    let (w, c, s, l) = (&a.weights, &a.cluster, &a.strata, &a.lonely_psu);
    let design = ReportDesign::from_fields(
        w.as_deref(),
        c.as_deref(),
        s.as_deref(),
        a.nest,
        l.as_deref(),
    )
    .map_err(|e| format!("--lonely-psu: {}", e.message(lang)))?;
    let opts = ReportOptions::new(as_of)
        .with_threads(a.threads)
        .with_max_line_bytes(a.max_line_bytes)
        .with_errors_kept(10_000)
        .with_design(design);
    let opts = match a.month {
        Some(m) => opts
            .with_month(m)
            // The error's path is `month`: "--month: …" as a flag error.
            .map_err(|e| format!("--{}", e.describe(lang)))?,
        None => opts,
    };
    let input = match (&a.register, &a.families, &a.members, &a.measurements) {
        (_, Some(families), Some(members), Some(measurements)) => RegisterInput::Csv {
            families,
            members,
            measurements,
        },
        (Some(p), ..) if p == Path::new("-") => RegisterInput::Stdin,
        (Some(p), ..) => RegisterInput::JsonLines(p),
        _ => RegisterInput::Text {
            name: "report_sample.jsonl",
            text: SAMPLE_REGISTER,
        },
    };
    let files = input.names();
    let mut watch = Watch {
        errors: errors.as_mut(),
        files: &files,
        lang,
        show: !a.quiet && !sample,
        bar: None,
        failed: None,
    };
    let r = input.report(&opts, &mut watch).map_err(|e| e.to_string());
    let mut report = watch.finish(r?)?;
    report.as_of_today = zone;
    if let Some(v) = &profiles {
        report
            .classify(v)
            .map_err(|e| format!("profiles: {}", e.summary("profile", lang)))?;
    }
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    match a.format {
        Format::Json => report.write_json(&mut out, lang)?,
        Format::Text => {
            out.write_all(report.to_text(lang).as_bytes())?;
            if errors.is_none() {
                report.write_some_problems(&mut out, 10, lang)?;
            }
        }
    }
    out.flush()?;
    // The errors file first: when it fails, the page is not kept either.
    if let Some(w) = errors.take() {
        commit(w)?;
    }
    if let Some(mut w) = html.take() {
        w.write_all(report.to_html(lang).as_bytes())?;
        commit(w)?;
    }
    let failed = a.strict && report.exclusions.total_excluded() > 0;
    Ok(ExitCode::from(u8::from(failed)))
}

fn zscores(a: &ZscoresArgs) -> Result<ExitCode, Failure> {
    let lang = a.lang;
    let input = open(&a.input)?;
    let out_terminal = a.output.is_none() && std::io::stdout().is_terminal();
    let cells = CellPolicy::for_output(a.raw_cells, out_terminal);
    let opts = ChildrenCsvOptions::default()
        .with_age_in_month(a.age_in_month)
        .with_cells(cells)
        .with_max_record_bytes(a.max_line_bytes);
    let mut output = a.output.as_deref().map(create).transpose()?;
    let mut errors = a.errors.as_deref().map(create).transpose()?;
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut stderr = std::io::stderr().lock();
    let out: &mut dyn Write = output.as_mut().map_or(&mut stdout, |f| f);
    let err: &mut dyn Write = errors.as_mut().map_or(&mut stderr, |f| f);
    let s = write_zscores_csv(input, out, err, opts, lang)?;
    for f in [output, errors].into_iter().flatten() {
        commit(f)?;
    }
    let _ = writeln!(std::io::stderr(), "kampung: {}", s.describe(lang));
    Ok(ExitCode::SUCCESS)
}

fn generate(a: &GenerateArgs) -> Result<ExitCode, Failure> {
    let args = SyntheticRegister::new(a.families, a.seed, a.as_of).with_bad_rate(a.bad_rate);
    if let Some(dir) = &a.csv {
        synthetic::write_csv(&args, dir).map_err(at(dir))?;
        return Ok(ExitCode::SUCCESS);
    }
    match &a.output {
        Some(p) => {
            let mut f = create(p)?;
            synthetic::write_jsonl(&args, &mut f).map_err(at(p))?;
            commit(f)?;
        }
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            synthetic::write_jsonl(&args, &mut out)?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn prevalence(a: &PrevalenceArgs) -> Result<ExitCode, Failure> {
    let mut cols = CsvColumns::new();
    (cols.sw, cols.cluster, cols.strata) = (a.sw.clone(), a.cluster.clone(), a.strata.clone());
    (cols.dob, cols.age_in_month) = (a.dob.clone(), a.age_in_month);
    for b in &a.by {
        cols = cols.with_by(b).map_err(|e| e.describe(a.table.lang))?;
    }
    let opts = PrevalenceOptions::new()
        .with_nest(a.nest)
        .with_lonely_psu(a.lonely_psu)
        .with_method(a.method);
    a.table.run(|input, out, _| {
        if a.quality {
            quality_csv(input, out, &cols, &opts).map(|(_, notes, rows)| (rows, notes))
        } else {
            prevalence_csv(input, out, &cols, &opts).map(|s| (s.rows, s.notes))
        }
    })
}

fn dhs(a: &DhsArgs) -> Result<ExitCode, Failure> {
    let mut columns = DhsColumns::default();
    columns.by.clone_from(&a.by);
    let opts = FpOptions::new().with_rules(a.rules);
    let mut v626a = a.v626a.as_deref().map(AtomicFile::create).transpose()?;
    let code = a.table.run(|input, out, _| {
        let v: Option<&mut dyn Write> = v626a.as_mut().map(|f| f as &mut dyn Write);
        dhs_file(
            input,
            WomenFormat::of_path(&a.table.input),
            out,
            v,
            &columns,
            &opts,
        )
    })?;
    v626a.map_or(Ok(()), AtomicFile::commit)?;
    Ok(code)
}

fn monitor(a: &MonitorArgs) -> Result<ExitCode, Failure> {
    let mut pairs = vec![format!("by={}", a.by), format!("rules={}", a.rules)];
    pairs.extend(a.skdn.iter().map(|m| format!("month={m}")));
    pairs.extend(a.as_of.iter().map(|d| format!("as_of={d}")));
    pairs.extend(a.month_policy.iter().map(|p| format!("month_policy={p}")));
    pairs.extend(a.options.iter().cloned());
    let options = options_from_pairs(&pairs).map_err(|e| e.describe(a.table.lang))?;
    let children = std::fs::File::open(&a.children).map_err(at(&a.children))?;
    let mut skdn = a
        .skdn_output
        .as_deref()
        .map(AtomicFile::create)
        .transpose()?;
    let code = a.table.run(|visits, out, _| {
        let s: Option<&mut dyn Write> = skdn.as_mut().map(|f| f as &mut dyn Write);
        monitor_csv(children, visits, out, s, &options)
    })?;
    skdn.map_or(Ok(()), AtomicFile::commit)?;
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn arguments_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn options_belong_to_their_subcommand() {
        assert!(
            Cli::try_parse_from(["kampung", "report", "--as-of=2025-07-01", "--format=json"])
                .is_ok()
        );
        assert!(Cli::try_parse_from(["kampung", "generate", "--format=json"]).is_err());
        assert!(Cli::try_parse_from(["kampung", "report", "--members", "m.csv"]).is_err());
        assert!(Cli::try_parse_from(["kampung", "validate", "--as-of", "2025-02-30"]).is_err());
    }
}
