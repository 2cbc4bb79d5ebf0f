//! A survey design for the village report's child prevalences (issue 11
//! point 6): when a register is a sample (a survey of families with
//! sampling weights, clusters and strata) rather than a census, the
//! stunting, wasting, underweight and overweight prevalences are estimated
//! with the design-based engine [`crate::survey`], as R's `survey` package
//! does (`shared/design/SURVEY.md`); without a design they keep the 95 %
//! Wilson interval of a register treated as a census ([`super::wilson`]).
//!
//! * [`ReportDesign`] names the **family-level** fields that hold the
//!   design: a top-level key of a JSON Lines family object, or a column of
//!   the families table (CSV, DataFrame, Arrow). Weights alone are allowed.
//!   Every child of a family takes the family's weight, cluster and stratum.
//! * A family whose design value is missing or bad is excluded like any
//!   invalid family, with a structured problem naming the field
//!   (`report_weight_missing`, `report_weight_invalid`,
//!   `report_cluster_missing`, `report_stratum_missing`, `invalid_type`);
//!   it is never weighted 1 silently. A weight of 0 is accepted, as R does
//!   (the family stays in the design and out of every estimate).
//! * The design's records are the children under five of the included
//!   families ([`super::Counters::children_under5`], and every measured
//!   child); a child whose z-score for an indicator is missing or flagged
//!   (or who was not measured) is outside that indicator's domain (R's
//!   `na.rm = TRUE`) but keeps its PSU in the design, as anthro keeps a row
//!   with a missing z-score. Without a cluster field every
//!   child is its own PSU (R `ids = ~1`); without strata there is one
//!   stratum; without weights every weight is 1.
//! * Each region (and the total) is a **domain of the whole design**, as
//!   R's `subset()` / `svyby()` estimate it: standard errors use every PSU
//!   and stratum of the register, and the design degrees of freedom are
//!   those of the whole design (PSUs − strata).
//! * Estimate: `Σ w y / Σ w`; standard error: Taylor linearisation, first
//!   stage with replacement, lonely PSU `adjust` by default (what WHO
//!   anthro sets); interval: the 95 % **logit** interval of R's
//!   `svyciprop(method = "logit", df = degf(design))` — the interval WHO
//!   anthro's `anthro_prevalence` reports for every prevalence, which stays
//!   inside [0, 1] where a Wald interval would not ([`crate::survey::Estimate::logit`]).
//!   A proportion of exactly 0 or 1 has the interval `[p, p]`; with
//!   `df < 1` (a single PSU per stratum everywhere) there is no interval.
//! * A design that cannot be built (a PSU in two strata without `nest`, a
//!   lonely PSU under `fail`, no child under five) leaves the four
//!   prevalences without value, SE or interval, and the report says why
//!   ([`DesignSummary::error`]), as R's `svydesign` would fail.

use super::aggregate::Prevalence;
use super::{FamilyContribution, RegionRow};
use crate::error::{ErrorCode, FieldError, FieldPath, PathSegment};
use crate::register::Cell;
use crate::survey::{self, Design, DesignOptions, Domain, LonelyPsu, Statistic};
use crate::{KodeWilayah, Locale};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The growth indicators estimated with the design, in [`FamilyContribution`] order.
pub const DESIGN_INDICATORS: [&str; 4] = ["stunting", "wasting", "underweight", "overweight"];

/// The family-level fields of a register holding its survey design (see
/// the module documentation). All optional; at least one must be named for
/// the report to use a design ([`super::ReportOptions::with_design`]).
///
/// ```
/// use kampung_core::report::{ReportDesign, ReportOptions};
/// let design = ReportDesign::new().with_weights("w").with_cluster("ea").with_strata("stratum");
/// let opts = ReportOptions::new(chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap())
///     .with_design(design);
/// assert_eq!(opts.design.as_ref().and_then(|d| d.cluster.as_deref()), Some("ea"));
/// ```
#[doc(alias = "desain survei")]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ReportDesign {
    /// The field holding the family's sampling weight (`None`: weight 1).
    pub weights: Option<String>,
    /// The field holding the family's cluster (PSU) id (`None`: each child
    /// its own PSU).
    pub cluster: Option<String>,
    /// The field holding the family's stratum id (`None`: one stratum).
    pub strata: Option<String>,
    /// Cluster ids are unique only within a stratum (R `nest = TRUE`).
    /// Without it a cluster id found in two strata is `survey_psu_not_nested`.
    pub nest: bool,
    /// Strata with a single PSU (R `survey.lonely.psu`; default `adjust`).
    #[serde(with = "lonely")]
    pub lonely_psu: LonelyPsu,
}

