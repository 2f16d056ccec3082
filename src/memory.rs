//! How big buffers get their memory from the kernel.

/// Asks Linux to back the whole 2 MiB pages of a buffer, not yet touched, with transparent
/// huge pages. The allocator is told not to (`main`): across its many small-object pages,
/// huge pages cost 25-30 MB of memory on a 100k-request collection that touches them only
/// in part. A few big buffers filled from start to end (the tape, the request list) lose
/// nothing to them and take 512 times fewer page faults.
pub fn prefer_huge_pages<T>(buffer: &Vec<T>) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let bytes = buffer.capacity() * std::mem::size_of::<T>();
        let start = buffer.as_ptr() as usize;
        let (first, last) = (start.next_multiple_of(HUGE), (start + bytes) / HUGE * HUGE);
        if last > first {
            // Advice only: on failure (no THP, old kernel) the pages are ordinary ones.
            // SAFETY: the range lies inside the buffer's own allocation; MADV_HUGEPAGE
            // changes neither its contents nor its mapping.
            unsafe {
                libc::madvise(
                    first as *mut libc::c_void,
                    last - first,
                    libc::MADV_HUGEPAGE,
                );
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = buffer;
}
