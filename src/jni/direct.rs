//! Entry points for `org.sockbridge.DirectBuffers`, behind `NativeSocket`'s `java.nio.ByteBuffer`
//! overloads: direct buffers go to the kernel by address (`GetDirectBufferAddress`), with no
//! copy and no pinning.
//!
//! Java passes the region (`position`, `remaining`) of a single buffer; for scatter/gather the
//! native side reads each buffer's `position` and `limit` through field IDs cached at load, so
//! every operation is one JNI call with no Java or native allocation. Java advances the
//! positions by the count returned.

use std::io;
use std::mem::MaybeUninit;

use jni::objects::{JByteArray, JByteBuffer, JClass, JObjectArray};
use jni::signature::{JavaType, Primitive};
use jni::sys::{jint, jlong};
use jni::{Env, EnvUnowned};
use socket2::MaybeUninitSlice;

use super::boundary::guard;
use super::convert::{check_addr_out, int_result, read_addr, write_addr, PANIC};
use super::lean::RawEnv;
use super::native_socket::SOCKETS;
use crate::core::buf::{ReadBuf, WriteBuf};
use crate::core::error::{Error, Result};
use crate::core::io::MAX_IOV;

/// `[position, position + len)` of a direct buffer: its address and length, checked against
/// the buffer's capacity. The memory stays valid while the buffer is referenced, which the
/// entry point's argument guarantees for the whole call.
struct Direct {
    ptr: *mut u8,
    len: usize,
}

impl Direct {
    fn new(env: &Env, buf: &JByteBuffer, position: jint, len: jint) -> Result<Direct> {
        if buf.is_null() {
            return Err(Error::invalid("buffer must not be null"));
        }
        let (Ok(position), Ok(len)) = (usize::try_from(position), usize::try_from(len)) else {
            return Err(Error::invalid("negative position or length"));
        };
        let base = env
            .get_direct_buffer_address(buf)
            .map_err(|_| Error::invalid("not a direct buffer"))?;
        let capacity = env
            .get_direct_buffer_capacity(buf)
            .map_err(|_| Error::invalid("not a direct buffer"))?;
        if position.checked_add(len).is_none_or(|end| end > capacity) {
            return Err(Error::invalid("position/length out of the buffer's bounds"));
        }
        // SAFETY: position + len <= capacity, so the offset stays inside the buffer.
        let ptr = unsafe { base.add(position) };
        Ok(Direct { ptr, len })
    }
}

impl ReadBuf for Direct {
    fn len(&self) -> usize {
        self.len
    }
    fn with_mut<R>(&mut self, f: impl FnOnce(&mut [u8]) -> io::Result<R>) -> io::Result<R> {
        // SAFETY: ptr..ptr+len lies in the direct buffer (checked in `new`), which outlives
        // the call; the slice exists only for one system call.
        f(unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) })
    }
}

impl WriteBuf for Direct {
    fn len(&self) -> usize {
        self.len
    }
    fn with_ref<R>(&mut self, f: impl FnOnce(&[u8]) -> io::Result<R>) -> io::Result<R> {
        // SAFETY: as in `with_mut`.
        f(unsafe { std::slice::from_raw_parts(self.ptr, self.len) })
    }
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_DirectBuffers_nRecvDirect<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    buf: JByteBuffer<'l>,
    position: jint,
    len: jint,
    flags: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = SOCKETS
            .get(h)
            .and_then(|s| s.recv(&mut Direct::new(env, &buf, position, len)?, flags));
        int_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_DirectBuffers_nSendDirect<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    buf: JByteBuffer<'l>,
    position: jint,
    len: jint,
    flags: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = SOCKETS
            .get(h)
            .and_then(|s| s.send(&mut Direct::new(env, &buf, position, len)?, flags));
        int_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_DirectBuffers_nRecvFromDirect<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    buf: JByteBuffer<'l>,
    position: jint,
    len: jint,
    flags: jint,
    addr_out: JByteArray<'l>,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = SOCKETS.get(h).and_then(|s| {
            check_addr_out(RawEnv::of(env), &addr_out)?;
            let mut region = Direct::new(env, &buf, position, len)?;
            let (n, from) = s.recv_from(&mut region, flags)?;
            write_addr(RawEnv::of(env), &addr_out, &from)?;
            Ok(n)
        });
        int_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_DirectBuffers_nSendToDirect<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    buf: JByteBuffer<'l>,
    position: jint,
    len: jint,
    flags: jint,
    addr: JByteArray<'l>,
    addr_len: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let r = SOCKETS.get(h).and_then(|s| {
            let to = read_addr(RawEnv::of(env), &addr, addr_len)?;
            s.send_to(&mut Direct::new(env, &buf, position, len)?, flags, &to)
        });
        int_result(env, r)
    })
}

