//! Waking the threads that wait on a socket when it is closed or detached.
//!
//! Every wait on a socket polls, beside the socket's fd, the socket's own *wake eventfd*;
//! [`Wake::signal`] (called by `close()`/`detach()`) makes it readable, so the wait ends at once
//! whatever the socket's family (no `shutdown(2)`, which `AF_NETLINK`/`AF_PACKET` lack and
//! which would tear the connection down for every `dup()`/`fromfd`/`SCM_RIGHTS` copy too).
//!
//! One eventfd per socket, created lazily, rather than one shared eventfd with a generation
//! counter, because:
//! - closing is final, so a socket's eventfd is signalled once and never drained: there is no
//!   reset protocol and no lost or stale wake-up, and a wait that starts after the close ends at
//!   once (a shared fd must be drained by someone, racing with waiters that have not yet seen it);
//! - a close wakes only the threads waiting on *that* socket, not every blocked thread of the
//!   process (a shared fd wakes all of them on every close: a thundering herd on busy servers);
//! - it costs an fd only for sockets that actually waited: the eventfd is made on the first
//!   wait that would block (one `eventfd(2)` per socket lifetime), so non-blocking sockets, e.g.
//!   the 10,000 of an epoll server, and calls that complete at once never create one.

use std::cell::RefCell;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicI32, Ordering::SeqCst};

use super::error::{Error, Result};

/// A socket's wake eventfd (-1 until a wait needs it). Closed when dropped.
#[derive(Debug)]
pub struct Wake(AtomicI32);

impl Wake {
    /// No eventfd yet.
    pub const fn new() -> Wake {
        Wake(AtomicI32::new(-1))
    }

    /// The eventfd, created on first use (`EFD_NONBLOCK | EFD_CLOEXEC`).
    ///
    /// Callers check the socket's closed flag *after* this returns: together with
    /// [`Wake::signal`] (which sets the flag *before* loading the fd) this guarantees that either
    /// the waiter sees the flag or the closer sees the fd and signals it (both `SeqCst`).
    pub fn fd(&self) -> Result<RawFd> {
        let fd = self.0.load(SeqCst);
        if fd >= 0 {
            return Ok(fd);
        }
        #[cfg(test)]
        if tests::NO_EVENTFD.with(|f| f.get()) {
            return Err(Error::Os(libc::EMFILE));
        }
        // SAFETY: eventfd with valid flags; the result is checked.
        let new = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if new < 0 {
            return Err(Error::last_os());
        }
        match self.0.compare_exchange(-1, new, SeqCst, SeqCst) {
            Ok(_) => Ok(new),
            Err(winner) => {
                // SAFETY: `new` is ours and unused; another thread's eventfd won.
                unsafe { libc::close(new) };
                Ok(winner)
            }
        }
    }

    /// Makes the eventfd readable for good, if a wait ever created it. Call after marking the
    /// socket closed. Takes no lock and allocates nothing.
    pub fn signal(&self) {
        let fd = self.0.load(SeqCst);
        if fd >= 0 {
            let one = 1u64.to_ne_bytes();
            // SAFETY: writing 8 bytes to our non-blocking eventfd (it cannot overflow: one
            // signal per socket).
            unsafe { libc::write(fd, one.as_ptr().cast(), 8) };
        }
    }
}

impl Default for Wake {
    fn default() -> Self {
        Wake::new()
    }
}

impl Drop for Wake {
    fn drop(&mut self) {
        let fd = *self.0.get_mut();
        if fd >= 0 {
            // SAFETY: our eventfd, closed once, here; no wait can use it any more.
            unsafe { libc::close(fd) };
        }
    }
}

thread_local! {
    /// Wake eventfds of the sockets this thread is waiting on through `select`/`poll`
    /// (see `Socket::enter_wait`); [`super::poll::poll`] polls them beside the caller's fds.
    static WATCHED: RefCell<Vec<RawFd>> = const { RefCell::new(Vec::new()) };
}

/// Adds `fd` to the calling thread's watched wake fds.
pub(crate) fn watch(fd: RawFd) {
    WATCHED.with(|w| w.borrow_mut().push(fd));
}

/// Removes one entry `fd` from the calling thread's watched wake fds.
pub(crate) fn unwatch(fd: RawFd) {
    WATCHED.with(|w| {
        let mut w = w.borrow_mut();
        if let Some(i) = w.iter().rposition(|&f| f == fd) {
            w.swap_remove(i);
        }
    });
}

/// Appends the calling thread's watched wake fds to `set` (as `POLLIN` entries); returns how
/// many it appended.
pub(crate) fn append_watched(set: &mut Vec<libc::pollfd>) -> usize {
    WATCHED.with(|w| {
        let w = w.borrow();
        set.extend(w.iter().map(|&fd| libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        }));
        w.len()
    })
}

