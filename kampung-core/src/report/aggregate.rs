//! Aggregation of a family register by region: what one family contributes
//! ([`FamilyContribution`]), fixed-size counters per region ([`Counters`]),
//! and the rows of the report ([`RegionRow`]) for every level present
//! (province, kabupaten/kota, kecamatan, desa/kelurahan) and the whole file.
//!
//! Rules (ARCHITECTURE.md "Data flow", PRIOR_ART.md D-22/D-23):
//! - regions are combined by summing numerators and denominators, never by
//!   averaging percentages; a parent level is the sum of its leaves;
//! - a value is `None` when its denominator is 0 (never a disguised 0);
//! - overlapping categories (KRS factors, sasaran reasons) are unique
//!   family counts per category and are never summed into a total: the
//!   total (e.g. `krs`) is counted once per family.
//!
//! Memory is fixed per region: an [`Aggregator`] holds one [`Counters`]
//! (about 600 bytes) per region code that occurs in the input.

use super::wilson::wilson_95;
use crate::growth::child::weight_length_input;
use crate::growth::classify::is_stunted;
use crate::growth::who2006::{compute_row, Tables2006};
use crate::id::wilayah::{KodeWilayah, Level};
use crate::kb::method::{Method, NonUseReason, ALL_METHODS};
use crate::kb::pus::completed_months;
use crate::register::{RegisterFamily, RegisterOptions};
use crate::risk::krs::KrsFacts;
use serde::Serialize;
use std::collections::BTreeMap;

/// The KRS factor codes, in report order (DOMAIN.md §1.3; `risk::krs`).
pub const KRS_FACTORS: [&str; 7] = crate::risk::krs::FACTOR_CODES;

/// The user methods of the method mix, in catalogue order: every method
/// of [`ALL_METHODS`] but the last, `none` (`kb::method`).
pub const MIX_METHODS: [Method; 13] = {
    let mut out = [Method::None; 13];
    let mut i = 0;
    while i < out.len() {
        out[i] = ALL_METHODS[i];
        i += 1;
    }
    out
};

/// Reasons for not using KB, in report order (DOMAIN.md §2.3).
pub const NON_USE_REASONS: [NonUseReason; 4] = [
    NonUseReason::Hamil,
    NonUseReason::InginAnakSegera,
    NonUseReason::Iat,
    NonUseReason::Tial,
];

/// One anthropometric indicator among measured children: (numerator,
/// denominator, flagged). Flagged z-scores (WHO flags, WHO_GROWTH.md §1.11)
/// are counted but excluded from the denominator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prevalence {
    /// Children below (or above) the cut-off.
    pub numerator: u64,
    /// Children with a valid, unflagged z-score.
    pub denominator: u64,
    /// Children whose z-score is flagged as implausible (excluded).
    pub flagged: u64,
}

impl Prevalence {
    fn add(&mut self, o: &Prevalence) {
        self.numerator += o.numerator;
        self.denominator += o.denominator;
        self.flagged += o.flagged;
    }
}

/// What one validated family adds to its region. Small, so it can be
/// computed in parallel and summed in order.
#[derive(Clone, Debug, PartialEq)]
pub struct FamilyContribution {
    /// The family's region (any level).
    pub region: KodeWilayah,
    /// *Keluarga sasaran* (DOMAIN.md §1.2).
    pub sasaran: bool,
    /// *Keluarga berisiko stunting* (DOMAIN.md §1.4).
    pub krs: bool,
    /// Bit `i` set when [`KRS_FACTORS`]`[i]` fired (for any family).
    pub factors: u8,
    /// The family has a baduta (0-23 months) at `as_of`.
    pub has_baduta: bool,
    /// The family has a balita (24-59 months) at `as_of`.
    pub has_balita: bool,
    /// Members under 60 completed months at `as_of`.
    pub children_under5: u32,
    /// PUS (DOMAIN.md §2.1).
    pub pus: bool,
    /// PUS and the wife pregnant.
    pub pus_hamil: bool,
    /// KB status of a PUS (`None` when not PUS).
    pub kb: Option<(Method, Option<NonUseReason>)>,
    /// Children with at least one usable measurement under 60 months.
    pub children_measured: u32,
    /// Stunting: HAZ < −2.
    pub stunting: Prevalence,
    /// Wasting: WHZ < −2.
    pub wasting: Prevalence,
    /// Underweight: WAZ < −2.
    pub underweight: Prevalence,
    /// Overweight: WHZ > +2.
    pub overweight: Prevalence,
    /// The family's survey design (weight, cluster, stratum), when the
    /// report has one ([`super::design`]); its children carry it.
    pub design: Option<Box<super::FamilyDesign>>,
    /// The month's SKDN of its children (empty without a month; set by the
    /// report engine with [`super::skdn::family_skdn`]).
    pub skdn: super::skdn::FamilySkdn,
}

