//! sockbridge: operating-system sockets with CPython's semantics, for the JVM.
//!
//! Layers (see README "Design"): [`core`] is pure Rust and unit-tested without a JVM;
//! [`jni`] is the only module that sees JNI types and exposes the `Java_org_sockbridge_*`
//! entry points used by the Java facade.

pub mod core;
pub mod jni;
