//! Design-based estimation from survey samples: weights, PSUs (clusters)
//! and strata; means, proportions, ratios and totals of domains with Taylor
//! standard errors, design degrees of freedom, design effects and
//! confidence intervals, equal to R's `survey` package (T. Lumley), which
//! WHO anthro and the DHS Program's tables rely on.
//!
//! The formulas are those of `shared/design/SURVEY.md` (checked against R
//! survey 4.1-1) and of R survey's own code (`survey:::onestrat`,
//! `svymean`, `svytotal`, `svyratio`, `svyvar`, `svyciprop`, `svyby`, read
//! as a specification). `tests/fixtures/survey/*.json` hold R's outputs on
//! synthetic designs (written by `r_survey_reference.R` in that folder) and
//! `tests/survey_r.rs` checks every number.
//!
//! * [`Design`]: weights, PSUs and strata from columns, nested or not, with
//!   R's lonely-PSU options ([`LonelyPsu`]); no PSU column means every
//!   record is its own PSU, no strata one stratum, no weights weight 1
//!   (simple random sampling).
//! * [`estimate`]: any number of [`Statistic`]s for every level of any
//!   number of [`Domain`]s (a mask, or group codes as R's `svyby`), in two
//!   passes over the records. Domains are estimated inside the whole design
//!   (records outside contribute zero), as R's `subset` and `svyby` do.
//! * [`Estimate`]: estimate, SE, deff, unweighted and weighted N, R's
//!   `svyvar`, and the intervals: Wald with Student t on the design df,
//!   logit ([`Estimate::logit`], R's `svyciprop(method = "logit")`) and
//!   estimate ± 2 SE ([`Estimate::two_se`], the DHS appendix convention).
//!
//! Variance: first stage, with replacement (R's default without a finite
//! population correction): `V = Σ_h n_h/(n_h − 1) Σ_k (U_hk − Ū_h)²`, `U_hk`
//! the PSU totals of the linearised scores, `n_h` the PSUs of stratum `h` in
//! the whole design.
//!
//! ```
//! use kampung_core::survey::{estimate, Design, DesignOptions, Domain, LonelyPsu, Statistic};
//! // 6 children in 3 clusters of 2 strata; stunted (1/0) by sex.
//! let stunted = [1.0, 0.0, 0.0, 0.0, 1.0, 1.0];
//! let sex = [0, 1, 1, 0, 0, 1]; // 0 girls, 1 boys
//! let w = [120.0, 120.0, 80.0, 80.0, 100.0, 100.0];
//! let design = Design::builder(6)
//!     .weights(&w)
//!     .psu(&[11, 11, 12, 12, 21, 21])
//!     .strata(&[1, 1, 1, 1, 2, 2])
//!     .options(DesignOptions::new().with_lonely_psu(LonelyPsu::Adjust))
//!     .build()?;
//! let est = estimate(
//!     &design,
//!     &[Statistic::Proportion(&stunted)],
//!     &[Domain::All, Domain::Groups { codes: &sex, levels: 2 }],
//! )?;
//! let all = est.levels(0, 0)[0];
//! assert!((all.estimate - 320.0 / 600.0).abs() < 1e-15);
//! assert_eq!(design.df(), 1);
//! let ci = all.logit(0.95);
//! assert!(ci.low < all.estimate && all.estimate < ci.high);
//! # Ok::<(), kampung_core::Error>(())
//! ```

mod design;
mod estimate;
mod interval;
mod logit;

#[cfg(feature = "growth")]
pub(crate) use design::{at_row, push_capped, truncated};
pub use design::{Design, DesignBuilder, DesignId, DesignOptions, LonelyPsu, NumberId};
pub use estimate::{estimate, Domain, Estimate, Estimates, Kind, RecordValues, Statistic};
pub use interval::{
    logit_interval, t_multiplier, t_quantile, two_se_interval, wald_interval, Interval,
};
