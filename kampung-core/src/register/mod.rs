//! A family register (*register keluarga*): one record per family with its
//! members, housing (water, latrine), the KB status of its PUS and the
//! measurements of its children, as a village or a kecamatan keeps it.
//!
//! The wire format (one JSON object per line of a JSON Lines file, or one
//! family assembled from the CSV files of `examples/REGISTER.md`):
//!
//! ```text
//! { "no_kk": "6472052301150007", "region_code": "64.72.05.2001",
//!   "members": [ {name, nik?, sex, birth_date, relationship, marital_status}, … ],   // as Family::from_value
//!   "housing": { "water_source": "ledeng", "latrine": "sendiri", "septic_tank": true }, // as evaluate_krs_json
//!   "wife_pregnant": false,                                   // optional, default false
//!   "kb": { "method": "implant", "reason_not_using": null },  // required when the family is PUS
//!   "measurements": [ { "nik": "…" | "member": 2, "measured_on": "2025-05-14",
//!                       "weight_kg": 9.4, "length_cm": 74.1, "measure": "l", "oedema": false }, … ] }
//! ```
//!
//! [`RegisterFamily::from_value`] validates one record with the foundation's
//! error model. A problem with the family itself (identifiers, members,
//! housing, KB status) excludes the whole family; a problem with one
//! measurement (date before birth or after `as_of`, unknown member,
//! non-positive value) excludes only that measurement. Both are reported
//! with their paths, never dropped silently.
//!
//! [`DuplicateGuard`] detects a Nomor KK or NIK seen in an earlier family
//! of the same register in 16 bytes per identifier.

use crate::error::{ErrorCode, FieldError, FieldPath, PathSegment, ValidationErrors};

pub mod entities;
pub mod typed;
use crate::family::{Family, FamilyOptions};
use crate::growth::child::Measure;
use crate::input::{parse_date, Fields};
use crate::kb::method::{Method, NonUseReason};
use crate::kb::pus::{age_years, is_pus, wife};
use crate::kb::read::{opt_bool, opt_code, opt_number};
use crate::risk::krs::{read_housing, Housing, KrsRuleSet};
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// Options for reading a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegisterOptions {
    /// The reference date (ages, PUS, baduta/balita; no date may be after it).
    pub as_of: NaiveDate,
    /// The KRS rule set (default: [`KrsRuleSet::default`], DOMAIN.md §1.4).
    pub krs_rules: KrsRuleSet,
}

impl RegisterOptions {
    /// Defaults with reference date `as_of`.
    pub fn new(as_of: NaiveDate) -> RegisterOptions {
        RegisterOptions {
            as_of,
            krs_rules: KrsRuleSet::default(),
        }
    }
}

/// The KB status of the family's PUS (DOMAIN.md §2.2-§2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KbStatus {
    /// Current method ([`Method::None`] for non-users).
    pub method: Method,
    /// Reason for not using KB (non-users only).
    pub reason: Option<NonUseReason>,
}

/// One validated measurement of one member.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measurement {
    /// Index of the measured member in [`Family::members`].
    pub member: usize,
    /// Date of the measurement (not before birth, not after `as_of`).
    pub measured_on: NaiveDate,
    /// Weight, kg (> 0).
    pub weight_kg: Option<f64>,
    /// Length or height, cm (> 0).
    pub length_cm: Option<f64>,
    /// Lying or standing, when recorded.
    pub measure: Option<Measure>,
    /// Bilateral pitting oedema.
    pub oedema: bool,
}

/// One validated register record.
#[derive(Clone, Debug, PartialEq)]
pub struct RegisterFamily {
    /// The family (Nomor KK, region, members).
    pub family: Family,
    /// Housing, water and latrine.
    pub housing: Housing,
    /// The wife is pregnant (or the KB reason is `hamil`).
    pub wife_pregnant: bool,
    /// KB status, present for every PUS family (may be present for others).
    pub kb: Option<KbStatus>,
    /// The measurements that validated (see [`RegisterRead::errors`] for the others).
    pub measurements: Vec<Measurement>,
}

/// The outcome of reading one record: a family with the problems of the
/// measurements it lost, or no family and every problem that excluded it.
#[derive(Clone, Debug, PartialEq)]
pub struct RegisterRead {
    /// The family, when it validated.
    pub family: Option<RegisterFamily>,
    /// When `family` is `None`: why it was excluded. Otherwise: one entry
    /// per excluded measurement (paths `measurements[i]…`).
    pub errors: Vec<FieldError>,
    /// Number of measurements excluded (counted once each).
    pub measurements_excluded: u32,
}

