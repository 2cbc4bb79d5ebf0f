//! *Keluarga berisiko stunting* (KRS): whether a family is a *keluarga
//! sasaran* and whether it is at risk, with the factors that fired, under a
//! replaceable rule set ([`KrsRuleSet`]).
//!
//! The rule (DOMAIN.md §1.4, DERIVED from the BKKBN operational text in
//! §1.2-§1.3, **\[B\]** BKKBN Sulawesi Barat 2024):
//! ```text
//! sasaran  = PUS or PUS hamil or baduta (0-23 mo) or balita (24-59 mo)
//! at_risk  = sasaran and (water not layak or latrine not layak or PUS with any 4T
//!                         [or house not layak huni, only when enabled])
//! ```
//! Factors are reported even for a family that is not *sasaran* (so a
//! user sees them), but such a family is never `at_risk`.

use crate::error::{ErrorCode, FieldError, Locale, PathSegment, ValidationErrors};
use crate::family::relationship::Relationship;
use crate::family::FamilyOptions;
use crate::input::{invalid_type, Fields};
use crate::kb::pus::{
    age_years, birth_interval_in_place, count_child_classes, is_pus, wife, FourT, FourTRules,
    PusAgeNote, PusOptions, SpacingRule, TerlaluBanyak, TerlaluTua,
};
use crate::kb::read::{common_options, opt_bool, opt_code, opt_int, under};
use crate::Family;
use serde::Serialize;
use serde_json::Value;

/// Main drinking-water source (*sumber air minum utama*).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WaterSource {
    /// *Air kemasan / isi ulang* (bottled or refill).
    AirKemasan,
    /// *Ledeng / PAM* (piped).
    Ledeng,
    /// *Sumur bor / pompa* (borehole).
    SumurBor,
    /// *Sumur terlindung* (protected well).
    SumurTerlindung,
    /// *Sumur tak terlindung* (unprotected well).
    SumurTakTerlindung,
    /// *Mata air terlindung* (protected spring).
    MataAirTerlindung,
    /// *Mata air tak terlindung* (unprotected spring).
    MataAirTakTerlindung,
    /// *Air permukaan* (river, lake, pond).
    AirPermukaan,
    /// *Air hujan* (rain water).
    AirHujan,
    /// *Lainnya* (other).
    Lainnya,
}

impl WaterSource {
    pub(crate) fn parse(s: &str) -> Result<WaterSource, FieldError> {
        // The usual codes, exactly as written: nothing to normalise.
        match s {
            "air_kemasan" => return Ok(WaterSource::AirKemasan),
            "ledeng" => return Ok(WaterSource::Ledeng),
            "sumur_bor" => return Ok(WaterSource::SumurBor),
            "sumur_terlindung" => return Ok(WaterSource::SumurTerlindung),
            "air_permukaan" => return Ok(WaterSource::AirPermukaan),
            _ => {}
        }
        let n = crate::input::normalize_code(s, b" -/");
        Ok(match n.as_ref() {
            "air_kemasan" | "kemasan" | "isi_ulang" | "air_isi_ulang" => WaterSource::AirKemasan,
            "ledeng" | "pam" | "ledeng_pam" => WaterSource::Ledeng,
            "sumur_bor" | "pompa" | "sumur_pompa" => WaterSource::SumurBor,
            "sumur_terlindung" => WaterSource::SumurTerlindung,
            "sumur_tak_terlindung" => WaterSource::SumurTakTerlindung,
            "mata_air_terlindung" => WaterSource::MataAirTerlindung,
            "mata_air_tak_terlindung" => WaterSource::MataAirTakTerlindung,
            "air_permukaan" | "sungai" => WaterSource::AirPermukaan,
            "air_hujan" => WaterSource::AirHujan,
            "lainnya" => WaterSource::Lainnya,
            _ => return Err(FieldError::new(ErrorCode::InvalidCode).with_param(
                "allowed",
                "air_kemasan, ledeng, sumur_bor, sumur_terlindung, sumur_tak_terlindung, mata_air_terlindung, mata_air_tak_terlindung, air_permukaan, air_hujan, lainnya",
            )),
        })
    }
}

/// Which water sources count as *layak*.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WaterRule {
    /// Default, BKKBN operational text (DOMAIN.md §1.3 item 1, **\[B\]**):
    /// layak = air kemasan/isi ulang, ledeng/PAM, sumur bor, sumur terlindung.
    #[default]
    #[serde(rename = "bkkbn_2024")]
    Bkkbn2024,
    /// The compiled SIGA note (DOMAIN.md §1.3, **\[C\]**): the same plus
    /// *mata air terlindung*.
    SigaCompiled,
}

