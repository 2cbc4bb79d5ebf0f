//! # kampung-core
//!
//! Validated types and indicator calculations for Indonesia's *Kampung
//! Keluarga Berkualitas* (Kampung KB) programme: identifiers (NIK, Nomor KK,
//! Kemendagri region codes), families and their members, and (in later
//! modules) child growth, family planning and stunting-risk indicators.
//!
//! Every constructor validates; an invalid value cannot exist. Every problem
//! is a [`FieldError`] with a path, a stable [`ErrorCode`] and a message in
//! Indonesian or English ([`Locale`]). Dates of reference (`as_of`) are
//! passed in, never read from a clock. There is no binding code here: the
//! Python and WASM packages only convert.
//!
//! Cargo features (all but `arrow` on by default): `growth` (WHO z-scores,
//! their tables, prevalence and growth monitoring), `report` (the family
//! register reader and the village report engine, needs `growth`),
//! `gazetteer` (the bundled region names), `parallel` (the engine's worker
//! threads), `csv` (CSV registers and children tables), `render` (text, JSON
//! and HTML reports) and `arrow` (register tables as Arrow record batches). With `default-features = false` the identifiers, families,
//! KB and KRS/screening rules remain and the WHO tables are not compiled.
//!
//! ```
//! use kampung_core::{Nik, Locale};
//! let err = Nik::parse("3201011503250000").unwrap_err();
//! assert_eq!(err.errors()[0].code().as_str(), "nik_serial_zero");
//! assert_eq!(err.errors()[0].message(Locale::Id),
//!            "Nomor urut NIK (4 angka terakhir) tidak boleh 0000.");
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

/// The README's Rust examples, compiled and run as doctests.
#[cfg(all(doctest, feature = "report"))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

pub mod atomic;
pub mod codes;
pub mod error;
pub mod family;
#[cfg(feature = "growth")]
pub mod growth;
pub mod id;
pub mod input;
pub mod interval;
pub mod kb;
#[cfg(feature = "growth")]
pub mod monitoring;
#[cfg(feature = "report")]
pub mod register;
#[cfg(feature = "report")]
pub mod report;
pub mod risk;
pub mod sex;
pub mod survey;
pub mod today;

pub use error::{
    Error, ErrorCode, FieldError, FieldPath, Locale, PathSegment, RowError, ValidationErrors,
};
pub use family::{Family, FamilyOptions};
#[cfg(feature = "growth")]
pub use growth::{zscores_2006, zscores_2007};
pub use id::gazetteer::{self, Gazetteer};
pub use id::nik::Nik;
pub use id::nomor_kk::NomorKk;
pub use id::wilayah::{self, KodeWilayah};
pub use sex::Sex;