/// Computes one family's contribution (a pure function).
///
/// Children: for every member, the **latest** measurement taken before 60
/// completed months of age (DOMAIN.md §3.2, §3.5) is used, with the WHO
/// 2006 standards exactly as WHO anthro computes them (`growth`). The
/// prevalences are those of the WHO/UNICEF Joint Malnutrition Estimates
/// and Permenkes 2/2020 (DOMAIN.md §3.3): stunting HAZ < −2, wasting
/// WHZ < −2, underweight WAZ < −2, overweight WHZ > +2, each on the
/// rounded z-score, flagged values excluded (WHO_GROWTH.md §1.11).
pub fn contribution(
    rf: &RegisterFamily,
    opts: &RegisterOptions,
    tables: &Tables2006,
) -> FamilyContribution {
    let fam = &rf.family;
    // The KRS computation without the explanations (no text is needed here).
    let krs = crate::risk::krs::krs_core(
        fam,
        &rf.housing,
        KrsFacts {
            wife_pregnant: rf.wife_pregnant,
            wife_menstruating: None,
            living_children: None,
        },
        &opts.krs_rules,
        opts.as_of,
    );
    // Bit i for KRS_FACTORS[i]: the order `krs_core` checks them in.
    let factors = u8::try_from(krs.factor_codes.bits()).unwrap_or(u8::MAX);
    let kb = if krs.pus {
        rf.kb.map(|k| (k.method, k.reason))
    } else {
        None
    };
    let children_under5 = fam
        .members()
        .iter()
        .filter(|p| crate::kb::pus::ChildAgeClass::of(p.birth_date(), opts.as_of).is_some())
        .count();
    let mut c = FamilyContribution {
        region: *fam.region_code(),
        sasaran: krs.sasaran(),
        krs: krs.at_risk(),
        factors,
        has_baduta: krs.baduta > 0,
        has_balita: krs.balita > 0,
        children_under5: u32::try_from(children_under5).unwrap_or(u32::MAX),
        pus: krs.pus,
        pus_hamil: krs.pus_hamil,
        kb,
        children_measured: 0,
        stunting: Prevalence::default(),
        wasting: Prevalence::default(),
        underweight: Prevalence::default(),
        overweight: Prevalence::default(),
        design: None,
        skdn: super::skdn::FamilySkdn::default(),
    };
    // Latest measurement under 60 months per member.
    // On the stack for families of up to 16 members.
    let mut small = [None; 16];
    let mut large = Vec::new();
    let latest: &mut [Option<usize>] = match small.get_mut(..fam.members().len()) {
        Some(s) => s,
        None => {
            large.resize(fam.members().len(), None);
            &mut large
        }
    };
    for (i, m) in rf.measurements.iter().enumerate() {
        let Some(p) = fam.members().get(m.member) else {
            continue;
        };
        if completed_months(p.birth_date(), m.measured_on) >= 60 {
            continue;
        }
        let slot = &mut latest[m.member];
        match slot {
            Some(j) if rf.measurements[*j].measured_on >= m.measured_on => {}
            _ => *slot = Some(i),
        }
    }
    let mut errors = Vec::new();
    for (member, slot) in latest.iter().enumerate() {
        let (Some(j), Some(p)) = (slot, fam.members().get(member)) else {
            continue;
        };
        let m = &rf.measurements[*j];
        let age_days = m
            .measured_on
            .signed_duration_since(p.birth_date())
            .num_days();
        let x = weight_length_input(
            p.sex(),
            age_days,
            m.weight_kg.unwrap_or(f64::NAN),
            m.length_cm.unwrap_or(f64::NAN),
            m.measure,
            m.oedema,
        );
        errors.clear();
        let r = compute_row(&x, tables, true, 0, &mut errors);
        let (zlen, flen, zwei, fwei, zwfl, fwfl) = (r[3], r[4], r[5], r[6], r[7], r[8]);
        let mut any = false;
        let mut tally = |z: f64, f: f64, hit: fn(f64) -> bool, p: &mut Prevalence| {
            if z.is_nan() {
                return;
            }
            any = true;
            if f != 0.0 {
                p.flagged += 1;
            } else {
                p.denominator += 1;
                if hit(z) {
                    p.numerator += 1;
                }
            }
        };
        tally(zlen, flen, |z| z < -2.0, &mut c.stunting);
        tally(zwfl, fwfl, |z| z < -2.0, &mut c.wasting);
        tally(zwei, fwei, |z| z < -2.0, &mut c.underweight);
        tally(zwfl, fwfl, |z| z > 2.0, &mut c.overweight);
        debug_assert_eq!(
            is_stunted(zlen, flen).map(u64::from).unwrap_or(0),
            u64::from(!zlen.is_nan() && flen == 0.0 && zlen < -2.0)
        );
        if any {
            c.children_measured += 1;
        }
    }
    c
}

