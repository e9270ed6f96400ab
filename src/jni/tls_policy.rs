//! Entry points for `org.sockbridge.TlsPolicy`: the Java object holds a handle to a Rust
//! [`TlsPolicy`] that its builder methods change.

use std::path::PathBuf;
use std::sync::Mutex;

use jni::objects::{JByteArray, JClass, JString};
use jni::sys::{jboolean, jint, jlong, jobjectArray};
use jni::{Env, EnvUnowned};

use super::boundary::{guard, object};
use super::convert::{code, opt_string, read_bytes, throw, PANIC};
use crate::core::error::{Error, Result};
use crate::core::registry::Registry;
use crate::core::tls::policy::{TlsPolicy, TrustSource, VerifyMode};
use crate::core::tls::verify::Pin;

/// Every live policy, by handle.
pub static POLICIES: Registry<Mutex<TlsPolicy>> = Registry::new();

fn with_policy<T>(h: jlong, f: impl FnOnce(&mut TlsPolicy) -> Result<T>) -> Result<T> {
    let p = POLICIES.get(h)?;
    let mut guard = p.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut guard)
}

/// Largest PEM/DER input accepted (CA data, certificate chain, key): far above any real trust
/// bundle (the system store is ~200 KiB), far below a size whose copy could hurt the process.
pub const MAX_TLS_INPUT: usize = 16 << 20;

/// Largest ALPN list: the TLS extension's own limit.
const MAX_ALPN: usize = 0xffff;

fn bytes(env: &mut Env, a: &JByteArray, what: &str) -> Result<Vec<u8>> {
    read_bytes(env, a, MAX_TLS_INPUT, what)
}

fn unit(env: &mut Env, r: Result<()>) -> jint {
    match r {
        Ok(()) => 0,
        Err(e) => {
            throw(env, e);
            -1
        }
    }
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsPolicy_nNew<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    secure: jboolean,
) -> jlong {
    guard(&mut env, jlong::from(PANIC), |_| {
        let p = if secure {
            TlsPolicy::secure_default()
        } else {
            TlsPolicy::insecure_accept_any_certificate()
        };
        POLICIES.insert(Mutex::new(p))
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsPolicy_nCopy<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) -> jlong {
    guard(&mut env, jlong::from(PANIC), |env| {
        match with_policy(h, |p| Ok(p.clone())) {
            Ok(p) => POLICIES.insert(Mutex::new(p)),
            Err(e) => jlong::from(code(env, e)),
        }
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsPolicy_nFree<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) {
    guard(&mut env, (), |_| {
        let _ = POLICIES.remove(h);
    })
}

/// `mode`: 0 none, 1 optional, 2 required (CPython's `CERT_*` numbers).
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsPolicy_nSetVerify<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    mode: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = with_policy(h, |p| {
            p.verify = match mode {
                0 => VerifyMode::None,
                1 => VerifyMode::Optional,
                2 => VerifyMode::Required,
                _ => return Err(Error::invalid("invalid value for verify_mode")),
            };
            Ok(())
        });
        unit(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsPolicy_nSetCheckHostname<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    on: jboolean,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = with_policy(h, |p| {
            p.check_hostname = on;
            Ok(())
        });
        unit(env, r)
    })
}

/// `kind`: 0 system store, 1 CA file (`path`), 2 CA directory (`path`), 3 CA data (`data`).
/// Files and data are read now, so a garbage source fails here with a clear error.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsPolicy_nAddTrust<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    kind: jint,
    path: JString<'l>,
    data: JByteArray<'l>,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let source = (|| -> Result<TrustSource> {
            Ok(match kind {
                0 => TrustSource::System,
                1 | 2 => {
                    let p = opt_string(env, &path)?
                        .ok_or_else(|| Error::invalid("path must not be null"))?;
                    if kind == 1 {
                        TrustSource::CaFile(PathBuf::from(p))
                    } else {
                        TrustSource::CaDir(PathBuf::from(p))
                    }
                }
                3 => TrustSource::CaData(bytes(env, &data, "CA data")?),
                _ => return Err(Error::invalid("unknown trust source")),
            })
        })();
        let r = source.and_then(|s| {
            let probe = TlsPolicy {
                trust: vec![s.clone()],
                ..TlsPolicy::secure_default()
            };
            probe.ca_certificates()?;
            with_policy(h, |p| {
                p.trust.push(s);
                Ok(())
            })
        });
        unit(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsPolicy_nClearTrust<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = with_policy(h, |p| {
            p.trust.clear();
            Ok(())
        });
        unit(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsPolicy_nSetIdentity<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    chain: JByteArray<'l>,
    key: JByteArray<'l>,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = (|| {
            let c = bytes(env, &chain, "certificate chain")?;
            let k = bytes(env, &key, "private key")?;
            with_policy(h, |p| Ok(p.set_identity_pem(&c, &k)?))
        })();
        unit(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsPolicy_nAddPin<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    digest: JByteArray<'l>,
    spki: jboolean,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = (|| {
            // Exactly 32 bytes; a longer array is refused before it is copied.
            let d = read_bytes(env, &digest, 32, "pin")
                .map_err(|_| Error::invalid("a SHA-256 pin has 32 bytes"))?;
            let sha256: [u8; 32] = d
                .as_slice()
                .try_into()
                .map_err(|_| Error::invalid("a SHA-256 pin has 32 bytes"))?;
            with_policy(h, |p| {
                p.pins.push(Pin { sha256, spki });
                Ok(())
            })
        })();
        unit(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsPolicy_nSetPinsReplaceChain<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    on: jboolean,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = with_policy(h, |p| {
            p.pins_replace_chain = on;
            Ok(())
        });
        unit(env, r)
    })
}

