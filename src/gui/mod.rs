//! The guided wizard: certwiz's desktop GUI (egui/eframe). Views are `*_ui` functions over the plain
//! [`wizard::Wizard`] state; slow work runs in [`tasks`]; colours and sizes come from [`tokens`].

pub mod app;
pub mod errors;
pub mod icon;
mod start;
pub mod tasks;
pub mod tokens;
pub mod views;
pub mod wizard;

pub use start::{Renderer, StartOptions, mark_launch, since_launch};

/// Opens the window and runs until it is closed. `renderer` is tried first (default: the platform's);
/// if it cannot start, the other one is tried and the status line says so.
pub fn run(start: StartOptions, renderer: Option<Renderer>) -> Result<(), errors::WindowError> {
    let first = renderer.unwrap_or_else(Renderer::platform_default);
    match run_with(start.clone(), first) {
        Ok(()) => Ok(()),
        // No display at all (or the app failed, not the renderer): another renderer cannot help, and
        // the event loop cannot be made twice in one process.
        Err(e @ (eframe::Error::WinitEventLoop(_) | eframe::Error::AppCreation(_))) => {
            Err(errors::WindowError::NoDisplay {
                reason: errors::without_source_paths(&e.to_string()),
            })
        }
        Err(first_error) => {
            let first_error = renderer_error(&first_error);
            let second = first.other();
            let notice = format!(
                "Drawing with {}: the {} renderer could not start ({first_error}).",
                second.name(),
                first.name()
            );
            eprintln!("certwiz: {notice}");
            let start = StartOptions {
                notice: Some(notice),
                ..start
            };
            run_with(start, second).map_err(|second_error| errors::WindowError::NoRenderer {
                first: first.name(),
                first_reason: first_error,
                second: second.name(),
                second_reason: renderer_error(&second_error),
            })
        }
    }
}

/// A renderer's start-up error in one readable line (glutin's errors carry a whole config dump).
fn renderer_error(error: &eframe::Error) -> String {
    let text = match error {
        eframe::Error::NoGlutinConfigs(_, reason) => {
            format!("no OpenGL configuration fits this display ({reason})")
        }
        other => other.to_string(),
    };
    const MAX: usize = 240;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

fn run_with(start: StartOptions, renderer: Renderer) -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("certwiz: conferencing certificate troubleshooter")
            .with_inner_size([1280.0, 860.0])
            .with_min_inner_size([900.0, 600.0])
            .with_icon(icon::window_icon()),
        renderer: renderer.eframe(),
        ..Default::default()
    };
    eframe::run_native(
        "certwiz",
        options,
        Box::new(move |cc| {
            // The last target comes back unless the command line names one.
            let remembered: Option<wizard::TargetInput> = cc
                .storage
                .and_then(|s| eframe::get_value(s, app::TARGET_KEY));
            let mut app = app::CertwizApp::with_start(start, remembered);
            app.set_renderer(renderer);
            Ok(Box::new(app))
        }),
    )
}
