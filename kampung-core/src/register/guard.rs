//! Duplicate detection across the families of a register: a Nomor KK or
//! a NIK already used by an earlier family that was counted.

use crate::error::{ErrorCode, FieldError, FieldPath, PathSegment, ValidationErrors};
use crate::family::Family;
use crate::id::pseudonym::Identifier;
use crate::{Nik, NomorKk};
use std::collections::{HashMap, HashSet};

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
        p.identifier().map(|n| {
            (
                u32::try_from(i).unwrap_or(u32::MAX),
                identifier_fingerprint(n, Nik::digits),
            )
        })
    }));
    identifier_fingerprint(family.no_kk(), NomorKk::digits)
}

/// The fingerprint of a number (its 16 digits) or of a pseudonym
/// ([`crate::Pseudonym::fingerprint`], top bit set: the two never meet).
fn identifier_fingerprint<T>(id: &Identifier<T>, digits: fn(&T) -> &[u8; 16]) -> u64 {
    match id {
        Identifier::Real(t) => sixteen_digits_fingerprint(digits(t)),
        Identifier::Pseudonym(p) => p.fingerprint(),
    }
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
    /// The first six of the 16 digits; one table for all pseudonyms
    /// (their fingerprints have the top bit set, [`crate::Pseudonym::fingerprint`]).
    fn region(id: u64) -> u64 {
        if id >= 1 << 63 {
            return u64::MAX;
        }
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

/// `register_duplicate_kk` at `no_kk`, naming the line of the first.
fn duplicate_kk(first: u64) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    errors.push(FieldError::at("no_kk", ErrorCode::RegisterDuplicateKk).with_param("line", first));
    errors
}

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
    /// The rule (examples/REGISTER.md, "Duplicates"): the first family
    /// counted with a Nomor KK keeps it, and a NIK belongs to the first
    /// counted family that lists it. A family whose Nomor KK was counted
    /// before is that family again: it gets `register_duplicate_kk` alone
    /// (its NIKs are not checked); otherwise each NIK counted before gives
    /// `register_duplicate_nik`. Families that did not validate are never
    /// admitted, so they claim nothing.
    ///
    /// # Errors
    /// `register_duplicate_kk` at `no_kk` (with the earlier `line`), or
    /// `register_duplicate_nik` at each `members[i].nik`; nothing is
    /// remembered then.
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
        match self.kk.get_mut(kk).entry(kk) {
            std::collections::hash_map::Entry::Occupied(e) => return Err(duplicate_kk(*e.get())),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(line);
            }
        }
        let mut errors = ValidationErrors::new();
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
        self.kk.get_mut(kk).remove(&kk);
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
        if let Some(first) = self.kk.get(kk).and_then(|t| t.get(&kk)) {
            return Err(duplicate_kk(*first));
        }
        let mut errors = ValidationErrors::new();
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
    use crate::register::testing::{base, opts};
    use crate::register::RegisterFamily;

    #[test]
    fn duplicates_are_detected() {
        let r = RegisterFamily::from_value(&base(), &opts()[0]);
        let f = r.family.expect("family").family;
        let mut g = DuplicateGuard::new();
        assert!(g.admit(&f, 1).is_ok());
        let e = g.admit(&f, 2).expect_err("duplicate");
        assert_eq!(e.errors()[0].code(), ErrorCode::RegisterDuplicateKk);
        assert_eq!(
            e.errors()[0].message(crate::Locale::En),
            "This family card number already appears on line 1."
        );
        assert_eq!(
            e.errors().len(),
            1,
            "the same family: its NIKs are not listed again"
        );
        assert_eq!(g.len(), (1, 2));
        // Another Nomor KK with the same members: each NIK is a duplicate.
        let mut other = base();
        other["no_kk"] = serde_json::json!("6472052301150008");
        let r = RegisterFamily::from_value(&other, &opts()[0]);
        let e = g
            .admit(&r.family.expect("family").family, 3)
            .expect_err("duplicate NIKs");
        let paths: Vec<String> = e.errors().iter().map(|e| e.path().to_string()).collect();
        assert_eq!(paths, ["members[0].nik", "members[1].nik"]);
        assert_eq!(
            g.len(),
            (1, 2),
            "nothing of a rejected family is remembered"
        );
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
