//! What kind of work an op type does, for colouring and grouping in the viewer. One table for
//! every framework's spelling (ONNX, TensorFlow, Caffe, GE), looked up case-insensitively.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpCategory {
    /// Matrix work: convolution, fully connected, MatMul (the Cube unit on Ascend).
    Layer,
    Activation,
    Pool,
    Normalization,
    /// Element-wise arithmetic.
    Elementwise,
    /// Shape-only ops: Reshape, Flatten, Squeeze.
    Shape,
    /// Data movement: Concat, Split, Transpose, Gather, Slice.
    Tensor,
    Reduce,
    Control,
    Constant,
    /// Format or dtype conversion inserted by a compiler (TransData, Cast).
    Conversion,
    Other,
}

const TABLE: &[(&str, OpCategory)] = &[
    // Layer
    ("Conv", OpCategory::Layer),
    ("ConvTranspose", OpCategory::Layer),
    ("Conv2D", OpCategory::Layer),
    ("Conv3D", OpCategory::Layer),
    ("Conv2DBackpropInput", OpCategory::Layer),
    ("DepthwiseConv2dNative", OpCategory::Layer),
    ("DepthwiseConv2D", OpCategory::Layer),
    ("Convolution", OpCategory::Layer),
    ("Deconvolution", OpCategory::Layer),
    ("Gemm", OpCategory::Layer),
    ("MatMul", OpCategory::Layer),
    ("MatMulV2", OpCategory::Layer),
    ("MatMulV3", OpCategory::Layer),
    ("BatchMatMul", OpCategory::Layer),
    ("BatchMatMulV2", OpCategory::Layer),
    ("InnerProduct", OpCategory::Layer),
    ("FullyConnection", OpCategory::Layer),
    ("QLinearConv", OpCategory::Layer),
    ("QLinearMatMul", OpCategory::Layer),
    ("ConvInteger", OpCategory::Layer),
    ("MatMulInteger", OpCategory::Layer),
    ("Einsum", OpCategory::Layer),
    ("LSTM", OpCategory::Layer),
    ("GRU", OpCategory::Layer),
    ("RNN", OpCategory::Layer),
    ("Attention", OpCategory::Layer),
    ("FlashAttentionScore", OpCategory::Layer),
    // Activation
    ("Relu", OpCategory::Activation),
    ("Relu6", OpCategory::Activation),
    ("LeakyRelu", OpCategory::Activation),
    ("PRelu", OpCategory::Activation),
    ("Elu", OpCategory::Activation),
    ("Selu", OpCategory::Activation),
    ("Sigmoid", OpCategory::Activation),
    ("HardSigmoid", OpCategory::Activation),
    ("HardSwish", OpCategory::Activation),
    ("Tanh", OpCategory::Activation),
    ("Softmax", OpCategory::Activation),
    ("LogSoftmax", OpCategory::Activation),
    ("Softplus", OpCategory::Activation),
    ("Softsign", OpCategory::Activation),
    ("Gelu", OpCategory::Activation),
    ("FastGelu", OpCategory::Activation),
    ("Mish", OpCategory::Activation),
    ("Swish", OpCategory::Activation),
    ("Clip", OpCategory::Activation),
    ("ClipByValue", OpCategory::Activation),
    ("ThresholdedRelu", OpCategory::Activation),
    // Pool
    ("MaxPool", OpCategory::Pool),
    ("AveragePool", OpCategory::Pool),
    ("GlobalAveragePool", OpCategory::Pool),
    ("GlobalMaxPool", OpCategory::Pool),
    ("LpPool", OpCategory::Pool),
    ("MaxRoiPool", OpCategory::Pool),
    ("AvgPool", OpCategory::Pool),
    ("Pooling", OpCategory::Pool),
    ("RoiAlign", OpCategory::Pool),
    // Normalization
    ("BatchNormalization", OpCategory::Normalization),
    ("FusedBatchNorm", OpCategory::Normalization),
    ("FusedBatchNormV3", OpCategory::Normalization),
    ("BatchNorm", OpCategory::Normalization),
    ("BNInference", OpCategory::Normalization),
    ("BNInferenceD", OpCategory::Normalization),
    ("Scale", OpCategory::Normalization),
    ("InstanceNormalization", OpCategory::Normalization),
    ("LayerNormalization", OpCategory::Normalization),
    ("LayerNorm", OpCategory::Normalization),
    ("GroupNormalization", OpCategory::Normalization),
    ("LRN", OpCategory::Normalization),
    ("LpNormalization", OpCategory::Normalization),
    ("RmsNorm", OpCategory::Normalization),
    ("Normalize", OpCategory::Normalization),
    // Element-wise
    ("Add", OpCategory::Elementwise),
    ("AddV2", OpCategory::Elementwise),
    ("Sub", OpCategory::Elementwise),
    ("Mul", OpCategory::Elementwise),
    ("Div", OpCategory::Elementwise),
    ("RealDiv", OpCategory::Elementwise),
    ("Pow", OpCategory::Elementwise),
    ("Sqrt", OpCategory::Elementwise),
    ("Rsqrt", OpCategory::Elementwise),
    ("Exp", OpCategory::Elementwise),
    ("Log", OpCategory::Elementwise),
    ("Abs", OpCategory::Elementwise),
    ("Neg", OpCategory::Elementwise),
    ("Reciprocal", OpCategory::Elementwise),
    ("Floor", OpCategory::Elementwise),
    ("Ceil", OpCategory::Elementwise),
    ("Round", OpCategory::Elementwise),
    ("Min", OpCategory::Elementwise),
    ("Max", OpCategory::Elementwise),
    ("Minimum", OpCategory::Elementwise),
    ("Maximum", OpCategory::Elementwise),
    ("Sum", OpCategory::Elementwise),
    ("Mean", OpCategory::Elementwise),
    ("Eltwise", OpCategory::Elementwise),
    ("BiasAdd", OpCategory::Elementwise),
    ("Bias", OpCategory::Elementwise),
    ("Power", OpCategory::Elementwise),
    ("Erf", OpCategory::Elementwise),
    ("Sin", OpCategory::Elementwise),
    ("Cos", OpCategory::Elementwise),
    ("Equal", OpCategory::Elementwise),
    ("Greater", OpCategory::Elementwise),
    ("Less", OpCategory::Elementwise),
    ("And", OpCategory::Elementwise),
    ("Or", OpCategory::Elementwise),
    ("Not", OpCategory::Elementwise),
    ("Where", OpCategory::Elementwise),
    ("Select", OpCategory::Elementwise),
    ("Square", OpCategory::Elementwise),
    ("SquaredDifference", OpCategory::Elementwise),
    ("AddN", OpCategory::Elementwise),
    ("Dropout", OpCategory::Elementwise),
    ("Identity", OpCategory::Elementwise),
    // Shape
    ("Reshape", OpCategory::Shape),
    ("Flatten", OpCategory::Shape),
    ("Squeeze", OpCategory::Shape),
    ("Unsqueeze", OpCategory::Shape),
    ("ExpandDims", OpCategory::Shape),
    ("Shape", OpCategory::Shape),
    ("Size", OpCategory::Shape),
    ("Expand", OpCategory::Shape),
    ("Tile", OpCategory::Shape),
    ("Range", OpCategory::Shape),
    // Tensor movement
    ("Concat", OpCategory::Tensor),
    ("ConcatV2", OpCategory::Tensor),
    ("ConcatD", OpCategory::Tensor),
    ("Split", OpCategory::Tensor),
    ("SplitV", OpCategory::Tensor),
    ("Slice", OpCategory::Tensor),
    ("StridedSlice", OpCategory::Tensor),
    ("Transpose", OpCategory::Tensor),
    ("Permute", OpCategory::Tensor),
    ("Gather", OpCategory::Tensor),
    ("GatherV2", OpCategory::Tensor),
    ("GatherElements", OpCategory::Tensor),
    ("GatherND", OpCategory::Tensor),
    ("ScatterND", OpCategory::Tensor),
    ("ScatterElements", OpCategory::Tensor),
    ("Pad", OpCategory::Tensor),
    ("PadV2", OpCategory::Tensor),
    ("MirrorPad", OpCategory::Tensor),
    ("Resize", OpCategory::Tensor),
    ("Upsample", OpCategory::Tensor),
    ("Interp", OpCategory::Tensor),
    ("ResizeBilinear", OpCategory::Tensor),
    ("ResizeNearestNeighbor", OpCategory::Tensor),
    ("DepthToSpace", OpCategory::Tensor),
    ("SpaceToDepth", OpCategory::Tensor),
    ("Crop", OpCategory::Tensor),
    ("ShuffleChannel", OpCategory::Tensor),
    ("TopK", OpCategory::Tensor),
    ("NonZero", OpCategory::Tensor),
    ("NonMaxSuppression", OpCategory::Tensor),
    ("OneHot", OpCategory::Tensor),
    ("PriorBox", OpCategory::Tensor),
    ("DetectionOutput", OpCategory::Tensor),
    ("Proposal", OpCategory::Tensor),
    // Reduce
    ("ReduceMean", OpCategory::Reduce),
    ("ReduceSum", OpCategory::Reduce),
    ("ReduceMax", OpCategory::Reduce),
    ("ReduceMin", OpCategory::Reduce),
    ("ReduceProd", OpCategory::Reduce),
    ("ReduceL2", OpCategory::Reduce),
    ("ReduceSumSquare", OpCategory::Reduce),
    ("ReduceLogSumExp", OpCategory::Reduce),
    ("ArgMax", OpCategory::Reduce),
    ("ArgMin", OpCategory::Reduce),
    ("Reduction", OpCategory::Reduce),
    ("ArgMaxD", OpCategory::Reduce),
    // Control
    ("If", OpCategory::Control),
    ("Loop", OpCategory::Control),
    ("Scan", OpCategory::Control),
    ("While", OpCategory::Control),
    ("StatelessWhile", OpCategory::Control),
    ("StatelessIf", OpCategory::Control),
    ("Switch", OpCategory::Control),
    ("Merge", OpCategory::Control),
    ("Enter", OpCategory::Control),
    ("Exit", OpCategory::Control),
    ("NextIteration", OpCategory::Control),
    ("PartitionedCall", OpCategory::Control),
    ("StatefulPartitionedCall", OpCategory::Control),
    // Constant
    ("Constant", OpCategory::Constant),
    ("ConstantOfShape", OpCategory::Constant),
    ("Const", OpCategory::Constant),
    ("Placeholder", OpCategory::Constant),
    ("Data", OpCategory::Constant),
    ("Input", OpCategory::Constant),
    ("Variable", OpCategory::Constant),
    ("VariableV2", OpCategory::Constant),
    // Conversion
    ("Cast", OpCategory::Conversion),
    ("TransData", OpCategory::Conversion),
    ("TransDataRNN", OpCategory::Conversion),
    ("Quantize", OpCategory::Conversion),
    ("QuantizeLinear", OpCategory::Conversion),
    ("DequantizeLinear", OpCategory::Conversion),
    ("AscendQuant", OpCategory::Conversion),
    ("AscendDequant", OpCategory::Conversion),
];

