//! A TLS session over a core socket, driven sans-IO: rustls does the protocol, this file moves
//! records between rustls and the socket in the socket's mode. Blocking and timeout modes wait
//! with `poll(2)` (the connection lock is never held while waiting, so one thread may read while
//! another writes); non-blocking mode reports want-read / want-write.

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Instant;

use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, Connection, ServerConfig, ServerConnection};

use super::failure::{TlsFailure, TlsReason};
use crate::core::error::{Error, Result};
use crate::core::mode::Mode;
use crate::core::socket::Socket;
use crate::core::sys;

/// What one step of record I/O needs before it can go on.
enum Blocked {
    Read,
    Write,
}

/// A TLS session on a socket.
///
/// The session holds the socket weakly: it is not an owner, so closing the socket still
/// releases the fd promptly (the peer sees the close), and later session calls get `EBADF`.
/// Each call holds the socket strongly only while it runs.
pub struct TlsStream {
    sock: Weak<Socket>,
    conn: Mutex<Connection>,
    close_sent: AtomicBool,
    /// Bytes of the current record not yet read from the socket (changed under `conn`'s lock).
    record_left: AtomicUsize,
    /// The next record's header, as far as it has arrived (used under `conn`'s lock).
    header: Mutex<Header>,
}

/// A TLS record header being read: its five bytes and how many have arrived.
#[derive(Default)]
struct Header {
    bytes: [u8; 5],
    have: usize,
}

/// Reads at most `left` bytes from the socket: one TLS record, never the bytes after it.
struct Limited<'a> {
    sock: &'a Socket,
    left: &'a mut usize,
}

impl Read for Limited<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(*self.left);
        let got = sys::recv(self.sock.raw_fd(), &mut buf[..n], 0)?;
        *self.left -= got;
        Ok(got)
    }
}

/// `io::Read`/`io::Write` on the socket's fd with one non-blocking system call each.
struct Fd<'a>(&'a Socket);

impl Read for Fd<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        sys::recv(self.0.raw_fd(), buf, 0)
    }
}

impl Write for Fd<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        sys::send(self.0.raw_fd(), buf, 0)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn tls_err(e: &rustls::Error) -> Error {
    Error::Tls(TlsFailure::from_rustls(e))
}

fn want(b: Blocked) -> Error {
    match b {
        Blocked::Read => Error::Tls(TlsFailure::new(
            TlsReason::WantRead,
            "The operation did not complete (read)",
        )),
        Blocked::Write => Error::Tls(TlsFailure::new(
            TlsReason::WantWrite,
            "The operation did not complete (write)",
        )),
    }
}

impl TlsStream {
    /// A client session for `server_name` (a DNS name or an IP address; SNI is sent for names).
    pub fn client(
        sock: &Arc<Socket>,
        config: Arc<ClientConfig>,
        server_name: &str,
    ) -> Result<TlsStream> {
        let name = ServerName::try_from(server_name.to_string())
            .map_err(|_| Error::invalid(format!("invalid server name {server_name:?}")))?;
        let conn = ClientConnection::new(config, name).map_err(|e| tls_err(&e))?;
        Ok(TlsStream {
            sock: Arc::downgrade(sock),
            conn: Mutex::new(Connection::Client(conn)),
            close_sent: AtomicBool::new(false),
            record_left: AtomicUsize::new(0),
            header: Mutex::new(Header::default()),
        })
    }

    /// A server session.
    pub fn server(sock: &Arc<Socket>, config: Arc<ServerConfig>) -> Result<TlsStream> {
        let conn = ServerConnection::new(config).map_err(|e| tls_err(&e))?;
        Ok(TlsStream {
            sock: Arc::downgrade(sock),
            conn: Mutex::new(Connection::Server(conn)),
            close_sent: AtomicBool::new(false),
            record_left: AtomicUsize::new(0),
            header: Mutex::new(Header::default()),
        })
    }

