//! A long-lived readiness set on `epoll(7)` (`select.epoll`), level- or edge-triggered: each
//! wait costs in proportion to the ready fds, not the watched ones.
//!
//! epoll is used directly rather than through `mio` because `select.epoll` must expose every
//! event bit and both trigger modes, which `mio` (edge-triggered, portable subset) hides.
//! Closing wakes a thread blocked in [`Epoll::wait`] through an eventfd registered alongside.
//!
//! `select.epoll.fromfd(fd)`: an fd that names a live instance made here gives that same
//! instance ([`Epoll::from_fd`]), so two Python objects over one fd share it and it is closed
//! once, never twice (a second close could hit a number another thread has just reused). Any
//! other open fd is adopted (owned from then on); a number that is not open gives an instance
//! whose every operation fails with `EBADF`, owning nothing.

use std::collections::HashMap;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use super::error::{Error, Result};
use super::interrupt;
use super::socket::ceil_millis;
use super::sys;

thread_local! {
    /// Per-thread kernel event buffer: grows to the largest `maxevents` seen, then is reused,
    /// so a wait allocates nothing.
    static EVENTS: std::cell::RefCell<Vec<libc::epoll_event>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The `data` value that marks the internal wake-up eventfd.
const WAKE_TOKEN: u64 = u64::MAX;

/// Every instance that owns its epoll fd, by that fd. An entry goes (and the fd is closed) under
/// this lock, so [`Epoll::from_fd`] never adopts a number an instance here is still closing.
static LIVE: Mutex<Option<HashMap<RawFd, Weak<Epoll>>>> = Mutex::new(None);

fn live() -> std::sync::MutexGuard<'static, Option<HashMap<RawFd, Weak<Epoll>>>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// An epoll instance plus its wake-up eventfd, shared by every handle made over it.
pub struct Epoll {
    /// The epoll fd; `None` for an instance over a number that was not open (all `EBADF`).
    epfd: Option<OwnedFd>,
    /// The fd number (`fileno()`), also when `epfd` is `None`.
    raw: RawFd,
    /// The wake-up eventfd; `None` when it could not be added (an adopted fd that is not an
    /// epoll fd, whose waits fail at once with the kernel's `EINVAL`).
    wake: Option<OwnedFd>,
    closed: AtomicBool,
    /// Handles (Java objects) using the instance: see [`Epoll::attach`].
    users: AtomicUsize,
}

fn check(rc: libc::c_int) -> Result<libc::c_int> {
    if rc < 0 {
        Err(Error::last_os())
    } else {
        Ok(rc)
    }
}

fn new_eventfd() -> Result<OwnedFd> {
    // SAFETY: plain syscall; the returned fd is owned here.
    Ok(unsafe {
        OwnedFd::from_raw_fd(check(libc::eventfd(
            0,
            libc::EFD_CLOEXEC | libc::EFD_NONBLOCK,
        ))?)
    })
}

impl Epoll {
    /// `epoll_create1(EPOLL_CLOEXEC)`, with one user.
    pub fn new() -> Result<Arc<Epoll>> {
        // SAFETY: plain syscall; the returned fd is owned below.
        let epfd =
            unsafe { OwnedFd::from_raw_fd(check(libc::epoll_create1(libc::EPOLL_CLOEXEC))?) };
        let wake = new_eventfd()?;
        let ep = Self::owning(epfd, wake);
        ep.wake_ctl()?;
        let mut map = live();
        Ok(Self::publish(&mut map, ep))
    }

    fn owning(epfd: OwnedFd, wake: OwnedFd) -> Epoll {
        Epoll {
            raw: epfd.as_raw_fd(),
            epfd: Some(epfd),
            wake: Some(wake),
            closed: AtomicBool::new(false),
            users: AtomicUsize::new(1),
        }
    }

    fn wake_ctl(&self) -> Result<()> {
        match &self.wake {
            Some(w) => self.ctl(
                libc::EPOLL_CTL_ADD,
                w.as_raw_fd(),
                libc::EPOLLIN as u32,
                WAKE_TOKEN,
            ),
            None => Ok(()),
        }
    }

    fn publish(map: &mut Option<HashMap<RawFd, Weak<Epoll>>>, ep: Epoll) -> Arc<Epoll> {
        let ep = Arc::new(ep);
        map.get_or_insert_with(HashMap::new)
            .insert(ep.raw, Arc::downgrade(&ep));
        ep
    }

    /// `select.epoll.fromfd(fd)`: the live instance this library made over `fd` (one more
    /// user; closing it closes it for every user), else `fd` adopted and owned from now on,
    /// else (`fd` not open) an instance whose operations all fail with `EBADF`. `-1` makes a
    /// new instance, as CPython 2.7's `fromfd(-1)` does.
    pub fn from_fd(fd: RawFd) -> Result<Arc<Epoll>> {
        if fd == -1 {
            return Epoll::new();
        }
        let wake = new_eventfd()?;
        let mut map = live();
        let known = map.as_ref().and_then(|m| m.get(&fd));
        if let Some(ep) = known.and_then(Weak::upgrade) {
            ep.attach();
            return Ok(ep);
        }
        // An entry that no longer upgrades is an instance being dropped: its fd is about to be
        // closed (under this lock), so it counts as not open, never as one to adopt.
        // SAFETY: F_GETFD only reads the fd's flags.
        if known.is_some() || fd < 0 || unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0 {
            return Ok(Arc::new(Epoll {
                epfd: None,
                raw: fd,
                wake: None,
                closed: AtomicBool::new(true),
                users: AtomicUsize::new(1),
            }));
        }
        // SAFETY: fd is open and no instance here owns it (checked under the LIVE lock); the
        // caller hands its ownership over, as CPython's fromfd takes it.
        let mut ep = Self::owning(unsafe { OwnedFd::from_raw_fd(fd) }, wake);
        if ep.wake_ctl().is_err() {
            // Not an epoll fd (or no room): no wake-up; waits meet the kernel's error at once.
            ep.wake = None;
        }
        Ok(Self::publish(&mut map, ep))
    }

    /// One more handle uses the instance.
    pub fn attach(&self) {
        self.users.fetch_add(1, SeqCst);
    }

    /// A handle lets go; true when it was the last one.
    pub fn detach(&self) -> bool {
        self.users.fetch_sub(1, SeqCst) == 1
    }

    /// The epoll fd (`epoll.fileno()`).
    pub fn raw_fd(&self) -> RawFd {
        self.raw
    }

    /// True once closed.
    pub fn is_closed(&self) -> bool {
        self.closed.load(SeqCst)
    }

    fn check_open(&self) -> Result<()> {
        if self.is_closed() {
            Err(Error::Closed)
        } else {
            Ok(())
        }
    }

    fn ctl(&self, op: i32, fd: RawFd, events: u32, data: u64) -> Result<()> {
        let mut ev = libc::epoll_event { events, u64: data };
        // SAFETY: ev is a valid epoll_event.
        check(unsafe { libc::epoll_ctl(self.raw, op, fd, &mut ev) })?;
        Ok(())
    }

    fn user_fd(&self, fd: RawFd) -> Result<RawFd> {
        self.check_open()?;
        if fd < 0 || self.wake.as_ref().is_some_and(|w| fd == w.as_raw_fd()) {
            return Err(Error::Os(libc::EBADF));
        }
        Ok(fd)
    }

    /// `EPOLL_CTL_ADD`.
    pub fn register(&self, fd: RawFd, events: u32) -> Result<()> {
        let fd = self.user_fd(fd)?;
        self.ctl(libc::EPOLL_CTL_ADD, fd, events, fd as u64)
    }

    /// `EPOLL_CTL_MOD`.
    pub fn modify(&self, fd: RawFd, events: u32) -> Result<()> {
        let fd = self.user_fd(fd)?;
        self.ctl(libc::EPOLL_CTL_MOD, fd, events, fd as u64)
    }

    /// `EPOLL_CTL_DEL`.
    pub fn unregister(&self, fd: RawFd) -> Result<()> {
        let fd = self.user_fd(fd)?;
        self.ctl(libc::EPOLL_CTL_DEL, fd, 0, 0)
    }

    /// `epoll_wait(2)` into `fds`/`events` (same length, at least 1); returns how many are filled.
    /// `timeout: None` waits forever. Ends early with `Error::Closed` if closed meanwhile.
    pub fn wait(
        &self,
        fds: &mut [i32],
        events: &mut [i32],
        timeout: Option<Duration>,
    ) -> Result<usize> {
        let max = fds.len().min(events.len()).min(i32::MAX as usize);
        if max == 0 {
            return Err(Error::invalid("maxevents must be greater than 0"));
        }
        EVENTS.with(|cell| {
            let mut buf = cell.borrow_mut();
            if buf.len() < max + 1 {
                buf.resize(max + 1, libc::epoll_event { events: 0, u64: 0 });
            }
            self.wait_with(&mut buf[..max + 1], fds, events, max, timeout)
        })
    }

    fn wait_with(
        &self,
        buf: &mut [libc::epoll_event],
        fds: &mut [i32],
        events: &mut [i32],
        max: usize,
        timeout: Option<Duration>,
    ) -> Result<usize> {
        // A zero timeout reads no clock: its epoll_wait is given 0 ms and never waits again.
        let zero = timeout == Some(Duration::ZERO);
        let deadline = if zero {
            None
        } else {
            timeout.and_then(|t| Instant::now().checked_add(t))
        };
        let intr = if zero || self.wake.is_none() {
            None
        } else {
            interrupt::Wait::enter()
        };
        loop {
            self.check_open()?;
            let mut ms = match (timeout, deadline) {
                _ if zero => 0,
                (None, _) => -1,
                (Some(_), None) => i32::MAX,
                (Some(_), Some(d)) => ceil_millis(d.saturating_duration_since(Instant::now())),
            };
            if let Some(w) = &intr {
                // Interruptible: wait for the epoll fd or the interrupt eventfd, then collect
                // the events without blocking.
                self.wait_interruptible(w, ms)?;
                ms = 0;
            }
            // SAFETY: buf has room for buf.len() events.
            let rc = unsafe { libc::epoll_wait(self.raw, buf.as_mut_ptr(), buf.len() as i32, ms) };
            if rc < 0 {
                let err = Error::last_os();
                if err == Error::Os(libc::EINTR) {
                    continue;
                }
                return Err(err);
            }
            self.check_open()?;
            let mut n = 0;
            for ev in &buf[..rc as usize] {
                let (data, bits) = (ev.u64, ev.events);
                if data == WAKE_TOKEN || n == max {
                    continue;
                }
                fds[n] = data as i32;
                events[n] = bits as i32;
                n += 1;
            }
            let time_left = || match (timeout, deadline) {
                (None, _) | (Some(_), None) => true,
                (Some(_), Some(d)) => Instant::now() < d,
            };
            if n > 0 || (rc == 0 && (intr.is_none() || !time_left())) {
                return Ok(n);
            }
        }
    }

    /// Polls the epoll fd and the interrupt eventfd: `Err(EINTR)` when a signal is pending,
    /// else `Ok` (the epoll fd is ready, the time ran out, or a stale wake-up).
    fn wait_interruptible(&self, w: &interrupt::Wait, ms: i32) -> Result<()> {
        let mut fds = [
            libc::pollfd {
                fd: self.raw,
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: w.fd(),
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        match sys::poll_fds(&mut fds, ms) {
            Ok(_) => {}
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => return Ok(()),
            Err(e) => return Err(e.into()),
        }
        if fds[1].revents != 0 {
            w.check()?;
        }
        Ok(())
    }

    /// Closes the instance and wakes any thread in [`Epoll::wait`]; the fds are released when the
    /// last user lets go.
    pub fn close(&self) {
        if !self.closed.swap(true, SeqCst) {
            if let Some(w) = &self.wake {
                let one = 1u64.to_ne_bytes();
                // SAFETY: writing 8 bytes to our eventfd.
                unsafe { libc::write(w.as_raw_fd(), one.as_ptr().cast(), 8) };
            }
        }
    }
}

impl Drop for Epoll {
    fn drop(&mut self) {
        if let Some(fd) = self.epfd.take() {
            // The entry goes and the fd closes under the lock: from_fd cannot adopt the number
            // in between (see LIVE).
            let mut map = live();
            if let Some(m) = map.as_mut() {
                if m.get(&self.raw).is_some_and(|w| w.strong_count() == 0) {
                    m.remove(&self.raw);
                }
            }
            drop(fd);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_ready_fds_and_wakes_on_close() {
        let ep = Epoll::new().unwrap();
        let mut p = [0; 2];
        // SAFETY: p has room for two fds.
        assert_eq!(unsafe { libc::pipe(p.as_mut_ptr()) }, 0);
        ep.register(p[1], libc::EPOLLOUT as u32).unwrap();
        ep.register(p[0], libc::EPOLLIN as u32).unwrap();
        let (mut fds, mut evs) = ([0; 4], [0; 4]);
        let n = ep.wait(&mut fds, &mut evs, Some(Duration::ZERO)).unwrap();
        assert_eq!((n, fds[0], evs[0]), (1, p[1], libc::EPOLLOUT));
        assert_eq!(ep.register(p[0], 1).unwrap_err(), Error::Os(libc::EEXIST));
        let ep2 = ep.clone();
        ep.unregister(p[1]).unwrap();
        let t = std::thread::spawn(move || {
            let (mut f, mut e) = ([0; 1], [0; 1]);
            ep2.wait(&mut f, &mut e, None)
        });
        std::thread::sleep(Duration::from_millis(50));
        ep.close();
        assert_eq!(t.join().unwrap().unwrap_err(), Error::Closed);
        // SAFETY: closing the pipe we made.
        unsafe {
            libc::close(p[0]);
            libc::close(p[1]);
        }
    }

    fn is_open(fd: RawFd) -> bool {
        // SAFETY: F_GETFD only reads the fd's flags.
        unsafe { libc::fcntl(fd, libc::F_GETFD) >= 0 }
    }

    #[test]
    fn from_fd_shares_a_live_instance_and_closes_it_once() {
        let ep = Epoll::new().unwrap();
        let fd = ep.raw_fd();
        let ep2 = Epoll::from_fd(fd).unwrap();
        assert!(Arc::ptr_eq(&ep, &ep2));
        let mut p = [0; 2];
        // SAFETY: p has room for two fds.
        assert_eq!(unsafe { libc::pipe(p.as_mut_ptr()) }, 0);
        ep2.register(p[1], libc::EPOLLOUT as u32).unwrap();
        let (mut fds, mut evs) = ([0; 4], [0; 4]);
        assert_eq!(
            ep.wait(&mut fds, &mut evs, Some(Duration::ZERO)).unwrap(),
            1
        );
        assert!(!ep.detach());
        ep.close();
        let err = ep2.wait(&mut fds, &mut evs, Some(Duration::ZERO));
        assert_eq!(err.unwrap_err(), Error::Closed);
        assert!(ep2.detach());
        let weak = Arc::downgrade(&ep2);
        drop(ep);
        assert!(is_open(fd), "released only when the last user lets go");
        drop(ep2);
        assert!(
            weak.upgrade().is_none(),
            "the instance, and its fd, went with the last user"
        );
        // SAFETY: closing the pipe we made.
        unsafe {
            libc::close(p[0]);
            libc::close(p[1]);
        }
    }

    #[test]
    fn from_fd_adopts_other_fds_and_refuses_closed_numbers() {
        let mut p = [0; 2];
        // SAFETY: p has room for two fds.
        assert_eq!(unsafe { libc::pipe(p.as_mut_ptr()) }, 0);
        let adopted = Epoll::from_fd(p[0]).unwrap();
        let (mut fds, mut evs) = ([0; 1], [0; 1]);
        // Not an epoll fd: the kernel's EINVAL at once (CPython 2.7.18 gives the same).
        let err = adopted.wait(&mut fds, &mut evs, Some(Duration::from_secs(5)));
        assert_eq!(err.unwrap_err(), Error::Os(libc::EINVAL));
        adopted.close();
        drop(adopted);
        // The adopted read end is owned and closed: a write to the pipe now meets EPIPE (the
        // test harness ignores SIGPIPE). A check of the number itself would race with the other
        // tests' threads, which may reuse it at once.
        // SAFETY: writing one byte from a valid buffer to our pipe's write end.
        let rc = unsafe { libc::write(p[1], b"x".as_ptr().cast(), 1) };
        assert_eq!((rc, Error::last_os()), (-1, Error::Os(libc::EPIPE)));
        // A number that cannot be open: every operation fails with EBADF, nothing is owned.
        let dead = Epoll::from_fd(i32::MAX).unwrap();
        assert_eq!(dead.register(p[1], 1).unwrap_err(), Error::Closed);
        assert_eq!(dead.raw_fd(), i32::MAX);
        drop(dead);
        // SAFETY: closing the pipe end we still own.
        unsafe { libc::close(p[1]) };
        let fresh = Epoll::from_fd(-1).unwrap();
        assert!(is_open(fresh.raw_fd()));
    }
}
