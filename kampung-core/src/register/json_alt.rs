//! Measurement only (feature `json-alternatives`): the JSON Lines record
//! read by serde derive into borrowed structs, with serde_json or with
//! sonic-rs, instead of the hand-written scanner ([`super::json`]). Same
//! contract as the scanner: `None` for anything it does not read exactly
//! (then the general reader takes the line), the same typed record
//! otherwise. `KAMPUNG_JSON_READER=serde|sonic` selects one in the
//! engine; see examples/PERFORMANCE.md for the figures.

use super::record::{
    Cell, Field, Item, RawFamily, RawHousing, RawKb, RawMeasurement, RawMember, RawRecord,
};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JMember<'a> {
    #[serde(borrow)]
    name: Option<&'a str>,
    #[serde(borrow)]
    nik: Option<&'a str>,
    #[serde(borrow)]
    sex: Option<&'a str>,
    #[serde(borrow)]
    birth_date: Option<&'a str>,
    #[serde(borrow)]
    relationship: Option<&'a str>,
    #[serde(borrow)]
    marital_status: Option<&'a str>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JHousing<'a> {
    #[serde(borrow)]
    water_source: Option<&'a str>,
    #[serde(borrow)]
    latrine: Option<&'a str>,
    septic_tank: Option<bool>,
    gooseneck: Option<bool>,
    housing_layak: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JKb<'a> {
    #[serde(borrow)]
    method: Option<&'a str>,
    #[serde(borrow)]
    reason_not_using: Option<&'a str>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JMeasurement<'a> {
    #[serde(borrow)]
    nik: Option<&'a str>,
    member: Option<serde_json::Number>,
    #[serde(borrow)]
    measured_on: Option<&'a str>,
    weight_kg: Option<serde_json::Number>,
    length_cm: Option<serde_json::Number>,
    #[serde(borrow)]
    measure: Option<&'a str>,
    oedema: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JFamily<'a> {
    #[serde(borrow)]
    no_kk: Option<&'a str>,
    #[serde(borrow)]
    region_code: Option<&'a str>,
    #[serde(borrow)]
    members: Option<Vec<JMember<'a>>>,
    #[serde(borrow)]
    housing: Option<JHousing<'a>>,
    wife_pregnant: Option<bool>,
    #[serde(borrow)]
    kb: Option<JKb<'a>>,
    #[serde(borrow)]
    measurements: Option<Vec<JMeasurement<'a>>>,
}

fn text(t: Option<&str>) -> Cell<'_> {
    t.map_or(Cell::Missing, Cell::Text)
}
fn yes_no<'a>(b: Option<bool>) -> Cell<'a> {
    b.map_or(Cell::Missing, Cell::Bool)
}
fn number<'a>(n: Option<&serde_json::Number>) -> Cell<'a> {
    n.map_or(Cell::Missing, Cell::number)
}

fn record(f: JFamily<'_>) -> RawRecord<'_> {
    RawRecord::Family(RawFamily {
        no_kk: text(f.no_kk),
        region_code: text(f.region_code),
        members: match f.members {
            None => Field::Missing,
            Some(list) => Field::Present(
                list.into_iter()
                    .map(|m| {
                        Item::Object(RawMember {
                            name: text(m.name),
                            nik: text(m.nik),
                            sex: text(m.sex),
                            birth_date: text(m.birth_date),
                            relationship: text(m.relationship),
                            marital_status: text(m.marital_status),
                        })
                    })
                    .collect(),
            ),
        },
        housing: match f.housing {
            None => Field::Missing,
            Some(h) => Field::Present(RawHousing {
                water_source: text(h.water_source),
                latrine: text(h.latrine),
                septic_tank: yes_no(h.septic_tank),
                gooseneck: yes_no(h.gooseneck),
                housing_layak: yes_no(h.housing_layak),
            }),
        },
        wife_pregnant: yes_no(f.wife_pregnant),
        kb: match f.kb {
            None => Field::Missing,
            Some(k) => Field::Present(RawKb {
                method: text(k.method),
                reason_not_using: text(k.reason_not_using),
            }),
        },
        measurements: match f.measurements {
            None => Field::Missing,
            Some(list) => Field::Present(
                list.into_iter()
                    .map(|m| {
                        Item::Object(RawMeasurement {
                            nik: text(m.nik),
                            member: number(m.member.as_ref()),
                            measured_on: text(m.measured_on),
                            weight_kg: number(m.weight_kg.as_ref()),
                            length_cm: number(m.length_cm.as_ref()),
                            measure: text(m.measure),
                            oedema: yes_no(m.oedema),
                        })
                    })
                    .collect(),
            ),
        },
    })
}

/// The record of `line` read by serde_json into the derived structs.
pub fn serde_line(line: &str) -> Option<RawRecord<'_>> {
    serde_json::from_str::<JFamily<'_>>(line).ok().map(record)
}

/// The record of `line` read by sonic-rs into the derived structs.
pub fn sonic_line(line: &str) -> Option<RawRecord<'_>> {
    sonic_rs::from_str::<JFamily<'_>>(line).ok().map(record)
}

/// A line reader.
pub type Reader = for<'a> fn(&'a str) -> Option<RawRecord<'a>>;

/// The reader chosen by `KAMPUNG_JSON_READER` (`serde`, `sonic`), if any.
pub fn selected() -> Option<Reader> {
    static CHOICE: std::sync::OnceLock<Option<Reader>> = std::sync::OnceLock::new();
    *CHOICE.get_or_init(|| match std::env::var("KAMPUNG_JSON_READER").as_deref() {
        Ok("serde") => Some(serde_line as Reader),
        Ok("sonic") => Some(sonic_line),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::json::scan_line;

    /// Where an alternative answers, it gives the scanner's record, on
    /// the bundled sample.
    #[test]
    fn alternatives_agree_with_the_scanner() {
        let sample = include_str!("../../../examples/data/report_sample.jsonl");
        let mut answered = [0usize; 2];
        for line in sample.lines() {
            for (k, alt) in [serde_line as fn(&str) -> Option<RawRecord<'_>>, sonic_line]
                .iter()
                .enumerate()
            {
                if let Some(r) = alt(line) {
                    answered[k] += 1;
                    let v: serde_json::Value = serde_json::from_str(line).expect("json");
                    assert_eq!(r, RawRecord::from_value(&v), "{line}");
                    if let Some(s) = scan_line(line) {
                        assert_eq!(r, s);
                    }
                }
            }
        }
        assert!(answered.iter().all(|n| *n > 2000), "{answered:?}");
    }
}
