//! The machine store's private keys through CNG, for mutual TLS without exporting them (Windows only):
//! `CryptAcquireCertificatePrivateKey` (CNG only, silent) on the certificate found in the Local
//! Machine "My" store, then `NCryptSignHash` for each handshake signature. The scheme choice, hashing,
//! padding and ECDSA encoding are in [`super::signing`], tested on every system.
#![allow(unsafe_code)]

use std::ptr;
use std::sync::{Arc, Mutex};

use rustls::sign::SigningKey;
use windows_sys::Win32::Foundation::GetLastError;
use windows_sys::Win32::Security::Cryptography::{
    BCRYPT_PAD_PKCS1, BCRYPT_PAD_PSS, BCRYPT_PKCS1_PADDING_INFO, BCRYPT_PSS_PADDING_INFO,
    CERT_CONTEXT, CERT_NCRYPT_KEY_SPEC, CRYPT_ACQUIRE_ONLY_NCRYPT_KEY_FLAG,
    CRYPT_ACQUIRE_SILENT_FLAG, CertEnumCertificatesInStore, CertFreeCertificateContext,
    CryptAcquireCertificatePrivateKey, CryptReleaseContext, NCRYPT_SILENT_FLAG, NCryptFreeObject,
    NCryptSignHash,
};

use super::signing::{HashSigner, Padding, StoreSigningKey, key_algorithm};
use super::windows::OpenStore;

/// A CNG key handle, freed on drop when CryptoAPI said the caller owns it.
#[derive(Debug)]
struct NcryptKey {
    handle: usize,
    owned: bool,
    /// One signature at a time per handle.
    lock: Mutex<()>,
}

impl Drop for NcryptKey {
    fn drop(&mut self) {
        if self.owned {
            // SAFETY: the handle came from CryptAcquireCertificatePrivateKey with "caller frees".
            unsafe {
                NCryptFreeObject(self.handle);
            }
        }
    }
}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(std::iter::once(0)).collect()
}

impl HashSigner for NcryptKey {
    fn sign_digest(&self, padding: Padding, digest: &[u8]) -> Result<Vec<u8>, String> {
        let _one_at_a_time = self
            .lock
            .lock()
            .map_err(|_| "the key is unusable".to_owned())?;
        let algorithm = wide(padding.hash().cng_name());
        let pkcs1 = BCRYPT_PKCS1_PADDING_INFO {
            pszAlgId: algorithm.as_ptr(),
        };
        let pss = BCRYPT_PSS_PADDING_INFO {
            pszAlgId: algorithm.as_ptr(),
            cbSalt: u32::try_from(padding.hash().digest_len()).unwrap_or(32),
        };
        let (info, flags): (*const std::ffi::c_void, u32) = match padding {
            Padding::Pkcs1(_) => (
                (&pkcs1 as *const BCRYPT_PKCS1_PADDING_INFO).cast(),
                BCRYPT_PAD_PKCS1,
            ),
            Padding::Pss(_) => (
                (&pss as *const BCRYPT_PSS_PADDING_INFO).cast(),
                BCRYPT_PAD_PSS,
            ),
            Padding::Ecdsa(_) => (ptr::null(), 0),
        };
        let digest_len = u32::try_from(digest.len()).map_err(|_| "digest too long".to_owned())?;
        // Called twice: for the size (no buffer), then to sign into a buffer of that size.
        let sign = |output: &mut [u8]| -> Result<u32, String> {
            let mut size = 0u32;
            let (pointer, capacity) = if output.is_empty() {
                (ptr::null_mut(), 0)
            } else {
                (
                    output.as_mut_ptr(),
                    u32::try_from(output.len()).map_err(|_| "signature too long".to_owned())?,
                )
            };
            // SAFETY: `info` and `algorithm` outlive the call; `digest` is `digest_len` bytes;
            // `pointer` is null or `output`, `capacity` bytes long.
            let status = unsafe {
                NCryptSignHash(
                    self.handle,
                    info,
                    digest.as_ptr(),
                    digest_len,
                    pointer,
                    capacity,
                    &mut size,
                    flags | NCRYPT_SILENT_FLAG,
                )
            };
            if status != 0 {
                return Err(format!("NCryptSignHash failed (0x{:08X})", status as u32));
            }
            Ok(size)
        };
        let needed = sign(&mut [])?;
        let mut signature = vec![0u8; needed as usize];
        let size = sign(&mut signature)?;
        signature.truncate(size as usize);
        Ok(signature)
    }
}