impl WaterRule {
    /// Whether `w` is *layak* under this rule.
    pub const fn is_layak(self, w: WaterSource) -> bool {
        match w {
            WaterSource::AirKemasan
            | WaterSource::Ledeng
            | WaterSource::SumurBor
            | WaterSource::SumurTerlindung => true,
            WaterSource::MataAirTerlindung => matches!(self, WaterRule::SigaCompiled),
            _ => false,
        }
    }
}

/// Latrine (*jamban*) kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Latrine {
    /// *Jamban sendiri* (own).
    Sendiri,
    /// *Jamban bersama* (shared / communal).
    Bersama,
    /// *Jamban umum / MCK* (public).
    Umum,
    /// *Tidak ada jamban* (none).
    TidakAda,
}

impl Latrine {
    pub(crate) fn parse(s: &str) -> Result<Latrine, FieldError> {
        // The usual codes, exactly as written: nothing to normalise.
        match s {
            "sendiri" => return Ok(Latrine::Sendiri),
            "bersama" => return Ok(Latrine::Bersama),
            "tidak_ada" => return Ok(Latrine::TidakAda),
            _ => {}
        }
        let n = crate::input::normalize_code(s, b" -/");
        Ok(match n.as_ref() {
            "sendiri" | "jamban_sendiri" => Latrine::Sendiri,
            "bersama" | "jamban_bersama" | "komunal" => Latrine::Bersama,
            "umum" | "jamban_umum" | "mck" => Latrine::Umum,
            "tidak_ada" | "none" => Latrine::TidakAda,
            _ => {
                return Err(FieldError::new(ErrorCode::InvalidCode)
                    .with_param("allowed", "sendiri, bersama, umum, tidak_ada"))
            }
        })
    }
}

/// Which latrines count as *layak*.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LatrineRule {
    /// Default, BKKBN operational text (DOMAIN.md §1.3 item 2, **\[B\]**):
    /// not layak = no latrine, or a latrine without septic tank.
    #[default]
    #[serde(rename = "bkkbn_2024")]
    Bkkbn2024,
    /// The compiled SIGA note (DOMAIN.md §1.3, **\[C\]**): layak = own or
    /// shared/communal latrine *berleher angsa* (goose-neck) with septic
    /// tank or IPAL; `gooseneck` is then required.
    SigaCompiled,
}

/// A KRS rule set: a named, versioned value callers can replace
/// ([`KrsRuleSet::new`] then `with_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct KrsRuleSet {
    /// Rule-set name.
    pub name: &'static str,
    /// Version of the default this rule set starts from.
    pub version: &'static str,
    /// Drinking-water list.
    pub water: WaterRule,
    /// Latrine rule.
    pub latrine: LatrineRule,
    /// 4T thresholds.
    pub four_t: FourTRules,
    /// PUS definition.
    pub pus: PusOptions,
    /// Whether *rumah tidak layak huni* is a risk factor. Default `false`:
    /// mentioned by Kepala BKKBN (DOMAIN.md §1.3, **\[B\]**) but its criteria
    /// and its place in the computed flag were not found (Uncertain 1).
    pub include_housing: bool,
}

impl KrsRuleSet {
    /// The default rule set (`bkkbn_krs` 2024-01).
    pub fn new() -> KrsRuleSet {
        KrsRuleSet::default()
    }
    /// With another drinking-water list.
    #[must_use]
    pub const fn with_water(mut self, v: WaterRule) -> KrsRuleSet {
        self.water = v;
        self
    }
    /// With another latrine rule.
    #[must_use]
    pub const fn with_latrine(mut self, v: LatrineRule) -> KrsRuleSet {
        self.latrine = v;
        self
    }
    /// With other 4T thresholds.
    #[must_use]
    pub const fn with_four_t(mut self, v: FourTRules) -> KrsRuleSet {
        self.four_t = v;
        self
    }
    /// With another PUS definition.
    #[must_use]
    pub const fn with_pus(mut self, v: PusOptions) -> KrsRuleSet {
        self.pus = v;
        self
    }
    /// With the housing factor on or off.
    #[must_use]
    pub const fn with_housing(mut self, on: bool) -> KrsRuleSet {
        self.include_housing = on;
        self
    }
}

impl Default for KrsRuleSet {
    fn default() -> Self {
        KrsRuleSet {
            name: "bkkbn_krs",
            version: "2024-01",
            water: WaterRule::default(),
            latrine: LatrineRule::default(),
            four_t: FourTRules::default(),
            pus: PusOptions::default(),
            include_housing: false,
        }
    }
}