fn idx(i: usize) -> PathSegment {
    PathSegment::Index(u32::try_from(i).unwrap_or(u32::MAX))
}

fn read_kb(v: &Value, errors: &mut ValidationErrors) -> Option<KbStatus> {
    let f = Fields::of(v, errors);
    let method = opt_code(&f, "method", Method::parse, errors);
    if f.get("method").is_none() && v.is_object() {
        errors.push(FieldError::at("method", ErrorCode::Required));
    }
    let reason = opt_code(&f, "reason_not_using", NonUseReason::parse, errors);
    kb_from_parts(method, reason, errors)
}

/// The KB status from its read fields: a method, and a reason only for non-users.
fn kb_from_parts(
    method: Option<Method>,
    reason: Option<NonUseReason>,
    errors: &mut ValidationErrors,
) -> Option<KbStatus> {
    let method = method?;
    if method.is_user() && reason.is_some() {
        errors.push(FieldError::at(
            "reason_not_using",
            ErrorCode::KbReasonWithMethod,
        ));
        return None;
    }
    Some(KbStatus { method, reason })
}

/// Bilateral pitting oedema: a yes/no cell (JSON boolean, `1`/`0`,
/// `ya`/`tidak`, `y`/`n`, `true`/`false`) or WHO anthro's codes (`y`/`1`
/// yes, `n`/`2` no); missing means no.
fn read_oedema(f: &Fields<'_>, errors: &mut ValidationErrors) -> bool {
    let yes = match f.get("oedema") {
        None => Some(false),
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(1) => Some(true),
            Some(0 | 2) => Some(false),
            _ => None,
        },
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "y" | "ya" | "yes" | "true" | "1" => Some(true),
            "" | "n" | "t" | "tidak" | "no" | "false" | "0" | "2" => Some(false),
            _ => None,
        },
        Some(_) => None,
    };
    yes.unwrap_or_else(|| {
        errors.push(FieldError::at("oedema", ErrorCode::OedemaInvalid));
        false
    })
}

/// Upper bound of `weight_kg` and `length_cm`.
const MAX_VALUE: f64 = 250.0;

/// `not_positive` for a weight or length of zero (or -0).
fn check_positive(weight_kg: Option<f64>, length_cm: Option<f64>, errors: &mut ValidationErrors) {
    for (name, x) in [("weight_kg", weight_kg), ("length_cm", length_cm)] {
        if x.is_some_and(|x| x <= 0.0) {
            errors.push(FieldError::at(name, ErrorCode::NotPositive));
        }
    }
}

fn read_measurement(
    v: &Value,
    family: &Family,
    as_of: NaiveDate,
) -> Result<Measurement, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let f = Fields::of(v, &mut errors);
    let nik = f.id_text("nik", false, &mut errors);
    let member_ix = crate::kb::read::opt_int(&f, "member", 0, 1000, &mut errors);
    let member = resolve_member(
        nik.as_deref(),
        member_ix,
        v.is_object() && f.get("member").is_none(),
        family,
        &mut errors,
    );
    let measured_on = f
        .text("measured_on", true, false, &mut errors)
        .and_then(|s| measured_on(&s, as_of, &mut errors));
    let weight_kg = opt_number(&f, "weight_kg", 0.0, MAX_VALUE, &mut errors);
    let length_cm = opt_number(&f, "length_cm", 0.0, MAX_VALUE, &mut errors);
    check_positive(weight_kg, length_cm, &mut errors);
    let measure = opt_code(&f, "measure", measure_code, &mut errors).flatten();
    let oedema = read_oedema(&f, &mut errors);
    finish_measurement(
        family,
        member,
        measured_on,
        (weight_kg, length_cm, measure, oedema),
        errors,
    )
}

