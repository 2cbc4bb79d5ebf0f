//! Output files written whole or not at all, as every kampung program
//! writes its results (the command line's `-o`, `--html`, `--errors`).

use std::io::Write;
use std::path::{Path, PathBuf};

/// A file written beside its final path and renamed there once complete
/// ([`AtomicFile::commit`]), so an interrupted run never leaves a truncated
/// file that looks complete; dropped without a commit, it leaves nothing.
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    out: Option<std::io::BufWriter<std::fs::File>>,
}

/// `path: error`, keeping the error's kind.
fn at(path: &Path) -> impl Fn(std::io::Error) -> std::io::Error + '_ {
    move |e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

impl AtomicFile {
    /// Creates the temporary file `.NAME.PID.tmp` beside `path`.
    ///
    /// # Errors
    /// The file system's, prefixed with `path`.
    pub fn create(path: &Path) -> std::io::Result<AtomicFile> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let f = std::fs::File::create(&tmp).map_err(at(path))?;
        Ok(AtomicFile {
            path: path.to_owned(),
            tmp,
            out: Some(std::io::BufWriter::with_capacity(1 << 20, f)),
        })
    }

    /// Flushes, syncs and renames into place.
    ///
    /// # Errors
    /// The file system's, prefixed with the final path.
    pub fn commit(mut self) -> std::io::Result<()> {
        if let Some(out) = self.out.take() {
            let f = out
                .into_inner()
                .map_err(|e| at(&self.path)(e.into_error()))?;
            f.sync_all().map_err(at(&self.path))?;
        }
        std::fs::rename(&self.tmp, &self.path).map_err(at(&self.path))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.as_mut().map_or(Ok(0), |o| o.write(buf))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.as_mut().map_or(Ok(()), Write::flush)
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.out.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_or_nothing() {
        let dir = std::env::temp_dir().join(format!("kampung-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("a.csv"), dir.join("b.csv"));
        let mut f = AtomicFile::create(&a).unwrap();
        f.write_all(b"x\n").unwrap();
        f.commit().unwrap();
        drop(AtomicFile::create(&b).unwrap());
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.csv"]);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "x\n");
        let e = AtomicFile::create(&dir.join("no/such/c.csv")).unwrap_err();
        assert!(e.to_string().contains("c.csv"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
