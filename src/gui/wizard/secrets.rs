//! Step 3's inputs that need something from the person: a PFX that needs its password (given on the
//! command line, dropped or browsed without one, or with a wrong one), and a file dialog that could
//! not open (a typed path instead). Nothing here keeps a secret: only the file's path waits.

use std::path::{Path, PathBuf};

use crate::gui::wizard::{Step, Wizard};

/// What step 3 is waiting for from the person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretPrompt {
    /// A PFX that needs its password, loaded again when Enter is pressed in the password field.
    pub waiting_pfx: Option<PathBuf>,
    /// The password field takes the keyboard focus on the next frame (once).
    pub focus_password: bool,
    /// The typed path of a file to load (when the file dialog cannot open, or by choice).
    pub typed_path: String,
    /// The path field takes the keyboard focus on the next frame (once).
    pub focus_path: bool,
    /// Why the file dialog did not open, shown beside the path field.
    pub dialog_problem: Option<String>,
}

impl Wizard {
    /// `path` (shown as `name`) is a PFX that needs its password: step 3 opens with the password
    /// field focused and a line saying so (`wrong` when the password given was not the right one).
    pub fn ask_password_for(&mut self, path: &Path, name: &str, wrong: bool) {
        self.prompt.waiting_pfx = Some(path.to_owned());
        self.prompt.focus_password = true;
        let line = if wrong {
            format!("{name}: wrong password. Type it again in PFX password and press Enter.")
        } else {
            format!("{name} needs its password: type it in PFX password and press Enter.")
        };
        self.local.error = Some(line.clone());
        self.status = line;
        self.step = Step::LocalCertificate;
    }

    /// The file dialog could not open (`reason`): step 3 says so and offers the path field.
    pub fn on_file_dialog_failed(&mut self, reason: &str) {
        let line =
            format!("The file dialog did not open: {reason}. Type the file's path below instead.");
        self.prompt.dialog_problem = Some(line.clone());
        self.prompt.focus_path = true;
        self.status = line;
        self.step = Step::LocalCertificate;
    }
}
