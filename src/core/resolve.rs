//! Name resolution through the system resolver (glibc's `getaddrinfo` and friends, so
//! `/etc/hosts`, `nsswitch.conf` and DNS behave as for every other program), plus address
//! text conversions. No resolver logic of our own lives here.

use std::ffi::{CStr, CString};
use std::mem;
use std::ptr;

use socket2::SockAddr;

use super::error::{Error, Result};

/// One `getaddrinfo` result.
#[derive(Debug, Clone)]
pub struct AddrInfo {
    /// `ai_family`.
    pub family: i32,
    /// `ai_socktype`.
    pub sock_type: i32,
    /// `ai_protocol`.
    pub protocol: i32,
    /// `ai_canonname` (empty unless `AI_CANONNAME` and this is the first result).
    pub canonical_name: String,
    /// `ai_addr`.
    pub addr: SockAddr,
}

/// The result of `gethostbyname_ex`/`gethostbyaddr`: official name, aliases, addresses as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostEntry {
    /// `h_name`.
    pub name: String,
    /// `h_aliases`.
    pub aliases: Vec<String>,
    /// `h_addr_list`, as numeric text.
    pub addresses: Vec<String>,
}

fn c_string(s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::invalid("embedded null character"))
}

fn lossy(p: *const libc::c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        // SAFETY: p is a NUL-terminated string owned by the C library result being read.
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }
}

/// `getaddrinfo(3)`. `host`/`service` of `None` pass NULL; both `None` is `EAI_NONAME`.
pub fn getaddrinfo(
    host: Option<&str>,
    service: Option<&str>,
    family: i32,
    sock_type: i32,
    protocol: i32,
    flags: i32,
) -> Result<Vec<AddrInfo>> {
    let host = host.map(c_string).transpose()?;
    let service = service.map(c_string).transpose()?;
    // SAFETY: addrinfo is plain data; all-zero is a valid hints value.
    let mut hints: libc::addrinfo = unsafe { mem::zeroed() };
    hints.ai_family = family;
    hints.ai_socktype = sock_type;
    hints.ai_protocol = protocol;
    hints.ai_flags = flags;
    let mut res: *mut libc::addrinfo = ptr::null_mut();
    // SAFETY: every pointer is valid or NULL; res is freed below.
    let rc = unsafe {
        libc::getaddrinfo(
            host.as_ref().map_or(ptr::null(), |h| h.as_ptr()),
            service.as_ref().map_or(ptr::null(), |s| s.as_ptr()),
            &hints,
            &mut res,
        )
    };
    if rc != 0 {
        if rc == libc::EAI_SYSTEM {
            return Err(Error::last_os());
        }
        return Err(Error::Lookup(rc));
    }
    let mut out = Vec::new();
    let mut cur = res;
    while !cur.is_null() {
        // SAFETY: cur is a node of the list getaddrinfo returned.
        let ai = unsafe { &*cur };
        let len = ai
            .ai_addrlen
            .min(mem::size_of::<libc::sockaddr_storage>() as u32);
        // SAFETY: ai_addr holds ai_addrlen valid bytes; we copy at most the storage size.
        let addr = unsafe {
            SockAddr::try_init(|storage, l| {
                ptr::copy_nonoverlapping(ai.ai_addr as *const u8, storage as *mut u8, len as usize);
                *l = len;
                Ok(())
            })
        }?
        .1;
        out.push(AddrInfo {
            family: ai.ai_family,
            sock_type: ai.ai_socktype,
            protocol: ai.ai_protocol,
            canonical_name: lossy(ai.ai_canonname),
            addr,
        });
        cur = ai.ai_next;
    }
    // SAFETY: res came from getaddrinfo and is freed once.
    unsafe { libc::freeaddrinfo(res) };
    Ok(out)
}

/// `getnameinfo(3)`: (host, service) for `addr`.
pub fn getnameinfo(addr: &SockAddr, flags: i32) -> Result<(String, String)> {
    let mut host = [0 as libc::c_char; 1025];
    let mut serv = [0 as libc::c_char; 32];
    // SAFETY: buffers are writable for their lengths; addr holds addr.len() bytes.
    let rc = unsafe {
        libc::getnameinfo(
            addr.as_ptr().cast(),
            addr.len(),
            host.as_mut_ptr(),
            host.len() as u32,
            serv.as_mut_ptr(),
            serv.len() as u32,
            flags,
        )
    };
    if rc != 0 {
        if rc == libc::EAI_SYSTEM {
            return Err(Error::last_os());
        }
        return Err(Error::Lookup(rc));
    }
    Ok((lossy(host.as_ptr()), lossy(serv.as_ptr())))
}

