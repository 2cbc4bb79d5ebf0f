//! `kampung dhs WOMEN.csv|WOMEN.parquet`: one entry point that reads a
//! women's file in either format, so the command line only opens files.

use super::table::FpOptions;
use super::text::{dhs_csv, DhsColumns};
use crate::error::{Error, RowError};
use std::io::{Read, Write};
#[cfg(feature = "parquet")]
use std::io::{Seek, SeekFrom};
use std::path::Path;

/// The format of a women's file for [`dhs_file`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum WomenFormat {
    /// Parquet when the file starts with the Parquet magic bytes `PAR1`,
    /// else CSV.
    #[default]
    Detect,
    /// CSV, whatever the file starts with.
    Csv,
    /// Parquet: a file without the magic bytes is `parquet_unreadable`
    /// (rather than read as CSV).
    Parquet,
}

impl WomenFormat {
    /// [`WomenFormat::Parquet`] for a name ending in `.parquet`, `.parq` or
    /// `.pq` (any case), else [`WomenFormat::Detect`].
    pub fn of_path(path: &Path) -> WomenFormat {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ["parquet", "parq", "pq"]
            .iter()
            .any(|p| ext.eq_ignore_ascii_case(p))
        {
            WomenFormat::Parquet
        } else {
            WomenFormat::Detect
        }
    }
}

/// The whole of `kampung dhs WOMEN`: [`dhs_csv`] or, for a Parquet file
/// (by `format`, or its first bytes), `dhs_parquet` (feature `parquet`).
/// Same tables, same errors, whatever the format.
///
/// # Errors
/// As [`dhs_csv`] and `dhs_parquet`; a Parquet file in a build without
/// the `parquet` feature, or a file said to be Parquet that is not, is
/// `parquet_unreadable`, as is Parquet from a pipe (it is read from its
/// end); a file that cannot be read is `register_malformed_line`. CSV may
/// come from a pipe or a FIFO.
pub fn dhs_file(
    mut file: std::fs::File,
    format: WomenFormat,
    table: &mut dyn Write,
    v626a: Option<&mut dyn Write>,
    columns: &DhsColumns,
    options: &FpOptions,
) -> Result<(usize, Vec<RowError>), Error> {
    let mut magic = Vec::with_capacity(4);
    (&mut file)
        .take(4)
        .read_to_end(&mut magic)
        .map_err(Error::malformed)?;
    let parquet = magic == b"PAR1";
    match (format, parquet) {
        // The bytes already read go first: a pipe or a FIFO
        // (`<(zcat women.csv.gz)`) cannot seek back.
        (WomenFormat::Csv, _) | (WomenFormat::Detect, false) => dhs_csv(
            std::io::Cursor::new(magic).chain(file),
            table,
            v626a,
            columns,
            options,
        ),
        (WomenFormat::Parquet, false) => Err(Error::parquet_unreadable(
            "the file does not start with the Parquet magic bytes PAR1",
        )),
        // Parquet's footer is read first: the file must seek.
        #[cfg(feature = "parquet")]
        (_, true) => match file.seek(SeekFrom::Start(0)) {
            Ok(_) => super::parquet::dhs_parquet(file, table, v626a, columns, options),
            Err(_) => Err(Error::parquet_unreadable(
                "a Parquet file is read from its end: give a file on disk, not a pipe",
            )),
        },
        #[cfg(not(feature = "parquet"))]
        (_, true) => Err(Error::parquet_unreadable(
            "this build of kampung reads no Parquet (kampung-core feature parquet)",
        )),
    }
}
