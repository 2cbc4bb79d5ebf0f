//! A seeded generator of synthetic family registers (`kampung generate`),
//! in the JSON Lines format of `examples/REGISTER.md` or as its three CSV
//! entity files: test data and benchmarks at any size.
//!
//! Families live in kecamatan of 2 100 families with 7 desa of 300
//! families each. The first 75 kecamatan are real ones of Kalimantan Timur
//! with seven of their real desa/kelurahan ([`REAL_KECAMATAN`], in the
//! gazetteer of Kepmendagri 300.2.2-2138/2025), so a report of a register of
//! up to 157 500 families shows region names; beyond them the codes are
//! made up (kabupaten/kota 64.12-64.69 and 64.75-64.99, which do not exist,
//! desa 2001-2007), unique up to about 17 million families.
//! Every Nomor KK and NIK starts with the six digits of its family's
//! kecamatan. The bundled sample,
//! `--families 2100 --seed 2025 --bad-rate 0.02`, is exactly one kecamatan,
//! Muara Wis (64.02.18, Kabupaten Kutai Kartanegara). Children's length and weight are drawn from the WHO 2006
//! standards with z-scores shifted to resemble Indonesia (HAZ ~ N(−1.1,
//! 1.1): about 20 % stunting, SSGI 2022 21.6 %; WHZ ~ N(−0.3, 1.1)). With
//! `--bad-rate`, that share of lines gets one known defect (malformed JSON,
//! unknown water code, a family entered twice, measurement before birth).
//!
//! Everything is a pure function of the seed: no clock, no OS randomness.

use crate::growth::{LmsTable, Table};
use chrono::{Datelike, NaiveDate, TimeDelta};
use std::fmt::Write as _;
use std::io::Write;

/// SplitMix64 (Steele, Lea & Flood 2014): small, fast, good enough here.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn f(&mut self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let x = (self.next_u64() >> 11) as f64;
        x / (1u64 << 53) as f64
    }
    /// Uniform integer in [lo, hi].
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo + 1).unwrap_or(1).max(1);
        lo + i64::try_from(self.next_u64() % span).unwrap_or(0)
    }
    /// Standard normal (Box-Muller).
    fn normal(&mut self) -> f64 {
        let u1 = self.f().max(1e-12);
        let u2 = self.f();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
    fn pick<'a, T>(&mut self, weighted: &'a [(T, u32)]) -> &'a T {
        let total: u32 = weighted.iter().map(|(_, w)| *w).sum();
        let mut r = u32::try_from(self.next_u64() % u64::from(total.max(1))).unwrap_or(0);
        for (t, w) in weighted {
            if r < *w {
                return t;
            }
            r -= w;
        }
        &weighted[0].0
    }
}

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct SyntheticRegister {
    /// Number of families (lines).
    pub families: u64,
    /// The seed: the register is a pure function of it and the options.
    pub seed: u64,
    /// The reference date (ages, measurement dates).
    pub as_of: NaiveDate,
    /// Share of lines with one known defect (0 to 1).
    pub bad_rate: f64,
}