/// glibc functions the `libc` crate does not declare.
mod c {
    extern "C" {
        pub fn getservbyname_r(
            name: *const libc::c_char,
            proto: *const libc::c_char,
            ret: *mut libc::servent,
            buf: *mut libc::c_char,
            buflen: libc::size_t,
            result: *mut *mut libc::servent,
        ) -> libc::c_int;
        pub fn getservbyport_r(
            port: libc::c_int,
            proto: *const libc::c_char,
            ret: *mut libc::servent,
            buf: *mut libc::c_char,
            buflen: libc::size_t,
            result: *mut *mut libc::servent,
        ) -> libc::c_int;
        pub fn getprotobyname_r(
            name: *const libc::c_char,
            ret: *mut libc::protoent,
            buf: *mut libc::c_char,
            buflen: libc::size_t,
            result: *mut *mut libc::protoent,
        ) -> libc::c_int;
        pub fn inet_pton(
            af: libc::c_int,
            src: *const libc::c_char,
            dst: *mut libc::c_void,
        ) -> libc::c_int;
        pub fn inet_ntop(
            af: libc::c_int,
            src: *const libc::c_void,
            dst: *mut libc::c_char,
            size: libc::socklen_t,
        ) -> *const libc::c_char;
        pub fn gethostbyname_r(
            name: *const libc::c_char,
            ret: *mut libc::hostent,
            buf: *mut libc::c_char,
            buflen: libc::size_t,
            result: *mut *mut libc::hostent,
            h_errnop: *mut libc::c_int,
        ) -> libc::c_int;
        pub fn gethostbyaddr_r(
            addr: *const libc::c_void,
            len: libc::socklen_t,
            family: libc::c_int,
            ret: *mut libc::hostent,
            buf: *mut libc::c_char,
            buflen: libc::size_t,
            result: *mut *mut libc::hostent,
            h_errnop: *mut libc::c_int,
        ) -> libc::c_int;
        pub fn inet_aton(cp: *const libc::c_char, inp: *mut libc::in_addr) -> libc::c_int;
    }
}

/// Calls a `gethostby*_r` function with a growing buffer and converts its result.
fn host_entry(
    call: impl Fn(
        *mut libc::hostent,
        *mut libc::c_char,
        usize,
        *mut *mut libc::hostent,
        *mut i32,
    ) -> i32,
) -> Result<HostEntry> {
    let mut size = 8192;
    loop {
        let mut buf = vec![0 as libc::c_char; size];
        // SAFETY: hostent is plain data.
        let mut ent: libc::hostent = unsafe { mem::zeroed() };
        let mut result: *mut libc::hostent = ptr::null_mut();
        let mut herr = 0;
        let rc = call(&mut ent, buf.as_mut_ptr(), size, &mut result, &mut herr);
        if rc == libc::ERANGE && size < 1 << 20 {
            size *= 4;
            continue;
        }
        if result.is_null() {
            return Err(Error::Host(if herr == 0 { 1 } else { herr }));
        }
        return Ok(convert_hostent(&ent));
    }
}

fn convert_hostent(ent: &libc::hostent) -> HostEntry {
    let mut aliases = Vec::new();
    let mut addresses = Vec::new();
    // SAFETY: the lists are NULL-terminated arrays inside the buffer the call filled.
    unsafe {
        let mut p = ent.h_aliases;
        while !p.is_null() && !(*p).is_null() {
            aliases.push(lossy(*p));
            p = p.add(1);
        }
        let mut a = ent.h_addr_list;
        while !a.is_null() && !(*a).is_null() {
            let bytes = std::slice::from_raw_parts(*a as *const u8, ent.h_length as usize);
            if let Ok(text) = inet_ntop(ent.h_addrtype, bytes) {
                addresses.push(text);
            }
            a = a.add(1);
        }
    }
    HostEntry {
        name: lossy(ent.h_name),
        aliases,
        addresses,
    }
}

