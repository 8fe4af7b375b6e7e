//! The log matcher on a 10 MB paste (the goal: under 1 s, linear in the input).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn incident() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/logs/incident-eventviewer.txt");
    std::fs::read_to_string(path).unwrap_or_default()
}

fn bench(c: &mut Criterion) {
    let one = incident();
    let mut group = c.benchmark_group("logs");
    for mb in [1usize, 10] {
        let text = one.repeat(mb * 1024 * 1024 / one.len().max(1) + 1);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.sample_size(10);
        group.bench_function(format!("analyse {mb} MB of Event Viewer text"), |b| {
            b.iter(|| certwiz::engine::logs::analyse(&text).map(|a| a.signals.len()))
        });
    }
    // Text with no signals at all: the automaton's plain scanning speed.
    let filler = "The Windows Update service entered the running state.\r\n".repeat(190_000);
    group.throughput(Throughput::Bytes(filler.len() as u64));
    group.bench_function("analyse 10 MB of unrelated text", |b| {
        b.iter(|| certwiz::engine::logs::analyse(&filler).map(|a| a.signals.len()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
