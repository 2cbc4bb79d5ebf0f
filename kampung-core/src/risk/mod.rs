//! Stunting risk: *keluarga berisiko stunting* (KRS) and the screening of
//! *calon pengantin* (catin) and *ibu hamil* (DOMAIN.md §1, §4).

pub mod krs;
pub mod screening;

pub use krs::{evaluate_krs_json, KrsResult};
pub use screening::{screen_catin_json, screen_ibu_hamil_json, ScreeningResult};
