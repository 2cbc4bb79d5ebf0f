//! Property tests: no input makes a parser panic; valid values round-trip.

use chrono::NaiveDate;
use kampung_core::{Family, FamilyOptions, KodeWilayah, Nik, NomorKk};
use proptest::prelude::*;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 15).expect("date")
}

/// The earliest birth date a NIK can resolve to: one day after as_of - 100 years.
fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(1926, 1, 16).expect("date")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parsers_never_panic_on_any_string(s in ".*") {
        let _ = Nik::parse(&s);
        let _ = Nik::parse_as_of(&s, as_of());
        let _ = NomorKk::parse(&s);
        let _ = KodeWilayah::parse(&s);
    }

    #[test]
    fn parsers_never_panic_on_digit_strings(s in "[0-9.]{0,20}") {
        let _ = Nik::parse_as_of(&s, as_of());
        let _ = NomorKk::parse(&s);
        if let Ok(k) = KodeWilayah::parse(&s) {
            // Every parent of a valid code is valid, and the dotted form re-parses.
            prop_assert_eq!(KodeWilayah::parse(&k.to_string()).ok(), Some(k));
            let mut p = k.parent();
            while let Some(q) = p {
                prop_assert!(k.is_within(&q));
                p = q.parent();
            }
        }
    }

    #[test]
    fn valid_niks_round_trip(
        prov in prop::sample::select(kampung_core::id::province::PROVINCES.iter().map(|p| p.0).collect::<Vec<_>>()),
        kab in prop_oneof![1u8..=69, 71u8..=99],
        kec in 0u8..=99,
        date in (0i64..=(as_of() - start()).num_days()).prop_map(|d| start() + chrono::TimeDelta::days(d)),
        female in any::<bool>(),
        serial in 1u16..=9999,
    ) {
        use chrono::Datelike;
        let dd = date.day() + if female { 40 } else { 0 };
        let s = format!("{prov:02}{kab:02}{kec:02}{dd:02}{:02}{:02}{serial:04}", date.month(), date.year() % 100);
        let nik = Nik::parse_as_of(&s, as_of()).expect("valid NIK");
        prop_assert_eq!(nik.to_string(), s.clone());
        prop_assert_eq!(nik.birth_date(as_of()), Some(date));
        prop_assert_eq!(nik.sex() == kampung_core::Sex::Female, female);
        prop_assert_eq!(nik.serial(), serial);
        let json = serde_json::to_string(&nik).expect("serialize");
        let back: Nik = serde_json::from_str(&json).expect("deserialize");
        prop_assert_eq!(back, nik);
    }

    #[test]
    fn family_validation_never_panics(v in arb_json()) {
        let _ = Family::from_value(&v, &FamilyOptions::new(as_of()));
        let wrapped = serde_json::json!({"no_kk": v.clone(), "region_code": v.clone(), "members": [v.clone(), {"name": v}]});
        let _ = Family::from_value(&wrapped, &FamilyOptions::new(as_of()));
    }
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,20}".prop_map(Value::String),
        "[0-9]{16}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("name".to_string()),
                    Just("sex".to_string()),
                    Just("members".to_string()),
                    Just("birth_date".to_string()),
                    Just("relationship".to_string()),
                    ".{0,6}".prop_map(String::from)
                ],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
