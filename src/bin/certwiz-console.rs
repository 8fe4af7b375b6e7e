//! `certwiz.com`: the console launcher beside the GUI program `certwiz.exe` (as Visual Studio ships
//! devenv.com beside devenv.exe). cmd.exe and PowerShell try `.com` before `.exe`, so `certwiz check
//! ...` typed in a console runs this: it starts `certwiz.exe` from its own folder with the console's
//! standard handles (the output, the PFX password prompt), waits, and returns its exit code (0 / 1 / 2)
//! to `%ERRORLEVEL%` / `$LASTEXITCODE`. With no command it starts the window and returns at once, so the
//! console is free again. Only the standard library: it must start instantly.

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let Some(gui) = std::env::current_exe().ok().map(|exe| {
        exe.with_file_name(if cfg!(windows) {
            "certwiz.exe"
        } else {
            "certwiz"
        })
    }) else {
        eprintln!("certwiz: error: cannot find this program's own folder");
        return ExitCode::from(2);
    };
    let mut child = Command::new(&gui);
    child.args(&args);
    if args.is_empty() {
        // The window: started, not waited for.
        return match child.spawn() {
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("certwiz: error: cannot start {}: {e}", gui.display());
                ExitCode::from(2)
            }
        };
    }
    match child.status() {
        Ok(status) => ExitCode::from(
            status
                .code()
                .and_then(|c| u8::try_from(c).ok())
                .unwrap_or(2),
        ),
        Err(e) => {
            eprintln!(
                "certwiz: error: cannot start {} (keep certwiz.com and certwiz.exe in one folder): {e}",
                gui.display()
            );
            ExitCode::from(2)
        }
    }
}
