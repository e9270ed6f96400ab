//! Entry points for `org.sockbridge.PyStringIo`: Jython's `str` holds a `java.lang.String`
//! whose chars are bytes, so with compact strings its own `byte[]` (LATIN1 coder) *is* the
//! data. `send`/`sendall` lend that array to the system call: the data goes from the String to
//! the kernel with no copy in between (the plain path copies the String into a scratch array
//! first, a pass over the data that cost as much CPU as the kernel's own copy).
//!
//! (The receiving side was measured too: a fresh `byte[]` filled by the kernel and handed to a
//! String costs the same as today's copy, because `NewByteArray` zeroes the fresh memory — the
//! write to cache-cold memory is what costs, and either way there is one.)
//!
//! The String's private `value`/`coder` fields are reached through JNI, which applies no access
//! checks. Their IDs are looked up once; where this JDK has no such fields (or compact strings
//! are off) every call answers [`UNSUPPORTED`] and the Java side keeps to its copying path. The
//! array is pinned only around one non-blocking system call, as [`super::java_bytes`] does, and
//! only read (released with `JNI_ABORT`).

use std::sync::OnceLock;

use jni::objects::{JByteArray, JClass, JObject};
use jni::sys::{jboolean, jfieldID, jint, jlong, JNIEnv};
use jni::{Env, EnvUnowned};

use super::boundary::guard;
use super::convert::{code, PANIC};
use super::java_bytes::JavaBytes;
use super::native_socket::SOCKETS;
use crate::core::error::Error;

/// The answer when this JVM's String cannot be used this way: the caller copies instead.
pub const UNSUPPORTED: jint = -1_000_100;

/// `java.lang.String`'s members, as JNI IDs (valid while the class is loaded: always).
struct Ids {
    value: jfieldID,
    coder: jfieldID,
}

// SAFETY: JNI field IDs may be used from any thread.
unsafe impl Send for Ids {}
// SAFETY: as above; the fields are never written after the lookup.
unsafe impl Sync for Ids {}

static IDS: OnceLock<Option<Ids>> = OnceLock::new();

/// The raw function table of `env`.
fn raw(env: &Env) -> *mut JNIEnv {
    env.get_raw()
}

/// Looks the fields up once; `None` when this JDK's String differs (any pending lookup
/// exception is cleared).
fn ids(env: &Env) -> Option<&'static Ids> {
    IDS.get_or_init(|| {
        let e = raw(env);
        // SAFETY: `e` is this thread's valid JNIEnv; names and signatures are NUL-terminated;
        // after the lookups any exception they left is cleared before another JNI call.
        unsafe {
            let t = &**e;
            let class = (t.v1_1.FindClass)(e, c"java/lang/String".as_ptr());
            if class.is_null() {
                (t.v1_1.ExceptionClear)(e);
                return None;
            }
            // Each lookup runs only when the previous one left no exception pending.
            let failed = |e: *mut JNIEnv| {
                let pending = (t.v1_2.ExceptionCheck)(e);
                if pending {
                    (t.v1_1.ExceptionClear)(e);
                }
                pending
            };
            let mut found = None;
            let value = (t.v1_1.GetFieldID)(e, class, c"value".as_ptr(), c"[B".as_ptr());
            if !failed(e) {
                let coder = (t.v1_1.GetFieldID)(e, class, c"coder".as_ptr(), c"B".as_ptr());
                if !failed(e) {
                    let compact = (t.v1_1.GetStaticFieldID)(
                        e,
                        class,
                        c"COMPACT_STRINGS".as_ptr(),
                        c"Z".as_ptr(),
                    );
                    if !failed(e)
                        && !value.is_null()
                        && !coder.is_null()
                        && !compact.is_null()
                        && (t.v1_1.GetStaticBooleanField)(e, class, compact)
                    {
                        found = Some(Ids { value, coder });
                    }
                }
            }
            (t.v1_1.DeleteLocalRef)(e, class);
            found
        }
    })
    .as_ref()
}

/// The LATIN1 byte array of `s`, or `None` (not LATIN1-coded, or no compact strings).
fn latin1_bytes<'l>(env: &mut Env<'l>, ids: &Ids, s: &JObject<'l>) -> Option<JByteArray<'l>> {
    let e = raw(env);
    // SAFETY: `s` is a live, non-null java.lang.String and the IDs are its fields.
    unsafe {
        let t = &**e;
        if (t.v1_1.GetByteField)(e, s.as_raw(), ids.coder) != 0 {
            return None;
        }
        let array = (t.v1_1.GetObjectField)(e, s.as_raw(), ids.value);
        if array.is_null() {
            return None;
        }
        Some(JByteArray::from_raw(env, array))
    }
}

/// `send(2)` (or the whole of it, `all`) of `s[off .. off + len]` from the String's own bytes:
/// the count sent, a negative code, or [`UNSUPPORTED`].
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_PyStringIo_nSend<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    s: JObject<'l>,
    off: jint,
    len: jint,
    flags: jint,
    all: jboolean,
) -> jint {
    guard(&mut env, PANIC, |env| {
        if s.is_null() {
            return code(env, Error::invalid("null string"));
        }
        let Some(ids) = ids(env) else {
            return UNSUPPORTED;
        };
        let Some(array) = latin1_bytes(env, ids, &s) else {
            return UNSUPPORTED;
        };
        let r = SOCKETS.get(h).and_then(|sock| {
            let mut region = JavaBytes::new(env, &array, off, len)?;
            if all {
                sock.send_all(&mut region, flags)
                    .map(|()| usize::try_from(len).unwrap_or(0))
            } else {
                sock.send(&mut region, flags)
            }
        });
        match r {
            Ok(n) => jint::try_from(n).unwrap_or(jint::MAX),
            Err(e) => code(env, e),
        }
    })
}
