//! Colours, sizes and spacing: the only place with literal colours. State is always shown by symbol
//! and word as well, never by colour alone.

use egui::Color32;

use crate::engine::finding::Severity;
use crate::engine::path::NodeStatus;
use crate::engine::report::VerdictStatus;

/// Body text size: large enough to read over a shared screen.
pub const BODY_SIZE: f32 = 17.0;
/// Heading size.
pub const HEADING_SIZE: f32 = 24.0;
/// Step list text size.
pub const STEP_SIZE: f32 = 18.0;
/// A step's state under its name in the step list ("✔ pass", "→ the log points here").
pub const STEP_STATUS_SIZE: f32 = STEP_SIZE - 3.0;
/// The verdict line of step 8, the largest text after headings.
pub const VERDICT_SIZE: f32 = BODY_SIZE + 3.0;
/// A section label inside a step.
pub const SECTION_SIZE: f32 = BODY_SIZE + 2.0;
/// The big Run all checks button's text.
pub const RUN_BUTTON_TEXT_SIZE: f32 = BODY_SIZE + 1.0;
/// Secondary text under a body line: a finding's detail and fix, field hints, the status line.
pub const DETAIL_SIZE: f32 = BODY_SIZE - 1.0;
/// Small print: notes beside controls, the log box's monospace text, names in the validity timeline.
pub const SMALL_SIZE: f32 = BODY_SIZE - 2.0;
/// Captions: a finding's ID, the timeline's "now" mark.
pub const CAPTION_SIZE: f32 = BODY_SIZE - 4.0;
/// The end dates written on the validity timeline's bars (they must fit inside a short bar).
pub const TIMELINE_DATE_SIZE: f32 = BODY_SIZE - 5.0;
/// Width of the step list.
pub const STEP_PANEL_WIDTH: f32 = 290.0;
/// Height of the big Run button.
pub const RUN_BUTTON_HEIGHT: f32 = 40.0;
/// Tallest the pasted log box grows before it scrolls.
pub const LOG_BOX_MAX_HEIGHT: f32 = 260.0;
/// Width of the ring around the control that has the keyboard focus.
pub const FOCUS_RING_WIDTH: f32 = 2.5;
/// Space between sections.
pub const SECTION_GAP: f32 = 14.0;

/// Pass / ok.
pub const PASS: Color32 = Color32::from_rgb(0x1f, 0x8a, 0x3b);
/// Warning.
pub const WARN: Color32 = Color32::from_rgb(0xb3, 0x6b, 0x00);
/// Failure.
pub const FAIL: Color32 = Color32::from_rgb(0xc6, 0x28, 0x28);
/// A run (or a step of it) cancelled before it finished: neither pass nor fail.
pub const CANCELLED: Color32 = Color32::from_rgb(0x8a, 0x4f, 0xb0);
/// The mark of a cancelled run or step (the Cancel button's square).
pub const CANCELLED_MARK: &str = "■";
/// Information, not run.
pub const NEUTRAL: Color32 = Color32::from_rgb(0x55, 0x5f, 0x6b);
/// Highlight for "this is ours" (our issuer in a CA list).
/// Background of the "saved report, read-only" banner (readable in both themes with strong text).
pub const READ_ONLY_BACKGROUND: Color32 = Color32::from_rgba_premultiplied(0x15, 0x5e, 0xa8, 0x40);
/// The ring around the control that has the keyboard focus (amber: seen on dark and light alike).
pub const FOCUS_RING: Color32 = Color32::from_rgb(0xf0, 0xa0, 0x20);
/// Blue accent.
pub const HIGHLIGHT: Color32 = Color32::from_rgb(0x15, 0x5e, 0xa8);

/// Background of recognised signals in pasted log text (translucent, readable in both themes; the
/// underline and the list below carry the same information).
pub const LOG_MARK_BACKGROUND: Color32 = Color32::from_rgba_premultiplied(0x60, 0x48, 0x00, 0x60);

/// Colour of a severity.
pub fn severity_color(severity: Severity) -> Color32 {
    match severity {
        Severity::Fail => FAIL,
        Severity::Warn => WARN,
        Severity::Info => NEUTRAL,
        Severity::Pass => PASS,
    }
}

/// Colour of a report's verdict: a cancelled run has its own, never a pass's.
pub fn verdict_color(status: VerdictStatus) -> Color32 {
    status.severity().map_or(CANCELLED, severity_color)
}

/// The mark of a report's verdict in the GUI.
pub fn verdict_mark(status: VerdictStatus) -> &'static str {
    status.severity().map_or(CANCELLED_MARK, severity_mark)
}

/// Colour of a path node status.
pub fn node_color(status: NodeStatus) -> Color32 {
    if status == NodeStatus::Ok { PASS } else { FAIL }
}

/// The mark of a severity in the GUI. egui's bundled fonts have ✔ ✖ ⚠ (emoji fonts) but not ✓ ✗,
/// which the terminal output uses.
pub fn severity_mark(severity: Severity) -> &'static str {
    match severity {
        Severity::Fail => "✖",
        Severity::Warn => "⚠",
        Severity::Info => "i",
        Severity::Pass => "✔",
    }
}

/// A path node's status in the GUI: mark and words.
pub fn node_mark(status: NodeStatus) -> &'static str {
    match status {
        NodeStatus::Ok => "✔ ok",
        NodeStatus::Expired => "✖ expired",
        NodeStatus::NotYetValid => "✖ not yet valid",
        NodeStatus::BadSignature => "✖ bad signature",
        NodeStatus::IssuerNotFound => "✖ issuer not found",
        NodeStatus::RootNotTrusted => "✖ root not trusted",
        NodeStatus::IssuerNotCa => "✖ issuer not a CA",
    }
}

/// Fonts: egui's defaults, with the monospace font (Hack) as a fallback for proportional text so that
/// arrows and tree lines (→ └ │) render everywhere.
pub fn fonts() -> egui::FontDefinitions {
    let mut fonts = egui::FontDefinitions::default();
    if let Some(family) = fonts.families.get_mut(&egui::FontFamily::Proportional) {
        family.insert(1.min(family.len()), "Hack".to_owned());
    }
    fonts
}
