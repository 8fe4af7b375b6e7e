//! Where the page and the step list are scrolled: each step opens at its top, the keyboard scrolls
//! (PageUp / PageDown / Home / End and the arrows, when no text field takes them), and a control
//! that gains the keyboard focus is scrolled into view, whichever of the two panels holds it.

use egui::{Context, Id, Key, Modifiers, Rect, Ui};

use crate::gui::wizard::Step;

/// One arrow key press scrolls this far (points).
const ARROW_STEP: f32 = 48.0;
/// PageUp / PageDown scroll this share of the visible height, keeping a line of context.
const PAGE_SHARE: f32 = 0.9;

/// A scroll the keyboard asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum KeyScroll {
    /// By this many points (positive: down the page).
    By(f32),
    /// By this many visible heights (positive: down).
    Pages(f32),
    /// To the top.
    Top,
    /// To the bottom.
    Bottom,
}

/// The scrolling state of the window (not persisted: every launch opens at the top).
#[derive(Debug, Default)]
pub struct PageScroll {
    /// The step drawn last frame: a different step opens at its top.
    drawn: Option<Step>,
    /// A keyboard scroll for the page.
    key: Option<KeyScroll>,
    /// A control that gained the focus last frame, with where it was drawn.
    focused: Option<(Id, Rect)>,
    /// The widget that had the focus last frame.
    last_focus: Option<Id>,
}

impl PageScroll {
    /// Reads the scrolling keys (when no text field has the focus: there they move the cursor) and
    /// notes a newly focused control. Call before drawing.
    pub fn read_input(&mut self, ctx: &Context) {
        let focus = ctx.memory(|m| m.focused());
        if focus != self.last_focus {
            self.last_focus = focus;
            self.focused = focus.and_then(|id| ctx.read_response(id).map(|r| (id, r.rect)));
        }
        let typing = focus.is_some_and(|id| egui::TextEdit::load_state(ctx, id).is_some());
        if typing {
            return;
        }
        let mut keys = vec![
            (Key::PageDown, KeyScroll::Pages(PAGE_SHARE)),
            (Key::PageUp, KeyScroll::Pages(-PAGE_SHARE)),
            (Key::Home, KeyScroll::Top),
            (Key::End, KeyScroll::Bottom),
        ];
        // The arrows belong to a focused control (egui moves the focus with them).
        if focus.is_none() {
            keys.push((Key::ArrowDown, KeyScroll::By(ARROW_STEP)));
            keys.push((Key::ArrowUp, KeyScroll::By(-ARROW_STEP)));
        }
        ctx.input_mut(|input| {
            for (key, scroll) in keys {
                if input.consume_key(Modifiers::NONE, key) {
                    self.key = Some(scroll);
                }
            }
        });
    }

    /// The page's scroll area for `step`: opened at its top when the step changed.
    pub fn page_area(&mut self, step: Step) -> egui::ScrollArea {
        let area = egui::ScrollArea::vertical()
            .id_salt("page")
            .auto_shrink([false, false]);
        if self.drawn != Some(step) {
            self.drawn = Some(step);
            return area.vertical_scroll_offset(0.0);
        }
        area
    }

    /// Inside the page's scroll area, before its content: applies a keyboard scroll.
    pub fn apply_keys(&mut self, ui: &mut Ui) {
        let Some(scroll) = self.key.take() else {
            return;
        };
        let visible = ui.clip_rect().height();
        // egui scrolls content down for a positive delta, so "down the page" is negative.
        let down = match scroll {
            KeyScroll::By(points) => points,
            KeyScroll::Pages(share) => share * visible,
            KeyScroll::Top => -1.0e7,
            KeyScroll::Bottom => 1.0e7,
        };
        ui.scroll_with_delta(egui::vec2(0.0, -down));
    }

    /// Inside a scroll area (the page or the step list), before its content: scrolls a control
    /// that just gained the focus into view, when it is in this area.
    pub fn follow_focus(&mut self, ui: &mut Ui) {
        let Some((_, rect)) = self.focused else {
            return;
        };
        let area = ui.clip_rect();
        if area.x_range().contains(rect.center().x) {
            self.focused = None;
            if !area.contains_rect(rect) {
                ui.scroll_to_rect(rect, None);
            }
        }
    }
}
