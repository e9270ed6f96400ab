//! A long-lived readiness set on `epoll(7)` (`select.epoll`), level- or edge-triggered: each
//! wait costs in proportion to the ready fds, not the watched ones.
//!
//! epoll is used directly rather than through `mio` because `select.epoll` must expose every
//! event bit and both trigger modes, which `mio` (edge-triggered, portable subset) hides.
//! Closing wakes a thread blocked in [`Epoll::wait`] through an eventfd registered alongside.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
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

/// An epoll instance plus its wake-up eventfd.
pub struct Epoll {
    epfd: OwnedFd,
    wake: OwnedFd,
    closed: AtomicBool,
}

fn check(rc: libc::c_int) -> Result<libc::c_int> {
    if rc < 0 {
        Err(Error::last_os())
    } else {
        Ok(rc)
    }
}

impl Epoll {
    /// `epoll_create1(EPOLL_CLOEXEC)`.
    pub fn new() -> Result<Epoll> {
        // SAFETY: plain syscalls; the returned fds are owned below.
        let epfd =
            unsafe { OwnedFd::from_raw_fd(check(libc::epoll_create1(libc::EPOLL_CLOEXEC))?) };
        let wake = unsafe {
            OwnedFd::from_raw_fd(check(libc::eventfd(
                0,
                libc::EFD_CLOEXEC | libc::EFD_NONBLOCK,
            ))?)
        };
        let ep = Epoll {
            epfd,
            wake,
            closed: AtomicBool::new(false),
        };
        ep.ctl(
            libc::EPOLL_CTL_ADD,
            ep.wake.as_raw_fd(),
            libc::EPOLLIN as u32,
            WAKE_TOKEN,
        )?;
        Ok(ep)
    }

    /// The epoll fd (`epoll.fileno()`).
    pub fn raw_fd(&self) -> RawFd {
        self.epfd.as_raw_fd()
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
        check(unsafe { libc::epoll_ctl(self.epfd.as_raw_fd(), op, fd, &mut ev) })?;
        Ok(())
    }

    fn user_fd(&self, fd: RawFd) -> Result<RawFd> {
        self.check_open()?;
        if fd < 0 || fd == self.wake.as_raw_fd() {
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
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        let intr = if timeout == Some(Duration::ZERO) {
            None
        } else {
            interrupt::Wait::enter()
        };
        loop {
            self.check_open()?;
            let mut ms = match (timeout, deadline) {
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
            let rc = unsafe {
                libc::epoll_wait(
                    self.epfd.as_raw_fd(),
                    buf.as_mut_ptr(),
                    buf.len() as i32,
                    ms,
                )
            };
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
            let time_left = match (timeout, deadline) {
                (None, _) | (Some(_), None) => true,
                (Some(_), Some(d)) => Instant::now() < d,
            };
            if n > 0 || (rc == 0 && (intr.is_none() || !time_left)) {
                return Ok(n);
            }
        }
    }

    /// Polls the epoll fd and the interrupt eventfd: `Err(EINTR)` when a signal is pending,
    /// else `Ok` (the epoll fd is ready, the time ran out, or a stale wake-up).
    fn wait_interruptible(&self, w: &interrupt::Wait, ms: i32) -> Result<()> {
        let mut fds = [
            libc::pollfd {
                fd: self.epfd.as_raw_fd(),
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
            let one = 1u64.to_ne_bytes();
            // SAFETY: writing 8 bytes to our eventfd.
            unsafe { libc::write(self.wake.as_raw_fd(), one.as_ptr().cast(), 8) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_ready_fds_and_wakes_on_close() {
        let ep = std::sync::Arc::new(Epoll::new().unwrap());
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
}
