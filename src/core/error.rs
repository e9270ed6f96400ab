//! The one error type of the core.
//!
//! Each variant maps to exactly one Java exception class (see `src/jni/convert.rs`):
//! `Os` → `SocketError`, `Timeout` → `SocketTimeout`, `Lookup` → `AddressLookupError`,
//! `Host` → `HostLookupError`, `Message` → `SocketError` without errno, `Closed` → `SocketError(EBADF)`,
//! `InvalidArgument` → `IllegalArgumentException`, `Tls` → `TlsError`.

use std::ffi::CStr;
use std::io;

/// Result alias used throughout the core.
pub type Result<T> = std::result::Result<T, Error>;

/// Everything a core operation can fail with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A system call failed with this errno.
    #[error("[Errno {0}] {msg}", msg = strerror(*.0))]
    Os(i32),
    /// The socket's timeout elapsed before the operation could complete.
    #[error("timed out")]
    Timeout,
    /// `getaddrinfo`/`getnameinfo` failed with this `EAI_*` code.
    #[error("[Errno {0}] {msg}", msg = gai_strerror(*.0))]
    Lookup(i32),
    /// `gethostbyaddr`-style lookup failed with this `h_errno`.
    #[error("[Errno {0}] {msg}", msg = hstrerror(*.0))]
    Host(i32),
    /// The handle names a socket that is closed (or never existed).
    #[error("[Errno 9] Bad file descriptor")]
    Closed,
    /// A failure CPython reports as `socket.error(message)` with no errno
    /// (e.g. "service/proto not found").
    #[error("{0}")]
    Message(String),
    /// An argument the caller passed is not acceptable.
    #[error("{0}")]
    InvalidArgument(String),
    /// A TLS failure (handshake, verification, protocol, or want-read/want-write).
    #[error("{0}")]
    Tls(#[from] super::tls::TlsFailure),
}

impl Error {
    /// The error for the current `errno`.
    pub fn last_os() -> Error {
        Error::Os(
            io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO),
        )
    }

    /// The errno this error stands for, if it is an OS-level one (`Closed` is `EBADF`).
    pub fn errno(&self) -> Option<i32> {
        match self {
            Error::Os(e) => Some(*e),
            Error::Closed => Some(libc::EBADF),
            _ => None,
        }
    }

    /// Shorthand for an [`Error::InvalidArgument`].
    pub fn invalid(msg: impl Into<String>) -> Error {
        Error::InvalidArgument(msg.into())
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        match e.raw_os_error() {
            Some(code) => Error::Os(code),
            None if e.kind() == io::ErrorKind::TimedOut => Error::Timeout,
            None => Error::InvalidArgument(e.to_string()),
        }
    }
}

/// The C library's message for an errno, as `strerror(3)` gives it (and CPython shows it).
pub fn strerror(errno: i32) -> String {
    let mut buf = [0 as libc::c_char; 256];
    // SAFETY: buf is writable for its whole length; the XSI variant NUL-terminates on success.
    let rc = unsafe { libc::strerror_r(errno, buf.as_mut_ptr(), buf.len()) };
    if rc != 0 {
        return format!("Unknown error {errno}");
    }
    // SAFETY: strerror_r succeeded, so buf holds a NUL-terminated string.
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

/// The resolver's message for an `EAI_*` code, as `gai_strerror(3)` gives it.
pub fn gai_strerror(code: i32) -> String {
    // SAFETY: gai_strerror returns a pointer to a static string for any code.
    unsafe { CStr::from_ptr(libc::gai_strerror(code)) }
        .to_string_lossy()
        .into_owned()
}

/// The message for an `h_errno` value, as `hstrerror(3)` gives it.
pub fn hstrerror(code: i32) -> String {
    extern "C" {
        fn hstrerror(err: libc::c_int) -> *const libc::c_char;
    }
    // SAFETY: hstrerror returns a pointer to a static string for any code.
    unsafe { CStr::from_ptr(hstrerror(code)) }
        .to_string_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_match_the_c_library() {
        assert_eq!(strerror(libc::ECONNREFUSED), "Connection refused");
        assert_eq!(
            Error::Os(libc::EAGAIN).to_string(),
            "[Errno 11] Resource temporarily unavailable"
        );
        assert_eq!(gai_strerror(libc::EAI_NONAME), "Name or service not known");
        assert_eq!(hstrerror(1), "Unknown host");
        assert_eq!(Error::Closed.errno(), Some(libc::EBADF));
    }
}
