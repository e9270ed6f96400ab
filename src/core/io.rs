//! Data transfer and connection set-up on a [`Socket`], in CPython's three modes.
//!
//! Every operation tries its system call first (the fd is `O_NONBLOCK`); on `EAGAIN` it waits
//! with `poll(2)` until the mode's deadline and tries again. Non-blocking mode (or
//! `MSG_DONTWAIT`) never waits and reports `EAGAIN`.

use std::io::{self, IoSlice};
use std::os::fd::RawFd;

use socket2::{MaybeUninitSlice, SockAddr};

use super::buf::{ReadBuf, WriteBuf};
use super::error::{Error, Result};
use super::mode::Mode;
use super::socket::Socket;
use super::sys;

/// Most buffers one scatter/gather call takes: Linux's `IOV_MAX`, so the kernel never refuses
/// the count, and callers can keep the iovec array on the stack.
pub const MAX_IOV: usize = 1024;

const POLLIN: i16 = libc::POLLIN;
const POLLOUT: i16 = libc::POLLOUT;

impl Socket {
    /// Runs `attempt` until it succeeds, fails with something other than `EAGAIN`/`EINTR`, or
    /// the mode says to stop waiting.
    pub(crate) fn io<T>(
        &self,
        mode: Mode,
        events: i16,
        flags: i32,
        mut attempt: impl FnMut(RawFd) -> io::Result<T>,
    ) -> Result<T> {
        // The deadline is fixed at the first EAGAIN, not before the first attempt: an operation
        // that completes at once (the common case) reads no clock.
        let mut deadline: Option<Option<std::time::Instant>> = None;
        let may_wait = mode != Mode::NonBlocking && flags & libc::MSG_DONTWAIT == 0;
        loop {
            self.check_open()?;
            match attempt(self.raw_fd()) {
                Ok(v) => return Ok(v),
                Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
                Err(e) if may_wait && sys::would_block(&e) => {
                    self.wait(events, *deadline.get_or_insert_with(|| mode.deadline()))?
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// `recv(2)` into `buf`. In blocking mode `MSG_WAITALL` on a stream waits for the whole
    /// buffer (or end of stream), as the kernel does for a blocking fd.
    pub fn recv(&self, buf: &mut impl ReadBuf, flags: i32) -> Result<usize> {
        let mode = self.mode();
        if flags & libc::MSG_WAITALL != 0 && mode == Mode::Blocking && self.is_stream() {
            return self.recv_all(buf, flags & !libc::MSG_WAITALL);
        }
        self.io(mode, POLLIN, flags, |fd| {
            buf.with_mut(|s| sys::recv(fd, s, flags))
        })
    }

    fn recv_all(&self, buf: &mut impl ReadBuf, flags: i32) -> Result<usize> {
        let total = buf.len();
        let mut done = 0;
        while done < total {
            let got = self.io(Mode::Blocking, POLLIN, flags, |fd| {
                buf.with_mut(|s| sys::recv(fd, &mut s[done..], flags))
            });
            match got {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(e) if done == 0 => return Err(e),
                Err(_) => break,
            }
        }
        Ok(done)
    }

    /// `recvfrom(2)`: the byte count and the sender's address, in every mode. The address is
    /// empty (length 0) when the kernel gives none, e.g. on a connected stream socket.
    pub fn recv_from(&self, buf: &mut impl ReadBuf, flags: i32) -> Result<(usize, SockAddr)> {
        self.io(self.mode(), POLLIN, flags, |fd| {
            buf.with_mut(|s| sys::recv_from(fd, s, flags))
        })
    }

    /// `send(2)`. In blocking mode a stream socket sends the whole buffer before returning (as a
    /// blocking fd does in the kernel); in the other modes the count may be partial.
    pub fn send(&self, buf: &mut impl WriteBuf, flags: i32) -> Result<usize> {
        let mode = self.mode();
        if mode == Mode::Blocking && self.is_stream() && flags & libc::MSG_DONTWAIT == 0 {
            return match self.send_from(buf, flags, 0, mode) {
                (0, Err(e)) => Err(e),
                (done, _) => Ok(done),
            };
        }
        self.io(mode, POLLOUT, flags, |fd| {
            buf.with_ref(|s| sys::send(fd, s, flags))
        })
    }

    /// Sends all of `buf` (`sendall`); each chunk gets a fresh timeout, as in Python 2.7.
    pub fn send_all(&self, buf: &mut impl WriteBuf, flags: i32) -> Result<()> {
        self.send_from(buf, flags, 0, self.mode()).1
    }

    fn send_from(
        &self,
        buf: &mut impl WriteBuf,
        flags: i32,
        mut done: usize,
        mode: Mode,
    ) -> (usize, Result<()>) {
        let total = buf.len();
        while done < total {
            let sent = self.io(mode, POLLOUT, flags, |fd| {
                buf.with_ref(|s| sys::send(fd, &s[done..], flags))
            });
            match sent {
                Ok(n) => done += n,
                Err(e) => return (done, Err(e)),
            }
        }
        (done, Ok(()))
    }

    /// `sendto(2)`.
    pub fn send_to(&self, buf: &mut impl WriteBuf, flags: i32, addr: &SockAddr) -> Result<usize> {
        self.io(self.mode(), POLLOUT, flags, |fd| {
            buf.with_ref(|s| sys::send_to(fd, s, flags, addr))
        })
    }

    /// `recvmsg(2)` into several buffers in order (scatter read): one system call, whose count
    /// may fill only the first buffers; 0 at end of stream. At most [`MAX_IOV`] buffers.
    pub fn recv_vectored(&self, bufs: &mut [MaybeUninitSlice<'_>], flags: i32) -> Result<usize> {
        if bufs.len() > MAX_IOV {
            return Err(Error::invalid(format!("at most {MAX_IOV} buffers")));
        }
        self.io(self.mode(), POLLIN, flags, |fd| {
            sys::recv_vectored(fd, bufs, flags)
        })
    }

    /// `sendmsg(2)` of several buffers in order (gather write). In blocking mode a stream
    /// socket sends all of them before returning, as [`Socket::send`] does; in the other modes
    /// the count may be partial. At most [`MAX_IOV`] buffers.
    pub fn send_vectored(&self, bufs: &mut [IoSlice<'_>], flags: i32) -> Result<usize> {
        if bufs.len() > MAX_IOV {
            return Err(Error::invalid(format!("at most {MAX_IOV} buffers")));
        }
        let mode = self.mode();
        if mode == Mode::Blocking && self.is_stream() && flags & libc::MSG_DONTWAIT == 0 {
            let total: usize = bufs.iter().map(|b| b.len()).sum();
            let mut rest: &mut [IoSlice<'_>] = bufs;
            let mut done = 0;
            while done < total {
                let sent = self.io(mode, POLLOUT, flags, |fd| {
                    sys::send_vectored(fd, rest, flags)
                });
                match sent {
                    Ok(n) => {
                        done += n;
                        IoSlice::advance_slices(&mut rest, n);
                    }
                    Err(e) if done == 0 => return Err(e),
                    Err(_) => break,
                }
            }
            return Ok(done);
        }
        self.io(mode, POLLOUT, flags, |fd| {
            sys::send_vectored(fd, bufs, flags)
        })
    }

    /// `accept4(2)`: the new connection (in `new_mode`) and the peer's address.
    pub fn accept(&self, new_mode: Mode) -> Result<(Socket, SockAddr)> {
        let (inner, addr) = self.io(self.mode(), POLLIN, 0, |_| {
            self.inner()
                .accept4(libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC)
        })?;
        let sock = Socket::accepted(inner, self, new_mode);
        Ok((sock, addr))
    }

    /// `connect(2)` in the socket's mode: non-blocking → `EINPROGRESS`; otherwise waits for
    /// writability (up to the timeout) and reports `SO_ERROR`.
    pub fn connect(&self, addr: &SockAddr) -> Result<()> {
        let mode = self.mode();
        let deadline = mode.deadline();
        let mut backoff = std::time::Duration::from_millis(1);
        loop {
            self.check_open()?;
            // SAFETY: addr points to addr.len() valid bytes.
            let rc = unsafe { libc::connect(self.raw_fd(), addr.as_ptr().cast(), addr.len()) };
            if rc == 0 {
                return Ok(());
            }
            let errno = io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO);
            match errno {
                libc::EINPROGRESS | libc::EINTR => {
                    if mode == Mode::NonBlocking {
                        return Err(Error::Os(libc::EINPROGRESS));
                    }
                    self.wait(POLLOUT, deadline)?;
                    if let Some(e) = self.inner().take_error()? {
                        if mode == Mode::Blocking {
                            // A blocking connect(2) that fails leaves the socket unconnected, so
                            // the next connect starts afresh; after a failed non-blocking one the
                            // kernel still holds it "connecting" and answers the next connect with
                            // ECONNABORTED (which is what CPython's timeout mode shows too). One
                            // more connect(2) here collects that answer and resets the socket.
                            // SAFETY: as above.
                            unsafe {
                                libc::connect(self.raw_fd(), addr.as_ptr().cast(), addr.len())
                            };
                        }
                        return Err(e.into());
                    }
                    // Connect once more so the kernel marks the socket connected, as a
                    // blocking connect(2) would: a later connect then says EISCONN, as in CPython.
                    // SAFETY: as above.
                    unsafe { libc::connect(self.raw_fd(), addr.as_ptr().cast(), addr.len()) };
                    return Ok(());
                }
                // AF_UNIX with a full backlog. The kernel would sleep on the *listener's* queue,
                // which poll(2) on our socket cannot see (it is writable at once), so retry after
                // a short, growing nap instead of spinning; the nap watches the wake eventfd, so
                // close() ends it at once (and a signal, on an opted-in thread).
                libc::EAGAIN if mode != Mode::NonBlocking => {
                    let now = std::time::Instant::now();
                    let until = match deadline {
                        Some(d) if d <= now => return Err(Error::Timeout),
                        Some(d) => d.min(now + backoff),
                        None => now + backoff,
                    };
                    self.nap(until)?;
                    backoff = (backoff * 2).min(std::time::Duration::from_millis(50));
                }
                e => return Err(Error::Os(e)),
            }
        }
    }

    /// `connect_ex`: like [`Socket::connect`] but the errno is returned (0 on success,
    /// `EAGAIN` when the timeout elapsed, as CPython returns `EWOULDBLOCK`).
    pub fn connect_ex(&self, addr: &SockAddr) -> Result<i32> {
        match self.connect(addr) {
            Ok(()) => Ok(0),
            Err(Error::Timeout) => Ok(libc::EAGAIN),
            Err(e) => e.errno().ok_or(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;
    use std::time::{Duration, Instant};

    use super::*;

    fn udp_pair_on_loopback(mode: Mode) -> (Socket, Socket, SockAddr) {
        let rx = Socket::new(libc::AF_INET, libc::SOCK_DGRAM, 0, mode).unwrap();
        rx.bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
            .unwrap();
        let tx = Socket::new(libc::AF_INET, libc::SOCK_DGRAM, 0, Mode::Blocking).unwrap();
        tx.bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
            .unwrap();
        let to = rx.local_addr().unwrap();
        (rx, tx, to)
    }

    #[test]
    fn close_and_detach_move_the_close_epoch_before_the_fd_is_free() {
        use std::sync::Arc;
        let (a, b, _) = udp_pair_on_loopback(Mode::Blocking);
        let before = crate::core::socket::close_epoch();
        a.close();
        let after_close = crate::core::socket::close_epoch();
        assert!(after_close > before, "close counts");
        a.close();
        let b = Arc::new(b);
        b.detach().unwrap();
        let after_detach = crate::core::socket::close_epoch();
        assert!(after_detach > after_close, "detach counts");
        // SAFETY: detach handed the fd to us.
        unsafe { libc::close(b.raw_fd()) };
    }

    #[test]
    fn timeout_mode_waits_its_whole_timeout_from_the_first_eagain() {
        let (rx, _tx, _) = udp_pair_on_loopback(Mode::Timeout(Duration::from_millis(80)));
        let start = Instant::now();
        let mut buf = [0u8; 4];
        assert_eq!(
            rx.recv_from(&mut &mut buf[..], 0).unwrap_err(),
            Error::Timeout
        );
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(80), "{took:?}");
    }

    #[test]
    fn recvfrom_reports_the_sender_in_every_mode() {
        for mode in [
            Mode::Blocking,
            Mode::Timeout(Duration::from_secs(2)),
            Mode::NonBlocking,
        ] {
            let (rx, tx, to) = udp_pair_on_loopback(mode);
            tx.send_to(&mut &b"hi"[..], 0, &to).unwrap();
            let mut buf = [0u8; 16];
            if mode == Mode::NonBlocking {
                rx.wait(POLLIN, None).unwrap();
            }
            let (n, from) = rx.recv_from(&mut &mut buf[..], 0).unwrap();
            assert_eq!(&buf[..n], b"hi");
            assert_eq!(
                from.as_socket(),
                tx.local_addr().unwrap().as_socket(),
                "{mode:?}"
            );
        }
    }

    #[test]
    fn zero_timeout_is_eagain_and_timeout_waits() {
        let (rx, _tx, _) = udp_pair_on_loopback(Mode::NonBlocking);
        let mut buf = [0u8; 4];
        assert_eq!(
            rx.recv(&mut &mut buf[..], 0).unwrap_err(),
            Error::Os(libc::EAGAIN)
        );
        rx.set_mode(Mode::Timeout(Duration::from_millis(100)));
        let start = Instant::now();
        assert_eq!(rx.recv(&mut &mut buf[..], 0).unwrap_err(), Error::Timeout);
        assert!(start.elapsed() >= Duration::from_millis(100));
    }

    #[test]
    fn blocking_send_on_a_stream_sends_everything() {
        let (a, b) = Socket::pair(libc::AF_UNIX, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        let data = vec![7u8; 4 << 20];
        let reader = std::thread::spawn(move || {
            let mut got = 0;
            let mut buf = vec![0u8; 65536];
            while got < 4 << 20 {
                got += b.recv(&mut &mut buf[..], 0).unwrap();
            }
            got
        });
        assert_eq!(a.send(&mut &data[..], 0).unwrap(), data.len());
        assert_eq!(reader.join().unwrap(), data.len());
    }

    #[test]
    fn close_wakes_a_blocked_reader() {
        let (a, _b) = Socket::pair(libc::AF_UNIX, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        let a = std::sync::Arc::new(a);
        let a2 = a.clone();
        let t = std::thread::spawn(move || {
            let mut buf = [0u8; 4];
            a2.recv(&mut &mut buf[..], 0)
        });
        std::thread::sleep(Duration::from_millis(100));
        a.close();
        assert_eq!(t.join().unwrap().unwrap_err(), Error::Closed);
    }

    #[test]
    fn nonblocking_connect_is_in_progress_and_connect_ex_reports_refusal() {
        let listener = Socket::new(libc::AF_INET, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        listener
            .bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
            .unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let c = Socket::new(libc::AF_INET, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        assert_eq!(c.connect_ex(&addr).unwrap(), libc::ECONNREFUSED);
    }
}
