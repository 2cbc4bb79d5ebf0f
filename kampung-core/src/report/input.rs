//! Where a report's register is read from: JSON Lines (a file, standard
//! input or a text held in memory) or the three CSV entity files
//! (examples/REGISTER.md). One place that opens them, so every program
//! built on the core reads them alike.

use super::engine::{Observer, Progress, ReportOptions};
use super::Report;
use crate::register::csv::{CsvError, CsvTable};
use crate::register::table::EntityTables;
use std::path::Path;

/// A report's register.
#[derive(Clone, Copy, Debug)]
pub enum RegisterInput<'a> {
    /// JSON Lines held in memory (a bundled sample), with the name its
    /// problems give as their file.
    Text {
        /// The name problems give as their file.
        name: &'a str,
        /// The register, one family per line.
        text: &'a str,
    },
    /// JSON Lines read from standard input (named `stdin`).
    Stdin,
    /// A JSON Lines file.
    JsonLines(&'a Path),
    /// The CSV entity files: families, members, measurements.
    Csv {
        /// One row per family (`no_kk`, region, housing, KB).
        families: &'a Path,
        /// One row per member.
        members: &'a Path,
        /// One row per child measurement.
        measurements: &'a Path,
    },
}

/// A register file that could not be read (its path and why).
#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct InputError {
    /// The file, as given.
    pub path: String,
    /// Why it could not be read.
    #[source]
    pub source: CsvError,
}

fn at(path: &Path) -> impl Fn(std::io::Error) -> InputError + '_ {
    move |e| InputError {
        path: path.display().to_string(),
        source: CsvError::Io(e),
    }
}

impl RegisterInput<'_> {
    /// The names of the input's files, in the order problems number them
    /// ([`super::render::source_of`]).
    #[must_use]
    pub fn names(&self) -> Vec<String> {
        let name = |p: &Path| p.display().to_string();
        match self {
            RegisterInput::Text { name, .. } => vec![(*name).to_owned()],
            RegisterInput::Stdin => vec!["stdin".to_owned()],
            RegisterInput::JsonLines(p) => vec![name(p)],
            RegisterInput::Csv {
                families,
                members,
                measurements,
            } => vec![name(families), name(members), name(measurements)],
        }
    }

    /// The report of this register ([`Report::from_json_lines`],
    /// [`Report::from_tables`]), its [`Report::sources`] set to
    /// [`Self::names`]. Before reading, `observer` learns the size of the
    /// work ([`Observer::start`]: the bytes of a JSON Lines file, the
    /// families of CSV files, 0 when unknown).
    ///
    /// # Errors
    /// A file that cannot be opened or read, or a CSV file without a header
    /// or a `no_kk` column.
    pub fn report(
        &self,
        opts: &ReportOptions,
        observer: &mut dyn Observer,
    ) -> Result<Report, InputError> {
        let none = Progress {
            records: 0,
            bytes: 0,
        };
        let mut report = match *self {
            RegisterInput::Text { name, text } => {
                observer.start(none);
                Report::from_json_lines(text.as_bytes(), opts, observer).map_err(|e| {
                    InputError {
                        path: name.to_owned(),
                        source: CsvError::Io(e),
                    }
                })?
            }
            RegisterInput::Stdin => {
                observer.start(none);
                Report::from_json_lines(std::io::stdin(), opts, observer).map_err(|e| {
                    InputError {
                        path: "stdin".to_owned(),
                        source: CsvError::Io(e),
                    }
                })?
            }
            RegisterInput::JsonLines(p) => {
                let f = std::fs::File::open(p).map_err(at(p))?;
                let bytes = f.metadata().map_or(0, |m| m.len());
                observer.start(Progress { records: 0, bytes });
                Report::from_json_lines(f, opts, observer).map_err(at(p))?
            }
            RegisterInput::Csv {
                families,
                members,
                measurements,
            } => {
                let load = |p: &Path| -> Result<CsvTable, InputError> {
                    let file = std::fs::File::open(p).map_err(at(p))?;
                    let max = opts.max_line_bytes;
                    CsvTable::from_reader_limited(file, max).map_err(|source| InputError {
                        path: p.display().to_string(),
                        source,
                    })
                };
                let (f, m, x) = (load(families)?, load(members)?, load(measurements)?);
                let tables = EntityTables::new(&f, &m, &x);
                observer.start(Progress {
                    records: tables.len() as u64,
                    bytes: 0,
                });
                Report::from_tables(&tables, opts, observer)
            }
        };
        report.sources = self.names();
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[derive(Default)]
    struct Sizes(Vec<Progress>);
    impl Observer for Sizes {
        fn start(&mut self, total: Progress) {
            self.0.push(total);
        }
    }

    fn opts() -> ReportOptions {
        ReportOptions::new(NaiveDate::from_ymd_opt(2025, 7, 1).expect("a date"))
    }

    #[test]
    fn text_is_read_and_named() {
        let line =
            r#"{"no_kk": "6472052301150007", "region_code": "64.72.05.2001", "members": []}"#;
        let input = RegisterInput::Text {
            name: "sample.jsonl",
            text: line,
        };
        let mut sizes = Sizes::default();
        let r = input.report(&opts(), &mut sizes).expect("in memory");
        assert_eq!(r.sources, ["sample.jsonl"]);
        assert_eq!(sizes.0, [Progress::default()]);
        assert_eq!(r.exclusions.families_read, 1);
    }

    #[test]
    fn a_missing_csv_file_is_named() {
        let dir = std::env::temp_dir().join("kampung-input-test-missing");
        let input = RegisterInput::Csv {
            families: &dir.join("f.csv"),
            members: &dir.join("m.csv"),
            measurements: &dir.join("x.csv"),
        };
        let e = input.report(&opts(), &mut ()).expect_err("no such file");
        assert!(e.path.ends_with("f.csv"), "{e}");
        assert!(matches!(e.source, CsvError::Io(_)));
        assert_eq!(input.names().len(), 3);
    }

    #[test]
    fn csv_sizes_are_families() {
        let dir = std::env::temp_dir().join(format!("kampung-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let (f, m, x) = (dir.join("f.csv"), dir.join("m.csv"), dir.join("x.csv"));
        std::fs::write(&f, "no_kk,region_code\n6472052301150007,64.72.05.2001\n").expect("write");
        std::fs::write(&m, "no_kk,name\n").expect("write");
        std::fs::write(&x, "no_kk,name\n").expect("write");
        let input = RegisterInput::Csv {
            families: &f,
            members: &m,
            measurements: &x,
        };
        let mut sizes = Sizes::default();
        let r = input.report(&opts(), &mut sizes);
        std::fs::remove_dir_all(&dir).ok();
        let r = r.expect("readable");
        assert_eq!(sizes.0.len(), 1);
        assert_eq!(sizes.0[0].records, 1);
        assert_eq!(r.sources.len(), 3);
    }
}
