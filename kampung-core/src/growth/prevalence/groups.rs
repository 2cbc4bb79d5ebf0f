//! The groups (`Group` rows) of WHO anthro's prevalence table: labels,
//! levels and their order, which differ between anthro's computation paths
//! (`R/prevalence.R`, `R/prevalence-simple.R`, `R/prevalence-survey.R`).

use crate::survey::Domain;
use std::collections::HashMap;

/// Values of one grouping variable (`typeres`, `gregion`, `wealthq`,
/// `mothered`, `othergr`), one per child.
///
/// How anthro orders the groups depends on the kind of values (R's vector
/// type) and on the computation path ([`super::Method`]): text and numbers
/// are sorted (text by Unicode code point, i.e. R in the C locale; numbers
/// numerically) on the survey path, and kept in order of first appearance,
/// with a group `NA` for missing values, on the other paths; a factor keeps
/// its levels (all of them, used or not) on every path.
#[derive(Clone, Copy, Debug)]
pub enum GroupValues<'a> {
    /// Text (an R character vector); `None` is missing.
    Text(&'a [Option<&'a str>]),
    /// Numbers (an R numeric vector); NaN is missing. Labels are written
    /// as R's `as.character` writes them (15 significant digits; `1e+05`).
    Numbers(&'a [f64]),
    /// Text already coded: child `i` has `labels[codes[i]]`, a code at or
    /// beyond `labels.len()` is missing ([`Domain::NO_GROUP`]). Same meaning
    /// as [`GroupValues::Text`] (e.g. from `pandas.factorize`).
    Coded {
        /// Code of each child.
        codes: &'a [u32],
        /// The distinct texts.
        labels: &'a [&'a str],
    },
    /// An R factor: `levels` in their order, every level a group even when
    /// empty; a code at or beyond `levels.len()` is missing.
    Factor {
        /// Level of each child.
        codes: &'a [u32],
        /// The levels, in order.
        levels: &'a [&'a str],
    },
}

impl GroupValues<'_> {
    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            GroupValues::Text(v) => v.len(),
            GroupValues::Numbers(v) => v.len(),
            GroupValues::Coded { codes, .. } | GroupValues::Factor { codes, .. } => codes.len(),
        }
    }

    /// True when there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Whether the groups are in anthro's survey-path order (sorted, no `NA`
/// group) or its other paths' order (first appearance, `NA` group).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Order {
    Sorted,
    FirstAppearance,
}

/// One output row of a grouping variable: its label, and the engine level
/// that holds its children (None: the `NA` group, whose estimates are
/// missing and whose sizes are 0 — anthro selects no child for it).
#[derive(Clone, Debug)]
pub(crate) struct Level {
    pub label: String,
    pub engine: Option<u32>,
}

/// A grouping variable ready for the survey engine: per child the engine
/// level (or [`Domain::NO_GROUP`]), and the output rows in order.
#[derive(Clone, Debug)]
pub(crate) struct Grouping {
    /// "All", "Age group", … (anthro's labels).
    pub name: &'static str,
    pub codes: Vec<u32>,
    pub levels: u32,
    pub rows: Vec<Level>,
}

