//! What a hostile CRL distribution point or OCSP responder can send: any bytes through the CRL reader
//! and the OCSP reader, against a real certificate and issuer. Must never panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn pair() -> &'static (Vec<u8>, Vec<u8>) {
    static PAIR: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    PAIR.get_or_init(|| {
        let pki = certwiz::lab::LabPki::generate().expect("lab PKI");
        (pki.server.chain[0].clone(), pki.server.chain[1].clone())
    })
}

fuzz_target!(|data: &[u8]| {
    let (cert, issuer) = pair();
    let _ = certwiz::engine::revocation::crl::evaluate(data, cert, issuer);
    let _ = certwiz::engine::revocation::ocsp::evaluate(data, cert, issuer);
});
