//! Where a 4-D activation keeps its channels, height and width, for the model rules that read
//! them (`channel-alignment`, `interp-divisibility`).
//!
//! The layout comes from the tensor when the file states it (GE descs: `NCHW`, `NHWC`,
//! `NC1HWC0`), else from the node's `data_format` attribute (TensorFlow, GE), else from the
//! framework's default: NHWC for TensorFlow, NCHW for ONNX, Caffe and GE.

use crate::ir::{AttrValue, Model, ModelFormat, Node, Shape, Tensor};

/// The layouts the rules read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Nchw,
    Nhwc,
    /// 5HD, `[N, C1, H, W, C0]`: the channel count is padded to C1 × C0, the real one is lost.
    FiveHd,
}

/// Whether a layout name is a 5HD activation format (`NC1HWC0`, `NC1HWC0_C04`, `NDC1HWC0`).
pub fn is_five_hd(layout: &str) -> bool {
    layout.to_ascii_uppercase().contains("C1HWC0")
}

fn parse(name: &str) -> Option<Layout> {
    if is_five_hd(name) {
        return Some(Layout::FiveHd);
    }
    match name.to_ascii_uppercase().as_str() {
        "NCHW" => Some(Layout::Nchw),
        "NHWC" => Some(Layout::Nhwc),
        _ => None,
    }
}

/// The layout `node` reads and writes unless a tensor states its own: its `data_format`
/// (TensorFlow, GE; ONNX and Caffe have none), else the framework's default.
pub fn node_layout(model: &Model, node: &Node) -> Layout {
    let stated = match model.format {
        ModelFormat::Tensorflow | ModelFormat::Ge => node
            .attr("data_format")
            .and_then(AttrValue::as_str)
            .and_then(parse),
        ModelFormat::Onnx | ModelFormat::Caffe => None,
    };
    stated.unwrap_or(match model.format {
        ModelFormat::Tensorflow => Layout::Nhwc,
        ModelFormat::Onnx | ModelFormat::Caffe | ModelFormat::Ge => Layout::Nchw,
    })
}

/// The layout of `tensor`: its own when the file states one (GE descs), else `node_layout`.
pub fn tensor_layout(tensor: &Tensor, node_layout: Layout) -> Layout {
    tensor
        .layout
        .as_deref()
        .and_then(parse)
        .unwrap_or(node_layout)
}

/// The dims of a tensor when all are known.
pub fn known_dims(tensor: &Tensor) -> Option<Vec<i64>> {
    tensor.shape.as_ref().and_then(|s| s.known_dims())
}

impl Layout {
    /// The channel count of a 4-D shape; `None` for 5HD (padded), other ranks and unknown dims.
    pub fn channels(self, shape: &Shape) -> Option<i64> {
        match (self, shape.0.as_slice()) {
            (Layout::Nchw, [_, c, _, _]) | (Layout::Nhwc, [_, _, _, c]) => c.known(),
            _ => None,
        }
    }

    /// Height and width, when known.
    pub fn spatial(self, shape: &Shape) -> Option<(i64, i64)> {
        match (self, shape.0.as_slice()) {
            (Layout::Nchw, [_, _, h, w])
            | (Layout::Nhwc, [_, h, w, _])
            | (Layout::FiveHd, [_, _, h, w, _]) => Some((h.known()?, w.known()?)),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Layout::Nchw => "NCHW",
            Layout::Nhwc => "NHWC",
            Layout::FiveHd => "NC1HWC0",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Dim;

    #[test]
    fn axes_follow_the_layout() {
        let shape = Shape::from_known(&[1, 18, 175, 176]);
        assert_eq!(Layout::Nchw.channels(&shape), Some(18));
        assert_eq!(Layout::Nchw.spatial(&shape), Some((175, 176)));
        assert_eq!(Layout::Nhwc.channels(&shape), Some(176));
        assert_eq!(Layout::Nhwc.spatial(&shape), Some((18, 175)));
        assert_eq!(
            Layout::FiveHd.channels(&Shape::from_known(&[1, 2, 8, 8, 16])),
            None
        );
        assert_eq!(
            Layout::FiveHd.spatial(&Shape::from_known(&[1, 2, 8, 9, 16])),
            Some((8, 9))
        );
        assert_eq!(Layout::Nchw.channels(&Shape::from_known(&[1, 18])), None);
        let symbolic = Shape(vec![
            Dim::Symbolic("N".into()),
            Dim::Known(18),
            Dim::Unknown,
            Dim::Known(4),
        ]);
        assert_eq!(Layout::Nchw.channels(&symbolic), Some(18));
        assert_eq!(Layout::Nchw.spatial(&symbolic), None);
        assert!(is_five_hd("NC1HWC0_C04") && !is_five_hd("C1HWNCoC0"));
    }
}