/// The member a measurement belongs to: by `nik` when given, else by the
/// 0-based index `member_ix`. `member_absent`: the record is an object
/// without a `member` field (then a missing `nik` is `required`).
fn resolve_member(
    nik: Option<&str>,
    member_ix: Option<i64>,
    member_absent: bool,
    family: &Family,
    errors: &mut ValidationErrors,
) -> Option<usize> {
    match (nik, member_ix) {
        (Some(n), _) => {
            let n = crate::input::trim(n).as_bytes();
            let found = family
                .members()
                .iter()
                .position(|p| p.nik().is_some_and(|k| k.digits() == n));
            if found.is_none() {
                errors.push(FieldError::at("nik", ErrorCode::RegisterMemberUnknown));
            }
            found
        }
        (None, Some(i)) => {
            let i = usize::try_from(i).unwrap_or(usize::MAX);
            if i >= family.members().len() {
                errors.push(FieldError::at("member", ErrorCode::RegisterMemberUnknown));
                None
            } else {
                Some(i)
            }
        }
        (None, None) => {
            if member_absent {
                errors.push(FieldError::at("nik", ErrorCode::Required));
            }
            None
        }
    }
}

/// `measured_on`: a date not after `as_of`.
fn measured_on(s: &str, as_of: NaiveDate, errors: &mut ValidationErrors) -> Option<NaiveDate> {
    match parse_date(s) {
        Ok(d) if d > as_of => {
            errors.push(
                FieldError::at("measured_on", ErrorCode::DateInFuture)
                    .with_param("as_of", as_of.to_string()),
            );
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            errors.push(e.with_outer(PathSegment::Field("measured_on")));
            None
        }
    }
}

/// `measure`: `l` lying, `h` standing, `NA`/empty missing.
fn measure_code(s: &str) -> Result<Option<Measure>, FieldError> {
    match crate::growth::codes::parse_measure(s)? {
        b'l' => Ok(Some(Measure::Length)),
        b'h' => Ok(Some(Measure::Height)),
        _ => Ok(None),
    }
}

/// Weight, length, measure and oedema of a measurement, as read.
type MeasuredValues = (Option<f64>, Option<f64>, Option<Measure>, bool);

/// The last check (not before the member's birth) and the measurement,
/// or every problem found.
fn finish_measurement(
    family: &Family,
    member: Option<usize>,
    measured_on: Option<NaiveDate>,
    (weight_kg, length_cm, measure, oedema): MeasuredValues,
    mut errors: ValidationErrors,
) -> Result<Measurement, ValidationErrors> {
    if let (Some(m), Some(d)) = (member, measured_on) {
        if let Some(p) = family.members().get(m) {
            if d < p.birth_date() {
                errors.push(FieldError::at(
                    "measured_on",
                    ErrorCode::MeasuredBeforeBirth,
                ));
            }
        }
    }
    match (member, measured_on) {
        (Some(member), Some(measured_on)) if errors.is_empty() => Ok(Measurement {
            member,
            measured_on,
            weight_kg,
            length_cm,
            measure,
            oedema,
        }),
        _ => Err(errors),
    }
}

/// The rules on the wife: `wife_pregnant` needs a wife; a PUS family needs
/// its KB status (`kb_absent`: no `kb` field at all).
fn check_wife(
    fam: &Family,
    pregnant: Option<bool>,
    kb_absent: bool,
    opts: &RegisterOptions,
    errors: &mut ValidationErrors,
) {
    match wife(fam) {
        None => {
            if pregnant == Some(true) {
                errors.push(FieldError::at(
                    "wife_pregnant",
                    ErrorCode::KrsWifeFieldWithoutWife,
                ));
            }
        }
        Some(w) => {
            let pus = is_pus(
                age_years(w, opts.as_of),
                None,
                pregnant == Some(true),
                opts.krs_rules.pus,
            );
            if pus && kb_absent {
                errors.push(FieldError::at("kb", ErrorCode::RegisterKbMissing));
            }
        }
    }
}

impl RegisterFamily {
    /// Reads and validates one JSON Lines record: the typed fast path
    /// ([`typed::read_typed`]) for a well-formed, valid record, the `Value`
    /// path ([`RegisterFamily::from_value`]) for everything else. The
    /// outcome is always the one `from_value` gives for the parsed line.
    ///
    /// # Errors
    /// The JSON parser's error when the line is not JSON.
    pub fn from_json_line(
        line: &str,
        opts: &RegisterOptions,
    ) -> Result<RegisterRead, serde_json::Error> {
        if let Some(family) = typed::read_typed(line, opts) {
            return Ok(RegisterRead {
                family: Some(family),
                errors: Vec::new(),
                measurements_excluded: 0,
            });
        }
        let v: Value = serde_json::from_str(line)?;
        Ok(RegisterFamily::from_value(&v, opts))
    }

