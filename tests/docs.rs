//! The documentation: the README is short (under 200 lines) and links to docs/*.md; every relative
//! link and anchor in them resolves; the claims that can be checked against the program are.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use assert_cmd::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn pages() -> Vec<PathBuf> {
    let mut v = vec![Path::new(ROOT).join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join("docs"))
        .expect("docs/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    v.extend(docs);
    v
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeated
/// headings get -1, -2.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeSet::new();
    let mut code = false;
    for line in text.lines() {
        if line.starts_with("```") {
            code = !code;
        }
        if code || !line.starts_with('#') {
            continue;
        }
        let heading = line.trim_start_matches('#').trim().to_lowercase();
        let slug: String = heading
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let n = seen.entry(slug.clone()).or_insert(0);
        out.insert(if *n == 0 {
            slug.clone()
        } else {
            format!("{slug}-{n}")
        });
        *n += 1;
    }
    out
}

/// The targets of the Markdown links `[text](target)` outside code blocks.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut code = false;
    for line in text.lines() {
        if line.starts_with("```") {
            code = !code;
        }
        if code {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].to_owned());
            rest = &after[end..];
        }
    }
    out
}

#[test]
fn readme_is_read_in_two_minutes_and_links_the_rest() {
    let readme = read(&Path::new(ROOT).join("README.md"));
    let lines = readme.lines().count();
    assert!(lines < 200, "README.md has {lines} lines");
    for page in [
        "user-guide.md",
        "commands.md",
        "findings.md",
        "reports.md",
        "windows.md",
        "architecture.md",
        "development.md",
    ] {
        assert!(
            readme.contains(&format!("docs/{page}")),
            "README links docs/{page}"
        );
    }
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let mut broken = Vec::new();
    for page in pages() {
        let text = read(&page);
        let dir = page.parent().expect("folder");
        for link in links(&text) {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = link
                .split_once('#')
                .map_or((link.as_str(), None), |(f, a)| (f, Some(a)));
            let target = if file.is_empty() {
                page.clone()
            } else {
                dir.join(file)
            };
            if !target.exists() {
                broken.push(format!("{}: {link} (no file)", page.display()));
                continue;
            }
            if let Some(anchor) = anchor
                && target.extension().is_some_and(|e| e == "md")
                && !anchors(&read(&target)).contains(anchor)
            {
                broken.push(format!("{}: {link} (no such heading)", page.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_command_the_readme_names_exists() {
    let readme = read(&Path::new(ROOT).join("README.md"));
    let mut commands = BTreeSet::new();
    // Commands in inline code (`certwiz check ...`) and at the start of code-block lines.
    let quoted = readme.split("`certwiz ").skip(1);
    let mut code = false;
    let lines = readme.lines().filter_map(|l| {
        if l.starts_with("```") {
            code = !code;
        }
        l.strip_prefix("certwiz ").filter(|_| code)
    });
    for word in quoted.chain(lines) {
        let name: String = word
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '-')
            .collect();
        if name.len() > 2 {
            commands.insert(name);
        }
    }
    assert!(
        commands.contains("check") && commands.contains("lab"),
        "{commands:?}"
    );
    for name in commands {
        Command::cargo_bin("certwiz")
            .expect("binary")
            .args(["help", &name])
            .assert()
            .code(0);
    }
}

#[test]
fn the_written_forms_of_a_code_are_right_and_recognised() {
    // "`0x80072EFE`, `80072EFE`, decimal `N`, signed `M`": N and M must be that value, and a log
    // holding only the decimal form must be recognised as that code.
    let all: String = pages()
        .iter()
        .map(|p| read(p))
        .collect::<Vec<_>>()
        .join("\n")
        .replace('\n', " ");
    let mut checked = 0;
    let mut rest = all.as_str();
    while let Some(i) = rest.find("decimal `") {
        let before = &rest[..i];
        let after = &rest[i + 9..];
        rest = after;
        let Some(hex_at) = before.rfind("`0x") else {
            continue;
        };
        let hex = &before[hex_at + 3..hex_at + 11];
        let Ok(value) = u32::from_str_radix(hex, 16) else {
            continue;
        };
        let decimal: String = after.chars().take_while(char::is_ascii_digit).collect();
        assert_eq!(decimal, value.to_string(), "decimal form of 0x{hex}");
        if let Some(s) = after.find("signed `") {
            let signed: String = after[s + 8..]
                .chars()
                .take_while(|c| *c == '-' || c.is_ascii_digit())
                .collect();
            assert_eq!(signed, (value as i32).to_string(), "signed form of 0x{hex}");
        }
        let out = Command::cargo_bin("certwiz")
            .expect("binary")
            .args(["logs", "-", "--json"])
            .write_stdin(format!("The operation failed with error {decimal}.\n"))
            .output()
            .expect("runs");
        let json = String::from_utf8_lossy(&out.stdout);
        assert!(
            json.contains(&format!("log.code-{}", hex.to_lowercase())),
            "{decimal} not recognised: {json}"
        );
        checked += 1;
    }
    assert!(checked >= 1, "the docs give at least one decimal form");
}
