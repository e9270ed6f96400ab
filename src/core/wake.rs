//! Waking the threads that wait on a socket when it is closed or detached.
//!
//! Every wait on a socket polls, beside the socket's fd, the *waiting thread's* wake eventfd,
//! which the thread registers in the socket's waiter list for the length of the wait;
//! [`Wake::signal`] (called by `close()`/`detach()`) makes every registered eventfd readable, so
//! the waits end at once whatever the socket's family (no `shutdown(2)`, which
//! `AF_NETLINK`/`AF_PACKET` lack and which would tear the connection down for every
//! `dup()`/`fromfd`/`SCM_RIGHTS` copy too).
//!
//! One eventfd per *thread* (made on the thread's first wait that blocks, closed when the thread
//! ends), not per socket: a process holds as many wake fds as threads that ever blocked, not one
//! more fd for every socket that ever waited (a blocking `connect` is enough), so fd usage and
//! `RLIMIT_NOFILE` headroom stay what the program expects. A close wakes only the threads waiting
//! on *that* socket. Registering takes the socket's waiter lock once per blocking wait; a call
//! that completes at once registers nothing.
//!
//! A thread's eventfd can be left readable by a close that raced with the thread's wait ending
//! for another reason: the next wait then wakes at once, drains it ([`drain_thread_fd`]), finds
//! its own socket open and waits again.

use std::cell::{Cell, RefCell};
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Mutex, MutexGuard};

use super::error::{Error, Result};

/// A socket's waiter list: the wake eventfds of the threads waiting on it now.
#[derive(Debug)]
pub struct Wake {
    waiters: Mutex<Vec<RawFd>>,
    signalled: AtomicBool,
}

impl Wake {
    /// No waiter yet.
    pub const fn new() -> Wake {
        Wake {
            waiters: Mutex::new(Vec::new()),
            signalled: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<RawFd>> {
        self.waiters.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers the calling thread as waiting until the returned guard drops; poll the guard's
    /// [`Registration::fd`] beside the socket.
    ///
    /// Callers check the socket's closed flag *after* this returns: [`Wake::signal`] runs after
    /// the flag is set and under the same lock, so either the waiter sees the flag or the closer
    /// sees the registration and signals it.
    pub fn register(&self) -> Result<Registration<'_>> {
        let fd = thread_fd()?;
        self.lock().push(fd);
        Ok(Registration { wake: self, fd })
    }

    /// Whether [`Wake::signal`] has run.
    pub fn is_signalled(&self) -> bool {
        self.signalled.load(SeqCst)
    }

    /// Makes the eventfd of every thread waiting now readable. Call after marking the socket
    /// closed. Allocates nothing.
    pub fn signal(&self) {
        self.signalled.store(true, SeqCst);
        for &fd in self.lock().iter() {
            let one = 1u64.to_ne_bytes();
            // SAFETY: writing 8 bytes to a registered thread's non-blocking eventfd, open while
            // it is registered (its guard unregisters under this lock before the thread ends).
            unsafe { libc::write(fd, one.as_ptr().cast(), 8) };
        }
    }
}

impl Default for Wake {
    fn default() -> Self {
        Wake::new()
    }
}

/// A thread's registration in a socket's waiter list; see [`Wake::register`].
#[derive(Debug)]
pub struct Registration<'a> {
    wake: &'a Wake,
    fd: RawFd,
}

impl Registration<'_> {
    /// The calling thread's wake eventfd, to poll for `POLLIN`.
    pub fn fd(&self) -> RawFd {
        self.fd
    }
}

impl Drop for Registration<'_> {
    fn drop(&mut self) {
        let mut w = self.wake.lock();
        if let Some(i) = w.iter().rposition(|&f| f == self.fd) {
            w.swap_remove(i);
        }
    }
}

/// The calling thread's wake eventfd (-1 until its first blocking wait); closed at thread exit.
struct ThreadFd(Cell<RawFd>);

impl Drop for ThreadFd {
    fn drop(&mut self) {
        let fd = self.0.get();
        if fd >= 0 {
            // SAFETY: this thread's eventfd; no registration outlives the thread's waits.
            unsafe { libc::close(fd) };
        }
    }
}