/// `gethostbyname_ex`: first checks the name resolves (`gaierror` as CPython raises), then
/// reads the host entry with `gethostbyname_r` (`herror` on failure).
pub fn gethostbyname_ex(name: &str) -> Result<HostEntry> {
    getaddrinfo(Some(name), None, libc::AF_INET, 0, 0, 0)?;
    let name = c_string(name)?;
    // SAFETY: the closure forwards valid pointers from host_entry.
    host_entry(|ent, buf, len, res, herr| unsafe {
        c::gethostbyname_r(name.as_ptr(), ent, buf, len, res, herr)
    })
}

/// `gethostbyaddr`: resolves `ip` (a name or numeric address) to an address, then reads its
/// host entry with `gethostbyaddr_r`.
pub fn gethostbyaddr(ip: &str) -> Result<HostEntry> {
    let first = getaddrinfo(Some(ip), None, libc::AF_UNSPEC, libc::SOCK_DGRAM, 0, 0)?
        .into_iter()
        .next()
        .ok_or(Error::Lookup(libc::EAI_NONAME))?;
    let (family, bytes): (i32, Vec<u8>) = match first.addr.as_socket() {
        Some(std::net::SocketAddr::V4(v4)) => (libc::AF_INET, v4.ip().octets().to_vec()),
        Some(std::net::SocketAddr::V6(v6)) => (libc::AF_INET6, v6.ip().octets().to_vec()),
        None => return Err(Error::Os(libc::EAFNOSUPPORT)),
    };
    // SAFETY: bytes holds the address; the closure forwards valid pointers from host_entry.
    host_entry(|ent, buf, len, res, herr| unsafe {
        c::gethostbyaddr_r(
            bytes.as_ptr().cast(),
            bytes.len() as u32,
            family,
            ent,
            buf,
            len,
            res,
            herr,
        )
    })
}

/// `gethostname(2)`.
pub fn gethostname() -> Result<String> {
    let mut buf = [0 as libc::c_char; 256];
    // SAFETY: buf is writable for its length.
    if unsafe { libc::gethostname(buf.as_mut_ptr(), buf.len()) } < 0 {
        return Err(Error::last_os());
    }
    Ok(lossy(buf.as_ptr()))
}

/// `getservbyname(3)`: the port for a service name (and protocol, if given).
pub fn getservbyname(name: &str, proto: Option<&str>) -> Result<u16> {
    let n = c_string(name)?;
    let p = proto.map(c_string).transpose()?;
    let mut ent: libc::servent = unsafe { mem::zeroed() };
    let mut buf = [0 as libc::c_char; 4096];
    let mut res: *mut libc::servent = ptr::null_mut();
    // SAFETY: all pointers are valid; glibc's getservbyname_r is thread-safe.
    unsafe {
        c::getservbyname_r(
            n.as_ptr(),
            p.as_ref().map_or(ptr::null(), |p| p.as_ptr()),
            &mut ent,
            buf.as_mut_ptr(),
            buf.len(),
            &mut res,
        )
    };
    if res.is_null() {
        return Err(Error::Message("service/proto not found".into()));
    }
    Ok(u16::from_be(ent.s_port as u16))
}

/// `getservbyport(3)`: the service name for a port (and protocol, if given).
pub fn getservbyport(port: u16, proto: Option<&str>) -> Result<String> {
    let p = proto.map(c_string).transpose()?;
    let mut ent: libc::servent = unsafe { mem::zeroed() };
    let mut buf = [0 as libc::c_char; 4096];
    let mut res: *mut libc::servent = ptr::null_mut();
    // SAFETY: all pointers are valid.
    unsafe {
        c::getservbyport_r(
            i32::from(port.to_be()),
            p.as_ref().map_or(ptr::null(), |p| p.as_ptr()),
            &mut ent,
            buf.as_mut_ptr(),
            buf.len(),
            &mut res,
        )
    };
    if res.is_null() {
        return Err(Error::Message("port/proto not found".into()));
    }
    Ok(lossy(ent.s_name))
}