mod lonely {
    use crate::survey::LonelyPsu;
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(l: &LonelyPsu, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(l.as_str())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<LonelyPsu, D::Error> {
        let s = String::deserialize(d)?;
        LonelyPsu::parse(&s).map_err(|_| serde::de::Error::custom("unknown lonely_psu"))
    }
}

impl ReportDesign {
    /// No field named (no design).
    pub fn new() -> ReportDesign {
        ReportDesign::default()
    }
    /// Sampling weights in field `field`.
    pub fn with_weights(mut self, field: impl Into<String>) -> Self {
        self.weights = Some(field.into());
        self
    }
    /// Cluster (PSU) ids in field `field`.
    pub fn with_cluster(mut self, field: impl Into<String>) -> Self {
        self.cluster = Some(field.into());
        self
    }
    /// Stratum ids in field `field`.
    pub fn with_strata(mut self, field: impl Into<String>) -> Self {
        self.strata = Some(field.into());
        self
    }
    /// Sets [`ReportDesign::nest`].
    pub fn with_nest(mut self, nest: bool) -> Self {
        self.nest = nest;
        self
    }
    /// Sets [`ReportDesign::lonely_psu`].
    pub fn with_lonely_psu(mut self, lonely_psu: LonelyPsu) -> Self {
        self.lonely_psu = lonely_psu;
        self
    }
    /// The design of fields named by a command line or a keyword call
    /// (`None`: not given); `lonely_psu` is R's option name.
    ///
    /// # Errors
    /// `invalid_code` (path `lonely_psu`) for an unknown option name.
    pub fn from_fields(
        weights: Option<&str>,
        cluster: Option<&str>,
        strata: Option<&str>,
        nest: bool,
        lonely_psu: Option<&str>,
    ) -> Result<ReportDesign, FieldError> {
        Ok(ReportDesign {
            weights: weights.map(str::to_owned),
            cluster: cluster.map(str::to_owned),
            strata: strata.map(str::to_owned),
            nest,
            lonely_psu: lonely_psu.map_or(Ok(LonelyPsu::Adjust), LonelyPsu::parse)?,
        })
    }

    /// True when no field is named.
    pub fn is_empty(&self) -> bool {
        self.weights.is_none() && self.cluster.is_none() && self.strata.is_none()
    }

