//! A command line a newcomer can read (#19 point 5): help wrapped to the terminal with an example per
//! command, HOST[:PORT] for `check` as for `pool`, contradicting output options refused (exit 2), and
//! errors that say what to do next without an internal path.

use predicates::prelude::*;

use super::certwiz;

const COMMANDS: [&str; 11] = [
    "inspect",
    "check",
    "gui",
    "lab",
    "logs",
    "port-owner",
    "root-store",
    "store",
    "pool",
    "open",
    "explain",
];

/// Runs certwiz with `args` and `COLUMNS`, expects exit 0; its standard output.
fn help_at(columns: &str, args: &[&str]) -> String {
    let out = certwiz()
        .env("COLUMNS", columns)
        .args(args)
        .assert()
        .code(0);
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

#[test]
fn every_help_page_fits_the_terminal_and_shows_an_example() {
    for columns in ["60", "100"] {
        let width: usize = columns.parse().expect("number");
        let top = help_at(columns, &["--help"]);
        assert!(top.contains("Start here:"), "{top}");
        for command in COMMANDS {
            let text = help_at(columns, &[command, "--help"]);
            assert!(text.contains("Example"), "{command}: no example\n{text}");
            assert!(
                text.contains(&format!("certwiz {command}")),
                "{command}: the example runs another command\n{text}"
            );
            // Help text wraps at the width; only an example's command line (kept whole to paste) may
            // be longer.
            for line in text.lines().chain(top.lines()) {
                let long = line.chars().count() > width;
                assert!(
                    !long || line.trim_start().starts_with("certwiz "),
                    "{command} at {columns} columns: {line:?}"
                );
            }
        }
    }
}

#[test]
fn check_takes_host_colon_port_like_pool() {
    // Written before running: nothing listens on 127.0.0.1 port 1, so the port is closed (exit 1),
    // and the finding is about port 1, not about a host named "127.0.0.1:1".
    let out = certwiz()
        .args(["check", "127.0.0.1:1", "--timeout", "2", "--json"])
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    let closed = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["id"] == "port.closed")
        .unwrap_or_else(|| panic!("port.closed in {v}"));
    assert!(
        closed["title"]
            .as_str()
            .is_some_and(|t| t.contains("port 1 of 127.0.0.1")),
        "{closed}"
    );
    certwiz()
        .args(["check", "fe01.contoso.com:444", "--port", "445"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("give the port once"));
    certwiz()
        .args(["check", "fe01.contoso.com:0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a port number"));
}

#[test]
fn contradicting_or_unknown_output_options_are_refused_before_any_work() {
    let cases: [(&[&str], &str); 4] = [
        (&["--json", "--format", "text"], "contradict"),
        (&["--output", "report.pdf"], ".txt, .json, .md or .html"),
        (&["--full", "--format", "html"], "--full is for text output"),
        (&["--format", "pdf"], "invalid value"),
    ];
    for (options, message) in cases {
        // 192.0.2.1 (TEST-NET-1) is never contacted: the options are refused first, so this is quick.
        certwiz()
            .args(["check", "192.0.2.1", "--timeout", "30"])
            .args(options)
            .timeout(std::time::Duration::from_secs(10))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn errors_say_what_to_do_next() {
    certwiz()
        .arg("root-store")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--system-roots"));
}