    /// The socket underneath, held for the duration of one call; `Closed` once it is gone.
    pub fn socket(&self) -> Result<Arc<Socket>> {
        let sock = self.sock.upgrade().ok_or(Error::Closed)?;
        sock.check_open()?;
        Ok(sock)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sends buffered records until rustls has none or the socket would block.
    fn flush_records(&self, sock: &Socket, conn: &mut Connection) -> Result<Option<Blocked>> {
        while conn.wants_write() {
            match conn.write_tls(&mut Fd(sock)) {
                Ok(_) => {}
                Err(e) if sys::would_block(&e) => return Ok(Some(Blocked::Write)),
                Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(None)
    }

    /// Reads one record (or the next part of it) and processes it. `Ok(true)` when the
    /// transport ended.
    ///
    /// Like OpenSSL without read-ahead, never reads past the current record: records not yet
    /// needed stay in the kernel, so `select`/`poll` on the socket still report them (code
    /// driven by `select`, as `asyncore` is, would otherwise wait forever for data rustls had
    /// already taken), and bytes a peer sends in the clear after its close_notify stay
    /// readable by the plain socket `unwrap()` returns.
    fn read_records(
        &self,
        sock: &Socket,
        conn: &mut Connection,
    ) -> Result<std::result::Result<bool, Blocked>> {
        let mut left = self.record_left.load(Ordering::Relaxed);
        if left == 0 {
            // The next record's header is read for real, never only peeked: bytes left unread
            // in the kernel keep the receive window closed, and a sender blocked on that window
            // would never send the rest of the header (a deadlock).
            let mut header = self.header.lock().unwrap_or_else(|p| p.into_inner());
            let have = header.have;
            let mut part = [0u8; 5];
            match sys::recv(sock.raw_fd(), &mut part[..5 - have], 0) {
                Ok(0) => {
                    // Tell rustls the transport ended (its reader then reports EOF).
                    let _ = conn.read_tls(&mut io::empty());
                    return Ok(Ok(true));
                }
                Ok(k) => {
                    header.bytes[have..have + k].copy_from_slice(&part[..k]);
                    header.have = have + k;
                    let mut fed: &[u8] = &part[..k];
                    while !fed.is_empty() {
                        if conn.read_tls(&mut fed)? == 0 {
                            break; // rustls takes nothing more (close_notify already seen)
                        }
                    }
                }
                Err(e) if sys::would_block(&e) => return Ok(Err(Blocked::Read)),
                Err(e) if e.raw_os_error() == Some(libc::EINTR) => return Ok(Ok(false)),
                Err(e) => return Err(e.into()),
            }
            if header.have < 5 {
                // The rest of the header is on its way: the next attempt waits for it.
                return Ok(Ok(false));
            }
            header.have = 0;
            left = usize::from(u16::from_be_bytes([header.bytes[3], header.bytes[4]]));
            if left == 0 {
                // An empty record is complete with its header.
                if let Err(e) = conn.process_new_packets() {
                    let _ = self.flush_records(sock, conn);
                    return Err(tls_err(&e));
                }
                return Ok(Ok(false));
            }
        }
        let result = conn.read_tls(&mut Limited {
            sock,
            left: &mut left,
        });
        self.record_left.store(left, Ordering::Relaxed);
        match result {
            Ok(0) => Ok(Ok(true)),
            Ok(_) => {
                if let Err(e) = conn.process_new_packets() {
                    // Send the alert rustls queued, then report the failure.
                    let _ = self.flush_records(sock, conn);
                    return Err(tls_err(&e));
                }
                Ok(Ok(false))
            }
            Err(e) if sys::would_block(&e) => Ok(Err(Blocked::Read)),
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => Ok(Ok(false)),
            Err(e) => Err(e.into()),
        }
    }

    /// Waits per the socket's mode for `blocked`, or reports want-read/want-write.
    fn wait(&self, sock: &Socket, blocked: Blocked, deadline: Option<Instant>) -> Result<()> {
        sock.check_open()?;
        if sock.mode() == Mode::NonBlocking {
            return Err(want(blocked));
        }
        let events = match blocked {
            Blocked::Read => libc::POLLIN,
            Blocked::Write => libc::POLLOUT,
        };
        sock.wait(events, deadline)
    }

    /// Runs the handshake to completion (`do_handshake`).
    pub fn handshake(&self) -> Result<()> {
        let sock = self.socket()?;
        let deadline = sock.mode().deadline();
        loop {
            let blocked = {
                let mut conn = self.lock();
                if let Some(b) = self.flush_records(&sock, &mut conn)? {
                    b
                } else if !conn.is_handshaking() {
                    return Ok(());
                } else {
                    match self.read_records(&sock, &mut conn)? {
                        Ok(true) => {
                            return Err(Error::Tls(TlsFailure::new(
                                TlsReason::Eof,
                                "EOF occurred in violation of protocol (handshake)",
                            )))
                        }
                        Ok(false) => continue,
                        Err(b) => b,
                    }
                }
            };
            self.wait(&sock, blocked, deadline)?;
        }
    }

    /// Reads decrypted data into `buf`. `Ok(0)` after the peer's close_notify; `Eof` when the
    /// transport closed without one.
    pub fn read(&self, buf: &mut [u8]) -> Result<usize> {
        if self.is_handshaking() {
            self.handshake()?;
        }
        let sock = self.socket()?;
        let deadline = sock.mode().deadline();
        loop {
            let blocked = {
                let mut conn = self.lock();
                match conn.reader().read(buf) {
                    Ok(n) => return Ok(n),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                        return Err(Error::Tls(TlsFailure::new(
                            TlsReason::Eof,
                            "EOF occurred in violation of protocol",
                        )))
                    }
                    Err(e) => return Err(e.into()),
                }
                if let Some(b) = self.flush_records(&sock, &mut conn)? {
                    b
                } else {
                    match self.read_records(&sock, &mut conn)? {
                        Ok(_) => continue,
                        Err(b) => b,
                    }
                }
            };
            self.wait(&sock, blocked, deadline)?;
        }
    }

    /// Decrypted bytes already received and waiting to be read (`pending()`).
    pub fn pending(&self) -> usize {
        let mut conn = self.lock();
        conn.process_new_packets()
            .map(|state| state.plaintext_bytes_to_read())
            .unwrap_or(0)
    }

    /// Encrypts and sends `data`. Blocking and timeout modes send all of it; non-blocking mode
    /// accepts what fits in rustls's buffer and reports want-write when nothing does.
    pub fn write(&self, data: &[u8]) -> Result<usize> {
        // Plaintext written before the handshake ends would only be buffered: finish it first
        // (as SSL_write does), so the loop below always makes progress.
        if self.is_handshaking() {
            self.handshake()?;
        }
        let sock = self.socket()?;
        let mode = sock.mode();
        let deadline = mode.deadline();
        let mut done = 0;
        loop {
            let blocked = {
                let mut conn = self.lock();
                if done < data.len() {
                    done += conn.writer().write(&data[done..])?;
                }
                match self.flush_records(&sock, &mut conn)? {
                    None if done == data.len() => return Ok(done),
                    None => continue,
                    Some(b) => b,
                }
            };
            if mode == Mode::NonBlocking {
                return if done > 0 {
                    Ok(done)
                } else {
                    Err(want(blocked))
                };
            }
            self.wait(&sock, blocked, deadline)?;
        }
    }

    /// Sends close_notify and flushes it (the first half of `unwrap()`/`shutdown`).
    pub fn close_notify(&self) -> Result<()> {
        let sock = self.socket()?;
        let deadline = sock.mode().deadline();
        self.lock().send_close_notify();
        loop {
            let blocked = {
                let mut conn = self.lock();
                match self.flush_records(&sock, &mut conn)? {
                    None => return Ok(()),
                    Some(b) => b,
                }
            };
            self.wait(&sock, blocked, deadline)?;
        }
    }

    /// Ends TLS as `SSL_shutdown` does for CPython's `unwrap()`: sends close_notify (once),
    /// then reads the peer's records one at a time — never past its close_notify, so whatever
    /// the peer sends in the clear afterwards stays in the socket — until that close_notify
    /// arrives (or the transport ends). Plaintext still arriving is discarded. Non-blocking
    /// mode reports want-read / want-write and may be called again.
    pub fn shutdown(&self) -> Result<()> {
        let sock = self.socket()?;
        let deadline = sock.mode().deadline();
        if !self.close_sent.swap(true, Ordering::SeqCst) {
            self.lock().send_close_notify();
        }
        let mut scratch = [0u8; 4096];
        loop {
            let blocked = {
                let mut conn = self.lock();
                if let Some(b) = self.flush_records(&sock, &mut conn)? {
                    b
                } else {
                    let closed = conn
                        .process_new_packets()
                        .map_err(|e| tls_err(&e))?
                        .peer_has_closed();
                    while let Ok(n) = conn.reader().read(&mut scratch) {
                        if n == 0 {
                            break;
                        }
                    }
                    if closed {
                        return Ok(());
                    }
                    match self.read_records(&sock, &mut conn)? {
                        Ok(true) => return Ok(()),
                        Ok(false) => continue,
                        Err(b) => b,
                    }
                }
            };
            self.wait(&sock, blocked, deadline)?;
        }
    }

    /// The negotiated protocol version: `"TLSv1.2"` or `"TLSv1.3"`, `None` before the handshake.
    pub fn protocol_version(&self) -> Option<&'static str> {
        match self.lock().protocol_version()? {
            rustls::ProtocolVersion::TLSv1_2 => Some("TLSv1.2"),
            rustls::ProtocolVersion::TLSv1_3 => Some("TLSv1.3"),
            _ => Some("unknown"),
        }
    }

    /// The cipher suite as CPython's `cipher()` names it: (OpenSSL name, version, secret bits).
    pub fn cipher(&self) -> Option<(String, &'static str, u32)> {
        let suite = self.lock().negotiated_cipher_suite()?;
        let version = self.protocol_version().unwrap_or("unknown");
        let (name, bits) = openssl_cipher_name(suite.suite());
        Some((name, version, bits))
    }

    /// The ALPN protocol the peers agreed on.
    pub fn alpn_protocol(&self) -> Option<Vec<u8>> {
        self.lock().alpn_protocol().map(|p| p.to_vec())
    }

    /// The peer's certificate chain, end-entity first, as DER.
    pub fn peer_certificates(&self) -> Vec<CertificateDer<'static>> {
        self.lock()
            .peer_certificates()
            .map(|c| c.iter().map(|d| d.clone().into_owned()).collect())
            .unwrap_or_default()
    }

