//! A TLS session over a core socket, driven sans-IO: rustls does the protocol, this file moves
//! records between rustls and the socket in the socket's mode. Blocking and timeout modes wait
//! with `poll(2)` (the session lock is never held while waiting, so one thread may read while
//! another writes); non-blocking mode reports want-read / want-write.
//!
//! Two rules keep the peer from stalling and the caller from being misled:
//! - A flight goes out in one `sendmsg`: while the peer's flight is still arriving, its
//!   records are all read and processed before anything is sent, and everything rustls queued
//!   is then written with one vectored send ([`io::Fd`](super::io)). Several small sends for
//!   one flight meet Nagle's algorithm and the peer's delayed ACK (a 40 ms stall).
//! - A write reports only bytes whose records reached the kernel (OpenSSL's rule): when the
//!   socket fills up the write fails with want-write (or waits, or times out) and remembers how
//!   much of the caller's buffer it already encrypted; the caller retries with the same
//!   buffer and gets the whole count once the last record is sent.

use std::cell::RefCell;
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Instant;

use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, Connection, ServerConfig, ServerConnection};

use super::failure::{TlsFailure, TlsReason};
use super::io::{recv_pair, Fd};
use crate::core::buf::{ReadBuf, WriteBuf};
use crate::core::error::{Error, Result};
use crate::core::mode::Mode;
use crate::core::socket::Socket;
use crate::core::sys;

/// Most plaintext one step of a write encrypts (rustls's own limit on queued records): each
/// step borrows at most this much of the caller's buffer, however large the buffer is.
pub const WRITE_CHUNK: usize = 64 * 1024;

/// Records with a body at least this large are read together with the next record's header
/// (an alert, close_notify included, is far smaller: bytes after it stay in the kernel).
const LOOKAHEAD_MIN: usize = 1024;

/// Largest TLS record body (TLS 1.2: 2^14 + 2048).
const MAX_BODY: usize = 16384 + 2048;

thread_local! {
    /// Where a record's body lands before rustls takes it (bounded: one record at most).
    static RECORD_BUF: RefCell<Vec<u8>> = RefCell::new(vec![0u8; MAX_BODY]);
}

/// Most bytes one `memcpy` call moves on the data path (see [`copy_in_pieces`]).
const COPY_PIECE: usize = 2048;

/// Copies `src` into `dst` (the same length) with one `memcpy` per [`COPY_PIECE`] bytes.
///
/// glibc copies blocks above about 2 KiB with `rep movsb`; on AMD Zen 3 (the benchmark
/// machine) that runs at about 1 GB/s instead of 20-30 GB/s when the destination lies 1..31
/// bytes past the source modulo 64 (measured with a 16 KiB copy: every such offset slow,
/// every other fast). Neither end's alignment is ours to choose here (a Java array wherever
/// the collector put it, rustls's buffers), so a record-sized copy was either fast or 20x
/// slower depending on where things happened to land. Below the threshold glibc copies with
/// vector loads whatever the alignment.
fn copy_in_pieces(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.chunks_mut(COPY_PIECE).zip(src.chunks(COPY_PIECE)) {
        // black_box: keep the compiler from merging the pieces back into one memcpy.
        d.copy_from_slice(std::hint::black_box(s));
    }
}

