//! The panic guard around every entry point, built on jni 0.22's [`EnvUnowned::with_env`]
//! (which catches the panic) and an [`ErrorPolicy`] of ours (which turns it into a
//! `java.lang.Error`).

use std::any::Any;
use std::io::Write;
use std::panic;

use jni::errors::{Error as JniError, ErrorPolicy};
use jni::objects::{JObject, JThrowable, JValue};
use jni::sys::jobject;
use jni::{jni_sig, jni_str, Env, EnvUnowned, Outcome};

use super::convert::throw;
use crate::core::error::Result;

/// The error policy of every entry point. The closure an entry point runs never returns a
/// Rust error (errors become codes or exceptions inside it), so the policy only sees
/// panics, which it turns into a pending `java.lang.Error` carrying the panic message; the
/// entry point then returns its fallback, which Java never reads as a result.
///
/// jni's own `ThrowRuntimeExAndDefault` is not used: it throws `RuntimeException`, which
/// callers could mistake for a documented argument error, and returns `Default` (0 for an
/// `int`), which the hot path would read as a success were the throw to fail.
pub struct PanicAsError;

impl<T> ErrorPolicy<Option<T>, JniError> for PanicAsError {
    type Captures<'unowned_env_local: 'native_method, 'native_method> = ();

    fn on_error<'u: 'n, 'n>(
        env: &mut Env<'u>,
        _: &mut (),
        err: JniError,
    ) -> jni::errors::Result<Option<T>> {
        // Not produced by our closures; handled like a panic so that it is never silent.
        throw_internal_error(env, &format!("JNI error: {err}"));
        Ok(None)
    }

    fn on_panic<'u: 'n, 'n>(
        env: &mut Env<'u>,
        _: &mut (),
        payload: Box<dyn Any + Send + 'static>,
    ) -> jni::errors::Result<Option<T>> {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        throw_internal_error(env, &msg);
        Ok(None)
    }
}

/// Runs `f` with the JNI environment; if it panics, leaves a `java.lang.Error` pending that
/// carries the panic message (and, as its cause, any exception that was already pending),
/// and returns `fallback`. Panics never unwind into the JVM. Entry points pass
/// [`super::convert::PANIC`] as `fallback` where they return a code.
pub fn guard<'local, T: Copy>(
    env: &mut EnvUnowned<'local>,
    fallback: T,
    f: impl FnOnce(&mut Env<'local>) -> T,
) -> T {
    // `with_env` catches the panic. On success the value is returned at once: going through
    // `EnvOutcome::resolve` builds a second environment guard per call (about 30 ns on this
    // machine, measured with ByteBufferBench call-fileno), so the policy is applied only when
    // there is something to resolve.
    match env.with_env(|env| Ok::<_, JniError>(f(env))).into_outcome() {
        Outcome::Ok(v) => v,
        failed => env
            .with_env_no_catch(|env| {
                match failed {
                    Outcome::Err(e) => PanicAsError::on_error(env, &mut (), e),
                    Outcome::Panic(p) => PanicAsError::on_panic(env, &mut (), p),
                    Outcome::Ok(v) => Ok(Some(v)),
                }
                .or_else(|_| Ok::<Option<T>, JniError>(None))
            })
            .into_outcome()
            .into_value()
            .unwrap_or(fallback),
    }
}

/// The value of an outcome; `None` for an error or a panic (the policy has thrown by then).
trait IntoValue<T> {
    fn into_value(self) -> Option<T>;
}

impl<T> IntoValue<T> for Outcome<Option<T>, JniError> {
    fn into_value(self) -> Option<T> {
        match self {
            Outcome::Ok(v) => v,
            Outcome::Err(_) | Outcome::Panic(_) => None,
        }
    }
}

/// Throws `java.lang.Error("sockbridge internal error: <msg>")`; if that cannot be made (the
/// heap is exhausted), the `Error` made when the library was loaded. Never fails silently.
fn throw_internal_error<'l>(env: &mut Env<'l>, msg: &str) {
    // A pending exception (a JNI call failed before the panic) becomes the cause.
    let pending: JObject<'l> = env
        .exception_occurred()
        .map(JObject::from)
        .unwrap_or_else(|| JObject::null());
    env.exception_clear();
    let made = env
        .new_string(format!("sockbridge internal error: {msg}"))
        .and_then(|text| {
            env.new_object(
                jni_str!("java/lang/Error"),
                jni_sig!("(Ljava/lang/String;Ljava/lang/Throwable;)V"),
                &[JValue::Object(&text), JValue::Object(&pending)],
            )
        });
    if let Ok(error) = made {
        // `throw` reports the now-pending exception as `Err(JavaException)`: that is success.
        // SAFETY: `error` was just made from `java.lang.Error`'s constructor.
        let error = unsafe { JThrowable::from_raw(env, error.into_raw()) };
        let _ = env.throw(&error);
    }
    if !env.exception_check() {
        if let Ok(cached) = super::cached() {
            let _ = env.throw(&cached.internal_error);
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
    env: &mut EnvUnowned<'l>,
    f: impl FnOnce(&mut Env<'l>) -> Result<T>,
) -> jobject {
    guard(env, std::ptr::null_mut(), |env| match f(env) {
        Ok(v) => v.into().into_raw(),
        Err(e) => {
            throw(env, e);
            std::ptr::null_mut()
        }
    })
}
