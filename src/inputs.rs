//! What the user can open: the bundled samples, and which of several dropped files is the model.

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

/// The first one is what "Try the sample" opens.
pub const SAMPLES: &[Sample] = &[
    Sample {
        file_name: "resnet50.onnx",
        label: "ResNet-50",
    },
    Sample {
        file_name: "mobilenet_v2.onnx",
        label: "MobileNet v2",
    },
];

/// The sample a `?sample=` URL parameter names: its file stem (`resnet50`) or file name.
pub fn sample_named(name: &str) -> Option<Sample> {
    SAMPLES.iter().copied().find(|sample| {
        sample.file_name == name || sample.file_name.strip_suffix(".onnx") == Some(name)
    })
}

/// File-name endings of model files the engine reads; among several dropped files these are
/// tried first (the engine still decides by content).
const MODEL_EXTENSIONS: &[&str] = &[".onnx"];

/// Index of the file to open among several: the first with a model extension, else the first.
pub fn pick_model(names: &[String]) -> Option<usize> {
    names
        .iter()
        .position(|name| {
            let lower = name.to_ascii_lowercase();
            MODEL_EXTENSIONS.iter().any(|ext| lower.ends_with(ext))
        })
        .or(if names.is_empty() { None } else { Some(0) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn model_files_win_over_others() {
        assert_eq!(pick_model(&names(&["w.bin", "Model.ONNX"])), Some(1));
        assert_eq!(pick_model(&names(&["notes.txt", "data.bin"])), Some(0));
        assert_eq!(pick_model(&[]), None);
    }

    #[test]
    fn samples_are_found_by_url_name() {
        assert_eq!(sample_named("resnet50").map(|s| s.label), Some("ResNet-50"));
        assert_eq!(sample_named("mobilenet_v2.onnx").map(|s| s.label), Some("MobileNet v2"));
        assert_eq!(sample_named("../etc/passwd"), None);
    }

    #[test]
    fn samples_are_relative_to_the_page() {
        assert_eq!(SAMPLES[0].path(), "samples/resnet50.onnx");
    }
}