thread_local! {
    static THREAD_FD: ThreadFd = const { ThreadFd(Cell::new(-1)) };
    /// Wakes of the sockets this thread is waiting on through `select`/`poll`
    /// (see `Socket::enter_wait`); [`super::poll::poll`] polls the thread's eventfd while any.
    static WATCHED: RefCell<Vec<*const Wake>> = const { RefCell::new(Vec::new()) };
}

/// The calling thread's wake eventfd, made on first use (`EFD_NONBLOCK | EFD_CLOEXEC`).
fn thread_fd() -> Result<RawFd> {
    #[cfg(test)]
    if tests::NO_EVENTFD.with(|f| f.get()) {
        return Err(Error::Os(libc::EMFILE));
    }
    THREAD_FD.with(|t| {
        let fd = t.0.get();
        if fd >= 0 {
            return Ok(fd);
        }
        // SAFETY: eventfd with valid flags; the result is checked.
        let new = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if new < 0 {
            return Err(Error::last_os());
        }
        t.0.set(new);
        Ok(new)
    })
}

/// Empties the calling thread's wake eventfd (after it polled readable).
pub(crate) fn drain_thread_fd() {
    THREAD_FD.with(|t| {
        let fd = t.0.get();
        if fd >= 0 {
            let mut buf = [0u8; 8];
            // SAFETY: reading at most 8 bytes into buf from this thread's non-blocking eventfd.
            unsafe { libc::read(fd, buf.as_mut_ptr().cast(), 8) };
        }
    })
}

/// Adds `wake` to the calling thread's watched list. The caller keeps `wake` alive and calls
/// [`unwatch`] before it may go away (`Socket::enter_wait`'s guard borrows the socket).
pub(crate) fn watch(wake: &Wake) {
    WATCHED.with(|w| w.borrow_mut().push(wake as *const Wake));
}

/// Removes one entry `wake` from the calling thread's watched list.
pub(crate) fn unwatch(wake: &Wake) {
    WATCHED.with(|w| {
        let mut w = w.borrow_mut();
        if let Some(i) = w.iter().rposition(|&p| std::ptr::eq(p, wake)) {
            w.swap_remove(i);
        }
    });
}

/// Whether the calling thread watches any socket now.
pub(crate) fn watching() -> bool {
    WATCHED.with(|w| !w.borrow().is_empty())
}

/// Whether a socket the calling thread watches has been closed.
pub(crate) fn any_watched_signalled() -> bool {
    WATCHED.with(|w| {
        w.borrow().iter().any(|&p| {
            // SAFETY: each pointer is listed between `watch` and `unwatch` by a guard that
            // borrows the socket owning the `Wake`, so it points to a live `Wake`.
            unsafe { (*p).is_signalled() }
        })
    })
}

/// The calling thread's wake eventfd if it has one (for polls over watched sockets).
pub(crate) fn current_thread_fd() -> Result<RawFd> {
    thread_fd()
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
    fn signal_reaches_registered_threads_only_while_registered() {
        let w = Wake::new();
        w.signal();
        assert!(w.is_signalled());
        let w = Wake::new();
        let r = w.register().unwrap();
        let fd = r.fd();
        drain_thread_fd();
        assert!(!readable(fd));
        w.signal();
        assert!(readable(fd));
        drain_thread_fd();
        assert!(!readable(fd));
        drop(r);
        let w2 = Wake::new();
        let r2 = w2.register().unwrap();
        assert_eq!(r2.fd(), fd, "one eventfd per thread");
        drop(r2);
        w2.signal();
        assert!(!readable(fd), "an unregistered thread is not signalled");
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
        let (a, b) = (Wake::new(), Wake::new());
        watch(&a);
        watch(&b);
        assert!(watching());
        std::thread::spawn(|| assert!(!watching())).join().unwrap();
        assert!(!any_watched_signalled());
        b.signal();
        assert!(any_watched_signalled());
        unwatch(&a);
        unwatch(&b);
        assert!(!watching());
    }
}
