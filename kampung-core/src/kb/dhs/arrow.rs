//! Women from Arrow record batches (a Parquet file's, or a DataFrame's
//! through the Arrow interface): the same [`WomenText`] as a CSV file, so
//! that every reader gives the same women, the same table and the same
//! errors. Feature `arrow`.
//!
//! Columns are matched by name in any case (Stata and SPSS exports differ)
//! and read by type:
//!
//! * the numeric recode variables from integer columns of any width
//!   (nullable: a null is missing) and float columns (a NaN is missing, as
//!   pandas writes a missing number in a float column); a text column (or a
//!   dictionary/categorical one) is read cell by cell as the CSV reader
//!   reads it ([`super::parse_cell`]: `"1"` is 1, `""` missing), and a text
//!   that is no number (a value label such as `"yes"`, as
//!   `pandas.read_stata` writes without `convert_categoricals=False`) fails
//!   the whole read with `column_not_numeric` naming the column;
//! * `v000` from a text column (or dictionary);
//! * the design and break-down columns as numbers or text, whichever they
//!   are (a numeric `v024` prints its levels as R prints numbers, a text one
//!   as written);
//! * any other type (booleans, dates, lists, structs…) is
//!   `column_type_invalid` naming the column and its type.

use super::text::{parse_cell, survey_code, Extra, WomenText, REQUIRED};
use crate::error::{Error, ErrorCode, FieldError, FieldPath};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float16Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type,
    UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, Schema};

/// What a column's type holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Integers or floats (or a dictionary of them).
    Number,
    /// Text (or a dictionary of text).
    Text,
    /// Only nulls.
    Null,
}

impl Kind {
    fn of(t: &DataType) -> Option<Kind> {
        match t {
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
            | DataType::Float16
            | DataType::Float32
            | DataType::Float64 => Some(Kind::Number),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Some(Kind::Text),
            DataType::Null => Some(Kind::Null),
            DataType::Dictionary(_, values) => Kind::of(values),
            _ => None,
        }
    }
}

/// `column_type_invalid`: `column` is of type `found`, `expected` is wanted.
fn type_error(column: &str, found: &DataType, expected: &'static str) -> Error {
    FieldError::new(ErrorCode::ColumnTypeInvalid)
        .with_path(FieldPath::field("columns"))
        .with_param("column", column.to_owned())
        .with_param("found", found.to_string())
        .with_param("expected", expected)
        .into()
}

/// Reads [`WomenText`] from record batches of one schema, batch by batch.
pub(crate) struct ArrowWomen {
    /// The schema column of each [`REQUIRED`] column, then of each extra one.
    columns: Vec<usize>,
    /// The name each column was asked for (errors name it so).
    names: Vec<String>,
    /// The women read so far.
    women: WomenText,
}

impl ArrowWomen {
    /// A reader of batches laid out as `schema`, keeping the [`REQUIRED`]
    /// columns and the `extra` ones, matched case-insensitively (the
    /// first match).
    ///
    /// # Errors
    /// `required` naming every missing column; `column_type_invalid` for a
    /// column whose type cannot hold its values.
    pub(crate) fn new(schema: &Schema, extra: &[&str]) -> Result<ArrowWomen, Error> {
        let wanted: Vec<&str> = REQUIRED.iter().chain(extra).copied().collect();
        let mut columns = Vec::with_capacity(wanted.len());
        let mut missing = Vec::new();
        for name in &wanted {
            match find(schema, name) {
                Some(p) => columns.push(p),
                None => missing.push(*name),
            }
        }
        if !missing.is_empty() {
            return Err(Error::missing_columns(&missing));
        }
        let mut extra_cells = Vec::with_capacity(extra.len());
        for (k, (name, &p)) in wanted.iter().zip(&columns).enumerate() {
            let t = schema.field(p).data_type();
            let kind = Kind::of(t);
            match (k, kind) {
                (0, Some(Kind::Text | Kind::Null)) => {}
                (0, _) => return Err(type_error(name, t, "text")),
                (_, None) => return Err(type_error(name, t, "number or text")),
                (k, Some(Kind::Text)) if k >= REQUIRED.len() => {
                    extra_cells.push(Extra::Text(Vec::new()));
                }
                (k, Some(_)) if k >= REQUIRED.len() => {
                    extra_cells.push(Extra::Numbers(Vec::new()));
                }
                _ => {}
            }
        }
        let extra = extra
            .iter()
            .enumerate()
            .map(|(k, n)| ((*n).to_owned(), REQUIRED.len() + k));
        Ok(ArrowWomen {
            columns,
            names: wanted.iter().map(|n| (*n).to_owned()).collect(),
            women: WomenText {
                required: (0..REQUIRED.len()).collect(),
                extra: extra.collect(),
                numeric: vec![Vec::new(); REQUIRED.len() - 1],
                extra_cells,
                ..WomenText::default()
            },
        })
    }

