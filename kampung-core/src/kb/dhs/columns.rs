//! v626a over whole columns: recode columns in, class (and reason) columns
//! and an errors table out. No allocation per row.

use super::recode::{SurveyId, WomanRecode};
use super::rules::{decide, derive, DhsRules, Reason};
use crate::error::RowError;
use crate::error::{ErrorCode, FieldError, ShapeError};
use crate::kb::indicators::NeedClass;

/// The survey identifier column `v000`.
#[derive(Clone, Copy, Debug)]
pub enum SurveyColumn<'a> {
    /// One survey for every row (the usual case: one IR file).
    Same(&'a str),
    /// Dictionary-encoded: row `i` is `values[codes[i]]`; a negative code
    /// is missing (the encoding of `pandas.factorize` and Arrow dictionaries).
    Dictionary {
        /// The distinct values.
        values: &'a [String],
        /// One index per row into `values`.
        codes: &'a [i64],
    },
}

/// The women of an individual-recode file, one slice per variable
/// (`f64`, NaN = missing), all of the same length.
#[derive(Clone, Copy, Debug)]
#[allow(missing_docs)]
pub struct Women<'a> {
    /// Survey identifier (`ID7`, …).
    pub v000: SurveyColumn<'a>,
    pub v007: &'a [f64],
    pub v020: &'a [f64],
    pub v502: &'a [f64],
    pub v512: &'a [f64],
    pub v525: &'a [f64],
    pub v528: &'a [f64],
    pub v213: &'a [f64],
    pub v225: &'a [f64],
    pub v222: &'a [f64],
    pub m6_1: &'a [f64],
    pub m10_1: &'a [f64],
    pub v215: &'a [f64],
    pub v302a: &'a [f64],
    pub v312: &'a [f64],
    pub v605: &'a [f64],
    pub v3a08d: &'a [f64],
}

impl<'a> Women<'a> {
    /// The names of the numeric columns, in the order of [`Women::from_columns`].
    pub const NUMERIC: [&'static str; 16] = [
        "v007", "v020", "v502", "v512", "v525", "v528", "v213", "v225", "v222", "m6_1", "m10_1",
        "v215", "v302a", "v312", "v605", "v3a08d",
    ];

    /// The women of `v000` and the numeric columns in [`Women::NUMERIC`] order.
    pub fn from_columns(v000: SurveyColumn<'a>, c: [&'a [f64]; 16]) -> Women<'a> {
        let [v007, v020, v502, v512, v525, v528, v213, v225, v222, m6_1, m10_1, v215, v302a, v312, v605, v3a08d] =
            c;
        Women {
            v000,
            v007,
            v020,
            v502,
            v512,
            v525,
            v528,
            v213,
            v225,
            v222,
            m6_1,
            m10_1,
            v215,
            v302a,
            v312,
            v605,
            v3a08d,
        }
    }

    /// The number of women (the length of `v312`, which every column must share).
    pub fn len(&self) -> usize {
        self.v312.len()
    }

    /// True when there are no women.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every column's length equals `v312`'s.
    ///
    /// # Errors
    /// The first column whose length differs.
    pub fn check_shape(&self) -> Result<(), ShapeError> {
        let n = self.len();
        let mut cols: Vec<(&'static str, usize)> = vec![
            ("v007", self.v007.len()),
            ("v020", self.v020.len()),
            ("v502", self.v502.len()),
            ("v512", self.v512.len()),
            ("v525", self.v525.len()),
            ("v528", self.v528.len()),
            ("v213", self.v213.len()),
            ("v225", self.v225.len()),
            ("v222", self.v222.len()),
            ("m6_1", self.m6_1.len()),
            ("m10_1", self.m10_1.len()),
            ("v215", self.v215.len()),
            ("v302a", self.v302a.len()),
            ("v605", self.v605.len()),
            ("v3a08d", self.v3a08d.len()),
        ];
        if let SurveyColumn::Dictionary { codes, .. } = self.v000 {
            cols.insert(0, ("v000", codes.len()));
        }
        match cols.into_iter().find(|(_, len)| *len != n) {
            Some((column, actual)) => Err(ShapeError {
                column,
                actual,
                reference: "v312",
                expected: n,
            }),
            None => Ok(()),
        }
    }

    /// Rows `start..end` of every column (in bounds after [`Women::check_shape`]).
    pub fn rows(&self, start: usize, end: usize) -> Women<'a> {
        let v000 = match self.v000 {
            SurveyColumn::Same(s) => SurveyColumn::Same(s),
            SurveyColumn::Dictionary { values, codes } => SurveyColumn::Dictionary {
                values,
                codes: &codes[start..end],
            },
        };
        let c = [
            self.v007,
            self.v020,
            self.v502,
            self.v512,
            self.v525,
            self.v528,
            self.v213,
            self.v225,
            self.v222,
            self.m6_1,
            self.m10_1,
            self.v215,
            self.v302a,
            self.v312,
            self.v605,
            self.v3a08d,
        ];
        Women::from_columns(v000, c.map(|col| &col[start..end]))
    }

    /// The recode values of row `i` (in bounds after [`Women::check_shape`]).
    #[inline(always)]
    fn row(&self, i: usize) -> WomanRecode {
        WomanRecode {
            v007: self.v007[i],
            v020: self.v020[i],
            v502: self.v502[i],
            v512: self.v512[i],
            v525: self.v525[i],
            v528: self.v528[i],
            v213: self.v213[i],
            v225: self.v225[i],
            v222: self.v222[i],
            m6_1: self.m6_1[i],
            m10_1: self.m10_1[i],
            v215: self.v215[i],
            v302a: self.v302a[i],
            v312: self.v312[i],
            v605: self.v605[i],
            v3a08d: self.v3a08d[i],
        }
    }
}

