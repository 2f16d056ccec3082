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
    if meta.permissions().readonly() {
        return Err("the file is read-only; nothing was written".to_owned());
    }
    if Stamp::of(&target).ok() != Some(read) {
        return Err("the file changed while it was being fixed; nothing was written".to_owned());
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let fail =
        |e: std::io::Error| format!("could not write the fixed file: {e}; nothing was changed");
    let mut tmp = tempfile::Builder::new()
        .prefix(".scopelint-")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    fs::set_permissions(tmp.path(), meta.permissions()).map_err(fail)?;
    tmp.persist(&target).map_err(|e| fail(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt;

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
}