    /// Adds the rows of `batch` (of the schema given to [`ArrowWomen::new`]).
    ///
    /// # Errors
    /// `column_not_numeric` for a text value that is no number in a recode
    /// column; `column_type_invalid` when the batch does not have the
    /// schema's columns.
    pub(crate) fn push(&mut self, batch: &RecordBatch) -> Result<(), Error> {
        let column = |k: usize| -> Result<&dyn Array, Error> {
            batch
                .columns()
                .get(self.columns[k])
                .map(|a| a.as_ref())
                .filter(|a| a.len() == batch.num_rows())
                .ok_or_else(|| type_error(&self.names[k], &DataType::Null, "a column"))
        };
        let v000 = column(0)?;
        let w = &mut self.women;
        let (values, index, codes) = (&mut w.v000_values, &mut w.v000_index, &mut w.v000_codes);
        texts(v000, &self.names[0], &mut |cell: Option<&str>| {
            codes.push(survey_code(values, index, cell.unwrap_or("").trim()));
        })?;
        for k in 1..REQUIRED.len() {
            let a = column(k)?;
            numbers(a, &self.names[k], &mut w.numeric[k - 1], true)?;
        }
        for (j, cells) in w.extra_cells.iter_mut().enumerate() {
            let k = REQUIRED.len() + j;
            let a = column(k)?;
            match cells {
                Extra::Numbers(out) => numbers(a, &self.names[k], out, false)?,
                Extra::Text(out) => texts(a, &self.names[k], &mut |cell: Option<&str>| {
                    out.push(cell.unwrap_or("").trim().to_owned());
                })?,
            }
        }
        Ok(())
    }

    /// The schema column of each [`REQUIRED`] column, then of each extra
    /// one (the Parquet reader decodes only these).
    #[cfg(feature = "parquet")]
    pub(crate) fn columns(&self) -> &[usize] {
        &self.columns
    }

    /// The women read.
    pub(crate) fn finish(self) -> WomenText {
        self.women
    }
}

impl WomenText {
    /// The women of Arrow record batches of `schema` (a pyarrow table's,
    /// a DataFrame's, a Parquet file's): the [`REQUIRED`] columns and the
    /// `extra` ones (design, break-down), matched case-insensitively and
    /// read by type as the module says ([`crate::kb::dhs`], feature
    /// `arrow`). The women equal those of the same table read from CSV.
    ///
    /// # Errors
    /// `required` naming every missing column, `column_type_invalid`,
    /// `column_not_numeric`.
    pub fn from_arrow<'b>(
        schema: &Schema,
        batches: impl IntoIterator<Item = &'b RecordBatch>,
        extra: &[&str],
    ) -> Result<WomenText, Error> {
        let mut women = ArrowWomen::new(schema, extra)?;
        for b in batches {
            women.push(b)?;
        }
        Ok(women.finish())
    }
}

/// The first column of `schema` named `name` in any case (surrounding
/// spaces ignored, as the CSV reader does).
fn find(schema: &Schema, name: &str) -> Option<usize> {
    schema
        .fields()
        .iter()
        .position(|f| f.name().trim().eq_ignore_ascii_case(name))
}

/// Appends a primitive array's values as `f64`, a null as NaN.
macro_rules! push_primitive {
    ($a:expr, $out:expr, $t:ty, $conv:expr) => {{
        let p = $a.as_primitive::<$t>();
        let conv = $conv;
        if p.null_count() == 0 {
            $out.extend(p.values().iter().map(|v| conv(*v)));
        } else {
            $out.extend(p.iter().map(|v| v.map_or(f64::NAN, conv)));
        }
    }};
}

