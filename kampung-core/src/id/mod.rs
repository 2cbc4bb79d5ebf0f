//! Indonesian identifiers: NIK, Nomor KK and Kemendagri region codes
//! (DOMAIN.md §7).

pub mod gazetteer;
pub mod nik;
pub mod nomor_kk;
pub mod province;
pub mod pseudonym;
pub mod wilayah;
