//! Reading the gazetteer file (format 1, written by tools/gen_gazetteer.py,
//! which documents the layout). Every byte is checked when the file is
//! loaded, so that every look-up afterwards is total: a file from anywhere
//! (`Gazetteer::from_bytes`) is hostile input.

use super::{Counts, Source, SourceFile};
use crate::error::{ErrorCode, FieldError};
use crate::id::province::{is_kabkota_code, province_name};

const MAGIC: &[u8; 4] = b"KWIL";
const HEADER: usize = 32;
/// The one format version this reader understands.
pub(super) const FORMAT: u16 = 1;

/// The decoded tables: codes per level, name offsets into the pool, child
/// offsets into the next level.
#[derive(Debug)]
pub(super) struct Tables {
    /// Each level's own digits: provinces, kabupaten/kota, kecamatan (u8).
    pub(super) upper: [Vec<u8>; 3],
    /// Each desa/kelurahan's own four digits.
    pub(super) desa: Vec<u16>,
    /// Index of each level's first entry in `name_start`.
    pub(super) level_start: [usize; 4],
    /// Start of every entry's name in the pool, plus the pool's length.
    pub(super) name_start: Vec<u32>,
    /// Per level 0-2: start of each entry's children in the next level,
    /// plus the next level's length.
    pub(super) child_start: [Vec<u32>; 3],
    pub(super) counts: Counts,
}

/// The parts of a checked file: metadata, the byte range of the pool (valid
/// UTF-8, cut at character boundaries by `name_start`) and the tables.
pub(super) struct Decoded {
    pub(super) source: Source,
    pub(super) pool: std::ops::Range<usize>,
    pub(super) tables: Tables,
}

fn invalid(reason: &str) -> FieldError {
    FieldError::new(ErrorCode::GazetteerInvalid).with_param("reason", reason)
}

/// A cursor over the file that never reads past its end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], FieldError> {
        let end = self.at.checked_add(n).ok_or_else(|| invalid("truncated"))?;
        let s = self
            .bytes
            .get(self.at..end)
            .ok_or_else(|| invalid("truncated"))?;
        self.at = end;
        Ok(s)
    }
    fn u16(&mut self) -> Result<u16, FieldError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<usize, FieldError> {
        let b = self.take(4)?;
        usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .map_err(|_| invalid("too large"))
    }
}

/// Checks and decodes a gazetteer file.
pub(super) fn decode(bytes: &[u8]) -> Result<Decoded, FieldError> {
    if bytes.len() < HEADER || bytes.get(..4) != Some(MAGIC.as_slice()) {
        return Err(invalid("not a kampung gazetteer file"));
    }
    let mut r = Reader { bytes, at: 4 };
    let version = r.u16()?;
    if version != FORMAT {
        return Err(invalid("unsupported format version"));
    }
    r.u16()?; // reserved
    let meta_len = r.u32()?;
    let n = [r.u32()?, r.u32()?, r.u32()?, r.u32()?];
    let pool_len = r.u32()?;
    // The whole length is known from the header: check it before allocating.
    let expected = (|| {
        let upper = n[0].checked_add(n[1])?.checked_add(n[2])?;
        let total = upper.checked_add(n[3])?;
        let parts = [
            HEADER,
            meta_len,
            pool_len,
            upper,
            n[3].checked_mul(2)?,
            total,
            upper.checked_mul(2)?,
        ];
        parts.iter().try_fold(0usize, |a, &x| a.checked_add(x))
    })();
    if expected != Some(bytes.len()) {
        return Err(invalid("length does not match its header"));
    }
    let source = read_meta(r.take(meta_len)?)?;
    let pool_at = r.at;
    let pool =
        std::str::from_utf8(r.take(pool_len)?).map_err(|_| invalid("names are not UTF-8"))?;

    let mut codes: [Vec<u8>; 3] = Default::default();
    for (level, out) in codes.iter_mut().enumerate() {
        *out = r.take(n[level])?.to_vec();
    }
    let desa: Vec<u16> = r
        .take(2 * n[3])?
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();

    let total = n.iter().sum::<usize>();
    let mut name_start = Vec::with_capacity(total + 1);
    let mut at = 0usize;
    for &len in r.take(total)? {
        if len == 0 {
            return Err(invalid("empty name"));
        }
        name_start.push(u32::try_from(at).map_err(|_| invalid("too large"))?);
        at += usize::from(len);
        if !pool.is_char_boundary(at.min(pool.len())) {
            return Err(invalid("a name ends inside a character"));
        }
    }
    if at != pool.len() {
        return Err(invalid("name lengths do not add up to the names"));
    }
    name_start.push(u32::try_from(at).map_err(|_| invalid("too large"))?);

    let mut child_start: [Vec<u32>; 3] = Default::default();
    for (level, out) in child_start.iter_mut().enumerate() {
        let mut at = 0usize;
        out.reserve(n[level] + 1);
        for _ in 0..n[level] {
            out.push(u32::try_from(at).map_err(|_| invalid("too large"))?);
            at += usize::from(r.u16()?);
        }
        if at != n[level + 1] {
            return Err(invalid("child counts do not add up to the next level"));
        }
        out.push(u32::try_from(at).map_err(|_| invalid("too large"))?);
    }

    let level_start = [0, n[0], n[0] + n[1], n[0] + n[1] + n[2]];
    let tables = Tables {
        upper: codes,
        desa,
        level_start,
        name_start,
        child_start,
        counts: Counts::default(),
    };
    let counts = check_codes(&tables)?;
    Ok(Decoded {
        source,
        pool: pool_at..pool_at + pool_len,
        tables: Tables { counts, ..tables },
    })
}