/// The classification of a set of women.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnmetNeed {
    /// v626a per woman: 0, 1, 2, 3, 4, 7, 8, 9, 98 or 99.
    pub v626a: Vec<u8>,
    /// The rule that fired per woman, when asked for.
    pub reason: Option<Vec<Reason>>,
    /// One row per impossible value (the woman's class is 99).
    pub errors: Vec<RowError>,
}

/// Classifies every woman (v626a) by the DHS Program's derivation
/// ([`crate::kb::dhs`]); `with_reasons` also returns the rule per woman.
///
/// # Errors
/// [`ShapeError`] when the columns differ in length. Bad values never fail
/// the call: the woman gets 99 and the errors table a row per bad value.
pub fn unmet_need(
    women: &Women<'_>,
    rules: DhsRules,
    with_reasons: bool,
) -> Result<UnmetNeed, ShapeError> {
    unmet_need_threaded(women, rules, with_reasons, 1)
}

/// [`unmet_need`] on up to `threads` threads (blocks of consecutive rows;
/// the result is the same whatever the number of threads).
///
/// # Errors
/// As [`unmet_need`].
pub fn unmet_need_threaded(
    women: &Women<'_>,
    rules: DhsRules,
    with_reasons: bool,
    threads: usize,
) -> Result<UnmetNeed, ShapeError> {
    women.check_shape()?;
    let (blocks, errors) = in_blocks(women, threads, |block, _start, errors| {
        let n = block.len();
        let mut v626a = Vec::with_capacity(n);
        let mut reason = with_reasons.then(|| Vec::with_capacity(n));
        classify_rows(block, rules, errors, |class, r| {
            v626a.push(class.code());
            if let Some(v) = reason.as_mut() {
                v.push(r);
            }
        });
        (v626a, reason)
    });
    let mut out = UnmetNeed {
        v626a: Vec::with_capacity(women.len()),
        reason: with_reasons.then(|| Vec::with_capacity(women.len())),
        errors,
    };
    for (v, r) in blocks {
        out.v626a.extend(v);
        if let (Some(all), Some(r)) = (out.reason.as_mut(), r) {
            all.extend(r);
        }
    }
    Ok(out)
}

/// Below this many rows per thread a second thread does not pay.
const MIN_ROWS_PER_THREAD: usize = 10_000;