/// Fixed-size counters of one region (or of the whole file). Serializes
/// with the KRS factors, methods and reasons as named counts
/// (`{"krs_factor": {"air_minum_tidak_layak": 12, …}, "method": {"iud": 3, …}}`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(try_from = "CountersRepr", into = "CountersRepr")]
pub struct Counters {
    /// Families (validated, not duplicated).
    pub families: u64,
    /// *Keluarga sasaran*.
    pub sasaran: u64,
    /// Families with a baduta.
    pub with_baduta: u64,
    /// Families with a balita (24-59 months).
    pub with_balita: u64,
    /// KRS families.
    pub krs: u64,
    /// KRS families per factor ([`KRS_FACTORS`] order; unique per factor).
    pub krs_factor: [u64; 7],
    /// PUS.
    pub pus: u64,
    /// PUS with a pregnant wife.
    pub pus_hamil: u64,
    /// PUS using any method.
    pub users: u64,
    /// PUS using a modern method.
    pub modern_users: u64,
    /// PUS using an MKJP method.
    pub mkjp_users: u64,
    /// Users per method ([`MIX_METHODS`] order).
    pub method: [u64; 13],
    /// Non-users per reason ([`NON_USE_REASONS`] order).
    pub reason: [u64; 4],
    /// Non-users without a reason.
    pub reason_not_stated: u64,
    /// Members under 60 completed months at `as_of`.
    pub children_under5: u64,
    /// Children with a usable measurement under 60 months.
    pub children_measured: u64,
    /// Stunting.
    pub stunting: Prevalence,
    /// Wasting.
    pub wasting: Prevalence,
    /// Underweight.
    pub underweight: Prevalence,
    /// Overweight.
    pub overweight: Prevalence,
}

/// The serialized form of [`Counters`]: named counts instead of arrays.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CountersRepr {
    families: u64,
    sasaran: u64,
    with_baduta: u64,
    with_balita: u64,
    krs: u64,
    krs_factor: Named,
    pus: u64,
    pus_hamil: u64,
    users: u64,
    modern_users: u64,
    mkjp_users: u64,
    method: Named,
    reason: Named,
    reason_not_stated: u64,
    children_under5: u64,
    children_measured: u64,
    stunting: Prevalence,
    wasting: Prevalence,
    underweight: Prevalence,
    overweight: Prevalence,
}

/// Counts by code, in catalogue order.
#[derive(Clone, Debug, Default)]
struct Named(Vec<(String, u64)>);

impl Serialize for Named {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> serde::Deserialize<'de> for Named {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Named, D::Error> {
        let m: BTreeMap<String, u64> = BTreeMap::deserialize(d)?;
        Ok(Named(m.into_iter().collect()))
    }
}