    /// Reads a family's design from its fields (`cell(name)`; blank text is
    /// missing).
    ///
    /// # Errors
    /// One problem per bad field, its path the field's name.
    pub fn read<'c>(
        &self,
        cell: impl Fn(&str) -> Cell<'c>,
    ) -> Result<FamilyDesign, Vec<FieldError>> {
        let mut errors = Vec::new();
        let at = |name: &str, code: ErrorCode| {
            let mut p = FieldPath::root();
            p.push(PathSegment::Key(name.to_owned()));
            FieldError::new(code).with_path(p)
        };
        let weight = match &self.weights {
            None => Some(1.0),
            Some(name) => {
                #[allow(clippy::cast_precision_loss)]
                let w = match cell(name).blank_missing() {
                    Cell::Missing => {
                        errors.push(at(name, ErrorCode::ReportWeightMissing));
                        None
                    }
                    Cell::UInt(u) => Some(u as f64),
                    Cell::Int(i) => Some(i as f64),
                    Cell::Float(x) => Some(x),
                    Cell::Text(s) => Some(crate::input::decimal_text(s).unwrap_or(f64::NAN)),
                    Cell::Bool(_) | Cell::Other(_) => Some(f64::NAN),
                };
                match w {
                    Some(x) if x >= 0.0 && x.is_finite() => Some(x),
                    Some(_) => {
                        errors.push(at(name, ErrorCode::ReportWeightInvalid));
                        None
                    }
                    None => None,
                }
            }
        };
        let mut id = |field: &Option<String>, missing: ErrorCode| -> Option<String> {
            let name = field.as_deref()?;
            let text = match cell(name).blank_missing() {
                Cell::Missing => None,
                Cell::Text(s) => Some(crate::input::trim(s).to_owned()),
                Cell::UInt(u) => Some(u.to_string()),
                Cell::Int(i) => Some(i.to_string()),
                // A whole float (a pandas column with a gap) is its integer.
                Cell::Float(x) if x.fract() == 0.0 && x.abs() < 9.0e15 =>
                {
                    #[allow(clippy::cast_possible_truncation)]
                    Some((x as i64).to_string())
                }
                Cell::Float(x) => Some(x.to_string()),
                c @ (Cell::Bool(_) | Cell::Other(_)) => {
                    errors.push(
                        at(name, ErrorCode::InvalidType)
                            .with_param("expected", "string")
                            .with_param("received", c.type_name()),
                    );
                    return None;
                }
            };
            if text.is_none() {
                errors.push(at(name, missing));
            }
            text
        };
        let cluster = id(&self.cluster, ErrorCode::ReportClusterMissing);
        let stratum = id(&self.strata, ErrorCode::ReportStratumMissing);
        match weight {
            Some(weight) if errors.is_empty() => Ok(FamilyDesign {
                weight,
                cluster,
                stratum,
            }),
            _ => Err(errors),
        }
    }
}

/// One family's design: its weight (1 without a weights field), cluster
/// and stratum ids (as text; whole numbers as their digits).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyDesign {
    /// Sampling weight, finite and ≥ 0 (stored as exact text in a state).
    #[serde(with = "exact")]
    pub weight: f64,
    /// Cluster (PSU) id.
    pub cluster: Option<String>,
    /// Stratum id.
    pub stratum: Option<String>,
}

/// A weight written as the shortest text that reads back to the same
/// `f64` (a [`super::ReportState`] stays exact whatever the JSON reader's
/// float parsing); a weight that is not finite and ≥ 0 is refused.
mod exact {
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(w: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{w:?}"))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        let s = String::deserialize(d)?;
        match s.parse::<f64>() {
            Ok(w) if w >= 0.0 && w.is_finite() => Ok(w),
            _ => Err(serde::de::Error::custom("invalid weight")),
        }
    }
}

/// The children under five of the included families with their design,
/// in family order (one record per child; an [`super::Aggregator`] keeps
/// it). A child without a usable measurement is a record with missing
/// values, so its cluster stays in the design (SURVEY.md: `n_h` counts all
/// PSUs of the design; anthro keeps rows with a missing z-score).
///
/// A family's children share its weight, cluster, stratum and region, so
/// a family with `n` children of whom `d` have a usable z-score
/// for an indicator and `x` are below the cut-off gives `n` records with
/// `x` ones, `d − x` zeros and `n − d` missing values for that indicator:
/// for every indicator, the very records (weight, PSU, stratum, domain,
/// value) of the children, so every estimate is that of the children.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sample {
    region: Vec<KodeWilayah>,
    weight: Vec<f64>,
    cluster: Vec<u32>,
    stratum: Vec<u32>,
    y: [Vec<f64>; 4],
    clusters: HashMap<String, u32>,
    strata: HashMap<String, u32>,
}

/// More measured children than this in one family can only come from a
/// corrupted state; the records are capped there.
const MAX_CHILDREN: u64 = 1 << 16;

impl Sample {
    fn intern(map: &mut HashMap<String, u32>, id: Option<&str>) -> u32 {
        let Some(id) = id else { return 0 };
        if let Some(k) = map.get(id) {
            return *k;
        }
        let k = u32::try_from(map.len()).unwrap_or(u32::MAX);
        map.insert(id.to_owned(), k);
        k
    }

