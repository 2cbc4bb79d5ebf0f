//! A register kept as one table per entity (CSV files, spreadsheet sheets,
//! DataFrames, Arrow batches), linked by Nomor KK (`no_kk`), read into the
//! typed records of [the register](super) (examples/REGISTER.md):
//!
//! | table | columns |
//! |---|---|
//! | families | `no_kk, region_code, water_source, latrine, septic_tank, wife_pregnant, kb_method, kb_reason` (+ `gooseneck`, `housing_layak` when the rule set asks for them) |
//! | members | `no_kk, nik, name, sex, birth_date, relationship, marital_status` (one row per member, in family-card order) |
//! | measurements | `no_kk, nik, measured_on, weight_kg, length_cm, measure, oedema` (+ `member`, the 0-based position among the family's member rows, for a child without NIK) |
//!
//! Rows may come **in any order**: [`EntityTables::new`] indexes the member
//! and measurement rows by `no_kk` (keeping their order within a family).
//! A family record is a family row with every member and measurement row
//! of its `no_kk`; it is validated exactly as a JSON Lines record
//! ([`super::validate`]). A cell that is empty or only spaces is missing;
//! yes/no cells take `true/false/1/0/ya/tidak/y/n`, numbers a decimal
//! comma, so CSV text needs no conversion.
//!
//! Rules for rows (the same as for JSON Lines records, examples/REGISTER.md):
//! * a family row that cannot be read (a CSV record with the wrong number
//!   of fields, text that is not UTF-8) is an excluded family
//!   (`register_malformed_line`); so is a family one of whose member rows
//!   cannot be read: a family is never counted without one of its members;
//! * a measurement row that cannot be read excludes that measurement only;
//! * member and measurement rows whose `no_kk` has no family row, or is
//!   missing, are excluded rows (`register_family_missing`, `required`);
//! * several family rows with one `no_kk` are several records of one
//!   family: the duplicate guard counts the first that validates.
//!
//! Every problem names the table, the row and the column.

use super::record::{
    Cell, Field, Item, RawFamily, RawHousing, RawKb, RawMeasurement, RawMember, RawRecord,
};
use super::{RegisterOptions, RegisterRead};
use crate::error::{ErrorCode, FieldError, FieldPath, PathSegment};
use serde_json::Value;
use std::collections::HashMap;

/// The three tables of a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityTable {
    /// One row per family: identifiers, housing, KB status.
    Families,
    /// One row per member.
    Members,
    /// One row per measurement of a child.
    Measurements,
}

impl EntityTable {
    /// `families`, `members` or `measurements` (also the usual file stem).
    pub const fn as_str(self) -> &'static str {
        match self {
            EntityTable::Families => "families",
            EntityTable::Members => "members",
            EntityTable::Measurements => "measurements",
        }
    }

    /// 0, 1, 2: the position of the table (e.g. among three files).
    pub const fn index(self) -> usize {
        match self {
            EntityTable::Families => 0,
            EntityTable::Members => 1,
            EntityTable::Measurements => 2,
        }
    }
}

/// A column the register reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum Column {
    NoKk,
    RegionCode,
    WaterSource,
    Latrine,
    SepticTank,
    Gooseneck,
    HousingLayak,
    WifePregnant,
    KbMethod,
    KbReason,
    Name,
    Nik,
    Sex,
    BirthDate,
    Relationship,
    MaritalStatus,
    Member,
    MeasuredOn,
    WeightKg,
    LengthCm,
    Measure,
    Oedema,
}

impl Column {
    /// Every column, in this order.
    pub const ALL: [Column; 22] = [
        Column::NoKk,
        Column::RegionCode,
        Column::WaterSource,
        Column::Latrine,
        Column::SepticTank,
        Column::Gooseneck,
        Column::HousingLayak,
        Column::WifePregnant,
        Column::KbMethod,
        Column::KbReason,
        Column::Name,
        Column::Nik,
        Column::Sex,
        Column::BirthDate,
        Column::Relationship,
        Column::MaritalStatus,
        Column::Member,
        Column::MeasuredOn,
        Column::WeightKg,
        Column::LengthCm,
        Column::Measure,
        Column::Oedema,
    ];

