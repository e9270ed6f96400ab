//! The core socket: an `O_NONBLOCK` fd plus CPython's mode, with safe close from any thread.
//!
//! Closing: [`Socket::close`] marks the socket closed and signals the wake eventfds of the
//! threads waiting on it ([`super::wake`]), polled beside the fd, so a thread blocked on the socket
//! returns `EBADF` at once, in every family, without `shutdown(2)` (a `dup()` of the socket keeps
//! its connection). The fd itself is released when the last `Arc<Socket>` is dropped, so its
//! number cannot be reused while a call is still running on it.
//!
//! In-flight calls: the registry (`super::registry`) holds one `Arc` per open socket and each
//! running call holds its own clone for exactly as long as it runs (a TLS session holds only a
//! `Weak`). After the registry lets go, the strong count minus one is the number of calls in
//! flight; [`Socket::detach`] waits for it to reach zero before handing the fd out.

use std::mem::ManuallyDrop;
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::sync::atomic::{fence, AtomicBool, AtomicU64, Ordering::Acquire, Ordering::SeqCst};
use std::sync::Arc;
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, SockAddr, Type};

use super::error::{Error, Result};
use super::interrupt;
use super::mode::{AtomicMode, Mode};
use super::sys;
use super::wake::{self, Registration, Wake};

/// A socket with CPython's semantics. Shared between threads through `Arc`.
pub struct Socket {
    inner: ManuallyDrop<socket2::Socket>,
    family: i32,
    sock_type: i32,
    proto: i32,
    mode: AtomicMode,
    closed: AtomicBool,
    detached: AtomicBool,
    wake: Wake,
}

/// Counts the sockets closed (or detached) in this process, from 1 (so 0 is never current).
///
/// A prepared poll set (`Poller.Prepared`) records the count it saw before it checked its
/// sockets open; while the count is unchanged none of them can have been closed since, so its
/// fds are still theirs (a socket's fd is released only after [`Socket::close`] has counted).
static CLOSES: AtomicU64 = AtomicU64::new(1);

/// The number of socket closes so far (see [`CLOSES`]): read it before checking sockets open,
/// and again after using their fds; if it has not moved, none was closed in between.
pub fn close_epoch() -> u64 {
    CLOSES.load(SeqCst)
}

/// The longest poll of a wait that could not make its wake eventfd (see `Socket::wait_fd`).
const NO_WAKE_SLICE_MS: i32 = 50;

/// Type flags that `socket(2)` accepts or'ed into the type, and that CPython strips from `.type`.
const TYPE_FLAGS: i32 = libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;

impl Socket {
    fn wrap(inner: socket2::Socket, family: i32, sock_type: i32, proto: i32, mode: Mode) -> Socket {
        Socket {
            inner: ManuallyDrop::new(inner),
            family,
            sock_type,
            proto,
            mode: AtomicMode::new(mode),
            closed: AtomicBool::new(false),
            detached: AtomicBool::new(false),
            wake: Wake::new(),
        }
    }

    /// `socket(2)` with `SOCK_NONBLOCK | SOCK_CLOEXEC`. `SOCK_NONBLOCK` in `sock_type` selects
    /// non-blocking mode, as in CPython; otherwise the socket starts in `mode`.
    pub fn new(family: i32, sock_type: i32, proto: i32, mode: Mode) -> Result<Socket> {
        let base = sock_type & !TYPE_FLAGS;
        let ty = Type::from(base).nonblocking().cloexec();
        let protocol = (proto != 0).then(|| Protocol::from(proto));
        let inner = socket2::Socket::new_raw(Domain::from(family), ty, protocol)?;
        let mode = if sock_type & libc::SOCK_NONBLOCK != 0 {
            Mode::NonBlocking
        } else {
            mode
        };
        Ok(Socket::wrap(inner, family, base, proto, mode))
    }

    /// `socketpair(2)`: two connected sockets, both in `mode`.
    pub fn pair(family: i32, sock_type: i32, proto: i32, mode: Mode) -> Result<(Socket, Socket)> {
        let base = sock_type & !TYPE_FLAGS;
        let ty = Type::from(base).nonblocking().cloexec();
        let protocol = (proto != 0).then(|| Protocol::from(proto));
        let (a, b) = socket2::Socket::pair_raw(Domain::from(family), ty, protocol)?;
        Ok((
            Socket::wrap(a, family, base, proto, mode),
            Socket::wrap(b, family, base, proto, mode),
        ))
    }