    /// Adds the children of one included family.
    pub(crate) fn push(&mut self, c: &FamilyContribution, d: &FamilyDesign) {
        let growth: [&Prevalence; 4] = [&c.stunting, &c.wasting, &c.underweight, &c.overweight];
        let n = growth
            .iter()
            .map(|p| p.denominator)
            .fold(
                u64::from(c.children_measured.max(c.children_under5)),
                u64::max,
            )
            .min(MAX_CHILDREN);
        let cluster = Self::intern(&mut self.clusters, d.cluster.as_deref());
        let stratum = Self::intern(&mut self.strata, d.stratum.as_deref());
        for j in 0..n {
            self.region.push(c.region);
            self.weight.push(d.weight);
            self.cluster.push(cluster);
            self.stratum.push(stratum);
            for (y, p) in self.y.iter_mut().zip(growth) {
                y.push(if j < p.numerator.min(p.denominator) {
                    1.0
                } else if j < p.denominator {
                    0.0
                } else {
                    f64::NAN
                });
            }
        }
    }

    /// Adds `other`'s records after these.
    pub(crate) fn append(&mut self, other: &Sample) {
        let remap = |mine: &mut HashMap<String, u32>, theirs: &HashMap<String, u32>| {
            let mut by_code = vec![0u32; theirs.len()];
            for (id, k) in theirs {
                if let Some(slot) = by_code.get_mut(*k as usize) {
                    *slot = Self::intern(mine, Some(id));
                }
            }
            by_code
        };
        let clusters = remap(&mut self.clusters, &other.clusters);
        let strata = remap(&mut self.strata, &other.strata);
        self.region.extend_from_slice(&other.region);
        self.weight.extend_from_slice(&other.weight);
        let map = |v: &[u32], by: &[u32]| -> Vec<u32> {
            v.iter()
                .map(|k| by.get(*k as usize).copied().unwrap_or(0))
                .collect()
        };
        self.cluster.extend(map(&other.cluster, &clusters));
        self.stratum.extend(map(&other.stratum, &strata));
        for (a, b) in self.y.iter_mut().zip(&other.y) {
            a.extend_from_slice(b);
        }
    }
}

/// How the design went, for the report and its renderers.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct DesignSummary {
    /// The design's fields and options.
    pub design: ReportDesign,
    /// Children in the design (its records): under five, measured or not.
    pub records: u64,
    /// PSUs and strata of the design, and its degrees of freedom (PSUs −
    /// strata, R's `degf`); `None` when the design could not be built.
    pub psus: Option<u64>,
    /// Strata of the design.
    pub strata: Option<u64>,
    /// Design degrees of freedom.
    pub df: Option<i64>,
    /// Why the design could not be built (the four prevalences then have no
    /// value, SE or interval).
    pub error: Option<FieldError>,
}

