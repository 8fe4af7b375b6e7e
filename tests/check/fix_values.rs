//! #16 point 7: the fix commands of the lab scenarios carry what the same report's facts hold (the
//! root's and the certificate's thumbprints, the CA names, the port), compared with those facts, never
//! with a string written here; and every value certwiz did not see is a placeholder in angle brackets.

use certwiz::lab::Scenario;
use serde_json::Value;

use super::lab_scenarios::{check, lab, run};

/// The commands of a finding, as (command, kind) pairs.
fn commands(finding: &Value) -> Vec<(String, String)> {
    finding["commands"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    (
                        c["command"].as_str().unwrap_or_default().to_owned(),
                        c["kind"].as_str().unwrap_or("diagnose").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every command of every finding: a placeholder is `<...>`, and no example file or CA remains.
fn no_example_values(json: &Value) {
    for f in json["findings"].as_array().expect("findings") {
        for (command, _) in commands(f) {
            for example in [
                "server.cer",
                "root-ca.cer",
                "issuing-ca.cer",
                "contoso",
                "ca01",
            ] {
                assert!(!command.contains(example), "{}: {command}", f["id"]);
            }
            let mut rest = command.as_str();
            while let Some(start) = rest.find('<') {
                let end = rest[start..].find('>').expect("a placeholder closes") + start;
                let inner = &rest[start + 1..end];
                assert!(
                    !inner.is_empty() && !inner.contains('"'),
                    "{}: {command}",
                    f["id"]
                );
                rest = &rest[end + 1..];
            }
        }
    }
}

fn node(json: &Value, index: usize) -> (&str, &str) {
    let c = &json["path"]["nodes"][index]["certificate"];
    (
        c["display_name"].as_str().expect("name"),
        c["thumbprint_sha1"].as_str().expect("thumbprint"),
    )
}

fn leaf(json: &Value) -> (&str, &str) {
    let n = json["path"]["nodes"].as_array().expect("nodes").len();
    node(json, n - 1)
}

#[test]
fn untrusted_root_commands_name_the_root_that_was_presented() {
    let r = run(Scenario::UntrustedRoot);
    let (root, root_sha1) = node(&r.json, 0);
    let (leaf_name, leaf_sha1) = leaf(&r.json);
    let c = commands(r.finding("chain.untrusted-root"));
    let fixes: Vec<&str> = c
        .iter()
        .filter(|(_, k)| k == "fix")
        .map(|(c, _)| c.as_str())
        .collect();
    assert_eq!(
        fixes,
        [format!("certutil -addstore -f Root \"{root}.cer\"")],
        "{c:?}"
    );
    assert!(
        c.iter()
            .any(|(c, _)| c.contains(root_sha1) && c.contains(&format!("\"{root}.cer\"")))
    );
    assert!(
        c.iter()
            .any(|(c, _)| *c == format!("certutil -store Root {root_sha1}"))
    );
    assert!(
        c.iter()
            .any(|(c, _)| c.contains(leaf_sha1) && c.contains(leaf_name))
    );
    no_example_values(&r.json);
}

#[test]
fn missing_intermediate_commands_name_the_missing_issuer() {
    let r = run(Scenario::MissingIntermediate);
    let issuer = r.json["path"]["missing_issuer"]["issuer"]
        .as_str()
        .expect("the missing issuer");
    let name = issuer
        .split(", ")
        .find_map(|p| p.strip_prefix("CN="))
        .expect("its common name");
    let c = commands(r.finding("chain.incomplete"));
    // The server sent only its own certificate, so the missing one is the issuing CA: the
    // Intermediate store. Its file is written first (download or export), then added.
    let add = format!("certutil -addstore -f CA \"{name}.cer\"");
    let at = c.iter().position(|(c, _)| *c == add).expect("the fix");
    assert_eq!(c[at].1, "fix");
    assert!(
        c[..at]
            .iter()
            .any(|(c, _)| c.ends_with(&format!("\"{name}.cer\""))),
        "{c:?}"
    );
    no_example_values(&r.json);
}

#[test]
fn ca_without_client_auth_commands_name_that_ca() {
    let r = run(Scenario::IssuingServerAuthOnly);
    let f = r.finding("chain.ca-restricts-client-auth");
    let sha256 = f["certificate"]["sha256"].as_str().expect("the CA");
    let nodes = r.json["path"]["nodes"].as_array().expect("nodes");
    let ca = nodes
        .iter()
        .map(|n| &n["certificate"])
        .find(|c| c["sha256"] == sha256)
        .expect("the CA is in the path");
    let store = if ca["self_signed"] == true {
        "Root"
    } else {
        "CA"
    };
    let c = commands(f);
    assert!(
        c.iter().any(|(c, _)| *c
            == format!(
                "certutil -v -store {store} {}",
                ca["thumbprint_sha1"].as_str().expect("thumbprint")
            )),
        "{c:?}"
    );
    no_example_values(&r.json);
}

#[test]
fn impostor_commands_carry_the_port_that_was_checked() {
    let r = run(Scenario::ImpostorWebSite);
    let port = r.json["probe"]["target"]["port"].as_u64().expect("port");
    let f = r.finding("http.web-site-answering");
    let c = commands(f);
    assert!(c.contains(&(
        format!("netsh http show sslcert ipport=0.0.0.0:{port}"),
        "diagnose".to_owned()
    )));
    assert!(c.contains(&(
        format!("Remove-WebBinding -Name \"<IIS site name>\" -Port {port} -Protocol https"),
        "fix".to_owned()
    )));
    no_example_values(&r.json);
}

#[test]
fn redacted_reports_mask_the_thumbprints_the_commands_carry() {
    // The fix commands now carry real thumbprints: --redact must mask them like every other
    // thumbprint (the same pseudonym in the command as elsewhere).
    // One server, checked twice: the same root both times.
    let (server, _dir, files) = lab(Scenario::UntrustedRoot);
    let plain = check(&server, &files, &[]);
    let redacted = check(&server, &files, &["--redact"]);
    let (_, root_sha1) = node(&plain.json, 0);
    assert!(plain.json["findings"].to_string().contains(root_sha1));
    let text = redacted.json["findings"].to_string();
    assert!(!text.contains(root_sha1), "{text}");
    let c = commands(redacted.finding("chain.untrusted-root"));
    assert!(
        c.iter()
            .any(|(c, _)| c.starts_with("certutil -store Root thumbprint-")),
        "{c:?}"
    );
}
