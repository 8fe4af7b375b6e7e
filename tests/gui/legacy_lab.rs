//! The wizard against the OpenSSL lab servers (`certwiz gui --lab SCENARIO --run`), read through the
//! accessibility tree: the same verdict as `certwiz check` on the same scenario (issue #15, point 7:
//! "the impostor on a TLS 1.0 server reaches the same verdict in the window").

use certwiz::engine::finding::Severity;
use certwiz::lab::{LAB_HOST, LabServer, Scenario};
use egui_kittest::kittest::Queryable;

use super::{lab_window, step_button};

/// The failing and warning ids `certwiz check --json` gives for `scenario` (its own lab server).
fn cli_verdict(scenario: Scenario) -> (Vec<String>, Vec<String>) {
    let lab = LabServer::start(scenario).expect("lab");
    let dir = tempfile::tempdir().expect("dir");
    let files = lab.write_files(dir.path()).expect("files");
    let port = lab.port().to_string();
    let mut args: Vec<std::ffi::OsString> = ["check", LAB_HOST, "--address", "127.0.0.1", "--json"]
        .into_iter()
        .map(Into::into)
        .collect();
    args.extend(["--port".into(), port.into(), "--ca".into()]);
    args.push(files.root.into_os_string());
    args.extend(["--client-cert".into(), files.client_cert.into_os_string()]);
    args.extend(["--client-key".into(), files.client_key.into_os_string()]);
    let (_, json) = crate::common::certwiz_json(args);
    verdict_of(&json)
}

/// The failing and warning ids of a report's JSON (the CLI's, or the window's report serialised).
fn verdict_of(json: &serde_json::Value) -> (Vec<String>, Vec<String>) {
    let ids = |severity: &str| -> Vec<String> {
        json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["severity"] == severity)
            .filter_map(|f| f["id"].as_str().map(str::to_owned))
            .collect()
    };
    (ids("fail"), ids("warn"))
}

#[test]
fn tls10_impostor_reaches_the_cli_verdict_in_the_window() {
    // Written before either ran (as the real nginx TLS 1.0 impostor test): a web site and no
    // certificate request fail, TLS 1.0 only warns.
    let expected_fail = ["http.web-site-answering", "tls.no-client-cert-request"];
    let (cli_fail, cli_warn) = cli_verdict(Scenario::Tls10Impostor);
    assert_eq!(cli_fail, expected_fail);
    assert!(
        cli_warn.contains(&"tls.legacy-only".to_owned()),
        "{cli_warn:?}"
    );

    let mut h = lab_window(Scenario::Tls10Impostor);
    let report = h.state().wizard.report().expect("report").clone();
    let window = verdict_of(&serde_json::to_value(&report).expect("report JSON"));
    assert_eq!(window, (cli_fail, cli_warn));
    let handshake = report
        .probe
        .as_ref()
        .and_then(|p| p.handshake.as_ref())
        .expect("handshake");
    assert_eq!(handshake.version.as_deref(), Some("TLSv1.0"));
    assert!(handshake.engine.as_ref().is_some_and(|e| e.all_steps));
    // The window says it: the verdict names the web site, step 6 shows the page that answered.
    assert!(
        h.query_all_by_label_contains("answered by a web site")
            .count()
            >= 1
    );
    step_button(&h, "6. Port 444").click();
    h.run();
    assert!(h.query_by_label_contains("A web site answers").is_some());
    assert!(h.query_by_label("Communicator Web Access").is_some());
}

#[test]
fn renegotiating_server_reaches_the_cli_verdict_in_the_window() {
    // As the Apache renegotiation test: nothing fails, mutual TLS passes through the late request.
    let (cli_fail, cli_warn) = cli_verdict(Scenario::Renegotiation);
    assert_eq!(
        (cli_fail.len(), cli_warn.len()),
        (0, 0),
        "{cli_fail:?} {cli_warn:?}"
    );
    let mut h = lab_window(Scenario::Renegotiation);
    let report = h.state().wizard.report().expect("report").clone();
    let ids: Vec<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
    assert!(
        ids.contains(&"tls.client-cert-requested-after-handshake"),
        "{ids:?}"
    );
    assert!(ids.contains(&"tls.mtls-ok"), "{ids:?}");
    assert!(
        !report
            .findings
            .iter()
            .any(|f| matches!(f.severity, Severity::Fail | Severity::Warn)),
        "{ids:?}"
    );
    step_button(&h, "7. Mutual TLS").click();
    h.run();
    assert!(
        h.query_all_by_label_contains("renegotiation").count() >= 1,
        "step 7 says how the server asked"
    );
}
