//! Readiness over arbitrary fds (sockets, pipes, regular files, ttys) with `poll(2)`: the
//! primitive behind `select.select` and `select.poll`.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use super::error::Result;
use super::interrupt;
use super::socket::ceil_millis;
use super::sys;

/// Events `select(2)` counts as "readable" (Linux `POLLIN_SET`).
pub const SELECT_READ: i16 =
    libc::POLLIN | libc::POLLRDNORM | libc::POLLRDBAND | libc::POLLHUP | libc::POLLERR;
/// Events `select(2)` counts as "writable" (Linux `POLLOUT_SET`).
pub const SELECT_WRITE: i16 = libc::POLLOUT | libc::POLLWRNORM | libc::POLLWRBAND | libc::POLLERR;
/// Events `select(2)` counts as "exceptional" (Linux `POLLEX_SET`).
pub const SELECT_EXCEPT: i16 = libc::POLLPRI;

thread_local! {
    /// The caller's fds plus the interrupt eventfd, for interruptible threads (reused).
    static WITH_INTERRUPT: RefCell<Vec<libc::pollfd>> = const { RefCell::new(Vec::new()) };
}

/// `poll(2)` over `fds`, retrying on `EINTR` with the time left. `timeout: None` waits forever.
/// Returns how many entries have non-zero `revents`. On a thread that opted in to
/// [`interrupt`](super::interrupt), a delivered signal ends a wait that has not yet found a
/// ready fd with `Error::Os(EINTR)`, as `select(2)` does under CPython.
pub fn poll(fds: &mut [libc::pollfd], timeout: Option<Duration>) -> Result<usize> {
    let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
    let intr = if timeout == Some(Duration::ZERO) {
        None
    } else {
        interrupt::Wait::enter()
    };
    loop {
        let ms = match (timeout, deadline) {
            (None, _) => -1,
            (Some(_), None) => i32::MAX,
            (Some(_), Some(d)) => ceil_millis(d.saturating_duration_since(Instant::now())),
        };
        let rc = match &intr {
            None => sys::poll_fds(fds, ms),
            Some(w) => match poll_interruptible(fds, w, ms)? {
                Some(rc) => rc,
                None => continue,
            },
        };
        match rc {
            Ok(n) => return Ok(n),
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// One `poll(2)` over `fds` plus the interrupt eventfd: `Err(EINTR)` when a signal is
/// pending, `None` for a stale wake-up (poll again), else the poll's own outcome.
fn poll_interruptible(
    fds: &mut [libc::pollfd],
    w: &interrupt::Wait,
    ms: i32,
) -> Result<Option<std::io::Result<usize>>> {
    WITH_INTERRUPT.with(|cell| {
        let mut all = cell.borrow_mut();
        all.clear();
        all.extend_from_slice(fds);
        all.push(libc::pollfd {
            fd: w.fd(),
            events: libc::POLLIN,
            revents: 0,
        });
        let rc = sys::poll_fds(&mut all, ms);
        for (mine, polled) in fds.iter_mut().zip(all.iter()) {
            mine.revents = polled.revents;
        }
        let woken = all[fds.len()].revents != 0;
        match rc {
            Ok(n) if woken => {
                w.check()?;
                // A stale wake-up: report the ready fds, if any, else wait again.
                Ok(if n > 1 { Some(Ok(n - 1)) } else { None })
            }
            other => Ok(Some(other)),
        }
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
