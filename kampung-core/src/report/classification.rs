//! Kampung KB classification (*Dasar, Berkembang, Mandiri, Berkelanjutan*)
//! from a Kampung profile, replicating the Kampung KB portal's SQL
//! (DOMAIN.md §5.4 and its executed behaviour §5.4.1; **\[A\]**
//! `willyprmn/Kampung-KB @ 5886cb97 : database/sql/statistik/classification/kampungs.sql`).
//!
//! Every percentage is computed as the portal does, `(num / den) × 100` in
//! `f64` and rounded **half to even** to an integer (§5.4.1 items 1-2,
//! PostgreSQL `ROUND` on `double precision`). The bands are then applied
//! to that integer. The portal writes its bands as decimals ("9.1–12",
//! "> 12.1") which leave gaps for unrounded values (PRIOR_ART.md D-21);
//! here every band is a **closed interval of integers** ([`Band`]), which
//! is exactly what the portal's SQL does on the rounded value (§5.4.1 item
//! 4), so no value can fall between two bands:
//!
//! | indicator | 1 | 2 | 3 | 4 |
//! |---|---|---|---|---|
//! | output_cpr | null, [0, 29] | [30, 40] | [41, 50] | [51, ∞) |
//! | output_mkjp | null, [0, 19] | [20, 22] | [23, 24] | [25, ∞) |
//! | output_unmet | null, [13, ∞) | [10, 12] | [7, 9] | [0, 6] |
//! | output_poktan | null, [0, 9] | [10, 20] | [21, 30] | [31, ∞) |
//!
//! Known portal defects that are *not* replicated, on purpose:
//! `proses_lintas_sektor` takes the number of distinct agencies as given
//! (the portal's filter on intervention ids 26/34, §5.4.1 item 9, is a
//! bug with no stable meaning outside its database); duplicate
//! Sekretariat/Rumah Dataku rows cannot occur because they are booleans
//! here (§5.4.1 item 8).

use crate::error::{ErrorCode, FieldError, ValidationErrors};
use crate::input::Fields;
use crate::kb::read::{opt_bool, opt_int};
use serde::Serialize;
use serde_json::Value;

/// A closed interval of integers `[min, max]` (`max = None`: unbounded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Band {
    /// The score given to values in the band.
    pub score: u8,
    /// Smallest value (inclusive).
    pub min: i64,
    /// Largest value (inclusive), `None` for no upper bound.
    pub max: Option<i64>,
}

impl Band {
    const fn new(score: u8, min: i64, max: Option<i64>) -> Band {
        Band { score, min, max }
    }
    fn contains(&self, x: i64) -> bool {
        x >= self.min && self.max.is_none_or(|m| x <= m)
    }
    fn describe(&self) -> String {
        match self.max {
            Some(m) if m == self.min => format!("{}", self.min),
            Some(m) => format!("[{}, {}]", self.min, m),
            None => format!("[{}, ∞)", self.min),
        }
    }
}