/// Estimates the four growth prevalences of every row with the design
/// (see the module documentation) and replaces their census estimates.
pub(crate) fn apply(spec: &ReportDesign, sample: &Sample, rows: &mut [RegionRow]) -> DesignSummary {
    let n = sample.weight.len();
    let mut summary = DesignSummary {
        design: spec.clone(),
        records: n as u64,
        psus: None,
        strata: None,
        df: None,
        error: None,
    };
    let field = |name: &Option<String>, e: FieldError| match name {
        Some(f) => e.with_outer(PathSegment::Key(f.clone())),
        None => e,
    };
    let mut builder = Design::builder(n).options(
        DesignOptions::new()
            .with_nest(spec.nest)
            .with_lonely_psu(spec.lonely_psu),
    );
    if spec.weights.is_some() {
        builder = builder.weights(&sample.weight);
    }
    if spec.cluster.is_some() {
        builder = builder.psu(&sample.cluster);
    }
    if spec.strata.is_some() {
        builder = builder.strata(&sample.stratum);
    }
    let built = builder.build().map_err(|e| {
        // The first problem, on the design's field (a child's position
        // means nothing to the reader of a report).
        let first = match e {
            crate::Error::Validation(v) => v.into_vec().into_iter().next(),
            _ => None,
        }
        .unwrap_or_else(|| FieldError::new(ErrorCode::SurveyEmpty));
        let code = first.code();
        let plain = FieldError::new(code);
        match code {
            ErrorCode::SurveyPsuNotNested => field(&spec.cluster, plain),
            ErrorCode::SurveyLonelyPsu => field(&spec.strata, plain),
            _ => plain,
        }
    });
    let est = built.and_then(|design| {
        summary.psus = Some(design.n_psu() as u64);
        summary.strata = Some(design.n_strata() as u64);
        summary.df = Some(design.df());
        let (domains, place) = domains(sample, rows);
        let stats = sample.y.each_ref().map(|y| Statistic::Proportion(y));
        let doms: Vec<Domain<'_>> = std::iter::once(Domain::All)
            .chain(domains.iter().map(|(codes, levels)| Domain::Groups {
                codes,
                levels: *levels,
            }))
            .collect();
        survey::estimate(&design, &stats, &doms)
            .map(|e| (e, place))
            .map_err(|_| FieldError::new(ErrorCode::SurveyEmpty))
    });
    let (est, place) = match est {
        Ok(x) => x,
        Err(e) => {
            summary.error = Some(e);
            for row in rows.iter_mut() {
                for ind in &mut row.indicators {
                    if DESIGN_INDICATORS.contains(&ind.indicator) {
                        let e = &mut ind.estimate;
                        (e.value, e.se, e.ci_low, e.ci_high) = (None, None, None, None);
                    }
                }
            }
            return summary;
        }
    };
    for (row, at) in rows.iter_mut().zip(place) {
        for ind in &mut row.indicators {
            let Some(s) = DESIGN_INDICATORS.iter().position(|n| *n == ind.indicator) else {
                continue;
            };
            let got = at.and_then(|(d, l)| est.get(s, d, l));
            let e = &mut ind.estimate;
            let pct = |x: f64| x.is_finite().then_some(100.0 * x);
            let ci = got.map(|g| g.logit(0.95));
            e.value = got.and_then(|g| pct(g.estimate));
            e.se = got.and_then(|g| if e.value.is_some() { pct(g.se) } else { None });
            e.ci_low = ci.and_then(|c| pct(c.low));
            e.ci_high = ci.and_then(|c| pct(c.high));
        }
    }
    summary
}

/// Per level domain: each record's group code, and the number of groups.
type GroupCodes = Vec<(Vec<u32>, u32)>;

/// The domains of the rows: one `Groups` domain per level present (the
/// `All` domain is the total), and each row's (domain, level) in the
/// estimates (domain 0 is `All`; `None` for a code that does not parse,
/// which rows never hold).
fn domains(sample: &Sample, rows: &[RegionRow]) -> (GroupCodes, Vec<Option<(usize, usize)>>) {
    // Domain of each row level (1-based after `All`) and each row's place.
    let mut level_domain: HashMap<super::RowLevel, usize> = HashMap::new();
    let mut sizes: Vec<u32> = Vec::new();
    let mut place = Vec::with_capacity(rows.len());
    let mut by_code: HashMap<KodeWilayah, (usize, u32)> = HashMap::new();
    for row in rows {
        let Some(code) = row.code.as_deref() else {
            place.push(Some((0, 0)));
            continue;
        };
        let Ok(code) = KodeWilayah::parse(code) else {
            place.push(None);
            continue;
        };
        let next = level_domain.len();
        let d = *level_domain.entry(row.level).or_insert(next);
        if sizes.len() <= d {
            sizes.resize(d + 1, 0);
        }
        let l = sizes[d];
        sizes[d] += 1;
        by_code.insert(code, (d, l));
        place.push(Some((d + 1, l as usize)));
    }
    let mut codes: Vec<Vec<u32>> = vec![vec![Domain::NO_GROUP; sample.region.len()]; sizes.len()];
    let mut last: Option<(KodeWilayah, Vec<(usize, u32)>)> = None;
    for (i, r) in sample.region.iter().enumerate() {
        if last.as_ref().is_none_or(|(k, _)| k != r) {
            let mut chain = Vec::new();
            let mut k = Some(*r);
            while let Some(code) = k {
                chain.extend(by_code.get(&code).copied());
                k = code.parent();
            }
            last = Some((*r, chain));
        }
        for (d, l) in last.iter().flat_map(|(_, c)| c) {
            if let Some(slot) = codes.get_mut(*d).and_then(|c| c.get_mut(i)) {
                *slot = *l;
            }
        }
    }
    (codes.into_iter().zip(sizes).collect(), place)
}