/// `values` named by `names`.
fn named<const N: usize>(names: [&str; N], values: [u64; N]) -> Named {
    Named(
        names
            .iter()
            .zip(values)
            .map(|(k, v)| ((*k).to_owned(), v))
            .collect(),
    )
}

/// The counts of `names` in `n` (every name present, nothing else).
fn counts<const N: usize>(names: [&str; N], n: &Named, what: &str) -> Result<[u64; N], String> {
    let mut out = [0u64; N];
    let mut seen = [false; N];
    for (k, v) in &n.0 {
        let i = names
            .iter()
            .position(|x| x == k)
            .ok_or_else(|| format!("unknown {what} {k:?}"))?;
        out[i] = *v;
        seen[i] = true;
    }
    match names.iter().zip(seen).find(|(_, s)| !s) {
        Some((k, _)) => Err(format!("{what} {k:?} missing")),
        None => Ok(out),
    }
}

/// The codes of the non-use reasons, in [`NON_USE_REASONS`] order.
const REASON_CODES: [&str; 4] = ["hamil", "ingin_anak_segera", "iat", "tial"];

impl From<Counters> for CountersRepr {
    fn from(c: Counters) -> CountersRepr {
        CountersRepr {
            families: c.families,
            sasaran: c.sasaran,
            with_baduta: c.with_baduta,
            with_balita: c.with_balita,
            krs: c.krs,
            krs_factor: named(KRS_FACTORS, c.krs_factor),
            pus: c.pus,
            pus_hamil: c.pus_hamil,
            users: c.users,
            modern_users: c.modern_users,
            mkjp_users: c.mkjp_users,
            method: named(MIX_METHODS.map(Method::as_str), c.method),
            reason: named(REASON_CODES, c.reason),
            reason_not_stated: c.reason_not_stated,
            children_under5: c.children_under5,
            children_measured: c.children_measured,
            stunting: c.stunting,
            wasting: c.wasting,
            underweight: c.underweight,
            overweight: c.overweight,
        }
    }
}

impl TryFrom<CountersRepr> for Counters {
    type Error = String;
    fn try_from(r: CountersRepr) -> Result<Counters, String> {
        Ok(Counters {
            families: r.families,
            sasaran: r.sasaran,
            with_baduta: r.with_baduta,
            with_balita: r.with_balita,
            krs: r.krs,
            krs_factor: counts(KRS_FACTORS, &r.krs_factor, "KRS factor")?,
            pus: r.pus,
            pus_hamil: r.pus_hamil,
            users: r.users,
            modern_users: r.modern_users,
            mkjp_users: r.mkjp_users,
            method: counts(MIX_METHODS.map(Method::as_str), &r.method, "method")?,
            reason: counts(REASON_CODES, &r.reason, "reason")?,
            reason_not_stated: r.reason_not_stated,
            children_under5: r.children_under5,
            children_measured: r.children_measured,
            stunting: r.stunting,
            wasting: r.wasting,
            underweight: r.underweight,
            overweight: r.overweight,
        })
    }
}

impl Counters {
    /// Adds one family.
    pub fn add(&mut self, c: &FamilyContribution) {
        self.families += 1;
        self.sasaran += u64::from(c.sasaran);
        self.with_baduta += u64::from(c.has_baduta);
        self.with_balita += u64::from(c.has_balita);
        if c.krs {
            self.krs += 1;
            for (i, n) in self.krs_factor.iter_mut().enumerate() {
                *n += u64::from(c.factors >> i & 1);
            }
        }
        self.pus += u64::from(c.pus);
        self.pus_hamil += u64::from(c.pus_hamil);
        if let Some((m, reason)) = c.kb {
            if m.is_user() {
                self.users += 1;
                self.modern_users += u64::from(m.is_modern());
                self.mkjp_users += u64::from(m.is_mkjp());
                if let Some(i) = MIX_METHODS.iter().position(|x| *x == m) {
                    self.method[i] += 1;
                }
            } else {
                match reason.and_then(|r| NON_USE_REASONS.iter().position(|x| *x == r)) {
                    Some(i) => self.reason[i] += 1,
                    None => self.reason_not_stated += 1,
                }
            }
        }
        self.children_under5 += u64::from(c.children_under5);
        self.children_measured += u64::from(c.children_measured);
        self.stunting.add(&c.stunting);
        self.wasting.add(&c.wasting);
        self.underweight.add(&c.underweight);
        self.overweight.add(&c.overweight);
    }

