//! Entry points for `org.sockbridge.Poller`: `poll(2)` over any fds, the primitive behind
//! `select` and `poll` objects.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use jni::objects::{JClass, JIntArray, JLongArray, JObject, JShortArray};
use jni::signature::FieldSignature;
use jni::strings::JNIStr;
use jni::sys::{jint, jlong};
use jni::{jni_sig, jni_str, Env, EnvUnowned};

use super::boundary::guard;
use super::convert::{code, PANIC};
use super::native_socket::SOCKETS;
use crate::core::error::{Error, Result};
use crate::core::poll;
use crate::core::socket::{Socket, WaitGuard};

/// Most entries one call may watch (well above any `RLIMIT_NOFILE` in practice).
const MAX_ENTRIES: usize = 1 << 20;

/// `timeoutNanos < 0` waits forever.
pub(super) fn timeout_of(nanos: jlong) -> Option<Duration> {
    u64::try_from(nanos).ok().map(Duration::from_nanos)
}

/// Polls `count` entries. Entry `i` watches `fds[i]`, or, when `handles[i] != 0`, the socket
/// with that handle: such a socket is held for the call and a concurrent `close()` ends the wait
/// with `EBADF`. Results go to `revents`; returns the number of ready entries.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Poller_nPoll<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    fds: JIntArray<'l>,
    handles: JLongArray<'l>,
    events: JShortArray<'l>,
    revents: JShortArray<'l>,
    count: jint,
    timeout_nanos: jlong,
) -> jint {
    guard(&mut env, PANIC, |env| {
        match poll_entries(env, &fds, &handles, &events, &revents, count, timeout_nanos) {
            Ok(n) => n as jint,
            Err(e) => code(env, e),
        }
    })
}

/// The arrays of one poll call, kept per thread: a call allocates nothing once they have grown
/// to its entry count (they grow fallibly, so a huge count is an error, never an abort).
#[derive(Default)]
struct Scratch {
    fds: Vec<i32>,
    handles: Vec<i64>,
    events: Vec<i16>,
    set: Vec<libc::pollfd>,
    /// The sockets named by handles, held for the call only (emptied before it returns, so no
    /// socket outlives its last user here).
    held: Vec<Arc<Socket>>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Empties `v` and gives it `n` copies of `fill`, allocating only when it must grow.
fn fit<T: Clone>(v: &mut Vec<T>, n: usize, fill: T) -> Result<()> {
    v.clear();
    v.try_reserve(n)
        .map_err(|_| Error::invalid("cannot allocate the poll set"))?;
    v.resize(n, fill);
    Ok(())
}

fn poll_entries(
    env: &mut Env,
    fds: &JIntArray,
    handles: &JLongArray,
    events: &JShortArray,
    revents: &JShortArray,
    count: jint,
    timeout_nanos: jlong,
) -> Result<usize> {
    let n = usize::try_from(count)
        .ok()
        .filter(|&n| n <= MAX_ENTRIES)
        .ok_or_else(|| Error::invalid("entry count out of range"))?;
    if fds.is_null() || handles.is_null() || events.is_null() || revents.is_null() {
        return Err(Error::invalid("poll arrays must not be null"));
    }
    let bad = |_| Error::invalid("poll arrays are shorter than the entry count");
    for len in [
        fds.len(env),
        handles.len(env),
        events.len(env),
        revents.len(env),
    ] {
        if len.map_err(bad)? < n {
            return Err(Error::invalid(
                "poll arrays are shorter than the entry count",
            ));
        }
    }
    let arrays = PollArrays {
        fds,
        handles,
        events,
        revents,
    };
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => {
            let result = poll_with(env, &arrays, n, timeout_nanos, &mut scratch);
            scratch.held.clear();
            result
        }
        // Not reentrant in practice (no Java code runs inside); a fresh set if it ever is.
        Err(_) => poll_with(env, &arrays, n, timeout_nanos, &mut Scratch::default()),
    })
}

/// The Java arrays of a poll call.
struct PollArrays<'a, 'l> {
    fds: &'a JIntArray<'l>,
    handles: &'a JLongArray<'l>,
    events: &'a JShortArray<'l>,
    revents: &'a JShortArray<'l>,
}

fn poll_with(
    env: &mut Env,
    java: &PollArrays,
    n: usize,
    timeout_nanos: jlong,
    scratch: &mut Scratch,
) -> Result<usize> {
    let bad = |_| Error::invalid("poll arrays are shorter than the entry count");
    let Scratch {
        fds: raw_fds,
        handles: hs,
        events: evs,
        set,
        held,
    } = scratch;
    fit(raw_fds, n, 0i32)?;
    fit(hs, n, 0i64)?;
    fit(evs, n, 0i16)?;
    java.fds.get_region(env, 0, raw_fds).map_err(bad)?;
    java.handles.get_region(env, 0, hs).map_err(bad)?;
    java.events.get_region(env, 0, evs).map_err(bad)?;
    let sockets = hs.iter().filter(|&&h| h != 0).count();
    held.clear();
    held.try_reserve(sockets)
        .map_err(|_| Error::invalid("cannot allocate the poll set"))?;
    for (i, &h) in hs.iter().enumerate() {
        if h != 0 {
            let s = SOCKETS.get(h)?;
            raw_fds[i] = s.raw_fd();
            held.push(s);
        }
    }
    fit(
        set,
        n,
        libc::pollfd {
            fd: -1,
            events: 0,
            revents: 0,
        },
    )?;
    for (p, (&fd, &events)) in set.iter_mut().zip(raw_fds.iter().zip(evs.iter())) {
        p.fd = fd;
        p.events = events;
    }
    let ready = poll_held(set, held, timeout_of(timeout_nanos))?;
    for (e, p) in evs.iter_mut().zip(set.iter()) {
        *e = p.revents;
    }
    java.revents.set_region(env, 0, evs).map_err(bad)?;
    Ok(ready)
}

