//! `setsockopt(2)`/`getsockopt(2)` passed straight to the kernel, as CPython does: any level and
//! option the kernel knows works, with an int, a packed struct (`SO_LINGER`, `ip_mreq`, ...) or
//! raw bytes; the kernel's refusal comes back as its errno.

use std::mem;

use super::error::{Error, Result};
use super::socket::Socket;

/// The largest `buflen` CPython accepts for `getsockopt(level, name, buflen)`.
pub const MAX_OPTION_LEN: usize = 1024;

impl Socket {
    /// `setsockopt` with a C `int` value.
    pub fn set_option_int(&self, level: i32, name: i32, value: i32) -> Result<()> {
        self.set_option_bytes(level, name, &value.to_ne_bytes())
    }

    /// `setsockopt` with raw bytes (a packed struct or a string such as `TCP_CONGESTION`).
    pub fn set_option_bytes(&self, level: i32, name: i32, value: &[u8]) -> Result<()> {
        self.check_open()?;
        let len = libc::socklen_t::try_from(value.len())
            .map_err(|_| Error::invalid("option value is too long"))?;
        // SAFETY: value is valid for reads of len bytes.
        let rc =
            unsafe { libc::setsockopt(self.raw_fd(), level, name, value.as_ptr().cast(), len) };
        if rc < 0 {
            return Err(Error::last_os());
        }
        Ok(())
    }

    /// `getsockopt` read as a C `int`, as CPython does without `buflen`.
    pub fn option_int(&self, level: i32, name: i32) -> Result<i32> {
        let mut buf = [0u8; mem::size_of::<i32>()];
        let n = self.option_bytes_into(level, name, &mut buf)?;
        let mut v = [0u8; 4];
        v[..n.min(4)].copy_from_slice(&buf[..n.min(4)]);
        Ok(i32::from_ne_bytes(v))
    }

    /// `getsockopt` into `out`; returns how many bytes the kernel wrote. `out` must hold
    /// between 1 and [`MAX_OPTION_LEN`] bytes.
    pub fn option_bytes_into(&self, level: i32, name: i32, out: &mut [u8]) -> Result<usize> {
        if out.is_empty() || out.len() > MAX_OPTION_LEN {
            return Err(Error::invalid("getsockopt buflen out of range"));
        }
        self.check_open()?;
        let mut len = out.len() as libc::socklen_t;
        // SAFETY: out is valid for writes of len bytes; len is updated by the kernel.
        let rc = unsafe {
            libc::getsockopt(
                self.raw_fd(),
                level,
                name,
                out.as_mut_ptr().cast(),
                &mut len,
            )
        };
        if rc < 0 {
            return Err(Error::last_os());
        }
        Ok(len as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::mode::Mode;

    #[test]
    fn ints_structs_and_refusals_reach_the_kernel() {
        let s = Socket::new(libc::AF_INET, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        s.set_option_int(libc::SOL_SOCKET, libc::SO_RCVBUF, 8192)
            .unwrap();
        assert_eq!(
            s.option_int(libc::SOL_SOCKET, libc::SO_RCVBUF).unwrap(),
            16384
        );
        let linger = [1i32.to_ne_bytes(), 10i32.to_ne_bytes()].concat();
        s.set_option_bytes(libc::SOL_SOCKET, libc::SO_LINGER, &linger)
            .unwrap();
        let mut out = [0u8; 8];
        assert_eq!(
            s.option_bytes_into(libc::SOL_SOCKET, libc::SO_LINGER, &mut out)
                .unwrap(),
            8
        );
        assert_eq!(out.to_vec(), linger);
        assert_eq!(
            s.set_option_int(libc::SOL_SOCKET, 9999, 1).unwrap_err(),
            Error::Os(libc::ENOPROTOOPT)
        );
        assert!(s
            .option_bytes_into(libc::SOL_SOCKET, libc::SO_TYPE, &mut [0u8; 2000])
            .is_err());
    }
}
