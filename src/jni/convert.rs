//! Conversions between core values and JNI values: errors, addresses, strings.

use jni::objects::{JByteArray, JObject, JObjectArray, JString, JValue};
use jni::strings::JNIString;
use jni::sys::jint;
use jni::{jni_str, Env};
use socket2::SockAddr;

use crate::core::addr::{self, MAX_ENCODED_LEN};
use crate::core::error::{gai_strerror, hstrerror, strerror, Error, Result};
use crate::core::tls::TlsReason;

use super::lean::RawEnv;

/// The code for "timed out" on the hot path; must match `Errors.TIMEOUT` in Java.
pub const TIMEOUT: jint = -1_000_000;
/// Non-blocking TLS needs the socket readable; must match `Errors.TLS_WANT_READ`.
pub const TLS_WANT_READ: jint = -1_000_001;
/// Non-blocking TLS needs the socket writable; must match `Errors.TLS_WANT_WRITE`.
pub const TLS_WANT_WRITE: jint = -1_000_002;
/// What an entry point returns after a panic (with a `java.lang.Error` pending); must match
/// `Errors.PANIC`, which throws an `Error` should it ever see it (never `EPERM` for a -1).
pub const PANIC: jint = -1_000_003;

/// `n` copies of `value`, or an error if the memory cannot be had (never the process abort of
/// an infallible allocation). For sizes that come from Java, after their documented cap.
pub fn try_vec<T: Clone>(n: usize, value: T) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| Error::invalid(format!("cannot allocate {n} elements")))?;
    v.resize(n, value);
    Ok(v)
}

/// The length of a Java array, refused if over `max` (checked before anything is copied).
pub fn array_len(env: &mut Env, array: &JByteArray, max: usize, what: &str) -> Result<usize> {
    if array.is_null() {
        return Err(Error::invalid(format!("{what} must not be null")));
    }
    let len = array
        .len(env)
        .map_err(|_| Error::invalid(format!("unreadable {what}")))?;
    if len > max {
        return Err(Error::invalid(format!(
            "{what} is too large ({len} bytes; at most {max})"
        )));
    }
    Ok(len)
}

/// A copy of a Java `byte[]` of at most `max` bytes (refused before any copy if longer; the
/// allocation is fallible).
pub fn read_bytes(env: &mut Env, array: &JByteArray, max: usize, what: &str) -> Result<Vec<u8>> {
    let len = array_len(env, array, max, what)?;
    let mut out = try_vec(len, 0i8)?;
    array
        .get_region(env, 0, &mut out)
        .map_err(|_| Error::invalid(format!("unreadable {what}")))?;
    // i8 -> u8 in place (same layout), without a second buffer.
    let mut out = std::mem::ManuallyDrop::new(out);
    // SAFETY: i8 and u8 have the same size and alignment; the parts come from a live Vec.
    Ok(unsafe { Vec::from_raw_parts(out.as_mut_ptr().cast(), out.len(), out.capacity()) })
}

/// The hot-path code for `e`: `-errno` or [`TIMEOUT`]; any other error is thrown here
/// (the returned value is then ignored by Java).
pub fn code(env: &mut Env, e: Error) -> jint {
    match e {
        Error::Os(n) => -n,
        Error::Closed => -libc::EBADF,
        Error::Timeout => TIMEOUT,
        Error::Tls(f) if f.reason == TlsReason::WantRead => TLS_WANT_READ,
        Error::Tls(f) if f.reason == TlsReason::WantWrite => TLS_WANT_WRITE,
        other => {
            throw(env, other);
            -libc::EINVAL
        }
    }
}

/// A hot-path `int` result: the value, or [`code`] of the error.
pub fn int_result(env: &mut Env, r: Result<usize>) -> jint {
    match r {
        Ok(n) => jint::try_from(n).unwrap_or(jint::MAX),
        Err(e) => code(env, e),
    }
}

