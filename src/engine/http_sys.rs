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

use crate::engine::port_owner::{HttpSysBinding, guid_text, socket_address};

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

/// Reads a NUL-terminated UTF-16 string.
///
/// # Safety
/// `text` must be null or point at a NUL-terminated UTF-16 string.
unsafe fn wide_text(text: *const u16) -> String {
    if text.is_null() {
        return String::new();
    }
    let mut units = Vec::new();
    // SAFETY: read up to the terminating NUL (bounded against a missing one).
    unsafe {
        for i in 0..4096 {
            let unit = *text.add(i);
            if unit == 0 {
                break;
            }
            units.push(unit);
        }
    }
    String::from_utf16_lossy(&units)
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
        // SAFETY: on success the buffer holds an HTTP_SERVICE_CONFIG_SSL_SET whose pointers point
        // into it.
        let binding = unsafe {
            let set = &*buffer.as_ptr().cast::<HTTP_SERVICE_CONFIG_SSL_SET>();
            let key = set.KeyDesc.pIpPort;
            let address = if key.is_null() {
                None
            } else {
                // SOCKADDR_IN6 is the largest form: 28 bytes.
                let bytes = std::slice::from_raw_parts(key.cast::<u8>(), 28);
                socket_address(bytes)
            };
            let param = &set.ParamDesc;
            let hash = if param.pSslHash.is_null() {
                Vec::new()
            } else {
                std::slice::from_raw_parts(
                    param.pSslHash.cast::<u8>(),
                    param.SslHashLength.min(64) as usize,
                )
                .to_vec()
            };
            let id = param.AppId;
            address
                .filter(|a| a.port() == port)
                .map(|a| HttpSysBinding {
                    ip_port: a.to_string(),
                    certificate_hash: hash.iter().map(|b| format!("{b:02X}")).collect(),
                    certificate_store: wide_text(param.pSslCertStoreName),
                    application_id: guid_text(id.data1, id.data2, id.data3, id.data4),
                    negotiate_client_certificate: param.DefaultFlags
                        & HTTP_SERVICE_CONFIG_SSL_FLAG_NEGOTIATE_CLIENT_CERT
                        != 0,
                })
        };
        found.extend(binding);
    }
    Ok(found)
}
