//! The lean entry path for the hottest natives (datagram and stream I/O into `byte[]`, the
//! poll and epoll waits, `fileno`).
//!
//! [`super::boundary::guard`] goes through jni 0.22's `EnvUnowned::with_env`, which builds an
//! `AttachGuard` (thread-local nesting bookkeeping, the VM singleton, a top-of-stack check on
//! entry and exit), and each call through jni's `Env` adds its own checks and an
//! `ExceptionCheck`. [`lean`] instead runs the body under `std::panic::catch_unwind` with a
//! [`RawEnv`], a copy of the thread's `JNIEnv` pointer offering the few raw JNI functions these
//! bodies need (array length and regions, direct buffer address): none of them can leave an
//! exception pending when called with in-bounds arguments, which the methods check first.
//!
//! Only the rare outcomes go back to the full path: an error that is not a plain code
//! ([`super::convert::code`] throws it) and a panic (rethrown inside [`guard`], whose policy
//! turns it into a `java.lang.Error`). A panic therefore never crosses the JNI boundary.

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

use jni::objects::JObject;
use jni::sys::{jint, jsize};
use jni::{Env, EnvUnowned};

use super::boundary::guard;
use super::convert::{code, PANIC, TIMEOUT};
use crate::core::error::{Error, Result};

/// The calling thread's `JNIEnv`, for the raw calls of the lean path. Valid for the native
/// call it was made in, on its thread only.
#[derive(Clone, Copy)]
pub struct RawEnv(*mut jni::sys::JNIEnv);

impl RawEnv {
    /// The raw env behind a jni `Env` (for helpers shared by both entry paths).
    pub fn of(env: &Env) -> RawEnv {
        RawEnv(env.get_raw())
    }

    /// The raw pointer (for calls this type does not wrap).
    pub fn raw(self) -> *mut jni::sys::JNIEnv {
        self.0
    }

    /// The length of a non-null array.
    pub fn array_len(self, array: &JObject) -> usize {
        // SAFETY: a valid env for this thread; `array` is a live, non-null array reference
        // (callers check null first). GetArrayLength throws nothing.
        let n = unsafe { ((**self.0).v1_1.GetArrayLength)(self.0, array.as_raw()) };
        usize::try_from(n).unwrap_or(0)
    }

    /// Copies `array[start .. start + out.len()]` into `out`; `false` (nothing copied) if that
    /// range is not inside the array or the array is null.
    pub fn get_bytes(self, array: &JObject, start: usize, out: &mut [i8]) -> bool {
        if !self.fits(array, start, out.len()) {
            return false;
        }
        // SAFETY: the range is inside the array (checked), so nothing is thrown; `out` has room.
        unsafe {
            ((**self.0).v1_1.GetByteArrayRegion)(
                self.0,
                array.as_raw(),
                start as jsize,
                out.len() as jsize,
                out.as_mut_ptr(),
            )
        };
        true
    }

    /// Copies `data` into `array[start ..]`; `false` (nothing copied) if it does not fit.
    pub fn set_bytes(self, array: &JObject, start: usize, data: &[i8]) -> bool {
        if !self.fits(array, start, data.len()) {
            return false;
        }
        // SAFETY: as in `get_bytes`.
        unsafe {
            ((**self.0).v1_1.SetByteArrayRegion)(
                self.0,
                array.as_raw(),
                start as jsize,
                data.len() as jsize,
                data.as_ptr(),
            )
        };
        true
    }

    /// Copies `data` into the `int[]` `array` from index 0; `false` if it does not fit.
    pub fn set_ints(self, array: &JObject, data: &[i32]) -> bool {
        if !self.fits(array, 0, data.len()) {
            return false;
        }
        // SAFETY: as in `get_bytes`.
        unsafe {
            ((**self.0).v1_1.SetIntArrayRegion)(
                self.0,
                array.as_raw(),
                0,
                data.len() as jsize,
                data.as_ptr(),
            )
        };
        true
    }

    /// Copies the `long[]` `array[0 .. out.len()]` into `out`; `false` if it is shorter.
    pub fn get_longs(self, array: &JObject, out: &mut [i64]) -> bool {
        if !self.fits(array, 0, out.len()) {
            return false;
        }
        // SAFETY: as in `get_bytes`.
        unsafe {
            ((**self.0).v1_1.GetLongArrayRegion)(
                self.0,
                array.as_raw(),
                0,
                out.len() as jsize,
                out.as_mut_ptr(),
            )
        };
        true
    }

    /// The address and capacity of a direct buffer; `None` for null or a non-direct buffer.
    pub fn direct(self, buf: &JObject) -> Option<(*mut u8, usize)> {
        if buf.is_null() {
            return None;
        }
        // SAFETY: a valid env; `buf` a live reference. Neither function throws; a non-direct
        // buffer gives null / -1.
        let (addr, cap) = unsafe {
            (
                ((**self.0).v1_4.GetDirectBufferAddress)(self.0, buf.as_raw()),
                ((**self.0).v1_4.GetDirectBufferCapacity)(self.0, buf.as_raw()),
            )
        };
        let cap = usize::try_from(cap).ok()?;
        (!addr.is_null()).then_some((addr.cast(), cap))
    }

    fn fits(self, array: &JObject, start: usize, len: usize) -> bool {
        !array.is_null()
            && start
                .checked_add(len)
                .is_some_and(|end| end <= self.array_len(array))
    }
}

/// A byte or entry count as the `int` Java reads (saturated, as `convert::int_result` does).
pub fn count(n: usize) -> jint {
    jint::try_from(n).unwrap_or(jint::MAX)
}

/// Runs the body of a hot native that returns a non-negative `int` or a code: the body's
/// `Ok(n)`, or for `Err(e)` the code of `e` (`-errno`, the timeout code; any other error is
/// thrown through the full path). A panic in the body is caught here and rethrown inside
/// [`guard`], which leaves a `java.lang.Error` pending and returns [`PANIC`].
pub fn lean<'l>(env: &mut EnvUnowned<'l>, body: impl FnOnce(RawEnv) -> Result<jint>) -> jint {
    let raw = RawEnv(env.as_raw());
    match catch_unwind(AssertUnwindSafe(|| body(raw))) {
        Ok(Ok(n)) => n,
        Ok(Err(Error::Os(n))) => -n,
        Ok(Err(Error::Closed)) => -libc::EBADF,
        Ok(Err(Error::Timeout)) => TIMEOUT,
        Ok(Err(other)) => guard(env, PANIC, |env| code(env, other)),
        Err(payload) => guard(env, PANIC, |_| resume_unwind(payload)),
    }
}

/// Deliberately panics inside [`lean`], so tests can show that a panic on the lean path
/// becomes a Java `Error` too and the JVM lives on. Declared by the JUnit class
/// `org.sockbridge.LeanEntryTest` (no production class has it, so nothing else can call it).
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_LeanEntryTest_nLeanPanicForTest<'l>(
    mut env: EnvUnowned<'l>,
    _: jni::objects::JClass<'l>,
) -> jint {
    lean(&mut env, |_| panic!("lean panic requested by test"))
}
