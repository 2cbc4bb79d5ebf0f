//! The 38 Indonesian provinces and their Kemendagri codes.
//!
//! Source: DOMAIN.md §7.4 (`fityannugroho/idn-area-data @ 11d3385 : data/provinces.csv`,
//! matching the cahyadsn/wilayah README and the Dukcapil list), current decree
//! Kepmendagri No. 300.2.2-2138/2025.
//!
//! # Historical codes
//! A NIK keeps the province code of its first registration for life
//! (DOMAIN.md §7.1). Every province created since NIKs were issued was split
//! off a province whose code is still current (for example the four new Papua
//! provinces of 2022 out of 91 Papua and 92 Papua Barat; 65 Kalimantan Utara
//! out of 64 Kalimantan Timur in 2012), so the historical codes a NIK may still
//! carry are themselves in this list. No code outside the 38 is accepted; the
//! province decoded from a NIK is therefore the province *of first
//! registration*, not of residence.

/// `(code, name)` for the 38 provinces, by code.
pub const PROVINCES: [(u8, &str); 38] = [
    (11, "Aceh"),
    (12, "Sumatera Utara"),
    (13, "Sumatera Barat"),
    (14, "Riau"),
    (15, "Jambi"),
    (16, "Sumatera Selatan"),
    (17, "Bengkulu"),
    (18, "Lampung"),
    (19, "Kepulauan Bangka Belitung"),
    (21, "Kepulauan Riau"),
    (31, "DKI Jakarta"),
    (32, "Jawa Barat"),
    (33, "Jawa Tengah"),
    (34, "DI Yogyakarta"),
    (35, "Jawa Timur"),
    (36, "Banten"),
    (51, "Bali"),
    (52, "Nusa Tenggara Barat"),
    (53, "Nusa Tenggara Timur"),
    (61, "Kalimantan Barat"),
    (62, "Kalimantan Tengah"),
    (63, "Kalimantan Selatan"),
    (64, "Kalimantan Timur"),
    (65, "Kalimantan Utara"),
    (71, "Sulawesi Utara"),
    (72, "Sulawesi Tengah"),
    (73, "Sulawesi Selatan"),
    (74, "Sulawesi Tenggara"),
    (75, "Gorontalo"),
    (76, "Sulawesi Barat"),
    (81, "Maluku"),
    (82, "Maluku Utara"),
    (91, "Papua"),
    (92, "Papua Barat"),
    (93, "Papua Selatan"),
    (94, "Papua Tengah"),
    (95, "Papua Pegunungan"),
    (96, "Papua Barat Daya"),
];

/// The name of province `code`, or `None` when it is not one of the 38.
pub fn province_name(code: u8) -> Option<&'static str> {
    BY_CODE.get(usize::from(code)).copied().flatten()
}

/// [`PROVINCES`] indexed by code (0-99), for a look-up per NIK.
const BY_CODE: [Option<&str>; 100] = {
    let mut out = [None; 100];
    let mut i = 0;
    while i < PROVINCES.len() {
        out[PROVINCES[i].0 as usize] = Some(PROVINCES[i].1);
        i += 1;
    }
    out
};

/// True when `code` is a kabupaten (01-69) or kota (71-99) code within a
/// province (DOMAIN.md §7.3, Permendagri 58/2021).
pub const fn is_kabkota_code(code: u8) -> bool {
    matches!(code, 1..=69 | 71..=99)
}

/// Two ASCII digits to a number; `None` if either is not a digit.
pub(crate) fn two_digits(b: &[u8]) -> Option<u8> {
    match b {
        [a, c] if a.is_ascii_digit() && c.is_ascii_digit() => Some((a - b'0') * 10 + (c - b'0')),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_eight_sorted_unique() {
        assert_eq!(PROVINCES.len(), 38);
        assert!(PROVINCES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(province_name(64), Some("Kalimantan Timur"));
        assert_eq!(province_name(96), Some("Papua Barat Daya"));
        assert_eq!(province_name(20), None);
        assert_eq!(province_name(54), None);
        // The table by code holds exactly the list.
        for code in 0..=u8::MAX {
            let listed = PROVINCES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n);
            assert_eq!(province_name(code), listed, "{code}");
        }
    }

    #[test]
    fn kabkota_ranges() {
        assert!(!is_kabkota_code(0));
        assert!(is_kabkota_code(1) && is_kabkota_code(69));
        assert!(!is_kabkota_code(70));
        assert!(is_kabkota_code(71) && is_kabkota_code(99));
    }
}
