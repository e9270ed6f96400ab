//! Socket addresses in the compact byte form that crosses JNI, and conversions to and from
//! `socket2::SockAddr`.
//!
//! Layout (big-endian numbers):
//! - `AF_INET`:  family u16, port u16, address [4]                               (8 bytes)
//! - `AF_INET6`: family u16, port u16, flowinfo u32, scope_id u32, address [16] (28 bytes)
//! - `AF_UNIX`:  family u16, path bytes (a leading NUL marks a Linux abstract name; no bytes =
//!   unnamed)
//!
//! An empty encoding means "no address" (e.g. `recvfrom` on a connected stream socket).

use std::mem;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};

use socket2::SockAddr;

use super::error::{Error, Result};

/// Room for any encoded address: 2 bytes of family plus the 108 bytes of `sun_path`.
pub const MAX_ENCODED_LEN: usize = 2 + 108;

/// Offset of `sun_path` within `sockaddr_un`.
const SUN_PATH_OFFSET: usize = mem::size_of::<libc::sa_family_t>();

/// Encodes `addr` into `out`, returning the number of bytes written.
pub fn encode(addr: &SockAddr, out: &mut [u8; MAX_ENCODED_LEN]) -> usize {
    if addr.len() == 0 {
        return 0;
    }
    let family: u16 = addr.family();
    out[..2].copy_from_slice(&family.to_be_bytes());
    match i32::from(family) {
        libc::AF_INET => {
            let v4 = addr.as_socket_ipv4().expect("AF_INET address");
            out[2..4].copy_from_slice(&v4.port().to_be_bytes());
            out[4..8].copy_from_slice(&v4.ip().octets());
            8
        }
        libc::AF_INET6 => {
            let v6 = addr.as_socket_ipv6().expect("AF_INET6 address");
            out[2..4].copy_from_slice(&v6.port().to_be_bytes());
            out[4..8].copy_from_slice(&v6.flowinfo().to_be_bytes());
            out[8..12].copy_from_slice(&v6.scope_id().to_be_bytes());
            out[12..28].copy_from_slice(&v6.ip().octets());
            28
        }
        libc::AF_UNIX => {
            let path = unix_path_bytes(addr);
            out[2..2 + path.len()].copy_from_slice(path);
            2 + path.len()
        }
        _ => 2,
    }
}

/// The meaningful bytes of an `AF_UNIX` address: an abstract name keeps its leading NUL and all
/// its bytes; a path name stops at its first NUL (as CPython reads it).
fn unix_path_bytes(addr: &SockAddr) -> &[u8] {
    let len = (addr.len() as usize).saturating_sub(SUN_PATH_OFFSET);
    // SAFETY: the storage is a sockaddr_un of at least `addr.len()` bytes.
    let un = unsafe { &*(addr.as_ptr() as *const libc::sockaddr_un) };
    // SAFETY: c_char and u8 have the same layout; len ≤ sun_path.len() by the kernel's contract.
    let raw: &[u8] = unsafe {
        std::slice::from_raw_parts(
            un.sun_path.as_ptr() as *const u8,
            len.min(un.sun_path.len()),
        )
    };
    if raw.first() == Some(&0) {
        raw
    } else {
        let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
        &raw[..end]
    }
}