/// The metadata: UTF-8 lines `key=value`; `sha256:FILE=HASH` for the source
/// files; keys this version does not know are skipped. `regulation` is
/// required (error messages cite it).
fn read_meta(bytes: &[u8]) -> Result<Source, FieldError> {
    let text = std::str::from_utf8(bytes).map_err(|_| invalid("metadata is not UTF-8"))?;
    let mut s = Source::default();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| invalid("metadata line without '='"))?;
        let value = value.to_owned();
        match key {
            "regulation" => s.regulation = value,
            "data" => s.data = value,
            "data_copyright" => s.data_copyright = value,
            "data_licence" => s.data_licence = value,
            "package" => s.package = value,
            "package_version" => s.package_version = value,
            "package_licence" => s.package_licence = value,
            "registry" => s.registry = value,
            _ => {
                if let Some(path) = key.strip_prefix("sha256:") {
                    s.files.push(SourceFile {
                        path: path.to_owned(),
                        sha256: value,
                    });
                }
            }
        }
    }
    if s.regulation.is_empty() {
        return Err(invalid("metadata names no regulation"));
    }
    Ok(s)
}

/// Every code is valid for its level and, within its parent, strictly
/// increasing (so binary search finds it and every entry is a valid
/// `KodeWilayah`); returns the counts per level and kind.
fn check_codes(t: &Tables) -> Result<Counts, FieldError> {
    let mut c = Counts::default();
    let increasing = |s: &[u8]| s.windows(2).all(|w| w[0] < w[1]);
    if !increasing(&t.upper[0]) || t.upper[0].iter().any(|&p| province_name(p).is_none()) {
        return Err(invalid("a province code is unknown or out of order"));
    }
    c.provinsi = t.upper[0].len();
    for level in 0..2 {
        for w in t.child_start[level].windows(2) {
            let kids = t.upper[level + 1]
                .get(w[0] as usize..w[1] as usize)
                .ok_or_else(|| invalid("child range out of bounds"))?;
            let valid = |&k: &u8| {
                if level == 0 {
                    is_kabkota_code(k)
                } else {
                    (1..=99).contains(&k)
                }
            };
            if !increasing(kids) || !kids.iter().all(valid) {
                return Err(invalid("a kabupaten/kota or kecamatan code is invalid"));
            }
        }
    }
    c.kota = t.upper[1].iter().filter(|&&k| k >= 71).count();
    c.kabupaten = t.upper[1].len() - c.kota;
    c.kecamatan = t.upper[2].len();
    for w in t.child_start[2].windows(2) {
        let kids = t
            .desa
            .get(w[0] as usize..w[1] as usize)
            .ok_or_else(|| invalid("child range out of bounds"))?;
        if !kids.windows(2).all(|w| w[0] < w[1]) || !kids.iter().all(|d| (1000..4000).contains(d)) {
            return Err(invalid("a desa/kelurahan code is invalid"));
        }
    }
    for d in &t.desa {
        match d / 1000 {
            1 => c.kelurahan += 1,
            2 => c.desa += 1,
            _ => c.desa_adat += 1,
        }
    }
    Ok(c)
}
