//! The server side's first look at a client: its ClientHello (SNI name, ALPN list), read with
//! `MSG_PEEK` and parsed by rustls's `Acceptor` on a copy, so the session that follows reads
//! the same bytes from the socket. CPython's SNI callback runs between the two.

use std::time::Duration;

use rustls::server::Acceptor;

use super::failure::{TlsFailure, TlsReason};
use crate::core::error::{Error, Result};
use crate::core::mode::Mode;
use crate::core::socket::Socket;
use crate::core::sys;

/// What a ClientHello asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHello {
    /// The SNI host name, if the client sent one.
    pub server_name: Option<String>,
    /// ALPN protocols offered, in the client's order.
    pub alpn: Vec<Vec<u8>>,
}

/// Waits (per the socket's mode; non-blocking: want-read) until a whole ClientHello has
/// arrived and returns what it asks for, consuming nothing from the socket.
pub fn peek_client_hello(sock: &Socket) -> Result<ClientHello> {
    let deadline = sock.mode().deadline();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        sock.check_open()?;
        match sys::recv(sock.raw_fd(), &mut buf, libc::MSG_PEEK) {
            Ok(0) => {
                return Err(Error::Tls(TlsFailure::new(
                    TlsReason::Eof,
                    "EOF occurred in violation of protocol (handshake)",
                )))
            }
            Ok(n) => {
                if let Some(hello) = parse(&buf[..n])? {
                    return Ok(hello);
                }
                // Incomplete: the rest is on its way (poll would report the peeked bytes).
                if sock.mode() == Mode::NonBlocking {
                    return Err(want_read());
                }
                if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
                    return Err(Error::Timeout);
                }
                // A close or a signal ends the nap at once.
                sock.nap(std::time::Instant::now() + Duration::from_millis(1))?;
            }
            Err(e) if sys::would_block(&e) => {
                if sock.mode() == Mode::NonBlocking {
                    return Err(want_read());
                }
                sock.wait(libc::POLLIN, deadline)?;
            }
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
}

fn want_read() -> Error {
    Error::Tls(TlsFailure::new(
        TlsReason::WantRead,
        "The operation did not complete (read)",
    ))
}

/// `Some` once `data` holds a whole ClientHello.
fn parse(mut data: &[u8]) -> Result<Option<ClientHello>> {
    let mut acceptor = Acceptor::default();
    while !data.is_empty() {
        match acceptor.read_tls(&mut data) {
            Ok(0) => break,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    match acceptor.accept() {
        Ok(Some(accepted)) => {
            let hello = accepted.client_hello();
            Ok(Some(ClientHello {
                server_name: hello.server_name().map(str::to_owned),
                alpn: hello
                    .alpn()
                    .map(|it| it.map(<[u8]>::to_vec).collect())
                    .unwrap_or_default(),
            }))
        }
        Ok(None) => Ok(None),
        Err((e, _)) => Err(Error::Tls(TlsFailure::from_rustls(&e))),
    }
}

/// Refuses a client before any session exists with a fatal alert (`description`, a TLS
/// AlertDescription value), as OpenSSL does when CPython's SNI callback returns an alert
/// number or fails: one plaintext alert record, the only reply TLS allows at that point.
pub fn send_fatal_alert(sock: &Socket, description: u8) -> Result<()> {
    let version = u16::from(rustls::ProtocolVersion::TLSv1_2).to_be_bytes();
    let record = [
        u8::from(rustls::ContentType::Alert),
        version[0],
        version[1],
        0,
        2,
        2, // AlertLevel fatal (RFC 8446 §6; rustls keeps its AlertLevel private)
        description,
    ];
    let mut done = 0;
    while done < record.len() {
        match sys::send(sock.raw_fd(), &record[done..], 0) {
            Ok(n) => done += n,
            Err(e) if sys::would_block(&e) => sock.wait(libc::POLLOUT, sock.mode().deadline())?,
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn reads_sni_and_alpn_without_consuming() {
        let (a, b) = Socket::pair(libc::AF_UNIX, libc::SOCK_STREAM, 0, Mode::Blocking).unwrap();
        let (a, b) = (Arc::new(a), Arc::new(b));
        let mut config =
            rustls::ClientConfig::builder_with_provider(super::super::policy::provider())
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let client =
            super::super::stream::TlsStream::client(&a, Arc::new(config), "example.org").unwrap();
        let _ = std::thread::spawn(move || {
            let _ = client.handshake();
        });
        let hello = peek_client_hello(&b).unwrap();
        assert_eq!(hello.server_name.as_deref(), Some("example.org"));
        assert_eq!(hello.alpn, vec![b"h2".to_vec(), b"http/1.1".to_vec()]);
        let mut first = [0u8; 1];
        assert_eq!(
            b.recv(&mut &mut first[..], 0).unwrap(),
            1,
            "nothing was consumed"
        );
        assert_eq!(first[0], 22, "a handshake record");
    }
}