/// Throws the Java exception for `e`, unless one is already pending.
pub fn throw(env: &mut Env, e: Error) {
    if env.exception_check() {
        return;
    }
    let (class, number, message, verify) = match e {
        Error::Os(n) => ("org/sockbridge/SocketError", n, strerror(n), None),
        Error::Closed => (
            "org/sockbridge/SocketError",
            libc::EBADF,
            strerror(libc::EBADF),
            None,
        ),
        Error::Message(m) => ("org/sockbridge/SocketError", 0, m, None),
        Error::Timeout => ("org/sockbridge/SocketTimeout", 0, "timed out".into(), None),
        Error::Lookup(c) => (
            "org/sockbridge/AddressLookupError",
            c,
            gai_strerror(c),
            None,
        ),
        Error::Host(c) => ("org/sockbridge/HostLookupError", c, hstrerror(c), None),
        Error::InvalidArgument(m) => ("java/lang/IllegalArgumentException", 0, m, None),
        Error::Tls(f) => (
            "org/sockbridge/TlsError",
            f.reason.code(),
            f.message,
            Some(f.verify_code),
        ),
    };
    throw_new(env, class, number, &message, verify);
}

/// Makes and throws `class` with the constructor [`super::EXCEPTIONS`] gives it, through the
/// class and constructor cached at load: `(message)` for `java.lang` classes, `(int, message)`
/// for ours, `(int, message, int)` for `TlsError`.
fn throw_new(env: &mut Env, class: &str, number: jint, message: &str, verify: Option<jint>) {
    let found = super::cached()
        .ok()
        .and_then(|c| c.exceptions.iter().find(|t| t.name == class));
    let Some(t) = found else {
        let _ = env.throw_new(jni_str!("java/lang/Error"), JNIString::from(message));
        return;
    };
    let Ok(text) = env.new_string(message) else {
        return; // OutOfMemoryError pending
    };
    let mut args = Vec::with_capacity(3);
    if t.leading_int {
        args.push(JValue::Int(number).as_jni());
    }
    args.push(JValue::Object(&text).as_jni());
    if let Some(v) = verify {
        args.push(JValue::Int(v).as_jni());
    }
    // SAFETY: the constructor ID belongs to this class and `args` match its signature (the
    // table in EXCEPTIONS: an optional leading int, the message, TlsError's trailing int).
    let made = unsafe { env.new_object_unchecked(&t.class, t.ctor, &args) };
    env.delete_local_ref(text);
    if let Ok(obj) = made {
        // SAFETY: `obj` was just made by the constructor of a Throwable subclass.
        let obj = unsafe { jni::objects::JThrowable::from_raw(env, obj.into_raw()) };
        // `throw` reports the now-pending exception as `Err(JavaException)`: that is success.
        let _ = env.throw(&obj);
    }
}

/// Throws a `NullPointerException` naming the argument.
pub fn throw_null(env: &mut Env, what: &str) {
    if !env.exception_check() {
        throw_new(env, "java/lang/NullPointerException", 0, what, None);
    }
}

/// Reads an encoded address of `len` bytes from a Java array (no heap allocation).
pub fn read_addr(env: RawEnv, array: &JByteArray, len: jint) -> Result<SockAddr> {
    if array.is_null() {
        return Err(Error::invalid("address is null"));
    }
    let len = usize::try_from(len).map_err(|_| Error::invalid("negative address length"))?;
    if len > env.array_len(array) || len > MAX_ENCODED_LEN {
        return Err(Error::invalid("address length out of range"));
    }
    let mut buf = [0i8; MAX_ENCODED_LEN];
    if !env.get_bytes(array, 0, &mut buf[..len]) {
        return Err(Error::invalid("address array is unreadable"));
    }
    addr::decode(bytes_of(&buf[..len]))
}

/// Checks that `out` can take any address [`write_addr`] may write (`2 + MAX_ENCODED_LEN`
/// bytes). Called before the operation, so a bad buffer never costs a datagram or connection.
pub fn check_addr_out(env: RawEnv, out: &JByteArray) -> Result<()> {
    if out.is_null() {
        return Err(Error::invalid("address buffer is null"));
    }
    if env.array_len(out) < MAX_ENCODED_LEN + 2 {
        return Err(Error::invalid("address buffer is too small"));
    }
    Ok(())
}

