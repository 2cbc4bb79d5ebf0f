//! A gazetteer file from any bytes (as `loadGazetteer` in the WASM package
//! takes it): rejected with `gazetteer_invalid`, or a table whose every entry
//! is found again by its code, with its name. Never a panic. Seed the corpus
//! with kampung-core/src/id/gazetteer/gazetteer.bin.
#![no_main]
use kampung_core::{ErrorCode, Gazetteer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match Gazetteer::from_bytes(data) {
        Ok(g) => {
            let mut n = 0;
            for r in &g {
                assert_eq!(g.name(&r.code), Some(r.name));
                assert!(g.children(&r.code).is_some());
                n += 1;
            }
            assert_eq!(n, g.len());
            assert_eq!(g.counts().total(), g.len());
        }
        Err(e) => assert_eq!(e.code(), ErrorCode::GazetteerInvalid),
    }
});