    /// Adds another region's counters (sums every count).
    pub fn merge(&mut self, o: &Counters) {
        self.families += o.families;
        self.sasaran += o.sasaran;
        self.with_baduta += o.with_baduta;
        self.with_balita += o.with_balita;
        self.krs += o.krs;
        for (a, b) in self.krs_factor.iter_mut().zip(o.krs_factor) {
            *a += b;
        }
        self.pus += o.pus;
        self.pus_hamil += o.pus_hamil;
        self.users += o.users;
        self.modern_users += o.modern_users;
        self.mkjp_users += o.mkjp_users;
        for (a, b) in self.method.iter_mut().zip(o.method) {
            *a += b;
        }
        for (a, b) in self.reason.iter_mut().zip(o.reason) {
            *a += b;
        }
        self.reason_not_stated += o.reason_not_stated;
        self.children_under5 += o.children_under5;
        self.children_measured += o.children_measured;
        self.stunting.add(&o.stunting);
        self.wasting.add(&o.wasting);
        self.underweight.add(&o.underweight);
        self.overweight.add(&o.overweight);
    }

    /// Every indicator, in report order.
    pub fn indicators(&self) -> Vec<Indicator> {
        let mut v = Vec::with_capacity(40);
        let mut push = |name: &'static str, group: &'static str, num: u64, den: u64| {
            v.push(Indicator {
                indicator: name,
                group,
                estimate: Estimate::census(num, den),
            });
        };
        push("keluarga_sasaran", "krs", self.sasaran, self.families);
        push("krs", "krs", self.krs, self.families);
        push("krs_among_sasaran", "krs", self.krs, self.sasaran);
        for (i, f) in KRS_FACTORS.iter().enumerate() {
            push(f, "krs_factor", self.krs_factor[i], self.krs);
        }
        push("pus", "kb", self.pus, self.families);
        push("cpr", "kb", self.users, self.pus);
        push("mcpr", "kb", self.modern_users, self.pus);
        push("mkjp_share", "kb", self.mkjp_users, self.users);
        push(
            "unmet_need",
            "kb",
            self.reason[2] + self.reason[3],
            self.pus,
        );
        for (i, m) in MIX_METHODS.iter().enumerate() {
            push(m.as_str(), "method_mix", self.method[i], self.users);
        }
        let non_users = self.pus - self.users.min(self.pus);
        for (code, n) in REASON_CODES
            .into_iter()
            .zip(self.reason)
            .chain([("not_stated", self.reason_not_stated)])
        {
            push(code, "not_using_reason", n, non_users);
        }
        for (name, p) in [
            ("stunting", self.stunting),
            ("wasting", self.wasting),
            ("underweight", self.underweight),
            ("overweight", self.overweight),
        ] {
            v.push(Indicator {
                indicator: name,
                group: "growth",
                estimate: Estimate::sample(p.numerator, p.denominator),
            });
        }
        v
    }
}

/// A proportion with its numerator and denominator, as a percentage, and
/// (for sample indicators) its 95 % Wilson score interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Estimate {
    /// Count meeting the indicator.
    pub numerator: u64,
    /// Count in the indicator's population.
    pub denominator: u64,
    /// 100 × numerator / denominator; `None` when the denominator is 0.
    /// With a survey design ([`super::design`]), the weighted estimate.
    pub value: Option<f64>,
    /// Standard error, percent: with a survey design only (Taylor
    /// linearisation); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub se: Option<f64>,
    /// Lower end of the 95 % confidence interval, percent (sample indicators).
    pub ci_low: Option<f64>,
    /// Upper end of the 95 % confidence interval, percent.
    pub ci_high: Option<f64>,
}