/// A fired rule: a stable code and its explanation in the chosen locale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Stable snake_case code.
    pub code: &'static str,
    /// Explanation in the requested locale.
    pub explanation: String,
}

/// The KRS result of one family.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct KrsResult {
    /// The rule set applied.
    pub rule_set: KrsRuleSet,
    /// The wife's age in completed years at `as_of` (`None` without a wife).
    pub wife_age_years: Option<i64>,
    /// The family is PUS.
    pub pus: bool,
    /// When the family has a wife who is not PUS: why (DOMAIN.md §9.2,
    /// `di_bawah_usia_pus` or `di_atas_usia_pus`); `None` otherwise.
    pub pus_age_note: Option<Reason>,
    /// PUS and the wife is pregnant.
    pub pus_hamil: bool,
    /// Members aged 0-23 completed months.
    pub baduta: u32,
    /// Members aged 24-59 completed months.
    pub balita: u32,
    /// Living children used for "terlalu banyak".
    pub living_children: i64,
    /// Birth interval used for "terlalu dekat", completed months.
    pub birth_interval_months: Option<i64>,
    /// The four 4T flags (all false when not PUS).
    pub four_t: FourT,
    /// *Keluarga sasaran*.
    pub sasaran: bool,
    /// Why it is sasaran (`pus`, `pus_hamil`, `baduta`, `balita`).
    pub sasaran_reasons: Vec<Reason>,
    /// *Keluarga berisiko stunting*: sasaran and at least one factor.
    pub at_risk: bool,
    /// Factors that fired (`air_minum_tidak_layak`, `jamban_tidak_layak`,
    /// `terlalu_muda`, `terlalu_tua`, `terlalu_dekat`, `terlalu_banyak`,
    /// `rumah_tidak_layak_huni`).
    pub risk_factors: Vec<Reason>,
}

fn explain(code: &'static str, rules: &KrsRuleSet, locale: Locale) -> Reason {
    let (id, en) = match code {
        "pus" => (
            "Keluarga memiliki pasangan usia subur (PUS).",
            "The family has a couple of reproductive age (PUS).",
        ),
        "pus_hamil" => ("Istri PUS sedang hamil.", "The PUS wife is pregnant."),
        "baduta" => (
            "Keluarga memiliki anak usia 0-23 bulan (baduta).",
            "The family has a child aged 0-23 months (baduta).",
        ),
        "balita" => (
            "Keluarga memiliki anak usia 24-59 bulan (balita).",
            "The family has a child aged 24-59 months (balita).",
        ),
        "air_minum_tidak_layak" => (
            "Sumber air minum utama tidak layak.",
            "The main drinking-water source is not safe.",
        ),
        "jamban_tidak_layak" => (
            "Tidak memiliki jamban yang layak.",
            "The family has no adequate latrine.",
        ),
        "terlalu_muda" => (
            "Istri berumur di bawah 20 tahun (terlalu muda).",
            "The wife is under 20 years old (too young).",
        ),
        "terlalu_tua" => match rules.four_t.terlalu_tua {
            TerlaluTua::From35To40 => (
                "Istri berumur 35-40 tahun (terlalu tua).",
                "The wife is 35-40 years old (too old).",
            ),
            TerlaluTua::Over35 => (
                "Istri berumur di atas 35 tahun (terlalu tua).",
                "The wife is over 35 years old (too old).",
            ),
        },
        "terlalu_dekat" => (
            "Jarak kelahiran anak kurang dari 2 tahun (terlalu dekat).",
            "Children born less than 2 years apart (too close).",
        ),
        "terlalu_banyak" => match rules.four_t.terlalu_banyak {
            TerlaluBanyak::MoreThan3 => (
                "Memiliki lebih dari 3 anak (terlalu banyak).",
                "More than 3 children (too many).",
            ),
            TerlaluBanyak::ThreeOrMore => (
                "Memiliki 3 anak atau lebih (terlalu banyak).",
                "3 or more children (too many).",
            ),
        },
        "di_bawah_usia_pus" => (
            "Istri berumur di bawah 15 tahun: di luar rentang usia PUS 15-49 tahun.",
            "The wife is under 15: outside the PUS age band 15-49.",
        ),
        "di_atas_usia_pus" => (
            "Istri berumur 50 tahun atau lebih: di luar rentang usia PUS 15-49 tahun.",
            "The wife is 50 or older: outside the PUS age band 15-49.",
        ),
        _ => (
            "Rumah tidak layak huni.",
            "The house is not fit to live in.",
        ),
    };
    Reason {
        code,
        explanation: match locale {
            Locale::Id => id.to_owned(),
            Locale::En => en.to_owned(),
        },
    }
}

