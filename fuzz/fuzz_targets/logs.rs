//! Fuzzes the event-log matcher: any bytes, decoded as a paste would be, must be read without a panic,
//! and every highlight must fall on character boundaries of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = certwiz::engine::logs::parser::decode(data);
    if let Ok(analysis) = certwiz::engine::logs::analyse(&text) {
        for m in &analysis.mentions {
            assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
        }
        let _ = certwiz::engine::logs::judge(&analysis);
    }
});
