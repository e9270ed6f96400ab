//! The socket as rustls sees it: `io::Read`/`io::Write` with one non-blocking system call each.
//!
//! Writes are vectored: rustls keeps each outgoing TLS message as its own buffer, and hands
//! them all to [`Write::write_vectored`]; one `sendmsg(2)` then carries a whole flight (or
//! every record of a bulk write). The default `write_vectored` would send only the first
//! buffer, so a server's ServerHello..Finished went out in three sends, and Nagle held the
//! later ones for the peer's delayed ACK (about 40 ms per handshake).

use std::io::{self, IoSlice, Read, Write};

use socket2::MaybeUninitSlice;

use crate::core::error::Result;
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

/// `sendmsg(2)` of several buffers (socket2's `send_vectored_with_flags`), `MSG_NOSIGNAL` (a
/// closed peer is `EPIPE`, not a signal).
fn send_vectored(sock: &Socket, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    let bufs = &bufs[..bufs.len().min(MAX_IOV)];
    if bufs.len() == 1 {
        return sys::send(sock.raw_fd(), &bufs[0], 0);
    }
    sys::send_vectored(sock.raw_fd(), bufs, 0)
}

/// One `recv`/`recvmsg(2)` into `first`, then `second` (when not empty): the rest of a record
/// and, if it has arrived, the next one's header. `Ok(0)` at end of stream.
pub(super) fn recv_pair(sock: &Socket, first: &mut [u8], second: &mut [u8]) -> Result<usize> {
    if second.is_empty() {
        return Ok(sys::recv(sock.raw_fd(), first, 0)?);
    }
    let mut iov = [
        MaybeUninitSlice::new(sys::as_uninit(first)),
        MaybeUninitSlice::new(sys::as_uninit(second)),
    ];
    Ok(sys::recv_vectored(sock.raw_fd(), &mut iov, 0)?)
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

    #[test]
    fn recv_pair_fills_both_in_order() {
        let (a, b) = Socket::pair(libc::AF_UNIX, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        sys::send(a.raw_fd(), b"bodyHEADERmore", 0).unwrap();
        let (mut body, mut head) = ([0u8; 4], [0u8; 6]);
        assert_eq!(recv_pair(&b, &mut body, &mut head).unwrap(), 10);
        assert_eq!((&body, &head), (b"body", b"HEADER"));
        let mut rest = [0u8; 8];
        assert_eq!(recv_pair(&b, &mut rest, &mut []).unwrap(), 4);
        assert_eq!(&rest[..4], b"more");
    }
}