/// `poll(2)` over `set`, whose socket entries belong to the sockets in `held` (found and held by
/// the caller). A wait that can block registers with each socket, so that a concurrent
/// `close()` ends it; a zero timeout never blocks, so that registration (a lock and a list push
/// per socket) is skipped. A socket of `held` closed before or during the poll gives `Closed`.
pub(super) fn poll_held(
    set: &mut [libc::pollfd],
    held: &[Arc<Socket>],
    timeout: Option<Duration>,
) -> Result<usize> {
    let mut waiting: Vec<WaitGuard> = Vec::new();
    if timeout != Some(Duration::ZERO) {
        waiting
            .try_reserve_exact(held.len())
            .map_err(|_| Error::invalid("cannot allocate the poll set"))?;
        for s in held {
            waiting.push(s.enter_wait()?);
        }
    } else if held.iter().any(|s| s.is_closed()) {
        return Err(Error::Closed);
    }
    let ready = poll::poll(set, timeout)?;
    drop(waiting);
    if held.iter().any(|s| s.is_closed()) {
        return Err(Error::Closed);
    }
    Ok(ready)
}

/// Looks for the fd inside an arbitrary Java I/O object, without access checks (JNI ignores
/// module encapsulation): a `FileDescriptor` itself, a field `fd` of type `FileDescriptor`
/// (streams, `RandomAccessFile`, NIO file/pipe/socket channels), or, through fields `in`/`out`,
/// the stream a filter or channel adapter wraps. Returns the fd, `i32::MIN` for an in-memory
/// stream (a drained child-process pipe), or `-EBADF`.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Poller_nFdOfObject<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    object: JObject<'l>,
) -> jint {
    guard(&mut env, PANIC, |env| {
        probe_fd(env, &object, 0).unwrap_or(-libc::EBADF)
    })
}

fn object_field<'l>(
    env: &mut Env<'l>,
    obj: &JObject,
    name: &JNIStr,
    sig: &FieldSignature,
) -> Option<JObject<'l>> {
    let value = env.get_field(obj, name, sig);
    if env.exception_check() {
        env.exception_clear();
    }
    let found = value.ok()?.l().ok()?;
    (!found.is_null()).then_some(found)
}

/// What [`probe_fd`] returns for a stream that holds its data in memory and has no fd: the
/// pipe of a child process that has exited (Java drains it into a `ByteArrayInputStream`, or
/// `ProcessBuilder.NullInputStream` when empty, and closes the fd). Always readable (data or EOF).
const IN_MEMORY: i32 = i32::MIN;

fn is_in_memory_stream(env: &mut Env, obj: &JObject) -> bool {
    let Ok(c) = super::cached() else {
        return false;
    };
    c.in_memory_streams
        .iter()
        .any(|class| env.is_instance_of(obj, class).unwrap_or(false))
}

fn probe_fd(env: &mut Env, obj: &JObject, depth: u32) -> Option<i32> {
    if obj.is_null() || depth > 4 {
        return None;
    }
    if is_in_memory_stream(env, obj) {
        return Some(IN_MEMORY);
    }
    // A FileDescriptor itself (anything else is refused by fd_of's type check).
    if let Ok(Some(fd)) = super::fd_of(env, obj) {
        return (fd >= 0).then_some(fd);
    }
    if let Some(fd) = object_field(
        env,
        obj,
        jni_str!("fd"),
        &jni_sig!("Ljava/io/FileDescriptor;"),
    ) {
        let found = super::fd_of(env, &fd).ok().flatten();
        env.delete_local_ref(fd);
        return found.filter(|&fd| fd >= 0);
    }
    for (name, sig) in [
        (jni_str!("in"), jni_sig!("Ljava/io/InputStream;")),
        (jni_str!("out"), jni_sig!("Ljava/io/OutputStream;")),
    ] {
        if let Some(inner) = object_field(env, obj, name, &sig) {
            let found = probe_fd(env, &inner, depth + 1);
            env.delete_local_ref(inner);
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

/// The fd inside a `java.io.FileDescriptor` (`-EBADF` for `null` or one without an fd);
/// any other kind of object throws `IllegalArgumentException`.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Poller_nFdOf<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    descriptor: JObject<'l>,
) -> jint {
    guard(&mut env, PANIC, |env| {
        match super::fd_of(env, &descriptor) {
            Ok(Some(fd)) if fd >= 0 => fd,
            Ok(_) => -libc::EBADF,
            Err(e) => code(env, e),
        }
    })
}
