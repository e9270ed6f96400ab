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

use ::jni::objects::{JFieldID, JObject};
use ::jni::sys::{jint, JNI_VERSION_1_8};
use ::jni::JavaVM;

/// The `fd` field of `java.io.FileDescriptor`, looked up once at load.
static FD_FIELD: OnceLock<JFieldID> = OnceLock::new();

/// Called by the JVM when the library is loaded: caches the IDs the entry points use.
#[no_mangle]
pub extern "system" fn JNI_OnLoad(vm: JavaVM, _reserved: *mut std::ffi::c_void) -> jint {
    boundary::install_panic_hook();
    if let Ok(mut env) = vm.get_env() {
        if let Ok(id) = env.get_field_id("java/io/FileDescriptor", "fd", "I") {
            let _ = FD_FIELD.set(id);
        }
        let _ = env.exception_clear();
    }
    JNI_VERSION_1_8
}

/// Reads the int fd inside a `java.io.FileDescriptor` (-1 if it has none).
pub(crate) fn fd_of(env: &mut ::jni::JNIEnv, descriptor: &JObject) -> Option<i32> {
    use ::jni::signature::{Primitive, ReturnType};
    let field = *FD_FIELD.get()?;
    if descriptor.is_null() {
        return None;
    }
    let value = env.get_field_unchecked(descriptor, field, ReturnType::Primitive(Primitive::Int));
    value.ok()?.i().ok()
}
