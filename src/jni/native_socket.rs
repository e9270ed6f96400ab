//! Entry points for `org.sockbridge.NativeSocket`.

use std::sync::Arc;

use jni::objects::{JByteArray, JClass, JIntArray};
use jni::sys::{jint, jlong};
use jni::{Env, EnvUnowned};

use super::boundary::guard;
use super::convert::{
    array_len, bytes_of, check_addr_out, code, int_result, read_addr, read_bytes, signed,
    write_addr, PANIC,
};
use super::java_bytes::JavaBytes;
use super::lean::{count, lean, RawEnv};
use crate::core::error::{Error, Result};
use crate::core::mode::Mode;
use crate::core::msg::{Ancillary, MAX_ANCILLARY};
use crate::core::options::MAX_OPTION_LEN;
use crate::core::registry::Registry;
use crate::core::socket::Socket;

/// Every open socket, by handle.
pub static SOCKETS: Registry<Socket> = Registry::new();

fn sock(handle: jlong) -> Result<Arc<Socket>> {
    SOCKETS.get(handle)
}

/// A handle result: the new handle, or the negative code of the error.
fn handle_result(env: &mut Env, r: Result<Socket>) -> jlong {
    match r {
        Ok(s) => SOCKETS.insert(s),
        Err(e) => jlong::from(code(env, e)),
    }
}

