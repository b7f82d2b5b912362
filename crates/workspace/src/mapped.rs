//! Reading a large env file by mapping it into memory instead of copying it.
//!
//! Why: on a 6 MB file, `read` took 4–7 ms, nearly all of it the kernel faulting in and
//! zeroing 1,500 fresh pages to copy the page cache into, and that time is serial: the
//! parallel parse cannot start before it. A read-only mapping of the same file, populated
//! up front, uses the page cache's own pages: ~1 ms, and 1,500 fewer page faults.
//!
//! This is the workspace's one `unsafe` block, and why it is sound enough to keep: mapping
//! a file is unsafe in Rust because another process may change or shorten the file while it
//! is mapped. The bytes could then change under text already checked to be UTF-8, and
//! reading past a new, shorter end raises SIGBUS. ripgrep makes the same trade for the same
//! reason. Here it is narrowed to:
//! - regular files of at least [`MIN_LEN`] (1 MiB; a real env file is a few KiB, and a
//!   small file reads as fast as it maps), so the mapping is for generated and pathological
//!   files;
//! - `check` with machine-readable or concise output, which only reads; `fix`, `example` and
//!   `init` read into memory, because they write back what they read, and so do code
//!   frames, which mask values in a copy of the text (a read buffer is reused for that;
//!   a mapping would be copied, costing again what it saved);
//! - a mapping whose length is the length just read from the open file (anything else, or a
//!   mapping the system refuses, falls back to reading);
//! - a file opened as [`crate::fs::open_regular`] opens it: FIFOs, sockets and devices are
//!   refused before a byte is read (a FIFO would block, a device has no length to map).

use std::io::Read as _;
use std::path::Path;

use envlint_dotenv::Source;

/// Files smaller than this are read, not mapped.
pub(crate) const MIN_LEN: u64 = 1 << 20;

/// The bytes of the regular file at `path`: mapped when it has [`MIN_LEN`] bytes or more,
/// read otherwise. Anything but a regular file is refused unread (see
/// [`crate::fs::open_regular`]).
pub(crate) fn read(path: &Path) -> std::io::Result<Source> {
    let (mut file, meta) = crate::fs::open_regular(path)?;
    let len = meta.len();
    if len >= MIN_LEN {
        // SAFETY: the mapping is private and read-only, and lives inside the returned
        // `Source`, so it outlives every slice of it. What the compiler cannot check, that
        // no one changes or shortens the file while it is mapped, is the risk taken on in the
        // module's documentation, for regular files of a megabyte or more only.
        #[allow(unsafe_code)]
        let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) };
        if let Ok(map) = map {
            if map.len() as u64 == len {
                return Ok(Source::Shared(bytes::Bytes::from_owner(map)));
            }
        }
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).saturating_add(1));
    file.read_to_end(&mut bytes)?;
    Ok(Source::Owned(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes_of(source: &Source) -> (&[u8], bool) {
        (source.as_bytes(), matches!(source, Source::Shared(_)))
    }

    #[test]
    fn small_files_are_read_and_large_ones_mapped_with_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small.env");
        std::fs::write(&small, "A=1\n").unwrap();
        let s = read(&small).unwrap();
        assert_eq!(bytes_of(&s), (&b"A=1\n"[..], false));

        let large = dir.path().join("large.env");
        let mut text = Vec::new();
        let mut i = 0;
        while (text.len() as u64) < MIN_LEN {
            text.extend_from_slice(format!("KEY_{i}=value{i}\n").as_bytes());
            i += 1;
        }
        std::fs::write(&large, &text).unwrap();
        let l = read(&large).unwrap();
        assert_eq!(bytes_of(&l), (&text[..], true));
    }

    #[cfg(unix)]
    #[test]
    fn files_that_are_not_regular_are_refused() {
        // A device is neither mapped nor read: `/dev/zero` would never end.
        let e = read(Path::new("/dev/null")).unwrap_err();
        assert_eq!(
            crate::fs::io_reason(&e),
            "not a regular file (a character device); not read"
        );
    }

    #[test]
    fn a_missing_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read(&dir.path().join("nope.env")).is_err());
    }
}