/// Validated housing input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Housing {
    /// Main drinking-water source.
    pub water_source: WaterSource,
    /// Latrine kind.
    pub latrine: Latrine,
    /// Septic tank or IPAL (false when there is no latrine).
    pub septic_tank: bool,
    /// Goose-neck latrine, when recorded.
    pub gooseneck: Option<bool>,
    /// *Rumah layak huni*, when recorded.
    pub housing_layak: Option<bool>,
}

impl Housing {
    /// Whether the latrine is *layak* under `rule`.
    pub fn latrine_layak(&self, rule: LatrineRule) -> bool {
        match rule {
            LatrineRule::Bkkbn2024 => self.latrine != Latrine::TidakAda && self.septic_tank,
            LatrineRule::SigaCompiled => {
                self.latrine != Latrine::TidakAda
                    && self.septic_tank
                    && self.gooseneck == Some(true)
            }
        }
    }
}

/// Facts about the wife and children not on the Kartu Keluarga.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KrsFacts {
    /// The wife (see [`wife`]) is pregnant.
    pub wife_pregnant: bool,
    /// The wife still menstruates (for the PUS exception), when recorded.
    pub wife_menstruating: Option<bool>,
    /// Living children; defaults to the number of SHDK *anak* members.
    pub living_children: Option<i64>,
}

/// Evaluates one family under `rules` (a pure function).
pub fn evaluate_krs(
    family: &Family,
    housing: &Housing,
    facts: KrsFacts,
    rules: &KrsRuleSet,
    as_of: chrono::NaiveDate,
    locale: Locale,
) -> KrsResult {
    let k = krs_core(family, housing, facts, rules, as_of);
    KrsResult {
        rule_set: *rules,
        wife_age_years: k.wife_age,
        pus: k.pus,
        pus_age_note: k
            .wife_age
            .and_then(|a| PusAgeNote::of(a, k.pus))
            .map(|n| explain(n.code(), rules, locale)),
        pus_hamil: k.pus_hamil,
        baduta: k.baduta,
        balita: k.balita,
        living_children: k.n_children,
        birth_interval_months: k.interval,
        four_t: k.four_t,
        sasaran: k.sasaran(),
        sasaran_reasons: k
            .sasaran_codes
            .iter()
            .map(|c| explain(c, rules, locale))
            .collect(),
        at_risk: k.at_risk(),
        risk_factors: k
            .factor_codes
            .iter()
            .map(|c| explain(c, rules, locale))
            .collect(),
    }
}

/// The *keluarga sasaran* reasons, in the order they are checked.
const SASARAN_CODES: [&str; 4] = ["pus", "pus_hamil", "baduta", "balita"];

/// The KRS factor codes, in the order they are checked (DOMAIN.md §1.3,
/// §1.4): drinking water, latrine, the four *terlalu*, housing.
pub(crate) const FACTOR_CODES: [&str; 7] = [
    "air_minum_tidak_layak",
    "jamban_tidak_layak",
    "terlalu_muda",
    "terlalu_tua",
    "terlalu_dekat",
    "terlalu_banyak",
    "rumah_tidak_layak_huni",
];

/// Which codes of a list were found: bit `i` for `names[i]` (a few bytes
/// to copy, where a family's contribution is computed millions of times).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Codes {
    names: &'static [&'static str],
    bits: u16,
}

impl Codes {
    const fn of(names: &'static [&'static str]) -> Codes {
        Codes { names, bits: 0 }
    }
    /// Marks `names[i]` as found when `on`.
    fn mark(&mut self, i: usize, on: bool) {
        self.bits |= u16::from(on) << i;
    }
    /// The codes found, in list order (the order they are checked).
    pub(crate) fn iter(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.names
            .iter()
            .enumerate()
            .filter(|(i, _)| self.bits >> i & 1 == 1)
            .map(|(_, c)| *c)
    }
    /// Bit `i` set when `names[i]` was found.
    #[cfg_attr(not(feature = "report"), allow(dead_code))]
    pub(crate) fn bits(&self) -> u16 {
        self.bits
    }
    fn is_empty(&self) -> bool {
        self.bits == 0
    }
}

/// What [`evaluate_krs`] finds, before the reasons are explained in a
/// language (the aggregation of a register needs only this).
#[derive(Clone, Copy, Debug)]
pub(crate) struct KrsCore {
    pub wife_age: Option<i64>,
    pub pus: bool,
    pub pus_hamil: bool,
    pub baduta: u32,
    pub balita: u32,
    pub n_children: i64,
    pub interval: Option<i64>,
    pub four_t: FourT,
    pub sasaran_codes: Codes,
    pub factor_codes: Codes,
}