/// `getprotobyname(3)`: the protocol number for a name such as `"tcp"`.
pub fn getprotobyname(name: &str) -> Result<i32> {
    let n = c_string(name)?;
    let mut ent: libc::protoent = unsafe { mem::zeroed() };
    let mut buf = [0 as libc::c_char; 4096];
    let mut res: *mut libc::protoent = ptr::null_mut();
    // SAFETY: all pointers are valid.
    unsafe { c::getprotobyname_r(n.as_ptr(), &mut ent, buf.as_mut_ptr(), buf.len(), &mut res) };
    if res.is_null() {
        return Err(Error::Message("protocol not found".into()));
    }
    Ok(ent.p_proto)
}

/// `inet_pton(3)`: 4 or 16 address bytes from text.
pub fn inet_pton(family: i32, text: &str) -> Result<Vec<u8>> {
    let size = match family {
        libc::AF_INET => 4,
        libc::AF_INET6 => 16,
        _ => return Err(Error::Os(libc::EAFNOSUPPORT)),
    };
    let text = c_string(text)?;
    let mut out = vec![0u8; size];
    // SAFETY: out has room for the address of `family`.
    let rc = unsafe { c::inet_pton(family, text.as_ptr(), out.as_mut_ptr().cast()) };
    if rc != 1 {
        return Err(Error::Message(
            "illegal IP address string passed to inet_pton".into(),
        ));
    }
    Ok(out)
}

/// `inet_ntop(3)`: text from 4 or 16 address bytes.
pub fn inet_ntop(family: i32, bytes: &[u8]) -> Result<String> {
    let expected = match family {
        libc::AF_INET => 4,
        libc::AF_INET6 => 16,
        _ => return Err(Error::Os(libc::EAFNOSUPPORT)),
    };
    if bytes.len() != expected {
        return Err(Error::invalid("invalid length of packed IP address string"));
    }
    let mut out = [0 as libc::c_char; 64];
    // SAFETY: bytes holds a full address; out is large enough for any text form.
    let p = unsafe { c::inet_ntop(family, bytes.as_ptr().cast(), out.as_mut_ptr(), 64) };
    if p.is_null() {
        return Err(Error::last_os());
    }
    Ok(lossy(out.as_ptr()))
}

/// `inet_aton(3)`: the lenient IPv4 parser (`"127.1"` is accepted), as `socket.inet_aton`.
pub fn inet_aton(text: &str) -> Result<[u8; 4]> {
    let text = c_string(text)?;
    let mut addr = libc::in_addr { s_addr: 0 };
    // SAFETY: addr is a valid in_addr.
    if unsafe { c::inet_aton(text.as_ptr(), &mut addr) } == 0 {
        return Err(Error::Message(
            "illegal IP address string passed to inet_aton".into(),
        ));
    }
    Ok(addr.s_addr.to_ne_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_resolve_and_garbage_does_not() {
        let r = getaddrinfo(
            Some("localhost"),
            Some("80"),
            libc::AF_INET,
            libc::SOCK_STREAM,
            0,
            0,
        )
        .unwrap();
        assert_eq!(r[0].addr.as_socket().unwrap().to_string(), "127.0.0.1:80");
        let err = getaddrinfo(Some("no-such-host.invalid"), None, 0, 0, 0, 0).unwrap_err();
        assert_eq!(err, Error::Lookup(libc::EAI_NONAME));
        assert_eq!(
            getaddrinfo(None, None, 0, 0, 0, 0).unwrap_err(),
            Error::Lookup(libc::EAI_NONAME)
        );
    }

    #[test]
    fn text_conversions_follow_the_c_library() {
        assert_eq!(
            inet_pton(libc::AF_INET, "10.1.2.3").unwrap(),
            vec![10, 1, 2, 3]
        );
        assert!(inet_pton(libc::AF_INET, "10.1.2").is_err());
        assert_eq!(inet_aton("127.1").unwrap(), [127, 0, 0, 1]);
        assert_eq!(inet_ntop(libc::AF_INET6, &[0; 16]).unwrap(), "::");
        assert!(inet_ntop(libc::AF_INET, &[1, 2, 3]).is_err());
        assert_eq!(getservbyname("http", Some("tcp")).unwrap(), 80);
        assert_eq!(getservbyport(22, None).unwrap(), "ssh");
        assert_eq!(getprotobyname("udp").unwrap(), 17);
    }
}
