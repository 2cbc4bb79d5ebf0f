//! Growth monitoring over time (*pemantauan pertumbuhan*): the monthly
//! weighing at the Posyandu turned into the codes and counts that KMS / Buku
//! KIA registers and reports use (MONITORING.md).
//!
//! * [`assess()`]: per visit, over columns in any order: cross-visit
//!   validation (§4), then for every kept weighing the period, ages, gain in
//!   whole grams, KBM, code N/T/O/B, the T run and 2T, WAZ (the existing
//!   exact WHO 2006 code), line crossings, BGM and above-orange, the
//!   referral with its reasons ([`MonitoringRules`]: `kia2023` default,
//!   `legacy_2t`) and the WHO 2009 velocity z-scores ([`velocity`]) or why
//!   they were not computed.
//! * [`skdn()`]: S, K, D, N, T, O, B, D′, 2T, BGM and their ratios for any
//!   areas and month, by sex and age group; parents sum counts.
//! * [`assess_weighing_json`]: one weighing typed into a form.
//!
//! Decision rule (R1-R9): one weighing per child and calendar month
//! (`period = 12·year + month`); B for the first weighing on record, O when
//! last month has none, else N iff `gain_g ≥ KBM(sex, completed months)`
//! with the gain computed in whole grams (`round(1000·kg)`, so 9.0 − 8.8 kg
//! is exactly 200 g). Rejected weighings (errors) never get a code and never
//! serve as "last month".
//!
//! ```
//! use kampung_core::monitoring::{assess, join_children, Children, Visits, MonitoringRules, Code};
//! use kampung_core::monitoring::date::to_days;
//! let d = |s: &str| to_days(s.parse().unwrap());
//! // Worked example 2 (MONITORING.md §5): boy born 2023-06-10.
//! let join = join_children(&["A"], &["A", "A", "A"]);
//! let children = Children { sex: &[1], birth: &[d("2023-06-10")], has_kia: None };
//! let dates = [d("2024-01-12"), d("2024-02-12"), d("2024-03-12")];
//! let visits = Visits { child: &join.child_of_visit, date: &dates,
//!                       weight_kg: &[8.1, 8.3, 8.7], ..Visits::default() };
//! let a = assess(&children, &join, &visits, &MonitoringRules::kia2023(), None).unwrap();
//! assert_eq!(a.code, [Some(Code::B), Some(Code::T), Some(Code::N)]);
//! assert_eq!((a.gain_g[1], a.kbm_g[1]), (200, 300));
//! ```
#![doc(alias = "pemantauan pertumbuhan")]
#![doc(alias = "SKDN")]
#![doc(alias = "KMS")]

pub mod assess;
#[cfg(feature = "csv")]
pub mod csv;
pub mod date;
pub mod form;
pub mod kbm;
pub mod records;
pub mod rules;
pub mod skdn;
pub mod synthetic;
pub mod velocity;
#[allow(missing_docs)]
mod velocity_tables;

pub use assess::{
    assess, join_children, Assessment, ChildJoin, Children, Code, ReferReason, VisitError,
    VisitStatus, Visits, Warning, NO_VALUE, UNKNOWN_CHILD,
};
pub use form::{assess_weighing_json, WeighingAssessment};
pub use kbm::{KbmTable, KBM_SEX_SPECIFIC};
pub use rules::{MonitoringRules, Source};
pub use skdn::{skdn, SkdnCounts, SkdnTable, AGE_GROUPS};
pub use velocity::{velocity_z, VelocityStatus, VelocityTable};
