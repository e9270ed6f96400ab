//! Entry points for `org.sockbridge.TlsContext`: a rustls configuration built once from a
//! policy and shared by every connection made with it.

use std::sync::Arc;

use jni::objects::JClass;
use jni::sys::{jboolean, jlong};
use jni::EnvUnowned;
use rustls::{ClientConfig, ServerConfig};

use super::boundary::guard;
use super::convert::{throw, PANIC};
use super::tls_policy::POLICIES;
use crate::core::registry::Registry;

/// A built configuration.
pub enum TlsConfig {
    /// For `wrap(socket, serverName)`.
    Client(Arc<ClientConfig>),
    /// For server-side sessions.
    Server(Arc<ServerConfig>),
}

/// Every live context, by handle.
pub static CONTEXTS: Registry<TlsConfig> = Registry::new();

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsContext_nCreate<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    policy: jlong,
    server: jboolean,
) -> jlong {
    guard(&mut env, jlong::from(PANIC), |env| {
        let built = POLICIES.get(policy).and_then(|p| {
            let p = p.lock().unwrap_or_else(|e| e.into_inner());
            Ok(if server {
                TlsConfig::Server(p.server_config()?)
            } else {
                TlsConfig::Client(p.client_config()?)
            })
        });
        match built {
            Ok(c) => CONTEXTS.insert(c),
            Err(e) => {
                throw(env, e);
                -1
            }
        }
    })
}

#[no_mangle]
pub extern "system" fn Java_org_sockbridge_TlsContext_nFree<'l>(
    mut env: EnvUnowned<'l>,
    _: JClass<'l>,
    h: jlong,
) {
    guard(&mut env, (), |_| {
        let _ = CONTEXTS.remove(h);
    })
}
