//! The WHO 2006 batch on several threads: the rows are cut into one block
//! per thread and each block runs [`zscores_2006`] on its own slices of the
//! same input and output columns (no copy, no allocation per row).

#[cfg(not(target_arch = "wasm32"))]
use super::who2006::{zscores_2006, Tables2006, ZscoreOptions};
use super::who2006::{Input2006, Output2006};
#[cfg(not(target_arch = "wasm32"))]
use super::RowError;
#[cfg(not(target_arch = "wasm32"))]
use crate::error::Error;

impl<'a> Input2006<'a> {
    /// Rows `start..end` of every column (clamped to the column lengths).
    pub fn rows(&self, start: usize, end: usize) -> Input2006<'a> {
        fn cut<T>(s: &[T], start: usize, end: usize) -> &[T] {
            let e = end.min(s.len());
            s.get(start.min(e)..e).unwrap_or(&[])
        }
        let opt = |c: Option<&'a [f64]>| c.map(|s| cut(s, start, end));
        Input2006 {
            sex: cut(self.sex, start, end),
            age: cut(self.age, start, end),
            age_in_month: self.age_in_month,
            weight: opt(self.weight),
            lenhei: opt(self.lenhei),
            measure: self.measure.map(|s| cut(s, start, end)),
            headc: opt(self.headc),
            armc: opt(self.armc),
            triskin: opt(self.triskin),
            subskin: opt(self.subskin),
            oedema: self.oedema.map(|s| cut(s, start, end)),
        }
    }
}

impl<'a> Output2006<'a> {
    /// Splits every column at row `mid` (clamped): rows `..mid` and `mid..`.
    pub fn split_at(self, mid: usize) -> (Output2006<'a>, Output2006<'a>) {
        fn s(c: &mut [f64], mid: usize) -> (&mut [f64], &mut [f64]) {
            let m = mid.min(c.len());
            c.split_at_mut(m)
        }
        let (clenhei, clenhei2) = s(self.clenhei, mid);
        let (cbmi, cbmi2) = s(self.cbmi, mid);
        let (c9mo_flag, c9mo_flag2) = s(self.c9mo_flag, mid);
        let (zlen, zlen2) = s(self.zlen, mid);
        let (flen, flen2) = s(self.flen, mid);
        let (zwei, zwei2) = s(self.zwei, mid);
        let (fwei, fwei2) = s(self.fwei, mid);
        let (zwfl, zwfl2) = s(self.zwfl, mid);
        let (fwfl, fwfl2) = s(self.fwfl, mid);
        let (zbmi, zbmi2) = s(self.zbmi, mid);
        let (fbmi, fbmi2) = s(self.fbmi, mid);
        let (zhc, zhc2) = s(self.zhc, mid);
        let (fhc, fhc2) = s(self.fhc, mid);
        let (zac, zac2) = s(self.zac, mid);
        let (fac, fac2) = s(self.fac, mid);
        let (zts, zts2) = s(self.zts, mid);
        let (fts, fts2) = s(self.fts, mid);
        let (zss, zss2) = s(self.zss, mid);
        let (fss, fss2) = s(self.fss, mid);
        (
            Output2006 {
                clenhei,
                cbmi,
                c9mo_flag,
                zlen,
                flen,
                zwei,
                fwei,
                zwfl,
                fwfl,
                zbmi,
                fbmi,
                zhc,
                fhc,
                zac,
                fac,
                zts,
                fts,
                zss,
                fss,
            },
            Output2006 {
                clenhei: clenhei2,
                cbmi: cbmi2,
                c9mo_flag: c9mo_flag2,
                zlen: zlen2,
                flen: flen2,
                zwei: zwei2,
                fwei: fwei2,
                zwfl: zwfl2,
                fwfl: fwfl2,
                zbmi: zbmi2,
                fbmi: fbmi2,
                zhc: zhc2,
                fhc: fhc2,
                zac: zac2,
                fac: fac2,
                zts: zts2,
                fts: fts2,
                zss: zss2,
                fss: fss2,
            },
        )
    }
}