/// The band tables, DOMAIN.md §5.4 (scores) and §5.4.1 items 4, 8, 10.
pub mod bands {
    use super::Band;
    /// `input_sumber_dana`: 0 → 1; 1 → 2; 2-4 → 3; ≥ 5 → 4.
    pub const SUMBER_DANA: [Band; 4] = [
        Band::new(1, 0, Some(0)),
        Band::new(2, 1, Some(1)),
        Band::new(3, 2, Some(4)),
        Band::new(4, 5, None),
    ];
    /// `input_poktan`: 0 → 1; 1-2 → 2; 3-4 → 3; ≥ 5 → 4.
    pub const POKTAN: [Band; 4] = [
        Band::new(1, 0, Some(0)),
        Band::new(2, 1, Some(2)),
        Band::new(3, 3, Some(4)),
        Band::new(4, 5, None),
    ];
    /// `input_sarana`: 0/1/2 → 1/2/3 (tops out at 3, §5.4.1 item 8).
    pub const SARANA: [Band; 3] = [
        Band::new(1, 0, Some(0)),
        Band::new(2, 1, Some(1)),
        Band::new(3, 2, Some(2)),
    ];
    /// `input_pkb`: none/one/both of pendamping and regulasi → 1/2/3.
    pub const PKB: [Band; 3] = SARANA;
    /// `proses_penggunaan_data`: 0 → 1; 1 → 2; 2-3 → 3; ≥ 4 → 4.
    pub const PENGGUNAAN_DATA: [Band; 4] = [
        Band::new(1, 0, Some(0)),
        Band::new(2, 1, Some(1)),
        Band::new(3, 2, Some(3)),
        Band::new(4, 4, None),
    ];
    /// `proses_operasional`: 0 → 1; 1-2 → 2; 3-4 → 3; 5 → 4.
    pub const OPERASIONAL: [Band; 4] = POKTAN;
    /// `proses_lintas_sektor`: 0 → 1; 1-3 → 2; 4-6 → 3; ≥ 7 → 4.
    pub const LINTAS_SEKTOR: [Band; 4] = [
        Band::new(1, 0, Some(0)),
        Band::new(2, 1, Some(3)),
        Band::new(3, 4, Some(6)),
        Band::new(4, 7, None),
    ];
    /// `output_poktan` on the rounded mean percentage.
    pub const OUTPUT_POKTAN: [Band; 4] = [
        Band::new(1, 0, Some(9)),
        Band::new(2, 10, Some(20)),
        Band::new(3, 21, Some(30)),
        Band::new(4, 31, None),
    ];
    /// `output_cpr` on the rounded percentage.
    pub const CPR: [Band; 4] = [
        Band::new(1, 0, Some(29)),
        Band::new(2, 30, Some(40)),
        Band::new(3, 41, Some(50)),
        Band::new(4, 51, None),
    ];
    /// `output_mkjp` on the rounded percentage.
    pub const MKJP: [Band; 4] = [
        Band::new(1, 0, Some(19)),
        Band::new(2, 20, Some(22)),
        Band::new(3, 23, Some(24)),
        Band::new(4, 25, None),
    ];
    /// `output_unmet` on the rounded percentage (lower is better).
    pub const UNMET: [Band; 4] = [
        Band::new(4, 0, Some(6)),
        Band::new(3, 7, Some(9)),
        Band::new(2, 10, Some(12)),
        Band::new(1, 13, None),
    ];
}

/// Participants and target families of one poktan (BKB, BKR, BKL, UPPKA,
/// PIK R); `None` means the portal row is missing (§5.4.1 item 3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PoktanCount {
    /// Participating families (or adolescents for PIK R).
    pub participants: Option<u64>,
    /// Target: families with balita / remaja / lansia, all families, or adolescents.
    pub target: Option<u64>,
}

/// The Kampung profile the classification needs (the portal's
/// `new_profil_kampung`, `new_penduduk_kampung` and `new_kkbpk_kampung`,
/// PRIOR_ART.md §2.3). Null booleans count as false (§5.4.1 item 8).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KampungProfile {
    /// Has a Pokja (*pokja_pengurusan_flag*).
    pub has_pokja: bool,
    /// Pokja members (*pokja_jumlah*), when recorded.
    pub pokja_members: Option<u64>,
    /// Pokja trained (*pokja_pelatihan_flag*).
    pub pokja_trained: bool,
    /// Distinct funding sources (APBN, APBD, Dana Desa, Donasi/Hibah, CSR, Swadaya): 0-6.
    pub funding_sources: u64,
    /// Active programmes other than Sekretariat KKB and Rumah Dataku (0-8).
    pub poktan_programs: u64,
    /// Has a *Sekretariat KKB*.
    pub sekretariat: bool,
    /// Has a *Rumah Dataku*.
    pub rumah_dataku: bool,
    /// Has a PLKB/PKB *pendamping*.
    pub plkb_pendamping: bool,
    /// Has a *regulasi*.
    pub regulasi: bool,
    /// Data sources used (0-5).
    pub data_sources: u64,
    /// Operational mechanisms done (0-5).
    pub operational: u64,
    /// Distinct agencies involved in interventions.
    pub agencies: u64,
    /// BKB, BKR, BKL, UPPKA, PIK R.
    pub poktan: [PoktanCount; 5],
    /// PUS (`None`: no population row).
    pub pus: Option<u64>,
    /// Users of the 7 portal methods (`None`: no KKBPK report).
    pub users: Option<u64>,
    /// Users of IUD, MOW, MOP or implant (`None`: none recorded).
    pub mkjp_users: Option<u64>,
    /// PUS not using KB because they want a child later (IAT), when recorded.
    pub iat: Option<u64>,
    /// PUS not using KB because they want no more children (TIAL), when recorded.
    pub tial: Option<u64>,
}

