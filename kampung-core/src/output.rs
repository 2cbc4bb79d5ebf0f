//! Output files written whole or not at all.
//!
//! [`AtomicFile`] writes beside its final path (a hidden temporary file in
//! the same folder, so the rename cannot cross file systems) and renames
//! it into place only when [`AtomicFile::commit`] has flushed and synced
//! it: an interrupted run never leaves a truncated file that looks
//! complete. When the run fails (the file is dropped without a commit), the
//! temporary file is removed **and so is an earlier file at that path**,
//! so that a file found there afterwards is always the complete result of
//! a run that succeeded, never a stale one from an earlier run.
//!
//! A path that is not a regular file (a device such as `/dev/null` or
//! `/dev/full`, a FIFO, `/dev/stdout`) is written in place: it cannot be
//! renamed over (doing so as root would replace the device by a file).
//! A symbolic link to a regular file is followed: its target is replaced
//! and the link kept.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file written whole or not at all (see the module documentation).
pub struct AtomicFile {
    /// The final path (the link's target for a symbolic link).
    path: PathBuf,
    /// The temporary file; `None` when writing in place.
    tmp: Option<PathBuf>,
    out: Option<BufWriter<std::fs::File>>,
}

impl AtomicFile {
    /// Starts writing `path`.
    ///
    /// # Errors
    /// The temporary file (or a special file) cannot be created or opened.
    pub fn create(path: &Path) -> std::io::Result<AtomicFile> {
        let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file());
        if special {
            let f = std::fs::OpenOptions::new().write(true).open(path)?;
            return Ok(AtomicFile {
                path: path.to_owned(),
                tmp: None,
                out: Some(BufWriter::with_capacity(1 << 16, f)),
            });
        }
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let f = std::fs::File::create(&tmp)?;
        Ok(AtomicFile {
            path,
            tmp: Some(tmp),
            out: Some(BufWriter::with_capacity(1 << 20, f)),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes, syncs and renames the file into place.
    ///
    /// # Errors
    /// A write, sync or rename error (the temporary file is then removed).
    pub fn commit(mut self) -> std::io::Result<()> {
        if let Some(out) = self.out.take() {
            let f = out
                .into_inner()
                .map_err(std::io::IntoInnerError::into_error);
            let f = match f {
                Ok(f) => f,
                Err(e) => {
                    self.abandon();
                    return Err(e);
                }
            };
            if let Some(tmp) = &self.tmp {
                if let Err(e) = f.sync_all().and_then(|()| std::fs::rename(tmp, &self.path)) {
                    self.abandon();
                    return Err(e);
                }
            }
        }
        self.tmp = None;
        Ok(())
    }

    /// Removes the temporary file and any earlier file at the final path.
    fn abandon(&mut self) {
        self.out = None;
        if let Some(tmp) = self.tmp.take() {
            let _ = std::fs::remove_file(tmp);
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// `path: error`, the kind kept.
fn at(path: &Path, e: std::io::Error) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// Write errors name the file (`/dev/full: No space left on device`).
impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.out.as_mut() {
            Some(o) => o.write(buf).map_err(|e| at(&self.path, e)),
            None => Err(std::io::Error::other("the file is closed")),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self.out.as_mut() {
            Some(o) => o.flush().map_err(|e| at(&self.path, e)),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        self.abandon();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("kampung-atomic-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("dir");
        d
    }

    fn names(d: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn committed_whole_and_failed_runs_leave_nothing() {
        let d = dir("commit");
        let p = d.join("out.csv");
        std::fs::write(&p, "old").expect("write");
        let mut f = AtomicFile::create(&p).expect("create");
        f.write_all(b"new").expect("write");
        assert_eq!(std::fs::read_to_string(&p).expect("read"), "old");
        f.commit().expect("commit");
        assert_eq!(std::fs::read_to_string(&p).expect("read"), "new");
        assert_eq!(names(&d), ["out.csv"]);
        // A run that fails: neither the new nor the earlier file stays.
        let mut f = AtomicFile::create(&p).expect("create");
        f.write_all(b"partial").expect("write");
        drop(f);
        assert!(names(&d).is_empty(), "{:?}", names(&d));
        std::fs::remove_dir_all(&d).ok();
    }

    /// A device is written in place, never renamed over; a full device is
    /// an error at the latest when committing.
    #[test]
    fn devices_are_written_in_place_and_errors_surface() {
        let null = Path::new("/dev/null");
        if !null.exists() {
            return;
        }
        let mut f = AtomicFile::create(null).expect("create");
        f.write_all(b"x").expect("write");
        f.commit().expect("commit");
        assert!(std::fs::metadata(null).is_ok_and(|m| !m.is_file()));
        let full = Path::new("/dev/full");
        if std::fs::metadata(full).is_ok_and(|m| !m.is_file()) {
            let mut f = AtomicFile::create(full).expect("create");
            let wrote = f.write_all(b"row,line\n");
            assert!(wrote.is_err() || f.commit().is_err());
            assert!(std::fs::metadata(full).is_ok_and(|m| !m.is_file()));
        }
    }
}
