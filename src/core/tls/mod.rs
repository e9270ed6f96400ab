//! TLS on rustls: one certificate policy ([`policy::TlsPolicy`]) for Java and Python callers,
//! a sans-IO connection driven over a core [`Socket`](super::socket::Socket) in its three modes
//! ([`stream::TlsStream`]), and the peer certificate in CPython's `getpeercert()` shape
//! ([`peer_cert`]).

pub mod failure;
pub mod hello;
mod io;
pub mod peer_cert;
pub mod policy;
pub mod stream;
pub mod verify;

pub use failure::{TlsFailure, TlsReason};
