//! The `certwiz` binary: parses arguments and hands over to [`certwiz::cli`].

use std::process::ExitCode;

fn main() -> ExitCode {
    certwiz::gui::mark_launch();
    match certwiz::cli::run(std::env::args_os()) {
        Ok(code) => code,
        Err(err) => {
            // Errors here are bad usage or unreadable input: the message names the file or flag.
            eprintln!("certwiz: error: {err:#}");
            ExitCode::from(certwiz::cli::EXIT_BAD_INPUT)
        }
    }
}
