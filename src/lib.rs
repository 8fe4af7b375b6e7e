//! certwiz: a troubleshooter for certificate and mutual-TLS failures between Microsoft conferencing
//! servers (OCS 2007/R2, Lync, Skype for Business).
//!
//! [`engine`] holds every check and decision; [`cli`] is the command line over it.
// No unsafe code, except the Windows CryptoAPI calls of `engine::store::windows` (Windows only), which
// allow it for that one module.
#![deny(unsafe_code)]

pub mod cli;
pub mod engine;
pub mod gui;
pub mod input;
pub mod lab;
pub mod render;