    /// The column's name in a header.
    pub const fn name(self) -> &'static str {
        match self {
            Column::NoKk => "no_kk",
            Column::RegionCode => "region_code",
            Column::WaterSource => "water_source",
            Column::Latrine => "latrine",
            Column::SepticTank => "septic_tank",
            Column::Gooseneck => "gooseneck",
            Column::HousingLayak => "housing_layak",
            Column::WifePregnant => "wife_pregnant",
            Column::KbMethod => "kb_method",
            Column::KbReason => "kb_reason",
            Column::Name => "name",
            Column::Nik => "nik",
            Column::Sex => "sex",
            Column::BirthDate => "birth_date",
            Column::Relationship => "relationship",
            Column::MaritalStatus => "marital_status",
            Column::Member => "member",
            Column::MeasuredOn => "measured_on",
            Column::WeightKg => "weight_kg",
            Column::LengthCm => "length_cm",
            Column::Measure => "measure",
            Column::Oedema => "oedema",
        }
    }

    /// The position of the column in [`Column::ALL`].
    pub fn index(self) -> usize {
        Column::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }

    /// The column named `name`.
    pub fn from_name(name: &str) -> Option<Column> {
        Column::ALL.iter().copied().find(|c| c.name() == name)
    }
}

/// One table of a register: rows of cells, in the table's order.
pub trait Table: Sync {
    /// One row, read once for all its cells.
    type Row<'r>: TableRow<'r>
    where
        Self: 'r;
    /// Number of rows.
    fn len(&self) -> usize;
    /// True when there are no rows.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Row `row` (0-based, `row < len()`).
    fn row(&self, row: usize) -> Self::Row<'_>;
    /// The `no_kk` cell of `row` (a table may find it without reading the
    /// rest of the row).
    fn key_cell(&self, row: usize) -> Cell<'_> {
        self.row(row).cell(Column::NoKk)
    }
    /// The caller's number of `row` in reports (a file line; by default the
    /// 0-based position).
    fn number(&self, row: usize) -> u64 {
        row as u64
    }
}

/// The cells of one row.
pub trait TableRow<'r> {
    /// The cell in `column`, as written ([`Cell::Missing`] when the table
    /// has no such column or the cell is null).
    fn cell(&self, column: Column) -> Cell<'r>;
    /// The cell of the column named `name`, for columns outside [`Column`]
    /// (a survey design's weight, cluster or stratum; `report::design`);
    /// [`Cell::Missing`] when there is no such column (the default).
    fn named(&self, _name: &str) -> Cell<'r> {
        Cell::Missing
    }
    /// When the row cannot be read as a row (wrong number of fields, not
    /// UTF-8): why. Its cells are read where they can be.
    fn problem(&self) -> Option<FieldError> {
        None
    }
}

/// JSON objects as rows (a DataFrame's records, parsed JSON): a value that
/// is not an object has no cells.
impl Table for [Value] {
    type Row<'r> = &'r Value;
    fn len(&self) -> usize {
        <[Value]>::len(self)
    }
    fn row(&self, row: usize) -> &Value {
        self.get(row).unwrap_or(&Value::Null)
    }
}

impl<'r> TableRow<'r> for &'r Value {
    fn cell(&self, column: Column) -> Cell<'r> {
        Cell::of(self.get(column.name()))
    }
    fn named(&self, name: &str) -> Cell<'r> {
        Cell::of(self.get(name))
    }
}

/// One problem located in a table: the row's number and the column in
/// the path.
#[derive(Clone, Debug, PartialEq)]
pub struct Located {
    /// The table of the row.
    pub table: EntityTable,
    /// The row's number ([`Table::number`]).
    pub row: u64,
    /// The problem; its path is the column (`kb_method`, `nik`, …), or empty
    /// for the whole row.
    pub error: FieldError,
}

