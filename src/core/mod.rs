//! The socket core: pure Rust, no JNI types.

pub mod addr;
pub mod buf;
pub mod epoll;
pub mod error;
pub mod interrupt;
pub mod io;
pub mod mode;
pub mod msg;
pub mod options;
pub mod poll;
pub mod registry;
pub mod resolve;
pub mod socket;
pub mod sys;
pub mod tls;
pub mod wake;

pub use error::{Error, Result};
