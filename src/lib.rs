//! certwiz: a troubleshooter for certificate and mutual-TLS failures between Microsoft conferencing
//! servers (OCS 2007/R2, Lync, Skype for Business).
//!
//! [`engine`] holds every check and decision; [`render`] draws its reports; [`cli`] and [`gui`] are
//! the front ends over both.
// No unsafe code, except in the five FFI modules that allow it for themselves: the Windows CryptoAPI,
// CNG and HTTP Server API calls (`engine::store::windows`, `engine::store::cng`, `engine::http_sys`),
// the three OpenSSL calls without a safe wrapper (`engine::probe::openssl`) and the lab's OpenSSL
// servers, which start a renegotiation or post-handshake authentication (`lab::legacy`).
#![deny(unsafe_code)]

pub mod cli;
pub mod engine;
pub mod gui;
pub mod input;
pub mod lab;
pub mod render;