impl Grouping {
    pub fn domain(&self) -> Domain<'_> {
        Domain::Groups {
            codes: &self.codes,
            levels: self.levels,
        }
    }

    /// The row label as anthro writes it: `All`, or `<name>: <level>`.
    pub fn row_label(&self, level: &Level) -> String {
        if self.name == "All" {
            "All".to_owned()
        } else {
            format!("{}: {}", self.name, level.label)
        }
    }

    /// True when every child is missing (anthro leaves such a variable out).
    pub fn all_missing(&self) -> bool {
        self.codes.iter().all(|&c| c >= self.levels)
    }

    /// A factor: `levels` in order, codes given.
    pub fn factor(name: &'static str, codes: Vec<u32>, levels: &[&str]) -> Grouping {
        let n = u32::try_from(levels.len()).unwrap_or(u32::MAX);
        Grouping {
            name,
            codes,
            levels: n,
            rows: levels
                .iter()
                .zip(0..)
                .map(|(l, k)| Level {
                    label: (*l).to_owned(),
                    engine: Some(k),
                })
                .collect(),
        }
    }

    /// A character or numeric vector (`keep[i]` false: the child is not in
    /// the table at all), ordered per `order`.
    pub fn from_values(
        name: &'static str,
        values: &GroupValues<'_>,
        keep: &[bool],
        order: Order,
    ) -> Grouping {
        if let GroupValues::Factor { codes, levels } = values {
            let n = u32::try_from(levels.len()).unwrap_or(u32::MAX);
            let codes = codes
                .iter()
                .zip(keep)
                .filter(|(_, &k)| k)
                .map(|(&c, _)| if c < n { c } else { Domain::NO_GROUP })
                .collect();
            return Grouping::factor(name, codes, levels);
        }
        // distinct values in order of first appearance (among kept children)
        let (raw, labels, sort_keys) = first_appearance(values, keep);
        let mut missing_first_at: Option<usize> = None;
        let mut seen: Vec<Option<usize>> = vec![None; labels.len()];
        let mut appearance: Vec<usize> = Vec::with_capacity(labels.len());
        for (pos, &c) in raw.iter().enumerate() {
            if c == Domain::NO_GROUP {
                if missing_first_at.is_none() {
                    missing_first_at = Some(appearance.len());
                }
            } else if seen[c as usize].is_none() {
                seen[c as usize] = Some(pos);
                appearance.push(c as usize);
            }
        }
        // output order of the distinct values
        let mut out_order: Vec<usize> = appearance.clone();
        if order == Order::Sorted {
            out_order.sort_by(|&a, &b| sort_keys.cmp(a, b));
        }
        let mut engine_of = vec![Domain::NO_GROUP; labels.len()];
        let mut rows = Vec::with_capacity(out_order.len() + 1);
        for (k, &v) in out_order.iter().enumerate() {
            engine_of[v] = u32::try_from(k).unwrap_or(u32::MAX);
            rows.push(Level {
                label: labels[v].clone(),
                engine: Some(engine_of[v]),
            });
        }
        if order == Order::FirstAppearance {
            if let Some(at) = missing_first_at {
                rows.insert(
                    at,
                    Level {
                        label: "NA".to_owned(),
                        engine: None,
                    },
                );
            }
        }
        let codes = raw
            .iter()
            .map(|&c| {
                if c == Domain::NO_GROUP {
                    c
                } else {
                    engine_of[c as usize]
                }
            })
            .collect();
        Grouping {
            name,
            codes,
            levels: u32::try_from(out_order.len()).unwrap_or(u32::MAX),
            rows,
        }
    }
}

/// How distinct values sort on the survey path.
enum SortKeys {
    Text(Vec<String>),
    Numbers(Vec<f64>),
}

impl SortKeys {
    fn cmp(&self, a: usize, b: usize) -> std::cmp::Ordering {
        match self {
            SortKeys::Text(t) => t[a].as_bytes().cmp(t[b].as_bytes()),
            SortKeys::Numbers(x) => x[a].total_cmp(&x[b]),
        }
    }
}

/// Per kept child its distinct-value code (NO_GROUP when missing), the
/// distinct values' labels, and their sort keys.
fn first_appearance(values: &GroupValues<'_>, keep: &[bool]) -> (Vec<u32>, Vec<String>, SortKeys) {
    let mut codes = Vec::with_capacity(keep.len());
    match values {
        GroupValues::Text(v) => {
            let mut map: HashMap<&str, u32> = HashMap::new();
            let mut labels: Vec<String> = Vec::new();
            for (x, _) in v.iter().zip(keep).filter(|(_, &k)| k) {
                codes.push(match x {
                    None => Domain::NO_GROUP,
                    Some(s) => *map.entry(s).or_insert_with(|| {
                        labels.push((*s).to_owned());
                        u32::try_from(labels.len() - 1).unwrap_or(u32::MAX)
                    }),
                });
            }
            let keys = SortKeys::Text(labels.clone());
            (codes, labels, keys)
        }
        GroupValues::Coded {
            codes: c,
            labels: l,
        } => {
            let n = u32::try_from(l.len()).unwrap_or(u32::MAX);
            // renumber by first appearance among kept children
            let mut remap = vec![Domain::NO_GROUP; l.len()];
            let mut labels: Vec<String> = Vec::new();
            for (&x, _) in c.iter().zip(keep).filter(|(_, &k)| k) {
                codes.push(if x >= n {
                    Domain::NO_GROUP
                } else {
                    let r = &mut remap[x as usize];
                    if *r == Domain::NO_GROUP {
                        labels.push(l[x as usize].to_owned());
                        *r = u32::try_from(labels.len() - 1).unwrap_or(u32::MAX);
                    }
                    *r
                });
            }
            let keys = SortKeys::Text(labels.clone());
            (codes, labels, keys)
        }
        GroupValues::Numbers(v) => {
            let mut map: HashMap<u64, u32> = HashMap::new();
            let mut nums: Vec<f64> = Vec::new();
            for (&x, _) in v.iter().zip(keep).filter(|(_, &k)| k) {
                codes.push(if x.is_nan() {
                    Domain::NO_GROUP
                } else {
                    let key = if x == 0.0 {
                        0.0_f64.to_bits()
                    } else {
                        x.to_bits()
                    };
                    *map.entry(key).or_insert_with(|| {
                        nums.push(x);
                        u32::try_from(nums.len() - 1).unwrap_or(u32::MAX)
                    })
                });
            }
            let labels = nums.iter().map(|&x| r_number_label(x)).collect();
            (codes, labels, SortKeys::Numbers(nums))
        }
        GroupValues::Factor { .. } => (codes, Vec::new(), SortKeys::Text(Vec::new())),
    }
}

