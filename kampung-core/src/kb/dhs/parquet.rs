//! Women from a Parquet file (an IDHS/SDKI individual recode exported by
//! pandas or pyarrow): `kampung dhs WOMEN.parquet`. Feature `parquet`.
//!
//! Only the columns asked for are decoded (an IR file has thousands), in
//! batches straight into the women's columns, read by type as
//! [`WomenText::from_arrow`] reads them; the tables are then written as
//! from a CSV file ([`super::dhs_csv`]), so the same women give the same
//! bytes. Compression: snappy (pyarrow's default), gzip and none; a file
//! compressed otherwise (zstd, lz4, brotli) is `parquet_unreadable` naming
//! the codec.

use super::arrow::ArrowWomen;
use super::table::FpOptions;
use super::text::{write_tables, DhsColumns, WomenText};
use crate::error::{Error, RowError};
use arrow_array::RecordBatchReader;
use parquet::arrow::arrow_reader::{ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use parquet::file::reader::ChunkReader;
use std::io::Write;

/// Rows decoded at a time.
const BATCH_ROWS: usize = 64 * 1024;

/// `parquet_unreadable` with the reader's reason; a codec left out of this
/// build is named with the ones that are read.
fn unreadable(e: impl std::fmt::Display) -> Error {
    let reason = e.to_string();
    match reason.split("Disabled feature at compile time: ").nth(1) {
        Some(codec) => Error::parquet_unreadable(format!(
            "compressed with {codec}, which kampung does not read; write it with snappy \
             (pandas and pyarrow's default), gzip or no compression"
        )),
        None => Error::parquet_unreadable(reason),
    }
}

impl WomenText {
    /// The women of a Parquet file: the [`super::REQUIRED`] columns and the
    /// `extra` ones (design, break-down), matched case-insensitively and
    /// read by type ([`WomenText::from_arrow`]). `input` is a
    /// [`std::fs::File`] or the file's bytes (`bytes::Bytes`).
    ///
    /// # Errors
    /// `parquet_unreadable` (not Parquet, truncated, corrupt, a codec this
    /// build lacks); `required` naming every missing column, before any row
    /// is decoded; `column_type_invalid`, `column_not_numeric`.
    pub fn from_parquet<R: ChunkReader + 'static>(
        input: R,
        extra: &[&str],
    ) -> Result<WomenText, Error> {
        read(input, extra)
    }
}

/// Runs a step of the Parquet decoder. It indexes out of bounds on some
/// corrupt files (found by the byte-flip test of tests/dhs_parquet.rs):
/// such a panic is the file's fault, reported as `parquet_unreadable` like
/// any other corruption. Only the decoder's own calls are guarded, so a
/// panic in kampung's code is never mistaken for a corrupt file.
fn decoder<T>(step: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)).unwrap_or_else(|_| {
        Err(Error::parquet_unreadable(
            "the file is corrupt (the decoder failed)",
        ))
    })
}

/// [`WomenText::from_parquet`].
fn read<R: ChunkReader + 'static>(input: R, extra: &[&str]) -> Result<WomenText, Error> {
    // The embedded Arrow schema (pyarrow's `ARROW:schema`) is not decoded:
    // the Parquet types say all this reader needs (a categorical comes
    // back as text), and its decoder panics on many corrupt files.
    let options = ArrowReaderOptions::new().with_skip_arrow_metadata(true);
    let builder = decoder(|| {
        ParquetRecordBatchReaderBuilder::try_new_with_options(input, options).map_err(unreadable)
    })?;
    let schema = builder.schema().clone();
    // Missing columns and types are checked on the whole schema, before
    // any page is read; then only the columns asked for are decoded.
    let mut roots = ArrowWomen::new(&schema, extra)?.columns().to_vec();
    roots.sort_unstable();
    roots.dedup();
    let mut reader = decoder(|| {
        let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
        builder
            .with_projection(mask)
            .with_batch_size(BATCH_ROWS)
            .build()
            .map_err(unreadable)
    })?;
    let mut women = ArrowWomen::new(&reader.schema(), extra)?;
    while let Some(batch) = decoder(|| Ok(reader.next()))? {
        women.push(&batch.map_err(unreadable)?)?;
    }
    Ok(women.finish())
}

/// The whole of `kampung dhs WOMEN.parquet`: [`super::dhs_csv`] for a
/// Parquet file (`input`: a [`std::fs::File`] or the file's bytes). The
/// same women give the same tables, byte for byte; `v626a` rows are
/// numbered from 1 in file order.
///
/// # Errors
/// As [`WomenText::from_parquet`], then as [`super::dhs_csv`].
pub fn dhs_parquet<R: ChunkReader + 'static>(
    input: R,
    table: &mut dyn Write,
    v626a: Option<&mut dyn Write>,
    columns: &DhsColumns,
    options: &FpOptions,
) -> Result<(usize, Vec<RowError>), Error> {
    let women = WomenText::from_parquet(input, &columns.names())?;
    write_tables(&women, table, v626a, columns, options)
}
