//! Loading every format, and every kind of bad input: a clear error that names the file, never a panic
//! or a hang.

use certwiz::engine::load::{KeyEncoding, LoadError, Password, load_bytes, load_path};

use crate::common::{PFX_PASSWORD, Scratch, healthy, openssl_file};

fn pw(text: &str) -> Password {
    Password::new(text.to_owned())
}

#[test]
fn pem_with_text_around_blocks_keeps_order() {
    let loaded = load_path(&openssl_file("rsa-chain.pem"), None).expect("loads");
    assert_eq!(loaded.certificates.len(), 3);
    assert_eq!(loaded.certificates[0].origin.position, 1);
    assert!(
        loaded.certificates[0]
            .origin
            .source
            .ends_with("rsa-chain.pem")
    );
}

#[test]
fn der_certificate_loads() {
    let loaded = load_path(&openssl_file("rsa-leaf.der"), None).expect("loads");
    assert_eq!(loaded.certificates.len(), 1);
    assert_eq!(loaded.certificates[0].der.len(), 1056);
}

#[test]
fn truncated_der_names_the_byte() {
    let err = load_path(&openssl_file("rsa-leaf-truncated.der"), None).unwrap_err();
    assert!(
        err.to_string().ends_with(
            "rsa-leaf-truncated.der: truncated at byte 400 (the data declares 1056 bytes)"
        ),
        "{err}"
    );
}

#[test]
fn modern_and_legacy_pfx_load_with_the_password() {
    for file in ["rsa-modern.pfx", "rsa-legacy.pfx"] {
        let loaded = load_path(&openssl_file(file), Some(&pw(PFX_PASSWORD))).expect("pfx loads");
        assert_eq!(loaded.certificates.len(), 3, "{file}");
        assert_eq!(loaded.keys.len(), 1, "{file}");
        assert_eq!(loaded.keys[0].encoding, KeyEncoding::Pkcs8);
        // The certificate that belongs to the key comes first.
        let first = certwiz::engine::cert::CertificateFacts::from_der(&loaded.certificates[0].der)
            .expect("parses");
        assert_eq!(first.display_name, "pool01.contoso.test", "{file}");
        // The key never shows in Debug output.
        let debug = format!("{loaded:?}");
        assert!(debug.contains("<redacted>") && !debug.contains(PFX_PASSWORD));
    }
}

#[test]
fn wrong_pfx_password_is_said_plainly() {
    let err = load_path(&openssl_file("rsa-modern.pfx"), Some(&pw("not-it"))).unwrap_err();
    assert!(matches!(err, LoadError::WrongPassword { .. }));
    assert!(
        err.to_string().ends_with("rsa-modern.pfx: wrong password"),
        "{err}"
    );
}

#[test]
fn pfx_without_password_asks_for_one() {
    let err = load_path(&openssl_file("rsa-legacy.pfx"), None).unwrap_err();
    assert!(matches!(err, LoadError::PasswordRequired { .. }));
    assert!(err.wants_password());
}

#[test]
fn pfx_with_empty_password_opens_without_one() {
    let loaded = load_path(&openssl_file("rsa-emptypass.pfx"), None).expect("loads");
    assert_eq!((loaded.certificates.len(), loaded.keys.len()), (1, 1));
}

#[test]
fn pfx_without_a_key_gives_certificates_only() {
    let loaded = load_path(&openssl_file("rsa-nokey.pfx"), Some(&pw(PFX_PASSWORD))).expect("loads");
    assert_eq!((loaded.certificates.len(), loaded.keys.len()), (3, 0));
}

#[test]
fn pem_private_key_is_kept_in_memory_only() {
    let loaded = load_path(&openssl_file("rsa-leaf.key"), None).expect("key-only file loads");
    assert_eq!(loaded.certificates.len(), 0);
    assert_eq!(loaded.keys.len(), 1);
    assert!(!loaded.keys[0].secret_der().is_empty());
    assert!(!format!("{:?}", loaded.keys[0]).contains("MII"));
}

