//! The pure parts of the Windows store backend, compiled and tested on every system: what the
//! CryptoAPI calls return, turned into certwiz's model.

use crate::engine::purpose::StorePurposes;

/// `CRYPT_E_NOT_FOUND`: the property is not set.
pub const CRYPT_E_NOT_FOUND: u32 = 0x8009_2004;

/// What `CertGetEnhancedKeyUsage(.., CERT_FIND_PROP_ONLY_ENHKEY_USAGE_FLAG, ..)` answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnhancedKeyUsageAnswer {
    /// Whether the call returned TRUE.
    pub succeeded: bool,
    /// The usage identifiers it returned (dotted OIDs), when it succeeded.
    pub oids: Vec<String>,
    /// `GetLastError()` right after the call (the caller sets it to 0 before).
    pub last_error: u32,
}

/// The store's purpose property from the property-only answer, the way MMC shows it:
/// - not set (`CRYPT_E_NOT_FOUND`, as a failure or as an empty success) → "Enable all purposes";
/// - set with purposes → "Enable only the following purposes";
/// - set and empty (success, no error) → "Disable all purposes".
///
/// Any other failure is an error: the caller reports it and assumes nothing.
pub fn purposes_from_answer(answer: &EnhancedKeyUsageAnswer) -> Result<StorePurposes, String> {
    if !answer.succeeded {
        return if answer.last_error == CRYPT_E_NOT_FOUND {
            Ok(StorePurposes::AllEnabled)
        } else {
            Err(format!(
                "the purpose property cannot be read (error 0x{:08X})",
                answer.last_error
            ))
        };
    }
    if !answer.oids.is_empty() {
        return Ok(StorePurposes::Only(answer.oids.clone()));
    }
    // "If the cUsageIdentifier member is zero, the certificate might be valid for all uses or the
    // certificate might have no valid uses": CRYPT_E_NOT_FOUND means all, 0 means none.
    if answer.last_error == CRYPT_E_NOT_FOUND {
        Ok(StorePurposes::AllEnabled)
    } else {
        Ok(StorePurposes::AllDisabled)
    }
}

/// A string property (friendly name): UTF-16LE with a terminating NUL. Empty or blank is no name;
/// unpaired surrogates are replaced, never a failure.
pub fn string_property(bytes: &[u8]) -> Option<String> {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .take_while(|&u| u != 0)
        .collect();
    let text = String::from_utf16_lossy(&units);
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::cert::{OID_CLIENT_AUTH, OID_SERVER_AUTH};

    fn answer(succeeded: bool, oids: &[&str], last_error: u32) -> EnhancedKeyUsageAnswer {
        EnhancedKeyUsageAnswer {
            succeeded,
            oids: oids.iter().map(|s| (*s).to_owned()).collect(),
            last_error,
        }
    }

    #[test]
    fn property_not_set_is_all_purposes() {
        assert_eq!(
            purposes_from_answer(&answer(false, &[], CRYPT_E_NOT_FOUND)),
            Ok(StorePurposes::AllEnabled)
        );
        assert_eq!(
            purposes_from_answer(&answer(true, &[], CRYPT_E_NOT_FOUND)),
            Ok(StorePurposes::AllEnabled)
        );
    }

    #[test]
    fn empty_property_is_disable_all_purposes() {
        assert_eq!(
            purposes_from_answer(&answer(true, &[], 0)),
            Ok(StorePurposes::AllDisabled)
        );
    }

    #[test]
    fn listed_purposes_are_enable_only() {
        assert_eq!(
            purposes_from_answer(&answer(true, &[OID_SERVER_AUTH], 0)),
            Ok(StorePurposes::Only(vec![OID_SERVER_AUTH.to_owned()]))
        );
        // The OIDs decide, whatever error value is left over.
        assert_eq!(
            purposes_from_answer(&answer(
                true,
                &[OID_SERVER_AUTH, OID_CLIENT_AUTH],
                CRYPT_E_NOT_FOUND
            )),
            Ok(StorePurposes::Only(vec![
                OID_SERVER_AUTH.to_owned(),
                OID_CLIENT_AUTH.to_owned()
            ]))
        );
    }

    #[test]
    fn other_failures_are_errors() {
        let err = purposes_from_answer(&answer(false, &[], 0x8007_0005)).unwrap_err();
        assert!(err.contains("0x80070005"), "{err}");
    }

    #[test]
    fn friendly_names_decode_from_utf16() {
        let bytes: Vec<u8> = "Lync pool 2013\0"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(string_property(&bytes).as_deref(), Some("Lync pool 2013"));
        assert_eq!(string_property(&[0, 0]), None);
        assert_eq!(string_property(&[]), None);
        assert_eq!(string_property(&[b' ', 0, 0, 0]), None);
        // Odd length and an unpaired surrogate: decoded, not a panic.
        assert_eq!(
            string_property(&[0x00, 0xD8, b'A', 0, 7]).as_deref(),
            Some("\u{FFFD}A")
        );
    }
}
