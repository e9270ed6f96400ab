//! Entry points for `org.sockbridge.TlsSocket`: one TLS session over a registered socket.

use jni::objects::{JByteArray, JClass, JString};
use jni::sys::{jint, jlong, jobjectArray, jstring};
use jni::EnvUnowned;

use super::boundary::{guard, object};
use super::convert::{bytes_array, code, int_result, opt_string, read_bytes, string_array, PANIC};
use super::java_bytes::JavaBytes;
use super::native_socket::SOCKETS;
use super::tls_context::{TlsConfig, CONTEXTS};
use crate::core::error::{Error, Result};
use crate::core::registry::Registry;
use crate::core::tls::peer_cert;
use crate::core::tls::stream::{TlsStream, WriteProgress};

/// The largest DER certificate `nDecodeCertificate` copies (real ones are a few KiB).
const MAX_CERTIFICATE_BYTES: usize = 16 << 20;

/// Every live TLS session, by handle.
pub static STREAMS: Registry<TlsStream> = Registry::new();

fn stream(h: jlong) -> Result<std::sync::Arc<TlsStream>> {
    STREAMS.get(h)
}

/// Wraps a socket: client side when `server_name` is given (checked against the certificate
/// per the policy), server side otherwise. Returns the session handle.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsSocket_nWrap<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    context: jlong,
    socket: jlong,
    server_name: JString<'l>,
) -> jlong {
    guard(&mut env, jlong::from(PANIC), |env| {
        let r = (|| {
            let ctx = CONTEXTS.get(context)?;
            let sock = SOCKETS.get(socket)?;
            let s = match &*ctx {
                TlsConfig::Client(c) => {
                    let name = opt_string(env, &server_name)?
                        .ok_or_else(|| Error::invalid("a client session needs a server name"))?;
                    TlsStream::client(&sock, c.clone(), &name)?
                }
                TlsConfig::Server(c) => TlsStream::server(&sock, c.clone())?,
            };
            Ok(STREAMS.insert(s))
        })();
        match r {
            Ok(h) => h,
            Err(e) => jlong::from(code(env, e)),
        }
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsSocket_nFree<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) {
    guard(&mut env, (), |_| {
        let _ = STREAMS.remove(h);
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsSocket_nHandshake<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) -> jint {
    guard(&mut env, PANIC, |env| {
        match stream(h).and_then(|s| s.handshake()) {
            Ok(()) => 0,
            Err(e) => code(env, e),
        }
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsSocket_nRead<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    buf: JByteArray<'l>,
    off: jint,
    len: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = (|| {
            let s = stream(h)?;
            let mut region = JavaBytes::new(env, &buf, off, len)?;
            // Decrypted bytes go from rustls straight into the pinned array.
            s.read_into(&mut region)
        })();
        int_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsSocket_nWrite<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    buf: JByteArray<'l>,
    off: jint,
    len: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = (|| {
            let s = stream(h)?;
            let mut region = JavaBytes::new(env, &buf, off, len)?;
            // No copy of the array: rustls encrypts from it, one pinned chunk of at most
            // WRITE_CHUNK bytes at a time, and the array is never pinned while the session
            // waits for the socket.
            s.write_from(&mut region)
        })();
        int_result(env, r)
    })
}

/// One window of a windowed write (`TlsStream::write_window`): `buf[off..off + len]` holds
/// bytes `[pos, pos + len)` of a `total`-byte write. Returns `total` once all of it reached the
/// kernel, else the offset (below `total`) the next window must start at.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsSocket_nWriteWindow<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    buf: JByteArray<'l>,
    off: jint,
    len: jint,
    pos: jint,
    total: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = (|| {
            let s = stream(h)?;
            let (pos, total) = match (usize::try_from(pos), usize::try_from(total)) {
                (Ok(p), Ok(t)) if p <= t => (p, t),
                _ => return Err(Error::invalid("negative or inconsistent window position")),
            };
            let mut region = JavaBytes::new(env, &buf, off, len)?;
            // As nWrite: the window is pinned only while rustls encrypts from it.
            Ok(match s.write_window(total, pos, &mut region)? {
                WriteProgress::Done(n) | WriteProgress::Need(n) => n,
            })
        })();
        int_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsSocket_nPending<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) -> jint {
    guard(&mut env, PANIC, |env| match stream(h) {
        Ok(s) => s.pending() as jint,
        Err(e) => code(env, e),
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsSocket_nCloseNotify<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) -> jint {
    guard(&mut env, PANIC, |env| {
        match stream(h).and_then(|s| s.close_notify()) {
            Ok(()) => 0,
            Err(e) => code(env, e),
        }
    })
}

/// `unwrap()`: close_notify both ways (see `TlsStream::shutdown`).
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsSocket_nShutdown<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) -> jint {
    guard(&mut env, PANIC, |env| {
        match stream(h).and_then(|s| s.shutdown()) {
            Ok(()) => 0,
            Err(e) => code(env, e),
        }
    })
}

/// `[version, cipher name, cipher version, bits, alpn]`; empty strings when not negotiated.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsSocket_nSessionInfo<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) -> jobjectArray {
    object(&mut env, |env| {
        stream(h).and_then(|s| {
            let (cipher, cver, bits) = s.cipher().unwrap_or_default();
            let alpn = s
                .alpn_protocol()
                .map(|p| String::from_utf8_lossy(&p).into_owned())
                .unwrap_or_default();
            let items = [
                s.protocol_version().unwrap_or("").to_string(),
                cipher,
                cver.to_string(),
                bits.to_string(),
                alpn,
            ];
            string_array(env, &items)
        })
    })
}

/// The peer's chain, DER, end-entity first (`byte[][]`).
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsSocket_nPeerCertificates<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) -> jobjectArray {
    object(&mut env, |env| {
        stream(h).and_then(|s| {
            let certs = s.peer_certificates();
            bytes_array(env, certs.iter().map(|c| c.as_ref()))
        })
    })
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
}

/// A DER certificate decoded as records, one per line, fields separated by tabs:
/// `version`, `serialNumber`, `notBefore`, `notAfter` (`name\tvalue`); `subject`/`issuer`
/// (`kind\trdn index\tattribute\tvalue`); `san` (`san\ttype\tvalue`); `uri`
/// (`uri\tOCSP|caIssuers|crlDistributionPoints\tvalue`).
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsSocket_nDecodeCertificate<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    der: JByteArray<'l>,
) -> jstring {
    object(&mut env, |env| {
        if der.is_null() {
            return Err(Error::invalid("certificate must not be null"));
        }
        let bytes = read_bytes(env, &der, MAX_CERTIFICATE_BYTES, "certificate")?;
        let info = peer_cert::decode(&bytes)?;
        let mut out = String::new();
        out += &format!(
            "version\t{}\nserialNumber\t{}\n",
            info.version,
            escape(&info.serial_number)
        );
        out += &format!(
            "notBefore\t{}\nnotAfter\t{}\n",
            info.not_before, info.not_after
        );
        for (kind, rdns) in [("subject", &info.subject), ("issuer", &info.issuer)] {
            for (i, rdn) in rdns.iter().enumerate() {
                for (k, v) in rdn {
                    out += &format!("{kind}\t{i}\t{}\t{}\n", escape(k), escape(v));
                }
            }
        }
        for (t, v) in &info.subject_alt_names {
            out += &format!("san\t{}\t{}\n", escape(t), escape(v));
        }
        for (t, v) in &info.uris {
            out += &format!("uri\t{}\t{}\n", t, escape(v));
        }
        env.new_string(out)
            .map_err(|_| Error::invalid("cannot allocate result"))
    })
}

/// Server side, before the session: the client's ClientHello as `[sni, alpn...]`, where `sni`
/// is `"\0"` when the client sent none (see `core::tls::hello`).
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsSocket_nPeekClientHello<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    socket: jlong,
) -> jobjectArray {
    object(&mut env, |env| {
        let sock = SOCKETS.get(socket)?;
        let hello = crate::core::tls::hello::peek_client_hello(&sock)?;
        let mut items = vec![hello.server_name.unwrap_or_else(|| "\0".to_string())];
        items.extend(
            hello
                .alpn
                .iter()
                .map(|p| String::from_utf8_lossy(p).into_owned()),
        );
        string_array(env, &items)
    })
}

/// Server side, before the session: sends one fatal alert (see `core::tls::hello`).
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsSocket_nSendFatalAlert<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    socket: jlong,
    description: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = SOCKETS.get(socket).and_then(|sock| {
            let d = u8::try_from(description)
                .map_err(|_| Error::invalid("an alert description is 0..255"))?;
            crate::core::tls::hello::send_fatal_alert(&sock, d)
        });
        match r {
            Ok(()) => 0,
            Err(e) => code(env, e),
        }
    })
}