    /// Validates one register record (see the module documentation for
    /// the fields). Never panics; every problem has a path.
    pub fn from_value(v: &Value, opts: &RegisterOptions) -> RegisterRead {
        let mut errors = ValidationErrors::new();
        let family = match Family::from_value(v, &FamilyOptions::new(opts.as_of)) {
            Ok(f) => Some(f),
            Err(es) => {
                errors.extend(es);
                None
            }
        };
        let f = Fields::of(v, &mut ValidationErrors::new());
        let mut he = ValidationErrors::new();
        let housing = match f.get("housing") {
            Some(h @ Value::Object(_)) => read_housing(h, &opts.krs_rules, &mut he),
            Some(other) => {
                errors.push(crate::input::invalid_type("housing", "object", other));
                None
            }
            None => {
                if v.is_object() {
                    errors.push(FieldError::at("housing", ErrorCode::Required));
                }
                None
            }
        };
        errors.extend_with_outer(he, &PathSegment::Field("housing"));
        let pregnant = opt_bool(&f, "wife_pregnant", &mut errors);
        let mut ke = ValidationErrors::new();
        let kb = match f.get("kb") {
            Some(k @ Value::Object(_)) => read_kb(k, &mut ke),
            Some(other) => {
                errors.push(crate::input::invalid_type("kb", "object", other));
                None
            }
            None => None,
        };
        errors.extend_with_outer(ke, &PathSegment::Field("kb"));
        let wife_pregnant =
            pregnant.unwrap_or(false) || kb.is_some_and(|k| k.reason == Some(NonUseReason::Hamil));

        if let Some(fam) = &family {
            check_wife(
                fam,
                pregnant,
                kb.is_none() && f.get("kb").is_none(),
                opts,
                &mut errors,
            );
        }

        let (Some(family), Some(housing), true) = (family, housing, errors.is_empty()) else {
            return RegisterRead {
                family: None,
                errors: errors.into_vec(),
                measurements_excluded: 0,
            };
        };

        let mut measurements = Vec::new();
        let mut bad = Vec::new();
        let mut excluded = 0u32;
        match f.get("measurements") {
            None => {}
            Some(Value::Array(list)) => {
                for (i, m) in list.iter().enumerate() {
                    match read_measurement(m, &family, opts.as_of) {
                        Ok(x) => measurements.push(x),
                        Err(es) => {
                            excluded += 1;
                            for e in es.into_vec() {
                                bad.push(
                                    e.with_outer(idx(i))
                                        .with_outer(PathSegment::Field("measurements")),
                                );
                            }
                        }
                    }
                }
            }
            Some(other) => {
                return RegisterRead {
                    family: None,
                    errors: vec![crate::input::invalid_type("measurements", "array", other)],
                    measurements_excluded: 0,
                };
            }
        }
        RegisterRead {
            family: Some(RegisterFamily {
                family,
                housing,
                wife_pregnant,
                kb,
                measurements,
            }),
            errors: bad,
            measurements_excluded: excluded,
        }
    }
}

/// A 16-digit identifier as a number: exact, so two different NIKs never
/// share a fingerprint.
pub fn id_fingerprint(digits: &str) -> u64 {
    digits_fingerprint(digits.as_bytes())
}

/// [`id_fingerprint`] of ASCII digits.
fn digits_fingerprint(digits: &[u8]) -> u64 {
    digits.iter().fold(0u64, |acc, b| {
        acc.wrapping_mul(10)
            .wrapping_add(u64::from(b.wrapping_sub(b'0')))
    })
}

/// [`digits_fingerprint`] of the 16 digits of a NIK or Nomor KK, eight
/// digits at a time (the SWAR reading of eight ASCII digits: pairs, then
/// fours, then eight, by multiplications within one 64-bit word).
fn sixteen_digits_fingerprint(digits: &[u8; 16]) -> u64 {
    fn eight(bytes: [u8; 8]) -> u64 {
        // First digit in the lowest byte; each byte 0-9 after the subtraction.
        let x = u64::from_le_bytes(bytes).wrapping_sub(0x3030_3030_3030_3030);
        // Bytes 0, 2, 4, 6: 10 × digit + next digit (0-99).
        let x = (x.wrapping_mul(10) + (x >> 8)) & 0x00ff_00ff_00ff_00ff;
        // Pairs of those: 100 × pair + next pair (0-9999), in 16-bit lanes 0 and 2.
        let x = (x.wrapping_mul(100) + (x >> 16)) & 0x0000_ffff_0000_ffff;
        // 10 000 × four + next four.
        (x & 0xffff) * 10_000 + (x >> 32)
    }
    let [a, b] = [0, 8].map(|i| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&digits[i..i + 8]);
        eight(w)
    });
    a * 100_000_000 + b
}

