//! Thin wrappers over the system calls the core makes on raw fds; each returns `io::Result`
//! with the errno untouched. Every fd here is `O_NONBLOCK`, so none of these calls blocks.

use std::io;
use std::os::fd::RawFd;

fn cvt(rc: libc::ssize_t) -> io::Result<usize> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc as usize)
    }
}

/// `recv(2)`.
pub fn recv(fd: RawFd, buf: &mut [u8], flags: i32) -> io::Result<usize> {
    // SAFETY: buf is valid for writes of buf.len() bytes.
    cvt(unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), flags) })
}

/// `send(2)`, with `MSG_NOSIGNAL` so a closed peer gives `EPIPE` rather than `SIGPIPE`.
pub fn send(fd: RawFd, buf: &[u8], flags: i32) -> io::Result<usize> {
    // SAFETY: buf is valid for reads of buf.len() bytes.
    cvt(unsafe {
        libc::send(
            fd,
            buf.as_ptr().cast(),
            buf.len(),
            flags | libc::MSG_NOSIGNAL,
        )
    })
}

/// `recvfrom(2)`; the sender's address is stored in `storage`/`len`.
///
/// # Safety
/// `storage` must point to writable `sockaddr` storage of at least `*len` bytes, and `len` to a
/// valid `socklen_t` (as `SockAddr::try_init` provides).
pub unsafe fn recv_from(
    fd: RawFd,
    buf: &mut [u8],
    flags: i32,
    storage: *mut libc::sockaddr,
    len: *mut libc::socklen_t,
) -> io::Result<usize> {
    // SAFETY: buf is valid for writes; storage/len are valid per this function's contract.
    cvt(unsafe { libc::recvfrom(fd, buf.as_mut_ptr().cast(), buf.len(), flags, storage, len) })
}

/// `sendto(2)` with `MSG_NOSIGNAL`.
pub fn send_to(fd: RawFd, buf: &[u8], flags: i32, addr: &socket2::SockAddr) -> io::Result<usize> {
    // SAFETY: buf is valid for reads; addr points to addr.len() valid bytes.
    cvt(unsafe {
        libc::sendto(
            fd,
            buf.as_ptr().cast(),
            buf.len(),
            flags | libc::MSG_NOSIGNAL,
            addr.as_ptr().cast(),
            addr.len(),
        )
    })
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
