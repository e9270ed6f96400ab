//! Interrupting blocking waits, as a signal interrupts a blocking system call in CPython.
//!
//! A JVM takes every signal on its own dispatcher thread, so a thread blocked in `poll(2)` never
//! sees `EINTR`. Instead, threads that opt in ([`enable_current_thread`]; the Jython launcher
//! does it for the main thread) also poll one process-wide eventfd in every wait. A signal
//! handler calls [`deliver`]: it records the signal number as pending and makes the eventfd
//! readable, and each opted-in wait then ends with `EINTR`. The caller collects the pending
//! numbers with [`take_pending`], runs its handlers on its own thread, and retries or fails as
//! CPython would.
//!
//! A signal may also arrive while the thread is not waiting (it is computing, or about to
//! wait): it stays pending, and the thread's next wait ends at once. The signal handler decides
//! how long to leave it there: [`is_pending`] tells whether the thread took it, [`retract`]
//! takes it back so the handler can run the process's previous action instead.

use std::cell::Cell;
use std::os::fd::RawFd;
use std::sync::atomic::AtomicI32;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;

use super::error::{Error, Result};

/// The eventfd every opted-in wait polls; created once, never closed (-1: not yet).
static FD: AtomicI32 = AtomicI32::new(-1);
/// How many opted-in threads are inside a wait now.
static WAITING: AtomicUsize = AtomicUsize::new(0);
/// Pending signal numbers, bit `n` for signal `n` (1..=63).
static PENDING: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static ENABLED: Cell<bool> = const { Cell::new(false) };
}

/// The eventfd, created on first use (`eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)`).
fn event_fd() -> Result<RawFd> {
    let fd = FD.load(SeqCst);
    if fd >= 0 {
        return Ok(fd);
    }
    // SAFETY: eventfd with valid flags; the result is checked below.
    let new = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
    if new < 0 {
        return Err(Error::last_os());
    }
    match FD.compare_exchange(-1, new, SeqCst, SeqCst) {
        Ok(_) => Ok(new),
        Err(winner) => {
            // SAFETY: `new` is ours and unused; another thread's eventfd won.
            unsafe { libc::close(new) };
            Ok(winner)
        }
    }
}

/// Makes the calling thread's waits end with `EINTR` when a signal is delivered.
pub fn enable_current_thread() -> Result<()> {
    event_fd()?;
    ENABLED.with(|e| e.set(true));
    Ok(())
}

/// Undoes [`enable_current_thread`] for the calling thread.
pub fn disable_current_thread() {
    ENABLED.with(|e| e.set(false));
}

/// Whether the calling thread's waits are interruptible.
pub fn current_thread_enabled() -> bool {
    ENABLED.with(|e| e.get())
}

/// Records `signum` (1..=63) as pending and wakes the opted-in waits; returns false (and
/// records nothing) for a bad number or when no thread ever opted in. Safe from any thread: it
/// takes no lock and allocates nothing.
pub fn deliver(signum: i32) -> bool {
    let fd = FD.load(SeqCst);
    if !(1..=63).contains(&signum) || fd < 0 {
        return false;
    }
    PENDING.fetch_or(1 << signum, SeqCst);
    rearm();
    true
}

/// Whether `signum` is delivered and not yet taken.
pub fn is_pending(signum: i32) -> bool {
    (1..=63).contains(&signum) && PENDING.load(SeqCst) & (1 << signum) != 0
}

/// Takes `signum` back if no thread has taken it yet; returns whether it did.
pub fn retract(signum: i32) -> bool {
    (1..=63).contains(&signum) && PENDING.fetch_and(!(1 << signum), SeqCst) & (1 << signum) != 0
}

/// How many opted-in threads are inside a wait now.
pub fn waiting() -> usize {
    WAITING.load(SeqCst)
}

/// Takes the pending signal numbers (bit `n` for signal `n`) and clears them.
pub fn take_pending() -> u64 {
    drain();
    PENDING.swap(0, SeqCst)
}

