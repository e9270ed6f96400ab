//! The three CPython socket modes, kept as state in Rust (every fd is `O_NONBLOCK` in the kernel).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

/// How an operation that would block behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Wait as long as it takes (`settimeout(None)`, `setblocking(True)`).
    Blocking,
    /// Wait at most this long, then fail with `Error::Timeout` (`settimeout(t)`, t > 0).
    Timeout(Duration),
    /// Never wait: fail with `EAGAIN`/`EINPROGRESS` (`settimeout(0)`, `setblocking(False)`).
    NonBlocking,
}

impl Mode {
    /// Decodes the wire form used across JNI: negative = blocking, 0 = non-blocking,
    /// positive = timeout in nanoseconds.
    pub fn from_nanos(nanos: i64) -> Mode {
        match nanos {
            n if n < 0 => Mode::Blocking,
            0 => Mode::NonBlocking,
            n => Mode::Timeout(Duration::from_nanos(n as u64)),
        }
    }

    /// The wire form, the inverse of [`Mode::from_nanos`].
    pub fn to_nanos(self) -> i64 {
        match self {
            Mode::Blocking => -1,
            Mode::NonBlocking => 0,
            Mode::Timeout(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX).max(1),
        }
    }

    /// When an operation started now must give up (`None`: never).
    pub fn deadline(self) -> Option<Instant> {
        match self {
            Mode::Timeout(d) => Instant::now().checked_add(d),
            _ => None,
        }
    }
}

/// A [`Mode`] that can be read and changed from any thread.
#[derive(Debug)]
pub struct AtomicMode(AtomicI64);

impl AtomicMode {
    /// A cell holding `mode`.
    pub fn new(mode: Mode) -> AtomicMode {
        AtomicMode(AtomicI64::new(mode.to_nanos()))
    }

    /// The current mode.
    pub fn get(&self) -> Mode {
        Mode::from_nanos(self.0.load(Ordering::Relaxed))
    }

    /// Replaces the mode; operations already waiting keep the deadline they started with.
    pub fn set(&self, mode: Mode) {
        self.0.store(mode.to_nanos(), Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_form_round_trips() {
        for m in [
            Mode::Blocking,
            Mode::NonBlocking,
            Mode::Timeout(Duration::from_millis(200)),
        ] {
            assert_eq!(Mode::from_nanos(m.to_nanos()), m);
        }
        assert_eq!(Mode::Blocking.deadline(), None);
        assert!(Mode::Timeout(Duration::from_secs(1)).deadline().is_some());
    }
}