impl SyntheticRegister {
    /// `families` families with `seed`, as of `as_of`, without defects.
    pub fn new(families: u64, seed: u64, as_of: NaiveDate) -> SyntheticRegister {
        SyntheticRegister {
            families,
            seed,
            as_of,
            bad_rate: 0.0,
        }
    }
    /// With a share `rate` of defective lines.
    pub fn with_bad_rate(mut self, rate: f64) -> SyntheticRegister {
        self.bad_rate = if rate.is_finite() {
            rate.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self
    }
    /// The bundled sample (`examples/data/report_sample.jsonl`): one
    /// kecamatan of 2 100 families, seed 2025, 2 % defects, as of 1 July 2025.
    pub fn bundled_sample() -> SyntheticRegister {
        SyntheticRegister::new(
            2100,
            2025,
            NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or_default(),
        )
        .with_bad_rate(0.02)
    }
}

/// The real kecamatan the generator fills first, in order: `([kabupaten,
/// kecamatan], seven desa/kelurahan)` of Kalimantan Timur (province 64),
/// every kecamatan of the bundled gazetteer (Kepmendagri
/// 300.2.2-2138/2025) with at least seven desa/kelurahan, its first seven;
/// Muara Wis first (the bundled sample).
pub const REAL_KECAMATAN: [([u8; 2], [u16; 7]); 75] = [
    ([2, 18], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Muara Wis
    ([1, 1], [2009, 2010, 2011, 2012, 2013, 2014, 2015]),  // Batu Sopang
    ([1, 2], [2004, 2006, 2007, 2012, 2013, 2014, 2015]),  // Tanjung Harapan
    ([1, 3], [2001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Paser Belengkong
    ([1, 4], [1001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Tanah Grogot
    ([1, 5], [1001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Kuaro
    ([1, 6], [1001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Long Ikis
    ([1, 7], [1001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Muara Komam
    ([1, 8], [1001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Long Kali
    ([1, 9], [2001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Batu Engau
    ([1, 10], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Muara Samu
    ([2, 1], [2001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Muara Muntai
    ([2, 2], [2001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Loa Kulu
    ([2, 3], [2001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Loa Janan
    ([2, 4], [2001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Anggana
    ([2, 5], [2001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Muara Badak
    ([2, 6], [1001, 1002, 1003, 1004, 1005, 1006, 1007]),  // Tenggarong
    ([2, 7], [2001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Sebulu
    ([2, 8], [2004, 2005, 2006, 2007, 2008, 2009, 2017]),  // Kota Bangun
    ([2, 9], [2001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Kenohan
    ([2, 10], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Kembang Janggut
    ([2, 11], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Muara Kaman
    ([2, 12], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Tabang
    ([2, 13], [1007, 1008, 1009, 1010, 1011, 1012, 1013]), // Samboja
    ([2, 14], [1001, 1002, 1003, 1004, 1005, 1006, 1007]), // Muara Jawa
    ([2, 16], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Tenggarong Seberang
    ([2, 17], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Marang Kayu
    ([2, 19], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Kota Bangun Darat
    ([2, 20], [1001, 1002, 1003, 1005, 1006, 1007, 1008]), // Samboja Barat
    ([3, 1], [2001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Kelay
    ([3, 2], [2002, 2003, 2014, 2015, 2016, 2017, 2018]),  // Talisayan
    ([3, 3], [1013, 2001, 2002, 2004, 2005, 2006, 2007]),  // Sambaliung
    ([3, 4], [2001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Segah
    ([3, 6], [1003, 2001, 2002, 2004, 2005, 2006, 2007]),  // Gunung Tabur
    ([3, 12], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Batu Putih
    ([3, 13], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Biatan
    ([7, 5], [2008, 2009, 2010, 2011, 2015, 2016, 2017]),  // Long Iram
    ([7, 7], [1001, 1021, 2002, 2003, 2004, 2006, 2007]),  // Barong Tongkok
    ([7, 8], [2001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Damai
    ([7, 9], [2001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Muara Lawa
    ([7, 10], [2015, 2016, 2017, 2018, 2020, 2021, 2022]), // Muara Pahu
    ([7, 11], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Jempang
    ([7, 12], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Bongan
    ([7, 14], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Bentian Besar
    ([7, 15], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Linggang Bigung
    ([7, 16], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Nyuatan
    ([7, 17], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Siluq Ngurai
    ([7, 18], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Mook Manaar Bulatn
    ([7, 19], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Tering
    ([7, 20], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Sekolaq Darat
    ([8, 1], [2001, 2002, 2003, 2004, 2006, 2009, 2012]),  // Muara Ancalong
    ([8, 2], [2001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Muara Wahau
    ([8, 3], [2001, 2002, 2003, 2004, 2005, 2013, 2014]),  // Muara Bengkal
    ([8, 5], [2001, 2002, 2003, 2004, 2005, 2006, 2011]),  // Sangkulirang
    ([8, 7], [2001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Telen
    ([8, 8], [2001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Kombeng
    ([8, 9], [2001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Bengalon
    ([8, 10], [2001, 2006, 2007, 2008, 2009, 2010, 2013]), // Kaliorang
    ([8, 11], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Sandaran
    ([8, 14], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Rantau Pulung
    ([8, 15], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Kaubun
    ([8, 16], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Karangan
    ([8, 17], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Batu Ampar
    ([8, 18], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Long Mesangat
    ([9, 1], [1001, 1002, 1003, 1004, 1005, 1006, 1007]),  // Penajam
    ([9, 3], [2001, 2002, 2003, 2004, 2005, 2006, 2007]),  // Babulu
    ([9, 4], [1005, 1006, 1007, 1008, 2001, 2002, 2003]),  // Sepaku
    ([11, 1], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Long Bagun
    ([11, 2], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Long Hubung
    ([11, 4], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Long Apari
    ([11, 5], [2001, 2002, 2003, 2004, 2005, 2006, 2007]), // Long Pahangai
    ([71, 5], [1002, 1006, 1008, 1009, 1010, 1011, 1012]), // Balikpapan Selatan
    ([72, 3], [1001, 1002, 1004, 1005, 1006, 1007, 1008]), // Samarinda Ulu
    ([72, 5], [1002, 1003, 1004, 1010, 1011, 1012, 1013]), // Samarinda Utara
    ([72, 6], [1001, 1002, 1003, 1004, 1005, 1006, 1007]), // Sungai Kunjang
];

/// Families per kecamatan (7 desa of 300).
pub const FAMILIES_PER_KECAMATAN: u64 = 2100;
/// Desa per kecamatan.
pub const DESA_PER_KECAMATAN: u64 = 7;

struct Lms3 {
    lhfa: LmsTable,
    wfl: LmsTable,
    wfh: LmsTable,
}

fn inv_lms(lms: [f64; 3], z: f64) -> f64 {
    let [l, m, s] = lms;
    if l.abs() < 1e-9 {
        m * (s * z).exp()
    } else {
        m * (1.0 + l * s * z).max(1e-6).powf(1.0 / l)
    }
}

fn row(t: &LmsTable, sex: u8, key: i64) -> Option<[f64; 3]> {
    let rows = t.rows(sex)?;
    let i = usize::try_from(key - t.first_key()).ok()?;
    rows.get(i).copied()
}

struct Person {
    nik: Option<String>,
    name: &'static str,
    sex: u8,
    birth: NaiveDate,
    rel: &'static str,
    marital: &'static str,
}

const MALE: [&str; 12] = [
    "Budi", "Agus", "Joko", "Ahmad", "Slamet", "Eko", "Rudi", "Hendra", "Andi", "Dedi", "Yusuf",
    "Rizky",
];
const FEMALE: [&str; 12] = [
    "Siti", "Sri", "Dewi", "Nur", "Rina", "Wati", "Lestari", "Ayu", "Fitri", "Indah", "Yuni",
    "Putri",
];

/// A NIK of the kecamatan `kec` (its six digits): the person's date of
/// birth (day + 40 for women) and the serial `counter % 9999 + 1`. Unique
/// while a kecamatan holds fewer than 9 999 persons with a NIK (a kecamatan
/// of 2 100 families holds about 8 400) and kecamatan codes do not repeat
/// (up to about 17 million families).
fn nik_for(kec: &str, counter: u64, sex: u8, birth: NaiveDate) -> String {
    let serial = counter % 9999 + 1;
    let day = birth.day() + if sex == 2 { 40 } else { 0 };
    format!(
        "{kec}{day:02}{:02}{:02}{serial:04}",
        birth.month(),
        birth.year() % 100
    )
}

/// The kecamatan of the `kec_ix`-th block of families: its six digits and
/// the codes of its seven desa (dotted).
fn kecamatan(kec_ix: u64) -> (String, [String; 7]) {
    let real = usize::try_from(kec_ix)
        .ok()
        .and_then(|i| REAL_KECAMATAN.get(i));
    let ([kab, kec], desa) = match real {
        Some(&k) => k,
        None => {
            // Made-up codes: kabupaten/kota 64.12-64.69 and 64.75-64.99 do
            // not exist (83 x 99 kecamatan, about 17 M families, before the
            // codes, and so the NIKs, repeat).
            let v = kec_ix.saturating_sub(REAL_KECAMATAN.len() as u64);
            let k = (v / 99) % 83;
            let kab = u8::try_from(if k < 58 { 12 + k } else { 75 + k - 58 }).unwrap_or(12);
            let kec = u8::try_from(v % 99 + 1).unwrap_or(1);
            ([kab, kec], [2001, 2002, 2003, 2004, 2005, 2006, 2007])
        }
    };
    (
        format!("64{kab:02}{kec:02}"),
        desa.map(|d| format!("64.{kab:02}.{kec:02}.{d}")),
    )
}

fn days(d: NaiveDate, n: i64) -> NaiveDate {
    d.checked_add_signed(TimeDelta::days(n)).unwrap_or(d)
}

/// Writes `args.families` lines of JSON Lines to `out`.
///
/// # Errors
/// A write error of `out`.
pub fn write_jsonl<W: Write>(args: &SyntheticRegister, out: &mut W) -> std::io::Result<()> {
    let (Some(lhfa), Some(wfl), Some(wfh)) = (
        LmsTable::bundled(Table::LengthHeightForAge),
        LmsTable::bundled(Table::WeightForLength),
        LmsTable::bundled(Table::WeightForHeight),
    ) else {
        return Err(std::io::Error::other("WHO tables missing"));
    };
    let t = Lms3 { lhfa, wfl, wfh };
    let mut rng = Rng::new(args.seed);
    let mut person_counter: u64 = 0;
    let mut line = String::with_capacity(2048);
    let mut last_kk = String::new();
    // The previous family's record, whole (before a truncation defect).
    let mut last_line = String::new();
    let mut kec = (u64::MAX, String::new(), Default::default());
    for i in 0..args.families {
        line.clear();
        let kec_ix = i / FAMILIES_PER_KECAMATAN;
        if kec.0 != kec_ix {
            let (code, desa) = kecamatan(kec_ix);
            kec = (kec_ix, code, desa);
            person_counter = 0;
        }
        let (_, kec_code, desa_codes): &(u64, String, [String; 7]) = &kec;
        let desa_ix = (i % FAMILIES_PER_KECAMATAN) * DESA_PER_KECAMATAN / FAMILIES_PER_KECAMATAN;
        let region = desa_codes
            .get(usize::try_from(desa_ix).unwrap_or(0))
            .map_or("", String::as_str);
        let mut kk = format!("{kec_code}{:010}", i + 1);
        let bad = rng.f() < args.bad_rate;
        let mut defect = if bad { rng.range(0, 3) } else { -1 };
        // A family entered twice: this line repeats the previous record
        // (the family below is still drawn, so that the rest of the
        // register does not depend on the defect).
        let repeat = defect == 2 && !last_kk.is_empty();
        if repeat {
            kk.clone_from(&last_kk);
        }
        // ---- members ----
        let mut members: Vec<Person> = Vec::with_capacity(7);
        let widow = rng.f() < 0.08;
        let wife_age_days = rng.range(17 * 365 + 30, 55 * 365);
        let wife_birth = days(args.as_of, -wife_age_days);
        let head_birth = days(wife_birth, -rng.range(365, 8 * 365));
        if widow {
            members.push(Person {
                nik: None,
                name: FEMALE[rng.range(0, 11) as usize],
                sex: 2,
                birth: wife_birth,
                rel: "kepala_keluarga",
                marital: "cerai_mati",
            });
        } else {
            members.push(Person {
                nik: None,
                name: MALE[rng.range(0, 11) as usize],
                sex: 1,
                birth: head_birth,
                rel: "kepala_keluarga",
                marital: "kawin",
            });
            members.push(Person {
                nik: None,
                name: FEMALE[rng.range(0, 11) as usize],
                sex: 2,
                birth: wife_birth,
                rel: "istri",
                marital: "kawin",
            });
        }
        let n_children = *rng.pick(&[(0, 12), (1, 25), (2, 30), (3, 18), (4, 10), (5, 5)]);
        let mut birth = days(wife_birth, rng.range(19 * 365, 24 * 365));
        for _ in 0..n_children {
            if birth > args.as_of {
                break;
            }
            let sex = if rng.f() < 0.51 { 1 } else { 2 };
            members.push(Person {
                nik: None,
                name: if sex == 1 {
                    MALE[rng.range(0, 11) as usize]
                } else {
                    FEMALE[rng.range(0, 11) as usize]
                },
                sex,
                birth,
                rel: "anak",
                marital: "belum_kawin",
            });
            birth = days(birth, rng.range(14 * 30, 6 * 365));
        }
        for p in &mut members {
            let infant = (args.as_of - p.birth).num_days() < 365;
            if !(infant && rng.f() < 0.15) {
                p.nik = Some(nik_for(kec_code, person_counter, p.sex, p.birth));
                person_counter += 1;
            }
        }
        let has_u5 = members
            .iter()
            .any(|p| (0..1826).contains(&(args.as_of - p.birth).num_days()));
        if defect == 3 && !has_u5 {
            defect = 0;
        }
        // ---- housing ----
        let water = if defect == 1 {
            "sumur_ajaib"
        } else {
            *rng.pick(&[
                ("ledeng", 20),
                ("sumur_bor", 25),
                ("air_kemasan", 20),
                ("sumur_terlindung", 15),
                ("sumur_tak_terlindung", 10),
                ("mata_air_tak_terlindung", 4),
                ("air_permukaan", 4),
                ("air_hujan", 2),
            ])
        };
        let (latrine, septic) = *rng.pick(&[
            (("sendiri", true), 70),
            (("bersama", true), 8),
            (("sendiri", false), 12),
            (("tidak_ada", false), 10),
        ]);
        // ---- KB ----
        let wife_age_years = crate::family::completed_years(wife_birth, args.as_of);
        let pus = !widow && (15..=49).contains(&wife_age_years);
        let pregnant = pus && rng.f() < 0.06;
        let (method, reason): (&str, Option<&str>) = if !pus {
            ("none", None)
        } else if pregnant {
            ("none", Some("hamil"))
        } else {
            *rng.pick(&[
                (("injectable_3_month", None), 33),
                (("injectable_1_month", None), 4),
                (("pill", None), 12),
                (("implant", None), 10),
                (("iud", None), 7),
                (("mow", None), 3),
                (("mop", None), 1),
                (("condom", None), 2),
                (("traditional", None), 2),
                (("none", Some("ingin_anak_segera")), 8),
                (("none", Some("iat")), 7),
                (("none", Some("tial")), 6),
                (("none", None), 5),
            ])
        };
        // ---- JSON ----
        let _ = write!(
            line,
            "{{\"no_kk\":\"{kk}\",\"region_code\":\"{region}\",\"members\":["
        );
        for (j, p) in members.iter().enumerate() {
            if j > 0 {
                line.push(',');
            }
            line.push_str("{\"name\":\"");
            line.push_str(p.name);
            line.push('"');
            if let Some(n) = &p.nik {
                let _ = write!(line, ",\"nik\":\"{n}\"");
            }
            let _ = write!(
                line,
                ",\"sex\":\"{}\",\"birth_date\":\"{}\",\"relationship\":\"{}\",\"marital_status\":\"{}\"}}",
                if p.sex == 1 { "L" } else { "P" },
                p.birth,
                p.rel,
                p.marital
            );
        }
        let _ = write!(
            line,
            "],\"housing\":{{\"water_source\":\"{water}\",\"latrine\":\"{latrine}\",\"septic_tank\":{septic}}}"
        );
        if !widow {
            let _ = write!(line, ",\"wife_pregnant\":{pregnant}");
        }
        if pus {
            let _ = write!(line, ",\"kb\":{{\"method\":\"{method}\"");
            if let Some(r) = reason {
                let _ = write!(line, ",\"reason_not_using\":\"{r}\"");
            }
            line.push('}');
        }
        // ---- measurements ----
        line.push_str(",\"measurements\":[");
        let mut first = true;
        for (j, p) in members.iter().enumerate() {
            let age_now = (args.as_of - p.birth).num_days();
            if !(0..1826).contains(&age_now) || (defect != 3 && rng.f() < 0.1) {
                continue;
            }
            let haz = -1.1 + 1.1 * rng.normal();
            let whz = -0.3 + 1.1 * rng.normal();
            let implausible = rng.f() < 0.005;
            let visits = rng.range(1, 3);
            for v in 0..visits {
                let age = (age_now - v * rng.range(60, 120)).max(0);
                let on = days(p.birth, age);
                let lying = age < 731;
                let Some(l) = row(&t.lhfa, p.sex, age) else {
                    continue;
                };
                let length = inv_lms(l, if implausible { -7.0 } else { haz });
                let length = (length * 10.0).round() / 10.0;
                let table = if lying { &t.wfl } else { &t.wfh };
                #[allow(clippy::cast_possible_truncation)]
                let key = (length * 10.0).round() as i64;
                let Some(w) = row(table, p.sex, key) else {
                    continue;
                };
                let weight = (inv_lms(w, whz) * 10.0).round() / 10.0;
                if !first {
                    line.push(',');
                }
                first = false;
                let on = if defect == 3 && v == 0 {
                    days(p.birth, -30)
                } else {
                    on
                };
                match &p.nik {
                    Some(n) => {
                        let _ = write!(line, "{{\"nik\":\"{n}\"");
                    }
                    None => {
                        let _ = write!(line, "{{\"member\":{j}");
                    }
                }
                let _ = write!(
                    line,
                    ",\"measured_on\":\"{on}\",\"weight_kg\":{weight},\"length_cm\":{length},\"measure\":\"{}\"}}",
                    if lying { "l" } else { "h" }
                );
            }
        }
        line.push_str("]}");
        if repeat {
            std::mem::swap(&mut line, &mut last_line);
        }
        last_line.clone_from(&line);
        if defect == 0 {
            line.truncate(line.len() / 2);
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
        last_kk = kk;
    }
    out.flush()
}

/// Columns of the three CSV files (examples/REGISTER.md).
#[cfg(feature = "csv")]
const FAMILY_COLUMNS: [&str; 8] = [
    "no_kk",
    "region_code",
    "water_source",
    "latrine",
    "septic_tank",
    "wife_pregnant",
    "kb_method",
    "kb_reason",
];
#[cfg(feature = "csv")]
const MEMBER_COLUMNS: [&str; 7] = [
    "no_kk",
    "nik",
    "name",
    "sex",
    "birth_date",
    "relationship",
    "marital_status",
];
#[cfg(feature = "csv")]
const MEASUREMENT_COLUMNS: [&str; 9] = [
    "no_kk",
    "nik",
    "member",
    "measured_on",
    "weight_kg",
    "length_cm",
    "measure",
    "oedema",
    "",
];

/// Splits JSON Lines records into the three CSV files: a `Write` that
/// converts each complete line. A line that is not a JSON object becomes a
/// family row with one field (reported as `register_malformed_line`); a
/// record repeating the previous Nomor KK (the same family entered twice)
/// keeps only its family row: its member and measurement rows are those
/// of the first record, which the family row already takes.
#[cfg(feature = "csv")]
pub struct CsvSplit<W: Write> {
    buf: Vec<u8>,
    last_kk: String,
    families: csv::Writer<W>,
    members: csv::Writer<W>,
    measurements: csv::Writer<W>,
}

#[cfg(feature = "csv")]
fn cell(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

#[cfg(feature = "csv")]
impl<W: Write> CsvSplit<W> {
    /// A splitter writing the three files (their headers first).
    ///
    /// # Errors
    /// A write error.
    pub fn new(families: W, members: W, measurements: W) -> std::io::Result<CsvSplit<W>> {
        let mut s = CsvSplit {
            buf: Vec::new(),
            last_kk: String::new(),
            families: csv::WriterBuilder::new()
                .flexible(true)
                .from_writer(families),
            members: csv::Writer::from_writer(members),
            measurements: csv::Writer::from_writer(measurements),
        };
        s.families.write_record(FAMILY_COLUMNS)?;
        s.members.write_record(MEMBER_COLUMNS)?;
        s.measurements
            .write_record(&MEASUREMENT_COLUMNS[..MEASUREMENT_COLUMNS.len() - 1])?;
        Ok(s)
    }

    fn record(&mut self, line: &[u8]) -> std::io::Result<()> {
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        let v: serde_json::Value = match serde_json::from_slice(line) {
            Ok(v @ serde_json::Value::Object(_)) => v,
            _ => {
                self.families.write_record(["(unreadable record)"])?;
                return Ok(());
            }
        };
        let kk = cell(v.get("no_kk"));
        let h = v.get("housing");
        let kb = v.get("kb");
        let hf = |k: &str| cell(h.and_then(|h| h.get(k)));
        let kf = |k: &str| cell(kb.and_then(|h| h.get(k)));
        self.families.write_record([
            kk.clone(),
            cell(v.get("region_code")),
            hf("water_source"),
            hf("latrine"),
            hf("septic_tank"),
            cell(v.get("wife_pregnant")),
            kf("method"),
            kf("reason_not_using"),
        ])?;
        if kk == self.last_kk {
            return Ok(());
        }
        let empty = Vec::new();
        let list = |k: &str| v.get(k).and_then(|x| x.as_array()).unwrap_or(&empty);
        for m in list("members") {
            let mut row = vec![kk.clone()];
            row.extend(MEMBER_COLUMNS[1..].iter().map(|c| cell(m.get(*c))));
            self.members.write_record(&row)?;
        }
        for m in list("measurements") {
            let mut row = vec![kk.clone()];
            row.extend(
                MEASUREMENT_COLUMNS[1..MEASUREMENT_COLUMNS.len() - 1]
                    .iter()
                    .map(|c| cell(m.get(*c))),
            );
            self.measurements.write_record(&row)?;
        }
        self.last_kk = kk;
        Ok(())
    }

    /// Flushes the three files.
    ///
    /// # Errors
    /// A write error.
    pub fn finish(mut self) -> std::io::Result<(W, W, W)> {
        let rest = std::mem::take(&mut self.buf);
        self.record(&rest)?;
        let inner = |w: csv::Writer<W>| w.into_inner().map_err(|e| e.into_error());
        Ok((
            inner(self.families)?,
            inner(self.members)?,
            inner(self.measurements)?,
        ))
    }
}

#[cfg(feature = "csv")]
impl<W: Write> Write for CsvSplit<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let mut rest = data;
        while let Some(i) = rest.iter().position(|b| *b == b'\n') {
            if self.buf.is_empty() {
                self.record(&rest[..i])?;
            } else {
                self.buf.extend_from_slice(&rest[..i]);
                let line = std::mem::take(&mut self.buf);
                self.record(&line)?;
            }
            rest = &rest[i + 1..];
        }
        self.buf.extend_from_slice(rest);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes the register of `args` as `families.csv`, `members.csv` and
/// `measurements.csv` in `dir` (created if needed), sorted by `no_kk`.
///
/// # Errors
/// A file that cannot be created or written.
#[cfg(feature = "csv")]
pub fn write_csv(args: &SyntheticRegister, dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let file = |name: &str| -> std::io::Result<std::io::BufWriter<std::fs::File>> {
        Ok(std::io::BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(dir.join(name))?,
        ))
    };
    let mut split = CsvSplit::new(
        file("families.csv")?,
        file("members.csv")?,
        file("measurements.csv")?,
    )?;
    write_jsonl(args, &mut split)?;
    for mut w in <[_; 3]>::from(split.finish()?) {
        w.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled sample is this generator's output, byte for byte.
    #[test]
    fn bundled_sample_is_reproduced() {
        let mut out = Vec::new();
        write_jsonl(&SyntheticRegister::bundled_sample(), &mut out).expect("writes");
        let sample = include_str!("../../../examples/data/report_sample.jsonl");
        assert!(
            out == sample.as_bytes(),
            "the bundled sample differs from the generator's output"
        );
    }

    /// Every kecamatan block has its own code (so Nomor KK and NIK prefixes
    /// differ) until the made-up codes repeat; every desa code is well
    /// formed and lies in its kecamatan; made-up codes are not in the
    /// gazetteer.
    #[test]
    fn kecamatan_codes_are_distinct_and_well_formed() {
        let n = REAL_KECAMATAN.len() as u64 + 83 * 99;
        let mut seen = std::collections::HashSet::new();
        for ix in 0..n {
            let (kec, desa) = kecamatan(ix);
            assert!(seen.insert(kec.clone()), "{ix}: {kec} repeats");
            for d in &desa {
                let code = crate::KodeWilayah::parse(d).expect("well formed");
                assert!(code.as_plain().starts_with(&kec), "{d} outside {kec}");
                #[cfg(feature = "gazetteer")]
                assert_eq!(code.exists(), ix < REAL_KECAMATAN.len() as u64, "{d}");
            }
        }
        assert_eq!(kecamatan(n).0, kecamatan(REAL_KECAMATAN.len() as u64).0);
    }
}
