//! Windows resources for certwiz.exe: the icon (assets/icon/certwiz.ico), the version resource
//! (ProductName, FileDescription, ProductVersion and FileVersion from Cargo.toml, so support can ask
//! "which version?" in Properties > Details) and the application manifest
//! (assets/windows/certwiz.manifest). Made with the `winresource` crate through MinGW's windres when
//! cross-building; nothing happens for other targets.

fn main() {
    println!("cargo:rerun-if-changed=assets/icon/certwiz.ico");
    println!("cargo:rerun-if-changed=assets/windows/certwiz.manifest");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let mut res = winresource::WindowsResource::new();
    res.set_icon("assets/icon/certwiz.ico")
        .set_manifest_file("assets/windows/certwiz.manifest")
        .set("ProductName", "certwiz")
        .set(
            "FileDescription",
            "certwiz: certificate and mutual-TLS troubleshooter for conferencing servers",
        )
        .set("CompanyName", "certwiz contributors")
        .set("LegalCopyright", "MIT OR Apache-2.0");
    // A build without windres (or the MinGW tools) must say so, not ship an exe without resources.
    if let Err(e) = res.compile() {
        println!("cargo:warning=certwiz: Windows resources not embedded: {e}");
        std::process::exit(1);
    }
}