/// The class (DOMAIN.md §5.3, §5.4.1 item 12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KampungClass {
    /// Fewer than two indices ≥ 3.
    Dasar,
    /// Input and proses ≥ 3, output < 3.
    Berkembang,
    /// Output ≥ 3 and exactly one of input, proses ≥ 3.
    Mandiri,
    /// All three indices ≥ 3.
    Berkelanjutan,
}

impl KampungClass {
    /// The Indonesian name.
    pub const fn name(self) -> &'static str {
        match self {
            KampungClass::Dasar => "Dasar",
            KampungClass::Berkembang => "Berkembang",
            KampungClass::Mandiri => "Mandiri",
            KampungClass::Berkelanjutan => "Berkelanjutan",
        }
    }
}

/// One indicator's score, with what it was computed from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IndicatorScore {
    /// The portal's column name (`input_pokja`, `output_cpr`, …).
    pub indicator: &'static str,
    /// The value banded (a count, or a rounded percentage); `None` = SQL NULL.
    pub value: Option<i64>,
    /// The score 1-4.
    pub score: u8,
    /// The highest score this indicator can reach (3 or 4).
    pub max_score: u8,
    /// The band that matched, e.g. `[30, 40]`, or the rule for a null.
    pub band: String,
    /// How the value was obtained.
    pub explanation: String,
}

/// The classification with its three indices and twelve scores.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KampungClassification {
    /// The class.
    pub class: KampungClass,
    /// `round(mean of 5 input scores, 2)`.
    pub index_input: f64,
    /// `round(mean of 3 process scores, 2)`.
    pub index_proses: f64,
    /// `round(mean of 4 output scores, 2)`.
    pub index_output: f64,
    /// Every indicator score.
    pub scores: Vec<IndicatorScore>,
}

/// `ROUND((num / den::float) * 100)`: f64 division, ×100, ties to even
/// (DOMAIN.md §5.4.1 items 1-2). `None` when `den` is 0.
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
pub fn portal_percent(num: u64, den: u64) -> Option<i64> {
    (den > 0).then(|| ((num as f64 / den as f64) * 100.0).round_ties_even() as i64)
}

fn band(table: &[Band], v: i64) -> (u8, String) {
    table
        .iter()
        .find(|b| b.contains(v))
        .map_or((1, "?".to_owned()), |b| (b.score, b.describe()))
}

fn scored(
    indicator: &'static str,
    table: &[Band],
    value: Option<i64>,
    null_score: u8,
    explanation: String,
) -> IndicatorScore {
    let max_score = table.iter().map(|b| b.score).max().unwrap_or(4);
    let (score, band_text) = match value {
        Some(v) => band(table, v),
        None => (null_score, "null".to_owned()),
    };
    IndicatorScore {
        indicator,
        value,
        score,
        max_score,
        band: band_text,
        explanation,
    }
}

fn count(x: u64) -> Option<i64> {
    Some(i64::try_from(x).unwrap_or(i64::MAX))
}

/// `ROUND(sum / n::decimal, 2)`: half away from zero (§5.4.1 item 11).
fn index(scores: &[&IndicatorScore]) -> f64 {
    let sum: u32 = scores.iter().map(|s| u32::from(s.score)).sum();
    let n = u32::try_from(scores.len()).unwrap_or(1).max(1);
    // sum / n to 2 decimals, half away from zero, in integers.
    let hundredths = (sum * 200 + n) / (2 * n);
    f64::from(hundredths) / 100.0
}

