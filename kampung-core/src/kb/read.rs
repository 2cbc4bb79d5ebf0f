//! Small readers for untyped input fields shared by `kb` and `risk`:
//! every problem becomes a [`FieldError`] at the field's name.

use crate::error::{ErrorCode, FieldError, Locale, PathSegment, ValidationErrors};
use crate::input::{parse_date, Fields};
use chrono::NaiveDate;

/// A yes/no field: JSON booleans, `1`/`0`, `"ya"`/`"tidak"`, `"true"`/`"false"`.
pub(crate) fn opt_bool(
    f: &Fields<'_>,
    name: &'static str,
    errors: &mut ValidationErrors,
) -> Option<bool> {
    crate::input::cell_yes_no(&crate::input::Cell::of(f.get(name)), name, errors)
}

/// A finite number; numeric strings (with `.` or `,` as the decimal mark)
/// are accepted, as forms send them.
pub(crate) fn finite(
    f: &Fields<'_>,
    name: &'static str,
    errors: &mut ValidationErrors,
) -> Option<f64> {
    crate::input::cell_finite(&crate::input::Cell::of(f.get(name)), name, errors)
}

/// `x` (already read, finite) when it lies in `[min, max]`; otherwise
/// records `out_of_range`. The range check of [`opt_number`].
pub(crate) fn number_in(
    x: f64,
    name: &'static str,
    min: f64,
    max: f64,
    errors: &mut ValidationErrors,
) -> Option<f64> {
    if x < min || x > max {
        errors.push(
            FieldError::at(name, ErrorCode::OutOfRange)
                .with_param("min", min)
                .with_param("max", max),
        );
        return None;
    }
    Some(x)
}

/// `x` (already read, finite) as a whole number in `[min, max]`; the
/// checks of [`opt_int`].
pub(crate) fn int_in(
    x: f64,
    name: &'static str,
    min: i64,
    max: i64,
    errors: &mut ValidationErrors,
) -> Option<i64> {
    if x.fract() != 0.0 {
        errors.push(
            FieldError::at(name, ErrorCode::InvalidType)
                .with_param("expected", "integer")
                .with_param("received", "number"),
        );
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    if x < min as f64 || x > max as f64 {
        errors.push(
            FieldError::at(name, ErrorCode::OutOfRange)
                .with_param("min", min)
                .with_param("max", max),
        );
        return None;
    }
    #[allow(clippy::cast_possible_truncation)]
    Some(x as i64)
}

/// A decimal number in `[min, max]` (`out_of_range` with `min`/`max` otherwise).
pub(crate) fn opt_number(
    f: &Fields<'_>,
    name: &'static str,
    min: f64,
    max: f64,
    errors: &mut ValidationErrors,
) -> Option<f64> {
    let x = finite(f, name, errors)?;
    number_in(x, name, min, max, errors)
}

/// A whole number in `[min, max]`.
pub(crate) fn opt_int(
    f: &Fields<'_>,
    name: &'static str,
    min: i64,
    max: i64,
    errors: &mut ValidationErrors,
) -> Option<i64> {
    let x = finite(f, name, errors)?;
    int_in(x, name, min, max, errors)
}

/// A code parsed by `parse`; a number is read as its decimal text.
pub(crate) fn opt_code<T>(
    f: &Fields<'_>,
    name: &'static str,
    parse: impl Fn(&str) -> Result<T, FieldError>,
    errors: &mut ValidationErrors,
) -> Option<T> {
    let s = f.text(name, false, true, errors)?;
    match parse(&s) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(e.with_outer(PathSegment::Field(name)));
            None
        }
    }
}

/// A date `YYYY-MM-DD` not after `as_of`.
pub(crate) fn opt_date_not_after(
    f: &Fields<'_>,
    name: &'static str,
    as_of: NaiveDate,
    errors: &mut ValidationErrors,
) -> Option<NaiveDate> {
    let s = f.text(name, false, false, errors)?;
    match parse_date(&s) {
        Ok(d) if d > as_of => {
            errors.push(
                FieldError::at(name, ErrorCode::DateInFuture)
                    .with_param("as_of", as_of.to_string()),
            );
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            errors.push(e.with_outer(PathSegment::Field(name)));
            None
        }
    }
}

/// The options every entry point shares: `as_of` (required) and `locale`
/// (`"id"` default). Errors are relative to the options object.
pub(crate) fn common_options(
    f: &Fields<'_>,
    errors: &mut ValidationErrors,
) -> (Option<NaiveDate>, Locale) {
    let as_of = f
        .text("as_of", true, false, errors)
        .and_then(|s| match parse_date(&s) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(e.with_outer(PathSegment::Field("as_of")));
                None
            }
        });
    let locale = match f.text("locale", false, false, errors) {
        Some(s) => match Locale::parse(&s) {
            Ok(l) => l,
            Err(e) => {
                errors.push(e);
                Locale::Id
            }
        },
        None => Locale::Id,
    };
    (as_of, locale)
}

/// Prefixes every error in `errs` with `options`.
pub(crate) fn under(segment: &'static str, errs: ValidationErrors, into: &mut ValidationErrors) {
    into.extend_with_outer(errs, &PathSegment::Field(segment));
}
