//! The Windows backend: the Local Machine stores ("My", "Root", "CA") through CryptoAPI, read-only,
//! with what MMC shows for each certificate: friendly name, whether a private key is present, and the
//! purpose property (`CertGetEnhancedKeyUsage` with `CERT_FIND_PROP_ONLY_ENHKEY_USAGE_FLAG`: the
//! store's setting alone, not intersected with the certificate's extension, which certwiz reads
//! itself). `windows-sys` rather than `schannel`: schannel's `valid_uses()` returns extension and
//! property combined, so it cannot tell MMC's setting apart. The decoding is in
//! [`super::windows_props`], tested on every system.
#![allow(unsafe_code)]

use std::ffi::c_void;
use std::ptr;
use std::sync::Arc;

use windows_sys::Win32::Foundation::{GetLastError, SetLastError};
use windows_sys::Win32::Security::Cryptography::{
    CERT_CONTEXT, CERT_FIND_PROP_ONLY_ENHKEY_USAGE_FLAG, CERT_FRIENDLY_NAME_PROP_ID,
    CERT_KEY_PROV_INFO_PROP_ID, CERT_STORE_OPEN_EXISTING_FLAG, CERT_STORE_PROV_SYSTEM_W,
    CERT_STORE_READONLY_FLAG, CERT_SYSTEM_STORE_LOCAL_MACHINE, CTL_USAGE, CertCloseStore,
    CertEnumCertificatesInStore, CertGetCertificateContextProperty, CertGetEnhancedKeyUsage,
    CertOpenStore, HCERTSTORE,
};

use super::windows_props::{EnhancedKeyUsageAnswer, purposes_from_answer, string_property};
use crate::engine::load::Origin;
use crate::engine::purpose::StorePurposes;
use crate::engine::store::{CertStore, RawStoreCertificate, StoreError, StoreKind, StoreName};

/// The Local Machine certificate stores of this computer.
#[derive(Debug, Default, Clone, Copy)]
pub struct MachineStore;

/// An open store, closed on drop.
pub(super) struct OpenStore(pub(super) HCERTSTORE);

impl Drop for OpenStore {
    fn drop(&mut self) {
        // SAFETY: the handle came from CertOpenStore and is closed once.
        unsafe {
            CertCloseStore(self.0, 0);
        }
    }
}

impl OpenStore {
    /// Opens a Local Machine system store read-only; it must exist.
    pub(super) fn local_machine(name: &str) -> Result<Self, u32> {
        let wide: Vec<u16> = name.encode_utf16().chain(std::iter::once(0)).collect();
        // SAFETY: `wide` is a NUL-terminated UTF-16 string that outlives the call.
        let handle = unsafe {
            CertOpenStore(
                CERT_STORE_PROV_SYSTEM_W,
                0,
                0,
                CERT_SYSTEM_STORE_LOCAL_MACHINE
                    | CERT_STORE_READONLY_FLAG
                    | CERT_STORE_OPEN_EXISTING_FLAG,
                wide.as_ptr().cast::<c_void>(),
            )
        };
        if handle.is_null() {
            // SAFETY: no preconditions.
            Err(unsafe { GetLastError() })
        } else {
            Ok(OpenStore(handle))
        }
    }
}

/// A property's bytes, or None when it is not set.
///
/// # Safety
/// `context` must be a valid certificate context.
unsafe fn property(context: *const CERT_CONTEXT, id: u32) -> Option<Vec<u8>> {
    let mut size = 0u32;
    // SAFETY: size query with a null buffer, per the API.
    if unsafe { CertGetCertificateContextProperty(context, id, ptr::null_mut(), &mut size) } == 0 {
        return None;
    }
    let mut buffer = vec![0u8; size as usize];
    // SAFETY: `buffer` holds `size` bytes.
    let ok = unsafe {
        CertGetCertificateContextProperty(context, id, buffer.as_mut_ptr().cast(), &mut size)
    };
    if ok == 0 {
        return None;
    }
    buffer.truncate(size as usize);
    Some(buffer)
}

