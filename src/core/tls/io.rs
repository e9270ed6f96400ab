//! The socket as rustls sees it: `io::Read`/`io::Write` with one non-blocking system call each.
//!
//! Writes are vectored: rustls keeps each outgoing TLS message as its own buffer, and hands
//! them all to [`Write::write_vectored`]; one `sendmsg(2)` then carries a whole flight (or
//! every record of a bulk write). The default `write_vectored` would send only the first
//! buffer, so a server's ServerHello..Finished went out in three sends, and Nagle held the
//! later ones for the peer's delayed ACK (about 40 ms per handshake).

use std::io::{self, IoSlice, Read, Write};

use crate::core::socket::Socket;
use crate::core::sys;

/// Most buffers one `sendmsg` carries (rustls offers at most 64 at a time anyway).
const MAX_IOV: usize = 64;

/// `io::Read`/`io::Write` on the socket's fd.
pub(super) struct Fd<'a>(pub(super) &'a Socket);

impl Read for Fd<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        sys::recv(self.0.raw_fd(), buf, 0)
    }
}

impl Write for Fd<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        sys::send(self.0.raw_fd(), buf, 0)
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        send_vectored(self.0, bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `sendmsg(2)` of several buffers, `MSG_NOSIGNAL` (a closed peer is `EPIPE`, not a signal).
fn send_vectored(sock: &Socket, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    let bufs = &bufs[..bufs.len().min(MAX_IOV)];
    if bufs.len() == 1 {
        return sys::send(sock.raw_fd(), &bufs[0], 0);
    }
    // SAFETY: an all-zero msghdr is valid (no name, no control data).
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    // IoSlice is guaranteed ABI-compatible with iovec on Unix; sendmsg only reads through it.
    msg.msg_iov = bufs.as_ptr() as *mut libc::iovec;
    msg.msg_iovlen = bufs.len() as _;
    // SAFETY: msg points at `bufs.len()` valid iovecs that outlive the call.
    let n = unsafe { libc::sendmsg(sock.raw_fd(), &msg, libc::MSG_NOSIGNAL) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

/// Reads at most `left` bytes from the socket: the rest of one TLS record, never the bytes
/// after it.
pub(super) struct Limited<'a> {
    pub(super) sock: &'a Socket,
    pub(super) left: &'a mut usize,
}

impl Read for Limited<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(*self.left);
        let got = sys::recv(self.sock.raw_fd(), &mut buf[..n], 0)?;
        *self.left -= got;
        Ok(got)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::mode::Mode;

    #[test]
    fn one_sendmsg_carries_every_buffer() {
        let (a, b) = Socket::pair(libc::AF_UNIX, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        let parts: [&[u8]; 3] = [b"one ", b"two ", b"three"];
        let slices: Vec<IoSlice<'_>> = parts.iter().map(|p| IoSlice::new(p)).collect();
        assert_eq!(Fd(&a).write_vectored(&slices).unwrap(), 13);
        let mut buf = [0u8; 32];
        let n = Fd(&b).read(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"one two three");
    }
}
