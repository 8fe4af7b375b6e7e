//! HTTP.SYS's HTTPS bindings on a port, through the HTTP Server API (Windows only): what `netsh http
//! show sslcert` lists (certificate hash and store, application ID, "Negotiate Client Certificate"),
//! read with `HttpQueryServiceConfiguration(HttpServiceConfigSSLCertInfo)`, every IP:port binding
//! enumerated and those on the port kept. SNI (host name) bindings are not read. The decoding of
//! GUIDs and socket addresses is in [`crate::engine::port_owner`], tested on every system.
#![allow(unsafe_code)]

use std::ptr;

use windows_sys::Win32::Networking::HttpServer::{
    HTTP_INITIALIZE_CONFIG, HTTP_SERVICE_CONFIG_SSL_FLAG_NEGOTIATE_CLIENT_CERT,
    HTTP_SERVICE_CONFIG_SSL_QUERY, HTTP_SERVICE_CONFIG_SSL_SET, HTTPAPI_VERSION, HttpInitialize,
    HttpQueryServiceConfiguration, HttpServiceConfigQueryNext, HttpServiceConfigSSLCertInfo,
    HttpTerminate,
};

use crate::engine::facts::port_owner::{HttpSysBinding, guid_text, socket_address};

const NO_ERROR: u32 = 0;
const ERROR_FILE_NOT_FOUND: u32 = 2;
const ERROR_INSUFFICIENT_BUFFER: u32 = 122;
const ERROR_NO_MORE_ITEMS: u32 = 259;
/// Enough for any real server; a hostile configuration cannot keep certwiz looping.
const MAX_BINDINGS: u32 = 10_000;

/// The HTTP Server API, initialised for configuration and terminated on drop.
struct HttpApi;

impl HttpApi {
    fn initialise() -> Result<Self, String> {
        let version = HTTPAPI_VERSION {
            HttpApiMajorVersion: 1,
            HttpApiMinorVersion: 0,
        };
        // SAFETY: documented call with a null reserved pointer.
        let status = unsafe { HttpInitialize(version, HTTP_INITIALIZE_CONFIG, ptr::null_mut()) };
        if status == NO_ERROR {
            Ok(HttpApi)
        } else {
            Err(format!("HttpInitialize failed (error {status})"))
        }
    }
}

impl Drop for HttpApi {
    fn drop(&mut self) {
        // SAFETY: paired with the successful HttpInitialize above.
        unsafe {
            HttpTerminate(HTTP_INITIALIZE_CONFIG, ptr::null_mut());
        }
    }
}

/// Every HTTP.SYS HTTPS binding (IP:port) on `port`.
pub fn ssl_bindings(port: u16) -> Result<Vec<HttpSysBinding>, String> {
    let _api = HttpApi::initialise()?;
    let mut found = Vec::new();
    for token in 0..MAX_BINDINGS {
        let mut query = HTTP_SERVICE_CONFIG_SSL_QUERY {
            QueryDesc: HttpServiceConfigQueryNext,
            ..Default::default()
        };
        query.dwToken = token;
        // Called twice: for the size (no buffer), then into a buffer of that size.
        let ask = |output: *mut std::ffi::c_void, capacity: u32, size: &mut u32| {
            // SAFETY: `query` is a valid input of its size; `output` is null or `capacity` bytes.
            unsafe {
                HttpQueryServiceConfiguration(
                    ptr::null_mut(),
                    HttpServiceConfigSSLCertInfo,
                    (&query as *const HTTP_SERVICE_CONFIG_SSL_QUERY).cast(),
                    std::mem::size_of::<HTTP_SERVICE_CONFIG_SSL_QUERY>() as u32,
                    output,
                    capacity,
                    size,
                    ptr::null(),
                )
            }
        };
        let mut size = 0u32;
        match ask(ptr::null_mut(), 0, &mut size) {
            // The end of the list (Wine says "not found" where Windows says "no more items").
            ERROR_NO_MORE_ITEMS | ERROR_FILE_NOT_FOUND => break,
            ERROR_INSUFFICIENT_BUFFER => {}
            NO_ERROR => continue,
            other => {
                return Err(format!(
                    "HttpQueryServiceConfiguration failed (error {other})"
                ));
            }
        }
        // u64 storage keeps the structure aligned.
        let mut buffer = vec![0u64; (size as usize).div_ceil(8).max(1)];
        match ask(buffer.as_mut_ptr().cast(), size, &mut size) {
            NO_ERROR => {}
            ERROR_NO_MORE_ITEMS | ERROR_FILE_NOT_FOUND => break,
            other => {
                return Err(format!(
                    "HttpQueryServiceConfiguration failed (error {other})"
                ));
            }
        }
        let size = (size as usize).min(buffer.len() * 8);
        // SAFETY: `buffer` holds at least `size` initialised bytes (u64s viewed as bytes).
        let bytes: &[u8] =
            unsafe { std::slice::from_raw_parts(buffer.as_ptr().cast::<u8>(), size) };
        // SAFETY: on success the buffer starts with an HTTP_SERVICE_CONFIG_SSL_SET (aligned: u64s).
        let set = unsafe { &*buffer.as_ptr().cast::<HTTP_SERVICE_CONFIG_SSL_SET>() };
        // Every pointer in the answer points into the buffer: read through the byte slice, so that
        // a pointer outside it reads nothing instead of someone else's memory.
        let base = bytes.as_ptr() as usize;
        let inside = |pointer: usize, len: usize| -> Option<&[u8]> {
            let offset = pointer.checked_sub(base)?;
            bytes.get(offset..offset.checked_add(len)?)
        };
        let key = set.KeyDesc.pIpPort as usize;
        let address = inside(key, 2).and_then(|family| {
            // SOCKADDR_IN is 16 bytes, SOCKADDR_IN6 28.
            let len = if u16::from_le_bytes([family[0], family[1]]) == 23 {
                28
            } else {
                16
            };
            socket_address(inside(key, len)?)
        });
        let param = &set.ParamDesc;
        let hash =
            inside(param.pSslHash as usize, param.SslHashLength as usize).unwrap_or_default();
        let store_name = inside(param.pSslCertStoreName as usize, 0)
            .and_then(|_| {
                let offset = (param.pSslCertStoreName as usize).checked_sub(base)?;
                let units: Vec<u16> = bytes
                    .get(offset..)?
                    .chunks_exact(2)
                    .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                    .take_while(|&u| u != 0)
                    .collect();
                Some(String::from_utf16_lossy(&units))
            })
            .unwrap_or_default();
        let id = param.AppId;
        let binding = address
            .filter(|a| a.port() == port)
            .map(|a| HttpSysBinding {
                ip_port: a.to_string(),
                certificate_hash: hash.iter().map(|b| format!("{b:02X}")).collect(),
                certificate_store: store_name,
                application_id: guid_text(id.data1, id.data2, id.data3, id.data4),
                negotiate_client_certificate: param.DefaultFlags
                    & HTTP_SERVICE_CONFIG_SSL_FLAG_NEGOTIATE_CLIENT_CERT
                    != 0,
            });
        found.extend(binding);
    }
    Ok(found)
}
