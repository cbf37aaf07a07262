//! Import throughput of the GE readers on a generated ~50,000-op graph (fused residual blocks as
//! ATC leaves them), in each form: the text dump, the `atc --mode=1` JSON, and the `.om`
//! container with compressed attributes. Reported as bytes per second.

use std::time::Duration;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use opscope_engine::samples::{ge_chain, JsonStyle, OmOptions};
use opscope_engine::{import_model, InputFile};

fn bench_ge(c: &mut Criterion) {
    let mut group = c.benchmark_group("ge_parse");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    let model = ge_chain(50_000);
    let forms = [
        (
            "50k_ops_dump_txt",
            "ge_proto_00001_Build.txt",
            Bytes::from(model.to_text()),
        ),
        (
            "50k_ops_json",
            "model.json",
            Bytes::from(model.to_json(JsonStyle::ATC)),
        ),
        (
            "50k_ops_om",
            "model.om",
            Bytes::from(model.to_om(&OmOptions::atc())),
        ),
    ];
    for (id, name, bytes) in forms {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(id, |b| {
            b.iter(|| import_model(&InputFile::new(name, bytes.clone())))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_ge);
criterion_main!(benches);
