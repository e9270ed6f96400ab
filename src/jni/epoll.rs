//! Entry points for `org.sockbridge.Epoll`.

use std::sync::Arc;
use std::time::Duration;

use jni::objects::{JClass, JIntArray};
use jni::sys::{jint, jlong};
use jni::EnvUnowned;

use super::boundary::guard;
use super::convert::{code, PANIC};
use super::lean::{self, lean, RawEnv};
use crate::core::epoll::Epoll;
use crate::core::error::{Error, Result};
use crate::core::registry::Registry;

/// Every open epoll handle. Handles made by `fromfd` over a live instance share it (one
/// `Arc<Epoll>` per handle; the instance counts its handles, see `Epoll::attach`).
pub static EPOLLS: Registry<Arc<Epoll>> = Registry::new();

thread_local! {
    static RESULTS: std::cell::RefCell<(Vec<i32>, Vec<i32>)> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// Largest `maxevents` accepted per wait.
const MAX_EVENTS: usize = 1 << 16;

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Epoll_nCreate<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
) -> jlong {
    guard(&mut env, jlong::from(PANIC), |env| match Epoll::new() {
        Ok(ep) => EPOLLS.insert(ep),
        Err(e) => jlong::from(code(env, e)),
    })
}

/// `select.epoll.fromfd(fd)`: a handle on the live instance over `fd`, else on `fd` adopted
/// (see `Epoll::from_fd`).
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Epoll_nFromFd<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    fd: jint,
) -> jlong {
    guard(&mut env, jlong::from(PANIC), |env| {
        match Epoll::from_fd(fd) {
            Ok(ep) => EPOLLS.insert(ep),
            Err(e) => jlong::from(code(env, e)),
        }
    })
}

/// `close()`: the handle goes and the instance closes for every handle sharing it.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Epoll_nClose<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) -> jint {
    guard(&mut env, PANIC, |env| match EPOLLS.remove(h) {
        Ok(ep) => {
            ep.detach();
            ep.close();
            0
        }
        Err(e) => code(env, e),
    })
}

/// The `Cleaner`'s action for a handle never closed: the handle goes, and the instance closes
/// only if no other handle shares it. Nothing to do for a closed handle.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Epoll_nRelease<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) -> jint {
    guard(&mut env, PANIC, |_| {
        if let Ok(ep) = EPOLLS.remove(h) {
            if ep.detach() {
                ep.close();
            }
        }
        0
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Epoll_nFileno<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) -> jint {
    guard(&mut env, PANIC, |env| match EPOLLS.get(h) {
        Ok(ep) => ep.raw_fd(),
        Err(e) => code(env, e),
    })
}

/// `op`: 1 register, 2 unregister, 3 modify (the `EPOLL_CTL_*` numbers).
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Epoll_nCtl<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    op: jint,
    fd: jint,
    events: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = EPOLLS.get(h).and_then(|ep| match op {
            libc::EPOLL_CTL_ADD => ep.register(fd, events as u32),
            libc::EPOLL_CTL_MOD => ep.modify(fd, events as u32),
            libc::EPOLL_CTL_DEL => ep.unregister(fd),
            _ => Err(Error::invalid("unknown epoll_ctl operation")),
        });
        match r {
            Ok(()) => 0,
            Err(e) => code(env, e),
        }
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Epoll_nWait<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    fds: JIntArray<'l>,
    events: JIntArray<'l>,
    timeout_nanos: jlong,
) -> jint {
    lean(&mut env, |raw| {
        wait(raw, h, &fds, &events, timeout_nanos).map(lean::count)
    })
}

fn wait(
    env: RawEnv,
    h: jlong,
    fds: &JIntArray,
    events: &JIntArray,
    timeout_nanos: jlong,
) -> Result<usize> {
    let ep = EPOLLS.get(h)?;
    if fds.is_null() || events.is_null() {
        return Err(Error::invalid("output arrays must not be null"));
    }
    let room = env
        .array_len(fds)
        .min(env.array_len(events))
        .min(MAX_EVENTS);
    let timeout = u64::try_from(timeout_nanos).ok().map(Duration::from_nanos);
    // Per-thread result buffers, reused: a wait allocates nothing once they have grown.
    RESULTS.with(|cell| {
        let (f, e) = &mut *cell.borrow_mut();
        if f.len() < room {
            f.resize(room, 0);
            e.resize(room, 0);
        }
        let n = ep.wait(&mut f[..room], &mut e[..room], timeout)?;
        if !(env.set_ints(fds, &f[..n]) && env.set_ints(events, &e[..n])) {
            return Err(Error::invalid("unwritable output array"));
        }
        Ok(n)
    })
}