/// Writes `addr` into `out` as `[len:u16][encoded]`; `out` must pass [`check_addr_out`].
pub fn write_addr(env: RawEnv, out: &JByteArray, addr: &SockAddr) -> Result<()> {
    check_addr_out(env, out)?;
    let mut enc = [0u8; MAX_ENCODED_LEN];
    let n = addr::encode(addr, &mut enc);
    let mut buf = [0i8; MAX_ENCODED_LEN + 2];
    buf[..2].copy_from_slice(signed(&(n as u16).to_be_bytes()));
    buf[2..n + 2].copy_from_slice(signed(&enc[..n]));
    if !env.set_bytes(out, 0, &buf[..n + 2]) {
        return Err(Error::invalid("address buffer is unwritable"));
    }
    Ok(())
}

/// A Java string as a Rust `String`; `None` for Java `null`. The copy is allocated fallibly: a
/// string too large for the memory left is an error, never a process abort.
pub fn opt_string(env: &mut Env, s: &JString) -> Result<Option<String>> {
    if s.is_null() {
        return Ok(None);
    }
    let java = s
        .mutf8_chars(env)
        .map_err(|_| Error::invalid("unreadable string"))?;
    // Borrows the JVM's bytes when they are already UTF-8 (no NUL, no supplementary characters).
    let text: std::borrow::Cow<str> = (&java).into();
    let mut out = String::new();
    out.try_reserve_exact(text.len())
        .map_err(|_| Error::invalid("string argument is too large"))?;
    out.push_str(&text);
    Ok(Some(out))
}

/// Views `i8` (Java `byte`) as `u8`.
pub fn bytes_of(b: &[i8]) -> &[u8] {
    // SAFETY: i8 and u8 have the same size and alignment.
    unsafe { std::slice::from_raw_parts(b.as_ptr().cast(), b.len()) }
}

/// Views `i8` (Java `byte`) mutably as `u8`.
pub fn bytes_of_mut(b: &mut [i8]) -> &mut [u8] {
    // SAFETY: i8 and u8 have the same size and alignment.
    unsafe { std::slice::from_raw_parts_mut(b.as_mut_ptr().cast(), b.len()) }
}

/// Views `u8` as `i8` (Java `byte`).
pub fn signed(b: &[u8]) -> &[i8] {
    // SAFETY: i8 and u8 have the same size and alignment.
    unsafe { std::slice::from_raw_parts(b.as_ptr().cast(), b.len()) }
}

/// A Java `String[]` of `items` (slow path: results of lookups and session queries).
pub fn string_array<'l>(env: &mut Env<'l>, items: &[String]) -> Result<JObjectArray<'l>> {
    let arr = env
        .new_object_array(
            items.len() as i32,
            &super::cached()?.string_class,
            JObject::null(),
        )
        .map_err(|_| Error::invalid("cannot allocate result"))?;
    for (i, item) in items.iter().enumerate() {
        let js = env
            .new_string(item)
            .map_err(|_| Error::invalid("cannot allocate result"))?;
        let filled = arr.set_element(env, i, &js);
        // One local reference per element would exceed the JVM's local capacity on long lists.
        env.delete_local_ref(js);
        filled.map_err(|_| Error::invalid("cannot fill result"))?;
    }
    Ok(arr)
}

/// A Java `byte[][]` of `items` (certificates as DER).
pub fn bytes_array<'l, 'a>(
    env: &mut Env<'l>,
    items: impl Iterator<Item = &'a [u8]>,
) -> Result<JObjectArray<'l>> {
    let items: Vec<&[u8]> = items.collect();
    let arr = env
        .new_object_array(
            items.len() as i32,
            &super::cached()?.byte_array_class,
            JObject::null(),
        )
        .map_err(|_| Error::invalid("cannot allocate result"))?;
    for (i, bytes) in items.iter().enumerate() {
        let b = env
            .byte_array_from_slice(bytes)
            .map_err(|_| Error::invalid("cannot allocate result"))?;
        let filled = arr.set_element(env, i, &b);
        // Deleted at once: the system store has ~150 certificates, the local capacity is 16-32.
        env.delete_local_ref(b);
        filled.map_err(|_| Error::invalid("cannot fill result"))?;
    }
    Ok(arr)
}
