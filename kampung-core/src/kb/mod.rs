//! Family planning (*Keluarga Berencana*, KB): the contraceptive-method
//! catalogue, PUS and 4T detection, and participation indicators
//! (DOMAIN.md §1.2-§1.4, §2).

pub mod dhs;
pub mod indicators;
pub mod method;
pub mod pus;
pub(crate) mod read;

pub use indicators::{kb_indicators_json, KbIndicators, Ratio};
pub use method::{Method, MethodSystem, NonUseReason};
