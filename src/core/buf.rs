//! Buffer access for I/O: the core works on slices, but lets the caller decide how a slice is
//! obtained for each system call (a plain `&mut [u8]`, or a pinned Java array in `src/jni/`).
//!
//! Waiting for readiness happens *between* calls to `with_*`, so a borrowed region is only held
//! for one non-blocking system call.

use std::io;

/// A destination that can lend a mutable byte slice for one system call.
pub trait ReadBuf {
    /// The buffer's length in bytes.
    fn len(&self) -> usize;
    /// True when the buffer has no room.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Runs `f` with the whole buffer.
    fn with_mut<R>(&mut self, f: impl FnOnce(&mut [u8]) -> io::Result<R>) -> io::Result<R>;
}

/// A source that can lend a byte slice for one system call.
pub trait WriteBuf {
    /// The buffer's length in bytes.
    fn len(&self) -> usize;
    /// True when there is nothing to write.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Runs `f` with the whole buffer.
    fn with_ref<R>(&mut self, f: impl FnOnce(&[u8]) -> io::Result<R>) -> io::Result<R>;
}

impl ReadBuf for &mut [u8] {
    fn len(&self) -> usize {
        <[u8]>::len(self)
    }
    fn with_mut<R>(&mut self, f: impl FnOnce(&mut [u8]) -> io::Result<R>) -> io::Result<R> {
        f(self)
    }
}

impl WriteBuf for &[u8] {
    fn len(&self) -> usize {
        <[u8]>::len(self)
    }
    fn with_ref<R>(&mut self, f: impl FnOnce(&[u8]) -> io::Result<R>) -> io::Result<R> {
        f(self)
    }
}

impl ReadBuf for [u8] {
    fn len(&self) -> usize {
        <[u8]>::len(self)
    }
    fn with_mut<R>(&mut self, f: impl FnOnce(&mut [u8]) -> io::Result<R>) -> io::Result<R> {
        f(self)
    }
}

impl WriteBuf for [u8] {
    fn len(&self) -> usize {
        <[u8]>::len(self)
    }
    fn with_ref<R>(&mut self, f: impl FnOnce(&[u8]) -> io::Result<R>) -> io::Result<R> {
        f(self)
    }
}