    /// True while the handshake has not finished.
    pub fn is_handshaking(&self) -> bool {
        self.lock().is_handshaking()
    }
}

/// OpenSSL's name for a rustls cipher suite, and its key size in bits.
pub fn openssl_cipher_name(suite: rustls::CipherSuite) -> (String, u32) {
    use rustls::CipherSuite as S;
    let (name, bits) = match suite {
        S::TLS13_AES_256_GCM_SHA384 => ("TLS_AES_256_GCM_SHA384", 256),
        S::TLS13_AES_128_GCM_SHA256 => ("TLS_AES_128_GCM_SHA256", 128),
        S::TLS13_CHACHA20_POLY1305_SHA256 => ("TLS_CHACHA20_POLY1305_SHA256", 256),
        S::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 => ("ECDHE-ECDSA-AES256-GCM-SHA384", 256),
        S::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 => ("ECDHE-ECDSA-AES128-GCM-SHA256", 128),
        S::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 => ("ECDHE-ECDSA-CHACHA20-POLY1305", 256),
        S::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 => ("ECDHE-RSA-AES256-GCM-SHA384", 256),
        S::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 => ("ECDHE-RSA-AES128-GCM-SHA256", 128),
        S::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 => ("ECDHE-RSA-CHACHA20-POLY1305", 256),
        other => return (format!("{other:?}"), 0),
    };
    (name.to_string(), bits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::tls::policy::{TlsPolicy, TrustSource, VerifyMode};
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};

    struct Pki {
        ca_pem: String,
        leaf_pem: String,
        leaf_key: String,
    }

    fn pki() -> Pki {
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_key = KeyPair::generate().unwrap();
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let leaf = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        let leaf_key = KeyPair::generate().unwrap();
        let leaf_cert = leaf.signed_by(&leaf_key, &ca_cert, &ca_key).unwrap();
        Pki {
            ca_pem: ca_cert.pem(),
            leaf_pem: leaf_cert.pem(),
            leaf_key: leaf_key.serialize_pem(),
        }
    }

    fn pair(mode: Mode) -> (Arc<Socket>, Arc<Socket>) {
        let (a, b) = Socket::pair(libc::AF_UNIX, libc::SOCK_STREAM, 0, mode).unwrap();
        (Arc::new(a), Arc::new(b))
    }

    fn server_policy(p: &Pki) -> TlsPolicy {
        let mut s = TlsPolicy::insecure_accept_any_certificate();
        s.set_identity_pem(p.leaf_pem.as_bytes(), p.leaf_key.as_bytes())
            .unwrap();
        s
    }

    fn client_policy(p: &Pki) -> TlsPolicy {
        let mut c = TlsPolicy::secure_default();
        c.trust = vec![TrustSource::CaData(p.ca_pem.as_bytes().to_vec())];
        c
    }

    #[test]
    fn verified_handshake_and_data_both_ways() {
        let p = pki();
        let (a, b) = pair(Mode::Blocking);
        let server = TlsStream::server(&b, server_policy(&p).server_config().unwrap()).unwrap();
        let t = std::thread::spawn(move || {
            let _keep = b;
            server.handshake().unwrap();
            let mut buf = [0u8; 5];
            let n = server.read(&mut buf).unwrap();
            server.write(&buf[..n]).unwrap();
            server.close_notify().unwrap();
        });
        let client =
            TlsStream::client(&a, client_policy(&p).client_config().unwrap(), "localhost").unwrap();
        client.handshake().unwrap();
        assert_eq!(client.write(b"hello").unwrap(), 5);
        let mut buf = [0u8; 5];
        assert_eq!(client.read(&mut buf).unwrap(), 5);
        assert_eq!(&buf, b"hello");
        assert_eq!(
            client.read(&mut buf).unwrap(),
            0,
            "close_notify reads as end of stream"
        );
        assert_eq!(client.protocol_version(), Some("TLSv1.3"));
        assert_eq!(client.peer_certificates().len(), 1);
        t.join().unwrap();
    }

    #[test]
    fn hostname_mismatch_fails_verification_unless_unchecked() {
        let p = pki();
        for check in [true, false] {
            let (a, b) = pair(Mode::Timeout(std::time::Duration::from_secs(5)));
            let server = TlsStream::server(&b, server_policy(&p).server_config().unwrap()).unwrap();
            let t = std::thread::spawn(move || {
                let _keep = b;
                server.handshake()
            });
            let mut policy = client_policy(&p);
            policy.check_hostname = check;
            let client =
                TlsStream::client(&a, policy.client_config().unwrap(), "other.example").unwrap();
            let r = client.handshake();
            if check {
                match r.unwrap_err() {
                    Error::Tls(f) => {
                        assert_eq!(f.reason, TlsReason::CertificateVerifyFailed);
                        assert_eq!(f.verify_code, 62);
                    }
                    other => panic!("unexpected {other:?}"),
                }
                drop(client);
                drop(a);
            } else {
                r.unwrap();
            }
            let _ = t.join();
        }
    }

    #[test]
    fn nonblocking_handshake_reports_want_read() {
        let p = pki();
        let (a, _b) = pair(Mode::NonBlocking);
        let client =
            TlsStream::client(&a, client_policy(&p).client_config().unwrap(), "localhost").unwrap();
        match client.handshake().unwrap_err() {
            Error::Tls(f) => assert_eq!(f.reason, TlsReason::WantRead),
            other => panic!("unexpected {other:?}"),
        }
        let mut verify_none = TlsPolicy::insecure_accept_any_certificate();
        verify_none.verify = VerifyMode::None;
        assert!(verify_none.client_config().is_ok());
        assert!(
            TlsPolicy::secure_default().server_config().is_err(),
            "a server needs an identity"
        );
    }

    #[test]
    fn closing_the_socket_releases_it_even_with_a_session() {
        let p = pki();
        let (a, b) = pair(Mode::Timeout(std::time::Duration::from_secs(5)));
        let client =
            TlsStream::client(&a, client_policy(&p).client_config().unwrap(), "localhost").unwrap();
        a.close();
        drop(a);
        assert_eq!(client.handshake().unwrap_err(), Error::Closed);
        let mut buf = [0u8; 1];
        assert_eq!(
            b.recv(&mut &mut buf[..], 0).unwrap(),
            0,
            "the peer sees the close"
        );
    }

    #[test]
    fn garbage_pem_is_a_config_error() {
        let mut p = TlsPolicy::secure_default();
        assert_eq!(
            p.set_identity_pem(b"garbage", b"garbage")
                .unwrap_err()
                .reason,
            TlsReason::BadConfig
        );
        p.trust = vec![TrustSource::CaData(
            b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n".to_vec(),
        )];
        assert!(p.client_config().is_err());
    }
}