/// One family read from its rows.
#[derive(Clone, Debug, PartialEq)]
pub struct TableRead {
    /// The family read as a record: the family, or its problems (here
    /// with record paths such as `members[1].sex`; see `errors` for the
    /// rows and columns).
    pub read: RegisterRead,
    /// Every problem of `read`, located in the tables; for a family that was
    /// kept, one entry per problem of each excluded measurement, with the
    /// measurement's position among the family's measurements.
    pub errors: Vec<(Option<u32>, Located)>,
}

/// A row's `no_kk` key: the 16 digits as a number (every Nomor KK), or
/// another text by its position among such texts (offset past the
/// numbers).
type Key = u64;

/// The first key given to a `no_kk` text that is not 16 digits.
const TEXT_KEYS: u64 = 10_000_000_000_000_000;

/// The `no_kk` text of a cell: trimmed text, or a whole number's digits.
fn kk_text<'c>(cell: Cell<'c>) -> Option<std::borrow::Cow<'c, str>> {
    match cell {
        Cell::Text(s) if !s.trim().is_empty() => Some(std::borrow::Cow::Borrowed(s.trim())),
        Cell::UInt(u) => Some(std::borrow::Cow::Owned(u.to_string())),
        _ => None,
    }
}

/// 16 ASCII digits as a number.
fn sixteen_digits(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    (b.len() == 16 && b.iter().all(u8::is_ascii_digit)).then(|| super::id_fingerprint(s))
}

/// Rows of one table grouped by key, in table order within a group.
#[derive(Debug, Default)]
struct Groups {
    /// Row indices, grouped.
    order: Vec<u32>,
    /// Each key's range in `order`.
    ranges: HashMap<Key, (u32, u32), super::guard::FingerprintHash>,
    /// Rows without a `no_kk`.
    unkeyed: Vec<u32>,
}

/// Keys of `no_kk` texts that are not 16 digits (rare: invalid Nomor KK).
#[derive(Debug, Default)]
struct TextKeys(HashMap<String, Key>);

impl TextKeys {
    fn key_or_new(&mut self, s: &str) -> Key {
        if let Some(k) = sixteen_digits(s).or_else(|| self.0.get(s).copied()) {
            return k;
        }
        let k = TEXT_KEYS + self.0.len() as u64;
        self.0.insert(s.to_owned(), k);
        k
    }
}

/// No `no_kk` in the row.
const NO_KEY: Key = u64::MAX;

/// The keys of some rows, and the rows whose text must still be numbered.
type KeyChunk = (Vec<Key>, Vec<(usize, String)>);

/// The key of every row of `t` ([`NO_KEY`] for a row without `no_kk`).
/// The cells are read on every core (feature `parallel`); a `no_kk` that is
/// not 16 digits (rare: an invalid Nomor KK) is numbered afterwards, in
/// row order.
fn row_keys<T: Table + ?Sized>(t: &T, keys: &mut TextKeys) -> Vec<Key> {
    /// The keys of `rows`.
    fn chunk<T: Table + ?Sized>(t: &T, rows: std::ops::Range<usize>) -> KeyChunk {
        let mut out = Vec::with_capacity(rows.len());
        let mut texts = Vec::new();
        for row in rows {
            out.push(match kk_text(t.key_cell(row)) {
                None => NO_KEY,
                Some(s) => sixteen_digits(&s).unwrap_or_else(|| {
                    texts.push((row, s.into_owned()));
                    NO_KEY
                }),
            });
        }
        (out, texts)
    }
    let n = t.len();
    #[cfg(feature = "parallel")]
    let parts: Vec<KeyChunk> = {
        let workers = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let size = n.div_ceil(workers.max(1)).max(1);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..n)
                .step_by(size)
                .map(|a| s.spawn(move || chunk(t, a..(a + size).min(n))))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    #[cfg(not(feature = "parallel"))]
    let parts = vec![chunk(t, 0..n)];
    let mut all = Vec::with_capacity(n);
    let mut texts = Vec::new();
    for (k, tx) in parts {
        all.extend(k);
        texts.extend(tx);
    }
    for (row, text) in texts {
        if let Some(k) = all.get_mut(row) {
            *k = keys.key_or_new(&text);
        }
    }
    all
}

