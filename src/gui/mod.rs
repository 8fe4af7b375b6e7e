//! The guided wizard: certwiz's desktop GUI (egui/eframe). Views are `*_ui` functions over the plain
//! [`wizard::Wizard`] state; slow work runs in [`tasks`]; colours and sizes come from [`tokens`].

pub mod app;
pub mod tasks;
pub mod tokens;
pub mod views;
pub mod wizard;

/// What to fill in when the window opens (`certwiz gui HOST --port ... --run`).
#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    /// Server FQDN.
    pub server_fqdn: Option<String>,
    /// Port.
    pub port: Option<u16>,
    /// Path.
    pub path: Option<String>,
    /// Connect address.
    pub address: Option<std::net::IpAddr>,
    /// Start Run all checks at once.
    pub run: bool,
    /// Certificate files to load into step 3.
    pub files: Vec<std::path::PathBuf>,
    /// Password for PFX files among them.
    pub password: Option<crate::engine::load::Password>,
}

/// Opens the window and runs until it is closed.
pub fn run(start: StartOptions) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("certwiz: conferencing certificate troubleshooter")
            .with_inner_size([1280.0, 860.0])
            .with_min_inner_size([900.0, 600.0]),
        ..Default::default()
    };
    eframe::run_native("certwiz", options, Box::new(move |cc| {
            // The last target comes back unless the command line names one.
            let remembered: Option<wizard::TargetInput> = cc.storage.and_then(|s| eframe::get_value(s, app::TARGET_KEY));
            Ok(Box::new(app::CertwizApp::with_start(start, remembered)))
        }))
        .map_err(|e| format!("cannot open a window ({e}). On a machine without a display, use the commands instead: certwiz check HOST, certwiz inspect FILE (certwiz --help lists them)."))
}
