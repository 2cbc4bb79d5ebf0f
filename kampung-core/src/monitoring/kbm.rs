//! *Kenaikan Berat badan Minimal* (KBM): the smallest monthly gain, in
//! grams, by sex and completed months at the current weighing, that counts
//! as *naik* (MONITORING.md §1.3). Tables are data with their sources.

use crate::sex::Sex;
use serde::Serialize;

/// One KBM table: grams for ages 1-11 months and one value for 12-59
/// months. An age of 0 reads the 1-month value (MONITORING.md R5, DERIVED).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct KbmTable {
    /// Stable name of the table.
    pub name: &'static str,
    /// Boys: `[1 mo, 2 mo, … 11 mo, 12-59 mo]`.
    pub boys: [u16; 12],
    /// Girls, same layout.
    pub girls: [u16; 12],
    /// Where the figures come from, with the evidence tag.
    #[serde(skip)]
    pub source: &'static str,
}

impl KbmTable {
    /// The KBM in grams for `sex` at `age_months` (0 reads 1; 12 and over
    /// read the 12-59 value).
    #[inline]
    pub fn grams(&self, sex: Sex, age_months: i32) -> i32 {
        let row = match sex {
            Sex::Male => &self.boys,
            Sex::Female => &self.girls,
        };
        let i = usize::try_from(age_months.clamp(1, 12) - 1).unwrap_or(0);
        i32::from(row[i])
    }
}

/// Default: the sex-specific table (MONITORING.md §1.3). \[KIA23\] prints a
/// KBM row for ages 0-24 reading 800, 900, 800, 600, 500, 400, 300, 200
/// with merged cells **\[A, partial\]**; the split by sex and the 200 g for
/// 25-59 months come from two public apps quoting the KMS (PRIOR_ART.md:
/// kahfibaidowi/data-stunting `SkriningBalitaRepo.php`, a second
/// TypeScript app) **\[C\]**. Open question MONITORING.md §6.1.
pub const KBM_SEX_SPECIFIC: KbmTable = KbmTable {
    name: "sex_specific",
    boys: [800, 900, 800, 600, 500, 400, 400, 300, 300, 300, 300, 200],
    girls: [800, 900, 800, 600, 500, 400, 300, 300, 300, 300, 200, 200],
    source: "Buku KIA 2023 KMS page [KIA23] [A, partial]; sex split and 25-59 mo: public apps quoting the KMS [C] (MONITORING.md §1.3)",
};

/// Field variant: the girls' row for both sexes (MONITORING.md §1.3,
/// "variants in the field", option only).
pub const KBM_GIRLS_BOTH: KbmTable = KbmTable {
    name: "girls_row_both_sexes",
    boys: [800, 900, 800, 600, 500, 400, 300, 300, 300, 300, 200, 200],
    girls: [800, 900, 800, 600, 500, 400, 300, 300, 300, 300, 200, 200],
    source: "field variant: girls' row for both sexes (MONITORING.md §1.3) [C]",
};

/// Field variant: unisex "7 → 400, 8-10 → 300, 11+ → 200", with the
/// \[KIA23\] values for 1-6 months (MONITORING.md §1.3, option only).
pub const KBM_UNISEX_7_400: KbmTable = KbmTable {
    name: "unisex_7_400",
    boys: [800, 900, 800, 600, 500, 400, 400, 300, 300, 300, 200, 200],
    girls: [800, 900, 800, 600, 500, 400, 400, 300, 300, 300, 200, 200],
    source: "field variant: unisex 7 -> 400, 8-10 -> 300, 11+ -> 200 (MONITORING.md §1.3) [C]",
};

/// Every bundled KBM table, default first.
pub const KBM_TABLES: [KbmTable; 3] = [KBM_SEX_SPECIFIC, KBM_GIRLS_BOTH, KBM_UNISEX_7_400];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sex_specific_values() {
        let t = KBM_SEX_SPECIFIC;
        assert_eq!(t.grams(Sex::Male, 0), 800);
        assert_eq!(t.grams(Sex::Male, 2), 900);
        assert_eq!(t.grams(Sex::Male, 7), 400);
        assert_eq!(t.grams(Sex::Female, 7), 300);
        assert_eq!(t.grams(Sex::Female, 11), 200);
        assert_eq!(t.grams(Sex::Male, 11), 300);
        assert_eq!(t.grams(Sex::Male, 59), 200);
    }

    /// Both rows, read over 0-24 months with merged cells, give the
    /// \[KIA23\] sequence 800, 900, 800, 600, 500, 400, 300, 200.
    #[test]
    fn rows_reduce_to_the_kia_sequence() {
        for sex in [Sex::Male, Sex::Female] {
            let mut seq: Vec<i32> = (1..=24).map(|a| KBM_SEX_SPECIFIC.grams(sex, a)).collect();
            seq.dedup();
            assert_eq!(seq, [800, 900, 800, 600, 500, 400, 300, 200], "{sex:?}");
        }
    }
}