impl DesignSummary {
    /// The method line printed with the figures (text and HTML).
    pub fn note(&self, lang: Locale) -> String {
        let d = &self.design;
        let t = |id: &'static str, en: &'static str| match lang {
            Locale::Id => id,
            Locale::En => en,
        };
        let or = |f: &Option<String>, none: &str| f.clone().unwrap_or_else(|| none.to_owned());
        let mut s =
            format!(
            "{} {}, {} {}, {} {}; {} {}, {} {}, {} {}, df = {}. {} {}",
            t(
                "Prevalensi stunting, wasting, underweight dan overweight: desain survei — bobot",
                "Stunting, wasting, underweight and overweight prevalence: survey design — weights",
            ),
            or(&d.weights, t("tidak ada (1)", "none (1)")),
            t("klaster", "clusters"),
            or(&d.cluster, t("tidak ada (setiap anak satu PSU)", "none (each child a PSU)")),
            t("strata", "strata"),
            or(&d.strata, t("tidak ada", "none")),
            self.records,
            t("anak", "children"),
            self.psus.map_or("–".into(), |x| x.to_string()),
            "PSU",
            self.strata.map_or("–".into(), |x| x.to_string()),
            t("strata", "strata"),
            self.df.map_or("–".into(), |x| x.to_string()),
            t(
                "Galat baku: linearisasi Taylor (tahap pertama, dengan pengembalian; PSU tunggal:",
                "Standard errors: Taylor linearisation (first stage, with replacement; lonely PSU:",
            ),
            d.lonely_psu.as_str(),
        );
        s.push_str(t(
            "); CI: interval logit 95% dengan t Student pada df desain (R svyciprop, method = \"logit\"); setiap wilayah adalah domain dari seluruh desain. Indikator lain adalah hitungan register (sensus).",
            "); CI: 95% logit interval with Student t on the design df (R svyciprop, method = \"logit\"); every region is a domain of the whole design. Other indicators are register counts (a census).",
        ));
        if let Some(e) = &self.error {
            s.push_str(&format!(
                " {}: {} [{}{}].",
                t(
                    "Desain tidak dapat dipakai, prevalensi tanpa estimasi",
                    "The design cannot be used; prevalence not estimated"
                ),
                e.message(lang),
                e.code(),
                if e.path().segments().is_empty() {
                    String::new()
                } else {
                    format!(" {}", e.path())
                },
            ));
        } else if self.df.is_some_and(|df| df < 1) {
            s.push_str(t(
                " df < 1: tanpa interval kepercayaan.",
                " df < 1: no confidence intervals.",
            ));
        }
        s
    }

    /// The `design` object of the JSON document.
    pub fn to_json(&self, lang: Locale) -> serde_json::Value {
        let d = &self.design;
        serde_json::json!({
            "weights": d.weights,
            "cluster": d.cluster,
            "strata": d.strata,
            "nest": d.nest,
            "lonely_psu": d.lonely_psu.as_str(),
            "indicators": DESIGN_INDICATORS,
            "variance": "taylor_linearisation",
            "interval": "logit_t_95",
            "records": self.records,
            "psus": self.psus,
            "strata_count": self.strata,
            "df": self.df,
            "error": self.error.as_ref().map(|e| serde_json::json!({
                "field": e.path().to_string(),
                "code": e.code().as_str(),
                "message": e.message(lang),
            })),
            "note": self.note(lang),
        })
    }
}
