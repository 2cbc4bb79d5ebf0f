//! `kampung pseudonymize`: a thin shell over `kampung_core::pseudonym`.
//! The key is read from its file and never written anywhere.

use crate::{at, AtomicFile, Failure, Locale};
use kampung_core::pseudonym::{self as ps, BirthDatePrecision, PseudonymKey, RegionPrecision};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct PseudonymizeArgs {
    /// Register, one family per line (`-`: stdin).
    #[arg(conflicts_with = "families", required_unless_present = "families")]
    register: Option<PathBuf>,
    /// CSV register: the families file (with --members, --measurements, --out-dir).
    #[arg(long, requires_all = ["members", "measurements", "out_dir"])]
    families: Option<PathBuf>,
    /// CSV register: the members file.
    #[arg(long, requires = "families")]
    members: Option<PathBuf>,
    /// CSV register: the measurements file.
    #[arg(long, requires = "families")]
    measurements: Option<PathBuf>,
    /// Secret key: a file of at least 32 bytes (`head -c 32 /dev/urandom > KEY`).
    #[arg(long)]
    key_file: PathBuf,
    /// Output JSON Lines file.
    #[arg(short, long, required_unless_present = "families")]
    output: Option<PathBuf>,
    /// Folder for the pseudonymised CSV files (same file names).
    #[arg(long, conflicts_with = "output")]
    out_dir: Option<PathBuf>,
    /// Keep only the month of dates of birth (changes ages in the report).
    #[arg(long)]
    birth_month: bool,
    /// Keep region codes at kecamatan level (the report then has kecamatan rows).
    #[arg(long)]
    kecamatan: bool,
}

pub fn run(a: &PseudonymizeArgs) -> Result<ExitCode, Failure> {
    let mut secret = std::fs::read(&a.key_file).map_err(at(&a.key_file))?;
    let key = PseudonymKey::new(&secret);
    secret.fill(0);
    let key = key.map_err(|e| format!("{}: {}", a.key_file.display(), e.message(Locale::En)))?;
    let mut opts = ps::PseudonymOptions::new();
    if a.birth_month {
        opts = opts.with_birth_date(BirthDatePrecision::Month);
    }
    if a.kecamatan {
        opts = opts.with_region(RegionPrecision::Kecamatan);
    }
    let csv = [&a.families, &a.members, &a.measurements];
    if let (Some(dir), [Some(f), Some(m), Some(x)]) = (&a.out_dir, csv) {
        for f in [f, m, x] {
            let text = std::fs::read(f).map_err(at(f))?;
            let out_path = dir.join(f.file_name().unwrap_or(f.as_os_str()));
            let mut out = AtomicFile::create(&out_path)?;
            ps::csv::pseudonymize_csv(&text, &mut out, &key, &opts)
                .map_err(|e| format!("{}: {e}", f.display()))?;
            out.commit()?;
        }
    } else if let (Some(input), Some(output)) = (&a.register, &a.output) {
        let mut out = AtomicFile::create(output)?;
        let reader = crate::open(input)?;
        ps::pseudonymize_json_lines(reader, &mut out, &key, &opts).map_err(at(input))?;
        out.commit()?;
    }
    Ok(ExitCode::SUCCESS)
}
