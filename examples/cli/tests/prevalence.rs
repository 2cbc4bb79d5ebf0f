//! `kampung prevalence` against WHO anthro's own outputs
//! (`shared/data/who-growth/testdata/prevalence`, see its README): the
//! table the command writes equals anthro's in every row and column within
//! 1e-6 (weighted sizes within 1e-9 relative), missing where anthro's is.

mod common;

use common::{kampung, read_csv, s, scratch, shared, text};

/// Runs the command on `input` with `args` and compares to `golden`.
fn check(input: &str, golden: &str, args: &[&str]) {
    let Some(dir) = shared("data/who-growth/testdata/prevalence") else {
        return;
    };
    let tmp = scratch(&format!("prev-{golden}"));
    let (out, errors) = (tmp.join("table.csv"), tmp.join("errors.csv"));
    let mut all = vec!["prevalence".to_owned(), s(&dir.join(input)).to_owned()];
    all.extend(args.iter().map(|a| (*a).to_owned()));
    all.extend(["-o", s(&out), "--errors", s(&errors), "--lang=en"].map(str::to_owned));
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let o = kampung(&refs);
    assert_eq!(o.status.code(), Some(0), "{golden}: {}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains(" rows read"),
        "{}",
        text(&o.stderr)
    );
    let (gh, grows) = read_csv(&dir.join(golden));
    let (h, rows) = read_csv(&out);
    assert_eq!(h, gh, "{golden}: columns");
    assert_eq!(rows.len(), grows.len(), "{golden}: rows");
    let num = |c: &str| -> f64 {
        if c.is_empty() || c == "NA" {
            f64::NAN
        } else {
            c.parse()
                .unwrap_or_else(|_| panic!("{golden}: not a number {c:?}"))
        }
    };
    let mut compared = 0;
    for (r, g) in rows.iter().zip(&grows) {
        assert_eq!(r[0], g[0], "{golden}: groups");
        for (k, name) in h.iter().enumerate().skip(1) {
            let (a, b) = (num(&r[k]), num(&g[k]));
            let tol = if name.ends_with("_pop") {
                1e-9 * b.abs().max(1.0)
            } else {
                1e-6
            };
            assert!(
                (a.is_nan() && b.is_nan()) || (a - b).abs() <= tol,
                "{golden} {} {name}: kampung {a} vs anthro {b}",
                r[0]
            );
            compared += 1;
        }
    }
    assert!(compared > 1000, "{golden}: {compared} cells");
    let notes = std::fs::read_to_string(&errors).expect("errors file");
    assert!(notes.starts_with("row,field,code,message\n"), "{notes}");
    std::fs::remove_dir_all(&tmp).ok();
}

const DESIGN: [&str; 6] = ["--sw", "sw", "--cluster", "cluster", "--strata", "strata"];

#[test]
fn full_design_equals_anthro() {
    check(
        "anthro_prevalence_input.csv",
        "anthro_prevalence_design_full.csv",
        &DESIGN,
    );
}

#[test]
fn no_design_equals_anthro() {
    check(
        "anthro_prevalence_input.csv",
        "anthro_prevalence_no_design.csv",
        &[],
    );
}

#[test]
fn weights_only_equals_anthro() {
    check(
        "anthro_prevalence_input.csv",
        "anthro_prevalence_weights_only.csv",
        &DESIGN[..2],
    );
}

#[test]
fn cluster_only_equals_anthro() {
    check(
        "anthro_prevalence_input.csv",
        "anthro_prevalence_cluster_only.csv",
        &DESIGN[2..4],
    );
}

#[test]
fn edge_cases_equal_anthro() {
    check(
        "anthro_prevalence_edge_input.csv",
        "anthro_prevalence_edge_design_full.csv",
        &DESIGN,
    );
    check(
        "anthro_prevalence_edge_input.csv",
        "anthro_prevalence_edge_no_design.csv",
        &[],
    );
}

/// A design column that is not in the file is a usage error naming it,
/// found from the header before any row is read; no output is left.
#[test]
fn missing_design_column_is_a_usage_error() {
    let tmp = scratch("prev-usage");
    let input = tmp.join("c.csv");
    std::fs::write(&input, "sex,age_days,weight,lenhei\n1,400,9.1,72\n").expect("write");
    let out = tmp.join("t.csv");
    let o = kampung(&["prevalence", s(&input), "--cluster", "psu", "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("column=psu"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        std::fs::read_dir(&tmp).expect("dir").count(),
        1,
        "no output left"
    );
    for bad in [
        &["--lonely-psu", "drop"][..],
        &["--by", "region=x"],
        &["--method", "simple"],
    ] {
        let mut args = vec!["prevalence", s(&input)];
        args.extend(bad);
        let o = kampung(&args);
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
    }
    // The data-quality report instead of the table, with a bad row noted.
    std::fs::write(
        &input,
        "sex,age_days,weight,lenhei\n1,400,9.1,72\n2,800,11,83.5\n3,900,12,85\n",
    )
    .expect("write");
    let o = kampung(&[
        "prevalence",
        s(&input),
        "--quality",
        "-o",
        s(&out),
        "--lang=en",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("3 rows read; 1 rows "),
        "{}",
        text(&o.stderr)
    );
    assert!(
        std::fs::read_to_string(&out)
            .expect("report")
            .lines()
            .count()
            > 5
    );
    std::fs::remove_dir_all(&tmp).ok();
}
