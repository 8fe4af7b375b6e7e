//! The "?" beside each finding in the verdict shows the catalogue's text (`certwiz explain`).

use egui_kittest::kittest::Queryable;

use super::{click_in_view, impostor_verdict};

#[test]
fn question_mark_beside_a_finding_shows_what_certwiz_explain_shows() {
    let (_lab, mut h) = impostor_verdict();
    let expected = certwiz::engine::catalogue::explain("http.web-site-answering").expect("entry");
    assert!(h.query_by_label(&expected.why).is_none(), "closed at first");
    click_in_view(&mut h, "Explain http.web-site-answering");
    h.run();
    assert!(
        h.query_by_label(&expected.why).is_some(),
        "the why text shows"
    );
    assert!(h.query_by_label("Wizard step 6: Port").is_some());
    click_in_view(&mut h, "Explain http.web-site-answering");
    h.run();
    assert!(h.query_by_label(&expected.why).is_none(), "closes again");
}