impl KrsCore {
    /// A *keluarga sasaran*.
    pub(crate) fn sasaran(&self) -> bool {
        !self.sasaran_codes.is_empty()
    }
    /// A *keluarga berisiko stunting*.
    pub(crate) fn at_risk(&self) -> bool {
        self.sasaran() && !self.factor_codes.is_empty()
    }
}

/// The computation of [`evaluate_krs`].
pub(crate) fn krs_core(
    family: &Family,
    housing: &Housing,
    facts: KrsFacts,
    rules: &KrsRuleSet,
    as_of: chrono::NaiveDate,
) -> KrsCore {
    let KrsFacts {
        wife_pregnant,
        wife_menstruating,
        living_children,
    } = facts;
    let w = wife(family);
    let wife_age = w.map(|p| age_years(p, as_of));
    // DOMAIN.md §9.2: under the menstruation option a pregnancy proves
    // menarche and that she is not menopausal.
    let pus = wife_age.is_some_and(|a| is_pus(a, wife_menstruating, wife_pregnant, rules.pus));
    let pus_hamil = pus && wife_pregnant;
    let (baduta, balita) = count_child_classes(family, as_of);
    // The children's birth dates (the members `children` gives; their
    // order does not matter here), sorted in place: on the stack for up
    // to 16 children.
    let children = family
        .members()
        .iter()
        .filter(|p| p.relationship() == Relationship::Anak)
        .map(|p| p.birth_date());
    let mut small = [chrono::NaiveDate::MIN; 16];
    let mut large = Vec::new();
    let mut n = 0;
    for d in children {
        match small.get_mut(n) {
            Some(slot) => *slot = d,
            None => {
                if large.is_empty() {
                    large.extend_from_slice(&small);
                }
                large.push(d);
            }
        }
        n += 1;
    }
    let dates: &mut [chrono::NaiveDate] = if large.is_empty() {
        &mut small[..n]
    } else {
        &mut large
    };
    let n_children = living_children.unwrap_or(i64::try_from(dates.len()).unwrap_or(i64::MAX));
    let interval = birth_interval_in_place(dates, rules.four_t.spacing);
    let four_t = match (pus, wife_age) {
        (true, Some(a)) => FourT::compute(a, n_children, interval, rules.four_t),
        _ => FourT::default(),
    };
    let mut sasaran_codes = Codes::of(&SASARAN_CODES);
    sasaran_codes.mark(0, pus);
    sasaran_codes.mark(1, pus_hamil);
    sasaran_codes.mark(2, baduta > 0);
    sasaran_codes.mark(3, balita > 0);
    let mut factors = Codes::of(&FACTOR_CODES);
    factors.mark(0, !rules.water.is_layak(housing.water_source));
    factors.mark(1, !housing.latrine_layak(rules.latrine));
    factors.mark(2, four_t.terlalu_muda);
    factors.mark(3, four_t.terlalu_tua);
    factors.mark(4, four_t.terlalu_dekat);
    factors.mark(5, four_t.terlalu_banyak);
    factors.mark(
        6,
        rules.include_housing && housing.housing_layak == Some(false),
    );
    KrsCore {
        wife_age,
        pus,
        pus_hamil,
        baduta,
        balita,
        n_children,
        interval,
        four_t,
        sasaran_codes,
        factor_codes: factors,
    }
}

/// The keys of a housing object (any other is `unknown_field`, DOMAIN.md §9.5).
pub const HOUSING_FIELDS: [&str; 5] = [
    "water_source",
    "latrine",
    "septic_tank",
    "gooseneck",
    "housing_layak",
];
/// The keys of a KRS input.
pub const KRS_FIELDS: [&str; 5] = [
    "family",
    "housing",
    "wife_pregnant",
    "wife_menstruating",
    "living_children",
];
/// The keys of the KRS options.
const KRS_OPTION_FIELDS: [&str; 9] = [
    "as_of",
    "locale",
    "water_rule",
    "latrine_rule",
    "terlalu_tua",
    "terlalu_banyak",
    "spacing",
    "pus_menstruation_exception",
    "include_housing",
];

