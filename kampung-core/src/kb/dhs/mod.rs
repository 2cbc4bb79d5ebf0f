//! Unmet need for family planning (DHS `v626a`) derived from the raw
//! individual-recode variables, exactly as the DHS Program's own code does
//! (DOMAIN.md §2.5.1; DHSProgram/DHS-Indicators-Stata `Chap07_FP/FP_NEED.do`,
//! DHSProgram/DHS-Indicators-R `Chap07_FP/FP_Need.R`).
//!
//! Recode files of recent surveys carry `v626a`; older files, re-weighted
//! or subset files, and surveys run with the DHS questionnaire but not
//! recoded by ICF (e.g. national re-analyses of SDKI/IDHS) need it derived.
//! kampung does it from these columns: `v000 v007 v020 v502 v512 v525 v528
//! v213 v225 v222 m6_1 m10_1 v215 v302a v312 v605 v3a08d`.
//!
//! ```
//! use kampung_core::kb::dhs::{classify_woman, DhsRules, WomanRecode};
//! use kampung_core::kb::indicators::NeedClass;
//! // Married, not using, not pregnant, last birth 14 months ago, period not
//! // returned (m6_1 = 96), that birth wanted later (m10_1 = 2).
//! let w = WomanRecode { v502: 1.0, v312: 0.0, v213: 0.0, v222: 14.0,
//!     m6_1: 96.0, m10_1: 2.0, v605: 5.0, ..WomanRecode::default() };
//! let (class, reason) = classify_woman("ID7", &w, DhsRules::Stata).unwrap();
//! assert_eq!((class.code(), reason.as_str()), (1, "ppa_period_not_returned"));
//! assert_eq!(class, NeedClass::UnmetSpacing);
//! ```
//!
//! Classes: 0 never had sex (unmarried), 1 unmet need for spacing, 2 unmet
//! need for limiting, 3 met need for spacing, 4 met need for limiting, 7 no
//! unmet need, 8 not sexually active (unmarried), 9 infecund, 98 outside the
//! universe of an ever-married sample, 99 missing. [`DhsRules`] selects the
//! Stata/SPSS code (default) or the R code where they differ; [`Reason`]
//! names the rule that fired.

#[cfg(feature = "arrow")]
mod arrow;
mod columns;
#[cfg(feature = "csv")]
mod file;
#[cfg(feature = "parquet")]
mod parquet;
mod recode;
mod rules;
mod table;
mod text;

pub use columns::{unmet_need, unmet_need_threaded, SurveyColumn, UnmetNeed, Women};
#[cfg(feature = "csv")]
pub use file::{dhs_file, WomenFormat};
#[cfg(feature = "parquet")]
pub use parquet::dhs_parquet;
pub use recode::{SurveyId, WomanRecode};
pub use rules::{DhsRules, Reason};
pub use table::{
    fp_indicators, ByColumn, CiMethod, FpGroup, FpIndicator, FpInput, FpOptions, FpRow, FpTable,
    IdColumn,
};
#[cfg(feature = "csv")]
pub use text::dhs_csv;
pub use text::{numeric_levels, parse_cell, DhsColumns, WomenText, REQUIRED};

use crate::error::ValidationErrors;
use crate::kb::indicators::{DhsInputs, NeedClass};

/// Classifies one woman from her recode values.
///
/// # Errors
/// Every impossible value (and a missing or malformed `v000`), each at its
/// variable's name.
pub fn classify_woman(
    v000: &str,
    woman: &WomanRecode,
    rules: DhsRules,
) -> Result<(NeedClass, Reason), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let survey = SurveyId::parse(v000).map_err(|e| errors.push(e)).ok();
    let codes = woman.validate(|e| errors.push(e));
    match (survey, codes) {
        (Some(s), Some(c)) if errors.is_empty() => Ok(rules::decide(&rules::derive(&s, &c, rules))),
        _ => Err(errors),
    }
}

/// [`crate::kb::indicators::classify_need`]: the same decision rules on
/// facts the caller has derived.
pub(crate) fn classify_derived(user: bool, pregnant: bool, dhs: &DhsInputs) -> NeedClass {
    rules::decide(&rules::Facts::from_inputs(user, pregnant, dhs)).0
}