/// Runs `f(block, first row, errors)` on consecutive blocks of rows, one
/// per thread (at most `threads`; one on `wasm32`), and returns the blocks'
/// results in order with their row errors (numbered within the block)
/// renumbered for the whole table. The shape must have been checked.
pub(crate) fn in_blocks<T: Send>(
    women: &Women<'_>,
    threads: usize,
    f: impl Fn(&Women<'_>, usize, &mut Vec<RowError>) -> T + Sync,
) -> (Vec<T>, Vec<RowError>) {
    let n = women.len();
    let threads = if cfg!(target_arch = "wasm32") {
        1
    } else {
        threads.clamp(1, (n / MIN_ROWS_PER_THREAD).max(1))
    };
    let one = |start: usize, end: usize| {
        let mut errors = Vec::new();
        let t = f(&women.rows(start, end), start, &mut errors);
        for e in &mut errors {
            e.row += start;
        }
        (t, errors)
    };
    let parts: Vec<(T, Vec<RowError>)> = if threads == 1 {
        vec![one(0, n)]
    } else {
        let size = n.div_ceil(threads);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|k| {
                    let (start, end) = ((k * size).min(n), ((k + 1) * size).min(n));
                    let one = &one;
                    s.spawn(move || one(start, end))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| match h.join() {
                    Ok(part) => part,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        })
    };
    let mut results = Vec::with_capacity(parts.len());
    let mut errors = Vec::new();
    for (t, e) in parts {
        results.push(t);
        errors.extend(e);
    }
    (results, errors)
}

/// The survey of each dictionary value, parsed once.
enum Surveys {
    Same(Result<SurveyId, FieldError>),
    Dictionary(Vec<Result<SurveyId, FieldError>>),
}

impl Surveys {
    fn of(col: &SurveyColumn<'_>) -> Surveys {
        match col {
            SurveyColumn::Same(s) => Surveys::Same(SurveyId::parse(s)),
            SurveyColumn::Dictionary { values, .. } => {
                Surveys::Dictionary(values.iter().map(|v| SurveyId::parse(v)).collect())
            }
        }
    }

    fn get(&self, col: &SurveyColumn<'_>, i: usize) -> Result<&SurveyId, FieldError> {
        let r = match (self, col) {
            (Surveys::Same(r), _) => r,
            (Surveys::Dictionary(v), SurveyColumn::Dictionary { codes, .. }) => {
                match usize::try_from(codes[i]).ok().and_then(|c| v.get(c)) {
                    Some(r) => r,
                    None => return Err(FieldError::at("v000", ErrorCode::Required)),
                }
            }
            (Surveys::Dictionary(_), SurveyColumn::Same(_)) => {
                return Err(FieldError::at("v000", ErrorCode::Required))
            }
        };
        r.as_ref().map_err(Clone::clone)
    }
}

/// Classifies rows in order, calling `out` once per row; the shape is
/// checked by the caller.
pub(crate) fn classify_rows(
    women: &Women<'_>,
    rules: DhsRules,
    errors: &mut Vec<RowError>,
    mut out: impl FnMut(NeedClass, Reason),
) {
    let surveys = Surveys::of(&women.v000);
    for i in 0..women.len() {
        let mut bad = false;
        let survey = match surveys.get(&women.v000, i) {
            Ok(s) => Some(s),
            Err(e) => {
                errors.push(RowError::new(i, e));
                bad = true;
                None
            }
        };
        let codes = women.row(i).validate(|e| {
            errors.push(RowError::new(i, e));
        });
        match (survey, codes) {
            (Some(s), Some(c)) if !bad => {
                let (class, reason) = decide(&derive(s, &c, rules));
                out(class, reason);
            }
            _ => out(NeedClass::Undetermined, Reason::InvalidInput),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(x: f64, n: usize) -> Vec<f64> {
        vec![x; n]
    }

    #[test]
    fn shape_and_errors() {
        let nan = col(f64::NAN, 3);
        let v312 = vec![1.0, 0.0, 0.0];
        let v213 = vec![0.0, 2.0, 0.0];
        let v605 = vec![5.0, 1.0, 5.0];
        let v502 = col(1.0, 3);
        let w = Women {
            v000: SurveyColumn::Same("ID7"),
            v007: &nan,
            v020: &nan,
            v502: &v502,
            v512: &nan,
            v525: &nan,
            v528: &nan,
            v213: &v213,
            v225: &nan,
            v222: &nan,
            m6_1: &nan,
            m10_1: &nan,
            v215: &nan,
            v302a: &nan,
            v312: &v312,
            v605: &v605,
            v3a08d: &nan,
        };
        let r = unmet_need(&w, DhsRules::Stata, true).unwrap();
        assert_eq!(r.v626a, [4, 99, 2]);
        assert_eq!(
            r.reason.unwrap(),
            [
                Reason::UserLimiting,
                Reason::InvalidInput,
                Reason::WantsNoMore
            ]
        );
        assert_eq!(r.errors.len(), 1);
        assert_eq!(
            (r.errors[0].row, r.errors[0].error.path().to_string()),
            (1, "v213".to_owned())
        );
        let short = [0.0];
        let bad = Women { v605: &short, ..w };
        let e = unmet_need(&bad, DhsRules::Stata, false).unwrap_err();
        assert_eq!((e.column, e.actual, e.expected), ("v605", 1, 3));
        let values = ["ID7".to_owned(), String::new()];
        let codes = [0, 1, -1];
        let dict = Women {
            v000: SurveyColumn::Dictionary {
                values: &values,
                codes: &codes,
            },
            ..w
        };
        let r = unmet_need(&dict, DhsRules::R, false).unwrap();
        assert_eq!(r.v626a, [4, 99, 99]);
        assert!(r.reason.is_none());
        let rows: Vec<(usize, &str)> = r
            .errors
            .iter()
            .map(|e| (e.row, e.error.code().as_str()))
            .collect();
        assert_eq!(
            rows,
            [(1, "required"), (1, "invalid_code"), (2, "required")]
        );
    }
}
