//! Property tests for the codecs that turn Java's bytes into kernel structures: the compact
//! address form (`core::addr`), socket option values (`core::options`) and control messages
//! (`core::msg`). Every input is generated; the properties are round trips, exact refusals and
//! "never panics, never leaks an fd".

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};

use proptest::prelude::*;
use sockbridge::core::addr::{self, MAX_ENCODED_LEN};
use sockbridge::core::mode::Mode;
use sockbridge::core::msg::Ancillary;
use sockbridge::core::options::MAX_OPTION_LEN;
use sockbridge::core::socket::Socket;
use sockbridge::core::Error;
use socket2::SockAddr;

fn encode(a: &SockAddr) -> Vec<u8> {
    let mut out = [0u8; MAX_ENCODED_LEN];
    let n = addr::encode(a, &mut out);
    out[..n].to_vec()
}

/// Serialises the tests that open sockets, so the fd counts of one are not moved by another
/// (cargo runs tests on parallel threads).
static FD_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn fd_lock() -> std::sync::MutexGuard<'static, ()> {
    FD_LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Open fds of this process (the test binary), from /proc.
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

proptest! {
    // No failure persistence: proptest would open its regression files at the start of every
    // test, and the fd-leak checks below count this process's open fds (a failure is
    // reported with its minimal input, to add as a plain test).
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    /// IPv4: decode(encode(a)) == a, and the encoding is the documented 8 bytes.
    #[test]
    fn inet_round_trips(ip in any::<[u8; 4]>(), port in any::<u16>()) {
        let a: SockAddr = SocketAddrV4::new(Ipv4Addr::from(ip), port).into();
        let bytes = encode(&a);
        prop_assert_eq!(bytes.len(), 8);
        prop_assert_eq!(&bytes[..2], &(libc::AF_INET as u16).to_be_bytes()[..]);
        prop_assert_eq!(&bytes[2..4], &port.to_be_bytes()[..]);
        prop_assert_eq!(&bytes[4..8], &ip[..]);
        let back = addr::decode(&bytes).unwrap();
        prop_assert_eq!(back.as_socket_ipv4(), a.as_socket_ipv4());
        prop_assert_eq!(encode(&back), bytes);
    }

    /// IPv6 keeps port, flowinfo and scope id.
    #[test]
    fn inet6_round_trips(ip in any::<[u8; 16]>(), port in any::<u16>(), flow in any::<u32>(), scope in any::<u32>()) {
        let a: SockAddr = SocketAddrV6::new(Ipv6Addr::from(ip), port, flow, scope).into();
        let bytes = encode(&a);
        prop_assert_eq!(bytes.len(), 28);
        let back = addr::decode(&bytes).unwrap().as_socket_ipv6().unwrap();
        prop_assert_eq!((back.ip().octets(), back.port(), back.flowinfo(), back.scope_id()), (ip, port, flow, scope));
    }

    /// AF_UNIX: a path without NULs shorter than sun_path round-trips; longer ones are ENAMETOOLONG.
    #[test]
    fn unix_paths(path in proptest::collection::vec(1u8..=255, 0..130)) {
        match addr::unix(&path) {
            Ok(a) => {
                prop_assert!(path.len() < 108, "accepted a {}-byte path", path.len());
                let bytes = encode(&a);
                prop_assert_eq!(&bytes[2..], &path[..]);
                let again = addr::decode(&bytes).unwrap();
                prop_assert_eq!(encode(&again), bytes);
            }
            Err(e) => {
                prop_assert!(path.len() >= 108, "refused a {}-byte path: {:?}", path.len(), e);
                prop_assert_eq!(e, Error::Os(libc::ENAMETOOLONG));
            }
        }
    }

    /// Abstract names keep their leading NUL and every byte (NULs included), up to 108 bytes.
    #[test]
    fn unix_abstract_names(rest in proptest::collection::vec(any::<u8>(), 0..120)) {
        let mut name = vec![0u8];
        name.extend_from_slice(&rest);
        match addr::unix(&name) {
            Ok(a) => {
                prop_assert!(name.len() <= 108);
                prop_assert_eq!(&encode(&a)[2..], &name[..]);
            }
            Err(e) => {
                prop_assert!(name.len() > 108);
                prop_assert_eq!(e, Error::Os(libc::ENAMETOOLONG));
            }
        }
    }

    /// Arbitrary bytes never panic; what decodes re-encodes to a valid form of the same family,
    /// and IP families only decode from their exact lengths.
    #[test]
    fn arbitrary_bytes_decode_or_refuse(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let family = if bytes.len() >= 2 { i32::from(u16::from_be_bytes([bytes[0], bytes[1]])) } else { -1 };
        match addr::decode(&bytes) {
            Ok(a) => {
                prop_assert_eq!(i32::from(a.family()), family);
                match family {
                    libc::AF_INET => prop_assert_eq!(bytes.len(), 8),
                    libc::AF_INET6 => prop_assert_eq!(bytes.len(), 28),
                    libc::AF_UNIX => prop_assert!(bytes.len() <= 2 + 108),
                    other => prop_assert!(false, "decoded unsupported family {}", other),
                }
                let again = encode(&a);
                prop_assert!(addr::decode(&again).is_ok());
                if family != libc::AF_UNIX {
                    prop_assert_eq!(again, bytes);
                }
            }
            Err(Error::InvalidArgument(_)) | Err(Error::Os(libc::ENAMETOOLONG)) => {}
            Err(other) => prop_assert!(false, "unexpected error {:?}", other),
        }
    }

    /// setsockopt with any level, name and value length: Ok or the kernel's errno / a size
    /// refusal; never a panic. getsockopt's buflen is checked to 1..=1024 before the kernel.
    #[test]
    fn options_any_level_name_and_length(
        level in prop_oneof![Just(libc::SOL_SOCKET), Just(libc::IPPROTO_TCP), Just(libc::IPPROTO_IP), Just(libc::IPPROTO_IPV6), any::<i32>()],
        name in prop_oneof![0i32..80, any::<i32>()],
        value in proptest::collection::vec(any::<u8>(), 0..2100),
        buflen in 0usize..2100,
    ) {
        let _g = fd_lock();
        let s = Socket::new(libc::AF_INET, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        // SO_LINGER with l_onoff set would make the close below linger; nothing is connected,
        // so it cannot block, but keep the kernel's answer whatever it is.
        match s.set_option_bytes(level, name, &value) {
            Ok(()) | Err(Error::Os(_)) | Err(Error::InvalidArgument(_)) => {}
            Err(other) => prop_assert!(false, "setsockopt({}, {}, {} bytes): {:?}", level, name, value.len(), other),
        }
        let mut out = vec![0u8; buflen];
        match s.option_bytes_into(level, name, &mut out) {
            Ok(n) => {
                prop_assert!((1..=MAX_OPTION_LEN).contains(&buflen), "buflen {} accepted", buflen);
                prop_assert!(n <= buflen, "kernel wrote {} into {}", n, buflen);
            }
            Err(Error::InvalidArgument(_)) => prop_assert!(buflen == 0 || buflen > MAX_OPTION_LEN),
            Err(Error::Os(e)) => prop_assert!(e > 0),
            Err(other) => prop_assert!(false, "getsockopt: {:?}", other),
        }
    }

    /// Int options read back as written (boolean options as 0/1), through the int encoding.
    #[test]
    fn boolean_options_round_trip(v in any::<i32>(), which in 0usize..4) {
        let names = [
            (libc::SOL_SOCKET, libc::SO_KEEPALIVE),
            (libc::SOL_SOCKET, libc::SO_REUSEADDR),
            (libc::SOL_SOCKET, libc::SO_OOBINLINE),
            (libc::IPPROTO_TCP, libc::TCP_NODELAY),
        ];
        let (level, name) = names[which];
        let _g = fd_lock();
        let s = Socket::new(libc::AF_INET, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        s.set_option_int(level, name, v).unwrap();
        prop_assert_eq!(s.option_int(level, name).unwrap(), i32::from(v != 0));
    }

    /// SCM_RIGHTS with k fds and a receive buffer of any size: the data always arrives; every
    /// fd the kernel delivers is a real new fd (closed here); MSG_CTRUNC is set exactly when the
    /// buffer could not hold them all; nothing leaks.
    #[test]
    fn scm_rights_any_count_any_space(k in 1usize..8, space in 0usize..200, payload in proptest::collection::vec(any::<u8>(), 1..64)) {
        let _g = fd_lock();
        let before = open_fds();
        {
            let (a, b) = Socket::pair(libc::AF_UNIX, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
            let fds: Vec<i32> = (0..k).map(|_| a.raw_fd()).collect();
            let data: Vec<u8> = fds.iter().flat_map(|f| f.to_ne_bytes()).collect();
            let rights = Ancillary { level: libc::SOL_SOCKET, kind: libc::SCM_RIGHTS, data };
            prop_assert_eq!(a.send_msg(&mut &payload[..], &[rights], 0, None).unwrap(), payload.len());
            let mut buf = vec![0u8; payload.len()];
            let got = b.recv_msg(&mut &mut buf[..], space, 0).unwrap();
            prop_assert_eq!(&buf[..got.len], &payload[..]);
            let mut delivered = 0;
            for m in &got.ancillary {
                prop_assert_eq!((m.level, m.kind), (libc::SOL_SOCKET, libc::SCM_RIGHTS));
                prop_assert_eq!(m.data.len() % 4, 0);
                for c in m.data.chunks(4) {
                    let fd = i32::from_ne_bytes(c.try_into().unwrap());
                    // SAFETY: a new fd the kernel installed for us; closing it is ours to do.
                    prop_assert_eq!(unsafe { libc::close(fd) }, 0, "fd {} was not open", fd);
                    delivered += 1;
                }
            }
            prop_assert!(delivered <= k);
            let truncated = got.flags & libc::MSG_CTRUNC != 0;
            prop_assert_eq!(truncated, delivered < k, "space {} k {} delivered {}", space, k, delivered);
        }
        prop_assert_eq!(open_fds(), before, "fds leaked");
    }

    /// Arbitrary control messages (any level, type and payload): sendmsg is Ok or an errno,
    /// never a panic, and the oversized total is refused before any allocation is used.
    #[test]
    fn arbitrary_control_messages(
        msgs in proptest::collection::vec(
            (prop_oneof![Just(libc::SOL_SOCKET), any::<i32>()], prop_oneof![Just(libc::SCM_CREDENTIALS), 0i32..8, any::<i32>()], proptest::collection::vec(any::<u8>(), 0..40)),
            0..5),
    ) {
        let _g = fd_lock();
        let before = open_fds();
        {
            let (a, b) = Socket::pair(libc::AF_UNIX, libc::SOCK_DGRAM, 0, Mode::NonBlocking).unwrap();
            let anc: Vec<Ancillary> = msgs.into_iter()
                // SCM_RIGHTS with garbage would pass random numbers as fds: a valid case above.
                .filter(|(l, t, _)| !(*l == libc::SOL_SOCKET && *t == libc::SCM_RIGHTS))
                .map(|(level, kind, data)| Ancillary { level, kind, data })
                .collect();
            match a.send_msg(&mut &b"x"[..], &anc, 0, None) {
                Ok(n) => {
                    prop_assert_eq!(n, 1);
                    let mut buf = [0u8; 4];
                    let got = b.recv_msg(&mut &mut buf[..], 256, 0).unwrap();
                    prop_assert_eq!(&buf[..got.len], b"x");
                }
                Err(Error::Os(e)) => prop_assert!(e > 0),
                Err(other) => prop_assert!(false, "sendmsg: {:?}", other),
            }
        }
        prop_assert_eq!(open_fds(), before, "fds leaked");
    }
}

/// The ancillary size bounds are enforced before the kernel sees anything.
#[test]
fn ancillary_limits_are_refused() {
    // Its sockets would otherwise be counted by a property test checking for fd leaks.
    let _g = fd_lock();
    let (a, b) = Socket::pair(libc::AF_UNIX, libc::SOCK_DGRAM, 0, Mode::NonBlocking).unwrap();
    let huge = Ancillary {
        level: libc::SOL_SOCKET,
        kind: 99,
        data: vec![0u8; sockbridge::core::msg::MAX_ANCILLARY + 1],
    };
    assert!(matches!(
        a.send_msg(&mut &b"x"[..], &[huge], 0, None),
        Err(Error::InvalidArgument(_))
    ));
    let mut buf = [0u8; 1];
    assert!(matches!(
        b.recv_msg(
            &mut &mut buf[..],
            sockbridge::core::msg::MAX_ANCILLARY + 1,
            0
        ),
        Err(Error::InvalidArgument(_))
    ));
}
