//! The JNI boundary: the only code that sees JNI types. Each entry point converts its
//! arguments, calls one core function, and converts the result back, inside
//! [`boundary::guard`] so that no panic unwinds into the JVM.
//!
//! Conventions: operations on the hot path return a count (or handle) ≥ 0, or a negative code
//! that the Java `Errors` class turns into an exception (`-errno`, or [`convert::TIMEOUT`]);
//! slow-path calls (lookups, argument errors) throw from here.

pub mod boundary;
pub mod convert;
pub mod direct;
pub mod epoll;
pub mod interrupts;
pub mod java_bytes;
pub mod lean;
pub mod native_library;
pub mod native_socket;
pub mod poller;
pub mod prepared_poll;
pub mod py_string;
pub mod resolver;
pub mod tls_context;
pub mod tls_policy;
pub mod tls_socket;

use std::sync::OnceLock;

use ::jni::objects::{Global, JClass, JFieldID, JMethodID, JObject, JThrowable};
use ::jni::signature::{JavaType, MethodSignature, Primitive};
use ::jni::strings::JNIStr;
use ::jni::sys::{jint, JNI_ERR, JNI_VERSION_1_8};
use ::jni::{jni_sig, jni_str, Env, JavaVM};

use crate::core::error::{Error, Result};

/// Classes and IDs the entry points use, looked up once when the library is loaded (never per
/// call). Global references: the classes cannot be unloaded while we hold them.
pub(crate) struct Cached {
    /// `java.io.FileDescriptor`: every object whose `fd` field we read is checked against it.
    pub file_descriptor: Global<JClass<'static>>,
    /// Its `int fd` field.
    pub fd_field: JFieldID,
    /// `java.nio.Buffer`'s `int position` field (read for scatter/gather).
    pub buffer_position: JFieldID,
    /// `java.nio.Buffer`'s `int limit` field.
    pub buffer_limit: JFieldID,
    /// Streams that hold their data in memory (see `poller::IN_MEMORY`): `ByteArrayInputStream`
    /// and, where the JDK has it, `ProcessBuilder$NullInputStream`.
    pub in_memory_streams: Vec<Global<JClass<'static>>>,
    /// A `java.lang.Error` made at load, thrown when a panic's own `Error` cannot be made
    /// (e.g. the heap is exhausted), so that a panic never reaches Java as a plain return value.
    pub internal_error: Global<JThrowable<'static>>,
    /// The exceptions native code throws, with their constructors (see [`EXCEPTIONS`]).
    pub exceptions: Vec<Throwable>,
    /// `java.lang.String` and `byte[]`, the element classes of the arrays we return.
    pub string_class: Global<JClass<'static>>,
    /// `byte[]`.
    pub byte_array_class: Global<JClass<'static>>,
}

/// An exception class and the constructor native code calls.
pub(crate) struct Throwable {
    /// JNI name, e.g. `org/sockbridge/SocketError`.
    pub name: &'static str,
    /// Whether the constructor takes a leading `int` (the errno or reason code).
    pub leading_int: bool,
    /// The class.
    pub class: Global<JClass<'static>>,
    /// Its constructor.
    pub ctor: JMethodID,
}

/// One row of [`EXCEPTIONS`]: the name we match on, the same name and the constructor
/// signature encoded for JNI at compile time.
pub(crate) struct ExceptionSpec {
    /// JNI name, as [`convert::throw`] names the class.
    pub name: &'static str,
    /// The same, MUTF-8 encoded.
    pub jni_name: &'static JNIStr,
    /// Constructor signature.
    pub ctor: MethodSignature<'static, 'static>,
    /// Whether the constructor takes a leading `int`.
    pub leading_int: bool,
}

macro_rules! exception {
    ($name:literal, $sig:literal, $leading_int:expr) => {
        ExceptionSpec {
            name: $name,
            jni_name: jni_str!($name),
            ctor: jni_sig!($sig),
            leading_int: $leading_int,
        }
    };
}

/// The exceptions thrown from native code. Resolved through the loader of the class that
/// loaded the library (the facade's own).
pub(crate) const EXCEPTIONS: [ExceptionSpec; 7] = [
    exception!("org/sockbridge/SocketError", "(ILjava/lang/String;)V", true),
    exception!(
        "org/sockbridge/SocketTimeout",
        "(ILjava/lang/String;)V",
        true
    ),
    exception!(
        "org/sockbridge/AddressLookupError",
        "(ILjava/lang/String;)V",
        true
    ),
    exception!(
        "org/sockbridge/HostLookupError",
        "(ILjava/lang/String;)V",
        true
    ),
    exception!("org/sockbridge/TlsError", "(ILjava/lang/String;I)V", true),
    exception!(
        "java/lang/IllegalArgumentException",
        "(Ljava/lang/String;)V",
        false
    ),
    exception!(
        "java/lang/NullPointerException",
        "(Ljava/lang/String;)V",
        false
    ),
];

