//! The `certwiz` binary: parses arguments and hands over to [`certwiz::cli`].
//!
//! On Windows it is a GUI-subsystem program, so a double-click opens only the window (no console
//! behind it). The command line is served by its console launcher `certwiz.com` (src/bin/certwiz-console.rs),
//! which cmd.exe and PowerShell pick before `certwiz.exe` when `certwiz` is typed: it runs this program
//! with the console's handles and returns its exit code. Typed as `certwiz.exe` with a command, this
//! program attaches to the console it was started from, best effort.

#![cfg_attr(windows, windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    certwiz::gui::mark_launch();
    #[cfg(windows)]
    attach_parent_console();
    match certwiz::cli::run(std::env::args_os()) {
        Ok(code) => code,
        Err(err) => {
            // Errors here are bad usage or unreadable input: the message names the file or flag.
            eprintln!("certwiz: error: {err:#}");
            ExitCode::from(certwiz::cli::EXIT_BAD_INPUT)
        }
    }
}

/// With a command and no standard handles of its own (started as `certwiz.exe ...` from cmd.exe,
/// not through the launcher), write to the console of the parent. Without a command (a double-click)
/// nothing is attached, so no console appears.
#[cfg(windows)]
fn attach_parent_console() {
    use windows_sys::Win32::System::Console::{ATTACH_PARENT_PROCESS, AttachConsole};
    if std::env::args_os().len() > 1 && std::io::stdout().is_terminal_or_absent() {
        // SAFETY: AttachConsole takes a process id and has no memory arguments; failure (no parent
        // console, or already attached through inherited handles) leaves the process as it was.
        unsafe {
            AttachConsole(ATTACH_PARENT_PROCESS);
        }
    }
}

/// Whether standard output is missing (a GUI-subsystem start) rather than redirected to a file or
/// pipe, which must be kept.
#[cfg(windows)]
trait TerminalOrAbsent {
    fn is_terminal_or_absent(&self) -> bool;
}

#[cfg(windows)]
impl TerminalOrAbsent for std::io::Stdout {
    fn is_terminal_or_absent(&self) -> bool {
        use std::os::windows::io::AsRawHandle;
        let handle = self.as_raw_handle();
        handle.is_null() || std::io::IsTerminal::is_terminal(self)
    }
}
