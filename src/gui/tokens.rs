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
pub const STEP_STATUS_SIZE: f32 = BODY_SIZE;
/// The verdict line of step 8, the largest text after headings.
pub const VERDICT_SIZE: f32 = BODY_SIZE + 3.0;
/// A section label inside a step.
pub const SECTION_SIZE: f32 = BODY_SIZE + 2.0;
/// The big Run all checks button's text.
pub const RUN_BUTTON_TEXT_SIZE: f32 = BODY_SIZE + 1.0;
/// Secondary text under a body line: a finding's detail and fix, field hints, the status line (read
/// on a shared screen: the body size).
pub const DETAIL_SIZE: f32 = BODY_SIZE;
/// Notes beside controls, the log box's monospace text, names in the validity timeline (read on a
/// shared screen: the body size).
pub const SMALL_SIZE: f32 = BODY_SIZE;
/// Captions: a finding's ID, the timeline's "now" mark.
pub const CAPTION_SIZE: f32 = BODY_SIZE - 4.0;
/// The end dates written on the validity timeline's bars (they must fit inside a short bar).
pub const TIMELINE_DATE_SIZE: f32 = BODY_SIZE - 3.0;
/// Width of the step list.
pub const STEP_PANEL_WIDTH: f32 = 290.0;
/// Height of the big Run button.
pub const RUN_BUTTON_HEIGHT: f32 = 40.0;
/// Tallest the pasted log box grows before it scrolls.
pub const LOG_BOX_MAX_HEIGHT: f32 = 260.0;
/// How much of a state colour fills a validity bar (the date on it stays at full contrast).
pub const BAR_FILL_SHARE: f32 = 0.35;
/// Width of the ring around the control that has the keyboard focus.
pub const FOCUS_RING_WIDTH: f32 = 2.5;
/// Space between sections.
pub const SECTION_GAP: f32 = 14.0;

/// A colour with one value per theme, each readable on its theme's backgrounds (WCAG AA: 4.5:1,
/// checked by the tests below). It becomes the current theme's value where egui takes a colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThemedColor {
    /// On the dark theme's backgrounds.
    pub dark: Color32,
    /// On the light theme's backgrounds.
    pub light: Color32,
}

impl ThemedColor {
    /// The value for a theme.
    pub fn of(self, dark: bool) -> Color32 {
        if dark { self.dark } else { self.light }
    }
}