/// The purpose property alone (`CERT_FIND_PROP_ONLY_ENHKEY_USAGE_FLAG`).
///
/// # Safety
/// `context` must be a valid certificate context.
unsafe fn purpose_property(context: *const CERT_CONTEXT) -> Result<StorePurposes, String> {
    let flags = CERT_FIND_PROP_ONLY_ENHKEY_USAGE_FLAG;
    let mut size = 0u32;
    // SAFETY: size query with a null buffer; the error is cleared first so that it means something.
    let (sized, error) = unsafe {
        SetLastError(0);
        let ok = CertGetEnhancedKeyUsage(context, flags, ptr::null_mut(), &mut size);
        (ok != 0, GetLastError())
    };
    if !sized {
        return purposes_from_answer(&EnhancedKeyUsageAnswer {
            succeeded: false,
            oids: Vec::new(),
            last_error: error,
        });
    }
    // u64 storage keeps the CTL_USAGE header aligned.
    let mut buffer = vec![0u64; (size as usize).div_ceil(8).max(1)];
    let usage = buffer.as_mut_ptr().cast::<CTL_USAGE>();
    // SAFETY: `buffer` holds at least `size` bytes, aligned for CTL_USAGE.
    let (ok, error) = unsafe {
        SetLastError(0);
        let ok = CertGetEnhancedKeyUsage(context, flags, usage, &mut size);
        (ok != 0, GetLastError())
    };
    let mut oids = Vec::new();
    if ok {
        // SAFETY: on success the buffer holds a CTL_USAGE whose array and strings point into it.
        unsafe {
            let usage = &*usage;
            for i in 0..usage.cUsageIdentifier as usize {
                let oid = *usage.rgpszUsageIdentifier.add(i);
                if !oid.is_null() {
                    let text = std::ffi::CStr::from_ptr(oid.cast());
                    oids.push(text.to_string_lossy().into_owned());
                }
            }
        }
    }
    purposes_from_answer(&EnhancedKeyUsageAnswer {
        succeeded: ok,
        oids,
        last_error: error,
    })
}

impl CertStore for MachineStore {
    fn description(&self) -> String {
        "this computer's Local Machine certificate stores (Certificates snap-in, computer account)"
            .to_owned()
    }

    fn kind(&self) -> StoreKind {
        StoreKind::WindowsMachine
    }

    fn list(&self, store: StoreName) -> Result<Vec<RawStoreCertificate>, StoreError> {
        let source = format!("Local Machine {}", store.system_name());
        let open = OpenStore::local_machine(store.system_name()).map_err(|code| StoreError {
            store: format!("{} ({source})", store.title()),
            reason: format!(
                "cannot be opened (error 0x{code:08X}{})",
                if code == 5 {
                    ": access denied, run certwiz as an administrator"
                } else {
                    ""
                }
            ),
        })?;
        let mut out = Vec::new();
        let mut context: *const CERT_CONTEXT = ptr::null();
        loop {
            // SAFETY: `context` is null or the previous context of this store, which this call frees.
            context = unsafe { CertEnumCertificatesInStore(open.0, context) };
            if context.is_null() {
                break;
            }
            // SAFETY: a non-null context from the enumeration is valid until the next call.
            let (der, friendly_name, has_private_key, purposes) = unsafe {
                let c = &*context;
                let der: Arc<[u8]> = if c.pbCertEncoded.is_null() {
                    Arc::from(Vec::new())
                } else {
                    Arc::from(std::slice::from_raw_parts(
                        c.pbCertEncoded,
                        c.cbCertEncoded as usize,
                    ))
                };
                (
                    der,
                    property(context, CERT_FRIENDLY_NAME_PROP_ID).and_then(|b| string_property(&b)),
                    property(context, CERT_KEY_PROV_INFO_PROP_ID).is_some(),
                    purpose_property(context),
                )
            };
            // An unreadable property restricts nothing here; the listing says it could not be read.
            let (purposes, problem) = match purposes {
                Ok(p) => (p, None),
                Err(e) => (StorePurposes::AllEnabled, Some(e)),
            };
            out.push(RawStoreCertificate {
                store,
                der,
                friendly_name,
                has_private_key,
                purposes,
                origin: Origin {
                    source: source.clone(),
                    position: out.len() + 1,
                },
                problem,
            });
        }
        Ok(out)
    }
}