/// Bytes for rustls's `read_tls`, copied out with [`copy_in_pieces`].
struct Pieces<'a>(&'a [u8]);

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.0.len());
        copy_in_pieces(&mut buf[..n], &self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// Moves decrypted bytes from rustls into `out` as `Reader::read` does (across records
/// until `out` is full or nothing is left; the same end-of-stream and would-block answers),
/// copying with [`copy_in_pieces`].
fn read_plaintext(conn: &mut Connection, out: &mut [u8]) -> io::Result<usize> {
    let mut reader = conn.reader();
    let mut done = 0;
    while done < out.len() {
        let chunk = match io::BufRead::fill_buf(&mut reader) {
            Ok(chunk) => chunk,
            Err(e) if done > 0 && e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if done > 0 && e.kind() == io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break; // close_notify received: Ok(done), 0 once everything was read
        }
        let n = chunk.len().min(out.len() - done);
        copy_in_pieces(&mut out[done..done + n], &chunk[..n]);
        io::BufRead::consume(&mut reader, n);
        done += n;
    }
    Ok(done)
}

/// Hands bytes read from the socket to rustls (its refusals are protocol errors).
fn feed(conn: &mut Connection, bytes: &[u8]) -> Result<()> {
    let mut bytes = Pieces(bytes);
    while !bytes.0.is_empty() {
        match conn.read_tls(&mut bytes) {
            Ok(0) => break, // rustls takes nothing more (close_notify already seen)
            Ok(_) => {}
            Err(e) => {
                return Err(Error::Tls(TlsFailure::new(
                    TlsReason::Protocol,
                    e.to_string(),
                )))
            }
        }
    }
    Ok(())
}

/// Where a windowed write ([`TlsStream::write_window`]) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteProgress {
    /// Every byte of the write has reached the kernel: the write's length.
    Done(usize),
    /// The write goes on with the bytes from this offset: call again with a window there.
    Need(usize),
}

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
    session: Mutex<Session>,
    close_sent: AtomicBool,
}

/// The state behind the session lock.
struct Session {
    conn: Connection,
    /// Bytes of the current record not yet read from the socket.
    record_left: usize,
    /// The next record's header, as far as it has arrived.
    header: Header,
    /// Plaintext of an unfinished write already handed to rustls (OpenSSL's `wnum`): a retry
    /// goes on after it, and succeeds once all of it has reached the kernel.
    write_taken: usize,
}

/// A TLS record header being read: its five bytes and how many have arrived.
#[derive(Default)]
struct Header {
    bytes: [u8; 5],
    have: usize,
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

/// OpenSSL's error for a write retried with fewer bytes than it already took.
fn bad_length() -> Error {
    Error::Tls(TlsFailure::new(TlsReason::BadLength, "bad length"))
}

impl TlsStream {
    fn new(sock: &Arc<Socket>, conn: Connection) -> TlsStream {
        TlsStream {
            sock: Arc::downgrade(sock),
            session: Mutex::new(Session {
                conn,
                record_left: 0,
                header: Header::default(),
                write_taken: 0,
            }),
            close_sent: AtomicBool::new(false),
        }
    }

    /// A client session for `server_name` (a DNS name or an IP address; SNI is sent for names).
    pub fn client(
        sock: &Arc<Socket>,
        config: Arc<ClientConfig>,
        server_name: &str,
    ) -> Result<TlsStream> {
        let name = ServerName::try_from(server_name.to_string())
            .map_err(|_| Error::invalid(format!("invalid server name {server_name:?}")))?;
        let conn = ClientConnection::new(config, name).map_err(|e| tls_err(&e))?;
        Ok(TlsStream::new(sock, Connection::Client(conn)))
    }

    /// A server session.
    pub fn server(sock: &Arc<Socket>, config: Arc<ServerConfig>) -> Result<TlsStream> {
        let conn = ServerConnection::new(config).map_err(|e| tls_err(&e))?;
        Ok(TlsStream::new(sock, Connection::Server(conn)))
    }

    /// The socket underneath, held for the duration of one call; `Closed` once it is gone.
    pub fn socket(&self) -> Result<Arc<Socket>> {
        let sock = self.sock.upgrade().ok_or(Error::Closed)?;
        sock.check_open()?;
        Ok(sock)
    }

