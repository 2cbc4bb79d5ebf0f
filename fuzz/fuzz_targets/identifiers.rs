//! NIK, Nomor KK, region codes, dates and codes from any bytes: never a panic.
#![no_main]
use kampung_core::{growth, input, KodeWilayah, Nik, NomorKk, Sex};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap_or_default();
    if let Ok(n) = Nik::parse_as_of(s, as_of) {
        assert_eq!(Nik::parse(&n.to_string()).ok(), Some(n));
        let _ = n.info(as_of);
    }
    let _ = NomorKk::parse(s);
    if let Ok(k) = KodeWilayah::parse(s) {
        assert_eq!(KodeWilayah::parse(&k.to_string()).ok(), Some(k));
    }
    let _ = input::parse_date(s);
    let _ = Sex::parse(s);
    let _ = (growth::parse_sex(s), growth::parse_measure(s), growth::parse_oedema(s));
});