impl Estimate {
    /// A register count (complete enumeration): no confidence interval.
    pub fn census(numerator: u64, denominator: u64) -> Estimate {
        #[allow(clippy::cast_precision_loss)]
        let value = (denominator > 0).then(|| 100.0 * numerator as f64 / denominator as f64);
        Estimate {
            numerator,
            denominator,
            value,
            se: None,
            ci_low: None,
            ci_high: None,
        }
    }
    /// A prevalence among measured children: with the 95 % Wilson interval
    /// (unweighted; see [`wilson_95`]).
    pub fn sample(numerator: u64, denominator: u64) -> Estimate {
        let mut e = Estimate::census(numerator, denominator);
        if let Some((lo, hi)) = wilson_95(numerator, denominator) {
            e.ci_low = Some(100.0 * lo);
            e.ci_high = Some(100.0 * hi);
        }
        e
    }
}

/// One named indicator of one region. Serializes as one flat object:
/// `indicator`, `group`, then the fields of [`Estimate`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Indicator {
    /// Stable snake_case name (e.g. `cpr`, `stunting`, `iud`).
    pub indicator: &'static str,
    /// Group: `krs`, `krs_factor`, `kb`, `method_mix`, `not_using_reason`, `growth`.
    pub group: &'static str,
    /// The numbers.
    pub estimate: Estimate,
}

impl Serialize for Indicator {
    /// The object `#[serde(flatten)]` would give, written as a plain
    /// struct (flattening goes through a map, several times slower on the
    /// thousands of rows of a large report).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let e = &self.estimate;
        let mut st = s.serialize_struct("Indicator", 7)?;
        st.serialize_field("indicator", self.indicator)?;
        st.serialize_field("group", self.group)?;
        st.serialize_field("numerator", &e.numerator)?;
        st.serialize_field("denominator", &e.denominator)?;
        st.serialize_field("value", &e.value)?;
        if let Some(se) = e.se {
            st.serialize_field("se", &se)?;
        }
        st.serialize_field("ci_low", &e.ci_low)?;
        st.serialize_field("ci_high", &e.ci_high)?;
        st.end()
    }
}

/// The level of a report row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowLevel {
    /// The whole input.
    Total,
    /// *Provinsi*.
    Provinsi,
    /// *Kabupaten/kota*.
    KabupatenKota,
    /// *Kecamatan*.
    Kecamatan,
    /// *Desa/kelurahan*.
    DesaKelurahan,
}

impl From<Level> for RowLevel {
    fn from(l: Level) -> Self {
        match l {
            Level::Provinsi => RowLevel::Provinsi,
            Level::KabupatenKota => RowLevel::KabupatenKota,
            Level::Kecamatan => RowLevel::Kecamatan,
            Level::DesaKelurahan => RowLevel::DesaKelurahan,
        }
    }
}

/// One row of the report: a region (or the total) with its counters and indicators.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionRow {
    /// Level.
    pub level: RowLevel,
    /// Region code, dotted (`64.72.05.2001`); `None` for the total.
    pub code: Option<String>,
    /// The region's name when a gazetteer gives it (`None` otherwise).
    pub name: Option<String>,
    /// The raw counters.
    pub counts: Counters,
    /// Every indicator with numerator, denominator, value and CI.
    pub indicators: Vec<Indicator>,
}

impl RegionRow {
    /// The indicator named `name`.
    pub fn indicator(&self, name: &str) -> Option<&Estimate> {
        self.indicators
            .iter()
            .find(|i| i.indicator == name)
            .map(|i| &i.estimate)
    }
}

/// Sums contributions by region code; parent levels and the total are
/// computed from the leaves at the end ([`Aggregator::rows`]).
#[derive(Clone, Debug, Default)]
pub struct Aggregator {
    /// Each leaf region's index in `counters`, in code order.
    leaves: BTreeMap<KodeWilayah, usize>,
    counters: Vec<Counters>,
    /// The region added last and its index: registers list a region's
    /// families together, so most families skip the look-up.
    last: Option<(KodeWilayah, usize)>,
    /// The measured children with their survey design.
    design: super::design::Sample,
    /// The month's SKDN by region (nothing without a month).
    pub(crate) skdn: super::skdn::SkdnAggregator,
}

