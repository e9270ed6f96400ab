//! Entry points for `org.sockbridge.Resolver` (slow path: these throw on failure).

use jni::objects::{JByteArray, JClass, JString};
use jni::sys::{jint, jobject, jobjectArray, jstring};
use jni::{Env, EnvUnowned};

use super::boundary::{guard, object};
use super::convert::{opt_string, read_addr, string_array, throw, PANIC};
use super::lean::RawEnv;
use crate::core::addr::{self, MAX_ENCODED_LEN};
use crate::core::error::{Error, Result};
use crate::core::resolve::{self, HostEntry};

fn required(env: &mut Env, s: &JString, what: &str) -> Result<String> {
    opt_string(env, s)?.ok_or_else(|| Error::invalid(format!("{what} must not be null")))
}

fn java_bytes<'l>(env: &mut Env<'l>, b: &[u8]) -> Result<JByteArray<'l>> {
    env.byte_array_from_slice(b)
        .map_err(|_| Error::invalid("cannot allocate result"))
}

fn java_string<'l>(env: &mut Env<'l>, s: &str) -> Result<JString<'l>> {
    env.new_string(s)
        .map_err(|_| Error::invalid("cannot allocate result"))
}

/// Results packed as, per entry: family, type, protocol (i32 each), canonical name
/// (i32 length + UTF-8), encoded address (i32 length + bytes); big-endian.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Resolver_nGetAddrInfo<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    host: JString<'l>,
    port: JString<'l>,
    family: jint,
    sock_type: jint,
    proto: jint,
    flags: jint,
) -> jobject {
    object(&mut env, |env| {
        let host = opt_string(env, &host)?;
        let port = opt_string(env, &port)?;
        let list = resolve::getaddrinfo(
            host.as_deref(),
            port.as_deref(),
            family,
            sock_type,
            proto,
            flags,
        )?;
        let mut out = Vec::new();
        for ai in &list {
            for n in [ai.family, ai.sock_type, ai.protocol] {
                out.extend_from_slice(&n.to_be_bytes());
            }
            out.extend_from_slice(&(ai.canonical_name.len() as i32).to_be_bytes());
            out.extend_from_slice(ai.canonical_name.as_bytes());
            let mut enc = [0u8; MAX_ENCODED_LEN];
            let n = addr::encode(&ai.addr, &mut enc);
            out.extend_from_slice(&(n as i32).to_be_bytes());
            out.extend_from_slice(&enc[..n]);
        }
        java_bytes(env, &out)
    })
}

/// `[host, service]`.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Resolver_nGetNameInfo<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    address: JByteArray<'l>,
    len: jint,
    flags: jint,
) -> jobjectArray {
    object(&mut env, |env| {
        let a = read_addr(RawEnv::of(env), &address, len)?;
        let (host, serv) = resolve::getnameinfo(&a, flags)?;
        string_array(env, &[host, serv])
    })
}

/// A host entry as `[name, alias count, aliases..., addresses...]`.
fn host_entry<'l>(env: &mut Env<'l>, e: HostEntry) -> Result<jni::objects::JObjectArray<'l>> {
    let mut items = vec![e.name, e.aliases.len().to_string()];
    items.extend(e.aliases);
    items.extend(e.addresses);
    string_array(env, &items)
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Resolver_nGetHostByNameEx<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    name: JString<'l>,
) -> jobjectArray {
    object(&mut env, |env| {
        let name = required(env, &name, "host name")?;
        let entry = resolve::gethostbyname_ex(&name)?;
        host_entry(env, entry)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Resolver_nGetHostByAddr<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    ip: JString<'l>,
) -> jobjectArray {
    object(&mut env, |env| {
        let ip = required(env, &ip, "address")?;
        let entry = resolve::gethostbyaddr(&ip)?;
        host_entry(env, entry)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Resolver_nGetHostName<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
) -> jstring {
    object(&mut env, |env| {
        let name = resolve::gethostname()?;
        java_string(env, &name)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Resolver_nGetServByName<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    name: JString<'l>,
    proto: JString<'l>,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = required(env, &name, "service name").and_then(|n| {
            let p = opt_string(env, &proto)?;
            resolve::getservbyname(&n, p.as_deref())
        });
        match r {
            Ok(port) => jint::from(port),
            Err(e) => {
                throw(env, e);
                -1
            }
        }
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Resolver_nGetServByPort<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    port: jint,
    proto: JString<'l>,
) -> jstring {
    object(&mut env, |env| {
        let port = u16::try_from(port)
            .map_err(|_| Error::invalid("getservbyport: port must be 0-65535."))?;
        let p = opt_string(env, &proto)?;
        let name = resolve::getservbyport(port, p.as_deref())?;
        java_string(env, &name)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Resolver_nGetProtoByName<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    name: JString<'l>,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = required(env, &name, "protocol name").and_then(|n| resolve::getprotobyname(&n));
        r.unwrap_or_else(|e| {
            throw(env, e);
            -1
        })
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Resolver_nInetPton<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    family: jint,
    text: JString<'l>,
) -> jobject {
    object(&mut env, |env| {
        let t = required(env, &text, "address text")?;
        let bytes = resolve::inet_pton(family, &t)?;
        java_bytes(env, &bytes)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Resolver_nInetAton<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    text: JString<'l>,
) -> jobject {
    object(&mut env, |env| {
        let t = required(env, &text, "address text")?;
        let bytes = resolve::inet_aton(&t)?;
        java_bytes(env, &bytes)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_Resolver_nInetNtop<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    family: jint,
    packed: JByteArray<'l>,
) -> jstring {
    object(&mut env, |env| {
        if packed.is_null() {
            return Err(Error::invalid("packed address must not be null"));
        }
        // No packed address is longer than 16 bytes: any longer array gets the same error from
        // its first 17 bytes, so no more is read (never a copy of a Java-sized array).
        let total = packed
            .len(env)
            .map_err(|_| Error::invalid("unreadable packed address"))?;
        let mut b = [0i8; 17];
        let n = total.min(b.len());
        packed
            .get_region(env, 0, &mut b[..n])
            .map_err(|_| Error::invalid("unreadable packed address"))?;
        let text = resolve::inet_ntop(family, super::convert::bytes_of(&b[..n]))?;
        java_string(env, &text)
    })
}
