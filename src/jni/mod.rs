//! The JNI boundary: the only code that sees JNI types. Each entry point converts its
//! arguments, calls one core function, and converts the result back, inside
//! [`boundary::guard`] so that no panic unwinds into the JVM.
//!
//! Conventions: operations on the hot path return a count (or handle) ≥ 0, or a negative code
//! that the Java `Errors` class turns into an exception (`-errno`, or [`convert::TIMEOUT`]);
//! slow-path calls (lookups, argument errors) throw from here.

pub mod boundary;
pub mod convert;
pub mod epoll;
pub mod interrupts;
pub mod java_bytes;
pub mod native_library;
pub mod native_socket;
pub mod poller;
pub mod resolver;
pub mod tls_context;
pub mod tls_policy;
pub mod tls_socket;

use std::sync::OnceLock;

use ::jni::objects::{GlobalRef, JFieldID, JMethodID, JObject};
use ::jni::signature::{Primitive, ReturnType};
use ::jni::sys::{jint, JNI_ERR, JNI_VERSION_1_8};
use ::jni::{JNIEnv, JavaVM};

use crate::core::error::{Error, Result};

/// Classes and IDs the entry points use, looked up once when the library is loaded (never per
/// call). Global references: the classes cannot be unloaded while we hold them.
pub(crate) struct Cached {
    /// `java.io.FileDescriptor`: every object whose `fd` field we read is checked against it.
    pub file_descriptor: GlobalRef,
    /// Its `int fd` field.
    pub fd_field: JFieldID,
    /// Streams that hold their data in memory (see `poller::IN_MEMORY`): `ByteArrayInputStream`
    /// and, where the JDK has it, `ProcessBuilder$NullInputStream`.
    pub in_memory_streams: Vec<GlobalRef>,
    /// A `java.lang.Error` made at load, thrown when a panic's own `Error` cannot be made
    /// (e.g. the heap is exhausted), so that a panic never reaches Java as a plain return value.
    pub internal_error: GlobalRef,
    /// The exceptions native code throws, with their constructors (see [`EXCEPTIONS`]).
    pub exceptions: Vec<Throwable>,
    /// `java.lang.String` and `byte[]`, the element classes of the arrays we return.
    pub string_class: GlobalRef,
    /// `byte[]`.
    pub byte_array_class: GlobalRef,
}

/// An exception class and the constructor native code calls.
pub(crate) struct Throwable {
    /// JNI name, e.g. `org/sockbridge/SocketError`.
    pub name: &'static str,
    /// Constructor signature.
    pub signature: &'static str,
    /// The class.
    pub class: GlobalRef,
    /// Its constructor with `signature`.
    pub ctor: JMethodID,
}

/// The exceptions thrown from native code: `(class, constructor signature)`. Resolved through
/// the loader of the class that loaded the library (the facade's own).
pub(crate) const EXCEPTIONS: [(&str, &str); 7] = [
    ("org/sockbridge/SocketError", "(ILjava/lang/String;)V"),
    ("org/sockbridge/SocketTimeout", "(ILjava/lang/String;)V"),
    (
        "org/sockbridge/AddressLookupError",
        "(ILjava/lang/String;)V",
    ),
    ("org/sockbridge/HostLookupError", "(ILjava/lang/String;)V"),
    ("org/sockbridge/TlsError", "(ILjava/lang/String;I)V"),
    (
        "java/lang/IllegalArgumentException",
        "(Ljava/lang/String;)V",
    ),
    ("java/lang/NullPointerException", "(Ljava/lang/String;)V"),
];

static CACHE: OnceLock<Cached> = OnceLock::new();

/// The load-time cache; an error (never a crash) if the library was not loaded by the JVM.
pub(crate) fn cached() -> Result<&'static Cached> {
    CACHE
        .get()
        .ok_or_else(|| Error::Message("sockbridge: JNI_OnLoad did not run".into()))
}

fn load_cache(env: &mut JNIEnv) -> ::jni::errors::Result<Cached> {
    let fd_class = env.find_class("java/io/FileDescriptor")?;
    let fd_field = env.get_field_id(&fd_class, "fd", "I")?;
    let file_descriptor = env.new_global_ref(&fd_class)?;
    let mut in_memory_streams = Vec::new();
    for name in [
        "java/io/ByteArrayInputStream",
        "java/lang/ProcessBuilder$NullInputStream",
    ] {
        match env.find_class(name) {
            Ok(c) => in_memory_streams.push(env.new_global_ref(&c)?),
            // Not in every JDK: nothing to recognise then.
            Err(_) => env.exception_clear()?,
        }
    }
    let message =
        env.new_string("sockbridge internal error (a native panic; no detail: out of memory)")?;
    let error = env.new_object(
        "java/lang/Error",
        "(Ljava/lang/String;)V",
        &[(&message).into()],
    )?;
    let mut exceptions = Vec::new();
    for (name, signature) in EXCEPTIONS {
        let class = env.find_class(name)?;
        let ctor = env.get_method_id(&class, "<init>", signature)?;
        exceptions.push(Throwable {
            name,
            signature,
            class: env.new_global_ref(&class)?,
            ctor,
        });
    }
    let string_class = env.find_class("java/lang/String")?;
    let byte_array_class = env.find_class("[B")?;
    Ok(Cached {
        file_descriptor,
        fd_field,
        in_memory_streams,
        internal_error: env.new_global_ref(&error)?,
        exceptions,
        string_class: env.new_global_ref(&string_class)?,
        byte_array_class: env.new_global_ref(&byte_array_class)?,
    })
}

/// Called by the JVM when the library is loaded: caches the classes and IDs the entry points
/// use. Fails the load (`UnsatisfiedLinkError`) if they cannot be found.
#[no_mangle]
pub extern "system" fn JNI_OnLoad(vm: JavaVM, _reserved: *mut std::ffi::c_void) -> jint {
    boundary::install_panic_hook();
    let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut env = vm.get_env().ok()?;
        match load_cache(&mut env) {
            Ok(c) => {
                let _ = CACHE.set(c);
                Some(())
            }
            Err(_) => {
                let _ = env.exception_clear();
                None
            }
        }
    }));
    match loaded {
        Ok(Some(())) => JNI_VERSION_1_8,
        _ => JNI_ERR,
    }
}

/// Reads the int fd inside a `java.io.FileDescriptor`: `None` for Java `null`; an
/// `InvalidArgument` error for any other kind of object (checked against the cached class
/// before the field is read, as JNI requires).
pub(crate) fn fd_of(env: &mut JNIEnv, descriptor: &JObject) -> Result<Option<i32>> {
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
    // The object is a FileDescriptor and the ID is its `int fd` field: the unchecked read is sound.
    let value = env
        .get_field_unchecked(
            descriptor,
            c.fd_field,
            ReturnType::Primitive(Primitive::Int),
        )
        .and_then(|v| v.i())
        .map_err(|_| Error::invalid("unreadable FileDescriptor"))?;
    Ok(Some(value))
}
