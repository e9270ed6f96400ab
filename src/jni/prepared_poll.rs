//! Entry point for `org.sockbridge.Poller.Prepared`: a `poll(2)` set kept across calls in a
//! direct buffer, as CPython's `select.poll` keeps its `pollfd` array between calls and rebuilds
//! it only after `register`/`modify`/`unregister`.
//!
//! Buffer layout (native byte order, 8-byte aligned), for `slots = (capacity - 16) / 12`:
//!
//! | offset            | content                                                        |
//! |-------------------|----------------------------------------------------------------|
//! | 0                 | `u64` close epoch the set was last checked at (0: not checked) |
//! | 16                | `struct pollfd[slots]` (fd, events, revents)                    |
//! | 16 + 8 * slots    | `i32[slots]`: the positions of the ready entries, in order      |
//!
//! A call with a zero timeout whose recorded epoch is still current
//! ([`close_epoch`]: no socket in the process was closed since the set's sockets were checked
//! open) is one `poll(2)` on the buffer, with no registry lookup: no socket of the set can have
//! been closed, so each entry's fd is still its socket's. The epoch is read again after the
//! poll; if a close happened meanwhile (its fd may have been reused under the poll), the call
//! takes the full path instead. The full path finds every socket by its handle (a closed one
//! gives `EBADF`, as before), writes each socket's real fd into its entry, holds the sockets
//! for the call (registered for close wake-ups when the call may block), and records the epoch
//! it read before those checks.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use jni::objects::{JByteBuffer, JClass, JLongArray};
use jni::sys::{jint, jlong};
use jni::EnvUnowned;

use super::lean::{self, lean, RawEnv};
use super::native_socket::SOCKETS;
use super::poller::{poll_held, timeout_of};
use crate::core::error::{Error, Result};
use crate::core::poll;
use crate::core::socket::{close_epoch, Socket};

/// Bytes before the first `pollfd`.
const HEADER: usize = 16;
/// Bytes per slot: one `pollfd` plus one ready position.
const SLOT: usize = std::mem::size_of::<libc::pollfd>() + 4;

/// Polls the first `count` entries of the prepared set `buf`; `handles[i] != 0` names the
/// socket of entry `i`. Returns how many entries are ready (their positions are in the
/// buffer's ready list), or a negative errno (`EBADF`: a socket of the set is closed).
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Poller_nPollPrepared<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    buf: JByteBuffer<'l>,
    handles: JLongArray<'l>,
    count: jint,
    timeout_nanos: jlong,
) -> jint {
    lean(&mut env, |raw| {
        poll_prepared(raw, &buf, &handles, count, timeout_nanos).map(lean::count)
    })
}

/// The parts of a prepared buffer, for one call.
struct Parts<'b> {
    epoch: &'b mut u64,
    set: &'b mut [libc::pollfd],
    ready: &'b mut [i32],
}

/// The first `count` entries of `buf`, checked against its capacity and alignment.
fn parts<'b>(env: RawEnv, buf: &'b JByteBuffer, count: jint) -> Result<Parts<'b>> {
    let (addr, capacity) = env
        .direct(buf)
        .ok_or_else(|| Error::invalid("the poll set buffer must be a direct buffer"))?;
    if !(addr as usize).is_multiple_of(8) {
        return Err(Error::invalid("the poll set buffer is not 8-byte aligned"));
    }
    let slots = capacity.saturating_sub(HEADER) / SLOT;
    let n = usize::try_from(count)
        .ok()
        .filter(|&n| n <= slots)
        .ok_or_else(|| Error::invalid("entry count out of range for the poll set buffer"))?;
    // SAFETY: the buffer is `capacity >= HEADER + slots * SLOT` bytes at `addr`, 8-byte
    // aligned (checked above), and stays allocated for the call (`buf` is a live local
    // reference). The three parts do not overlap. `Poller.Prepared` does not touch the buffer
    // while a call runs on it (it is documented as not thread-safe; a racing Java writer could
    // only garble entries, which poll(2) validates).
    unsafe {
        let epoch = &mut *addr.cast::<u64>();
        let set = std::slice::from_raw_parts_mut(addr.add(HEADER).cast::<libc::pollfd>(), n);
        let ready = std::slice::from_raw_parts_mut(
            addr.add(HEADER + slots * std::mem::size_of::<libc::pollfd>())
                .cast::<i32>(),
            n,
        );
        Ok(Parts { epoch, set, ready })
    }
}

/// The handles and sockets of a full-path call, kept per thread (a call allocates nothing once
/// they have grown); the sockets are let go before the call returns.
#[derive(Default)]
struct Held {
    handles: Vec<i64>,
    sockets: Vec<Arc<Socket>>,
}

thread_local! {
    static HELD: RefCell<Held> = RefCell::new(Held::default());
}

fn poll_prepared(
    env: RawEnv,
    buf: &JByteBuffer,
    handles: &JLongArray,
    count: jint,
    timeout_nanos: jlong,
) -> Result<usize> {
    let parts = parts(env, buf, count)?;
    if timeout_nanos == 0 && *parts.epoch != 0 {
        let seen = *parts.epoch;
        if close_epoch() == seen {
            poll::poll(parts.set, Some(Duration::ZERO))?;
            if close_epoch() == seen {
                return Ok(compact(parts.set, parts.ready));
            }
        }
    }
    *parts.epoch = 0;
    HELD.with(|cell| match cell.try_borrow_mut() {
        Ok(mut held) => {
            let r = poll_checked(env, handles, parts.set, timeout_nanos, &mut held);
            held.sockets.clear();
            r.map(|seen| {
                *parts.epoch = seen;
                compact(parts.set, parts.ready)
            })
        }
        // Not reentrant in practice (no Java code runs inside); fresh vectors if it ever is.
        Err(_) => poll_checked(env, handles, parts.set, timeout_nanos, &mut Held::default())
            .map(|_| compact(parts.set, parts.ready)),
    })
}

/// The full path: finds and holds the set's sockets, writes their fds into the set, polls.
/// Returns the close epoch read before the sockets were checked open.
fn poll_checked(
    env: RawEnv,
    handles: &JLongArray,
    set: &mut [libc::pollfd],
    timeout_nanos: jlong,
    held: &mut Held,
) -> Result<u64> {
    let n = set.len();
    let Held {
        handles: hs,
        sockets,
    } = held;
    hs.clear();
    hs.try_reserve(n)
        .map_err(|_| Error::invalid("cannot allocate the poll set"))?;
    hs.resize(n, 0);
    if !env.get_longs(handles, hs) {
        return Err(Error::invalid(
            "the handle array is null or shorter than the entry count",
        ));
    }
    let seen = close_epoch();
    sockets.clear();
    for (p, &h) in set.iter_mut().zip(hs.iter()) {
        if h != 0 {
            let s = SOCKETS.get(h)?;
            p.fd = s.raw_fd();
            sockets
                .try_reserve(1)
                .map_err(|_| Error::invalid("cannot allocate the poll set"))?;
            sockets.push(s);
        }
    }
    poll_held(set, sockets, timeout_of(timeout_nanos))?;
    Ok(seen)
}

/// Writes the positions of the entries with events into `ready`, in order; returns how many.
fn compact(set: &[libc::pollfd], ready: &mut [i32]) -> usize {
    let mut k = 0;
    for (i, p) in set.iter().enumerate() {
        if p.revents != 0 {
            ready[k] = i as i32;
            k += 1;
        }
    }
    k
}