/// A number written as R's `as.character` writes a double (R 4.2): up to 15
/// significant digits, fixed notation unless scientific is shorter
/// (`100000` → `1e+05`, `123456` → `123456`, `0.0001` → `1e-04`).
pub(crate) fn r_number_label(x: f64) -> String {
    if x.is_nan() {
        return "NA".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Inf" } else { "-Inf" }.to_owned();
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    let sci = format!("{:.14e}", x.abs());
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let sign = if x < 0.0 { "-" } else { "" };
    // scientific: d[.ddd]e±XX
    let mut s = String::from(sign);
    s.push_str(&digits[..1]);
    if digits.len() > 1 {
        s.push('.');
        s.push_str(&digits[1..]);
    }
    s.push_str(&format!(
        "e{}{:02}",
        if exp < 0 { '-' } else { '+' },
        exp.abs()
    ));
    // fixed
    let nd = i32::try_from(digits.len()).unwrap_or(15);
    let mut f = String::from(sign);
    if exp >= 0 {
        if nd <= exp + 1 {
            f.push_str(digits);
            for _ in 0..(exp + 1 - nd) {
                f.push('0');
            }
        } else {
            let cut = usize::try_from(exp + 1).unwrap_or(0);
            f.push_str(&digits[..cut]);
            f.push('.');
            f.push_str(&digits[cut..]);
        }
    } else {
        f.push_str("0.");
        for _ in 0..(-exp - 1) {
            f.push('0');
        }
        f.push_str(digits);
    }
    if f.len() <= s.len() {
        f
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_labelled_as_r_does() {
        // R 4.2: as.character(c(1, 2.5, 100000, 123456, 1e-4, 0.1 + 0.2, -3, 1/3, 1e15, 12))
        let cases = [
            (1.0, "1"),
            (2.5, "2.5"),
            (100_000.0, "1e+05"),
            (123_456.0, "123456"),
            (1e-4, "1e-04"),
            (0.1 + 0.2, "0.3"),
            (-3.0, "-3"),
            (1.0 / 3.0, "0.333333333333333"),
            (1e15, "1e+15"),
            (12.0, "12"),
            (0.0, "0"),
        ];
        for (x, r) in cases {
            assert_eq!(r_number_label(x), r, "{x}");
        }
    }

    #[test]
    fn orders_per_path() {
        let v = [Some("b"), None, Some("a"), Some("b"), Some("c")];
        let keep = [true; 5];
        let s = Grouping::from_values("X", &GroupValues::Text(&v), &keep, Order::Sorted);
        let labels: Vec<&str> = s.rows.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["a", "b", "c"]);
        assert_eq!(s.codes, [1, Domain::NO_GROUP, 0, 1, 2]);
        let f = Grouping::from_values("X", &GroupValues::Text(&v), &keep, Order::FirstAppearance);
        let labels: Vec<&str> = f.rows.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["b", "NA", "a", "c"]);
        assert!(f.rows[1].engine.is_none());
        let nums = [10.0, 9.0, f64::NAN, 10.0];
        let s = Grouping::from_values("X", &GroupValues::Numbers(&nums), &[true; 4], Order::Sorted);
        let labels: Vec<&str> = s.rows.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["9", "10"]);
        let codes = [1, 0, 5];
        let lv = ["x", "y", "z"];
        let fa = Grouping::from_values(
            "X",
            &GroupValues::Factor {
                codes: &codes,
                levels: &lv,
            },
            &[true, true, true],
            Order::FirstAppearance,
        );
        assert_eq!(fa.rows.len(), 3);
        assert_eq!(fa.codes, [1, 0, Domain::NO_GROUP]);
        let coded = GroupValues::Coded {
            codes: &[2, 0, 2, 9],
            labels: &["q", "r", "p"],
        };
        let c = Grouping::from_values("X", &coded, &[true, true, false, true], Order::Sorted);
        let labels: Vec<&str> = c.rows.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["p", "q"]);
        assert_eq!(c.codes, [0, 1, Domain::NO_GROUP]);
    }
}