/// Whether the calling thread watches any wake fd now.
pub(crate) fn watching() -> bool {
    WATCHED.with(|w| !w.borrow().is_empty())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    thread_local! {
        /// Makes `Wake::fd` fail on this thread, as when the process is out of fds.
        pub(crate) static NO_EVENTFD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    fn readable(fd: RawFd) -> bool {
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        unsafe { libc::poll(&mut p, 1, 0) == 1 }
    }

    #[test]
    fn signal_before_creation_is_a_no_op_and_after_it_stays_readable() {
        let w = Wake::new();
        w.signal();
        let fd = w.fd().unwrap();
        assert_eq!(w.fd().unwrap(), fd, "created once");
        assert!(!readable(fd));
        w.signal();
        assert!(readable(fd));
        assert!(readable(fd), "never drained");
    }

    use crate::core::mode::Mode;
    use crate::core::socket::Socket;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    /// Waits until `tid` sits in `poll(2)` (syscall 7 on x86_64; ppoll elsewhere): proof that
    /// the call under test is blocked before the close, not racing with it.
    fn until_in_poll(tid: i32) {
        let path = format!("/proc/self/task/{tid}/syscall");
        let start = Instant::now();
        loop {
            let s = std::fs::read_to_string(&path).unwrap_or_default();
            let nr = s.split(' ').next().unwrap_or("");
            if nr == "7" || nr == "271" || nr == "73" {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "never blocked: {s}"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Runs `call` on a thread and returns once it is blocked in `poll(2)`.
    fn blocked<T: Send + 'static>(
        call: impl FnOnce() -> T + Send + 'static,
    ) -> std::thread::JoinHandle<T> {
        let (tx, rx) = std::sync::mpsc::channel();
        let t = std::thread::spawn(move || {
            // SAFETY: gettid has no preconditions.
            tx.send(unsafe { libc::gettid() }).unwrap();
            call()
        });
        until_in_poll(rx.recv().unwrap());
        t
    }

    fn joined_within<T>(t: std::thread::JoinHandle<T>, limit: Duration) -> T {
        let start = Instant::now();
        while !t.is_finished() {
            assert!(start.elapsed() < limit, "the blocked call did not return");
            std::thread::sleep(Duration::from_millis(1));
        }
        t.join().unwrap()
    }

    #[test]
    fn close_wakes_a_netlink_recv_which_has_no_shutdown() {
        let s = Socket::new(libc::AF_NETLINK, libc::SOCK_RAW, 0, Mode::Blocking).unwrap();
        let s = Arc::new(s);
        let s2 = s.clone();
        let t = blocked(move || s2.recv(&mut &mut [0u8; 64][..], 0));
        s.close();
        let got = joined_within(t, Duration::from_millis(500));
        assert_eq!(got, Err(Error::Closed));
    }

    #[test]
    fn closing_one_dup_of_a_tcp_socket_leaves_the_other_connected() {
        let l = Socket::new(libc::AF_INET, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        let any: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
        l.bind(&any.into()).unwrap();
        l.listen(1).unwrap();
        let c = Socket::new(libc::AF_INET, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        c.connect(&l.local_addr().unwrap()).unwrap();
        let (peer, _) = l.accept(Mode::Blocking).unwrap();
        let dup = c.try_clone().unwrap();
        let c = Arc::new(c);
        let c2 = c.clone();
        let t = blocked(move || c2.recv(&mut &mut [0u8; 8][..], 0));
        c.close();
        assert_eq!(
            joined_within(t, Duration::from_millis(500)),
            Err(Error::Closed)
        );
        drop(c);
        // The connection lives on through the duplicate, both ways.
        assert_eq!(dup.send(&mut &b"up"[..], 0), Ok(2));
        let mut buf = [0u8; 8];
        assert_eq!(peer.recv(&mut &mut buf[..], 0), Ok(2));
        assert_eq!(peer.send(&mut &b"down"[..], 0), Ok(4));
        assert_eq!(dup.recv(&mut &mut buf[..], 0), Ok(4));
        assert_eq!(&buf[..4], b"down");
    }

    #[test]
    fn detach_waits_for_the_blocked_call_before_handing_out_the_fd() {
        let (a, _b) = Socket::pair(libc::AF_UNIX, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        let a = Arc::new(a);
        let a2 = a.clone();
        let t = blocked(move || {
            let r = a2.recv(&mut &mut [0u8; 8][..], 0);
            // Still "in the call" for a while after waking: detach must wait for this.
            std::thread::sleep(Duration::from_millis(50));
            r
        });
        let fd = a.detach().unwrap();
        assert!(t.is_finished(), "detach returned while a call was running");
        assert_eq!(t.join().unwrap(), Err(Error::Closed));
        drop(a);
        // The fd is still open and now ours.
        // SAFETY: fd was handed to us by detach.
        assert_eq!(unsafe { libc::close(fd) }, 0);
    }

    #[test]
    fn without_an_eventfd_close_still_ends_the_wait() {
        let (a, b) = Socket::pair(libc::AF_UNIX, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        let a = Arc::new(a);
        let a2 = a.clone();
        let t = blocked(move || {
            NO_EVENTFD.with(|f| f.set(true));
            let r = a2.recv(&mut &mut [0u8; 8][..], 0);
            NO_EVENTFD.with(|f| f.set(false));
            r
        });
        // Data still wakes it at once; then it blocks again and a close ends it.
        b.send(&mut &b"x"[..], 0).unwrap();
        assert_eq!(joined_within(t, Duration::from_millis(500)), Ok(1));
        let a2 = a.clone();
        let t = blocked(move || {
            NO_EVENTFD.with(|f| f.set(true));
            a2.recv(&mut &mut [0u8; 8][..], 0)
        });
        a.close();
        assert_eq!(
            joined_within(t, Duration::from_millis(500)),
            Err(Error::Closed)
        );
    }

    #[test]
    fn watched_list_is_per_thread() {
        watch(1000);
        watch(1001);
        assert!(watching());
        std::thread::spawn(|| assert!(!watching())).join().unwrap();
        let mut set = Vec::new();
        assert_eq!(append_watched(&mut set), 2);
        unwatch(1000);
        unwatch(1001);
        assert!(!watching());
    }
}