/// Classifies one Kampung KB (a pure function), DOMAIN.md §5.4/§5.4.1.
#[allow(clippy::too_many_lines)]
pub fn classify_kampung(p: &KampungProfile) -> KampungClassification {
    // ---- input ----
    let pokja = {
        let members = p.pokja_members.is_some_and(|m| m > 0);
        let (score, rule) = match (p.has_pokja, members, p.pokja_trained) {
            (false, _, _) => (1, "no Pokja"),
            (true, true, true) => (4, "Pokja, members > 0 and trained"),
            (true, true, false) | (true, false, true) => (3, "Pokja and (members > 0 or trained)"),
            (true, false, false) => (2, "Pokja only"),
        };
        IndicatorScore {
            indicator: "input_pokja",
            value: None,
            score,
            max_score: 4,
            band: rule.to_owned(),
            explanation: "§5.4.1 item 7: 1 no Pokja; 2 Pokja only; 3 Pokja and one of (members > 0, trained); 4 both".to_owned(),
        }
    };
    let sumber = scored(
        "input_sumber_dana",
        &bands::SUMBER_DANA,
        count(p.funding_sources),
        1,
        format!("{} funding sources", p.funding_sources),
    );
    let poktan = scored(
        "input_poktan",
        &bands::POKTAN,
        count(p.poktan_programs),
        1,
        format!(
            "{} active programmes other than Sekretariat KKB and Rumah Dataku",
            p.poktan_programs
        ),
    );
    let sarana_n = u64::from(p.sekretariat) + u64::from(p.rumah_dataku);
    let sarana = scored(
        "input_sarana",
        &bands::SARANA,
        count(sarana_n),
        1,
        format!("{sarana_n} of Sekretariat KKB, Rumah Dataku"),
    );
    let pkb_n = u64::from(p.plkb_pendamping) + u64::from(p.regulasi);
    let pkb = scored(
        "input_pkb",
        &bands::PKB,
        count(pkb_n),
        1,
        format!("{pkb_n} of PLKB pendamping, regulasi"),
    );
    // ---- proses ----
    let data = scored(
        "proses_penggunaan_data",
        &bands::PENGGUNAAN_DATA,
        count(p.data_sources),
        1,
        format!("{} data sources used", p.data_sources),
    );
    let oper = scored(
        "proses_operasional",
        &bands::OPERASIONAL,
        count(p.operational),
        1,
        format!("{} operational mechanisms done", p.operational),
    );
    let lintas = scored(
        "proses_lintas_sektor",
        &bands::LINTAS_SEKTOR,
        count(p.agencies),
        1,
        format!("{} distinct agencies", p.agencies),
    );
    // ---- output ----
    let poktan_pcts: Vec<i64> = p
        .poktan
        .iter()
        .filter_map(|c| match (c.participants, c.target) {
            (Some(_), Some(0)) => Some(0),
            (Some(n), Some(t)) => portal_percent(n, t),
            _ => None,
        })
        .collect();
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
    let out_poktan_v = (!poktan_pcts.is_empty())
        .then(|| (poktan_pcts.iter().sum::<i64>() as f64 / 5.0).round_ties_even() as i64);
    let out_poktan = scored(
        "output_poktan",
        &bands::OUTPUT_POKTAN,
        out_poktan_v,
        1,
        format!(
            "round(sum of the rounded poktan percentages {poktan_pcts:?} / 5), ties to even (§5.4.1 item 3)"
        ),
    );
    let cpr_v = p
        .pus
        .map(|pus| portal_percent(p.users.unwrap_or(0), pus).unwrap_or(0));
    let out_cpr = scored(
        "output_cpr",
        &bands::CPR,
        cpr_v,
        1,
        "round(users / PUS × 100), ties to even; no PUS row → null → 1 (§5.4.1 item 5)".to_owned(),
    );
    let mkjp_v = match (p.pus, p.users, p.mkjp_users) {
        (None, _, _) => None,
        (Some(_), None | Some(0), _) => Some(0),
        (Some(_), Some(_), None) => None,
        (Some(_), Some(u), Some(m)) => portal_percent(m, u),
    };
    let out_mkjp = scored(
        "output_mkjp",
        &bands::MKJP,
        mkjp_v,
        1,
        "round(MKJP users / all users × 100), ties to even (§5.4.1 item 5)".to_owned(),
    );
    let unmet_v = match (p.iat, p.tial) {
        (None, None) => None,
        (a, b) => {
            let n = a.unwrap_or(0) + b.unwrap_or(0);
            Some(match p.pus {
                None | Some(0) => 0,
                Some(pus) => portal_percent(n, pus).unwrap_or(0),
            })
        }
    };
    let out_unmet = scored(
        "output_unmet",
        &bands::UNMET,
        unmet_v,
        1,
        "round((IAT + TIAL) / PUS × 100), ties to even; neither recorded → null → 1; no PUS → 0 → 4 (§5.4.1 item 6)".to_owned(),
    );
    let index_input = index(&[&pokja, &sumber, &poktan, &sarana, &pkb]);
    let index_proses = index(&[&data, &oper, &lintas]);
    let index_output = index(&[&out_poktan, &out_cpr, &out_mkjp, &out_unmet]);
    let k = [index_input, index_proses, index_output]
        .iter()
        .filter(|x| **x >= 3.0)
        .count();
    let class = match k {
        0 | 1 => KampungClass::Dasar,
        3 => KampungClass::Berkelanjutan,
        _ if index_output < 3.0 => KampungClass::Berkembang,
        _ => KampungClass::Mandiri,
    };
    KampungClassification {
        class,
        index_input,
        index_proses,
        index_output,
        scores: vec![
            pokja, sumber, poktan, sarana, pkb, data, oper, lintas, out_poktan, out_cpr, out_mkjp,
            out_unmet,
        ],
    }
}