fn drain() {
    let fd = FD.load(SeqCst);
    if fd >= 0 {
        let mut buf = [0u8; 8];
        // SAFETY: reading at most 8 bytes into buf from our non-blocking eventfd.
        unsafe { libc::read(fd, buf.as_mut_ptr().cast(), 8) };
    }
}

/// Makes the eventfd readable (a delivery, or a drain that found a signal still pending).
fn rearm() {
    let fd = FD.load(SeqCst);
    if fd >= 0 {
        let one = 1u64.to_ne_bytes();
        // SAFETY: writing 8 bytes to our non-blocking eventfd.
        unsafe { libc::write(fd, one.as_ptr().cast(), 8) };
    }
}

/// An opted-in thread's presence in a wait; `None` for threads that did not opt in.
pub struct Wait {
    fd: RawFd,
}

impl Wait {
    /// Enters a wait: from now until the guard drops, [`deliver`] wakes this thread.
    pub fn enter() -> Option<Wait> {
        if !current_thread_enabled() {
            return None;
        }
        let fd = FD.load(SeqCst);
        if fd < 0 {
            return None;
        }
        WAITING.fetch_add(1, SeqCst);
        Some(Wait { fd })
    }

    /// The eventfd to poll for `POLLIN` beside the fds waited on.
    pub fn fd(&self) -> RawFd {
        self.fd
    }

    /// Called when the eventfd polled readable: `Err(EINTR)` if a signal is pending, else
    /// (a wake-up whose signal was already taken) clears the eventfd so the wait can go on.
    ///
    /// The eventfd is drained before `PENDING` is read: a signal delivered in between then
    /// either shows in `PENDING` or leaves the eventfd readable, never neither (reading first
    /// and draining after could swallow the wake-up of a signal that arrived between the two).
    /// When a signal is pending the eventfd is made readable again, so every other opted-in
    /// wait still ends.
    pub fn check(&self) -> Result<()> {
        drain();
        if PENDING.load(SeqCst) != 0 {
            rearm();
            return Err(Error::Os(libc::EINTR));
        }
        Ok(())
    }
}

impl Drop for Wait {
    fn drop(&mut self) {
        WAITING.fetch_sub(1, SeqCst);
    }
}

