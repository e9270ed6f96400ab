//! Entry points for `org.sockbridge.NativeLibrary`: facts the Java side caches at load.

use jni::objects::JClass;
use jni::sys::{jint, jstring};
use jni::EnvUnowned;

use super::boundary::guard;
use super::convert::PANIC;
use crate::core::error::strerror;

/// `strerror(errno)`, so Java can build `SocketError` messages identical to CPython's.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeLibrary_nStrerror<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    errno: jint,
) -> jstring {
    guard(&mut env, std::ptr::null_mut(), |env| {
        env.new_string(strerror(errno))
            .map(|s| s.into_raw())
            .unwrap_or(std::ptr::null_mut())
    })
}

/// Deliberately panics inside the guard, so tests can show a panic becomes a Java `Error`
/// and the JVM lives on.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeLibrary_nPanicForTest<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
) -> jint {
    guard(&mut env, PANIC, |_| panic!("panic requested by test"))
}
