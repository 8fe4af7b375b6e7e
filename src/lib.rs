//! certwiz: a troubleshooter for certificate and mutual-TLS failures between Microsoft conferencing
//! servers (OCS 2007/R2, Lync, Skype for Business).
//!
//! [`engine`] holds every check and decision; [`render`] draws its reports; [`cli`] and [`gui`] are
//! the front ends over both.
// No unsafe code, except in the four FFI modules that allow it for themselves: the Windows CryptoAPI,
// CNG and HTTP Server API calls (`engine::store::windows`, `engine::store::cng`, `engine::http_sys`)
// and the three OpenSSL calls without a safe wrapper (`engine::probe::openssl`).
#![deny(unsafe_code)]

pub mod cli;
pub mod engine;
pub mod gui;
pub mod input;
pub mod lab;
pub mod render;
