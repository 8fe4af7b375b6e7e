//! Test fixture for `scripts/windows-smoke.sh`: puts test certificates into the Local Machine stores of
//! a Wine prefix through the same CryptoAPI the Windows backend reads, so that `certwiz store` and
//! `certwiz check --store-cert` meet a machine store with a private key, a friendly name and an MMC
//! purpose setting. Not for real servers: it writes to the machine's stores.
//!
//! Usage (Windows / Wine only):
//!   store_fixture cert STORE FILE.cer [--only-server-auth]   add a DER certificate to My / Root / CA,
//!                                                             optionally set "Enable only the following
//!                                                             purposes: Server Authentication"
//!   store_fixture pfx FILE.pfx FRIENDLY-NAME                  import a PFX (empty password) into My,
//!                                                             key included, with a friendly name
//!   store_fixture sslcert PORT SHA1-HEX                       an HTTP.SYS HTTPS binding 0.0.0.0:PORT
//!                                                             with IIS's application ID

#[cfg(windows)]
#[allow(unsafe_code)]
fn main() -> std::process::ExitCode {
    use std::ffi::c_void;
    use std::ptr;
    use windows_sys::Win32::Foundation::GetLastError;
    use windows_sys::Win32::Security::Cryptography::{
        CERT_CONTEXT, CERT_FRIENDLY_NAME_PROP_ID, CERT_KEY_PROV_INFO_PROP_ID,
        CERT_STORE_ADD_REPLACE_EXISTING, CERT_STORE_PROV_SYSTEM_W, CERT_SYSTEM_STORE_LOCAL_MACHINE,
        CRYPT_INTEGER_BLOB, CRYPT_MACHINE_KEYSET, CTL_USAGE, CertAddCertificateContextToStore,
        CertAddEncodedCertificateToStore, CertCloseStore, CertEnumCertificatesInStore,
        CertFreeCertificateContext, CertGetCertificateContextProperty,
        CertSetCertificateContextProperty, CertSetEnhancedKeyUsage, PFXImportCertStore,
        X509_ASN_ENCODING,
    };

    fn fail(what: &str) -> std::process::ExitCode {
        // SAFETY: no preconditions.
        let code = unsafe { GetLastError() };
        eprintln!("store_fixture: {what} failed (error 0x{code:08X})");
        std::process::ExitCode::FAILURE
    }
    fn wide(s: &str) -> Vec<u16> {
        s.encode_utf16().chain(std::iter::once(0)).collect()
    }

    let args: Vec<String> = std::env::args().collect();
    let open = |name: &str| {
        let name = wide(name);
        // SAFETY: NUL-terminated name outliving the call.
        unsafe {
            windows_sys::Win32::Security::Cryptography::CertOpenStore(
                CERT_STORE_PROV_SYSTEM_W,
                0,
                0,
                CERT_SYSTEM_STORE_LOCAL_MACHINE,
                name.as_ptr().cast::<c_void>(),
            )
        }
    };
    match args.get(1).map(String::as_str) {
        Some("cert") if args.len() >= 4 => {
            let Ok(der) = std::fs::read(&args[3]) else {
                eprintln!("store_fixture: cannot read {}", args[3]);
                return std::process::ExitCode::FAILURE;
            };
            let store = open(&args[2]);
            if store.is_null() {
                return fail("CertOpenStore");
            }
            let mut added: *mut CERT_CONTEXT = ptr::null_mut();
            // SAFETY: `der` is valid for its length; `added` receives a context we free.
            let ok = unsafe {
                CertAddEncodedCertificateToStore(
                    store,
                    X509_ASN_ENCODING,
                    der.as_ptr(),
                    der.len() as u32,
                    CERT_STORE_ADD_REPLACE_EXISTING,
                    &mut added,
                )
            };
            if ok == 0 {
                return fail("CertAddEncodedCertificateToStore");
            }
            if args.iter().any(|a| a == "--only-server-auth") {
                let mut oid = *b"1.3.6.1.5.5.7.3.1\0";
                let mut oids = [oid.as_mut_ptr()];
                let usage = CTL_USAGE {
                    cUsageIdentifier: 1,
                    rgpszUsageIdentifier: oids.as_mut_ptr(),
                };
                // SAFETY: `added` is a valid context; `usage` points at live data.
                if unsafe { CertSetEnhancedKeyUsage(added, &usage) } == 0 {
                    return fail("CertSetEnhancedKeyUsage");
                }
            }
            // SAFETY: the context and store came from the calls above.
            unsafe {
                CertFreeCertificateContext(added);
                CertCloseStore(store, 0);
            }
            println!("store_fixture: added {} to {}", args[3], args[2]);
            std::process::ExitCode::SUCCESS
        }
        Some("pfx") if args.len() >= 4 => {
            let Ok(mut pfx) = std::fs::read(&args[2]) else {
                eprintln!("store_fixture: cannot read {}", args[2]);
                return std::process::ExitCode::FAILURE;
            };
            let blob = CRYPT_INTEGER_BLOB {
                cbData: pfx.len() as u32,
                pbData: pfx.as_mut_ptr(),
            };
            let empty = wide("");
            // SAFETY: `blob` points at `pfx`; the password is a NUL-terminated empty string.
            let imported =
                unsafe { PFXImportCertStore(&blob, empty.as_ptr(), CRYPT_MACHINE_KEYSET) };
            if imported.is_null() {
                return fail("PFXImportCertStore");
            }
            let my = open("My");
            if my.is_null() {
                return fail("CertOpenStore(My)");
            }
            let mut friendly = wide(&args[3]);
            let name_blob = CRYPT_INTEGER_BLOB {
                cbData: (friendly.len() * 2) as u32,
                pbData: friendly.as_mut_ptr().cast(),
            };
            let mut context: *const CERT_CONTEXT = ptr::null();
            let mut count = 0;
            loop {
                // SAFETY: enumeration of the imported store.
                context = unsafe { CertEnumCertificatesInStore(imported, context) };
                if context.is_null() {
                    break;
                }
                let mut size = 0u32;
                // SAFETY: size query for the key property of a valid context.
                let has_key = unsafe {
                    CertGetCertificateContextProperty(
                        context,
                        CERT_KEY_PROV_INFO_PROP_ID,
                        ptr::null_mut(),
                        &mut size,
                    )
                } != 0;
                if !has_key {
                    continue;
                }
                // SAFETY: valid context; `name_blob` points at live data.
                unsafe {
                    CertSetCertificateContextProperty(
                        context,
                        CERT_FRIENDLY_NAME_PROP_ID,
                        0,
                        (&name_blob as *const CRYPT_INTEGER_BLOB).cast(),
                    );
                }
                // SAFETY: valid store and context.
                if unsafe {
                    CertAddCertificateContextToStore(
                        my,
                        context,
                        CERT_STORE_ADD_REPLACE_EXISTING,
                        ptr::null_mut(),
                    )
                } == 0
                {
                    return fail("CertAddCertificateContextToStore");
                }
                count += 1;
            }
            // SAFETY: the stores came from the calls above.
            unsafe {
                CertCloseStore(my, 0);
                CertCloseStore(imported, 0);
            }
            println!("store_fixture: imported {count} certificate(s) with their key into My");
            if count == 0 {
                return std::process::ExitCode::FAILURE;
            }
            std::process::ExitCode::SUCCESS
        }
        Some("sslcert") if args.len() >= 4 => {
            use windows_sys::Win32::Networking::HttpServer::{
                HTTP_INITIALIZE_CONFIG, HTTP_SERVICE_CONFIG_SSL_SET, HTTPAPI_VERSION,
                HttpInitialize, HttpServiceConfigSSLCertInfo, HttpSetServiceConfiguration,
            };
            // An HTTP.SYS HTTPS binding 0.0.0.0:PORT with the certificate hash given (hex), made by
            // IIS's application ID, as an IIS site binding on that port would make it.
            let Ok(port) = args[2].parse::<u16>() else {
                eprintln!("store_fixture: bad port {}", args[2]);
                return std::process::ExitCode::from(2);
            };
            let mut hash: Vec<u8> = (0..args[3].len() / 2)
                .filter_map(|i| u8::from_str_radix(args[3].get(2 * i..2 * i + 2)?, 16).ok())
                .collect();
            let mut address = [0u8; 16];
            address[0] = 2;
            address[2..4].copy_from_slice(&port.to_be_bytes());
            let mut store = wide("MY");
            let mut set: HTTP_SERVICE_CONFIG_SSL_SET = Default::default();
            set.KeyDesc.pIpPort = address.as_mut_ptr().cast();
            set.ParamDesc.SslHashLength = hash.len() as u32;
            set.ParamDesc.pSslHash = hash.as_mut_ptr().cast();
            set.ParamDesc.AppId =
                windows_sys::core::GUID::from_u128(0x4dc3e181_e14b_4a21_b022_59fc669b0914);
            set.ParamDesc.pSslCertStoreName = store.as_mut_ptr();
            let version = HTTPAPI_VERSION {
                HttpApiMajorVersion: 1,
                HttpApiMinorVersion: 0,
            };
            // SAFETY: documented initialisation for configuration.
            let status =
                unsafe { HttpInitialize(version, HTTP_INITIALIZE_CONFIG, ptr::null_mut()) };
            if status != 0 {
                eprintln!("store_fixture: HttpInitialize failed (error {status})");
                return std::process::ExitCode::FAILURE;
            }
            // SAFETY: `set` and everything it points at outlive the call.
            let status = unsafe {
                HttpSetServiceConfiguration(
                    ptr::null_mut(),
                    HttpServiceConfigSSLCertInfo,
                    (&set as *const HTTP_SERVICE_CONFIG_SSL_SET).cast(),
                    std::mem::size_of::<HTTP_SERVICE_CONFIG_SSL_SET>() as u32,
                    ptr::null(),
                )
            };
            if status != 0 {
                eprintln!("store_fixture: HttpSetServiceConfiguration failed (error {status})");
                return std::process::ExitCode::FAILURE;
            }
            println!("store_fixture: HTTP.SYS binding 0.0.0.0:{port} made (IIS's application ID)");
            std::process::ExitCode::SUCCESS
        }
        _ => {
            eprintln!(
                "usage: store_fixture cert STORE FILE.cer [--only-server-auth] | store_fixture pfx FILE.pfx FRIENDLY-NAME | store_fixture sslcert PORT SHA1-HEX"
            );
            std::process::ExitCode::from(2)
        }
    }
}

#[cfg(not(windows))]
fn main() -> std::process::ExitCode {
    eprintln!("store_fixture: Windows (or Wine) only; see scripts/windows-smoke.sh");
    std::process::ExitCode::from(2)
}
