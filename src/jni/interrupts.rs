//! Entry points for `org.sockbridge.Interrupts`: signals that interrupt blocking waits.

use jni::objects::JClass;
use jni::sys::{jboolean, jint, jlong, JNI_FALSE, JNI_TRUE};
use jni::EnvUnowned;

use super::boundary::guard;
use super::convert::PANIC;
use crate::core::interrupt;

/// Opts the calling thread in (`on`) or out of interruptible waits; 0 or `-errno`.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Interrupts_nSetEnabled<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    on: jboolean,
) -> jint {
    guard(&mut env, PANIC, |_| {
        if on == JNI_FALSE {
            interrupt::disable_current_thread();
            return 0;
        }
        match interrupt::enable_current_thread() {
            Ok(()) => 0,
            Err(e) => -e.errno().unwrap_or(libc::EIO),
        }
    })
}

/// Records `signum` as pending and wakes the opted-in waits; whether it did.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Interrupts_nDeliver<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    signum: jint,
) -> jboolean {
    guard(&mut env, JNI_FALSE, |_| {
        if interrupt::deliver(signum) {
            JNI_TRUE
        } else {
            JNI_FALSE
        }
    })
}

/// Takes the pending signals as a bit mask (bit n: signal n).
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Interrupts_nTakePending<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
) -> jlong {
    guard(&mut env, 0, |_| interrupt::take_pending() as jlong)
}

/// Whether `signum` is delivered and not yet taken.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Interrupts_nIsPending<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    signum: jint,
) -> jboolean {
    guard(&mut env, JNI_FALSE, |_| {
        if interrupt::is_pending(signum) {
            JNI_TRUE
        } else {
            JNI_FALSE
        }
    })
}

/// Takes `signum` back if not yet taken; whether it did.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Interrupts_nRetract<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    signum: jint,
) -> jboolean {
    guard(&mut env, JNI_FALSE, |_| {
        if interrupt::retract(signum) {
            JNI_TRUE
        } else {
            JNI_FALSE
        }
    })
}