/// `protocols`: each entry a length byte followed by the protocol name.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsPolicy_nSetAlpn<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    protocols: JByteArray<'l>,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = (|| {
            let raw = read_bytes(env, &protocols, MAX_ALPN, "ALPN protocol list")?;
            let mut list = Vec::new();
            let mut rest = raw.as_slice();
            while let Some((&n, tail)) = rest.split_first() {
                let n = usize::from(n);
                if n == 0 || tail.len() < n {
                    return Err(Error::invalid("malformed ALPN protocol list"));
                }
                list.push(tail[..n].to_vec());
                rest = &tail[n..];
            }
            with_policy(h, |p| {
                p.alpn = list;
                Ok(())
            })
        })();
        unit(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsPolicy_nSetVersions<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    min: jint,
    max: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = with_policy(h, |p| {
            p.min_version =
                u16::try_from(min).map_err(|_| Error::invalid("bad minimum version"))?;
            p.max_version =
                u16::try_from(max).map_err(|_| Error::invalid("bad maximum version"))?;
            Ok(())
        });
        unit(env, r)
    })
}

/// The trusted CA certificates, DER, as `byte[][]`.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsPolicy_nCaCertificates<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) -> jobjectArray {
    object(&mut env, |env| {
        let certs = with_policy(h, |p| Ok(p.ca_certificates()?))?;
        super::convert::bytes_array(env, certs.iter().map(|c| c.as_ref()))
    })
}

/// `names`: OpenSSL cipher names separated by ':' (empty: all).
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsPolicy_nSetCiphers<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    names: JString<'l>,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = (|| {
            let list = opt_string(env, &names)?.unwrap_or_default();
            let chosen: Vec<String> = list
                .split(':')
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .collect();
            with_policy(h, |p| {
                p.cipher_suites = chosen;
                Ok(())
            })
        })();
        unit(env, r)
    })
}

/// The OpenSSL names of the cipher suites available, joined by ':'.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsPolicy_nSupportedCiphers<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
) -> jni::sys::jstring {
    guard(&mut env, std::ptr::null_mut(), |env| {
        env.new_string(crate::core::tls::policy::supported_cipher_names().join(":"))
            .map(|s| s.into_raw())
            .unwrap_or(std::ptr::null_mut())
    })
}

/// OpenSSL's rule for a client with no trusted CA (see `TlsPolicy::empty_trust_rejects`).
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsPolicy_nSetEmptyTrustRejects<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    on: jboolean,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = with_policy(h, |p| {
            p.empty_trust_rejects = on;
            Ok(())
        });
        unit(env, r)
    })
}