/// Appends the numbers of `a` to `out` (NaN for a null or a NaN). Text
/// cells are read as [`parse_cell`] reads them; with `codes`, a text that
/// is no number is `column_not_numeric` (a recode variable holds codes),
/// without, it is `+∞` as in a CSV file (the weight's check rejects it).
#[allow(clippy::cast_precision_loss)]
fn numbers(a: &dyn Array, name: &str, out: &mut Vec<f64>, codes: bool) -> Result<(), Error> {
    match a.data_type() {
        DataType::Int8 => push_primitive!(a, out, Int8Type, f64::from),
        DataType::Int16 => push_primitive!(a, out, Int16Type, f64::from),
        DataType::Int32 => push_primitive!(a, out, Int32Type, f64::from),
        DataType::Int64 => push_primitive!(a, out, Int64Type, |v: i64| v as f64),
        DataType::UInt8 => push_primitive!(a, out, UInt8Type, f64::from),
        DataType::UInt16 => push_primitive!(a, out, UInt16Type, f64::from),
        DataType::UInt32 => push_primitive!(a, out, UInt32Type, f64::from),
        DataType::UInt64 => push_primitive!(a, out, UInt64Type, |v: u64| v as f64),
        DataType::Float16 => push_primitive!(a, out, Float16Type, f64::from),
        DataType::Float32 => push_primitive!(a, out, Float32Type, f64::from),
        DataType::Float64 => push_primitive!(a, out, Float64Type, |v: f64| v),
        DataType::Null => out.extend(std::iter::repeat_n(f64::NAN, a.len())),
        DataType::Dictionary(_, _) => {
            let Some(d) = a.as_any_dictionary_opt() else {
                return Err(type_error(name, a.data_type(), "number"));
            };
            let mut values = Vec::with_capacity(d.values().len());
            numbers(d.values().as_ref(), name, &mut values, codes)?;
            if values.is_empty() {
                out.extend(std::iter::repeat_n(f64::NAN, a.len()));
            } else {
                let keys = d.normalized_keys();
                out.extend(keys.iter().enumerate().map(|(i, k)| {
                    if a.is_null(i) {
                        f64::NAN
                    } else {
                        values.get(*k).copied().unwrap_or(f64::NAN)
                    }
                }));
            }
        }
        _ => {
            let mut bad = None;
            texts(a, name, &mut |cell: Option<&str>| {
                let x = cell.map_or(f64::NAN, parse_cell);
                if codes && bad.is_none() && x == f64::INFINITY {
                    if let Some(c) = cell.filter(|c| c.trim().parse::<f64>().is_err()) {
                        bad = Some(c.trim().chars().take(40).collect::<String>());
                    }
                }
                out.push(x);
            })
            .map_err(|_| type_error(name, a.data_type(), "number"))?;
            if let Some(value) = bad {
                return Err(FieldError::new(ErrorCode::ColumnNotNumeric)
                    .with_path(FieldPath::field("columns"))
                    .with_param("column", name.to_owned())
                    .with_param("value", value)
                    .into());
            }
        }
    }
    Ok(())
}

