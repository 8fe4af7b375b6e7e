//! certwiz's icon as the window icon (title bar, taskbar, Alt+Tab) on every OS. The pixels are the
//! 64x64 RGBA rendering of `assets/icon/certwiz.mvg` made by `scripts/make-icon.sh`, so no image
//! decoder runs at start-up; the same script makes the Windows .ico.

/// Side of the window icon in pixels.
pub const SIZE: u32 = 64;

static RGBA: &[u8] = include_bytes!("../../assets/icon/certwiz-64.rgba");

/// The window icon.
pub fn window_icon() -> egui::IconData {
    egui::IconData {
        rgba: RGBA.to_vec(),
        width: SIZE,
        height: SIZE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_icon_is_a_whole_64_pixel_square_with_the_app_colours() {
        let icon = window_icon();
        assert_eq!(icon.rgba.len(), (SIZE * SIZE * 4) as usize);
        // Not blank: transparent corners, the certificate's blue and the seal's gold are all there
        // (the colours of assets/icon/certwiz.mvg).
        let pixels: Vec<&[u8]> = icon.rgba.chunks(4).collect();
        assert_eq!(pixels[0][3], 0, "transparent corner");
        let near = |p: &[u8], rgb: [u8; 3]| {
            p[3] > 200 && p.iter().zip(rgb).all(|(a, b)| a.abs_diff(b) < 24)
        };
        assert!(pixels.iter().any(|p| near(p, [0x1F, 0x4E, 0x8C])), "blue");
        assert!(pixels.iter().any(|p| near(p, [0xF2, 0xB7, 0x05])), "gold");
    }
}