/// The `[position, limit)` regions of `bufs[offset .. offset + count]`, written into `out`
/// (which has room for [`MAX_IOV`]); returns how many. Every element must be a direct buffer.
fn regions(
    env: &mut Env,
    bufs: &JObjectArray<JByteBuffer>,
    offset: jint,
    count: jint,
    out: &mut [(*mut u8, usize); MAX_IOV],
) -> Result<usize> {
    if bufs.is_null() {
        return Err(Error::invalid("buffer array must not be null"));
    }
    let total = bufs
        .len(env)
        .map_err(|_| Error::invalid("unreadable buffer array"))?;
    let (Ok(offset), Ok(count)) = (usize::try_from(offset), usize::try_from(count)) else {
        return Err(Error::invalid("negative offset or length"));
    };
    if offset.checked_add(count).is_none_or(|end| end > total) {
        return Err(Error::invalid("offset/length out of the array's bounds"));
    }
    if count > MAX_IOV {
        return Err(Error::invalid(format!("at most {MAX_IOV} buffers")));
    }
    let c = super::cached()?;
    for (i, slot) in out.iter_mut().enumerate().take(count) {
        let b = bufs
            .get_element(env, offset + i)
            .map_err(|_| Error::invalid("unreadable buffer array"))?;
        let read = |env: &mut Env, field| {
            // SAFETY: `b` is a java.nio.ByteBuffer (the array's element type), a subclass of
            // java.nio.Buffer, whose `int` fields these IDs name.
            unsafe { env.get_field_unchecked(&b, field, JavaType::Primitive(Primitive::Int)) }
                .and_then(|v| v.i())
                .map_err(|_| Error::invalid("unreadable buffer"))
        };
        let region = if b.is_null() {
            Err(Error::invalid("buffer must not be null"))
        } else {
            read(env, c.buffer_position).and_then(|position| {
                let limit = read(env, c.buffer_limit)?;
                let d = Direct::new(env, &b, position, limit.saturating_sub(position))?;
                Ok((d.ptr, d.len))
            })
        };
        // One local reference per element would exceed the local capacity on long arrays.
        env.delete_local_ref(b);
        *slot = region?;
    }
    Ok(count)
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_DirectBuffers_nRecvVectored<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    bufs: JObjectArray<'l, JByteBuffer<'l>>,
    offset: jint,
    count: jint,
    flags: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let mut raw = [(std::ptr::null_mut(), 0); MAX_IOV];
        let r = SOCKETS.get(h).and_then(|s| {
            let n = regions(env, &bufs, offset, count, &mut raw)?;
            let mut iov: [MaybeUninit<MaybeUninitSlice<'_>>; MAX_IOV] =
                [const { MaybeUninit::uninit() }; MAX_IOV];
            for (slot, &(ptr, len)) in iov.iter_mut().zip(&raw[..n]) {
                // SAFETY: each region lies in a direct buffer (checked), alive for the call.
                let bytes = unsafe { std::slice::from_raw_parts_mut(ptr.cast(), len) };
                slot.write(MaybeUninitSlice::new(bytes));
            }
            // SAFETY: the first n elements were initialised just above.
            let iov = unsafe { &mut *(&mut iov[..n] as *mut _ as *mut [MaybeUninitSlice<'_>]) };
            s.recv_vectored(iov, flags)
        });
        int_result(env, r)
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_DirectBuffers_nSendVectored<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
    bufs: JObjectArray<'l, JByteBuffer<'l>>,
    offset: jint,
    count: jint,
    flags: jint,
) -> jint {
    guard(&mut env, PANIC, |env| {
        let mut raw = [(std::ptr::null_mut(), 0); MAX_IOV];
        let r = SOCKETS.get(h).and_then(|s| {
            let n = regions(env, &bufs, offset, count, &mut raw)?;
            let mut iov = [io::IoSlice::new(&[]); MAX_IOV];
            for (slot, &(ptr, len)) in iov.iter_mut().zip(&raw[..n]) {
                // SAFETY: each region lies in a direct buffer (checked), alive for the call.
                *slot = io::IoSlice::new(unsafe { std::slice::from_raw_parts(ptr, len) });
            }
            s.send_vectored(&mut iov[..n], flags)
        });
        int_result(env, r)
    })
}
