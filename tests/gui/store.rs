//! Step 3's Personal store list and steps 4-5 on the machine's stores. A stand-in Windows backend
//! gives the wizard a machine listing the way the app's reader does on Windows
//! (`Wizard::on_machine_store`); on Linux the same list shows the loaded files.

use certwiz::engine::finding::ids;
use certwiz::engine::load::load_bytes;
use certwiz::engine::purpose::{Role, StorePurposes};
use certwiz::engine::store::{StoreName, snapshot};
use egui_kittest::kittest::{NodeT, Queryable};
use rcgen::ExtendedKeyUsagePurpose;

use super::{aim, harness, run_all_checks, step_button};
use crate::common::{FakeMachine, Spec, healthy, raw, signed, tls_server_for};

const SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";

#[test]
fn step_3_lists_the_machines_personal_store_and_steps_4_5_use_its_stores() {
    let pki = healthy("fe01.contoso.com");
    let user = signed(
        &Spec::leaf("user.contoso.com")
            .serial(8)
            .eku(vec![ExtendedKeyUsagePurpose::ClientAuth]),
        &pki.issuing,
    );
    let nokey = signed(&Spec::leaf("nokey.contoso.com").serial(9), &pki.issuing);
    let machine = FakeMachine {
        certs: vec![
            raw(
                StoreName::Personal,
                &nokey,
                false,
                StorePurposes::AllEnabled,
            ),
            raw(StoreName::Personal, &user, true, StorePurposes::AllEnabled),
            raw(
                StoreName::Personal,
                &pki.leaf,
                true,
                StorePurposes::AllEnabled,
            ),
            raw(StoreName::Root, &pki.root, false, StorePurposes::AllEnabled),
            // The classic incident: the issuing CA set to Server Authentication only in MMC.
            raw(
                StoreName::Intermediate,
                &pki.issuing,
                false,
                StorePurposes::Only(vec![SERVER_AUTH.into()]),
            ),
        ],
        broken: None,
    };
    let mut h = harness();
    h.state_mut().wizard.on_machine_store(snapshot(&machine));
    step_button(&h, "3. Local certificate").click();
    h.run();
    h.get_by_label("Personal store (Local Computer): the server's certificate");
    // Usable first (★: key, Server Authentication, in date), chosen by default; then the others.
    // Each row is one radio button whose name reads the whole row in words (#16 point 8).
    let usable = "fe01.contoso.com (\"Pool certificate (My)\"), usable as the server certificate: \
                  private key yes, Server Authentication yes, Client Authentication yes";
    let radios = radio_rows(&h);
    assert_eq!(
        radios,
        [
            (usable.to_owned(), Some(egui::accesskit::Toggled::True)),
            (
                "user.contoso.com (\"Pool certificate (My)\"): private key yes, \
                 Server Authentication no, Client Authentication yes"
                    .to_owned(),
                Some(egui::accesskit::Toggled::False)
            ),
            (
                "nokey.contoso.com (\"Pool certificate (My)\"): private key no, \
                 Server Authentication yes, Client Authentication yes"
                    .to_owned(),
                Some(egui::accesskit::Toggled::False)
            ),
        ]
    );
    // The store's own finding, without opening the CA in MMC.
    h.get_by_label_contains(
        "The CA \"Contoso Test Issuing CA\" in Intermediate Certification Authorities is not enabled for Client Authentication",
    );
    // Steps 4-5: the chosen certificate's path from the Intermediate store, anchored in Root, with
    // the store's purpose setting: Client Authentication is blocked by the CA, trust is fine.
    let report = h.state().wizard.local.report.clone().expect("local report");
    assert_eq!(
        report.certificate.as_ref().map(|c| c.display_name.as_str()),
        Some("fe01.contoso.com")
    );
    let found: Vec<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
    assert!(
        found.contains(&ids::CHAIN_CA_RESTRICTS_CLIENT_AUTH),
        "{found:?}"
    );
    assert!(!found.contains(&ids::CHAIN_UNTRUSTED_ROOT), "{found:?}");
    let purposes = report.purposes.as_ref().expect("purposes");
    assert!(purposes.role(Role::ServerAuth).is_some_and(|v| v.usable));

    // Choosing another certificate examines that one.
    h.get_by_label_contains("user.contoso.com (\"Pool certificate (My)\"): private key yes")
        .click();
    h.run();
    let report = h.state().wizard.local.report.clone().expect("local report");
    assert_eq!(
        report.certificate.as_ref().map(|c| c.display_name.as_str()),
        Some("user.contoso.com")
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.id == ids::CERT_SERVER_AUTH_MISSING)
    );
}