impl Groups {
    fn of(row_keys: &[Key]) -> Groups {
        let r32 = |r: usize| u32::try_from(r).unwrap_or(u32::MAX);
        let unkeyed: Vec<u32> = (0..row_keys.len())
            .filter(|&r| row_keys[r] == NO_KEY)
            .map(r32)
            .collect();
        let keyed = row_keys.iter().filter(|k| **k != NO_KEY);
        // Tables written family by family are already grouped: the rows in
        // file order, without sorting pairs.
        let sorted = keyed.clone().zip(keyed.skip(1)).all(|(a, b)| a <= b);
        let (order, keys): (Vec<u32>, Vec<Key>) = if sorted {
            let order: Vec<u32> = (0..row_keys.len())
                .filter(|&r| row_keys[r] != NO_KEY)
                .map(r32)
                .collect();
            let keys = order.iter().map(|&r| row_keys[r as usize]).collect();
            (order, keys)
        } else {
            let mut pairs: Vec<(Key, u32)> = row_keys
                .iter()
                .enumerate()
                .filter(|(_, k)| **k != NO_KEY)
                .map(|(r, k)| (*k, r32(r)))
                .collect();
            pairs.sort_unstable();
            pairs.into_iter().map(|(k, r)| (r, k)).unzip()
        };
        let mut ranges = HashMap::with_capacity_and_hasher(keys.len() / 2, Default::default());
        let mut start = 0usize;
        while start < keys.len() {
            let k = keys[start];
            let end = keys[start..]
                .iter()
                .position(|x| *x != k)
                .map_or(keys.len(), |n| start + n);
            ranges.insert(k, (r32(start), r32(end)));
            start = end;
        }
        Groups {
            order,
            ranges,
            unkeyed,
        }
    }

    fn rows(&self, key: Option<Key>) -> &[u32] {
        key.and_then(|k| self.ranges.get(&k))
            .and_then(|(a, b)| self.order.get(*a as usize..*b as usize))
            .unwrap_or_default()
    }
}

/// The three tables of a register, indexed by `no_kk` (in any order).
pub struct EntityTables<'t, F: Table + ?Sized, M: Table + ?Sized, X: Table + ?Sized> {
    families: &'t F,
    members: &'t M,
    measurements: &'t X,
    member_groups: Groups,
    measurement_groups: Groups,
    /// Each family row's key.
    family_keys: Vec<Key>,
}

/// The cell of a row, blank text read as missing.
fn cell<'r, R: TableRow<'r>>(row: &R, c: Column) -> Cell<'r> {
    row.cell(c).blank_missing()
}

impl<'t, F: Table + ?Sized, M: Table + ?Sized, X: Table + ?Sized> EntityTables<'t, F, M, X> {
    /// Indexes the member and measurement rows by `no_kk`. Memory: the
    /// tables plus about 12 bytes per row.
    pub fn new(families: &'t F, members: &'t M, measurements: &'t X) -> Self {
        let mut keys = TextKeys::default();
        let member_groups = Groups::of(&row_keys(members, &mut keys));
        let measurement_groups = Groups::of(&row_keys(measurements, &mut keys));
        let family_keys = row_keys(families, &mut keys);
        EntityTables {
            families,
            members,
            measurements,
            member_groups,
            measurement_groups,
            family_keys,
        }
    }

    /// Number of family rows (each one a record).
    pub fn len(&self) -> usize {
        self.families.len()
    }

    /// True when there is no family row.
    pub fn is_empty(&self) -> bool {
        self.families.is_empty()
    }