/// The Nomor KK fingerprint of a family; its members' `(index, NIK
/// fingerprint)`s are appended to `niks` (one vector for many families,
/// e.g. a batch), for [`DuplicateGuard::admit_ids`].
pub fn fingerprints(family: &Family, niks: &mut Vec<(u32, u64)>) -> u64 {
    niks.extend(family.members().iter().enumerate().filter_map(|(i, p)| {
        p.nik().map(|n| {
            (
                u32::try_from(i).unwrap_or(u32::MAX),
                sixteen_digits_fingerprint(n.digits()),
            )
        })
    }));
    sixteen_digits_fingerprint(family.no_kk().digits())
}

/// Detects a Nomor KK or a NIK already used by an earlier (accepted)
/// family of the register.
///
/// Memory: one `u64` per NIK (a hash set: about 9-18 bytes per entry with
/// its load factor) and one `(u64, u64)` per Nomor KK (about 17-34 bytes),
/// so it grows with the register (about 100 MB per million families of
/// four); everything else in a report is fixed-size counters per region.
/// Only families that validated are remembered.
#[derive(Clone, Debug, Default)]
pub struct DuplicateGuard {
    kk: ByRegion<HashMap<u64, u64, FingerprintHash>>,
    nik: ByRegion<HashSet<u64, FingerprintHash>>,
}

/// Identifiers in one table per first six digits (the kecamatan code that
/// starts every NIK and Nomor KK). A register written region by region
/// (as exports usually are) then works on one small table at a time, which
/// stays in the processor's cache, instead of scattering over one table of
/// millions; in any other order it costs one more look-up in a small table.
#[derive(Clone, Debug, Default)]
struct ByRegion<T> {
    /// Each region's index in `tables`.
    index: HashMap<u64, usize, FingerprintHash>,
    tables: Vec<T>,
    /// The region used last and its index (a family's identifiers, and
    /// the families of one desa, mostly share it).
    last: Option<(u64, usize)>,
    /// The most identifiers one table has held so far.
    largest: usize,
}

/// A table of [`ByRegion`]: its size, and room made ahead of time.
trait Table: Default {
    fn len(&self) -> usize;
    fn reserve(&mut self, additional: usize);
}

impl Table for HashSet<u64, FingerprintHash> {
    fn len(&self) -> usize {
        HashSet::len(self)
    }
    fn reserve(&mut self, additional: usize) {
        HashSet::reserve(self, additional);
    }
}

impl Table for HashMap<u64, u64, FingerprintHash> {
    fn len(&self) -> usize {
        HashMap::len(self)
    }
    fn reserve(&mut self, additional: usize) {
        HashMap::reserve(self, additional);
    }
}

/// A table that reaches this many identifiers is a region of the register
/// (not a few people registered elsewhere) and is given room at once for
/// as many as the largest table so far, up to [`PRESIZE_MAX`]; it then
/// skips the rehashes of growing step by step.
const PRESIZE_AT: usize = 256;
const PRESIZE_MAX: usize = 1 << 16;

impl<T: Table> ByRegion<T> {
    /// The first six of the 16 digits.
    fn region(id: u64) -> u64 {
        id / 10_000_000_000
    }

    fn get(&self, id: u64) -> Option<&T> {
        let r = Self::region(id);
        match self.last {
            Some((l, i)) if l == r => self.tables.get(i),
            _ => self.tables.get(*self.index.get(&r)?),
        }
    }

    fn get_mut(&mut self, id: u64) -> &mut T {
        let r = Self::region(id);
        let i = match self.last {
            Some((l, i)) if l == r => i,
            _ => {
                let next = self.tables.len();
                let i = *self.index.entry(r).or_insert(next);
                self.last = Some((r, i));
                i
            }
        };
        // `i` is an index handed out above; growing covers the new one.
        if i >= self.tables.len() {
            self.tables.resize_with(i + 1, T::default);
        }
        let t = &mut self.tables[i];
        let len = t.len();
        if len == PRESIZE_AT && self.largest > len {
            t.reserve(self.largest.min(PRESIZE_MAX) - len);
        }
        self.largest = self.largest.max(len);
        t
    }

