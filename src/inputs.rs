//! What the user can open: the bundled samples, and in which order the files of a drop are handed
//! to the worker (model files first, so the first model of a drop is the one the user most likely
//! meant; the engine still decides what each file is by content).

/// A model bundled with the app under `samples/` (copied from `www/samples` by Trunk).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub file_name: &'static str,
    pub label: &'static str,
}

impl Sample {
    /// Path relative to the page.
    pub fn path(&self) -> String {
        format!("samples/{}", self.file_name)
    }
}

/// The first one is what "Try the sample" opens; one per format the importers read (written by
/// `engine/examples/write_samples.rs`).
pub const SAMPLES: &[Sample] = &[
    Sample {
        file_name: "resnet50.onnx",
        label: "ResNet-50",
    },
    Sample {
        file_name: "mobilenet_v2.onnx",
        label: "MobileNet v2",
    },
    Sample {
        file_name: "mobilenet_v2_tf.pbtxt",
        label: "MobileNet v2 (TensorFlow)",
    },
    Sample {
        file_name: "mobilenet_v1.prototxt",
        label: "MobileNet v1 (Caffe)",
    },
    Sample {
        file_name: "resnet50_atc.om",
        label: "ResNet-50 (Ascend .om)",
    },
];

/// The sample a `?sample=` URL parameter names: its file stem (`resnet50`) or file name.
pub fn sample_named(name: &str) -> Option<Sample> {
    SAMPLES.iter().copied().find(|sample| {
        let stem = sample
            .file_name
            .rsplit_once('.')
            .map_or(sample.file_name, |(stem, _)| stem);
        sample.file_name == name || stem == name
    })
}

/// File-name endings of model files the engine reads, most specific first: ONNX, TensorFlow
/// GraphDef (binary and text), Caffe (net and weights), Ascend GE (`.om`, the JSON `atc --mode=1`
/// writes, and `ge_proto_*.txt` dumps, see [`is_model_name`]).
pub const MODEL_EXTENSIONS: &[&str] =
    &[".onnx", ".pb", ".pbtxt", ".prototxt", ".caffemodel", ".om"];

/// File-name endings of profiling files (msprof and torch_npu CSV summaries, timeline JSON).
pub const PROFILE_EXTENSIONS: &[&str] = &[".csv", ".json"];

/// Whether a file name looks like a model file. A hint only: GE dumps end in `.txt` and om JSON
/// in `.json`, so `ge_proto_*` names count too, and content decides in the end.
pub fn is_model_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if MODEL_EXTENSIONS.iter().any(|ext| lower.ends_with(ext)) {
        return true;
    }
    let base = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    base.starts_with("ge_proto") && base.ends_with(".txt")
}

pub fn is_profile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    PROFILE_EXTENSIONS.iter().any(|ext| lower.ends_with(ext))
}

/// The order in which the files of a drop are handed to the worker: model names first, then
/// profiling names, then the rest; the user's order within each group.
pub fn order_files(names: &[String]) -> Vec<usize> {
    let rank = |name: &str| {
        if is_model_name(name) {
            0
        } else if is_profile_name(name) {
            1
        } else {
            2
        }
    };
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&idx| rank(&names[idx]));
    order
}

/// What the status bar calls a load of these files: the file name, or `N files`.
pub fn describe_files(names: &[String]) -> String {
    match names {
        [] => "nothing".to_string(),
        [only] => only.clone(),
        _ => format!("{} files", names.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn model_files_go_first_then_profiles() {
        let dropped = names(&[
            "op_summary_0.csv",
            "notes.bin",
            "Model.ONNX",
            "info.json",
            "net.prototxt",
            "net.caffemodel",
        ]);
        assert_eq!(order_files(&dropped), vec![2, 4, 5, 0, 3, 1]);
        assert!(order_files(&[]).is_empty());
    }

    #[test]
    fn every_model_format_is_recognised_by_name() {
        for name in [
            "resnet.onnx",
            "frozen.pb",
            "graph.pbtxt",
            "deploy.prototxt",
            "w.caffemodel",
            "model.om",
            "dump/ge_proto_00001_Build.txt",
        ] {
            assert!(is_model_name(name), "{name}");
        }
        for name in ["op_summary_1.csv", "notes.txt", "trace_view.json"] {
            assert!(!is_model_name(name), "{name}");
        }
    }

    #[test]
    fn loads_are_described_by_their_files() {
        assert_eq!(describe_files(&names(&["a.onnx"])), "a.onnx");
        assert_eq!(describe_files(&names(&["a.onnx", "b.csv"])), "2 files");
    }

    #[test]
    fn samples_are_found_by_url_name() {
        assert_eq!(sample_named("resnet50").map(|s| s.label), Some("ResNet-50"));
        assert_eq!(
            sample_named("mobilenet_v2.onnx").map(|s| s.label),
            Some("MobileNet v2")
        );
        assert_eq!(
            sample_named("resnet50_atc").map(|s| s.file_name),
            Some("resnet50_atc.om")
        );
        assert_eq!(sample_named("../etc/passwd"), None);
    }

    #[test]
    fn samples_are_relative_to_the_page() {
        assert_eq!(SAMPLES[0].path(), "samples/resnet50.onnx");
    }
}