    /// A new socket on a duplicate of `fd` (`fcntl(F_DUPFD_CLOEXEC)`), as CPython's `fromfd`.
    /// Fails with `ENOTSOCK` if `fd` is not a socket and `EBADF` if it is not open.
    ///
    /// The duplicate shares the open file description, so `O_NONBLOCK` is set for `fd` too.
    pub fn from_fd(
        fd: RawFd,
        family: i32,
        sock_type: i32,
        proto: i32,
        mode: Mode,
    ) -> Result<Socket> {
        if fd < 0 {
            return Err(Error::Os(libc::EBADF));
        }
        // SAFETY: F_DUPFD_CLOEXEC on any int is safe; an invalid fd gives EBADF.
        let new_fd = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
        if new_fd < 0 {
            return Err(Error::last_os());
        }
        // SAFETY: new_fd is a fresh fd that we own.
        let inner = unsafe { socket2::Socket::from_raw_fd(new_fd) };
        // Check it is a socket (ENOTSOCK otherwise); `inner` closes the duplicate on error.
        let actual_type = inner.r#type()?;
        inner.set_nonblocking(true)?;
        let sock_type = if sock_type <= 0 {
            i32::from(actual_type)
        } else {
            sock_type & !TYPE_FLAGS
        };
        Ok(Socket::wrap(inner, family, sock_type, proto, mode))
    }

    /// A duplicate of this socket (`dup()`), in the same mode.
    pub fn try_clone(&self) -> Result<Socket> {
        self.check_open()?;
        let inner = self.inner.try_clone()?;
        Ok(Socket::wrap(
            inner,
            self.family,
            self.sock_type,
            self.proto,
            self.mode.get(),
        ))
    }