/// Reads a housing object `{water_source, latrine, septic_tank?, gooseneck?,
/// housing_layak?}` under `rules`; problems go to `he` with paths relative
/// to the object. Shared by [`evaluate_krs_json`] and the register reader.
pub(crate) fn read_housing(
    h: &Value,
    rules: &KrsRuleSet,
    he: &mut ValidationErrors,
) -> Option<Housing> {
    let hf = Fields::of(h, he);
    hf.deny_unknown(&HOUSING_FIELDS, he);
    let water = opt_code(&hf, "water_source", WaterSource::parse, he);
    if hf.is_blank("water_source") {
        he.push(FieldError::at("water_source", ErrorCode::Required));
    }
    let latrine = opt_code(&hf, "latrine", Latrine::parse, he);
    if hf.is_blank("latrine") {
        he.push(FieldError::at("latrine", ErrorCode::Required));
    }
    // Fields are read (and their errors recorded) in this order.
    let parts = HousingParts {
        water,
        latrine,
        septic: opt_bool(&hf, "septic_tank", he),
        septic_absent: hf.get("septic_tank").is_none(),
        gooseneck: opt_bool(&hf, "gooseneck", he),
        gooseneck_absent: hf.get("gooseneck").is_none(),
        housing_layak: opt_bool(&hf, "housing_layak", he),
        housing_layak_absent: hf.get("housing_layak").is_none(),
    };
    check_housing(&parts, rules, he)
}

/// The fields of a housing object once read; `*_absent` when the field is
/// missing or `null` (a blank text reads as `None` but is not absent).
#[derive(Clone, Copy, Debug)]
pub(crate) struct HousingParts {
    pub water: Option<WaterSource>,
    pub latrine: Option<Latrine>,
    pub septic: Option<bool>,
    pub septic_absent: bool,
    pub gooseneck: Option<bool>,
    pub gooseneck_absent: bool,
    pub housing_layak: Option<bool>,
    pub housing_layak_absent: bool,
}

/// The rules between the housing fields under `rules` (septic tank without
/// latrine, what is required); shared by [`read_housing`] and the
/// register's typed reader.
pub(crate) fn check_housing(
    p: &HousingParts,
    rules: &KrsRuleSet,
    he: &mut ValidationErrors,
) -> Option<Housing> {
    match p.latrine {
        Some(Latrine::TidakAda) if p.septic == Some(true) => {
            he.push(FieldError::at(
                "septic_tank",
                ErrorCode::KrsSepticWithoutLatrine,
            ));
        }
        Some(l) if l != Latrine::TidakAda => {
            if p.septic.is_none() && p.septic_absent {
                he.push(FieldError::at("septic_tank", ErrorCode::Required));
            }
            if rules.latrine == LatrineRule::SigaCompiled
                && p.gooseneck.is_none()
                && p.gooseneck_absent
            {
                he.push(FieldError::at("gooseneck", ErrorCode::Required));
            }
        }
        _ => {}
    }
    if rules.include_housing && p.housing_layak.is_none() && p.housing_layak_absent {
        he.push(FieldError::at("housing_layak", ErrorCode::Required));
    }
    match (p.water, p.latrine) {
        (Some(water_source), Some(latrine)) => Some(Housing {
            water_source,
            latrine,
            septic_tank: p.septic.unwrap_or(false),
            gooseneck: p.gooseneck,
            housing_layak: p.housing_layak,
        }),
        _ => None,
    }
}

fn parse_tua(s: &str) -> Result<TerlaluTua, FieldError> {
    match s.trim() {
        "35_40" => Ok(TerlaluTua::From35To40),
        "over_35" => Ok(TerlaluTua::Over35),
        _ => Err(FieldError::new(ErrorCode::InvalidCode).with_param("allowed", "35_40, over_35")),
    }
}
fn parse_banyak(s: &str) -> Result<TerlaluBanyak, FieldError> {
    match s.trim() {
        "more_than_3" => Ok(TerlaluBanyak::MoreThan3),
        "3_or_more" => Ok(TerlaluBanyak::ThreeOrMore),
        _ => {
            Err(FieldError::new(ErrorCode::InvalidCode)
                .with_param("allowed", "more_than_3, 3_or_more"))
        }
    }
}
fn parse_spacing(s: &str) -> Result<SpacingRule, FieldError> {
    match s.trim() {
        "two_youngest" => Ok(SpacingRule::TwoYoungest),
        "any_consecutive" => Ok(SpacingRule::AnyConsecutive),
        _ => Err(FieldError::new(ErrorCode::InvalidCode)
            .with_param("allowed", "two_youngest, any_consecutive")),
    }
}
fn parse_water_rule(s: &str) -> Result<WaterRule, FieldError> {
    match s.trim() {
        "bkkbn_2024" => Ok(WaterRule::Bkkbn2024),
        "siga_compiled" => Ok(WaterRule::SigaCompiled),
        _ => Err(FieldError::new(ErrorCode::InvalidCode)
            .with_param("allowed", "bkkbn_2024, siga_compiled")),
    }
}
fn parse_latrine_rule(s: &str) -> Result<LatrineRule, FieldError> {
    match s.trim() {
        "bkkbn_2024" => Ok(LatrineRule::Bkkbn2024),
        "siga_compiled" => Ok(LatrineRule::SigaCompiled),
        _ => Err(FieldError::new(ErrorCode::InvalidCode)
            .with_param("allowed", "bkkbn_2024, siga_compiled")),
    }
}

