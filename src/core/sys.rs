//! Thin wrappers over the system calls the core makes on raw fds; each returns `io::Result`
//! with the errno untouched. Every fd here is `O_NONBLOCK`, so none of these calls blocks.
//!
//! Data calls go through socket2 (`recv_with_flags`, `send_with_flags`, ...), viewing the fd
//! as a [`SockRef`] for the call. What stays on libc: `poll(2)` (socket2 has none), and in
//! `msg.rs` the control-message encoding and `recvmsg` with ancillary data (socket2 builds no
//! control messages, and its `RecvFlags` exposes only some of `msg_flags`, not `MSG_CTRUNC`,
//! which `recvmsg` must return).

use std::io;
use std::mem::MaybeUninit;
use std::os::fd::{BorrowedFd, RawFd};

use socket2::{SockAddr, SockRef};

/// socket2's view of `fd` for one call; `fd` must stay open for the call (the caller's
/// `Socket` owns it).
fn borrowed(fd: RawFd) -> BorrowedFd<'static> {
    // SAFETY: every caller passes the fd of a socket it keeps open across the call, and the
    // borrow is used only for that call.
    unsafe { BorrowedFd::borrow_raw(fd) }
}

/// Views an initialised buffer as the `MaybeUninit` slice socket2's receive calls take.
pub(crate) fn as_uninit(buf: &mut [u8]) -> &mut [MaybeUninit<u8>] {
    // SAFETY: same layout; the kernel (through socket2) only ever writes initialised bytes
    // into it, so `buf` stays initialised.
    unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) }
}

/// `recv(2)`, through socket2's `recv_with_flags`.
pub fn recv(fd: RawFd, buf: &mut [u8], flags: i32) -> io::Result<usize> {
    SockRef::from(&borrowed(fd)).recv_with_flags(as_uninit(buf), flags)
}

/// `send(2)` through socket2, with `MSG_NOSIGNAL` so a closed peer gives `EPIPE` rather than
/// `SIGPIPE` (socket2 passes the flags as given).
pub fn send(fd: RawFd, buf: &[u8], flags: i32) -> io::Result<usize> {
    SockRef::from(&borrowed(fd)).send_with_flags(buf, flags | libc::MSG_NOSIGNAL)
}

/// `recvfrom(2)` through socket2: the count and the sender's address (length 0 when the
/// kernel gives none, e.g. on a connected stream).
pub fn recv_from(fd: RawFd, buf: &mut [u8], flags: i32) -> io::Result<(usize, SockAddr)> {
    SockRef::from(&borrowed(fd)).recv_from_with_flags(as_uninit(buf), flags)
}

/// `sendto(2)` through socket2, with `MSG_NOSIGNAL`.
pub fn send_to(fd: RawFd, buf: &[u8], flags: i32, addr: &SockAddr) -> io::Result<usize> {
    SockRef::from(&borrowed(fd)).send_to_with_flags(buf, addr, flags | libc::MSG_NOSIGNAL)
}

/// `sendmsg(2)` of `msg` (data, control messages, address) through socket2, with
/// `MSG_NOSIGNAL`.
pub fn send_msg(fd: RawFd, msg: &socket2::MsgHdr<'_, '_, '_>, flags: i32) -> io::Result<usize> {
    SockRef::from(&borrowed(fd)).sendmsg(msg, flags | libc::MSG_NOSIGNAL)
}

/// `recvmsg(2)` into several buffers (scatter) through socket2, no address, no control data.
pub fn recv_vectored(
    fd: RawFd,
    bufs: &mut [socket2::MaybeUninitSlice<'_>],
    flags: i32,
) -> io::Result<usize> {
    SockRef::from(&borrowed(fd))
        .recv_vectored_with_flags(bufs, flags)
        .map(|(n, _)| n)
}

/// `sendmsg(2)` of several buffers (gather) through socket2, with `MSG_NOSIGNAL`.
pub fn send_vectored(fd: RawFd, bufs: &[io::IoSlice<'_>], flags: i32) -> io::Result<usize> {
    SockRef::from(&borrowed(fd)).send_vectored_with_flags(bufs, flags | libc::MSG_NOSIGNAL)
}

/// `poll(2)` on one fd; returns the `revents` (0 on timeout). `timeout_ms < 0` waits forever.
pub fn poll_one(fd: RawFd, events: i16, timeout_ms: i32) -> io::Result<i16> {
    let mut pfd = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    // SAFETY: pfd is one valid pollfd.
    let rc = unsafe { libc::poll(&mut pfd, 1, timeout_ms) };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(pfd.revents)
    }
}

/// `poll(2)` on several fds; returns how many have non-zero `revents`.
pub fn poll_fds(fds: &mut [libc::pollfd], timeout_ms: i32) -> io::Result<usize> {
    // SAFETY: fds is a valid, writable array of fds.len() pollfd entries.
    let rc = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc as usize)
    }
}

/// True when `e` means "would block" (`EAGAIN`/`EWOULDBLOCK`).
pub fn would_block(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EAGAIN))
}