impl Aggregator {
    /// An empty aggregator.
    pub fn new() -> Aggregator {
        Aggregator::default()
    }

    /// The counters of leaf `region`, new when it is not there yet.
    fn leaf(&mut self, region: KodeWilayah) -> &mut Counters {
        let i = match self.last {
            Some((r, i)) if r == region => i,
            _ => {
                let next = self.counters.len();
                let i = *self.leaves.entry(region).or_insert(next);
                if i == next {
                    self.counters.push(Counters::default());
                }
                self.last = Some((region, i));
                i
            }
        };
        // `i` is an index handed out above, so always in range; the
        // fallback only keeps this free of panics.
        if i >= self.counters.len() {
            self.counters.resize(i + 1, Counters::default());
        }
        &mut self.counters[i]
    }

    /// The leaves in code order.
    fn each_leaf(&self) -> impl Iterator<Item = (&KodeWilayah, &Counters)> {
        self.leaves
            .iter()
            .filter_map(|(k, i)| Some((k, self.counters.get(*i)?)))
    }

    /// Adds one family's contribution.
    pub fn add(&mut self, c: &FamilyContribution) {
        self.leaf(c.region).add(c);
        if let Some(d) = &c.design {
            self.design.push(c, d);
        }
        self.skdn.add(c.region, &c.skdn);
    }

    /// Adds everything of `other` (e.g. another thread's share).
    pub fn merge(&mut self, other: &Aggregator) {
        for (k, v) in other.each_leaf() {
            self.leaf(*k).merge(v);
        }
        self.design.append(&other.design);
        self.skdn.merge(&other.skdn);
    }

    /// Number of families added.
    pub fn families(&self) -> u64 {
        self.counters.iter().map(|c| c.families).sum()
    }

    /// [`Aggregator::rows`], the growth prevalences estimated with the
    /// survey design `design` when there is one ([`super::design`]).
    pub fn rows_with(
        &self,
        design: Option<&super::ReportDesign>,
    ) -> (Vec<RegionRow>, Option<super::DesignSummary>) {
        let mut rows = self.rows();
        let summary = design.map(|d| super::design::apply(d, &self.design, &mut rows));
        (rows, summary)
    }

    /// Rows for the total and for every region at every level present, in
    /// code order (parents before their children).
    pub fn rows(&self) -> Vec<RegionRow> {
        let mut all: BTreeMap<KodeWilayah, Counters> = BTreeMap::new();
        let mut total = Counters::default();
        for (code, c) in self.each_leaf() {
            total.merge(c);
            let mut k = Some(*code);
            while let Some(code) = k {
                all.entry(code).or_default().merge(c);
                k = code.parent();
            }
        }
        let mut rows = vec![RegionRow {
            level: RowLevel::Total,
            code: None,
            name: None,
            indicators: total.indicators(),
            counts: total,
        }];
        // BTreeMap order on KodeWilayah is by digits then length: sort by
        // the plain code so that a parent precedes its children.
        let mut keyed: Vec<(String, KodeWilayah, Counters)> = all
            .into_iter()
            .map(|(k, c)| (k.as_plain().to_owned(), k, c))
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, k, c) in keyed {
            rows.push(RegionRow {
                level: k.level().into(),
                code: Some(k.to_string()),
                name: region_name(&k),
                indicators: c.indicators(),
                counts: c,
            });
        }
        rows
    }
}

/// The name of `code` in the bundled gazetteer (Kepmendagri
/// 300.2.2-2138/2025; feature `gazetteer`), `None` when the code is not in
/// it or the feature is off.
#[cfg(feature = "gazetteer")]
pub(crate) fn region_name(code: &KodeWilayah) -> Option<String> {
    code.name().map(str::to_owned)
}