/// A `()` result: 0, or the negative code.
fn unit_result(env: &mut Env, r: Result<()>) -> jint {
    match r {
        Ok(()) => 0,
        Err(e) => code(env, e),
    }
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nCreate<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    family: jint,
    sock_type: jint,
    proto: jint,
    mode: jlong,
) -> jlong {
    guard(&mut env, jlong::from(PANIC), |env| {
        let r = Socket::new(family, sock_type, proto, Mode::from_nanos(mode));
        handle_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nPair<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    family: jint,
    sock_type: jint,
    proto: jint,
    mode: jlong,
    out: JByteArray<'l>,
) -> jint {
    guard(&mut env, PANIC, |env| {
        match Socket::pair(family, sock_type, proto, Mode::from_nanos(mode)) {
            Ok((a, b)) => {
                let (ha, hb) = (SOCKETS.insert(a), SOCKETS.insert(b));
                let mut bytes = [0u8; 16];
                bytes[..8].copy_from_slice(&ha.to_be_bytes());
                bytes[8..].copy_from_slice(&hb.to_be_bytes());
                if out.set_region(env, 0, signed(&bytes)).is_err() {
                    let _ = SOCKETS.remove(ha).map(|s| s.close());
                    let _ = SOCKETS.remove(hb).map(|s| s.close());
                    return -libc::EINVAL;
                }
                0
            }
            Err(e) => code(env, e),
        }
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nFromFd<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    fd: jint,
    family: jint,
    sock_type: jint,
    proto: jint,
    mode: jlong,
) -> jlong {
    guard(&mut env, jlong::from(PANIC), |env| {
        let r = Socket::from_fd(fd, family, sock_type, proto, Mode::from_nanos(mode));
        handle_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nDup<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) -> jlong {
    guard(&mut env, jlong::from(PANIC), |env| {
        let r = sock(h).and_then(|s| s.try_clone());
        handle_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nClose<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) -> jint {
    guard(&mut env, PANIC, |env| match SOCKETS.remove(h) {
        Ok(s) => {
            s.close();
            0
        }
        Err(e) => code(env, e),
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nDetach<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) -> jint {
    guard(&mut env, PANIC, |env| {
        match SOCKETS.remove(h).and_then(|s| s.detach()) {
            Ok(fd) => fd,
            Err(e) => code(env, e),
        }
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nFileno<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) -> jint {
    lean(&mut env, |_| Ok(sock(h)?.raw_fd()))
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nInfo<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    out: JIntArray<'l>,
) -> jint {
    guard(&mut env, PANIC, |env| match sock(h) {
        Ok(s) => {
            let info = [s.family(), s.sock_type(), s.proto()];
            match out.set_region(env, 0, &info) {
                Ok(()) => 0,
                Err(_) => code(env, Error::invalid("info array must hold 3 ints")),
            }
        }
        Err(e) => code(env, e),
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nSetMode<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    mode: jlong,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = sock(h).map(|s| s.set_mode(Mode::from_nanos(mode)));
        unit_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nBind<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    addr: JByteArray<'l>,
    len: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = sock(h).and_then(|s| s.bind(&read_addr(RawEnv::of(env), &addr, len)?));
        unit_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nListen<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    backlog: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = sock(h).and_then(|s| s.listen(backlog));
        unit_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nAccept<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    new_mode: jlong,
    addr_out: JByteArray<'l>,
) -> jlong {
    guard(&mut env, jlong::from(PANIC), |env| {
        let r = check_addr_out(RawEnv::of(env), &addr_out)
            .and_then(|()| sock(h))
            .and_then(|s| s.accept(Mode::from_nanos(new_mode)));
        match r {
            Ok((s, addr)) => match write_addr(RawEnv::of(env), &addr_out, &addr) {
                Ok(()) => SOCKETS.insert(s),
                Err(e) => jlong::from(code(env, e)),
            },
            Err(e) => jlong::from(code(env, e)),
        }
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nConnect<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    addr: JByteArray<'l>,
    len: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = sock(h).and_then(|s| s.connect(&read_addr(RawEnv::of(env), &addr, len)?));
        unit_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nConnectEx<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    addr: JByteArray<'l>,
    len: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = sock(h).and_then(|s| s.connect_ex(&read_addr(RawEnv::of(env), &addr, len)?));
        match r {
            Ok(errno) => errno,
            Err(e) => code(env, e),
        }
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nSend<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    buf: JByteArray<'l>,
    off: jint,
    len: jint,
    flags: jint,
) -> jint {
    lean(&mut env, |raw| {
        let s = sock(h)?;
        s.send(&mut JavaBytes::with_raw(raw, &buf, off, len)?, flags)
            .map(count)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nSendAll<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    buf: JByteArray<'l>,
    off: jint,
    len: jint,
    flags: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = sock(h).and_then(|s| s.send_all(&mut JavaBytes::new(env, &buf, off, len)?, flags));
        unit_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nSendTo<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    buf: JByteArray<'l>,
    off: jint,
    len: jint,
    flags: jint,
    addr: JByteArray<'l>,
    addr_len: jint,
) -> jint {
    lean(&mut env, |raw| {
        let s = sock(h)?;
        let to = read_addr(raw, &addr, addr_len)?;
        s.send_to(&mut JavaBytes::with_raw(raw, &buf, off, len)?, flags, &to)
            .map(count)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nRecv<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    buf: JByteArray<'l>,
    off: jint,
    len: jint,
    flags: jint,
) -> jint {
    lean(&mut env, |raw| {
        let s = sock(h)?;
        s.recv(&mut JavaBytes::with_raw(raw, &buf, off, len)?, flags)
            .map(count)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nRecvFrom<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    buf: JByteArray<'l>,
    off: jint,
    len: jint,
    flags: jint,
    addr_out: JByteArray<'l>,
) -> jint {
    lean(&mut env, |raw| {
        let s = sock(h)?;
        check_addr_out(raw, &addr_out)?;
        let (n, from) = s.recv_from(&mut JavaBytes::with_raw(raw, &buf, off, len)?, flags)?;
        write_addr(raw, &addr_out, &from)?;
        Ok(count(n))
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nShutdown<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    how: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = sock(h).and_then(|s| s.shutdown(how));
        unit_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nName<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    peer: jni::sys::jboolean,
    addr_out: JByteArray<'l>,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = sock(h).and_then(|s| {
            let addr = if peer {
                s.peer_addr()?
            } else {
                s.local_addr()?
            };
            write_addr(RawEnv::of(env), &addr_out, &addr)
        });
        unit_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nSetOptInt<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    level: jint,
    name: jint,
    value: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = sock(h).and_then(|s| s.set_option_int(level, name, value));
        unit_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nSetOptBytes<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    level: jint,
    name: jint,
    value: JByteArray<'l>,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = sock(h).and_then(|s| {
            // The length is checked before anything is read; the value goes through the stack.
            let len = array_len(env, &value, MAX_OPTION_LEN, "option value")?;
            let mut buf = [0i8; MAX_OPTION_LEN];
            value
                .get_region(env, 0, &mut buf[..len])
                .map_err(|_| Error::invalid("unreadable option value"))?;
            s.set_option_bytes(level, name, bytes_of(&buf[..len]))
        });
        unit_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nGetOptInt<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    level: jint,
    name: jint,
    out: JIntArray<'l>,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = sock(h).and_then(|s| {
            let v = s.option_int(level, name)?;
            out.set_region(env, 0, &[v])
                .map_err(|_| Error::invalid("output array must hold 1 int"))
        });
        unit_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nGetOptBytes<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    level: jint,
    name: jint,
    out: JByteArray<'l>,
    buflen: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = sock(h).and_then(|s| {
            let size = usize::try_from(buflen)
                .ok()
                .filter(|&n| n > 0 && n <= MAX_OPTION_LEN)
                .ok_or_else(|| Error::invalid("getsockopt buflen out of range"))?;
            let mut buf = [0u8; MAX_OPTION_LEN];
            let n = s.option_bytes_into(level, name, &mut buf[..size])?;
            out.set_region(env, 0, signed(&buf[..n]))
                .map_err(|_| Error::invalid("output array is too small"))?;
            Ok(n)
        });
        int_result(env, r)
    })
}

/// Encodes control messages as `[level:i32][type:i32][len:i32][data]…` (big-endian numbers).
fn encode_ancillary(list: &[Ancillary]) -> Vec<u8> {
    let mut out = Vec::new();
    for a in list {
        out.extend_from_slice(&a.level.to_be_bytes());
        out.extend_from_slice(&a.kind.to_be_bytes());
        out.extend_from_slice(&(a.data.len() as i32).to_be_bytes());
        out.extend_from_slice(&a.data);
    }
    out
}

/// Decodes the form [`encode_ancillary`] writes, checking every length.
fn decode_ancillary(mut bytes: &[u8]) -> Result<Vec<Ancillary>> {
    let mut out = Vec::new();
    let bad = || Error::invalid("malformed ancillary data");
    while !bytes.is_empty() {
        if bytes.len() < 12 {
            return Err(bad());
        }
        let num =
            |i: usize| i32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let (level, kind) = (num(0), num(4));
        let len = usize::try_from(num(8)).map_err(|_| bad())?;
        let data = bytes.get(12..12 + len).ok_or_else(bad)?.to_vec();
        out.push(Ancillary { level, kind, data });
        bytes = &bytes[12 + len..];
    }
    Ok(out)
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nSendMsg<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    data: JByteArray<'l>,
    ancillary: JByteArray<'l>,
    flags: jint,
    addr: JByteArray<'l>,
    addr_len: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = sock(h).and_then(|s| {
            if data.is_null() || ancillary.is_null() {
                return Err(Error::invalid("data and ancillary must not be null"));
            }
            // The encoded form is never longer than the cmsg space it asks for, so anything over
            // MAX_ANCILLARY is refused before it is copied.
            let anc = decode_ancillary(&read_bytes(
                env,
                &ancillary,
                MAX_ANCILLARY,
                "ancillary data",
            )?)?;
            let to = if addr.is_null() {
                None
            } else {
                Some(read_addr(RawEnv::of(env), &addr, addr_len)?)
            };
            // The data is lent to each sendmsg call, not copied.
            let len = array_len(env, &data, i32::MAX as usize, "data")? as jint;
            s.send_msg(
                &mut JavaBytes::new(env, &data, 0, len)?,
                &anc,
                flags,
                to.as_ref(),
            )
        });
        int_result(env, r)
    })
}

/// `recvmsg`: data goes to `data`, encoded control messages to `anc_out` (sized by Java to
/// `ancbufsize`), `meta` receives `[ancillary bytes, msg_flags]`, `addr_out` the sender.
#[no_mangle]
pub extern "system" fn Java_org_sockbridge_NativeSocket_nRecvMsg<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    data: JByteArray<'l>,
    anc_space: jint,
    flags: jint,
    anc_out: JByteArray<'l>,
    meta: JIntArray<'l>,
    addr_out: JByteArray<'l>,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = sock(h).and_then(|s| {
            if data.is_null() || anc_out.is_null() {
                return Err(Error::invalid("buffers must not be null"));
            }
            check_addr_out(RawEnv::of(env), &addr_out)?;
            let space =
                usize::try_from(anc_space).map_err(|_| Error::invalid("negative ancbufsize"))?;
            // Every output array is checked before the call, so a bad one never costs a
            // message (and its passed fds). The encoded control messages never outgrow the
            // control space they arrived in (12-byte headers against cmsg's 16), so `space`
            // bytes always hold them.
            let room = anc_out.len(env).unwrap_or(0);
            if room < space {
                return Err(Error::invalid("ancillary output buffer too small"));
            }
            if meta.is_null() || meta.len(env).unwrap_or(0) < 2 {
                return Err(Error::invalid("meta array must hold 2 ints"));
            }
            // The data goes straight into the Java array (lent to each recvmsg call).
            let len = array_len(env, &data, i32::MAX as usize, "data buffer")? as jint;
            let got = s.recv_msg(&mut JavaBytes::new(env, &data, 0, len)?, space, flags)?;
            let anc = encode_ancillary(&got.ancillary);
            if anc.len() > room {
                return Err(Error::invalid("ancillary output buffer too small"));
            }
            let ok = anc_out.set_region(env, 0, signed(&anc)).is_ok()
                && meta
                    .set_region(env, 0, &[anc.len() as i32, got.flags])
                    .is_ok();
            if !ok {
                return Err(Error::invalid("output arrays are too small"));
            }
            write_addr(RawEnv::of(env), &addr_out, &got.addr)?;
            Ok(got.len)
        });
        int_result(env, r)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancillary_encoding_round_trips_and_rejects_garbage() {
        let list = vec![Ancillary {
            level: 1,
            kind: 1,
            data: vec![3, 0, 0, 0],
        }];
        assert_eq!(decode_ancillary(&encode_ancillary(&list)).unwrap(), list);
        assert!(decode_ancillary(&[0; 11]).is_err());
        let mut lying = encode_ancillary(&list);
        lying[11] = 200;
        assert!(decode_ancillary(&lying).is_err());
    }
}