    fn lock(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sends buffered records until rustls has none or the socket would block. Each step is
    /// one vectored send of everything queued.
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
    ///
    /// A record's body is read with one system call, into a per-thread buffer, then handed
    /// to rustls (whose own reads take 4 KiB at a time: five system calls per 16 KiB record).
    /// With a large body (never an alert), the same call also takes the next record's header
    /// if it has arrived: its body stays in the kernel, so `select` still sees it.
    fn read_records(
        &self,
        sock: &Socket,
        s: &mut Session,
    ) -> Result<std::result::Result<bool, Blocked>> {
        if s.record_left == 0 {
            // The next record's header is read for real, never only peeked: bytes left unread
            // in the kernel keep the receive window closed, and a sender blocked on that window
            // would never send the rest of the header (a deadlock).
            let have = s.header.have;
            let k = match sys::recv(sock.raw_fd(), &mut s.header.bytes[have..], 0) {
                Ok(0) => {
                    // Tell rustls the transport ended (its reader then reports EOF).
                    let _ = s.conn.read_tls(&mut io::empty());
                    return Ok(Ok(true));
                }
                Ok(k) => k,
                Err(e) if sys::would_block(&e) => return Ok(Err(Blocked::Read)),
                Err(e) if e.raw_os_error() == Some(libc::EINTR) => return Ok(Ok(false)),
                Err(e) => return Err(e.into()),
            };
            feed(&mut s.conn, &s.header.bytes[have..have + k])?;
            s.header.have = have + k;
            return self.header_read(sock, s);
        }
        let lookahead = s.record_left >= LOOKAHEAD_MIN;
        let got = RECORD_BUF.with(|cell| -> Result<Option<usize>> {
            let mut buf = cell.borrow_mut();
            let n = s.record_left.min(buf.len());
            let next: &mut [u8] = if lookahead && n == s.record_left {
                &mut s.header.bytes[s.header.have..]
            } else {
                &mut []
            };
            let got = match recv_pair(sock, &mut buf[..n], next) {
                Ok(0) => return Ok(None),
                Ok(got) => got,
                Err(e) => return Err(e),
            };
            feed(&mut s.conn, &buf[..got.min(n)])?;
            s.record_left -= got.min(n);
            Ok(Some(got.saturating_sub(n)))
        });
        let extra = match got {
            Ok(Some(extra)) => extra,
            Ok(None) => {
                let _ = s.conn.read_tls(&mut io::empty());
                return Ok(Ok(true));
            }
            Err(Error::Os(libc::EAGAIN)) => return Ok(Err(Blocked::Read)),
            Err(Error::Os(libc::EINTR)) => return Ok(Ok(false)),
            Err(e) => return Err(e),
        };
        if s.record_left == 0 {
            if let Err(e) = s.conn.process_new_packets() {
                // Send the alert rustls queued, then report the failure.
                let _ = self.flush_records(sock, &mut s.conn);
                return Err(tls_err(&e));
            }
        }
        if extra > 0 {
            let have = s.header.have;
            feed(&mut s.conn, &s.header.bytes[have..have + extra])?;
            s.header.have = have + extra;
            return self.header_read(sock, s);
        }
        Ok(Ok(false))
    }

    /// After more header bytes arrived: once all five are in, the record's length is known
    /// (an empty record is complete with its header).
    fn header_read(
        &self,
        sock: &Socket,
        s: &mut Session,
    ) -> Result<std::result::Result<bool, Blocked>> {
        if s.header.have < 5 {
            // The rest of the header is on its way: the next attempt waits for it.
            return Ok(Ok(false));
        }
        s.header.have = 0;
        s.record_left = usize::from(u16::from_be_bytes([s.header.bytes[3], s.header.bytes[4]]));
        if s.record_left == 0 {
            if let Err(e) = s.conn.process_new_packets() {
                let _ = self.flush_records(sock, &mut s.conn);
                return Err(tls_err(&e));
            }
        }
        Ok(Ok(false))
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
    ///
    /// The peer's records are read and processed for as long as they are arriving; what they
    /// make rustls send goes out when the peer's flight has ended (the socket has nothing
    /// more), in one vectored send — never one send per message.
    pub fn handshake(&self) -> Result<()> {
        let sock = self.socket()?;
        let deadline = sock.mode().deadline();
        loop {
            let blocked = {
                let mut s = self.lock();
                if !s.conn.is_handshaking() {
                    match self.flush_records(&sock, &mut s.conn)? {
                        None => return Ok(()),
                        Some(b) => b,
                    }
                } else {
                    match self.read_records(&sock, &mut s)? {
                        Ok(true) => {
                            return Err(Error::Tls(TlsFailure::new(
                                TlsReason::Eof,
                                "EOF occurred in violation of protocol (handshake)",
                            )));
                        }
                        Ok(false) => continue,
                        // The peer's flight is over for now: answer it in one send.
                        Err(Blocked::Read) => self
                            .flush_records(&sock, &mut s.conn)?
                            .unwrap_or(Blocked::Read),
                        Err(b) => b,
                    }
                }
            };
            self.wait(&sock, blocked, deadline)?;
        }
    }

    /// Reads decrypted data into `buf`. `Ok(0)` after the peer's close_notify; `Eof` when the
    /// transport closed without one.
    pub fn read(&self, mut buf: &mut [u8]) -> Result<usize> {
        self.read_into(&mut buf)
    }

    /// [`TlsStream::read`] into a buffer lent for each copy (the decrypted bytes go straight
    /// from rustls into it: a pinned Java array needs no native buffer in between).
    pub fn read_into<B: ReadBuf + ?Sized>(&self, buf: &mut B) -> Result<usize> {
        if self.is_handshaking() {
            self.handshake()?;
        }
        let sock = self.socket()?;
        let deadline = sock.mode().deadline();
        loop {
            let blocked = {
                let mut s = self.lock();
                let conn = &mut s.conn;
                match buf.with_mut(|b| read_plaintext(conn, b)) {
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
                if let Some(b) = self.flush_records(&sock, conn)? {
                    b
                } else {
                    match self.read_records(&sock, &mut s)? {
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
        let mut s = self.lock();
        s.conn
            .process_new_packets()
            .map(|state| state.plaintext_bytes_to_read())
            .unwrap_or(0)
    }

    /// Encrypts and sends `data`; see [`TlsStream::write_from`].
    pub fn write(&self, mut data: &[u8]) -> Result<usize> {
        self.write_from(&mut data)
    }

    /// Encrypts and sends all of `data`, [`WRITE_CHUNK`] bytes at a time (each borrowed from
    /// `data` only while rustls encrypts it), and returns `data.len()` once every record has
    /// reached the kernel — never earlier, so a caller told "sent" can wait for the peer.
    ///
    /// When the socket fills up, non-blocking mode fails with want-write (and timeout mode
    /// with `Timeout` at the deadline) having taken some of `data`: call again with the same
    /// buffer (at least as long; it may have moved, as OpenSSL's
    /// `SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER` allows) to go on; a shorter one is "bad length".
    pub fn write_from<B: WriteBuf + ?Sized>(&self, data: &mut B) -> Result<usize> {
        let len = data.len();
        let progress = self.write_with(len, |conn, taken, end| {
            Some(data.with_ref(|d| match d.get(taken..end) {
                Some(chunk) => io::Write::write(&mut conn.writer(), chunk),
                None => Err(io::Error::other("buffer shorter than its length")),
            }))
        })?;
        match progress {
            WriteProgress::Done(n) => Ok(n),
            WriteProgress::Need(_) => Err(Error::invalid("buffer shorter than its length")),
        }
    }

    /// [`TlsStream::write_from`] for a caller that holds the bytes of a `total`-byte write
    /// only one window at a time (a Java `String` turned into bytes a window at a time, so a
    /// large write never needs a copy of all of it): `window` holds bytes
    /// `[pos, pos + window.len())`. Returns [`WriteProgress::Need`] with the offset the next
    /// window must start at whenever the write needs bytes outside this one (the retry of an
    /// unfinished write starts where the last one stopped), [`WriteProgress::Done`] once every
    /// record has reached the kernel; waits, want-write and timeouts as `write_from`.
    pub fn write_window<B: WriteBuf + ?Sized>(
        &self,
        total: usize,
        pos: usize,
        window: &mut B,
    ) -> Result<WriteProgress> {
        let have = window.len();
        self.write_with(total, |conn, taken, end| {
            if taken < pos || taken >= pos + have {
                return None;
            }
            let end = end.min(pos + have);
            Some(window.with_ref(|d| match d.get(taken - pos..end - pos) {
                Some(chunk) => io::Write::write(&mut conn.writer(), chunk),
                None => Err(io::Error::other("window shorter than its length")),
            }))
        })
    }

    /// The write loop: `encrypt(conn, taken, end)` hands rustls plaintext bytes
    /// `[taken, end)` (or as many as it takes) and returns the count, or `None` when the
    /// caller does not hold them (the call then returns `Need(taken)`).
    fn write_with(
        &self,
        len: usize,
        mut encrypt: impl FnMut(&mut Connection, usize, usize) -> Option<io::Result<usize>>,
    ) -> Result<WriteProgress> {
        // Plaintext written before the handshake ends would only be buffered: finish it first
        // (as SSL_write does), so the loop below always makes progress.
        if self.is_handshaking() {
            self.handshake()?;
        }
        let sock = self.socket()?;
        let deadline = sock.mode().deadline();
        let mut stalled = false;
        loop {
            let blocked = {
                let mut s = self.lock();
                let taken = s.write_taken;
                if len < taken {
                    return Err(bad_length());
                }
                match self.flush_records(&sock, &mut s.conn) {
                    Err(e) => {
                        s.write_taken = 0;
                        return Err(e);
                    }
                    Ok(Some(b)) => b,
                    Ok(None) if taken == len => {
                        s.write_taken = 0;
                        return Ok(WriteProgress::Done(len));
                    }
                    Ok(None) => {
                        let end = len.min(taken + WRITE_CHUNK);
                        let n = match encrypt(&mut s.conn, taken, end) {
                            None => return Ok(WriteProgress::Need(taken)),
                            Some(r) => r?,
                        };
                        if n == 0 {
                            // rustls takes nothing only while it queues a key update; twice
                            // in a row would be a loop.
                            if stalled {
                                return Err(Error::Tls(TlsFailure::new(
                                    TlsReason::Protocol,
                                    "the session accepts no more data",
                                )));
                            }
                            stalled = true;
                        } else {
                            stalled = false;
                        }
                        s.write_taken = taken + n;
                        continue;
                    }
                }
            };
            self.wait(&sock, blocked, deadline)?;
        }
    }

    /// Sends close_notify and flushes it (the first half of `unwrap()`/`shutdown`).
    pub fn close_notify(&self) -> Result<()> {
        let sock = self.socket()?;
        let deadline = sock.mode().deadline();
        self.lock().conn.send_close_notify();
        loop {
            let blocked = {
                let mut s = self.lock();
                match self.flush_records(&sock, &mut s.conn)? {
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
            self.lock().conn.send_close_notify();
        }
        let mut scratch = [0u8; 4096];
        loop {
            let blocked = {
                let mut s = self.lock();
                if let Some(b) = self.flush_records(&sock, &mut s.conn)? {
                    b
                } else {
                    let closed = s
                        .conn
                        .process_new_packets()
                        .map_err(|e| tls_err(&e))?
                        .peer_has_closed();
                    while let Ok(n) = s.conn.reader().read(&mut scratch) {
                        if n == 0 {
                            break;
                        }
                    }
                    if closed {
                        return Ok(());
                    }
                    match self.read_records(&sock, &mut s)? {
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
        match self.lock().conn.protocol_version()? {
            rustls::ProtocolVersion::TLSv1_2 => Some("TLSv1.2"),
            rustls::ProtocolVersion::TLSv1_3 => Some("TLSv1.3"),
            _ => Some("unknown"),
        }
    }

    /// The cipher suite as CPython's `cipher()` names it: (OpenSSL name, version, secret bits).
    pub fn cipher(&self) -> Option<(String, &'static str, u32)> {
        let suite = self.lock().conn.negotiated_cipher_suite()?;
        let version = self.protocol_version().unwrap_or("unknown");
        let (name, bits) = openssl_cipher_name(suite.suite());
        Some((name, version, bits))
    }

    /// The ALPN protocol the peers agreed on.
    pub fn alpn_protocol(&self) -> Option<Vec<u8>> {
        self.lock().conn.alpn_protocol().map(|p| p.to_vec())
    }

    /// The peer's certificate chain, end-entity first, as DER.
    pub fn peer_certificates(&self) -> Vec<CertificateDer<'static>> {
        self.lock()
            .conn
            .peer_certificates()
            .map(|c| c.iter().map(|d| d.clone().into_owned()).collect())
            .unwrap_or_default()
    }

    /// True while the handshake has not finished.
    pub fn is_handshaking(&self) -> bool {
        self.lock().conn.is_handshaking()
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

    fn set_int_opt(sock: &Socket, level: i32, name: i32, value: i32) {
        // SAFETY: an int option from a valid pointer and length.
        let rc = unsafe {
            libc::setsockopt(
                sock.raw_fd(),
                level,
                name,
                (&value as *const i32).cast(),
                std::mem::size_of::<i32>() as libc::socklen_t,
            )
        };
        assert_eq!(rc, 0);
    }

    /// Data segments the socket has sent (`TCP_INFO`'s `tcpi_data_segs_out`).
    fn data_segments_out(sock: &Socket) -> u32 {
        // SAFETY: tcp_info is plain data; the kernel fills at most `len` bytes of it.
        let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
        let rc = unsafe {
            libc::getsockopt(
                sock.raw_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_INFO,
                (&mut info as *mut libc::tcp_info).cast(),
                &mut len,
            )
        };
        assert_eq!(rc, 0);
        info.tcpi_data_segs_out
    }

    /// A connected loopback TCP pair (Nagle on, as users' sockets are).
    fn tcp_pair(mode: Mode) -> (Arc<Socket>, Arc<Socket>) {
        use std::os::fd::AsRawFd;
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let c = std::net::TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (s, _) = l.accept().unwrap();
        let wrap =
            |fd| Arc::new(Socket::from_fd(fd, libc::AF_INET, libc::SOCK_STREAM, 0, mode).unwrap());
        (wrap(c.as_raw_fd()), wrap(s.as_raw_fd()))
    }

    #[test]
    fn each_flight_is_one_send() {
        // Several sends per flight meet Nagle and the peer's delayed ACK: 40 ms per handshake.
        let p = pki();
        for _ in 0..3 {
            let (a, b) = tcp_pair(Mode::Timeout(std::time::Duration::from_secs(10)));
            let server = TlsStream::server(&b, server_policy(&p).server_config().unwrap()).unwrap();
            let b2 = b.clone();
            let t = std::thread::spawn(move || {
                server.handshake().unwrap();
                data_segments_out(&b2)
            });
            let client =
                TlsStream::client(&a, client_policy(&p).client_config().unwrap(), "localhost")
                    .unwrap();
            client.handshake().unwrap();
            let server_segments = t.join().unwrap();
            assert_eq!(
                data_segments_out(&a),
                2,
                "client: ClientHello, then ChangeCipherSpec + Finished together"
            );
            assert_eq!(
                server_segments, 2,
                "server: ServerHello..Finished together, then the session tickets"
            );
        }
    }

    /// A handshaken pair whose writer (`a`) is non-blocking with small socket buffers.
    fn nonblocking_writer_pair(p: &Pki) -> (Arc<Socket>, TlsStream, Arc<Socket>, TlsStream) {
        let (a, b) = pair(Mode::Timeout(std::time::Duration::from_secs(10)));
        set_int_opt(&a, libc::SOL_SOCKET, libc::SO_SNDBUF, 16 * 1024);
        set_int_opt(&b, libc::SOL_SOCKET, libc::SO_RCVBUF, 16 * 1024);
        let server = TlsStream::server(&b, server_policy(p).server_config().unwrap()).unwrap();
        let client =
            TlsStream::client(&a, client_policy(p).client_config().unwrap(), "localhost").unwrap();
        let server = std::thread::scope(|sc| {
            let h = sc.spawn(|| server.handshake().map(|_| server));
            client.handshake().unwrap();
            h.join().unwrap().unwrap()
        });
        a.set_mode(Mode::NonBlocking);
        (a, client, b, server)
    }

    fn reason(e: Error) -> TlsReason {
        match e {
            Error::Tls(f) => f.reason,
            other => panic!("unexpected {other:?}"),
        }
    }

    /// Reads exactly `n` bytes.
    fn read_all(server: &TlsStream, n: usize) -> Vec<u8> {
        let mut got = Vec::with_capacity(n);
        let mut buf = vec![0u8; 64 * 1024];
        while got.len() < n {
            let k = server.read(&mut buf).unwrap();
            assert!(k > 0, "early end after {} of {n} bytes", got.len());
            got.extend_from_slice(&buf[..k]);
        }
        got
    }

    #[test]
    fn nonblocking_write_reports_only_what_reached_the_kernel() {
        let p = pki();
        let (a, client, _b, server) = nonblocking_writer_pair(&p);
        let data: Vec<u8> = (0..1_048_576u32)
            .map(|i| (i * 7 + i / 5000) as u8)
            .collect();
        // The reader is paused: the write cannot finish, and must not claim any of it.
        assert_eq!(
            reason(client.write(&data).unwrap_err()),
            TlsReason::WantWrite
        );
        std::thread::scope(|sc| {
            let reader = sc.spawn(|| read_all(&server, data.len()));
            loop {
                match client.write(&data) {
                    Ok(n) => {
                        assert_eq!(n, data.len(), "all or want-write, never a part");
                        break;
                    }
                    Err(e) => {
                        assert_eq!(reason(e), TlsReason::WantWrite);
                        a.wait(libc::POLLOUT, None).unwrap();
                    }
                }
            }
            // Reported as sent: the reader gets every byte with no further call here.
            assert!(reader.join().unwrap() == data, "the bytes arrived intact");
        });
    }

    #[test]
    fn a_shorter_retry_is_bad_length_and_the_same_buffer_goes_on() {
        let p = pki();
        let (a, client, _b, server) = nonblocking_writer_pair(&p);
        let data = vec![0x5au8; 512 * 1024];
        assert_eq!(
            reason(client.write(&data).unwrap_err()),
            TlsReason::WantWrite
        );
        let err = client.write(&data[..10]).unwrap_err();
        assert_eq!(reason(err.clone()), TlsReason::BadLength, "{err:?}");
        std::thread::scope(|sc| {
            let reader = sc.spawn(|| read_all(&server, data.len() + 3));
            loop {
                match client.write(&data) {
                    Ok(n) => break assert_eq!(n, data.len()),
                    Err(_) => a.wait(libc::POLLOUT, None).unwrap(),
                }
            }
            // The next write starts afresh.
            a.set_mode(Mode::Blocking);
            assert_eq!(client.write(b"end").unwrap(), 3);
            let got = reader.join().unwrap();
            assert!(got[..data.len()] == data[..]);
            assert_eq!(&got[data.len()..], b"end");
        });
    }

    /// Writes `data` a window at a time, as a caller holding only one window does.
    fn write_in_windows(client: &TlsStream, data: &[u8], window: usize) -> Result<usize> {
        let mut pos = 0;
        loop {
            let end = data.len().min(pos + window);
            match client.write_window(data.len(), pos, &mut &data[pos..end])? {
                WriteProgress::Done(n) => return Ok(n),
                WriteProgress::Need(at) => {
                    assert_ne!(at, pos, "asked again for the window it had");
                    pos = at;
                }
            }
        }
    }

    #[test]
    fn a_windowed_write_resumes_where_it_stopped() {
        let p = pki();
        let (a, client, _b, server) = nonblocking_writer_pair(&p);
        let data: Vec<u8> = (0..700_000u32).map(|i| (i * 13 + i / 999) as u8).collect();
        // The reader is paused: the write takes what fits and reports want-write.
        assert_eq!(
            reason(write_in_windows(&client, &data, 65536).unwrap_err()),
            TlsReason::WantWrite
        );
        std::thread::scope(|sc| {
            let reader = sc.spawn(|| read_all(&server, data.len() + 2));
            loop {
                // Each retry starts at window 0 and is sent on to where the write stopped;
                // odd window sizes cross the 64 KiB steps.
                match write_in_windows(&client, &data, 40_000) {
                    Ok(n) => break assert_eq!(n, data.len()),
                    Err(e) => {
                        assert_eq!(reason(e), TlsReason::WantWrite);
                        a.wait(libc::POLLOUT, None).unwrap();
                    }
                }
            }
            a.set_mode(Mode::Blocking);
            assert_eq!(write_in_windows(&client, b"ok", 65536).unwrap(), 2);
            assert_eq!(write_in_windows(&client, b"", 65536).unwrap(), 0);
            let got = reader.join().unwrap();
            assert!(
                got[..data.len()] == data[..],
                "no byte lost, repeated or reordered"
            );
            assert_eq!(&got[data.len()..], b"ok");
        });
    }

    #[test]
    fn timeout_mode_keeps_the_unfinished_write_for_a_retry() {
        let p = pki();
        let (a, client, _b, server) = nonblocking_writer_pair(&p);
        a.set_mode(Mode::Timeout(std::time::Duration::from_millis(50)));
        let data = vec![0xa5u8; 512 * 1024];
        assert_eq!(client.write(&data).unwrap_err(), Error::Timeout);
        std::thread::scope(|sc| {
            let reader = sc.spawn(|| read_all(&server, data.len()));
            a.set_mode(Mode::Blocking);
            assert_eq!(client.write(&data).unwrap(), data.len());
            assert!(reader.join().unwrap() == data, "no byte sent twice or lost");
        });
    }

    /// Bytes waiting in the kernel (`FIONREAD`).
    fn unread(sock: &Socket) -> usize {
        let mut n: libc::c_int = 0;
        // SAFETY: FIONREAD writes one int.
        assert_eq!(
            unsafe { libc::ioctl(sock.raw_fd(), libc::FIONREAD, &mut n) },
            0
        );
        n as usize
    }

    #[test]
    fn a_record_is_read_with_the_next_header_and_the_next_body_stays_in_the_kernel() {
        let p = pki();
        let (a, b) = pair(Mode::Timeout(std::time::Duration::from_secs(10)));
        let server = TlsStream::server(&b, server_policy(&p).server_config().unwrap()).unwrap();
        let client =
            TlsStream::client(&a, client_policy(&p).client_config().unwrap(), "localhost").unwrap();
        std::thread::scope(|sc| {
            let h = sc.spawn(|| server.handshake());
            client.handshake().unwrap();
            h.join().unwrap().unwrap();
        });
        // A full record, then two small ones (TLS 1.3 adds a content type and a 16-byte tag).
        let data: Vec<u8> = (0..16384 + 100 + 50).map(|i| (i % 251) as u8).collect();
        assert_eq!(client.write(&data[..16384 + 100]).unwrap(), 16384 + 100);
        assert_eq!(client.write(&data[16384 + 100..]).unwrap(), 50);
        let (body2, record3) = (100 + 17, 5 + 50 + 17);
        let mut buf = vec![0u8; 65536];
        let mut got = Vec::new();
        // Let the session ticket and all three records arrive.
        std::thread::sleep(std::time::Duration::from_millis(100));
        while got.len() < 16384 {
            let n = server.read(&mut buf).unwrap();
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got.len(), 16384, "one record per read");
        // The second record's header came with the first record's body; its body did not
        // (so select still reports it), nor did the third record.
        assert_eq!(unread(&b), body2 + record3);
        let n = server.read(&mut buf).unwrap();
        assert_eq!(n, 100);
        got.extend_from_slice(&buf[..n]);
        // A small record's body is read alone: the next record stays whole in the kernel.
        assert_eq!(unread(&b), record3);
        let n = server.read(&mut buf).unwrap();
        got.extend_from_slice(&buf[..n]);
        assert_eq!(got, data);
        assert_eq!(unread(&b), 0);
    }

    #[test]
    fn copies_in_pieces_are_whole_copies() {
        for len in [0, 1, 2047, 2048, 2049, 16384, 16384 + 5, 70_000] {
            let src: Vec<u8> = (0..len).map(|i| (i * 31 + i / 7) as u8).collect();
            let mut dst = vec![0u8; len + 64];
            copy_in_pieces(&mut dst[5..5 + len], &src);
            assert!(dst[5..5 + len] == src[..], "{len} bytes");
            assert!(dst[..5].iter().chain(&dst[5 + len..]).all(|&b| b == 0));
            let mut fed = Pieces(&src);
            let mut out = vec![0u8; len];
            let mut got = 0;
            while got < len {
                got += fed.read(&mut out[got..(got + 4096).min(len)]).unwrap();
            }
            assert_eq!(fed.read(&mut [0u8; 8]).unwrap(), 0);
            assert!(out == src);
        }
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
