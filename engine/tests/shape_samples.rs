//! Shape inference over the real models under `../shared/samples/models` (when present): after
//! inference every tensor of the main graph has a shape and no stated shape is contradicted.

use std::path::PathBuf;

use opscope_engine::formats::FORMATS;
use opscope_engine::ir::{Model, Shape};
use opscope_engine::shape::infer_shapes;
use opscope_engine::{import_model, InputFile};

fn samples_dir(format: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/samples/models")
        .join(format);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("{} is absent: real-model checks skipped", dir.display());
        None
    }
}

fn import(dir: &std::path::Path, file: &str) -> Model {
    let path = dir.join(file);
    let data = std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    import_model(&InputFile::new(file, data)).unwrap_or_else(|err| panic!("{err}"))
}

/// Infers and checks the static-shape guarantee; returns the shape of tensor `probe`.
fn infer_all(file: &str, model: &mut Model, probe: &str) -> Option<Shape> {
    let report = infer_shapes(model);
    let unshaped: Vec<&str> = model
        .graph
        .tensors
        .iter()
        .filter(|t| t.shape.is_none())
        .map(|t| t.name.as_str())
        .collect();
    assert!(unshaped.is_empty(), "{file}: no shape for {unshaped:?}");
    assert!(
        report.mismatches.is_empty(),
        "{file}: {:?}",
        report.mismatches
    );
    assert_eq!(report.shaped_after, report.tensors, "{file}");
    model
        .graph
        .tensors
        .iter()
        .rev()
        .find(|t| t.name == probe)
        .and_then(|t| t.shape.clone())
}

#[test]
fn real_onnx_models_get_every_shape() {
    let Some(dir) = samples_dir("onnx") else {
        return;
    };
    for (file, output) in [
        ("light_bvlc_alexnet.onnx", "prob_1"),
        ("light_densenet121.onnx", "fc6_1"),
        ("light_inception_v1.onnx", "prob_1"),
        ("light_inception_v2.onnx", "prob_1"),
        ("light_resnet50.onnx", "gpu_0/softmax_1"),
        ("light_shufflenet.onnx", "gpu_0/softmax_1"),
        ("light_squeezenet.onnx", "softmaxout_1"),
        ("light_vgg19.onnx", "prob_1"),
        ("light_zfnet512.onnx", "gpu_0/softmax_1"),
    ] {
        let mut model = import(&dir, file);
        let stated = model.graph.outputs.len();
        assert_eq!(stated, 1, "{file}");
        let shape = infer_all(file, &mut model, output).expect("output shape");
        // DenseNet and SqueezeNet end in a 1×1 spatial map, the others in a flat vector.
        let expected = if file == "light_densenet121.onnx" || file == "light_squeezenet.onnx" {
            Shape::from_known(&[1, 1000, 1, 1])
        } else {
            Shape::from_known(&[1, 1000])
        };
        assert_eq!(shape, expected, "{file}");
    }
}

#[test]
fn real_caffe_prototxts_get_every_shape() {
    let Some(dir) = samples_dir("caffe") else {
        return;
    };
    if !FORMATS.iter().any(|spec| spec.id == "caffe") {
        eprintln!("the Caffe importer is not registered: Caffe checks skipped");
        return;
    }
    for (file, probe, expected) in [
        ("ResNet-50-deploy.prototxt", "fc1000", &[1, 1000][..]),
        ("mobilenet_v1_deploy.prototxt", "fc7", &[1, 1000, 1, 1][..]),
        ("mobilenet_v2_deploy.prototxt", "fc7", &[1, 1000, 1, 1][..]),
    ] {
        let mut model = import(&dir, file);
        let shape = infer_all(file, &mut model, probe);
        assert_eq!(shape, Some(Shape::from_known(expected)), "{file}");
        // The blobs a prototxt implies get their dims too (ResNet-50's conv1: 64×3×7×7).
        if file.starts_with("ResNet") {
            let id = model.graph.tensor_by_name("conv1/0").expect("conv1 weight");
            assert_eq!(
                model.graph.tensors[id].shape,
                Some(Shape::from_known(&[64, 3, 7, 7])),
                "{file}"
            );
        }
    }
}
