//! The village report: aggregation of a family register by region
//! ([`aggregate`]) and the Kampung KB classification ([`classification`]),
//! DOMAIN.md §5 and §8.
//!
//! ```
//! use kampung_core::report::{Aggregator, contribution};
//! use kampung_core::register::{RegisterFamily, RegisterOptions};
//! use kampung_core::growth::Tables2006;
//! use chrono::NaiveDate;
//! let opts = RegisterOptions::new(NaiveDate::from_ymd_opt(2025, 7, 1).unwrap());
//! let line = serde_json::json!({"no_kk": "6472052301150007", "region_code": "64.72.05.2001",
//!   "members": [{"name": "Budi", "sex": "L", "birth_date": "1985-01-01",
//!                "relationship": "kepala_keluarga", "marital_status": "kawin"},
//!               {"name": "Siti", "sex": "P", "birth_date": "1990-07-05",
//!                "relationship": "istri", "marital_status": "kawin"}],
//!   "housing": {"water_source": "sumur_tak_terlindung", "latrine": "sendiri", "septic_tank": true},
//!   "kb": {"method": "pill"}});
//! let read = RegisterFamily::from_value(&line, &opts);
//! let mut agg = Aggregator::new();
//! agg.add(&contribution(&read.family.unwrap(), &opts, &Tables2006::bundled()));
//! let rows = agg.rows();
//! assert_eq!(rows.len(), 5); // total, province, kabupaten, kecamatan, desa
//! let cpr = rows[0].indicator("cpr").unwrap();
//! assert_eq!((cpr.numerator, cpr.denominator, cpr.value), (1, 1, Some(100.0)));
//! assert_eq!(rows[0].indicator("krs").unwrap().numerator, 1);
//! ```

pub mod aggregate;
pub mod builder;
pub mod classification;
pub mod wilson;

pub use aggregate::{
    contribution, Aggregator, Counters, Estimate, FamilyContribution, Indicator, RegionRow,
    RowLevel,
};
pub use builder::{count_reasons, Excluded, Exclusions, Problem, ReportBuilder};
pub use classification::{classify_kampung, KampungClass, KampungClassification, KampungProfile};
