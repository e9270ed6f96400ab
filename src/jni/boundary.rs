//! The panic guard around every entry point.

use std::panic::{self, AssertUnwindSafe};

use jni::objects::JObject;
use jni::sys::jobject;
use jni::JNIEnv;

use super::convert::throw;
use crate::core::error::Result;

/// Runs `f`; if it panics, throws `java.lang.Error` with the panic message and returns
/// `fallback`. Panics therefore never unwind into the JVM.
pub fn guard<'local, T>(
    env: &mut JNIEnv<'local>,
    fallback: T,
    f: impl FnOnce(&mut JNIEnv<'local>) -> T,
) -> T {
    match panic::catch_unwind(AssertUnwindSafe(|| f(env))) {
        Ok(value) => value,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            if !env.exception_check().unwrap_or(true) {
                let _ = env.throw_new(
                    "java/lang/Error",
                    format!("sockbridge internal error: {msg}"),
                );
            }
            fallback
        }
    }
}

/// Replaces the default panic report (which may print a backtrace into the host's stderr)
/// with one line; the panic itself still reaches Java as an `Error` through [`guard`].
pub fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        eprintln!("sockbridge: internal panic: {info}");
    }));
}

/// [`guard`] for entry points that return an object: runs `f`, throws its error and returns
/// `null` on failure.
pub fn object<'l, T: Into<JObject<'l>>>(
    env: &mut JNIEnv<'l>,
    f: impl FnOnce(&mut JNIEnv<'l>) -> Result<T>,
) -> jobject {
    guard(env, std::ptr::null_mut(), |env| match f(env) {
        Ok(v) => v.into().into_raw(),
        Err(e) => {
            throw(env, e);
            std::ptr::null_mut()
        }
    })
}
