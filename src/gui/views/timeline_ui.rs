//! The validity timeline: each certificate of the path as a bar from notBefore to notAfter with a "now"
//! line, so what expires first is seen, not read. Every bar also has its dates as text (and the picture
//! an accessible label), so nothing depends on the picture alone.

use egui::{Align2, FontId, Pos2, Rect, RichText, Sense, Stroke, Ui, vec2};
use time::OffsetDateTime;

use crate::engine::path::CertificationPath;
use crate::gui::tokens;

const ROW_HEIGHT: f32 = 30.0;
const LABEL_WIDTH: f32 = 230.0;

/// Draws the timeline of `path` judged at `now`.
pub fn timeline_ui(ui: &mut Ui, path: &CertificationPath, now: OffsetDateTime) {
    let Some(start) = path.nodes.iter().map(|n| n.certificate.not_before).min() else {
        return;
    };
    let Some(end) = path.nodes.iter().map(|n| n.certificate.not_after).max() else {
        return;
    };
    let start = start.min(now);
    let end = end.max(now);
    let span = (end - start).as_seconds_f64().max(1.0);
    // As wide as the page, however narrow: a bar shorter than its date just drops the date.
    let width = ui.available_width().max(LABEL_WIDTH + 80.0);
    let height = ROW_HEIGHT * path.nodes.len() as f32 + 24.0;
    let (rect, response) = ui.allocate_exact_size(vec2(width, height), Sense::hover());
    let first_expiry = path.nodes.iter().min_by_key(|n| n.certificate.not_after);
    let description = match first_expiry {
        Some(n) => format!(
            "Validity timeline: {} expires first, on {}",
            n.certificate.display_name,
            n.certificate.not_after.date()
        ),
        None => "Validity timeline".to_owned(),
    };
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &description));
    let painter = ui.painter_at(rect);
    let bars = Rect::from_min_max(
        Pos2::new(rect.left() + LABEL_WIDTH, rect.top()),
        Pos2::new(rect.right() - 8.0, rect.bottom() - 20.0),
    );
    let x_of = |t: OffsetDateTime| {
        bars.left() + bars.width() * ((t - start).as_seconds_f64() / span) as f32
    };
    let text_color = ui.visuals().text_color();
    for (i, node) in path.nodes.iter().enumerate() {
        let c = &node.certificate;
        let y = bars.top() + ROW_HEIGHT * i as f32;
        painter.text(
            Pos2::new(rect.left(), y + ROW_HEIGHT / 2.0),
            Align2::LEFT_CENTER,
            &c.display_name,
            FontId::proportional(tokens::SMALL_SIZE),
            text_color,
        );
        let valid = c.not_before <= now && now <= c.not_after;
        let color: egui::Color32 = if valid { tokens::PASS } else { tokens::FAIL }.into();
        let bar = Rect::from_min_max(
            Pos2::new(x_of(c.not_before), y + 6.0),
            Pos2::new(
                x_of(c.not_after).max(x_of(c.not_before) + 2.0),
                y + ROW_HEIGHT - 6.0,
            ),
        );
        // A faint fill, so the date on it is the theme's strong text at full contrast.
        painter.rect_filled(bar, 3.0, color.gamma_multiply(tokens::BAR_FILL_SHARE));
        // The end date sits inside a long bar, or just after a short one.
        let (anchor, at) = if bar.width() > 110.0 {
            (
                Align2::RIGHT_CENTER,
                Pos2::new(bar.right() - 4.0, bar.center().y),
            )
        } else {
            (
                Align2::LEFT_CENTER,
                Pos2::new(bar.right() + 4.0, bar.center().y),
            )
        };
        painter.text(
            at,
            anchor,
            c.not_after.date().to_string(),
            FontId::proportional(tokens::TIMELINE_DATE_SIZE),
            ui.visuals().strong_text_color(),
        );
    }
    let now_x = x_of(now);
    painter.line_segment(
        [
            Pos2::new(now_x, bars.top()),
            Pos2::new(now_x, bars.bottom()),
        ],
        Stroke::new(2.0, tokens::HIGHLIGHT),
    );
    painter.text(
        Pos2::new(now_x, rect.bottom() - 2.0),
        Align2::CENTER_BOTTOM,
        format!("now ({})", now.date()),
        FontId::proportional(tokens::CAPTION_SIZE),
        tokens::HIGHLIGHT.into(),
    );
    if let Some(n) = first_expiry {
        ui.label(
            RichText::new(format!(
                "Expires first: {} on {}.",
                n.certificate.display_name,
                n.certificate.not_after.date()
            ))
            .size(tokens::DETAIL_SIZE),
        );
    }
}