#[test]
fn loaded_files_are_listed_like_the_personal_store_and_the_presented_one_is_marked() {
    // A server presenting the very certificate loaded in step 3: the list marks it.
    let pki = healthy("fe01.contoso.com");
    let port = tls_server_for(&pki);
    let other = signed(&Spec::leaf("fe02.contoso.com").serial(5), &pki.issuing);
    let mut h = harness();
    {
        let w = &mut h.state_mut().wizard;
        let server = format!("{}{}", pki.leaf.pem, pki.leaf.key.serialize_pem());
        w.add_loaded(
            "server.pem",
            load_bytes("server.pem", server.as_bytes(), None),
        );
        w.add_loaded(
            "fe02.cer",
            load_bytes("fe02.cer", other.pem.as_bytes(), None),
        );
        let chain = format!("{}{}", pki.issuing.pem, pki.root.pem);
        w.add_loaded("chain.pem", load_bytes("chain.pem", chain.as_bytes(), None));
        w.fetch_revocation = false;
    }
    aim(&mut h, "fe01.contoso.com", port);
    step_button(&h, "3. Local certificate").click();
    h.run();
    h.get_by_label("Certificates loaded, as MMC's Personal store would list them");
    let radios: Vec<String> = radio_rows(&h).into_iter().map(|(name, _)| name).collect();
    assert_eq!(
        radios,
        [
            "fe01.contoso.com, usable as the server certificate: private key yes, \
             Server Authentication yes, Client Authentication yes",
            "fe02.contoso.com: private key no, Server Authentication yes, Client Authentication yes"
        ]
    );
    assert!(h.query_by_label_contains("◆ presented on port").is_none());
    run_all_checks(&mut h);
    step_button(&h, "3. Local certificate").click();
    h.run();
    h.get_by_label(&format!("◆ presented on port {port}"));
    // The chosen certificate is the client certificate of mutual TLS (its key was loaded with it),
    // with its path as step 4 built it: leaf, then the issuing CA (not the root).
    let request = h.state_mut().wizard.check_request().expect("request");
    let identity = request.plan.identity.expect("client identity");
    let chain: Vec<Vec<u8>> = identity.chain.iter().map(|c| c.to_vec()).collect();
    assert_eq!(chain, [pki.leaf.der.clone(), pki.issuing.der.clone()]);
}

#[test]
fn the_certificate_bound_to_the_port_in_http_sys_is_marked() {
    // What step 6's lookup reads on Windows: HTTP.SYS's binding on 0.0.0.0:444 names a certificate
    // hash; step 3 marks that Personal certificate.
    use certwiz::engine::port_owner::{HttpSysBinding, PortOwnerFacts};
    let pki = healthy("fe01.contoso.com");
    let machine =
        crate::common::three_stores(&pki, StorePurposes::AllEnabled, StorePurposes::AllEnabled);
    let mut h = harness();
    h.state_mut().wizard.on_machine_store(snapshot(&machine));
    let thumbprint = h
        .state()
        .wizard
        .selected_local()
        .map(|c| c.thumbprint_sha1.clone())
        .expect("chosen");
    let facts = PortOwnerFacts {
        port: 444,
        listeners: Vec::new(),
        accepts_connections: true,
        error: None,
        http_sys: vec![HttpSysBinding {
            ip_port: "0.0.0.0:444".into(),
            certificate_hash: thumbprint.to_lowercase(),
            certificate_store: "MY".into(),
            application_id: "{12345678-1234-1234-1234-123456789abc}".into(),
            negotiate_client_certificate: true,
        }],
        http_sys_error: None,
    };
    h.state_mut().wizard.on_port_owner(facts);
    step_button(&h, "3. Local certificate").click();
    h.run();
    h.get_by_label("◆ bound to 0.0.0.0:444 (HTTP.SYS)");
}

#[test]
fn a_file_loaded_with_its_key_is_chosen_and_a_chosen_certificate_is_never_swapped() {
    let pki = healthy("fe01.contoso.com");
    let nokey = signed(&Spec::leaf("nokey.contoso.com").serial(9), &pki.issuing);
    let mut machine =
        crate::common::three_stores(&pki, StorePurposes::AllEnabled, StorePurposes::AllEnabled);
    machine.certs.push(raw(
        StoreName::Personal,
        &nokey,
        false,
        StorePurposes::AllEnabled,
    ));
    let mut h = harness();
    aim(&mut h, "fe01.contoso.com", 1);
    let file = signed(&Spec::leaf("fe09.contoso.com").serial(11), &pki.issuing);
    {
        let w = &mut h.state_mut().wizard;
        w.on_machine_store(snapshot(&machine));
        // A PFX-like file with its key, loaded in step 3: it is what the user wants examined.
        let text = format!("{}{}", file.pem, file.key.serialize_pem());
        w.add_loaded("fe09.pem", load_bytes("fe09.pem", text.as_bytes(), None));
        assert_eq!(
            w.selected_local().map(|c| c.display_name.as_str()),
            Some("fe09.contoso.com")
        );
        let identity = w
            .check_request()
            .and_then(|r| r.plan.identity)
            .expect("the loaded file's key");
        assert_eq!(identity.chain[0].to_vec(), file.der);
        // Choosing a certificate without a key: mutual TLS presents nothing, not another file's.
        let nokey_sha = w
            .local
            .stores
            .as_ref()
            .and_then(|s| {
                s.of(StoreName::Personal)
                    .find(|c| c.display_name == "nokey.contoso.com")
                    .map(|c| c.sha256.clone())
            })
            .expect("listed");
        w.select_local(&nokey_sha);
        let request = w.check_request().expect("request");
        assert!(request.plan.identity.is_none());
    }
}

/// Step 3's rows as a screen reader reads them: each radio button's name up to its expiry date
/// (which moves with the clock; it must be there, and no mark may be in the name), with its state.
fn radio_rows(
    h: &egui_kittest::Harness<'static, certwiz::gui::app::CertwizApp>,
) -> Vec<(String, Option<egui::accesskit::Toggled>)> {
    h.get_all_by_role(egui::accesskit::Role::RadioButton)
        .filter_map(|n| {
            let node = n.accesskit_node();
            let label = node.label()?;
            let (row, expiry) = label.split_once(", expires ")?;
            assert!(expiry.starts_with("20"), "{label}");
            assert!(!label.contains('★'), "{label}");
            Some((row.to_owned(), node.toggled()))
        })
        .collect()
}
