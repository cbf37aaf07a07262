//! Softmax and friends keep their input's shape whatever the axis (ONNX Softmax/LogSoftmax/
//! Hardmax, TF Softmax/LogSoftmax, Caffe Softmax, GE SoftmaxV2/LogSoftmaxV2).

use super::elementwise::same;
use super::rules::Rows;

pub(crate) const ONNX: Rows = &[(&["Softmax", "LogSoftmax", "Hardmax"], same)];

pub(crate) const TF: Rows = &[(&["Softmax", "LogSoftmax"], same)];

pub(crate) const CAFFE: Rows = &[(&["Softmax"], same)];

pub(crate) const GE: Rows = &[(
    &["Softmax", "SoftmaxV2", "LogSoftmax", "LogSoftmaxV2"],
    same,
)];
