//! Readiness over arbitrary fds (sockets, pipes, regular files, ttys) with `poll(2)`: the
//! primitive behind `select.select` and `select.poll`.

use std::time::{Duration, Instant};

use super::error::{Error, Result};
use super::socket::ceil_millis;

/// Events `select(2)` counts as "readable" (Linux `POLLIN_SET`).
pub const SELECT_READ: i16 =
    libc::POLLIN | libc::POLLRDNORM | libc::POLLRDBAND | libc::POLLHUP | libc::POLLERR;
/// Events `select(2)` counts as "writable" (Linux `POLLOUT_SET`).
pub const SELECT_WRITE: i16 = libc::POLLOUT | libc::POLLWRNORM | libc::POLLWRBAND | libc::POLLERR;
/// Events `select(2)` counts as "exceptional" (Linux `POLLEX_SET`).
pub const SELECT_EXCEPT: i16 = libc::POLLPRI;

/// `poll(2)` over `fds`, retrying on `EINTR` with the time left. `timeout: None` waits forever.
/// Returns how many entries have non-zero `revents`.
pub fn poll(fds: &mut [libc::pollfd], timeout: Option<Duration>) -> Result<usize> {
    let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
    loop {
        let ms = match (timeout, deadline) {
            (None, _) => -1,
            (Some(_), None) => i32::MAX,
            (Some(_), Some(d)) => ceil_millis(d.saturating_duration_since(Instant::now())),
        };
        // SAFETY: fds is a valid, writable array of fds.len() pollfd entries.
        let rc = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
        if rc >= 0 {
            return Ok(rc as usize);
        }
        let err = Error::last_os();
        if err != Error::Os(libc::EINTR) {
            return Err(err);
        }
    }
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
