//! Rewriting a file safely: the new bytes go to a temporary file in the same directory, which
//! then replaces the original in one rename, with the original's permissions. A file that is
//! read-only, or that vanished or changed since it was read, is left alone.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::time::SystemTime;

/// What a file looked like when it was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    pub fn of(path: &Path) -> std::io::Result<Stamp> {
        let meta = fs::metadata(path)?;
        Ok(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

/// Replaces `path`'s content with `bytes`, unless the file changed since `read` was taken.
pub fn replace_file(path: &Path, bytes: &[u8], read: Stamp) -> Result<(), String> {
    // Write through a symbolic link to its target, not over the link.
    let target = fs::canonicalize(path).map_err(|_| {
        "the file vanished before it could be rewritten; nothing was written".to_owned()
    })?;
    let meta = fs::metadata(&target).map_err(|_| {
        "the file vanished before it could be rewritten; nothing was written".to_owned()
    })?;
    // The mode bits (which even root should respect here), and whether this user may write
    // the file at all: the rename below only needs the directory to be writable.
    let writable =
        !meta.permissions().readonly() && fs::OpenOptions::new().write(true).open(&target).is_ok();
    if !writable {
        return Err("the file is read-only; nothing was written".to_owned());
    }
    if hard_links(&meta) > 1 {
        return Err(
            "the file has other hard links, which replacing it would split; nothing was written"
                .to_owned(),
        );
    }
    if Stamp::of(&target).ok() != Some(read) {
        return Err("the file changed while it was being fixed; nothing was written".to_owned());
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let fail =
        |e: std::io::Error| format!("could not write the fixed file: {e}; nothing was changed");
    let tmp = synced_temp_file(dir, bytes).map_err(fail)?;
    fs::set_permissions(tmp.path(), meta.permissions()).map_err(fail)?;
    keep_owner(tmp.path(), &meta);
    tmp.persist(&target).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Writes `bytes` to `path` atomically, whether or not it exists yet.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if path.exists() {
        let stamp = Stamp::of(path).map_err(|e| e.to_string())?;
        return replace_file(path, bytes, stamp);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| format!("could not write {}: {e}", path.display());
    let tmp = synced_temp_file(dir, bytes).map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Creates `path` holding `bytes`, atomically; fails, writing nothing, when it exists.
pub fn create_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| {
        format!(
            "could not create {}: {e}; nothing was written",
            path.display()
        )
    };
    if path.symlink_metadata().is_ok() {
        return Err(format!(
            "{} already exists; nothing was written",
            path.display()
        ));
    }
    let tmp = synced_temp_file(dir, bytes).map_err(fail)?;
    tmp.persist_noclobber(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Files from this size on are written in two halves at once (two threads in the current
/// pool): writing is mostly the kernel filling fresh page-cache pages (1.1 s of a 3 s
/// `--fix` of a 359 MB collection), which the two cores then share.
const PARALLEL_WRITE_FROM: usize = 16 << 20;

/// `bytes` on disk in a new file in `dir`, which is deleted again if it is not persisted.
fn synced_temp_file(dir: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let mut tmp = tempfile::Builder::new()
        .prefix(".scopelint-")
        .tempfile_in(dir)?;
    write_all(&mut tmp, bytes)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

fn write_all(tmp: &mut tempfile::NamedTempFile, bytes: &[u8]) -> std::io::Result<()> {
    #[cfg(unix)]
    if bytes.len() >= PARALLEL_WRITE_FROM {
        use std::os::unix::fs::FileExt;
        let file = tmp.as_file();
        let (first, second) = bytes.split_at(bytes.len() / 2);
        let (mine, other) = rayon::join(
            || file.write_all_at(first, 0),
            || file.write_all_at(second, first.len() as u64),
        );
        return mine.and(other);
    }
    tmp.write_all(bytes)
}

#[cfg(unix)]
fn hard_links(meta: &fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    meta.nlink()
}

#[cfg(not(unix))]
fn hard_links(_: &fs::Metadata) -> u64 {
    1
}

/// The replacement keeps the original's owner and group where this user may set them (root
/// fixing another user's file); elsewhere it is this user's, as any editor would leave it.
#[cfg(unix)]
fn keep_owner(path: &Path, meta: &fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let _ = std::os::unix::fs::chown(path, Some(meta.uid()), Some(meta.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_: &Path, _: &fs::Metadata) {}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt;

    /// A file written in two halves at once holds every byte, in order, and no more.
    #[test]
    fn a_big_file_is_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        fs::write(&path, vec![b'x'; PARALLEL_WRITE_FROM * 3]).unwrap();
        // Odd-sized, and no two halves alike.
        let bytes: Vec<u8> = (0..PARALLEL_WRITE_FROM + 7)
            .map(|i| (i % 251) as u8 ^ (i >> 20) as u8)
            .collect();
        write_file(&path, &bytes).unwrap();
        assert!(fs::read(&path).unwrap() == bytes);
    }

    #[test]
    fn creates_a_file_only_where_none_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.json");
        create_file(&path, b"{}").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"{}");
        let err = create_file(&path, b"[]").unwrap_err();
        assert!(err.contains("already exists"), "{err}");
        assert_eq!(fs::read(&path).unwrap(), b"{}");
        // A dangling symbolic link is a file too: not written through.
        #[cfg(unix)]
        {
            let link = dir.path().join("link.json");
            std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).unwrap();
            assert!(create_file(&link, b"{}").is_err());
            assert!(!dir.path().join("nowhere").exists());
        }
        // No temporary file is left behind.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), if cfg!(unix) { 2 } else { 1 }, "{names:?}");
    }

    #[test]
    fn replaces_content_and_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let stamp = Stamp::of(&path).unwrap();
        replace_file(&path, b"new", stamp).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        #[cfg(unix)]
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
        let leftovers = fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }

    #[test]
    fn refuses_read_only_vanished_and_changed_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        fs::write(&path, "old").unwrap();
        let stamp = Stamp::of(&path).unwrap();

        let mut perms = fs::metadata(&path).unwrap().permissions();
        perms.set_readonly(true);
        fs::set_permissions(&path, perms.clone()).unwrap();
        assert!(replace_file(&path, b"new", stamp)
            .unwrap_err()
            .contains("read-only"));
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        fs::set_permissions(&path, perms).unwrap();

        fs::write(&path, "changed meanwhile").unwrap();
        assert!(replace_file(&path, b"new", stamp)
            .unwrap_err()
            .contains("changed"));
        assert_eq!(fs::read_to_string(&path).unwrap(), "changed meanwhile");

        fs::remove_file(&path).unwrap();
        assert!(replace_file(&path, b"new", stamp)
            .unwrap_err()
            .contains("vanished"));
        assert!(!path.exists());
    }

    #[cfg(unix)]
    #[test]
    fn hard_links_stay_joined() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        fs::write(&path, "old").unwrap();
        fs::hard_link(&path, dir.path().join("link.json")).unwrap();
        let stamp = Stamp::of(&path).unwrap();
        assert!(replace_file(&path, b"new", stamp)
            .unwrap_err()
            .contains("hard links"));
        assert_eq!(
            fs::read_to_string(dir.path().join("link.json")).unwrap(),
            "old"
        );
    }
}
