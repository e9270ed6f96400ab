//! The panic guard around every entry point.

use std::io::Write;
use std::panic::{self, AssertUnwindSafe};

use jni::objects::{JObject, JThrowable, JValue};
use jni::sys::jobject;
use jni::JNIEnv;

use super::convert::throw;
use crate::core::error::Result;

/// Runs `f`; if it panics, leaves a `java.lang.Error` pending that carries the panic message
/// (and, as its cause, any exception that was already pending), and returns `fallback`, which
/// Java therefore never reads as a result. Panics never unwind into the JVM. Entry points pass
/// [`super::convert::PANIC`] as `fallback` where they return a code.
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
            throw_internal_error(env, &msg);
            fallback
        }
    }
}

/// Throws `java.lang.Error("sockbridge internal error: <msg>")`; if that cannot be made (the
/// heap is exhausted), the `Error` made when the library was loaded. Never fails silently.
fn throw_internal_error(env: &mut JNIEnv, msg: &str) {
    // A pending exception (a JNI call failed before the panic) becomes the cause.
    let pending = env
        .exception_occurred()
        .unwrap_or_else(|_| JThrowable::from(JObject::null()));
    let _ = env.exception_clear();
    let made = env
        .new_string(format!("sockbridge internal error: {msg}"))
        .and_then(|text| {
            env.new_object(
                "java/lang/Error",
                "(Ljava/lang/String;Ljava/lang/Throwable;)V",
                &[JValue::Object(&text), JValue::Object(&pending)],
            )
        });
    let thrown = match made {
        Ok(error) => env.throw(JThrowable::from(error)).is_ok(),
        Err(_) => false,
    };
    if !thrown || !env.exception_check().unwrap_or(false) {
        let _ = env.exception_clear();
        if let Ok(cached) = super::cached() {
            let _ = env.throw(<&JThrowable>::from(cached.internal_error.as_obj()));
        }
    }
}

/// Replaces the default panic report (which may print a backtrace into the host's stderr)
/// with one line; the panic itself still reaches Java as an `Error` through [`guard`]. The
/// report ignores a failed write: `eprintln!` panics when stderr is a broken pipe, and a panic
/// inside the panic hook aborts the process.
pub fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        let _ = writeln!(std::io::stderr(), "sockbridge: internal panic: {info}");
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
