//! Entity tables as Arrow record batches (pyarrow tables, polars and
//! pandas DataFrames through the Arrow PyCapsule interface, Parquet
//! readers): the same [`Table`] as a CSV file, read in place (no copy of
//! the cells). Feature `arrow`.
//!
//! Cells by Arrow type: strings (`Utf8`, `LargeUtf8`, `Utf8View`, string
//! dictionaries) are text; booleans yes/no; integers and floats numbers
//! (a float NaN is missing, as pandas writes a missing number); nulls are
//! missing; any other type is a value of that type (`invalid_type` where
//! text or a number is expected). Rows are numbered from 0 across the
//! batches.

use super::record::Cell;
use super::table::{Column, Table, TableRow};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type,
    UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;

/// A table held as Arrow record batches.
#[derive(Debug, Clone)]
pub struct ArrowTable {
    batches: Vec<RecordBatch>,
    /// The first row of each batch.
    starts: Vec<usize>,
    /// Each batch's column index of every [`Column`].
    columns: Vec<[Option<usize>; Column::ALL.len()]>,
    len: usize,
}

/// Why record batches cannot be read as a register table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArrowTableError {
    /// A batch has no `no_kk` column.
    #[error("the table has no no_kk column (examples/REGISTER.md)")]
    NoKk,
}

impl ArrowTable {
    /// The rows of `batches`, in order.
    ///
    /// # Errors
    /// A batch without a `no_kk` column (an empty list of batches is an
    /// empty table).
    pub fn new(batches: Vec<RecordBatch>) -> Result<ArrowTable, ArrowTableError> {
        let mut starts = Vec::with_capacity(batches.len());
        let mut columns = Vec::with_capacity(batches.len());
        let mut len = 0usize;
        for b in &batches {
            let schema = b.schema();
            let mut map = [None; Column::ALL.len()];
            for (i, c) in Column::ALL.iter().enumerate() {
                map[i] = schema
                    .fields()
                    .iter()
                    .rposition(|f| f.name().trim() == c.name());
            }
            if map[Column::NoKk.index()].is_none() {
                return Err(ArrowTableError::NoKk);
            }
            starts.push(len);
            columns.push(map);
            len += b.num_rows();
        }
        Ok(ArrowTable {
            batches,
            starts,
            columns,
            len,
        })
    }
}

/// One row of an [`ArrowTable`].
#[derive(Clone, Copy)]
pub struct ArrowRow<'t> {
    table: &'t ArrowTable,
    batch: usize,
    row: usize,
}

impl Table for ArrowTable {
    type Row<'r> = ArrowRow<'r>;

    fn len(&self) -> usize {
        self.len
    }

    fn row(&self, row: usize) -> ArrowRow<'_> {
        let batch = self.starts.partition_point(|s| *s <= row).saturating_sub(1);
        let start = self.starts.get(batch).copied().unwrap_or(0);
        ArrowRow {
            table: self,
            batch,
            row: row - start.min(row),
        }
    }
}

/// The cell at `i` of a dictionary-encoded array with keys `K`.
macro_rules! dictionary_cell {
    ($a:expr, $i:expr, $($k:ty),*) => {{
        $(if let Some(d) = $a.as_dictionary_opt::<$k>() {
            let key = d.keys().value($i);
            return match usize::try_from(key) {
                Ok(k) => cell_of(d.values(), k),
                Err(_) => Cell::Missing,
            };
        })*
        Cell::Other("dictionary")
    }};
}