/// Calls `f` with each text cell of `a` (None for a null).
fn texts(a: &dyn Array, name: &str, f: &mut dyn FnMut(Option<&str>)) -> Result<(), Error> {
    match a.data_type() {
        DataType::Utf8 => a.as_string::<i32>().iter().for_each(&mut *f),
        DataType::LargeUtf8 => a.as_string::<i64>().iter().for_each(&mut *f),
        DataType::Utf8View => a.as_string_view().iter().for_each(&mut *f),
        DataType::Null => (0..a.len()).for_each(|_| f(None)),
        DataType::Dictionary(_, v) if Kind::of(v) == Some(Kind::Text) => {
            let Some(d) = a.as_any_dictionary_opt() else {
                return Err(type_error(name, a.data_type(), "text"));
            };
            let mut values: Vec<Option<String>> = Vec::with_capacity(d.values().len());
            texts(d.values().as_ref(), name, &mut |c: Option<&str>| {
                values.push(c.map(str::to_owned));
            })?;
            if values.is_empty() {
                (0..a.len()).for_each(|_| f(None));
            } else {
                for (i, k) in d.normalized_keys().iter().enumerate() {
                    let cell = if a.is_null(i) {
                        None
                    } else {
                        values.get(*k).and_then(Option::as_deref)
                    };
                    f(cell);
                }
            }
        }
        t => return Err(type_error(name, t, "text")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{
        ArrayRef, BooleanArray, DictionaryArray, Float64Array, Int16Array, Int8Array, StringArray,
        UInt8Array,
    };
    use std::sync::Arc;

    /// A batch with every required column: `v000` text, the rest as
    /// `numeric` makes them, plus `extra`.
    fn batch(
        n: usize,
        numeric: impl Fn(&str) -> ArrayRef,
        extra: Vec<(&str, ArrayRef)>,
    ) -> RecordBatch {
        let mut cols: Vec<(&str, ArrayRef)> = vec![(
            "V000",
            Arc::new(StringArray::from(vec![Some("ID7"); n])) as ArrayRef,
        )];
        for name in &REQUIRED[1..] {
            cols.push((name, numeric(name)));
        }
        cols.extend(extra);
        RecordBatch::try_from_iter(cols).expect("batch")
    }

    #[test]
    fn types_read_as_the_csv_reader_reads_cells() {
        let b = batch(
            3,
            |name| match name {
                "v213" => Arc::new(Int8Array::from(vec![Some(0), None, Some(1)])) as ArrayRef,
                "v215" => Arc::new(Int16Array::from(vec![105, 995, 310])),
                "v605" => Arc::new(StringArray::from(vec![Some(" 5"), Some(""), None])),
                "v312" => Arc::new(DictionaryArray::<Int32Type>::from_iter([
                    Some("0"),
                    None,
                    Some("3"),
                ])),
                "v502" => Arc::new(UInt8Array::from(vec![1, 1, 0])),
                _ => Arc::new(Float64Array::from(vec![f64::NAN, 2.5, 1.0])),
            },
            vec![(
                "region",
                Arc::new(StringArray::from(vec!["Jawa", "Bali", ""])) as ArrayRef,
            )],
        );
        let w = WomenText::from_arrow(&b.schema(), [&b, &b], &["region", "v024"]);
        let e = w.expect_err("v024 is missing");
        assert!(e.describe(crate::Locale::En).contains("v024"), "{e}");
        let w = WomenText::from_arrow(&b.schema(), [&b, &b], &["REGION"]).expect("women");
        assert_eq!(w.len(), 6);
        let cols = w.women();
        let show = |x: &[f64]| format!("{x:?}");
        assert_eq!(show(cols.v213), "[0.0, NaN, 1.0, 0.0, NaN, 1.0]");
        assert_eq!(show(&cols.v215[..3]), "[105.0, 995.0, 310.0]");
        assert_eq!(show(&cols.v605[..3]), "[5.0, NaN, NaN]");
        assert_eq!(show(&cols.v312[..3]), "[0.0, NaN, 3.0]");
        assert_eq!(show(&cols.v502[..3]), "[1.0, 1.0, 0.0]");
        assert_eq!(show(&cols.v007[..3]), "[NaN, 2.5, 1.0]");
        let (codes, labels) = w.levels("REGION").expect("region");
        assert_eq!(
            (codes, labels),
            (
                vec![1, 0, -1, 1, 0, -1],
                vec!["Bali".to_owned(), "Jawa".to_owned()]
            )
        );
    }

    #[test]
    fn value_labels_and_odd_types_are_one_clear_error() {
        let labels = batch(
            2,
            |name| match name {
                "v213" => {
                    Arc::new(DictionaryArray::<Int8Type>::from_iter(["no", "yes"])) as ArrayRef
                }
                _ => Arc::new(Float64Array::from(vec![1.0, 2.0])),
            },
            vec![],
        );
        let e = WomenText::from_arrow(&labels.schema(), [&labels], &[]).expect_err("labels");
        let text = e.describe(crate::Locale::En);
        assert!(
            text.contains("column_not_numeric") && text.contains("v213") && text.contains("no"),
            "{text}"
        );
        let boolean = batch(
            2,
            |name| match name {
                "v3a08d" => Arc::new(BooleanArray::from(vec![true, false])) as ArrayRef,
                _ => Arc::new(Float64Array::from(vec![1.0, 2.0])),
            },
            vec![],
        );
        let text = WomenText::from_arrow(&boolean.schema(), [&boolean], &[])
            .expect_err("boolean")
            .describe(crate::Locale::En);
        assert!(
            text.contains("column_type_invalid")
                && text.contains("v3a08d")
                && text.contains("Boolean"),
            "{text}"
        );
        let numeric_v000 = RecordBatch::try_from_iter(
            REQUIRED
                .iter()
                .map(|n| (*n, Arc::new(Float64Array::from(vec![1.0])) as ArrayRef)),
        )
        .expect("batch");
        let text = WomenText::from_arrow(&numeric_v000.schema(), [&numeric_v000], &[])
            .expect_err("v000")
            .describe(crate::Locale::En);
        assert!(
            text.contains("v000") && text.contains("expected text"),
            "{text}"
        );
        // A weight given as text that is no number is +inf, as in a CSV file.
        let weight = batch(
            2,
            |_| Arc::new(Float64Array::from(vec![1.0, 2.0])) as ArrayRef,
            vec![(
                "wt",
                Arc::new(StringArray::from(vec!["1", "x"])) as ArrayRef,
            )],
        );
        let w = WomenText::from_arrow(&weight.schema(), [&weight], &["wt"]).expect("women");
        assert_eq!(w.numbers("wt").expect("wt"), [1.0, f64::INFINITY]);
    }
}