/// Decodes the compact form into a `SockAddr`, validating every length.
pub fn decode(bytes: &[u8]) -> Result<SockAddr> {
    if bytes.len() < 2 {
        return Err(Error::invalid("address is too short"));
    }
    let family = i32::from(u16::from_be_bytes([bytes[0], bytes[1]]));
    let body = &bytes[2..];
    match family {
        libc::AF_INET => {
            let b: &[u8; 6] = body
                .try_into()
                .map_err(|_| Error::invalid("AF_INET address must be 8 bytes"))?;
            let ip = Ipv4Addr::new(b[2], b[3], b[4], b[5]);
            Ok(SocketAddrV4::new(ip, u16::from_be_bytes([b[0], b[1]])).into())
        }
        libc::AF_INET6 => {
            let b: &[u8; 26] = body
                .try_into()
                .map_err(|_| Error::invalid("AF_INET6 address must be 28 bytes"))?;
            let port = u16::from_be_bytes([b[0], b[1]]);
            let flowinfo = u32::from_be_bytes([b[2], b[3], b[4], b[5]]);
            let scope = u32::from_be_bytes([b[6], b[7], b[8], b[9]]);
            let mut ip = [0u8; 16];
            ip.copy_from_slice(&b[10..26]);
            Ok(SocketAddrV6::new(Ipv6Addr::from(ip), port, flowinfo, scope).into())
        }
        libc::AF_UNIX => unix(body),
        _ => Err(Error::invalid(format!(
            "address family {family} is not supported"
        ))),
    }
}

/// An `AF_UNIX` address from path bytes (leading NUL: abstract name), with CPython's length rules.
pub fn unix(path: &[u8]) -> Result<SockAddr> {
    // SAFETY: sockaddr_un is plain data; all-zero is a valid value.
    let mut un: libc::sockaddr_un = unsafe { mem::zeroed() };
    let abstract_name = path.first() == Some(&0);
    let too_long = if abstract_name {
        path.len() > un.sun_path.len()
    } else {
        path.len() >= un.sun_path.len()
    };
    if too_long {
        return Err(Error::Os(libc::ENAMETOOLONG));
    }
    un.sun_family = libc::AF_UNIX as libc::sa_family_t;
    for (dst, &src) in un.sun_path.iter_mut().zip(path) {
        *dst = src as libc::c_char;
    }
    let len = (SUN_PATH_OFFSET + path.len()) as libc::socklen_t;
    // SAFETY: the storage is initialised as a sockaddr_un of `len` valid bytes.
    let addr = unsafe {
        SockAddr::try_init(|storage, slot| {
            std::ptr::copy_nonoverlapping(
                &un as *const libc::sockaddr_un as *const u8,
                storage as *mut u8,
                mem::size_of::<libc::sockaddr_un>(),
            );
            *slot = len;
            Ok(())
        })
    }?;
    Ok(addr.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(addr: SockAddr) -> SockAddr {
        let mut buf = [0u8; MAX_ENCODED_LEN];
        let n = encode(&addr, &mut buf);
        decode(&buf[..n]).unwrap()
    }

    #[test]
    fn inet_families_round_trip() {
        let v4: SockAddr = "127.0.0.1:8080"
            .parse::<std::net::SocketAddr>()
            .unwrap()
            .into();
        assert_eq!(round_trip(v4.clone()).as_socket(), v4.as_socket());
        let v6: SockAddr = SocketAddrV6::new(Ipv6Addr::LOCALHOST, 443, 7, 3).into();
        let back = round_trip(v6).as_socket_ipv6().unwrap();
        assert_eq!((back.port(), back.flowinfo(), back.scope_id()), (443, 7, 3));
    }

    #[test]
    fn unix_paths_and_abstract_names() {
        let p = round_trip(unix(b"/tmp/x.sock").unwrap());
        assert_eq!(unix_path_bytes(&p), b"/tmp/x.sock");
        let a = round_trip(unix(b"\0name").unwrap());
        assert_eq!(unix_path_bytes(&a), b"\0name");
        assert_eq!(
            unix(&[b'a'; 108]).unwrap_err(),
            Error::Os(libc::ENAMETOOLONG)
        );
        assert!(unix(&[0u8; 108]).is_ok());
    }

    #[test]
    fn malformed_encodings_are_refused() {
        assert!(decode(&[]).is_err());
        assert!(decode(&[0, 2, 0]).is_err());
        assert!(decode(&[0, 10, 1, 2]).is_err());
        assert!(decode(&[0xff, 0xff]).is_err());
    }
}