/// The signing key of the certificate `der` in the Local Machine Personal store, used in place: the key
/// is never exported. Fails with a sentence when the certificate is not there, has no key, the key is
/// not a CNG key certwiz can reach (a smart card asking for a PIN, a legacy CSP key) or access is denied
/// (run as an administrator, or grant the account read access to the key: MMC > All Tasks > Manage
/// Private Keys).
pub fn machine_signing_key(der: &[u8]) -> Result<Arc<dyn SigningKey>, String> {
    let algorithm = key_algorithm(der).ok_or_else(|| {
        "the certificate's key type cannot sign TLS handshakes here (RSA, P-256 and P-384 can)"
            .to_owned()
    })?;
    let store = OpenStore::local_machine("My")
        .map_err(|code| format!("the Personal store cannot be opened (error 0x{code:08X})"))?;
    let mut context: *const CERT_CONTEXT = ptr::null();
    loop {
        // SAFETY: `context` is null or the previous context of this store, which this call frees.
        context = unsafe { CertEnumCertificatesInStore(store.0, context) };
        if context.is_null() {
            return Err("the certificate is not in the Local Machine Personal store".to_owned());
        }
        // SAFETY: a non-null context from the enumeration is valid until the next call.
        let encoded = unsafe {
            let c = &*context;
            if c.pbCertEncoded.is_null() {
                &[][..]
            } else {
                std::slice::from_raw_parts(c.pbCertEncoded, c.cbCertEncoded as usize)
            }
        };
        if encoded == der {
            break;
        }
    }
    let mut handle = 0usize;
    let mut key_spec = 0u32;
    let mut caller_frees = 0;
    // SAFETY: `context` is valid (found above); the out-pointers are valid locals.
    let ok = unsafe {
        CryptAcquireCertificatePrivateKey(
            context,
            CRYPT_ACQUIRE_ONLY_NCRYPT_KEY_FLAG | CRYPT_ACQUIRE_SILENT_FLAG,
            ptr::null(),
            &mut handle,
            &mut key_spec,
            &mut caller_frees,
        )
    };
    // SAFETY: no preconditions; read before anything else can change it.
    let error = unsafe { GetLastError() };
    // SAFETY: the context came from the enumeration, which stopped without freeing it.
    unsafe {
        CertFreeCertificateContext(context);
    }
    if ok == 0 {
        return Err(format!(
            "the private key cannot be used (error 0x{error:08X}{})",
            match error {
                5 | 0x8009_0010 =>
                    ": access denied; run certwiz as an administrator, or grant this account read access (MMC > All Tasks > Manage Private Keys)",
                0x8009_200B => ": the certificate has no private key here",
                0x8009_0016 =>
                    ": the key set does not exist or cannot be read (the MachineKeys file is missing or not readable by this account); certutil -repairstore my <thumbprint> relinks it, and MMC > All Tasks > Manage Private Keys grants access",
                0x8009_0022 =>
                    ": the key needs a PIN or a prompt (smart card or strong key protection), which certwiz does not show",
                0x8009_0014 => ": the key's provider is not a CNG provider certwiz can use",
                _ => "",
            }
        ));
    }
    // Only a CNG key handle may go to NCryptSignHash / NCryptFreeObject. Some implementations hand out
    // a CryptoAPI provider handle despite the CNG-only flag: release it and say so.
    if key_spec != CERT_NCRYPT_KEY_SPEC {
        if caller_frees != 0 {
            // SAFETY: a CryptoAPI provider handle the caller owns, released once.
            unsafe {
                CryptReleaseContext(handle, 0);
            }
        }
        return Err(
            "the private key is a legacy CryptoAPI key, not a CNG key; export the PFX and load it instead"
                .to_owned(),
        );
    }
    // Without "caller frees", the handle belongs to the certificate context, which is gone now: it
    // must not be used.
    if caller_frees == 0 {
        return Err(
            "the private key handle belongs to the store's cache and cannot be kept; try again"
                .to_owned(),
        );
    }
    let key = NcryptKey {
        handle,
        owned: true,
        lock: Mutex::new(()),
    };
    Ok(Arc::new(StoreSigningKey::new(algorithm, Arc::new(key))))
}