#[test]
fn empty_garbage_and_text_are_clear_errors() {
    let s = Scratch::new();
    let cases: [(&str, &[u8], &str); 5] = [
        ("empty.pem", b"", "empty.pem: the file is empty"),
        (
            "garbage.der",
            &[0xde, 0xad, 0xbe, 0xef, 0x00, 0x01],
            "garbage.der: no certificate found (the data is not PEM, DER, PKCS#7 or PKCS#12)",
        ),
        (
            "notes.txt",
            b"Subject: CN=pool01\nno blocks here\n",
            "notes.txt: no certificate found (the file is text without a -----BEGIN CERTIFICATE----- block)",
        ),
        (
            "bundle.pem",
            b"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
            "bundle.pem: no certificate found (the PEM blocks are CERTIFICATE REQUEST, not CERTIFICATE, PKCS7 or a private key)",
        ),
        (
            "seq.der",
            &[0x30, 0x03, 0x02, 0x01, 0x05],
            "seq.der: damaged PKCS#12 file",
        ),
    ];
    for (name, data, expected) in cases {
        let path = s.write(name, data);
        let err = load_path(&path, None).unwrap_err().to_string();
        let shown = err.rsplit('/').next().unwrap_or(&err);
        assert!(
            shown.starts_with(expected),
            "{name}: got {shown:?}, wanted {expected:?}"
        );
    }
}

#[test]
fn damaged_base64_names_the_block() {
    let pki = healthy("pool01.contoso.test");
    let mut text = pki.leaf.pem.clone();
    text.push_str("-----BEGIN CERTIFICATE-----\n!!!!not base64!!!!\n-----END CERTIFICATE-----\n");
    let err = load_bytes("two.pem", text.as_bytes(), None)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("two.pem (PEM block 2): the \"CERTIFICATE\" block is not valid base64"),
        "{err}"
    );
}

#[test]
fn fifty_megabytes_is_refused_quickly() {
    let s = Scratch::new();
    let path = s.write("huge.pem", vec![b'A'; 50 * 1024 * 1024]);
    let err = load_path(&path, None).unwrap_err();
    assert!(
        matches!(err, LoadError::TooLarge { limit_mib: 16, .. }),
        "{err}"
    );
}

#[test]
fn missing_file_is_named() {
    let err = load_path(std::path::Path::new("/nonexistent/server.cer"), None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "/nonexistent/server.cer: no such file or folder"
    );
}

#[test]
fn folder_with_bad_files_loads_the_good_ones_and_lists_the_rest() {
    let s = Scratch::new();
    let pki = healthy("pool01.contoso.test");
    s.write("a-leaf.pem", &pki.leaf.pem);
    s.write("b-broken.der", [0x30, 0x82, 0x05, 0x00, 0x01]);
    s.write("c-readme.txt", "exported from MMC");
    std::fs::create_dir(s.path().join("d-subfolder")).expect("mkdir");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/nonexistent/target", s.path().join("e-dangling.pem"))
            .expect("symlink");
        // A FIFO would block a naive reader forever; it must be passed over.
        let fifo = s.path().join("f-fifo.pem");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|st| st.success()), "mkfifo");
    }
    let loaded = load_path(s.path(), None).expect("folder loads");
    assert_eq!(loaded.certificates.len(), 1);
    let skipped: Vec<String> = loaded.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(
        skipped[0].contains("b-broken.der: truncated at byte 5"),
        "{skipped:?}"
    );
    assert!(
        skipped[1].contains("c-readme.txt: no certificate found"),
        "{skipped:?}"
    );
}

#[test]
fn folder_without_certificates_is_an_error() {
    let s = Scratch::new();
    s.write("readme.txt", "nothing here");
    let err = load_path(s.path(), None).unwrap_err();
    assert!(
        matches!(err, LoadError::EmptyFolder { files: 1, .. }),
        "{err}"
    );
}

#[test]
fn system_roots_load_or_say_why() {
    match certwiz::engine::load::load_system_roots() {
        Ok(loaded) => assert!(!loaded.certificates.is_empty()),
        Err(err) => assert!(err.to_string().starts_with("system trust store:"), "{err}"),
    }
}
