//! `sendmsg(2)`/`recvmsg(2)` with ancillary data (e.g. `SCM_RIGHTS` fd passing on `AF_UNIX`).
//!
//! Ancillary data crosses as a flat list of messages: each is `level`, `type` and its data bytes.

use std::cell::RefCell;
use std::io;
use std::mem;

use socket2::{MsgHdr, SockAddr};

use super::buf::{ReadBuf, WriteBuf};
use super::error::{Error, Result};
use super::socket::Socket;
use super::sys;

/// One control message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ancillary {
    /// `cmsg_level`, e.g. `SOL_SOCKET`.
    pub level: i32,
    /// `cmsg_type`, e.g. `SCM_RIGHTS`.
    pub kind: i32,
    /// The payload (for `SCM_RIGHTS`: native-endian `int` fds).
    pub data: Vec<u8>,
}

/// What `recvmsg` received.
#[derive(Debug)]
pub struct Received {
    /// Bytes of data written into the buffer.
    pub len: usize,
    /// Control messages, in order.
    pub ancillary: Vec<Ancillary>,
    /// `msg_flags` (e.g. `MSG_TRUNC`, `MSG_CTRUNC`).
    pub flags: i32,
    /// The sender's address (length 0 when there is none).
    pub addr: SockAddr,
}

/// Largest total ancillary buffer accepted, to keep a wrong argument from exhausting memory.
pub const MAX_ANCILLARY: usize = 1 << 20;

/// A control buffer above this size is released after the call instead of kept for the next.
const KEEP_CONTROL: usize = 64 << 10;

thread_local! {
    /// Each thread's `recvmsg` control buffer (u64 words keep it aligned for `cmsghdr`), reused
    /// so a call allocates nothing once the buffer has grown to the size asked for.
    static CONTROL: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// A zeroed control buffer of `bytes` bytes (u64 words), allocated fallibly.
fn control_buffer(bytes: usize) -> Result<Vec<u64>> {
    let words = bytes.div_ceil(8);
    let mut v = Vec::new();
    v.try_reserve_exact(words)
        .map_err(|_| Error::invalid("cannot allocate the ancillary buffer"))?;
    v.resize(words, 0);
    Ok(v)
}

fn cmsg_space(len: usize) -> usize {
    // SAFETY: CMSG_SPACE is pure arithmetic.
    unsafe { libc::CMSG_SPACE(len as u32) as usize }
}

impl Socket {
    /// `sendmsg(2)` of `data` with `ancillary`, to `addr` if given. `data` is lent to each
    /// system call (a Java array is never copied).
    pub fn send_msg(
        &self,
        data: &mut (impl WriteBuf + ?Sized),
        ancillary: &[Ancillary],
        flags: i32,
        addr: Option<&SockAddr>,
    ) -> Result<usize> {
        let space: usize = ancillary.iter().map(|a| cmsg_space(a.data.len())).sum();
        if space > MAX_ANCILLARY {
            return Err(Error::invalid("ancillary data is too large"));
        }
        // u64 elements keep the control buffer aligned for cmsghdr.
        let mut control = control_buffer(space)?;
        if space > 0 {
            encode_control(&mut control, space, ancillary);
        }
        // SAFETY: the first `space` bytes of the u64 buffer, viewed as bytes (same memory).
        let control_bytes: &[u8] =
            unsafe { std::slice::from_raw_parts(control.as_ptr().cast(), space) };
        self.io(self.mode(), libc::POLLOUT, flags, |fd| {
            data.with_ref(|bytes| {
                let iov = [io::IoSlice::new(bytes)];
                let mut msg = MsgHdr::new().with_buffers(&iov);
                if space > 0 {
                    msg = msg.with_control(control_bytes);
                }
                if let Some(a) = addr {
                    msg = msg.with_addr(a);
                }
                sys::send_msg(fd, &msg, flags)
            })
        })
    }

    /// `recvmsg(2)` into `buf` with room for `ancillary_space` bytes of control data
    /// (`MSG_CMSG_CLOEXEC` is always set, so received fds are close-on-exec). `buf` is lent to
    /// each system call; the control buffer is the thread's own, reused: no allocation per call
    /// unless control messages arrive.
    pub fn recv_msg(
        &self,
        buf: &mut (impl ReadBuf + ?Sized),
        ancillary_space: usize,
        flags: i32,
    ) -> Result<Received> {
        if ancillary_space > MAX_ANCILLARY {
            return Err(Error::invalid("ancbufsize is too large"));
        }
        CONTROL.with(|cell| {
            let mut control = cell.borrow_mut();
            let words = ancillary_space.div_ceil(8);
            if control.len() < words {
                *control = control_buffer(ancillary_space)?;
            }
            let r = self.recv_msg_with(buf, &mut control[..words], ancillary_space, flags);
            if control.len() * 8 > KEEP_CONTROL {
                *control = Vec::new();
            }
            r
        })
    }

    // Hand-written `recvmsg`: socket2's `MsgHdrMut` can carry the control buffer, but its
    // `RecvFlags` exposes only a few `msg_flags` bits (not `MSG_CTRUNC`, which Python's
    // `recvmsg` returns and fd passing depends on).
    fn recv_msg_with(
        &self,
        buf: &mut (impl ReadBuf + ?Sized),
        control: &mut [u64],
        ancillary_space: usize,
        flags: i32,
    ) -> Result<Received> {
        let ((len, mflags, clen), addr) = self.io(self.mode(), libc::POLLIN, flags, |fd| {
            buf.with_mut(|data| {
                let mut iov = libc::iovec {
                    iov_base: data.as_mut_ptr().cast(),
                    iov_len: data.len(),
                };
                // SAFETY: try_init hands us zeroed address storage; every pointer in msg is live.
                unsafe {
                    SockAddr::try_init(|storage, addrlen| {
                        let mut msg: libc::msghdr = mem::zeroed();
                        msg.msg_name = storage.cast();
                        msg.msg_namelen = *addrlen;
                        msg.msg_iov = &mut iov;
                        msg.msg_iovlen = 1;
                        if ancillary_space > 0 {
                            msg.msg_control = control.as_mut_ptr().cast();
                            msg.msg_controllen = ancillary_space;
                        }
                        let rc = libc::recvmsg(fd, &mut msg, flags | libc::MSG_CMSG_CLOEXEC);
                        if rc < 0 {
                            return Err(io::Error::last_os_error());
                        }
                        *addrlen = msg.msg_namelen;
                        Ok((rc as usize, msg.msg_flags, msg.msg_controllen))
                    })
                }
            })
        })?;
        let ancillary = parse_control(control, clen.min(ancillary_space));
        Ok(Received {
            len,
            ancillary,
            flags: mflags,
            addr,
        })
    }
}

/// Writes `ancillary` as control messages into `control` (`space` bytes, the sum of their
/// `CMSG_SPACE`s). Hand-written: socket2 sends a control buffer but has no builder for control
/// messages, and Python's `sendmsg` takes arbitrary `(level, type, data)` triples.
fn encode_control(control: &mut [u64], space: usize, ancillary: &[Ancillary]) {
    // SAFETY: msghdr is plain data; all-zero is valid. Only the CMSG macros read it.
    let mut msg: libc::msghdr = unsafe { mem::zeroed() };
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = space;
    // SAFETY: the control buffer holds `space` bytes, exactly the sum of CMSG_SPACEs, so every
    // header and its data fit.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(&msg);
        for a in ancillary {
            (*c).cmsg_level = a.level;
            (*c).cmsg_type = a.kind;
            (*c).cmsg_len = libc::CMSG_LEN(a.data.len() as u32) as usize;
            std::ptr::copy_nonoverlapping(a.data.as_ptr(), libc::CMSG_DATA(c), a.data.len());
            c = libc::CMSG_NXTHDR(&msg, c);
        }
    }
}