thread_local! {
    /// The theme of the frame being drawn on this thread (the app sets it at the start of a frame).
    static DARK: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Sets the theme the colours of this frame are for (call once per frame, before drawing).
pub fn set_theme(dark: bool) {
    DARK.with(|d| d.set(dark));
}

impl From<ThemedColor> for Color32 {
    fn from(color: ThemedColor) -> Color32 {
        color.of(DARK.with(std::cell::Cell::get))
    }
}

const fn rgb(r: u8, g: u8, b: u8) -> Color32 {
    Color32::from_rgb(r, g, b)
}

const fn themed(dark: Color32, light: Color32) -> ThemedColor {
    ThemedColor { dark, light }
}

/// Pass / ok.
pub const PASS: ThemedColor = themed(rgb(0x5c, 0xc8, 0x78), rgb(0x1a, 0x7f, 0x37));
/// Warning.
pub const WARN: ThemedColor = themed(rgb(0xe0, 0xa0, 0x30), rgb(0x8a, 0x53, 0x00));
/// Failure.
pub const FAIL: ThemedColor = themed(rgb(0xff, 0x7b, 0x72), rgb(0xb3, 0x26, 0x1e));
/// A run (or a step of it) cancelled before it finished: neither pass nor fail.
pub const CANCELLED: ThemedColor = themed(rgb(0xc4, 0x9a, 0xe8), rgb(0x7a, 0x3f, 0xa0));
/// The mark of a cancelled run or step (the Cancel button's square).
pub const CANCELLED_MARK: &str = "■";
/// Information, not run.
pub const NEUTRAL: ThemedColor = themed(rgb(0x9a, 0xa4, 0xae), rgb(0x55, 0x60, 0x6b));
/// Weak text (hints, captions, `.weak()`): egui's own is 2.7:1 on the dark theme.
pub const WEAK_TEXT: ThemedColor = themed(rgb(0x87, 0x87, 0x87), rgb(0x6e, 0x6e, 0x6e));
/// Background of the "saved report, read-only" banner (readable in both themes with strong text).
pub const READ_ONLY_BACKGROUND: Color32 = Color32::from_rgba_premultiplied(0x15, 0x5e, 0xa8, 0x40);
/// The ring around the control that has the keyboard focus (amber: seen on dark and light alike).
pub const FOCUS_RING: Color32 = Color32::from_rgb(0xf0, 0xa0, 0x20);
/// Blue accent.
pub const HIGHLIGHT: ThemedColor = themed(rgb(0x6c, 0xb0, 0xff), rgb(0x15, 0x5e, 0xa8));

/// Background of recognised signals in pasted log text (translucent, readable in both themes; the
/// underline and the list below carry the same information).
pub const LOG_MARK_BACKGROUND: Color32 = Color32::from_rgba_premultiplied(0x60, 0x48, 0x00, 0x60);

/// Colour of a severity.
pub fn severity_color(severity: Severity) -> Color32 {
    match severity {
        Severity::Fail => FAIL,
        Severity::Warn => WARN,
        Severity::Info | Severity::Unknown => NEUTRAL,
        Severity::Pass => PASS,
    }
    .into()
}

/// Colour of a report's verdict: a cancelled run has its own, never a pass's.
pub fn verdict_color(status: VerdictStatus) -> Color32 {
    status.severity().map_or(CANCELLED.into(), severity_color)
}

/// The mark of a report's verdict in the GUI.
pub fn verdict_mark(status: VerdictStatus) -> &'static str {
    status.severity().map_or(CANCELLED_MARK, severity_mark)
}

/// Colour of a path node status.
pub fn node_color(status: NodeStatus) -> Color32 {
    if status == NodeStatus::Ok { PASS } else { FAIL }.into()
}

/// The mark of a severity in the GUI. egui's bundled fonts have ✔ ✖ ⚠ (emoji fonts) but not ✓ ✗,
/// which the terminal output uses.
pub fn severity_mark(severity: Severity) -> &'static str {
    match severity {
        Severity::Fail => "✖",
        Severity::Warn => "⚠",
        Severity::Info => "i",
        Severity::Pass => "✔",
        Severity::Unknown => "?",
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
        NodeStatus::SignatureNotChecked => "⚠ signature not checked",
        NodeStatus::NameConstraintsViolated => "✖ name constraints violated",
        NodeStatus::PathLengthExceeded => "✖ path length exceeded",
        NodeStatus::InvalidExtension => "✖ invalid extension",
    }
}

/// The mark of a broken path rule: a failure when it sets a node status, a warning otherwise.
pub fn violation_mark(status: Option<NodeStatus>) -> &'static str {
    if status.is_some() { "✖" } else { "⚠" }
}