/// [`zscores_2006`] on up to `threads` threads (results and row errors are
/// identical to one call; errors come in row order). Below 16,384 rows per
/// thread it runs on the calling thread.
///
/// # Errors
/// As [`zscores_2006`] (mismatched column lengths, a skinfold column
/// without its table).
#[cfg(not(target_arch = "wasm32"))]
pub fn zscores_2006_threaded(
    input: &Input2006<'_>,
    tables: &Tables2006,
    options: ZscoreOptions,
    out: Output2006<'_>,
    errors: &mut Vec<RowError>,
    threads: usize,
) -> Result<(), Error> {
    const MIN_ROWS_PER_THREAD: usize = 16_384;
    let n = input.sex.len();
    let k = threads.clamp(1, (n / MIN_ROWS_PER_THREAD).max(1));
    if k == 1 {
        let mut out = out;
        return zscores_2006(input, tables, options, &mut out, errors);
    }
    // Checked once on the whole call, so no part can fail half-way.
    super::who2006::check_call(input, tables, &out)?;
    let block = n.div_ceil(k);
    let mut parts = Vec::with_capacity(k);
    let mut rest = out;
    for i in 0..k {
        let (head, tail) = rest.split_at(block);
        parts.push((i * block, head));
        rest = tail;
    }
    let results: Vec<Result<Vec<RowError>, Error>> = std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|(start, mut part)| {
                let sub = input.rows(start, start + block);
                scope.spawn(move || {
                    let mut errs = Vec::new();
                    zscores_2006(&sub, tables, options, &mut part, &mut errs).map(|()| {
                        errs.iter_mut().for_each(|e| e.row += start);
                        errs
                    })
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    for r in results {
        errors.extend(r?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::growth::Columns2006;

    #[test]
    fn threaded_equals_one_call() {
        let n = 70_001;
        let sex: Vec<u8> = (0..n).map(|i| [1, 2, 0, 3][i % 4]).collect();
        let age: Vec<f64> = (0..n).map(|i| (i % 1900) as f64 - 5.0).collect();
        let weight: Vec<f64> = (0..n).map(|i| 2.0 + (i % 23) as f64).collect();
        let lenhei: Vec<f64> = (0..n).map(|i| 45.0 + (i % 80) as f64 * 0.93).collect();
        let measure: Vec<u8> = (0..n).map(|i| [b'l', b'h', 0][i % 3]).collect();
        let input = Input2006 {
            sex: &sex,
            age: &age,
            weight: Some(&weight),
            lenhei: Some(&lenhei),
            measure: Some(&measure),
            ..Default::default()
        };
        let tables = Tables2006::bundled();
        let (mut a, mut b) = (Columns2006::new(n), Columns2006::new(n));
        let (mut ea, mut eb) = (Vec::new(), Vec::new());
        zscores_2006(
            &input,
            &tables,
            ZscoreOptions::default(),
            &mut a.output(),
            &mut ea,
        )
        .expect("one call");
        zscores_2006_threaded(
            &input,
            &tables,
            ZscoreOptions::default(),
            b.output(),
            &mut eb,
            3,
        )
        .expect("threads");
        for ((name, x), (_, y)) in a.named().iter().zip(b.named().iter()) {
            assert!(
                x.iter()
                    .zip(y.iter())
                    .all(|(p, q)| p.to_bits() == q.to_bits()),
                "{name}"
            );
        }
        assert_eq!(ea, eb);
    }

    #[test]
    fn threaded_checks_shapes_first() {
        let sex = vec![1u8; 40_000];
        let age = vec![100.0; 40_000];
        let weight = vec![5.0; 39_999];
        let input = Input2006 {
            sex: &sex,
            age: &age,
            weight: Some(&weight),
            ..Default::default()
        };
        let mut out = Columns2006::new(40_000);
        let r = zscores_2006_threaded(
            &input,
            &Tables2006::bundled(),
            ZscoreOptions::default(),
            out.output(),
            &mut Vec::new(),
            2,
        );
        assert!(matches!(r, Err(Error::Shape(_))));
    }
}