/// The 4T and PUS options shared by KRS and screening:
/// `terlalu_tua` (`"35_40"` default | `"over_35"`), `terlalu_banyak`
/// (`"more_than_3"` default | `"3_or_more"`), `spacing` (`"two_youngest"`
/// default | `"any_consecutive"`).
pub(crate) fn read_four_t(f: &Fields<'_>, errors: &mut ValidationErrors) -> FourTRules {
    FourTRules {
        terlalu_tua: opt_code(f, "terlalu_tua", parse_tua, errors).unwrap_or_default(),
        terlalu_banyak: opt_code(f, "terlalu_banyak", parse_banyak, errors).unwrap_or_default(),
        spacing: opt_code(f, "spacing", parse_spacing, errors).unwrap_or_default(),
    }
}

/// KRS of one family from untyped input.
///
/// `input`: `{family: <as Family::from_value>, housing: {water_source,
/// latrine, septic_tank?, gooseneck?, housing_layak?}, wife_pregnant?,
/// wife_menstruating?, living_children?}`. `septic_tank` is required unless
/// `latrine` is `tidak_ada`; `wife_pregnant` is required when the family is PUS.
///
/// `options`: `{as_of, locale?, water_rule?, latrine_rule?: "bkkbn_2024" |
/// "siga_compiled", terlalu_tua?, terlalu_banyak?, spacing?,
/// pus_menstruation_exception?: bool, include_housing?: bool}`. Under
/// `pus_menstruation_exception` a wife outside 15-49 is PUS when she still
/// menstruates or, DOMAIN.md §9.2, when she is pregnant (a pregnancy proves
/// menarche and that she is not menopausal); otherwise `pus_age_note`
/// says why a wife is not PUS. Any key not listed here is `unknown_field`
/// at its path (§9.5). Marital status may be written as on any KK
/// (*kawin tercatat*, *kawin belum tercatat*, *kawin*, §9.1).
///
/// # Errors
/// Every problem with its path: family errors under `family`, e.g.
/// `["family", "members", 1, "birth_date"]`; `krs_wife_field_without_wife`,
/// `krs_septic_without_latrine`, `invalid_code`, `out_of_range`; option
/// errors under `options`.
pub fn evaluate_krs_json(input: &Value, options: &Value) -> Result<KrsResult, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    // Options.
    let mut oe = ValidationErrors::new();
    let of = Fields::of(options, &mut oe);
    of.deny_unknown(&KRS_OPTION_FIELDS, &mut oe);
    let (as_of, locale) = common_options(&of, &mut oe);
    let rules = KrsRuleSet {
        water: opt_code(&of, "water_rule", parse_water_rule, &mut oe).unwrap_or_default(),
        latrine: opt_code(&of, "latrine_rule", parse_latrine_rule, &mut oe).unwrap_or_default(),
        four_t: read_four_t(&of, &mut oe),
        pus: PusOptions {
            include_menstruating_outside_15_49: opt_bool(
                &of,
                "pus_menstruation_exception",
                &mut oe,
            )
            .unwrap_or(false),
        },
        include_housing: opt_bool(&of, "include_housing", &mut oe).unwrap_or(false),
        ..KrsRuleSet::default()
    };
    under("options", oe, &mut errors);
    let Some(as_of) = as_of else {
        return Err(errors);
    };

    let f = Fields::of(input, &mut errors);
    f.deny_unknown(&KRS_FIELDS, &mut errors);
    let family = match f.get("family") {
        Some(v) => match Family::from_value(v, &FamilyOptions::new(as_of)) {
            Ok(fam) => Some(fam),
            Err(es) => {
                under("family", es, &mut errors);
                None
            }
        },
        None => {
            if matches!(input, Value::Object(_)) {
                errors.push(FieldError::at("family", ErrorCode::Required));
            }
            None
        }
    };
    let mut he = ValidationErrors::new();
    let housing = match f.get("housing") {
        Some(h @ Value::Object(_)) => read_housing(h, &rules, &mut he),
        Some(other) => {
            errors.push(invalid_type("housing", "object", other));
            None
        }
        None => {
            if matches!(input, Value::Object(_)) {
                errors.push(FieldError::at("housing", ErrorCode::Required));
            }
            None
        }
    };
    errors.extend_with_outer(he, &PathSegment::Field("housing"));
    let pregnant = opt_bool(&f, "wife_pregnant", &mut errors);
    let menstruating = opt_bool(&f, "wife_menstruating", &mut errors);
    let living = opt_int(&f, "living_children", 0, 30, &mut errors);

    if let Some(fam) = &family {
        match wife(fam) {
            None => {
                if pregnant == Some(true) {
                    errors.push(FieldError::at(
                        "wife_pregnant",
                        ErrorCode::KrsWifeFieldWithoutWife,
                    ));
                }
                if menstruating.is_some() {
                    errors.push(FieldError::at(
                        "wife_menstruating",
                        ErrorCode::KrsWifeFieldWithoutWife,
                    ));
                }
            }
            Some(w) => {
                let age = age_years(w, as_of);
                // Required whenever she would be PUS were she pregnant
                // (under the option a pregnancy admits any age, §9.2).
                if is_pus(age, menstruating, true, rules.pus)
                    && pregnant.is_none()
                    && f.get("wife_pregnant").is_none()
                {
                    errors.push(FieldError::at("wife_pregnant", ErrorCode::Required));
                }
            }
        }
    }
    match (family, housing) {
        (Some(fam), Some(h)) if errors.is_empty() => Ok(evaluate_krs(
            &fam,
            &h,
            KrsFacts {
                wife_pregnant: pregnant.unwrap_or(false),
                wife_menstruating: menstruating,
                living_children: living,
            },
            &rules,
            as_of,
            locale,
        )),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::FamilyOptions;

    /// The codes read without normalising read as their normalised forms.
    #[test]
    fn usual_codes_shortcut_agrees() {
        let slow = |s: &str| format!(" {} ", s.to_uppercase().replace('_', "-"));
        for s in [
            "air_kemasan",
            "ledeng",
            "sumur_bor",
            "sumur_terlindung",
            "air_permukaan",
        ] {
            assert_eq!(WaterSource::parse(s), WaterSource::parse(&slow(s)), "{s}");
            assert!(WaterSource::parse(s).is_ok());
        }
        for s in ["sendiri", "bersama", "tidak_ada"] {
            assert_eq!(Latrine::parse(s), Latrine::parse(&slow(s)), "{s}");
            assert!(Latrine::parse(s).is_ok());
        }
    }
    use crate::kb::pus::birth_interval_months;
    use chrono::NaiveDate;
    use serde_json::json;

    /// The children's birth dates are gathered on the stack or, past 16
    /// children, in a vector: the interval and count are the same.
    #[test]
    fn many_children_same_interval() {
        let as_of = NaiveDate::from_ymd_opt(2025, 7, 1).expect("date");
        for n in [0usize, 1, 2, 15, 16, 17, 25] {
            let mut members = vec![
                json!({"name": "Budi", "sex": "L", "birth_date": "1985-01-01",
                       "relationship": "kepala_keluarga", "marital_status": "kawin"}),
                json!({"name": "Siti", "sex": "P", "birth_date": "1990-07-05",
                       "relationship": "istri", "marital_status": "kawin"}),
            ];
            let mut dates = Vec::new();
            for k in 0..n {
                // Twins every fifth child; out of order.
                let d = NaiveDate::from_ymd_opt(2008 + (k * 7 % 17) as i32, 1 + (k % 5) as u32, 3)
                    .expect("date");
                dates.push(d);
                members.push(json!({"name": "Anak", "sex": "L",
                    "birth_date": d.format("%Y-%m-%d").to_string(),
                    "relationship": "anak", "marital_status": "belum_kawin"}));
            }
            let v = json!({"no_kk": "6472052301150007", "region_code": "64.72.05.2001",
                           "members": members});
            let family = Family::from_value(&v, &FamilyOptions::new(as_of)).expect("family");
            let housing = Housing {
                water_source: WaterSource::Ledeng,
                latrine: Latrine::Sendiri,
                septic_tank: true,
                gooseneck: None,
                housing_layak: None,
            };
            let rules = KrsRuleSet::default();
            let facts = KrsFacts {
                wife_pregnant: false,
                wife_menstruating: None,
                living_children: None,
            };
            let core = krs_core(&family, &housing, facts, &rules, as_of);
            assert_eq!(core.n_children, n as i64);
            assert_eq!(
                core.interval,
                birth_interval_months(&dates, rules.four_t.spacing),
                "{n}"
            );
        }
    }
}