/// Serializes the tests that use the process-wide interrupt state.
#[cfg(test)]
pub(crate) static TEST_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn readable(fd: RawFd, ms: i32) -> bool {
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        unsafe { libc::poll(&mut p, 1, ms) == 1 }
    }

    // One test for the process-wide state, so parallel tests cannot see each other's signals.
    #[test]
    fn delivery_wakes_opted_in_waits() {
        let _serial = TEST_LOCK.lock().unwrap();
        // A thread that did not opt in has no wait guard.
        assert!(Wait::enter().is_none());
        enable_current_thread().unwrap();
        assert!(current_thread_enabled());
        // Out-of-range signal numbers are refused.
        assert!(!deliver(0) && !deliver(64) && !deliver(-2));
        let wait = Wait::enter().unwrap();
        assert_eq!(waiting(), 1);
        assert!(!readable(wait.fd(), 0));
        // Another thread delivers while this one waits on the eventfd.
        let start = Instant::now();
        let t = std::thread::spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            deliver(libc::SIGINT)
        });
        assert!(readable(wait.fd(), 5000), "the eventfd wakes the wait");
        assert!(t.join().unwrap());
        assert!(start.elapsed() >= Duration::from_millis(90));
        assert!(is_pending(libc::SIGINT));
        assert_eq!(wait.check(), Err(Error::Os(libc::EINTR)));
        assert!(deliver(libc::SIGALRM));
        assert_eq!(take_pending(), (1 << libc::SIGINT) | (1 << libc::SIGALRM));
        assert!(!is_pending(libc::SIGINT));
        assert!(
            !readable(wait.fd(), 0),
            "taking the signals clears the eventfd"
        );
        // A signal taken back by its handler is not an interruption: the wait goes on.
        assert!(deliver(libc::SIGUSR1));
        assert!(retract(libc::SIGUSR1));
        assert!(!retract(libc::SIGUSR1), "only once");
        assert!(readable(wait.fd(), 0));
        assert_eq!(wait.check(), Ok(()));
        assert!(!readable(wait.fd(), 0));
        drop(wait);
        assert_eq!(waiting(), 0);
        // Delivered while not waiting: it stays pending for the next wait.
        assert!(deliver(libc::SIGINT));
        let wait = Wait::enter().unwrap();
        assert!(readable(wait.fd(), 0));
        assert_eq!(wait.check(), Err(Error::Os(libc::EINTR)));
        assert_eq!(take_pending(), 1 << libc::SIGINT);
        drop(wait);
        disable_current_thread();
        assert!(Wait::enter().is_none());
    }

    /// Runs `blocked` on a thread that opted in, delivers SIGINT from here after 150 ms, and
    /// returns what `blocked` returned.
    fn interrupted<T: Send + 'static>(blocked: impl FnOnce() -> T + Send + 'static) -> T {
        let t = std::thread::spawn(move || {
            enable_current_thread().unwrap();
            let r = blocked();
            disable_current_thread();
            r
        });
        std::thread::sleep(Duration::from_millis(150));
        assert!(deliver(libc::SIGINT));
        let r = t.join().unwrap();
        assert_eq!(take_pending(), 1 << libc::SIGINT);
        r
    }

    #[test]
    fn blocking_sendall_ends_with_eintr() {
        use crate::core::mode::Mode;
        use crate::core::socket::Socket;
        let _serial = TEST_LOCK.lock().unwrap();
        let (a, _b) = Socket::pair(libc::AF_UNIX, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        let a = std::sync::Arc::new(a);
        let a2 = a.clone();
        let got = interrupted(move || a2.send_all(&mut &vec![0u8; 16 << 20][..], 0));
        assert_eq!(got, Err(Error::Os(libc::EINTR)));
    }

    #[test]
    fn blocking_socket_poll_and_epoll_waits_end_with_eintr() {
        use crate::core::epoll::Epoll;
        use crate::core::mode::Mode;
        use crate::core::poll::poll;
        use crate::core::socket::Socket;
        let _serial = TEST_LOCK.lock().unwrap();
        let (a, b) = Socket::pair(libc::AF_UNIX, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        let a = std::sync::Arc::new(a);
        let a2 = a.clone();
        let got = interrupted(move || a2.recv(&mut &mut [0u8; 4][..], 0));
        assert_eq!(got, Err(Error::Os(libc::EINTR)));
        // With a timeout too, and the socket still works afterwards.
        a.set_mode(Mode::Timeout(Duration::from_secs(30)));
        let a2 = a.clone();
        let got = interrupted(move || a2.recv(&mut &mut [0u8; 4][..], 0));
        assert_eq!(got, Err(Error::Os(libc::EINTR)));
        b.send(&mut &b"ok"[..], 0).unwrap();
        let mut buf = [0u8; 4];
        assert_eq!(a.recv(&mut &mut buf[..], 0), Ok(2));
        let fd = a.raw_fd();
        let got = interrupted(move || {
            let mut set = [libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            }];
            poll(&mut set, None)
        });
        assert_eq!(got, Err(Error::Os(libc::EINTR)));
        let ep = std::sync::Arc::new(Epoll::new().unwrap());
        ep.register(fd, libc::EPOLLIN as u32).unwrap();
        let ep2 = ep.clone();
        let got = interrupted(move || ep2.wait(&mut [0; 4], &mut [0; 4], None));
        assert_eq!(got, Err(Error::Os(libc::EINTR)));
        // A thread that did not opt in is not interrupted: its wait times out.
        assert!(deliver(libc::SIGINT));
        let mut set = [libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        }];
        assert_eq!(poll(&mut set, Some(Duration::from_millis(50))), Ok(0));
        assert_eq!(take_pending(), 1 << libc::SIGINT);
    }
}
