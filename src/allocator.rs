//! The memory allocator of the `scopelint` binary (and of the phase benchmark, which
//! includes this file): not part of the library, whose users pick their own.

// glibc's malloc and free topped the profile of big collections (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// One of mimalloc's options (`mimalloc.h`), which the sys crate's bindings leave out.
unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_arena_eager_commit` in the mimalloc 3 that `libmimalloc-sys` 0.1.49 builds.
const MI_OPTION_ARENA_EAGER_COMMIT: std::ffi::c_int = 4;

/// mimalloc gives eagerly committed arenas transparent huge pages, which the model's many
/// small objects fill only in part: 25 MB more memory on a 73 MB collection, for no speed
/// (the big buffers ask for huge pages themselves: `memory::prefer_huge_pages`). Set
/// before `main`: the runtime's first allocation reserves the first arena.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static COMMIT_ARENAS_LAZILY: extern "C" fn() = {
    extern "C" fn commit_arenas_lazily() {
        // SAFETY: sets a plain option, before any thread or allocation.
        unsafe { mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
    }
    commit_arenas_lazily
};