const POKTAN_NAMES: [&str; 5] = ["bkb", "bkr", "bkl", "uppka", "pik_r"];

impl KampungProfile {
    /// Reads a profile from untyped input: `{has_pokja, pokja_members?,
    /// pokja_trained, funding_sources, poktan_programs, sekretariat,
    /// rumah_dataku, plkb_pendamping, regulasi, data_sources, operational,
    /// agencies, poktan: {bkb: {participants, target}, bkr, bkl, uppka,
    /// pik_r}, pus?, users?, mkjp_users?, iat?, tial?}`.
    ///
    /// # Errors
    /// `invalid_type`, `out_of_range` (counts 0-6 / 0-8 / 0-5 where the
    /// master list bounds them), `kampung_count_exceeds` (MKJP users >
    /// users).
    pub fn from_value(v: &Value) -> Result<KampungProfile, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let f = Fields::of(v, &mut e);
        let b = |name, e: &mut ValidationErrors| opt_bool(&f, name, e).unwrap_or(false);
        let n = |name, max, e: &mut ValidationErrors| {
            opt_int(&f, name, 0, max, e).map(|x| u64::try_from(x).unwrap_or(0))
        };
        const BIG: i64 = 1_000_000_000;
        let mut p = KampungProfile {
            has_pokja: b("has_pokja", &mut e),
            pokja_members: n("pokja_members", BIG, &mut e),
            pokja_trained: b("pokja_trained", &mut e),
            funding_sources: n("funding_sources", 6, &mut e).unwrap_or(0),
            poktan_programs: n("poktan_programs", 8, &mut e).unwrap_or(0),
            sekretariat: b("sekretariat", &mut e),
            rumah_dataku: b("rumah_dataku", &mut e),
            plkb_pendamping: b("plkb_pendamping", &mut e),
            regulasi: b("regulasi", &mut e),
            data_sources: n("data_sources", 5, &mut e).unwrap_or(0),
            operational: n("operational", 5, &mut e).unwrap_or(0),
            agencies: n("agencies", BIG, &mut e).unwrap_or(0),
            poktan: [PoktanCount::default(); 5],
            pus: n("pus", BIG, &mut e),
            users: n("users", BIG, &mut e),
            mkjp_users: n("mkjp_users", BIG, &mut e),
            iat: n("iat", BIG, &mut e),
            tial: n("tial", BIG, &mut e),
        };
        if let Some(pk) = f.get("poktan") {
            let mut pe = ValidationErrors::new();
            let pf = Fields::of(pk, &mut pe);
            for (i, name) in POKTAN_NAMES.iter().enumerate() {
                if let Some(c) = pf.get(name) {
                    let mut ce = ValidationErrors::new();
                    let cf = Fields::of(c, &mut ce);
                    let get = |k, ce: &mut ValidationErrors| {
                        opt_int(&cf, k, 0, BIG, ce).map(|x| u64::try_from(x).unwrap_or(0))
                    };
                    p.poktan[i] = PoktanCount {
                        participants: get("participants", &mut ce),
                        target: get("target", &mut ce),
                    };
                    pe.extend_with_outer(ce, &crate::PathSegment::Field(name));
                }
            }
            e.extend_with_outer(pe, &crate::PathSegment::Field("poktan"));
        }
        if let (Some(m), Some(u)) = (p.mkjp_users, p.users) {
            if m > u {
                e.push(
                    FieldError::at("mkjp_users", ErrorCode::KampungCountExceeds)
                        .with_param("value", m)
                        .with_param("limit", u)
                        .with_param("other", "users"),
                );
            }
        }
        e.into_result(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> KampungProfile {
        KampungProfile {
            has_pokja: true,
            pokja_members: Some(12),
            pokja_trained: true,
            funding_sources: 5,
            poktan_programs: 5,
            sekretariat: true,
            rumah_dataku: true,
            plkb_pendamping: true,
            regulasi: true,
            data_sources: 4,
            operational: 5,
            agencies: 7,
            poktan: [PoktanCount {
                participants: Some(40),
                target: Some(100),
            }; 5],
            pus: Some(100),
            users: Some(60),
            mkjp_users: Some(20),
            iat: Some(3),
            tial: Some(2),
        }
    }

    fn score(c: &KampungClassification, name: &str) -> u8 {
        c.scores
            .iter()
            .find(|s| s.indicator == name)
            .map(|s| s.score)
            .expect("indicator")
    }

    #[test]
    fn ties_to_even_and_ieee_artefacts_as_the_portal() {
        assert_eq!(portal_percent(81, 200), Some(40)); // 40.5 → 40
        assert_eq!(portal_percent(101, 200), Some(50)); // 50.5 → 50
        assert_eq!(portal_percent(23, 40), Some(57)); // 57.49999999999999
        assert_eq!(portal_percent(109, 200), Some(55)); // 54.50000000000001
        assert_eq!(portal_percent(25, 200), Some(12)); // 12.5 → 12 → unmet 2
        let mut p = full();
        p.pus = Some(200);
        p.users = Some(81);
        assert_eq!(score(&classify_kampung(&p), "output_cpr"), 2);
        p.users = Some(82); // 41 %
        assert_eq!(score(&classify_kampung(&p), "output_cpr"), 3);
        p.iat = Some(25);
        p.tial = Some(0);
        assert_eq!(score(&classify_kampung(&p), "output_unmet"), 2);
        p.iat = Some(13); // 6.5 → 6 → 4
        assert_eq!(score(&classify_kampung(&p), "output_unmet"), 4);
    }

    #[test]
    fn no_gaps_in_any_band_table() {
        for t in [
            &bands::CPR[..],
            &bands::MKJP,
            &bands::UNMET,
            &bands::OUTPUT_POKTAN,
            &bands::SUMBER_DANA,
            &bands::POKTAN,
            &bands::PENGGUNAAN_DATA,
            &bands::LINTAS_SEKTOR,
        ] {
            for v in 0..=200 {
                assert_eq!(t.iter().filter(|b| b.contains(v)).count(), 1, "{v}");
            }
        }
    }

    #[test]
    fn classes() {
        let c = classify_kampung(&full());
        assert_eq!(c.index_input, 3.6); // sarana and pkb top out at 3
        assert_eq!(c.class, KampungClass::Berkelanjutan);
        let c = classify_kampung(&KampungProfile::default());
        assert_eq!(c.class, KampungClass::Dasar);
        assert_eq!(score(&c, "output_unmet"), 1); // null → worst
        let mut p = full();
        p.pus = None; // CPR, MKJP null → 1
        p.poktan = [PoktanCount::default(); 5];
        let c = classify_kampung(&p);
        assert_eq!(c.index_output, 1.75); // 1 + 1 + 1 + 4
        assert_eq!(c.class, KampungClass::Berkembang);
        let mut p = full();
        p.agencies = 0;
        p.operational = 0;
        let c = classify_kampung(&p);
        assert_eq!(c.index_proses, 2.0); // (4 + 1 + 1) / 3
        assert_eq!(c.class, KampungClass::Mandiri);
        assert_eq!(index(&[&c.scores[0], &c.scores[1], &c.scores[5]]), 4.0);
    }

    #[test]
    fn poktan_rounds_twice_and_divides_by_five() {
        let mut p = full();
        p.poktan = [PoktanCount::default(); 5];
        p.poktan[0] = PoktanCount {
            participants: Some(100),
            target: Some(100),
        };
        // Only one poktan: 100 / 5 = 20 → score 2.
        let c = classify_kampung(&p);
        assert_eq!(
            c.scores
                .iter()
                .find(|s| s.indicator == "output_poktan")
                .and_then(|s| s.value),
            Some(20)
        );
        assert_eq!(score(&c, "output_poktan"), 2);
    }

    #[test]
    fn profile_from_value() {
        let v = serde_json::json!({"has_pokja": true, "pokja_members": 10, "pokja_trained": "ya",
            "funding_sources": 3, "poktan_programs": 4, "sekretariat": true, "rumah_dataku": false,
            "plkb_pendamping": true, "regulasi": false, "data_sources": 2, "operational": 3,
            "agencies": 5, "poktan": {"bkb": {"participants": 30, "target": 100}},
            "pus": 500, "users": 300, "mkjp_users": 400, "iat": 20, "tial": 15});
        let e = KampungProfile::from_value(&v).expect_err("mkjp > users");
        assert_eq!(e.errors()[0].code(), ErrorCode::KampungCountExceeds);
        assert_eq!(
            e.errors()[0].message(crate::Locale::En),
            "This value (400) must not exceed 300 (users)."
        );
    }
}
