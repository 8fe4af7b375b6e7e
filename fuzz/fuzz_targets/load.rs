//! Fuzzes the certificate loader: `load_bytes` guesses PEM / DER / PKCS#7 / PKCS#12 and must
//! never panic or hang, whatever the bytes. Every certificate it returns is then parsed into
//! facts and run through the path builder, which must not panic either.

#![no_main]

use certwiz::engine::cert::CertificateFacts;
use certwiz::engine::load::{Password, load_bytes};
use certwiz::engine::path::CandidatePool;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let wrong = Password::new("x".into());
    // The password of the openssl-made seed PFX files, so mutated PKCS#12 inputs get past the MAC.
    let seed = Password::new("Marker-Pfx-Pass-123".into());
    for pw in [None, Some(&wrong), Some(&seed)] {
        // Errors are expected for most inputs; only panics, hangs and OOMs are bugs.
        let Ok(loaded) = load_bytes("fuzz", data, pw) else {
            continue;
        };

        let mut pool = CandidatePool::new();
        let mut indices = Vec::new();
        let last = loaded.certificates.len().saturating_sub(1);
        for (i, cert) in loaded.certificates.iter().enumerate() {
            let _ = CertificateFacts::from_der(&cert.der);
            // The last certificate (a root, in the usual leaf-first order) is the trust anchor,
            // so the builder also explores the "path reaches an anchor" branches.
            if let Ok(index) = pool.add(cert, i == last) {
                indices.push(index);
            }
        }
        indices.sort_unstable();
        indices.dedup();
        for index in indices {
            let _ = pool.build_path(index, time::OffsetDateTime::UNIX_EPOCH);
        }
    }
});