    /// The real fd (what `fileno()` returns).
    pub fn raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }

    /// The socket's address family.
    pub fn family(&self) -> i32 {
        self.family
    }

    /// The socket type, without `SOCK_NONBLOCK`/`SOCK_CLOEXEC`.
    pub fn sock_type(&self) -> i32 {
        self.sock_type
    }

    /// The protocol number given at creation.
    pub fn proto(&self) -> i32 {
        self.proto
    }

    /// The current mode.
    pub fn mode(&self) -> Mode {
        self.mode.get()
    }

    /// Changes the mode (`settimeout`, `setblocking`).
    pub fn set_mode(&self, mode: Mode) {
        self.mode.set(mode)
    }

    /// True once [`Socket::close`] or [`Socket::detach`] has run.
    pub fn is_closed(&self) -> bool {
        self.closed.load(SeqCst)
    }

    pub(crate) fn check_open(&self) -> Result<()> {
        if self.is_closed() {
            Err(Error::Closed)
        } else {
            Ok(())
        }
    }

    pub(crate) fn inner(&self) -> &socket2::Socket {
        &self.inner
    }

    pub(crate) fn is_stream(&self) -> bool {
        self.sock_type == libc::SOCK_STREAM
    }

    /// Marks the socket closed and wakes every thread waiting on it (they return `EBADF`); the
    /// fd is closed when the last running call lets go. Closing twice is harmless, as in CPython.
    pub fn close(&self) {
        if self.closed.swap(true, SeqCst) {
            return;
        }
        CLOSES.fetch_add(1, SeqCst);
        self.wake.signal();
    }

    /// Gives up ownership of the fd (`detach()`): marks the socket closed, wakes the threads
    /// waiting on it, waits until every call still running on it has returned (so none can use
    /// the number once the caller owns it), and returns the fd, left open.
    ///
    /// `self` must be the registry's reference, already removed (see the module docs): any other
    /// strong reference is taken for a running call.
    pub fn detach(self: &Arc<Self>) -> Result<RawFd> {
        if self.closed.swap(true, SeqCst) {
            return Err(Error::Closed);
        }
        CLOSES.fetch_add(1, SeqCst);
        self.detached.store(true, SeqCst);
        self.wake.signal();
        let mut nap = Duration::from_micros(20);
        while Arc::strong_count(self) > 1 {
            // Woken calls return within microseconds; back off in case one is slow to run.
            std::thread::sleep(nap);
            nap = (nap * 2).min(Duration::from_millis(2));
        }
        // Pairs with the Release decrement of each call's `Arc` drop: its last use of the fd
        // happens before the fd is handed out.
        fence(Acquire);
        Ok(self.raw_fd())
    }

    /// Registers the calling thread as waiting on this socket in a `select`/`poll` over raw fds
    /// ([`super::poll::poll`]) until the guard is dropped: such a poll then also watches the
    /// thread's wake eventfd, so [`Socket::close`] ends it (the caller then sees
    /// [`Socket::is_closed`]).
    pub fn enter_wait(&self) -> Result<WaitGuard<'_>> {
        let reg = self.wake.register()?;
        wake::watch(&self.wake);
        let guard = WaitGuard {
            wake: &self.wake,
            _registration: reg,
        };
        self.check_open()?;
        Ok(guard)
    }

    /// Waits with `poll(2)` until the fd reports one of `events`, the deadline passes
    /// (`Error::Timeout`) or the socket is closed (`Error::Closed`).
    ///
    /// The poll watches the thread's wake eventfd too (so close ends it) and, on a thread that
    /// opted in to [`interrupt`](super::interrupt), the process-wide interrupt eventfd: a
    /// delivered signal ends the wait with `EINTR`. One `poll(2)` on at most three fds, no
    /// allocation.
    pub fn wait(&self, events: i16, deadline: Option<Instant>) -> Result<()> {
        self.wait_fd(self.raw_fd(), events, deadline)
    }

    /// Sleeps until `deadline` unless the socket is closed (`Error::Closed`) or a signal is
    /// delivered (`EINTR`, opted-in threads); used where the kernel offers nothing to poll.
    pub(crate) fn nap(&self, deadline: Instant) -> Result<()> {
        match self.wait_fd(-1, 0, Some(deadline)) {
            Err(Error::Timeout) => Ok(()),
            other => other,
        }
    }

    /// [`Socket::wait`] on `fd` (`-1`: on nothing but the wake and interrupt eventfds).
    fn wait_fd(&self, fd: RawFd, events: i16, deadline: Option<Instant>) -> Result<()> {
        // Without an eventfd (the process is out of fds: EMFILE/ENFILE) the wait still works,
        // in slices of at most `NO_WAKE_SLICE_MS`, checking for a close between them.
        let registration = self.wake.register().ok();
        let wake_fd = registration.as_ref().map_or(-1, |r| r.fd());
        // After registering: a close from now on is seen by the poll (see `Wake::register`).
        self.check_open()?;
        let intr = interrupt::Wait::enter();
        let mut fds = [
            libc::pollfd {
                fd,
                events,
                revents: 0,
            },
            libc::pollfd {
                fd: wake_fd,
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: intr.as_ref().map_or(-1, |w| w.fd()),
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        loop {
            let timeout_ms = match deadline {
                None => -1,
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    None => return Err(Error::Timeout),
                    Some(left) => ceil_millis(left),
                },
            };
            let timeout_ms = if wake_fd < 0 && !(0..NO_WAKE_SLICE_MS).contains(&timeout_ms) {
                NO_WAKE_SLICE_MS
            } else {
                timeout_ms
            };
            match sys::poll_fds(&mut fds, timeout_ms) {
                Ok(0) => {}
                Ok(_) => {
                    if fds[1].revents != 0 {
                        // This socket's close, or a stale wake-up left by another socket's
                        // close: drained either way, and the check below tells which.
                        wake::drain_thread_fd();
                        self.check_open()?;
                    }
                    if fds[0].revents != 0 {
                        return self.check_open();
                    }
                    if let (Some(w), true) = (&intr, fds[2].revents != 0) {
                        w.check()?;
                    }
                }
                Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
                Err(e) => return Err(e.into()),
            }
            self.check_open()?;
        }
    }

    /// `bind(2)`.
    pub fn bind(&self, addr: &SockAddr) -> Result<()> {
        self.check_open()?;
        Ok(self.inner.bind(addr)?)
    }

    /// `listen(2)`; a negative backlog is taken as 0, as CPython does.
    pub fn listen(&self, backlog: i32) -> Result<()> {
        self.check_open()?;
        Ok(self.inner.listen(backlog.max(0))?)
    }

    /// `getsockname(2)`.
    pub fn local_addr(&self) -> Result<SockAddr> {
        self.check_open()?;
        Ok(self.inner.local_addr()?)
    }

    /// `getpeername(2)`.
    pub fn peer_addr(&self) -> Result<SockAddr> {
        self.check_open()?;
        Ok(self.inner.peer_addr()?)
    }

    /// `shutdown(2)` with `how` as given (`SHUT_RD`, `SHUT_WR`, `SHUT_RDWR`; others → `EINVAL`).
    pub fn shutdown(&self, how: i32) -> Result<()> {
        self.check_open()?;
        // SAFETY: shutdown on our own open fd.
        if unsafe { libc::shutdown(self.raw_fd(), how) } < 0 {
            return Err(Error::last_os());
        }
        Ok(())
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        if !self.closed.load(SeqCst) {
            // Released without close() (an error path): its fd number is free from here on.
            CLOSES.fetch_add(1, SeqCst);
        }
        if !self.detached.load(SeqCst) {
            // SAFETY: dropped exactly once, here.
            unsafe { ManuallyDrop::drop(&mut self.inner) };
        }
    }
}

/// Marks a thread as waiting on a socket; see [`Socket::enter_wait`].
pub struct WaitGuard<'a> {
    wake: &'a Wake,
    _registration: Registration<'a>,
}

impl Drop for WaitGuard<'_> {
    fn drop(&mut self) {
        wake::unwatch(self.wake);
    }
}

/// A duration in whole milliseconds for `poll(2)`, rounded up, capped at `i32::MAX`.
pub fn ceil_millis(d: std::time::Duration) -> i32 {
    let ms = d.as_nanos().div_ceil(1_000_000);
    i32::try_from(ms).unwrap_or(i32::MAX)
}

impl Socket {
    /// Wraps a socket returned by `accept4` on `listener`.
    pub(crate) fn accepted(inner: socket2::Socket, listener: &Socket, mode: Mode) -> Socket {
        Socket::wrap(
            inner,
            listener.family,
            listener.sock_type,
            listener.proto,
            mode,
        )
    }
}