/// The cell at row `i` of `a`.
fn cell_of(a: &ArrayRef, i: usize) -> Cell<'_> {
    if i >= a.len() || a.is_null(i) {
        return Cell::Missing;
    }
    match a.data_type() {
        DataType::Utf8 => Cell::Text(a.as_string::<i32>().value(i)),
        DataType::LargeUtf8 => Cell::Text(a.as_string::<i64>().value(i)),
        DataType::Utf8View => Cell::Text(a.as_string_view().value(i)),
        DataType::Boolean => Cell::Bool(a.as_boolean().value(i)),
        DataType::Int8 => Cell::integer(i64::from(a.as_primitive::<Int8Type>().value(i))),
        DataType::Int16 => Cell::integer(i64::from(a.as_primitive::<Int16Type>().value(i))),
        DataType::Int32 => Cell::integer(i64::from(a.as_primitive::<Int32Type>().value(i))),
        DataType::Int64 => Cell::integer(a.as_primitive::<Int64Type>().value(i)),
        DataType::UInt8 => Cell::UInt(u64::from(a.as_primitive::<UInt8Type>().value(i))),
        DataType::UInt16 => Cell::UInt(u64::from(a.as_primitive::<UInt16Type>().value(i))),
        DataType::UInt32 => Cell::UInt(u64::from(a.as_primitive::<UInt32Type>().value(i))),
        DataType::UInt64 => Cell::UInt(a.as_primitive::<UInt64Type>().value(i)),
        DataType::Float32 => float(f64::from(a.as_primitive::<Float32Type>().value(i))),
        DataType::Float64 => float(a.as_primitive::<Float64Type>().value(i)),
        DataType::Null => Cell::Missing,
        DataType::Dictionary(_, _) => dictionary_cell!(
            a, i, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type,
            UInt64Type
        ),
        DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(_, _) => {
            Cell::Other("array")
        }
        DataType::Struct(_) | DataType::Map(_, _) => Cell::Other("object"),
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) => Cell::Other("date"),
        _ => Cell::Other("value"),
    }
}

/// A float: NaN is missing (pandas' missing number).
fn float<'a>(x: f64) -> Cell<'a> {
    if x.is_nan() {
        Cell::Missing
    } else {
        Cell::Float(x)
    }
}

impl<'t> TableRow<'t> for ArrowRow<'t> {
    fn cell(&self, column: Column) -> Cell<'t> {
        let t = self.table;
        let Some(i) = t
            .columns
            .get(self.batch)
            .and_then(|m| m.get(column.index()).copied().flatten())
        else {
            return Cell::Missing;
        };
        match t.batches.get(self.batch) {
            Some(b) => cell_of(b.column(i), self.row),
            None => Cell::Missing,
        }
    }

    fn named(&self, name: &str) -> Cell<'t> {
        let Some(b) = self.table.batches.get(self.batch) else {
            return Cell::Missing;
        };
        let schema = b.schema();
        match schema
            .fields()
            .iter()
            .rposition(|f| f.name().trim() == name)
        {
            Some(i) => cell_of(b.column(i), self.row),
            None => Cell::Missing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{BooleanArray, DictionaryArray, Float64Array, Int64Array, StringArray};
    use std::sync::Arc;

    #[test]
    fn cells_by_type_across_batches() {
        let batch = |kk: Vec<Option<&str>>, w: Vec<f64>| {
            let n = kk.len();
            RecordBatch::try_from_iter([
                ("no_kk", Arc::new(StringArray::from(kk)) as ArrayRef),
                ("weight_kg", Arc::new(Float64Array::from(w)) as ArrayRef),
                ("member", Arc::new(Int64Array::from(vec![2; n])) as ArrayRef),
                (
                    "oedema",
                    Arc::new(BooleanArray::from(vec![false; n])) as ArrayRef,
                ),
                (
                    "measure",
                    Arc::new(DictionaryArray::<Int32Type>::from_iter(vec!["l"; n])) as ArrayRef,
                ),
            ])
            .expect("batch")
        };
        let t = ArrowTable::new(vec![
            batch(vec![Some("1"), None], vec![9.1, f64::NAN]),
            batch(vec![Some("3")], vec![7.0]),
        ])
        .expect("table");
        assert_eq!(t.len(), 3);
        let r = t.row(1);
        assert_eq!(
            (r.cell(Column::NoKk), r.cell(Column::WeightKg)),
            (Cell::Missing, Cell::Missing)
        );
        let r = t.row(2);
        assert_eq!(r.cell(Column::NoKk), Cell::Text("3"));
        assert_eq!(r.cell(Column::WeightKg), Cell::Float(7.0));
        assert_eq!(r.cell(Column::Member), Cell::UInt(2));
        assert_eq!(r.cell(Column::Oedema), Cell::Bool(false));
        assert_eq!(r.cell(Column::Measure), Cell::Text("l"));
        assert_eq!(r.cell(Column::Name), Cell::Missing);
        let no_kk =
            RecordBatch::try_from_iter([("x", Arc::new(Int64Array::from(vec![1])) as ArrayRef)])
                .expect("batch");
        assert_eq!(
            ArrowTable::new(vec![no_kk]).err(),
            Some(ArrowTableError::NoKk)
        );
    }
}