    /// The family table.
    pub fn families(&self) -> &'t F {
        self.families
    }

    fn key(&self, row: usize) -> Option<Key> {
        self.family_keys.get(row).copied().filter(|k| *k != NO_KEY)
    }

    /// Reads family row `row` with its member and measurement rows and
    /// validates it (a pure function: callable from any thread).
    pub fn read_family(&self, row: usize, opts: &RegisterOptions) -> TableRead {
        let f = self.families;
        let key = self.key(row);
        let members = self.member_groups.rows(key);
        let measurements = self.measurement_groups.rows(key);
        let here = |table: EntityTable, t_row: u64, error: FieldError| Located {
            table,
            row: t_row,
            error,
        };
        let frow = f.row(row);
        let mrows: Vec<M::Row<'t>> = members
            .iter()
            .map(|&r| self.members.row(r as usize))
            .collect();
        // Rows that cannot be read: the family is excluded with them alone.
        let mut broken: Vec<(Option<u32>, Located)> = Vec::new();
        if let Some(e) = frow.problem() {
            broken.push((None, here(EntityTable::Families, f.number(row), e)));
        }
        for (&m, mrow) in members.iter().zip(&mrows) {
            if let Some(e) = mrow.problem() {
                broken.push((
                    None,
                    here(EntityTable::Members, self.members.number(m as usize), e),
                ));
            }
        }
        if !broken.is_empty() {
            let read = RegisterRead {
                family: None,
                errors: broken.iter().map(|(_, l)| l.error.clone()).collect(),
                measurements_excluded: 0,
            };
            return TableRead {
                read,
                errors: broken,
            };
        }
        // Measurement rows that cannot be read are left out of the record.
        let mut readable: Vec<(u32, X::Row<'t>)> = Vec::with_capacity(measurements.len());
        let mut unreadable: Vec<(u32, FieldError)> = Vec::new();
        for &r in measurements {
            let xrow = self.measurements.row(r as usize);
            match xrow.problem() {
                None => readable.push((r, xrow)),
                Some(e) => unreadable.push((r, e)),
            }
        }
        let x = self.measurements;
        let raw = RawFamily {
            no_kk: cell(&frow, Column::NoKk),
            region_code: cell(&frow, Column::RegionCode),
            members: Field::Present(
                mrows
                    .iter()
                    .map(|m| {
                        Item::Object(RawMember {
                            name: cell(m, Column::Name),
                            nik: cell(m, Column::Nik),
                            sex: cell(m, Column::Sex),
                            birth_date: cell(m, Column::BirthDate),
                            relationship: cell(m, Column::Relationship),
                            marital_status: cell(m, Column::MaritalStatus),
                            unknown: None,
                        })
                    })
                    .collect(),
            ),
            housing: Field::Present(RawHousing {
                water_source: cell(&frow, Column::WaterSource),
                latrine: cell(&frow, Column::Latrine),
                septic_tank: cell(&frow, Column::SepticTank),
                gooseneck: cell(&frow, Column::Gooseneck),
                housing_layak: cell(&frow, Column::HousingLayak),
                unknown: None,
            }),
            wife_pregnant: cell(&frow, Column::WifePregnant),
            kb: {
                let (method, reason) =
                    (cell(&frow, Column::KbMethod), cell(&frow, Column::KbReason));
                if method.is_missing() && reason.is_missing() {
                    Field::Missing
                } else {
                    Field::Present(RawKb {
                        method,
                        reason_not_using: reason,
                        unknown: None,
                    })
                }
            },
            measurements: Field::Present(
                readable
                    .iter()
                    .map(|(_, x)| {
                        Item::Object(RawMeasurement {
                            nik: cell(x, Column::Nik),
                            member: cell(x, Column::Member),
                            measured_on: cell(x, Column::MeasuredOn),
                            weight_kg: cell(x, Column::WeightKg),
                            length_cm: cell(x, Column::LengthCm),
                            measure: cell(x, Column::Measure),
                            oedema: cell(x, Column::Oedema),
                            unknown: None,
                        })
                    })
                    .collect(),
            ),
        };
        let mut read = super::validate::validate(&RawRecord::Family(raw), opts);
        let mut errors: Vec<(Option<u32>, Located)> = Vec::new();
        if !read.errors.is_empty() {
            let rows = Rows {
                family: f.number(row),
                members: &members
                    .iter()
                    .map(|&r| self.members.number(r as usize))
                    .collect::<Vec<_>>(),
                measurements: &readable
                    .iter()
                    .map(|(r, _)| x.number(*r as usize))
                    .collect::<Vec<_>>(),
            };
            errors = read.errors.iter().map(|e| rows.locate(e.clone())).collect();
        }
        if read.family.is_some() {
            // Unreadable measurement rows, each an excluded measurement,
            // numbered after the readable ones.
            for (k, (r, e)) in unreadable.into_iter().enumerate() {
                let ix = u32::try_from(readable.len() + k).unwrap_or(u32::MAX);
                read.errors.push(e.clone());
                read.measurements_excluded += 1;
                errors.push((
                    Some(ix),
                    here(EntityTable::Measurements, x.number(r as usize), e),
                ));
            }
        }
        TableRead { read, errors }
    }

    /// Member and measurement rows that belong to no family row (their
    /// `no_kk` is missing, or no family row has it), in table order.
    pub fn orphans(&self) -> Vec<Located> {
        let mut families: std::collections::HashSet<Key, super::guard::FingerprintHash> =
            Default::default();
        for row in 0..self.families.len() {
            if let Some(k) = self.key(row) {
                families.insert(k);
            }
        }
        let mut out = orphan_rows(
            EntityTable::Members,
            self.members,
            &self.member_groups,
            &families,
        );
        out.extend(orphan_rows(
            EntityTable::Measurements,
            self.measurements,
            &self.measurement_groups,
            &families,
        ));
        out
    }
}