    fn iter(&self) -> std::slice::Iter<'_, T> {
        self.tables.iter()
    }
}

/// The hash of the guard's `u64` fingerprints: one folded 64×64→128-bit
/// multiply of the fingerprint with a per-process random key (the
/// `foldhash`/`ahash` construction), several times cheaper than the
/// default SipHash on one integer. The random key keeps a crafted
/// register from forcing collisions.
#[derive(Clone, Copy, Debug)]
pub struct FingerprintHash {
    key: u64,
}

impl Default for FingerprintHash {
    fn default() -> FingerprintHash {
        use std::hash::BuildHasher;
        FingerprintHash {
            key: std::collections::hash_map::RandomState::new().hash_one(0x006b_616d_7075_6e67_u64),
        }
    }
}

impl std::hash::BuildHasher for FingerprintHash {
    type Hasher = FingerprintHasher;
    fn build_hasher(&self) -> FingerprintHasher {
        FingerprintHasher { state: self.key }
    }
}

/// See [`FingerprintHash`].
#[derive(Clone, Copy, Debug)]
pub struct FingerprintHasher {
    state: u64,
}

impl FingerprintHasher {
    fn mix(&mut self, x: u64) {
        const MUL: u64 = 0x9e37_79b9_7f4a_7c15;
        let m = u128::from(self.state ^ x) * u128::from(MUL);
        #[allow(clippy::cast_possible_truncation)]
        let folded = (m as u64) ^ ((m >> 64) as u64);
        self.state = folded;
    }
}

impl std::hash::Hasher for FingerprintHasher {
    fn write_u64(&mut self, x: u64) {
        self.mix(x);
    }
    fn write(&mut self, bytes: &[u8]) {
        for c in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..c.len()].copy_from_slice(c);
            self.mix(u64::from_le_bytes(b));
        }
    }
    fn finish(&self) -> u64 {
        self.state
    }
}

/// One family for [`DuplicateGuard::admit_batch`]: its Nomor KK
/// fingerprint, its `(member index, NIK fingerprint)`s and its line.
pub type FamilyIds<'a> = (u64, &'a [(u32, u64)], u64);

/// `register_duplicate_nik` at `members[i].nik`.
fn duplicate_nik(i: u32) -> FieldError {
    let mut path = FieldPath::field("members");
    path.push(PathSegment::Index(i));
    path.push(PathSegment::Field("nik"));
    FieldError::new(ErrorCode::RegisterDuplicateNik).with_path(path)
}

impl DuplicateGuard {
    /// An empty guard.
    pub fn new() -> DuplicateGuard {
        DuplicateGuard::default()
    }

    /// Checks a validated family read at `line` and remembers it when it is
    /// not a duplicate.
    ///
    /// # Errors
    /// `register_duplicate_kk` at `no_kk` (with the earlier `line`) and/or
    /// `register_duplicate_nik` at `members[i].nik`; nothing is remembered then.
    pub fn admit(&mut self, family: &Family, line: u64) -> Result<(), ValidationErrors> {
        let mut niks = Vec::new();
        let kk = fingerprints(family, &mut niks);
        self.admit_ids(kk, &niks, line)
    }

