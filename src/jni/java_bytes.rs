//! A region of a Java `byte[]` lent to the core for one system call.
//!
//! Each call pins the array with `GetPrimitiveArrayCritical` only around one non-blocking system
//! call (never while waiting), so the data moves between the kernel and the Java heap with no
//! intermediate copy and no native allocation.

use std::io;

use jni::objects::JByteArray;

use super::convert::{bytes_of, bytes_of_mut};
use super::lean::RawEnv;
use crate::core::buf::{ReadBuf, WriteBuf};
use crate::core::error::{Error, Result};

/// `array[offset .. offset + len]`, bounds-checked on every lending.
pub struct JavaBytes<'a, 'local> {
    env: RawEnv,
    array: &'a JByteArray<'local>,
    offset: usize,
    len: usize,
}

impl<'a, 'local> JavaBytes<'a, 'local> {
    /// Describes a region; an argument error if `offset`/`len` are negative or `array` is null
    /// (the bounds are checked against the array on every lending).
    pub fn new(
        env: &'a mut jni::Env<'local>,
        array: &'a JByteArray<'local>,
        offset: i32,
        len: i32,
    ) -> Result<JavaBytes<'a, 'local>> {
        JavaBytes::with_raw(RawEnv::of(env), array, offset, len)
    }

    /// [`JavaBytes::new`] for the lean entry path; `env` is the calling thread's (from the
    /// native call the region is used in).
    pub fn with_raw(
        env: RawEnv,
        array: &'a JByteArray<'local>,
        offset: i32,
        len: i32,
    ) -> Result<JavaBytes<'a, 'local>> {
        match (usize::try_from(offset), usize::try_from(len)) {
            (Ok(offset), Ok(len)) if !array.is_null() => Ok(JavaBytes {
                env,
                array,
                offset,
                len,
            }),
            _ => Err(Error::invalid("null buffer or negative offset/length")),
        }
    }

    fn lend<R>(
        &mut self,
        commit: bool,
        f: impl FnOnce(&mut [i8]) -> io::Result<R>,
    ) -> io::Result<R> {
        let total = self.env.array_len(self.array);
        let end = self
            .offset
            .checked_add(self.len)
            .filter(|&end| end <= total)
            .ok_or_else(|| io::Error::other("offset/length out of array bounds"))?;
        let critical = Critical::get(self.env, self.array, commit)
            .ok_or_else(|| io::Error::other("cannot access byte array"))?;
        // SAFETY: the region lies inside the array (checked against its length above), which
        // stays pinned until `critical` drops, after `f`.
        let elems = unsafe { std::slice::from_raw_parts_mut(critical.ptr, total) };
        f(&mut elems[self.offset..end])
    }
}

/// The elements of a Java `byte[]` pinned with `GetPrimitiveArrayCritical`, released on drop.
///
/// Called through the raw function table rather than jni's `get_elements_critical`: jni 0.22
/// follows `GetPrimitiveArrayCritical` with `ExceptionCheck`, another JNI call inside the
/// critical region, which `-Xcheck:jni` reports ("Calling other JNI functions in the scope of
/// Get/ReleasePrimitiveArrayCritical") on every call. Inside the region we make no JNI call.
struct Critical {
    env: *mut jni::sys::JNIEnv,
    array: jni::sys::jarray,
    ptr: *mut i8,
    mode: jni::sys::jint,
}

impl Critical {
    fn get(env: RawEnv, array: &JByteArray, commit: bool) -> Option<Critical> {
        let raw = env.raw();
        let array = array.as_raw();
        // SAFETY: `raw` is this thread's valid JNIEnv and `array` a live byte[] reference; the
        // JNI 1.2 table is present (jni 0.22 requires at least 1.4).
        let ptr =
            unsafe { ((**raw).v1_2.GetPrimitiveArrayCritical)(raw, array, std::ptr::null_mut()) };
        (!ptr.is_null()).then_some(Critical {
            env: raw,
            array,
            ptr: ptr.cast(),
            // 0 copies back (if the JVM made a copy at all); JNI_ABORT discards.
            mode: if commit { 0 } else { jni::sys::JNI_ABORT },
        })
    }
}

impl Drop for Critical {
    fn drop(&mut self) {
        // SAFETY: releases exactly what `get` pinned, on the same thread and env.
        unsafe {
            ((**self.env).v1_2.ReleasePrimitiveArrayCritical)(
                self.env,
                self.array,
                self.ptr.cast(),
                self.mode,
            )
        }
    }
}

impl ReadBuf for JavaBytes<'_, '_> {
    fn len(&self) -> usize {
        self.len
    }
    fn with_mut<R>(&mut self, f: impl FnOnce(&mut [u8]) -> io::Result<R>) -> io::Result<R> {
        self.lend(true, |s| f(bytes_of_mut(s)))
    }
}

impl WriteBuf for JavaBytes<'_, '_> {
    fn len(&self) -> usize {
        self.len
    }
    fn with_ref<R>(&mut self, f: impl FnOnce(&[u8]) -> io::Result<R>) -> io::Result<R> {
        self.lend(false, |s| f(bytes_of(s)))
    }
}