impl OpCategory {
    /// Category of an op type in any framework's spelling; `Other` when unknown.
    pub fn of(op_type: &str) -> OpCategory {
        TABLE
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(op_type))
            .map(|&(_, category)| category)
            .unwrap_or(OpCategory::Other)
    }

    pub fn name(self) -> &'static str {
        match self {
            OpCategory::Layer => "layer",
            OpCategory::Activation => "activation",
            OpCategory::Pool => "pool",
            OpCategory::Normalization => "normalization",
            OpCategory::Elementwise => "elementwise",
            OpCategory::Shape => "shape",
            OpCategory::Tensor => "tensor",
            OpCategory::Reduce => "reduce",
            OpCategory::Control => "control",
            OpCategory::Constant => "constant",
            OpCategory::Conversion => "conversion",
            OpCategory::Other => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_every_spelling() {
        assert_eq!(OpCategory::of("Conv"), OpCategory::Layer);
        assert_eq!(OpCategory::of("convolution"), OpCategory::Layer);
        assert_eq!(OpCategory::of("Relu"), OpCategory::Activation);
        assert_eq!(OpCategory::of("TransData"), OpCategory::Conversion);
        assert_eq!(OpCategory::of("MyCustomOp"), OpCategory::Other);
    }

    #[test]
    fn every_op_type_is_listed_once() {
        for (idx, (name, _)) in TABLE.iter().enumerate() {
            for (other_name, _) in &TABLE[idx + 1..] {
                assert!(
                    !name.eq_ignore_ascii_case(other_name),
                    "{name} is listed twice"
                );
            }
        }
    }
}
