//! A region of a Java `byte[]` lent to the core for one system call.
//!
//! Each call pins the array with `GetPrimitiveArrayCritical` only around one non-blocking system
//! call (never while waiting), so the data moves between the kernel and the Java heap with no
//! intermediate copy and no native allocation.

use std::io;

use jni::objects::{JByteArray, ReleaseMode};
use jni::Env;

use super::convert::{bytes_of, bytes_of_mut};
use crate::core::buf::{ReadBuf, WriteBuf};

/// `array[offset .. offset + len]`, bounds-checked on every lending.
pub struct JavaBytes<'a, 'local> {
    env: &'a mut Env<'local>,
    array: &'a JByteArray<'local>,
    offset: usize,
    len: usize,
}

impl<'a, 'local> JavaBytes<'a, 'local> {
    /// Describes a region; returns `None` if `offset`/`len` are negative or `array` is null.
    pub fn new(
        env: &'a mut Env<'local>,
        array: &'a JByteArray<'local>,
        offset: i32,
        len: i32,
    ) -> Option<JavaBytes<'a, 'local>> {
        if array.is_null() {
            return None;
        }
        Some(JavaBytes {
            env,
            array,
            offset: usize::try_from(offset).ok()?,
            len: usize::try_from(len).ok()?,
        })
    }

    fn lend<R>(
        &mut self,
        mode: ReleaseMode,
        f: impl FnOnce(&mut [i8]) -> io::Result<R>,
    ) -> io::Result<R> {
        // SAFETY: the critical region is held only for `f`, which makes one non-blocking system
        // call and no JNI call.
        let mut elems = unsafe { self.array.get_elements_critical(self.env, mode) }
            .map_err(|e| io::Error::other(format!("cannot access byte array: {e}")))?;
        let end = self
            .offset
            .checked_add(self.len)
            .filter(|&end| end <= elems.len())
            .ok_or_else(|| io::Error::other("offset/length out of array bounds"))?;
        f(&mut elems[self.offset..end])
    }
}

impl ReadBuf for JavaBytes<'_, '_> {
    fn len(&self) -> usize {
        self.len
    }
    fn with_mut<R>(&mut self, f: impl FnOnce(&mut [u8]) -> io::Result<R>) -> io::Result<R> {
        self.lend(ReleaseMode::CopyBack, |s| f(bytes_of_mut(s)))
    }
}

impl WriteBuf for JavaBytes<'_, '_> {
    fn len(&self) -> usize {
        self.len
    }
    fn with_ref<R>(&mut self, f: impl FnOnce(&[u8]) -> io::Result<R>) -> io::Result<R> {
        self.lend(ReleaseMode::NoCopyBack, |s| f(bytes_of(s)))
    }
}
