//! The code lists a form offers (relationship, marital status, drinking
//! water, latrine, KB method), each code with its Indonesian and English
//! label, so that forms in every language take them from the library
//! instead of hard-coding them (PRIOR_ART.md D-27: code, `label_id`,
//! `label_en`, unique). The codes are the ones the parsers read.

use serde::Serialize;

/// One entry of a code list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CodeLabel {
    /// The canonical code (what the parsers read and the outputs write).
    pub code: &'static str,
    /// The label in Indonesian.
    pub label_id: &'static str,
    /// The label in English.
    pub label_en: &'static str,
}

const fn c(code: &'static str, label_id: &'static str, label_en: &'static str) -> CodeLabel {
    CodeLabel {
        code,
        label_id,
        label_en,
    }
}

/// SHDK relationship to the head, codes 1-11 in order (OpenSID
/// `SHDKEnum`, PRIOR_ART.md §2.2).
pub const RELATIONSHIP: [CodeLabel; 11] = [
    c("kepala_keluarga", "Kepala Keluarga", "Head of family"),
    c("suami", "Suami", "Husband"),
    c("istri", "Istri", "Wife"),
    c("anak", "Anak", "Child"),
    c("menantu", "Menantu", "Child-in-law"),
    c("cucu", "Cucu", "Grandchild"),
    c("orang_tua", "Orang Tua", "Parent"),
    c("mertua", "Mertua", "Parent-in-law"),
    c("famili_lain", "Famili Lain", "Other relative"),
    c("pembantu", "Pembantu", "Household help"),
    c("lainnya", "Lainnya", "Other"),
];

/// *Status perkawinan* as a KK prints it (DOMAIN.md §9.1): the five values
/// of Permendagri 118/2017 and the old cards' *Kawin*.
pub const MARITAL_STATUS: [CodeLabel; 6] = [
    c("belum_kawin", "Belum Kawin", "Never married"),
    c("kawin_tercatat", "Kawin Tercatat", "Married (registered)"),
    c(
        "kawin_belum_tercatat",
        "Kawin Belum Tercatat",
        "Married (not registered)",
    ),
    c("kawin", "Kawin", "Married (recording not stated)"),
    c("cerai_hidup", "Cerai Hidup", "Divorced"),
    c("cerai_mati", "Cerai Mati", "Widowed"),
];

/// Main drinking-water source (DOMAIN.md §1.3).
pub const WATER_SOURCE: [CodeLabel; 10] = [
    c(
        "air_kemasan",
        "Air kemasan / isi ulang",
        "Bottled or refill water",
    ),
    c("ledeng", "Ledeng / PAM", "Piped water"),
    c("sumur_bor", "Sumur bor / pompa", "Borehole"),
    c("sumur_terlindung", "Sumur terlindung", "Protected well"),
    c(
        "sumur_tak_terlindung",
        "Sumur tak terlindung",
        "Unprotected well",
    ),
    c(
        "mata_air_terlindung",
        "Mata air terlindung",
        "Protected spring",
    ),
    c(
        "mata_air_tak_terlindung",
        "Mata air tak terlindung",
        "Unprotected spring",
    ),
    c(
        "air_permukaan",
        "Air permukaan (sungai, danau)",
        "Surface water (river, lake)",
    ),
    c("air_hujan", "Air hujan", "Rain water"),
    c("lainnya", "Lainnya", "Other"),
];

/// Latrine kind (DOMAIN.md §1.3).
pub const LATRINE: [CodeLabel; 4] = [
    c("sendiri", "Jamban sendiri", "Own latrine"),
    c("bersama", "Jamban bersama / komunal", "Shared latrine"),
    c("umum", "Jamban umum / MCK", "Public latrine"),
    c("tidak_ada", "Tidak ada jamban", "No latrine"),
];

/// KB methods in catalogue order (DOMAIN.md §2.2).
pub const KB_METHOD: [CodeLabel; 14] = [
    c("iud", "IUD / AKDR", "IUD"),
    c("mow", "MOW (tubektomi)", "Female sterilisation"),
    c("mop", "MOP (vasektomi)", "Male sterilisation"),
    c("implant", "Implan", "Implant"),
    c("injectable_1_month", "Suntik 1 bulan", "1-month injectable"),
    c("injectable_3_month", "Suntik 3 bulan", "3-month injectable"),
    c("injectable", "Suntik", "Injectable"),
    c("pill", "Pil", "Pill"),
    c("condom", "Kondom", "Condom"),
    c(
        "mal",
        "MAL (Metode Amenore Laktasi)",
        "Lactational amenorrhoea (LAM)",
    ),
    c("other_modern", "Metode modern lain", "Other modern method"),
    c("traditional", "Metode tradisional", "Traditional method"),
    c("other", "Lainnya", "Other"),
    c("none", "Tidak ber-KB", "No method"),
];

/// Every list by name: `relationship`, `marital_status`, `water_source`,
/// `latrine`, `kb_method`.
pub const ALL: [(&str, &[CodeLabel]); 5] = [
    ("relationship", &RELATIONSHIP),
    ("marital_status", &MARITAL_STATUS),
    ("water_source", &WATER_SOURCE),
    ("latrine", &LATRINE),
    ("kb_method", &KB_METHOD),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::marital::KkMaritalStatus;
    use crate::family::relationship::Relationship;
    use crate::kb::method::ALL_METHODS;
    use crate::risk::krs::{Latrine, WaterSource};
    use std::collections::HashSet;

    /// Codes and labels are unique within a list (D-27) and every code is
    /// read by its parser as itself.
    #[test]
    fn unique_and_read_by_the_parsers() {
        for (name, list) in ALL {
            let mut codes = HashSet::new();
            let mut ids = HashSet::new();
            let mut ens = HashSet::new();
            for e in list {
                assert!(codes.insert(e.code), "{name}: {}", e.code);
                assert!(ids.insert(e.label_id), "{name}: {}", e.label_id);
                assert!(ens.insert(e.label_en), "{name}: {}", e.label_en);
            }
        }
        for (i, e) in RELATIONSHIP.iter().enumerate() {
            let r = Relationship::parse(e.code).expect(e.code);
            assert_eq!(usize::from(r.code()), i + 1);
            assert_eq!(
                Relationship::parse(e.label_id).ok(),
                Some(r),
                "{}",
                e.label_id
            );
        }
        for e in MARITAL_STATUS {
            let k = KkMaritalStatus::parse(e.code).expect(e.code);
            assert_eq!(KkMaritalStatus::parse(e.label_id), Ok(k), "{}", e.label_id);
        }
        for e in WATER_SOURCE {
            assert!(WaterSource::parse(e.code).is_ok(), "{}", e.code);
        }
        for e in LATRINE {
            assert!(Latrine::parse(e.code).is_ok(), "{}", e.code);
        }
        assert_eq!(KB_METHOD.len(), ALL_METHODS.len());
        for (e, m) in KB_METHOD.iter().zip(ALL_METHODS) {
            assert_eq!(e.code, m.as_str());
        }
    }
}