/// The rows of `groups` without a family, in table order.
fn orphan_rows<T: Table + ?Sized>(
    table: EntityTable,
    t: &T,
    groups: &Groups,
    families: &std::collections::HashSet<Key, super::guard::FingerprintHash>,
) -> Vec<Located> {
    let mut rows: Vec<(u32, ErrorCode)> = groups
        .unkeyed
        .iter()
        .map(|&r| (r, ErrorCode::Required))
        .collect();
    for (k, (a, b)) in &groups.ranges {
        if !families.contains(k) {
            let range = groups
                .order
                .get(*a as usize..*b as usize)
                .unwrap_or_default();
            rows.extend(range.iter().map(|&r| (r, ErrorCode::RegisterFamilyMissing)));
        }
    }
    rows.sort_unstable_by_key(|(r, _)| *r);
    rows.into_iter()
        .map(|(r, code)| Located {
            table,
            row: t.number(r as usize),
            error: FieldError::at("no_kk", code),
        })
        .collect()
}

/// The row numbers of one family's rows, to locate record paths.
struct Rows<'a> {
    family: u64,
    members: &'a [u64],
    measurements: &'a [u64],
}

impl Rows<'_> {
    /// The table, row and column of an error on the family's record, and
    /// the measurement's position for a measurement's error.
    fn locate(&self, e: FieldError) -> (Option<u32>, Located) {
        let segs = e.path().segments().to_vec();
        let at = |table, row, rest: &[PathSegment], m: Option<u32>| {
            let mut path = FieldPath::default();
            for s in rest {
                path.push(s.clone());
            }
            (
                m,
                Located {
                    table,
                    row,
                    error: e.clone().with_path(path),
                },
            )
        };
        let fam = EntityTable::Families;
        match segs.as_slice() {
            [PathSegment::Field("members"), PathSegment::Index(i), rest @ ..] => {
                match self.members.get(*i as usize) {
                    Some(r) => at(EntityTable::Members, *r, rest, None),
                    None => at(fam, self.family, &segs, None),
                }
            }
            [PathSegment::Field("measurements"), PathSegment::Index(i), rest @ ..] => {
                match self.measurements.get(*i as usize) {
                    Some(r) => at(EntityTable::Measurements, *r, rest, Some(*i)),
                    None => at(fam, self.family, &segs, None),
                }
            }
            [PathSegment::Field("housing"), rest @ ..] => at(fam, self.family, rest, None),
            [PathSegment::Field("kb"), PathSegment::Field("reason_not_using"), ..] => {
                at(fam, self.family, &[PathSegment::Field("kb_reason")], None)
            }
            [PathSegment::Field("kb"), ..] => {
                at(fam, self.family, &[PathSegment::Field("kb_method")], None)
            }
            _ => at(fam, self.family, &segs, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use serde_json::json;

    fn opts() -> RegisterOptions {
        RegisterOptions::new(NaiveDate::from_ymd_opt(2025, 7, 1).expect("date"))
    }

    fn tables() -> (Vec<Value>, Vec<Value>, Vec<Value>) {
        let fam = vec![
            json!({"no_kk": "6472052301150007", "region_code": "64.72.05.2001", "water_source": "ledeng",
                   "latrine": "sendiri", "septic_tank": "ya", "wife_pregnant": "0", "kb_method": "implant", "kb_reason": ""}),
            json!({"no_kk": "6472052301150008", "region_code": "64.72.05.2001", "water_source": "sumur_ajaib",
                   "latrine": "sendiri", "septic_tank": "1", "wife_pregnant": "", "kb_method": "", "kb_reason": ""}),
        ];
        let mem = vec![
            json!({"no_kk": "6472052301150007", "nik": "6472050101850003", "name": "Budi", "sex": "L",
                   "birth_date": "1985-01-01", "relationship": "kepala_keluarga", "marital_status": "kawin"}),
            json!({"no_kk": "6472052301159999", "nik": "6472050101850004", "name": "Ana", "sex": "L",
                   "birth_date": "1985-01-01", "relationship": "kepala_keluarga", "marital_status": "kawin"}),
            json!({"no_kk": "6472052301150007", "nik": "6472054507900002", "name": "Siti", "sex": "P",
                   "birth_date": "1990-07-05", "relationship": "istri", "marital_status": "kawin"}),
            json!({"no_kk": "6472052301150008", "nik": "6472050101850005", "name": "Adi", "sex": "L",
                   "birth_date": "1985-01-01", "relationship": "kepala_keluarga", "marital_status": "kawin"}),
            json!({"no_kk": "6472052301150007", "nik": "", "name": "Bayu", "sex": "L",
                   "birth_date": "2024-06-15", "relationship": "anak", "marital_status": "belum_kawin"}),
        ];
        let meas = vec![
            json!({"no_kk": "6472052301150007", "nik": "", "member": "2", "measured_on": "2024-01-01",
                   "weight_kg": "3,1", "length_cm": "", "measure": "", "oedema": ""}),
            json!({"no_kk": "", "nik": "", "member": "2", "measured_on": "2024-01-01"}),
            json!({"no_kk": "6472052301150007", "nik": "", "member": "2", "measured_on": "2025-06-01",
                   "weight_kg": "9,1", "length_cm": "74.0", "measure": "l", "oedema": "tidak"}),
        ];
        (fam, mem, meas)
    }

    /// Rows in any order are grouped by `no_kk`, keep their order within a
    /// family, and every problem names its table, row and column.
    #[test]
    fn groups_rows_in_any_order_and_locates_errors() {
        let (fam, mem, meas) = tables();
        let t = EntityTables::new(&fam[..], &mem[..], &meas[..]);
        let a = t.read_family(0, &opts());
        let f = a.read.family.as_ref().expect("family");
        let names: Vec<&str> = f.family.members().iter().map(|p| p.name()).collect();
        assert_eq!(names, ["Budi", "Siti", "Bayu"]);
        assert_eq!(f.measurements.len(), 1);
        assert!((f.measurements[0].weight_kg.unwrap_or(0.0) - 9.1).abs() < 1e-9);
        assert!(f.housing.septic_tank);
        let loc = |r: &TableRead| -> Vec<(Option<u32>, &str, u64, String, &str)> {
            r.errors
                .iter()
                .map(|(m, l)| {
                    (
                        *m,
                        l.table.as_str(),
                        l.row,
                        l.error.path().to_string(),
                        l.error.code().as_str(),
                    )
                })
                .collect()
        };
        assert_eq!(
            loc(&a),
            [(
                Some(0),
                "measurements",
                0,
                "measured_on".to_owned(),
                "measured_before_birth"
            )]
        );
        let b = t.read_family(1, &opts());
        assert!(b.read.family.is_none());
        assert_eq!(
            loc(&b),
            [(
                None,
                "families",
                1,
                "water_source".to_owned(),
                "invalid_code"
            )]
        );
        let orphans: Vec<_> = t
            .orphans()
            .into_iter()
            .map(|l| (l.table.as_str(), l.row, l.error.code().as_str()))
            .collect();
        assert_eq!(
            orphans,
            [
                ("members", 1, "register_family_missing"),
                ("measurements", 1, "required")
            ]
        );
    }

    /// A family from its rows is the family of the same record as one
    /// JSON object, with the same errors (paths aside).
    #[test]
    fn same_record_as_json_lines() {
        let (fam, mem, meas) = tables();
        let t = EntityTables::new(&fam[..], &mem[..], &meas[..]);
        let rec = json!({"no_kk": "6472052301150007", "region_code": "64.72.05.2001",
            "members": [
              {"name": "Budi", "nik": "6472050101850003", "sex": "L", "birth_date": "1985-01-01",
               "relationship": "kepala_keluarga", "marital_status": "kawin"},
              {"name": "Siti", "nik": "6472054507900002", "sex": "P", "birth_date": "1990-07-05",
               "relationship": "istri", "marital_status": "kawin"},
              {"name": "Bayu", "sex": "L", "birth_date": "2024-06-15",
               "relationship": "anak", "marital_status": "belum_kawin"}],
            "housing": {"water_source": "ledeng", "latrine": "sendiri", "septic_tank": true},
            "wife_pregnant": false, "kb": {"method": "implant"},
            "measurements": [{"member": 2, "measured_on": "2024-01-01", "weight_kg": 3.1},
                             {"member": 2, "measured_on": "2025-06-01", "weight_kg": 9.1,
                              "length_cm": 74.0, "measure": "l", "oedema": false}]});
        let j = super::super::RegisterFamily::from_value(&rec, &opts());
        assert_eq!(t.read_family(0, &opts()).read, j);
    }

    /// Several family rows with one `no_kk`: each is a record with the
    /// same member rows; the KB paths point at the family row's columns.
    #[test]
    fn repeated_family_rows_and_kb_paths() {
        let (mut fam, mem, meas) = tables();
        fam.push(fam[0].clone());
        fam[0]["kb_method"] = json!("");
        let t = EntityTables::new(&fam[..], &mem[..], &meas[..]);
        let first = t.read_family(0, &opts());
        let got: Vec<_> = first
            .errors
            .iter()
            .map(|(_, l)| (l.row, l.error.path().to_string(), l.error.code().as_str()))
            .collect();
        assert_eq!(got, [(0, "kb_method".to_owned(), "register_kb_missing")]);
        assert!(
            t.read_family(2, &opts()).read.family.is_some(),
            "the second record of the family stands on its own"
        );
        assert!(t
            .orphans()
            .iter()
            .all(|l| l.row != 0 && l.row != 2 && l.row != 4 || l.table != EntityTable::Members));
    }

    /// A `no_kk` that is not a Nomor KK still links its rows: the family
    /// is excluded for its Nomor KK, its rows are not orphans.
    #[test]
    fn invalid_nomor_kk_still_groups() {
        let fam = [json!({"no_kk": " 123 ", "region_code": "64.72.05.2001"})];
        let mem = [
            json!({"no_kk": "123", "name": "Ana"}),
            json!({"no_kk": 123, "name": "Adi"}),
        ];
        let t = EntityTables::new(&fam[..], &mem[..], &[][..]);
        let r = t.read_family(0, &opts());
        assert!(r.read.family.is_none());
        assert!(r
            .errors
            .iter()
            .any(|(_, l)| l.error.code().as_str() == "kk_length"));
        assert!(r
            .errors
            .iter()
            .any(|(_, l)| l.table == EntityTable::Members && l.row == 1));
        assert!(t.orphans().is_empty());
    }
}