static CACHE: OnceLock<Cached> = OnceLock::new();

/// The load-time cache; an error (never a crash) if the library was not loaded by the JVM.
pub(crate) fn cached() -> Result<&'static Cached> {
    CACHE
        .get()
        .ok_or_else(|| Error::Message("sockbridge: JNI_OnLoad did not run".into()))
}

fn load_cache(env: &mut Env) -> ::jni::errors::Result<Cached> {
    let fd_class = env.find_class(jni_str!("java/io/FileDescriptor"))?;
    let fd_field = env.get_field_id(&fd_class, jni_str!("fd"), jni_sig!("I"))?;
    let file_descriptor = env.new_global_ref(&fd_class)?;
    let buffer_class = env.find_class(jni_str!("java/nio/Buffer"))?;
    let buffer_position = env.get_field_id(&buffer_class, jni_str!("position"), jni_sig!("I"))?;
    let buffer_limit = env.get_field_id(&buffer_class, jni_str!("limit"), jni_sig!("I"))?;
    let mut in_memory_streams = Vec::new();
    for name in [
        jni_str!("java/io/ByteArrayInputStream"),
        jni_str!("java/lang/ProcessBuilder$NullInputStream"),
    ] {
        match env.find_class(name) {
            Ok(c) => in_memory_streams.push(env.new_global_ref(&c)?),
            // Not in every JDK: nothing to recognise then.
            Err(_) => env.exception_clear(),
        }
    }
    let message =
        env.new_string("sockbridge internal error (a native panic; no detail: out of memory)")?;
    let error = env.new_object(
        jni_str!("java/lang/Error"),
        jni_sig!("(Ljava/lang/String;)V"),
        &[(&message).into()],
    )?;
    // SAFETY: `error` was just made by `java.lang.Error`'s constructor.
    let error = unsafe { JThrowable::from_raw(env, error.into_raw()) };
    let mut exceptions = Vec::new();
    for spec in &EXCEPTIONS {
        let class = env.find_class(spec.jni_name)?;
        let ctor = env.get_method_id(&class, jni_str!("<init>"), &spec.ctor)?;
        exceptions.push(Throwable {
            name: spec.name,
            leading_int: spec.leading_int,
            class: env.new_global_ref(&class)?,
            ctor,
        });
    }
    let string_class = env.find_class(jni_str!("java/lang/String"))?;
    let byte_array_class = env.find_class(jni_str!("[B"))?;
    Ok(Cached {
        file_descriptor,
        fd_field,
        buffer_position,
        buffer_limit,
        in_memory_streams,
        internal_error: env.new_global_ref(&error)?,
        exceptions,
        string_class: env.new_global_ref(&string_class)?,
        byte_array_class: env.new_global_ref(&byte_array_class)?,
    })
}

/// Called by the JVM when the library is loaded: caches the classes and IDs the entry points
/// use. Fails the load (`UnsatisfiedLinkError`) if they cannot be found.
///
/// # Safety
///
/// Called by the JVM only, with its own valid `JavaVM` pointer.
#[no_mangle]
pub unsafe extern "system" fn JNI_OnLoad(
    vm: *mut ::jni::sys::JavaVM,
    _reserved: *mut std::ffi::c_void,
) -> jint {
    boundary::install_panic_hook();
    let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: the JVM passes its own, valid JavaVM pointer.
        let vm = unsafe { JavaVM::from_raw(vm) };
        // The loading thread is attached already; this only borrows its environment (in a
        // local frame of its own, which drops the local references made here).
        vm.attach_current_thread(|env| -> ::jni::errors::Result<()> {
            let c = load_cache(env)?;
            let _ = CACHE.set(c);
            Ok(())
        })
        .is_ok()
    }));
    match loaded {
        Ok(true) => JNI_VERSION_1_8,
        _ => JNI_ERR,
    }
}

/// Reads the int fd inside a `java.io.FileDescriptor`: `None` for Java `null`; an
/// `InvalidArgument` error for any other kind of object (checked against the cached class
/// before the field is read, as JNI requires).
pub(crate) fn fd_of(env: &mut Env, descriptor: &JObject) -> Result<Option<i32>> {
    if descriptor.is_null() {
        return Ok(None);
    }
    let c = cached()?;
    let is_descriptor = env
        .is_instance_of(descriptor, &c.file_descriptor)
        .map_err(|_| Error::invalid("unreadable object"))?;
    if !is_descriptor {
        return Err(Error::invalid("expected a java.io.FileDescriptor"));
    }
    // SAFETY: the object is a FileDescriptor and the ID is its `int fd` field.
    let value = unsafe {
        env.get_field_unchecked(descriptor, c.fd_field, JavaType::Primitive(Primitive::Int))
    }
    .and_then(|v| v.i())
    .map_err(|_| Error::invalid("unreadable FileDescriptor"))?;
    Ok(Some(value))
}