/// Without the bundled gazetteer, no names.
#[cfg(not(feature = "gazetteer"))]
pub(crate) fn region_name(_: &KodeWilayah) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written serialization is the flattened one, byte for byte.
    #[test]
    fn indicator_serializes_as_flattened() {
        #[derive(Serialize)]
        struct Flat {
            indicator: &'static str,
            group: &'static str,
            #[serde(flatten)]
            estimate: Estimate,
        }
        for estimate in [
            Estimate::census(3, 7),
            Estimate::census(0, 0),
            Estimate::sample(12, 40),
        ] {
            let i = Indicator {
                indicator: "stunting",
                group: "growth",
                estimate,
            };
            let flat = Flat {
                indicator: "stunting",
                group: "growth",
                estimate,
            };
            assert_eq!(
                serde_json::to_string_pretty(&i).ok(),
                serde_json::to_string_pretty(&flat).ok()
            );
        }
    }

    /// Counts serialize as named objects and read back exactly; an
    /// unknown or missing code is refused.
    #[test]
    fn counters_are_named_and_round_trip() {
        let mut c = Counters::default();
        c.krs_factor[0] = 3;
        c.method[5] = 7;
        c.reason[2] = 2;
        c.stunting.numerator = 1;
        let v = serde_json::to_value(c).expect("json");
        assert_eq!(v["krs_factor"]["air_minum_tidak_layak"], 3);
        assert_eq!(v["method"]["injectable_3_month"], 7);
        assert_eq!(v["reason"]["iat"], 2);
        assert_eq!(serde_json::from_value::<Counters>(v.clone()).ok(), Some(c));
        let mut bad = v.clone();
        bad["method"]["pil"] = serde_json::json!(1);
        assert!(serde_json::from_value::<Counters>(bad).is_err());
        let mut short = v;
        short["reason"]
            .as_object_mut()
            .expect("object")
            .remove("tial");
        assert!(serde_json::from_value::<Counters>(short).is_err());
    }

    #[test]
    fn mix_methods_are_the_catalogue_without_none() {
        assert_eq!(ALL_METHODS.last(), Some(&Method::None));
        assert!(!MIX_METHODS.contains(&Method::None));
        assert_eq!(MIX_METHODS[..], ALL_METHODS[..13]);
    }

    #[test]
    fn parents_sum_leaves_and_never_average() {
        let code = |s: &str| KodeWilayah::parse(s).expect("code");
        let mut base = FamilyContribution {
            region: code("64.72.05.2001"),
            sasaran: true,
            krs: true,
            factors: 0b11,
            has_baduta: false,
            has_balita: false,
            children_under5: 0,
            pus: true,
            pus_hamil: false,
            kb: Some((Method::Iud, None)),
            children_measured: 0,
            stunting: Prevalence::default(),
            wasting: Prevalence::default(),
            underweight: Prevalence::default(),
            overweight: Prevalence::default(),
            design: None,
            skdn: crate::report::skdn::FamilySkdn::default(),
        };
        let mut a = Aggregator::new();
        a.add(&base);
        base.region = code("64.72.05.2002");
        base.kb = Some((Method::None, Some(NonUseReason::Iat)));
        base.krs = false;
        for _ in 0..3 {
            a.add(&base);
        }
        let rows = a.rows();
        assert_eq!(rows[0].level, RowLevel::Total);
        let cpr = rows[0].indicator("cpr").expect("cpr");
        assert_eq!((cpr.numerator, cpr.denominator), (1, 4));
        assert_eq!(cpr.value, Some(25.0)); // not (100 + 0) / 2
        let levels: Vec<_> = rows.iter().map(|r| r.level).collect();
        assert_eq!(
            levels,
            vec![
                RowLevel::Total,
                RowLevel::Provinsi,
                RowLevel::KabupatenKota,
                RowLevel::Kecamatan,
                RowLevel::DesaKelurahan,
                RowLevel::DesaKelurahan
            ]
        );
        let water = rows[0].indicator("air_minum_tidak_layak").expect("f");
        assert_eq!((water.numerator, water.denominator), (1, 1));
        let mkjp = rows[5].indicator("mkjp_share").expect("mkjp");
        assert_eq!(mkjp.value, None); // no users: undefined, not 0 (D-22)
        let unmet = rows[5].indicator("unmet_need").expect("unmet");
        assert_eq!(unmet.value, Some(100.0));
    }
}
