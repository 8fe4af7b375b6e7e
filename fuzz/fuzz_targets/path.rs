//! Fuzzes the path builder and the strict path rules (issue 17): name constraints, pathLenConstraint,
//! extension and serial checks, signatures certwiz cannot verify, the choice of path by purpose.
//!
//! The input is up to six DER certificates, each prefixed by its length (two bytes, big-endian), so the
//! fuzzer mutates certificates (seeds: a constrained CA, its root, leaves in and out of its subtrees)
//! rather than a container format. The last one is the trust anchor. Every certificate is examined for
//! each purpose; only panics, hangs and OOMs are bugs.

#![no_main]

use std::sync::Arc;

use certwiz::engine::load::{Origin, SourcedCertificate};
use certwiz::engine::path::CandidatePool;
use certwiz::engine::purpose::RequestedPurpose;
use libfuzzer_sys::fuzz_target;

const MAX_CERTIFICATES: usize = 6;

fn split(mut data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while out.len() < MAX_CERTIFICATES && data.len() >= 2 {
        let len = usize::from(u16::from_be_bytes([data[0], data[1]]));
        data = &data[2..];
        let take = len.min(data.len());
        out.push(&data[..take]);
        data = &data[take..];
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let chunks = split(data);
    let last = chunks.len().saturating_sub(1);
    for purpose in [
        RequestedPurpose::Both,
        RequestedPurpose::Server,
        RequestedPurpose::Client,
    ] {
        let mut pool = CandidatePool::new();
        pool.set_purpose(purpose);
        let mut indices = Vec::new();
        for (i, der) in chunks.iter().enumerate() {
            let cert = SourcedCertificate {
                der: Arc::from(*der),
                origin: Origin {
                    source: "fuzz".into(),
                    position: i + 1,
                },
            };
            if let Ok(index) = pool.add(&cert, i == last) {
                indices.push(index);
            }
        }
        for index in indices {
            if let Ok(path) = pool.build_path(index, time::OffsetDateTime::UNIX_EPOCH) {
                // The rules' texts are built from the violations: exercise them too.
                for node in &path.nodes {
                    for violation in &node.violations {
                        let _ = violation.sentence();
                    }
                }
            }
        }
    }
});
