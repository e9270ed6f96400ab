//! Readiness over arbitrary fds (sockets, pipes, regular files, ttys) with `poll(2)`: the
//! primitive behind `select.select` and `select.poll`.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use super::error::Result;
use super::interrupt;
use super::socket::ceil_millis;
use super::sys;
use super::wake;

/// Events `select(2)` counts as "readable" (Linux `POLLIN_SET`).
pub const SELECT_READ: i16 =
    libc::POLLIN | libc::POLLRDNORM | libc::POLLRDBAND | libc::POLLHUP | libc::POLLERR;
/// Events `select(2)` counts as "writable" (Linux `POLLOUT_SET`).
pub const SELECT_WRITE: i16 = libc::POLLOUT | libc::POLLWRNORM | libc::POLLWRBAND | libc::POLLERR;
/// Events `select(2)` counts as "exceptional" (Linux `POLLEX_SET`).
pub const SELECT_EXCEPT: i16 = libc::POLLPRI;

thread_local! {
    /// The caller's fds plus the thread's wake eventfd and the interrupt eventfd (reused).
    static WITH_INTERRUPT: RefCell<Vec<libc::pollfd>> = const { RefCell::new(Vec::new()) };
}

/// `poll(2)` over `fds`, retrying on `EINTR` with the time left. `timeout: None` waits forever.
/// Returns how many entries have non-zero `revents`. On a thread that opted in to
/// [`interrupt`](super::interrupt), a delivered signal ends a wait that has not yet found a
/// ready fd with `Error::Os(EINTR)`, as `select(2)` does under CPython.
///
/// The thread's wake eventfd, while it entered a wait on sockets
/// ([`Socket::enter_wait`](super::socket::Socket::enter_wait)) are polled too: closing one of
/// those sockets ends the wait (returning the ready count so far, possibly 0); the caller then
/// finds the socket closed.
pub fn poll(fds: &mut [libc::pollfd], timeout: Option<Duration>) -> Result<usize> {
    let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
    let waits = timeout != Some(Duration::ZERO);
    let intr = if waits {
        interrupt::Wait::enter()
    } else {
        None
    };
    let extended = intr.is_some() || (waits && wake::watching());
    loop {
        let ms = match (timeout, deadline) {
            (None, _) => -1,
            (Some(_), None) => i32::MAX,
            (Some(_), Some(d)) => ceil_millis(d.saturating_duration_since(Instant::now())),
        };
        let rc = if extended {
            match poll_extended(fds, intr.as_ref(), ms)? {
                Some(rc) => rc,
                None => continue,
            }
        } else {
            sys::poll_fds(fds, ms)
        };
        match rc {
            Ok(n) => return Ok(n),
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// One `poll(2)` over `fds` plus the thread's wake eventfd and the interrupt eventfd (if
/// `intr`): `Err(EINTR)` when a signal is pending, `None` for a stale interrupt wake-up (poll
/// again), else the poll's outcome counted over `fds` only.
fn poll_extended(
    fds: &mut [libc::pollfd],
    intr: Option<&interrupt::Wait>,
    ms: i32,
) -> Result<Option<std::io::Result<usize>>> {
    WITH_INTERRUPT.with(|cell| {
        let mut all = cell.borrow_mut();
        all.clear();
        all.extend_from_slice(fds);
        let wakes = if wake::watching() {
            all.push(libc::pollfd {
                fd: wake::current_thread_fd()?,
                events: libc::POLLIN,
                revents: 0,
            });
            1
        } else {
            0
        };
        if let Some(w) = intr {
            all.push(libc::pollfd {
                fd: w.fd(),
                events: libc::POLLIN,
                revents: 0,
            });
        }
        let rc = sys::poll_fds(&mut all, ms);
        for (mine, polled) in fds.iter_mut().zip(all.iter()) {
            mine.revents = polled.revents;
        }
        let n = fds.len();
        let ready = fds.iter().filter(|p| p.revents != 0).count();
        if let Err(e) = rc {
            return Ok(Some(Err(e)));
        }
        if wakes == 1 && all[n].revents != 0 {
            wake::drain_thread_fd();
            if wake::any_watched_signalled() {
                // A watched socket was closed: the caller sees it closed.
                return Ok(Some(Ok(ready)));
            }
            if ready > 0 {
                return Ok(Some(Ok(ready)));
            }
            // A stale wake-up from another socket's close: wait again (after the signal check).
            if intr.is_none() || all[n + wakes].revents == 0 {
                return Ok(None);
            }
        }
        if let Some(w) = intr {
            if all[n + wakes].revents != 0 {
                w.check()?;
                // A stale wake-up: report the ready fds, if any, else wait again.
                return Ok(if ready > 0 { Some(Ok(ready)) } else { None });
            }
        }
        Ok(Some(Ok(ready)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    #[test]
    fn pipes_and_regular_files_report_readiness() {
        let mut fds = [0; 2];
        // SAFETY: fds has room for two fds.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        let file = std::fs::File::open("Cargo.toml").unwrap();
        let mut set = [
            libc::pollfd {
                fd: fds[0],
                events: SELECT_READ,
                revents: 0,
            },
            libc::pollfd {
                fd: fds[1],
                events: SELECT_WRITE,
                revents: 0,
            },
            libc::pollfd {
                fd: file.as_raw_fd(),
                events: SELECT_READ,
                revents: 0,
            },
        ];
        assert_eq!(poll(&mut set, Some(Duration::ZERO)).unwrap(), 2);
        assert_eq!(set[0].revents, 0, "empty pipe is not readable");
        assert_ne!(set[1].revents & libc::POLLOUT, 0);
        assert_ne!(
            set[2].revents & libc::POLLIN,
            0,
            "a regular file is always readable"
        );
        // SAFETY: closing the two fds we created.
        unsafe {
            libc::close(fds[0]);
            libc::close(fds[1]);
        }
        // A number far above any fd this process opens (other tests run in parallel).
        let mut bad = [libc::pollfd {
            fd: 999_999,
            events: SELECT_READ,
            revents: 0,
        }];
        assert_eq!(poll(&mut bad, Some(Duration::ZERO)).unwrap(), 1);
        assert_eq!(bad[0].revents, libc::POLLNVAL);
    }
}