    /// As [`DuplicateGuard::admit`], from [`fingerprints`] computed earlier
    /// (e.g. on another thread): `niks` are `(member index, fingerprint)`.
    ///
    /// # Errors
    /// As [`DuplicateGuard::admit`].
    pub fn admit_ids(
        &mut self,
        kk: u64,
        niks: &[(u32, u64)],
        line: u64,
    ) -> Result<(), ValidationErrors> {
        // Up to 64 NIKs: insert at once and take the insertions back on a
        // duplicate (rare), one look-up per identifier. Larger families:
        // look everything up first.
        if niks.len() > 64 {
            return self.admit_checked(kk, niks, line);
        }
        let mut errors = ValidationErrors::new();
        let kk_first = match self.kk.get_mut(kk).entry(kk) {
            std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(line);
                None
            }
        };
        if let Some(first) = kk_first {
            errors.push(
                FieldError::at("no_kk", ErrorCode::RegisterDuplicateKk).with_param("line", first),
            );
        }
        // Bit k: NIK k was not remembered before and this family added it.
        let mut added = 0u64;
        for (k, (i, n)) in niks.iter().enumerate() {
            if self.nik.get_mut(*n).insert(*n) {
                added |= 1 << k;
            } else {
                // Remembered before this family, unless an earlier member
                // of this family added it (a repeated NIK within a family
                // is not a duplicate of an earlier family).
                let ours = niks
                    .iter()
                    .take(k)
                    .enumerate()
                    .any(|(j, (_, m))| m == n && added >> j & 1 == 1);
                if !ours {
                    errors.push(duplicate_nik(*i));
                }
            }
        }
        if errors.is_empty() {
            return Ok(());
        }
        if kk_first.is_none() {
            self.kk.get_mut(kk).remove(&kk);
        }
        for (k, (_, n)) in niks.iter().enumerate() {
            if added >> k & 1 == 1 {
                self.nik.get_mut(*n).remove(n);
            }
        }
        Err(errors)
    }

    /// [`DuplicateGuard::admit_ids`] by checking every identifier before
    /// remembering any.
    fn admit_checked(
        &mut self,
        kk: u64,
        niks: &[(u32, u64)],
        line: u64,
    ) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if let Some(first) = self.kk.get(kk).and_then(|t| t.get(&kk)) {
            errors.push(
                FieldError::at("no_kk", ErrorCode::RegisterDuplicateKk).with_param("line", *first),
            );
        }
        for (i, n) in niks {
            if self.nik.get(*n).is_some_and(|t| t.contains(n)) {
                errors.push(duplicate_nik(*i));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        self.kk.get_mut(kk).insert(kk, line);
        for (_, n) in niks {
            self.nik.get_mut(*n).insert(*n);
        }
        Ok(())
    }

    /// Checks the families of a batch, in order: the same results and
    /// the same identifiers remembered as [`DuplicateGuard::admit_ids`] on
    /// each in turn (it is that). `families` are `(Nomor KK fingerprint,
    /// (member index, NIK fingerprint)s, line)`.
    pub fn admit_batch(&mut self, families: &[FamilyIds<'_>]) -> Vec<Result<(), ValidationErrors>> {
        families
            .iter()
            .map(|(kk, niks, line)| self.admit_ids(*kk, niks, *line))
            .collect()
    }

    /// Number of families and NIKs remembered.
    pub fn len(&self) -> (usize, usize) {
        (
            self.kk.iter().map(HashMap::len).sum(),
            self.nik.iter().map(HashSet::len).sum(),
        )
    }

    /// True when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.kk.iter().all(HashMap::is_empty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 7, 1).expect("date")
    }

    fn family() -> Value {
        json!({"no_kk": "6472052301150007", "region_code": "64.72.05.2001",
            "members": [
              {"name": "Budi", "nik": "6472050101850003", "sex": "L", "birth_date": "1985-01-01",
               "relationship": "kepala_keluarga", "marital_status": "kawin"},
              {"name": "Siti", "nik": "6472054507900002", "sex": "P", "birth_date": "1990-07-05",
               "relationship": "istri", "marital_status": "kawin"},
              {"name": "Bayu", "nik": "6472051506240001", "sex": "L", "birth_date": "2024-06-15",
               "relationship": "anak", "marital_status": "belum_kawin"}],
            "housing": {"water_source": "ledeng", "latrine": "sendiri", "septic_tank": true},
            "kb": {"method": "implant"},
            "measurements": [
              {"nik": "6472051506240001", "measured_on": "2025-06-01", "weight_kg": 9.1, "length_cm": 74.0, "measure": "l"},
              {"member": 2, "measured_on": "2024-01-01", "weight_kg": 3.1},
              {"member": 7, "measured_on": "2025-01-01", "weight_kg": 3.1}]})
    }

    #[test]
    fn reads_a_family_and_excludes_bad_measurements_only() {
        let r = RegisterFamily::from_value(&family(), &RegisterOptions::new(as_of()));
        let f = r.family.expect("family");
        assert_eq!(f.measurements.len(), 1);
        assert_eq!(r.measurements_excluded, 2);
        let codes: Vec<_> = r
            .errors
            .iter()
            .map(|e| (e.path().to_string(), e.code().as_str()))
            .collect();
        assert_eq!(
            codes,
            vec![
                (
                    "measurements[1].measured_on".to_owned(),
                    "measured_before_birth"
                ),
                (
                    "measurements[2].member".to_owned(),
                    "register_member_unknown"
                ),
            ]
        );
    }

    #[test]
    fn pus_without_kb_is_excluded() {
        let mut v = family();
        v.as_object_mut().expect("object").remove("kb");
        let r = RegisterFamily::from_value(&v, &RegisterOptions::new(as_of()));
        assert!(r.family.is_none());
        assert_eq!(r.errors[0].code(), ErrorCode::RegisterKbMissing);
    }

    #[test]
    fn duplicates_are_detected() {
        let r = RegisterFamily::from_value(&family(), &RegisterOptions::new(as_of()));
        let f = r.family.expect("family").family;
        let mut g = DuplicateGuard::new();
        assert!(g.admit(&f, 1).is_ok());
        let e = g.admit(&f, 2).expect_err("duplicate");
        assert_eq!(e.errors()[0].code(), ErrorCode::RegisterDuplicateKk);
        assert_eq!(
            e.errors()[0].message(crate::Locale::En),
            "This family card number already appears on line 1."
        );
        assert_eq!(e.errors()[1].path().to_string(), "members[0].nik");
        assert_eq!(g.len(), (1, 3));
    }

    /// `admit_ids` (insert, take back on a duplicate) answers and
    /// remembers exactly what checking every identifier first does, and
    /// `admit_batch` what `admit_ids` does: with duplicates within a batch
    /// and across batches, after a rejected family, a family with itself,
    /// NIKs repeated within a family, identifiers of several kecamatan, and
    /// families of more than 64 NIKs.
    #[test]
    fn optimistic_admission_equals_checking_first() {
        let mut state = 7u64;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % m
        };
        type Owned = (u64, Vec<(u32, u64)>, u64);
        let mut families: Vec<Owned> = Vec::new();
        let id = |region: u64, x: u64| 6_401_010_000_000_000 + region * 10_000_000_000 + x;
        for line in 1..=4000 {
            let kk = id(next(3), next(2500));
            let n = if line % 500 == 0 { 70 } else { next(6) };
            let niks = (0..n)
                .map(|i| (i as u32, id(next(3), 10_000 + next(9000))))
                .collect::<Vec<_>>();
            let mut niks = niks;
            if line % 7 == 0 && !niks.is_empty() {
                let again = niks[0].1;
                niks.push((n as u32, again));
            }
            families.push((kk, niks, line));
        }
        for batch in [1, 7, 1000] {
            let mut checked = DuplicateGuard::new();
            let mut one = DuplicateGuard::new();
            let mut many = DuplicateGuard::new();
            let mut rejected = 0;
            for chunk in families.chunks(batch) {
                let args: Vec<FamilyIds<'_>> = chunk
                    .iter()
                    .map(|(kk, niks, line)| (*kk, niks.as_slice(), *line))
                    .collect();
                let got = many.admit_batch(&args);
                for ((kk, niks, line), g) in chunk.iter().zip(got) {
                    let want = checked.admit_checked(*kk, niks, *line);
                    assert_eq!(one.admit_ids(*kk, niks, *line), want, "line {line}");
                    rejected += usize::from(want.is_err());
                    assert_eq!(g, want, "batch {batch}, line {line}");
                }
                assert_eq!(one.len(), checked.len());
                assert_eq!(many.len(), checked.len());
            }
            assert!(rejected > 500 && rejected < 3900, "{rejected}");
        }
    }

    #[test]
    fn fingerprints_are_exact() {
        assert_eq!(id_fingerprint("6472050101850003"), 6_472_050_101_850_003);
        // Eight at a time equals one at a time, for every digit in every place.
        let mut state = 3u64;
        for round in 0..20_000u64 {
            let mut d = [b'0'; 16];
            for (k, x) in d.iter_mut().enumerate() {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                let digit = if round < 160 {
                    // Digit round % 10 in place round / 10, nines elsewhere.
                    if k as u64 == round / 10 {
                        round % 10
                    } else {
                        9
                    }
                } else {
                    (state >> 33) % 10
                };
                *x = b'0' + u8::try_from(digit).expect("digit");
            }
            assert_eq!(
                sixteen_digits_fingerprint(&d),
                digits_fingerprint(&d),
                "{d:?}"
            );
        }
    }
}