fn parse_control(control: &[u64], len: usize) -> Vec<Ancillary> {
    let mut out = Vec::new();
    // SAFETY: msghdr is plain data; we only set the control pointer and length the kernel filled.
    unsafe {
        let mut msg: libc::msghdr = mem::zeroed();
        msg.msg_control = control.as_ptr() as *mut _;
        msg.msg_controllen = len;
        let mut c = libc::CMSG_FIRSTHDR(&msg);
        while !c.is_null() {
            let data = libc::CMSG_DATA(c);
            let start = data.offset_from(control.as_ptr().cast()) as usize;
            // Never past what the kernel filled, whatever cmsg_len claims.
            let n = (*c)
                .cmsg_len
                .saturating_sub(data.offset_from(c.cast()) as usize)
                .min(len.saturating_sub(start));
            out.push(Ancillary {
                level: (*c).cmsg_level,
                kind: (*c).cmsg_type,
                data: std::slice::from_raw_parts(data, n).to_vec(),
            });
            c = libc::CMSG_NXTHDR(&msg, c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::mode::Mode;

    #[test]
    fn scm_rights_passes_a_working_fd() {
        let (a, b) = Socket::pair(libc::AF_UNIX, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        let (x, y) = Socket::pair(libc::AF_UNIX, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        let rights = Ancillary {
            level: libc::SOL_SOCKET,
            kind: libc::SCM_RIGHTS,
            data: x.raw_fd().to_ne_bytes().to_vec(),
        };
        assert_eq!(a.send_msg(&mut &b"fd"[..], &[rights], 0, None).unwrap(), 2);
        let mut buf = [0u8; 8];
        let got = b.recv_msg(&mut &mut buf[..], cmsg_space(4), 0).unwrap();
        assert_eq!(&buf[..got.len], b"fd");
        assert_eq!(got.ancillary.len(), 1);
        let fd = i32::from_ne_bytes(got.ancillary[0].data[..4].try_into().unwrap());
        let passed =
            Socket::from_fd(fd, libc::AF_UNIX, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        // SAFETY: closing the received fd (from_fd made its own duplicate).
        unsafe { libc::close(fd) };
        passed.send(&mut &b"via"[..], 0).unwrap();
        let mut r = [0u8; 3];
        y.recv(&mut &mut r[..], 0).unwrap();
        assert_eq!(&r, b"via");
    }
}
