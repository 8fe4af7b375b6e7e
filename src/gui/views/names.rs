//! Accessible names that read well (#16 point 8): a screen reader says "Run all checks", not
//! "black right-pointing triangle Run all checks". The marks (▶ ■ ✔ ✖ ★ └ …) stay on the screen,
//! where they help the eye; the names carry words only.

use egui::{Response, Role, WidgetInfo};

/// True for a drawn mark rather than a letter, digit or punctuation: arrows, technical symbols, box
/// drawing, geometric shapes, dingbats and the emoji planes.
pub fn is_mark(c: char) -> bool {
    matches!(
        u32::from(c),
        0x2190..=0x21FF
            | 0x2300..=0x23FF
            | 0x2500..=0x27BF
            | 0x2900..=0x2BFF
            | 0xFE0F
            | 0x1F000..=0x1FAFF
    )
}

/// `text` without its marks and with single spaces: "▶ Run all checks" reads "Run all checks".
pub fn plain_name(text: &str) -> String {
    text.split_whitespace()
        .map(|word| word.chars().filter(|c| !is_mark(*c)).collect::<String>())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Names a button after `text` without its marks.
pub fn name_button(response: &Response, text: &str) {
    let name = plain_name(text);
    let enabled = response.enabled();
    response.widget_info(|| WidgetInfo::labeled(Role::Button, enabled, &name));
}

/// Names a selectable control (`role`: a button that stays pressed, or a radio button) `name`, with
/// its selected state; used where the whole table row is the name.
pub fn name_selectable(response: &Response, role: Role, selected: bool, name: &str) {
    let name = plain_name(name);
    let enabled = response.enabled();
    response.widget_info(|| WidgetInfo::selected(role, enabled, selected, &name));
}

/// Names a table row: its first cell's element carries the whole row in words, so a screen reader
/// following the table reads one sentence per row.
pub fn name_row(response: &Response, sentence: &str) {
    let name = plain_name(sentence);
    response.widget_info(|| WidgetInfo::labeled(Role::Row, true, &name));
}

/// "yes" or "no", for the words of a table row.
pub fn yes_no(ok: bool) -> &'static str {
    if ok { "yes" } else { "no" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_leave_the_name_and_words_stay() {
        assert_eq!(plain_name("▶ Run all checks"), "Run all checks");
        assert_eq!(plain_name("■ Cancel"), "Cancel");
        assert_eq!(
            plain_name("└ Contoso Root CA   ✔ ok  (trusted root)"),
            "Contoso Root CA ok (trusted root)"
        );
        assert_eq!(plain_name("★ fe01.contoso.com"), "fe01.contoso.com");
        assert_eq!(plain_name("Browse…"), "Browse…");
        assert_eq!(plain_name("Port 444: 10.0.0.1"), "Port 444: 10.0.0.1");
    }
}