/// The colour of a broken path rule, matching [`violation_mark`].
pub fn violation_color(status: Option<NodeStatus>) -> Color32 {
    if status.is_some() { FAIL } else { WARN }.into()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2 relative luminance of an opaque colour.
    fn luminance(c: Color32) -> f64 {
        let channel = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.040_45 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
    }

    /// WCAG 2 contrast ratio.
    fn contrast(a: Color32, b: Color32) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    /// A premultiplied colour laid over an opaque background.
    fn over(top: Color32, below: Color32) -> Color32 {
        let keep = 1.0 - f32::from(top.a()) / 255.0;
        let mix = |t: u8, b: u8| (f32::from(t) + f32::from(b) * keep).round().min(255.0) as u8;
        Color32::from_rgb(
            mix(top.r(), below.r()),
            mix(top.g(), below.g()),
            mix(top.b(), below.b()),
        )
    }

    /// The backgrounds text is drawn on in a theme: panels, text fields, striped rows (egui's own).
    fn backgrounds(visuals: &egui::Visuals) -> [Color32; 3] {
        [
            visuals.panel_fill,
            visuals.extreme_bg_color,
            over(visuals.faint_bg_color, visuals.panel_fill),
        ]
    }

    /// Every text colour of this module against every background of both themes: WCAG AA for body
    /// text (4.5:1); text of 24 px and up (the headings) would need only 3:1, none is held to less.
    #[test]
    fn every_text_colour_meets_wcag_aa_in_both_themes() {
        let texts = [
            ("PASS", PASS),
            ("WARN", WARN),
            ("FAIL", FAIL),
            ("CANCELLED", CANCELLED),
            ("NEUTRAL", NEUTRAL),
            ("WEAK_TEXT", WEAK_TEXT),
            ("HIGHLIGHT", HIGHLIGHT),
        ];
        let mut low = Vec::new();
        for (dark, visuals) in [
            (true, egui::Visuals::dark()),
            (false, egui::Visuals::light()),
        ] {
            for (name, color) in texts {
                for background in backgrounds(&visuals) {
                    let ratio = contrast(color.of(dark), background);
                    if ratio < 4.5 {
                        low.push(format!(
                            "{name} (dark: {dark}) on {background:?}: {ratio:.2}"
                        ));
                    }
                }
            }
            // The read-only banner: the theme's strong text on the banner over the panel.
            let banner = over(READ_ONLY_BACKGROUND, visuals.panel_fill);
            let ratio = contrast(visuals.strong_text_color(), banner);
            if ratio < 4.5 {
                low.push(format!(
                    "strong text on the banner (dark: {dark}): {ratio:.2}"
                ));
            }
            // Pasted log text on its field, and a recognised signal (strong text) on its tint.
            let field = visuals.extreme_bg_color;
            let mark = over(LOG_MARK_BACKGROUND, field);
            for (what, text, below) in [
                ("log text", visuals.text_color(), field),
                ("a marked log signal", visuals.strong_text_color(), mark),
            ] {
                let ratio = contrast(text, below);
                if ratio < 4.5 {
                    low.push(format!("{what} (dark: {dark}): {ratio:.2}"));
                }
            }
            // A validity bar's date: strong text on the faint fill.
            for color in [PASS, FAIL] {
                let bar = over(
                    color.of(dark).gamma_multiply(BAR_FILL_SHARE),
                    visuals.panel_fill,
                );
                let ratio = contrast(visuals.strong_text_color(), bar);
                if ratio < 4.5 {
                    low.push(format!("a date on a bar (dark: {dark}): {ratio:.2}"));
                }
            }
        }
        assert!(low.is_empty(), "below 4.5:1:\n{}", low.join("\n"));
    }

    /// Only what nobody needs to read on a shared screen is smaller than the body text: a finding's
    /// id (a reference for the ticket) and the dates on the validity bars (the first expiry is also
    /// said in words at the body size).
    #[test]
    fn text_is_not_smaller_than_the_body_but_for_references() {
        for (name, size) in [
            ("HEADING_SIZE", HEADING_SIZE),
            ("STEP_SIZE", STEP_SIZE),
            ("STEP_STATUS_SIZE", STEP_STATUS_SIZE),
            ("VERDICT_SIZE", VERDICT_SIZE),
            ("SECTION_SIZE", SECTION_SIZE),
            ("RUN_BUTTON_TEXT_SIZE", RUN_BUTTON_TEXT_SIZE),
            ("DETAIL_SIZE", DETAIL_SIZE),
            ("SMALL_SIZE", SMALL_SIZE),
        ] {
            assert!(size >= BODY_SIZE, "{name} = {size} < {BODY_SIZE}");
        }
    }
}
