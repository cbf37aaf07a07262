//! The op table. One row per canonical op; see [`super::OpSpec`] for the columns.
//!
//! Rows are written one a line: [`op`] (or a shorthand for a common kind of op: [`ew`], [`act`],
//! [`mov`], [`cube`], [`fold`], [`cpu`], [`hccl`], [`train`]) sets the required columns, and the
//! optional ones follow as `.on(..)` (per-target units), `.types(..)` (per-target dtypes),
//! `.outputs(..)`, `.with(..)` (constraints) and `.replaced(..)`.
//!
//! Facts and how sure they are:
//! - Units measured in the real profiles (`shared/samples/profiling`, A2 / 910B and 910A runs)
//!   say so in `source`; they beat documentation.
//! - Float32 is in the dtype sets of float kernels: ATC's default precision mode casts float32
//!   models to float16 on the Ascend 310, so a float32 input never sends an op to the AI CPU.
//!   Float64 and complex types are in no AI Core set (msprof-analyze advisor, `ascend.md` 4.4).
//! - Which ops the Ascend 310's op library of old CANN (5.x / 6.x) covers on the AI Core was not
//!   verified op by op; rows without a 310 exception assume the common TBE library and `S_TBE`
//!   says so. Known 310 exceptions (Pow, MaxPoolGrad, Cast to int64) are listed per row.
//! - GE picks the TBE (AI Core) kernel when its op information library has one and falls back to
//!   the AI CPU library otherwise (CANN op development guide, operator information library).
//! - 5HD (`Supports5hd`): convolutions, element-wise ops and activations, BatchNorm / Scale,
//!   pooling, concat, resize, crop and the quantisation ops, from the format notes of the GE op
//!   prototypes (CANN `fwkacllib/inc/ops`) and the 910A AlexNet sample (Conv2D, ReluV2,
//!   MaxPoolWithArgmax and Cast follow each other with no TransData). Data movement that
//!   rearranges elements (Transpose, Gather, Slice, Split, Pad, MirrorPad) runs in ND, MatMul in
//!   ND / FRACTAL_NZ. A row without the mark makes `transdata-avoidable` report conversions
//!   around it; rows whose format no source settles (Softmax, InstanceNorm, the adaptive
//!   pools) are left without it and say so where a source was looked for.

use super::{Constraint, DTypeSet, ExecUnit as U, FusionClass as F, OpSpec, Replacement};
use crate::ir::{DType, OpCategory as C};
use crate::target::TargetId as T;

// Dtype sets of AI Core kernels.
const FLOAT: DTypeSet = DTypeSet::of(&[DType::F16, DType::F32, DType::BF16]);
/// Cube ops: float and 8-bit data, int32 bias of int8 layers, int32 / int64 shape operands
/// (`Conv2DBackpropInput`'s input size: INT32 in the A2 samples).
const CUBE_T: DTypeSet = DTypeSet::of(&[
    DType::F16,
    DType::F32,
    DType::BF16,
    DType::I8,
    DType::U8,
    DType::I32,
    DType::I64,
]);
/// Float data with int32 / int64 index or shape operands (axes, sizes, labels, segment ids,
/// steps): the A2 samples run ReduceSum `FLOAT;INT64`, NLLLoss `FLOAT;INT64;FLOAT` and
/// ApplyAdamWV2 `...;INT64` on the AI Core. The dtype check cannot tell data from index inputs.
const FLOAT_IDX: DTypeSet = FLOAT.union(DTypeSet::of(&[DType::I32, DType::I64]));
/// Float data with a uint8 / bool mask (DropOutDoMask `FLOAT16;UINT8;FLOAT16`, ScaledMaskedSoftmax
/// `FLOAT16;BOOL` in the A2 samples).
const MASKED: DTypeSet = FLOAT.union(DTypeSet::of(&[DType::U8, DType::Bool]));
/// Attention kernels: bf16 / float data, uint8 / bool masks, int64 sequence lengths (A2 samples).
const ATTENTION_T: DTypeSet = MASKED.union(DTypeSet::of(&[DType::I32, DType::I64]));
/// Arithmetic: floats and the integer types the vector unit computes in.
const NUM: DTypeSet = DTypeSet::of(&[
    DType::F16,
    DType::F32,
    DType::BF16,
    DType::I8,
    DType::U8,
    DType::I16,
    DType::I32,
    DType::I64,
]);
/// Data movement: any type of 8 to 64 bits except float64 (the advisor's generic AI Core list).
const ALL: DTypeSet = NUM.union(DTypeSet::of(&[
    DType::U16,
    DType::U32,
    DType::U64,
    DType::Bool,
]));
const INT: DTypeSet = DTypeSet::of(&[
    DType::I8,
    DType::U8,
    DType::I16,
    DType::U16,
    DType::I32,
    DType::U32,
    DType::I64,
    DType::U64,
]);
const BOOL: DTypeSet = DTypeSet::of(&[DType::Bool]);
const ANY: DTypeSet = DTypeSet::ANY;
/// Equal: the advisor's own list (CANN 7.0 / 8.0.RC1, `aicpu_rules.yaml` and its replacement samples).
const EQUAL_T: DTypeSet = DTypeSet::of(&[
    DType::F16,
    DType::F32,
    DType::BF16,
    DType::Bool,
    DType::I8,
    DType::U8,
    DType::I32,
    DType::I64,
]);
/// Mul: the advisor's AI Core list (CANN 7.0 / 8.0.RC1 replacement samples).
const MUL_T: DTypeSet = DTypeSet::of(&[
    DType::F16,
    DType::F32,
    DType::BF16,
    DType::I32,
    DType::I64,
    DType::I8,
    DType::U8,
    DType::Complex64,
]);
/// TensorEqual: the advisor's AI Core list (float64 in, int64 out).
const TENSOR_EQUAL_T: DTypeSet = DTypeSet::of(&[
    DType::F16,
    DType::F32,
    DType::BF16,
    DType::F64,
    DType::Bool,
    DType::I32,
    DType::I8,
    DType::U8,
]);
/// Cast: the advisor's list (float, float16, bf16, bool, int32, uint32, int64, uint64, uint8)
/// plus int8 (the TBE Cast converts int8 to float16).
const CAST_IN: DTypeSet = DTypeSet::of(&[
    DType::F16,
    DType::F32,
    DType::BF16,
    DType::Bool,
    DType::I8,
    DType::U8,
    DType::I32,
    DType::U32,
    DType::I64,
    DType::U64,
]);
/// Cast outputs: the A2 sample runs Cast INT32→UINT64 on the AI CPU, so uint64 is left out.
const CAST_OUT: DTypeSet = CAST_IN.without(DTypeSet::of(&[DType::U64]));
/// Cast outputs on the Ascend 310 (CANN 5.1): the `.om` sample runs Cast float16→int64 on the
/// AI CPU (`aicpu_ascend_kernel`).
const CAST_OUT_310: DTypeSet = DTypeSet::of(&[
    DType::F16,
    DType::F32,
    DType::Bool,
    DType::I8,
    DType::U8,
    DType::I32,
]);
/// NonZero: the advisor's list for CANN 7.0.RC1.
const NONZERO_T: DTypeSet = DTypeSet::of(&[
    DType::F16,
    DType::F32,
    DType::BF16,
    DType::Bool,
    DType::I32,
    DType::I64,
    DType::I8,
    DType::U8,
]);

// Constraint sets.
const K5HD: &[Constraint] = &[Constraint::Supports5hd];
/// Convolutions: channels in blocks of C0, feature maps in 5HD.
const CONV_K: &[Constraint] = &[Constraint::ChannelsMultipleOfC0, Constraint::Supports5hd];
/// MatMul-like Cube ops: K and N in blocks of C0, operands in ND / FRACTAL_NZ (not 5HD).
const MATMUL_K: &[Constraint] = &[Constraint::ChannelsMultipleOfC0];
const CAST_K: &[Constraint] = &[Constraint::DtypeConversion, Constraint::Supports5hd];
const DATA_DEP: &[Constraint] = &[Constraint::DataDependentShape];
/// The D form of the kernel takes shape-like operands as compile-time attributes; with unknown
/// dims the dynamic form runs, on the AI CPU on the Ascend 310 (newer CANN ships dynamic TBE
/// kernels for the 910/910B: uncertain there). The shape comes from input 1's values (Tile's
/// multiples, TopK's k, OneHot's depth).
const OPERAND_1_CPU: &[Constraint] = &[
    Constraint::StaticShape { fallback: U::AiCpu },
    Constraint::DataDependentOperands { inputs: &[1] },
];

// Sources used by many rows.
const S_TBE: &str = "CANN operator list: TBE / Ascend C kernel on the AI Core vector unit (unit by op class); Ascend 310 coverage in old CANN not verified per op";
const S_ACT: &str = "tuning guide: the Vector unit runs activations; TBE element-wise kernel (TbeEltwiseFusionPass member)";
const S_MATH: &str = "TBE element-wise kernel on the vector unit (TbeEltwiseFusionPass member); Ascend 310 coverage in old CANN not verified per op";
const S_MOVE: &str = "TBE data-movement kernel on the vector unit (MTE-bound); Ascend 310 coverage in old CANN not verified per op";
const S_FOLD: &str =
    "no device kernel: GE folds it at build time or runs it on the host (ge_local engine)";
const S_RTS: &str = "GE runtime (rts engine) op: a stream or memory task, no compute kernel";
const S_CTRL: &str =
    "control flow: GE lowers it to stream switch / active tasks (rts engine), no compute kernel";
const S_AICPU: &str = "CANN AI CPU op library: no TBE kernel known, GE falls back to the AI CPU";
const S_STRING: &str = "string op: the AI Core has no string type; AI CPU or host only";
const S_RANDOM: &str = "random-number op: AI CPU kernel in the CANN AI CPU op library";
const S_TABLE: &str = "lookup-table / resource op: AI CPU or host (tf_kernel / aicpu library)";
const S_LINALG: &str =
    "linear-algebra decomposition: AI CPU kernel only (no TBE implementation known)";
const S_TRAIN: &str =
    "training kernel (TBE / Ascend C, vector unit); appears in training graphs and profiles";
const S_TRAIN_EW: &str =
    "training kernel (TBE, vector unit); element-wise, so it takes 5HD like its forward op";
const S_TBE_EW: &str = "TBE element-wise kernel on the vector unit; element-wise, so it takes 5HD";
const S_HCCL: &str = "HCCL collective: task type HCCL / COMMUNICATION in the A2 and 910A samples";
const S_ORT: &str = "onnxruntime contrib op: no Ascend op of that name, ATC would need it decomposed; unit of the main work (uncertain)";
const S_CAFFE_LOSS: &str = "training-only Caffe layer: ATC converts deploy nets and has no Ascend kernel for it; assumed AI CPU (uncertain)";
const S_DET: &str = "detection post-processing layer of the SSD / Faster R-CNN / YOLO Caffe extensions (ATC custom-layer list): TBE kernel on the vector unit";

/// A row with the required columns; the optional ones start empty.
const fn op(
    canonical: &'static str,
    names: &'static [&'static str],
    category: C,
    unit: U,
    dtypes: DTypeSet,
    fusion: F,
    source: &'static str,
) -> OpSpec {
    OpSpec {
        canonical,
        names,
        category,
        unit,
        unit_on: &[],
        dtypes,
        out_dtypes: ANY,
        dtypes_on: &[],
        fusion,
        constraints: &[],
        replacement: None,
        source,
    }
}

/// An element-wise vector op that takes the 5HD format.
const fn ew(
    canonical: &'static str,
    names: &'static [&'static str],
    dtypes: DTypeSet,
    source: &'static str,
) -> OpSpec {
    op(
        canonical,
        names,
        C::Elementwise,
        U::Vector,
        dtypes,
        F::Elementwise,
        source,
    )
    .with(K5HD)
}

/// An activation: element-wise on the vector unit, takes the 5HD format.
const fn act(
    canonical: &'static str,
    names: &'static [&'static str],
    dtypes: DTypeSet,
    source: &'static str,
) -> OpSpec {
    op(
        canonical,
        names,
        C::Activation,
        U::Vector,
        dtypes,
        F::Elementwise,
        source,
    )
    .with(K5HD)
}

/// A data-movement kernel on the vector unit that does not take part in UB fusion.
const fn mov(
    canonical: &'static str,
    names: &'static [&'static str],
    category: C,
    source: &'static str,
) -> OpSpec {
    op(
        canonical,
        names,
        category,
        U::Vector,
        ALL,
        F::Opaque,
        source,
    )
}

/// A Cube op that heads conv/matmul fusion groups.
const fn cube(
    canonical: &'static str,
    names: &'static [&'static str],
    source: &'static str,
) -> OpSpec {
    op(
        canonical,
        names,
        C::Layer,
        U::Cube,
        CUBE_T,
        F::CubeHead,
        source,
    )
}

/// An op without a device kernel.
const fn fold(
    canonical: &'static str,
    names: &'static [&'static str],
    category: C,
    source: &'static str,
) -> OpSpec {
    op(
        canonical,
        names,
        category,
        U::None,
        ANY,
        F::NoKernel,
        source,
    )
}

/// An op that only has an AI CPU kernel.
const fn cpu(
    canonical: &'static str,
    names: &'static [&'static str],
    category: C,
    source: &'static str,
) -> OpSpec {
    op(canonical, names, category, U::AiCpu, ANY, F::Opaque, source)
}

/// A collective-communication op (HCCL).
const fn hccl(canonical: &'static str, names: &'static [&'static str]) -> OpSpec {
    op(
        canonical,
        names,
        C::Other,
        U::Communication,
        ANY,
        F::Opaque,
        S_HCCL,
    )
}

/// A training kernel (gradients, optimizers) on the vector unit.
const fn train(
    canonical: &'static str,
    names: &'static [&'static str],
    category: C,
    source: &'static str,
) -> OpSpec {
    op(
        canonical,
        names,
        category,
        U::Vector,
        FLOAT,
        F::Opaque,
        source,
    )
}

impl OpSpec {
    /// Units on targets that differ from the row's.
    const fn on(mut self, unit_on: &'static [(T, U)]) -> OpSpec {
        self.unit_on = unit_on;
        self
    }

    /// Dtype sets of targets whose kernel differs: `(target, inputs, outputs)`.
    const fn types(mut self, dtypes_on: &'static [(T, DTypeSet, DTypeSet)]) -> OpSpec {
        self.dtypes_on = dtypes_on;
        self
    }

    /// Input dtypes other than the shorthand's.
    const fn inputs(mut self, dtypes: DTypeSet) -> OpSpec {
        self.dtypes = dtypes;
        self
    }

    const fn outputs(mut self, out_dtypes: DTypeSet) -> OpSpec {
        self.out_dtypes = out_dtypes;
        self
    }

    const fn with(mut self, constraints: &'static [Constraint]) -> OpSpec {
        self.constraints = constraints;
        self
    }

    const fn replaced(
        mut self,
        with: &'static str,
        when: &'static str,
        how: &'static str,
    ) -> OpSpec {
        self.replacement = Some(Replacement { with, when, how });
        self
    }
}

/// Every canonical op.
#[rustfmt::skip]
pub const OPS: &[OpSpec] = &[
    // ── Cube: convolution, matrix multiplication (key rows: canonical names fixed) ──
    cube("Conv2D", &["Conv", "Convolution", "QLinearConv", "ConvInteger", "FusedConv", "NhwcConv", "NhwcFusedConv", "Conv2DCompress", "QuantizedConv2D", "FusedPadConv2D", "FusedResizeAndPadConv2D"], "tuning guide: Cube runs convolution; ascend.md 4.1 (C0); CANN operator list: float16 and int8 on the Atlas 200/300/500 (310), float32 too on training chips").with(CONV_K),
    cube("DepthwiseConv2D", &["DepthwiseConv2dNative", "ConvolutionDepthwise", "DepthwiseConvolution"], "TbeDepthwiseConvElemwiseFusionPass (ascend.md 4.3); Caffe ConvolutionDepthwise in the ATC operator boundaries; channel counts per C0 like every Cube op (ascend.md 4.1)").with(CONV_K),
    cube("Conv2DTranspose", &["ConvTranspose", "Deconvolution", "Conv2DBackpropInput", "Conv2DBackpropInputD", "Conv2DTransposeD", "ConvTransposeWithDynamicPads"], "tuning guide: Cube runs deconvolution; A2 sample: Conv2DBackpropInput on AI_CORE").with(CONV_K),
    cube("MatMulV2", &["MatMul", "MatMulV3", "Gemm", "InnerProduct", "FullyConnection", "QLinearMatMul", "MatMulInteger", "FusedGemm", "FusedMatMul", "TransposeMatMul", "QGemm", "MatMulIntegerToFloat", "DynamicQuantizeMatMul", "MatMulNBits", "GemmFastGelu", "QuantizedMatMul"], "tuning guide: Cube runs fully connected; samples: MatMul / MatMulV2 / MatMulV3 on AI_CORE; ND / FRACTAL_NZ, not 5HD: the 910A AlexNet sample converts out of 5HD (TransData) before its MatMul").with(MATMUL_K),
    cube("BatchMatMulV2", &["BatchMatMul", "BatchMatMulV3", "WeightQuantBatchMatmulV2", "QuantBatchMatmulV3"], "samples: BatchMatMul on AI_CORE; Cube fractals take K and N in blocks of 16 (ascend.md 4.1); ND / FRACTAL_NZ, not 5HD (A2 samples: BatchMatMul inputs FORMAT_ND)").with(MATMUL_K),
    cube("Conv3D", &["Conv3DV2"], "CANN operator list: Conv3D on the Cube (NDC1HWC0); TbeConv3dElemwisePass (ascend.md 4.3); NDC1HWC0 is the 3D form of 5HD (aclFormat)").with(CONV_K),
    cube("Conv3DTranspose", &["Conv3DBackpropInput", "Conv3DBackpropInputV2", "Conv3DBackpropInputD", "Conv3DTransposeD"], "CANN operator list: Conv3DTranspose / Conv3DBackpropInput on the Cube (NDC1HWC0, the 3D form of 5HD)").with(CONV_K),
    cube("Conv2DBackpropFilter", &["Conv2DBackpropFilterD"], "samples: Conv2DBackpropFilter (A2) and Conv2DBackpropFilterD (910A) on AI_CORE; the A2 sample reads NC1HWC0 feature maps").with(CONV_K),
    cube("DepthwiseConv2DBackpropInput", &["DepthwiseConv2dNativeBackpropInput", "DepthwiseConv2DBackpropInputD"], "CANN operator list: depthwise backprop on the Cube (training) in 5HD like the forward op").with(CONV_K),
    cube("DepthwiseConv2DBackpropFilter", &["DepthwiseConv2dNativeBackpropFilter", "DepthwiseConv2DBackpropFilterD"], "CANN operator list: depthwise backprop on the Cube (training) in 5HD like the forward op").with(CONV_K),
    cube("Conv3DBackpropFilter", &["Conv3DBackpropFilterV2", "Conv3DBackpropFilterD"], "CANN operator list: Conv3DBackpropFilter on the Cube (training) (NDC1HWC0)").with(CONV_K),
    cube("DeformableConv2D", &["DeformConv"], "CANN operator list: DeformableConv2D (DeformableOffsets on the vector unit, then a Cube convolution); main work on the Cube; 5HD not claimed: the format of its offsets kernel was not verified").with(MATMUL_K),
    cube("Einsum", &[], "GE rewrites Einsum into Transpose + BatchMatMul; the work is on the Cube (uncertain for equations it cannot rewrite)").with(MATMUL_K),
    cube("GroupedMatmul", &[], "Atlas A2 (910B) grouped MatMul kernel (MoE); Cube").on(&[(T::Ascend310, U::AiCpu)]).with(MATMUL_K),
    op("DynamicRNN", &["LSTM", "BlockLSTM", "DynamicRNNV2", "DynamicRNNV3"], C::Layer, U::Cube, FLOAT_IDX, F::Opaque, "CANN operator list: DynamicRNN (LSTM) TBE kernel, matrix work on the Cube (DynamicRNNFusionPass); 310 support uncertain").with(MATMUL_K),
    op("DynamicGRUV2", &["GRU", "DynamicGRU"], C::Layer, U::Cube, FLOAT_IDX, F::Opaque, "CANN operator list: DynamicGRUV2 TBE kernel, matrix work on the Cube; 310 support uncertain").with(MATMUL_K),
    op("RNN", &["caffe:Recurrent", "BasicRNNCell", "DynamicRNNCell"], C::Layer, U::Cube, FLOAT_IDX, F::Opaque, "Caffe RNN / ONNX RNN: GE RNN ops, matrix work on the Cube; 310 support uncertain").with(MATMUL_K),
    op("Attention", &["MultiHeadAttention", "GroupQueryAttention", "PackedAttention", "PackedMultiHeadAttention", "QAttention", "LongformerAttention", "DecoderMaskedMultiHeadAttention", "DecoderAttention", "SparseAttention"], C::Layer, U::Cube, ATTENTION_T, F::Opaque, S_ORT).with(MATMUL_K),
    op("FlashAttentionScore", &["FlashAttentionScoreV2"], C::Layer, U::Mix, ATTENTION_T, F::Opaque, "A2 samples: FlashAttentionScore on MIX_AIC (one kernel on cube and vector cores); FlashAttentionFusionPass; no Ascend 310 kernel known"),
    op("FlashAttentionScoreGrad", &["FlashAttentionUnpaddingScoreGrad"], C::Layer, U::Mix, ATTENTION_T, F::Opaque, "A2 samples: FlashAttentionScoreGrad on MIX_AIC"),
    op("PromptFlashAttention", &[], C::Layer, U::Mix, ATTENTION_T, F::Opaque, "Ascend C inference attention (Atlas A2, 310P); MIX kernel like FlashAttentionScore (uncertain)"),
    op("IncreFlashAttention", &[], C::Layer, U::Mix, ATTENTION_T, F::Opaque, "Ascend C incremental attention (Atlas A2, 310P); MIX kernel (uncertain)"),
    op("FusedInferAttentionScore", &[], C::Layer, U::Mix, ATTENTION_T, F::Opaque, "Ascend C fused inference attention (Atlas A2); MIX kernel (uncertain)"),
    op("ExtractImagePatches", &["Im2col", "ExtractVolumePatches"], C::Tensor, U::Vector, ALL, F::Opaque, S_MOVE),
    op("Col2im", &[], C::Tensor, U::Vector, FLOAT_IDX, F::Opaque, S_MOVE),

    // ── Normalisation, scale, bias (key rows first) ──
    op("BatchNorm", &["BatchNormalization", "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3", "BNInference", "BNInferenceD", "BatchNormWithGlobalNormalization"], C::Normalization, U::Vector, FLOAT, F::Broadcast, "ConvBatchnormFusionPass folds it into a preceding Conv (ascend.md 4.3); the prototype takes x as NC1HWC0 (GE op prototypes (CANN fwkacllib inc/ops, 2019-2025))").with(K5HD),
    op("Scale", &["ImageScaler", "Affine"], C::Normalization, U::Vector, FLOAT, F::Broadcast, "Caffe Scale: per-channel affine on the Vector").with(K5HD),
    op("Bias", &[], C::Elementwise, U::Vector, FLOAT, F::Broadcast, "Caffe Bias: per-channel add on the vector unit (GE Bias)").with(K5HD),
    op("BiasAdd", &["BiasAddV1"], C::Elementwise, U::Vector, NUM, F::Broadcast, "TF BiasAdd: broadcast add on the vector unit; MatMulBiasAddFusionPass / AABiasaddConvFusion fold it into the Cube op (ascend.md 4.3)").with(K5HD),
    op("InstanceNorm", &["InstanceNormalization", "InstanceNormV2"], C::Normalization, U::Vector, FLOAT, F::Opaque, S_TBE),
    op("LayerNorm", &["LayerNormalization", "LayerNormV3", "LayerNormV4"], C::Normalization, U::Vector, FLOAT, F::Opaque, "A2 sample: LayerNormV3 on AI_VECTOR_CORE; TBE LayerNorm"),
    op("AddLayerNorm", &["SkipLayerNormalization"], C::Normalization, U::Vector, FLOAT, F::Opaque, "Atlas A2 fused Add + LayerNorm (Ascend C); onnxruntime SkipLayerNormalization computes the same (uncertain outside the 910B)"),
    op("EmbedLayerNormalization", &[], C::Normalization, U::Vector, FLOAT, F::Opaque, S_ORT),
    op("GroupNorm", &["GroupNormalization", "SkipGroupNorm", "GroupNormV2"], C::Normalization, U::Vector, FLOAT, F::Opaque, S_TBE),
    op("RmsNorm", &["SimplifiedLayerNormalization"], C::Normalization, U::Vector, FLOAT, F::Opaque, "A2 samples: RmsNorm on AI_VECTOR_CORE; onnxruntime SimplifiedLayerNormalization is RMS norm"),
    op("AddRmsNorm", &["SkipSimplifiedLayerNormalization"], C::Normalization, U::Vector, FLOAT, F::Opaque, "Atlas A2 fused Add + RmsNorm (Ascend C); uncertain outside the 910B"),
    op("LRN", &[], C::Normalization, U::Vector, FLOAT, F::Opaque, "Caffe / ONNX / TF LRN: TBE LRN on the vector unit; 5HD uncertain: the 2020 prototype asks for a 4-D input, kept as 5HD because GE runs it between convolutions in AlexNet / GoogLeNet (not verified on a device)").with(K5HD),
    op("LpNorm", &["LpNormalization", "L2Normalize"], C::Normalization, U::Vector, FLOAT, F::Opaque, S_TBE),
    op("LpNormV2", &[], C::Normalization, U::Vector, FLOAT, F::Reduce, "A2 samples: LpNormV2 on MIX_AIV"),
    op("LpNormReduceV2", &[], C::Reduce, U::Vector, FLOAT, F::Reduce, "A2 sample: LpNormReduceV2 on AI_VECTOR_CORE"),
    op("LpNormUpdateV2", &[], C::Elementwise, U::Vector, FLOAT, F::Elementwise, "A2 sample: LpNormUpdateV2 on AI_VECTOR_CORE").with(K5HD),
    op("Normalize", &["NormalizeV2"], C::Normalization, U::Vector, FLOAT, F::Opaque, "Caffe SSD Normalize (ATC custom-layer list): TBE kernel on the vector unit; no 5HD: its prototype takes x1 as NCHW or NHWC (GE op prototypes (CANN fwkacllib inc/ops, 2019-2025))"),
    op("MVN", &["MeanVarianceNormalization", "MVNV2"], C::Normalization, U::Vector, FLOAT, F::Opaque, "Caffe MVN / ONNX MeanVarianceNormalization: GE MVN / MVNV2 on the vector unit"),
    train("BNTrainingReduce", &[], C::Normalization, "training BatchNorm, split by GE; 5HD like BatchNorm / BatchNormGrad, whose prototypes take NC1HWC0").with(K5HD),
    train("BNTrainingUpdate", &["BNTrainingUpdateV2", "BNTrainingUpdateV3"], C::Normalization, "training BatchNorm, split by GE; 5HD like BatchNorm / BatchNormGrad, whose prototypes take NC1HWC0").with(K5HD),
    train("BNTrainingReduceGrad", &[], C::Normalization, "training BatchNorm, split by GE; 5HD like BatchNorm / BatchNormGrad, whose prototypes take NC1HWC0").with(K5HD),
    train("BNTrainingUpdateGrad", &["FusedBatchNormGrad", "FusedBatchNormGradV2", "FusedBatchNormGradV3", "BatchNormGrad"], C::Normalization, "training BatchNorm, split by GE; 5HD like BatchNorm / BatchNormGrad, whose prototypes take NC1HWC0").with(K5HD),
    train("LayerNormGrad", &["LayerNormXBackprop", "LayerNormXBackpropV2", "LayerNormBetaGammaBackprop", "LayerNormBetaGammaBackpropV2", "LayerNormGradV3"], C::Normalization, S_TRAIN),
    train("RmsNormGrad", &[], C::Normalization, "A2 samples: RmsNormGrad on MIX_AIV (vector-led mix kernel)"),

    // ── Element-wise arithmetic (key rows first) ──
    op("Pow", &[], C::Elementwise, U::AiCpu, NUM, F::Elementwise, "tuning guide: tf.Pow runs on the AI CPU of the Ascend 310, tf.mul on the AI Core; TBE Pow on the 310P / 910B").on(&[(T::Ascend310P, U::Vector), (T::Ascend910B, U::Vector)]).replaced("Mul chain", "the exponent is a constant integer", "tf.pow(x, 2) → x * x; x³ → x * x * x").with(K5HD),
    ew("Power", &[], FLOAT, "Caffe Power (shift + scale·x)^power: GE Power has an AI Core kernel"),
    ew("Pows", &[], FLOAT, "A2 samples: Pows (power by a scalar) on AI_VECTOR_CORE"),
    ew("Add", &["AddV2", "Adds", "QLinearAdd", "AccumulateV2"], NUM, "samples: Add on AI_VECTOR_CORE (A2); TbeEltwiseFusionPass member"),
    ew("Sub", &["Subs"], NUM, "samples: Sub on AI_VECTOR_CORE (A2) and AI_CORE (910A)"),
    ew("Mul", &["Muls", "QLinearMul"], MUL_T, "samples: Mul / Muls on AI_VECTOR_CORE; dtypes from the msprof-analyze advisor: Samples of AI CPU Operator Replacement (Mul): float, float16, bf16, int32, int64, int8, uint8, complex64 on the AI Core, int16 and complex128 on the AI CPU").replaced("a supported dtype", "an input is int16 or complex128 (the advisor's AI CPU types for Mul) or another type outside the AI Core list", "cast int16 operands to int32 (complex128 to complex64, float64 to float32) before the Mul (msprof-analyze advisor: Samples of AI CPU Operator Replacement, Mul)"),
    ew("Div", &[], NUM, S_MATH),
    ew("RealDiv", &[], NUM, "samples: RealDiv on AI_VECTOR_CORE (A2) and AI_CORE (910A)"),
    ew("FloorDiv", &[], NUM, S_MATH),
    ew("FloorMod", &[], NUM, S_MATH),
    ew("Mod", &[], NUM, S_MATH),
    ew("TruncateDiv", &[], NUM, S_MATH),
    ew("TruncateMod", &[], NUM, S_MATH),
    ew("DivNoNan", &[], FLOAT, S_MATH),
    ew("MulNoNan", &[], FLOAT, S_MATH),
    ew("Xdivy", &[], FLOAT, S_MATH),
    ew("Xlogy", &[], FLOAT, S_MATH),
    ew("Sqrt", &[], FLOAT, S_MATH),
    ew("Rsqrt", &[], FLOAT, S_MATH),
    ew("Exp", &[], FLOAT, "A2 sample: Exp on AI_VECTOR_CORE; Caffe Exp (base/scale/shift) maps to GE Exp"),
    ew("Expm1", &[], FLOAT, S_MATH),
    ew("Log", &[], FLOAT, "A2 sample: Log on AI_VECTOR_CORE; Caffe Log maps to GE Log"),
    ew("Log1p", &[], FLOAT, S_MATH),
    ew("Abs", &["AbsVal"], NUM, "A2 sample: Abs on AI_VECTOR_CORE; Caffe AbsVal"),
    ew("Neg", &[], NUM, S_MATH),
    ew("Reciprocal", &["Inv"], FLOAT, "A2 sample: Reciprocal on AI_VECTOR_CORE"),
    ew("Floor", &[], FLOAT, S_MATH),
    ew("Ceil", &[], FLOAT, S_MATH),
    ew("Round", &[], FLOAT, S_MATH),
    ew("Rint", &[], FLOAT, S_MATH),
    ew("Sign", &[], NUM, S_MATH),
    ew("Square", &[], NUM, "A2 sample: Square on AI_VECTOR_CORE"),
    ew("SquaredDifference", &[], NUM, S_MATH),
    ew("Erf", &[], FLOAT, S_MATH),
    ew("Erfc", &[], FLOAT, S_MATH),
    ew("Sin", &[], FLOAT, "A2 samples: Sin on AI_VECTOR_CORE; CANN operator list: precision guaranteed within [-65504, 65504]"),
    ew("Cos", &[], FLOAT, "A2 samples: Cos on AI_VECTOR_CORE; CANN operator list: precision guaranteed within [-65504, 65504]"),
    ew("Tan", &[], FLOAT, S_MATH),
    ew("Asin", &[], FLOAT, S_MATH),
    ew("Acos", &[], FLOAT, S_MATH),
    ew("Atan", &[], FLOAT, S_MATH),
    ew("Atan2", &[], FLOAT, S_MATH),
    ew("Sinh", &[], FLOAT, S_MATH),
    ew("Cosh", &[], FLOAT, S_MATH),
    ew("Asinh", &[], FLOAT, S_MATH),
    ew("Acosh", &[], FLOAT, S_MATH),
    ew("Atanh", &[], FLOAT, S_MATH),
    ew("Maximum", &["onnx:Max"], NUM, "ONNX Max (element-wise, n inputs) and TF Maximum: GE Maximum on the vector unit"),
    ew("Minimum", &["onnx:Min"], NUM, "ONNX Min (element-wise, n inputs) and TF Minimum: GE Minimum on the vector unit"),
    ew("AddN", &["onnx:Sum", "AccumulateNV2"], NUM, "ONNX Sum and TF AddN: GE AddN on the vector unit (AddNFusionPass)"),
    ew("ElementwiseMean", &["onnx:Mean"], FLOAT, "ONNX Mean (element-wise mean of n inputs): no GE op of its own, AddN + Muls on the vector unit (uncertain)"),
    ew("Eltwise", &[], FLOAT, "Caffe Eltwise (sum / product / max, up to 32 inputs, ATC operator boundaries): GE Eltwise on the vector unit"),
    ew("Axpy", &[], FLOAT, "GE Axpy (a·x + y) on the vector unit; Caffe Axpy layer of SENet forks"),
    ew("Lerp", &[], FLOAT, S_MATH),
    ew("Addcmul", &[], FLOAT, S_MATH),
    ew("Addcdiv", &[], FLOAT, S_MATH),
    ew("IsFinite", &[], FLOAT, S_MATH),
    ew("IsInf", &[], FLOAT, S_MATH),
    ew("IsNan", &[], FLOAT, S_MATH),
    ew("Equal", &[], EQUAL_T, "samples: Equal on AI_VECTOR_CORE; dtypes from the msprof-analyze advisor: Samples of AI CPU Operator Replacement (Equal): float, float16, bf16, bool, int32, int64, int8, uint8 on the AI Core, int16, complex64 and complex128 on the AI CPU").replaced("a supported dtype", "an input is int16 or complex (the advisor's AI CPU types for Equal) or another type outside the AI Core list", "cast int16 operands to int32 (or float16) before comparing (msprof-analyze advisor: Samples of AI CPU Operator Replacement, Equal)"),
    op("TensorEqual", &[], C::Reduce, U::Vector, TENSOR_EQUAL_T, F::Opaque, "torch.equal: GE TensorEqual (one bool for two whole tensors); dtypes from the msprof-analyze advisor: Samples of AI CPU Operator Replacement (TensorEqual): float, float16, bf16, float64, bool, int32, int8, uint8 on the AI Core, int16 and int64 on the AI CPU").replaced("a supported dtype", "an input is int16 or int64 (the advisor's AI CPU types for TensorEqual)", "cast the operands to int32 (or float32) before torch.equal where the values fit (msprof-analyze advisor: Samples of AI CPU Operator Replacement, TensorEqual)"),
    ew("NotEqual", &[], EQUAL_T, "A2 samples: NotEqual on AI_VECTOR_CORE"),
    ew("Greater", &[], NUM, "A2 samples: Greater on AI_VECTOR_CORE"),
    ew("GreaterEqual", &["GreaterOrEqual"], NUM, "A2 sample: GreaterEqual on AI_VECTOR_CORE"),
    ew("Less", &[], NUM, "A2 sample: Less on AI_VECTOR_CORE"),
    ew("LessEqual", &["LessOrEqual"], NUM, S_MATH),
    ew("ApproximateEqual", &[], FLOAT, S_MATH),
    ew("LogicalAnd", &["And"], BOOL, S_MATH),
    ew("LogicalOr", &["Or"], BOOL, "A2 sample: LogicalOr on AI_VECTOR_CORE"),
    ew("LogicalNot", &["Not"], BOOL, "A2 sample: LogicalNot on AI_VECTOR_CORE"),
    ew("LogicalXor", &["Xor"], BOOL, "ONNX Xor: LogicalXor on the vector unit (uncertain: may be lowered to NotEqual)"),
    ew("BitwiseAnd", &[], INT, S_MATH),
    ew("BitwiseOr", &[], INT, S_MATH),
    ew("BitwiseXor", &[], INT, S_MATH),
    ew("Invert", &["BitwiseNot"], INT, S_MATH),
    ew("LeftShift", &["BitShift"], INT, "ONNX BitShift (direction LEFT or RIGHT) and TF LeftShift: GE LeftShift / RightShift on the vector unit"),
    ew("RightShift", &[], INT, S_MATH),
    ew("Select", &["SelectV2", "onnx:Where"], ALL, "TF Select / SelectV2 and ONNX Where (three inputs): GE Select on the vector unit"),
    ew("MaskedFill", &[], ALL, S_TBE),

    // ── Activations ──
    act("Relu", &["ReluV2"], NUM, "samples: Relu on AI_VECTOR_CORE (A2); ReluV2 inside 910A fused ops; TbeEltwiseFusionPass member"),
    act("Relu6", &["Relu6D", "Relu6V2"], NUM, S_ACT),
    act("LeakyRelu", &["QLinearLeakyRelu"], FLOAT, S_ACT),
    act("PRelu", &[], FLOAT, S_ACT),
    act("Elu", &[], FLOAT, S_ACT),
    act("Celu", &["CeluV2"], FLOAT, S_ACT),
    act("Selu", &[], FLOAT, S_ACT),
    act("Sigmoid", &["QLinearSigmoid"], FLOAT, S_ACT),
    act("HardSigmoid", &[], FLOAT, S_ACT),
    act("HardSwish", &["HSwish"], FLOAT, S_ACT),
    act("Tanh", &[], FLOAT, S_ACT),
    op("SoftmaxV2", &["Softmax", "BiasSoftmax"], C::Activation, U::Vector, FLOAT, F::Opaque, "tuning guide: the Vector unit runs Softmax; GE SoftmaxV2 (a reduction along an axis, not a UB element-wise member)"),
    op("LogSoftmaxV2", &["LogSoftmax"], C::Activation, U::Vector, FLOAT, F::Opaque, "A2 sample: LogSoftmaxV2 on AI_VECTOR_CORE"),
    op("ScaledMaskedSoftmax", &[], C::Activation, U::Vector, MASKED, F::Opaque, "A2 sample: ScaledMaskedSoftmax on AI_VECTOR_CORE"),
    op("Hardmax", &[], C::Activation, U::Vector, FLOAT, F::Opaque, "ONNX Hardmax: ArgMax + OneHot on the vector unit (uncertain)"),
    act("Softplus", &["BNLL"], FLOAT, "TF / ONNX Softplus and Caffe BNLL (log(1 + eˣ)): vector unit"),
    act("Softsign", &[], FLOAT, S_ACT),
    act("Gelu", &["BiasGelu"], FLOAT, S_ACT),
    act("FastGelu", &["FastGeluV2"], FLOAT, "A2 sample: FastGelu on AI_VECTOR_CORE"),
    act("QuickGelu", &[], FLOAT, S_ORT),
    act("Mish", &[], FLOAT, S_ACT),
    act("Swish", &["Silu"], FLOAT, S_ACT),
    act("ClipByValue", &["Clip", "ClipByValueV2"], NUM, "ONNX Clip, Caffe Clip, TF ClipByValue: GE ClipByValue on the vector unit (ConvClipByValueFusionPass)"),
    act("ThresholdedRelu", &[], FLOAT, S_ACT),
    act("Threshold", &[], FLOAT, "Caffe Threshold: GE Threshold on the vector unit"),
    act("Shrink", &["SoftShrink", "HardShrink"], FLOAT, S_ACT),
    op("SwiGlu", &[], C::Activation, U::Vector, FLOAT, F::Opaque, "A2 samples: SwiGlu on AI_VECTOR_CORE"),
    op("RotaryPositionEmbedding", &["RotaryEmbedding", "RotaryMul"], C::Elementwise, U::Vector, FLOAT, F::Opaque, "A2 samples: RotaryPositionEmbedding on AI_VECTOR_CORE; onnxruntime RotaryEmbedding computes the same"),

    // ── Pooling ──
    op("MaxPool", &["MaxPoolV2", "MaxPoolV3", "NhwcMaxPool"], C::Pool, U::Vector, FLOAT, F::Pool, "tuning guide: the Vector unit runs pooling; TbeAippConvReluMaxpoolingFusion (ascend.md 4.3); the prototype takes x as NC1HWC0 (GE op prototypes (CANN fwkacllib inc/ops, 2019-2025))").with(K5HD),
    op("AvgPool", &["AveragePool", "AvgPoolV2", "QLinearAveragePool"], C::Pool, U::Vector, FLOAT, F::Pool, "tuning guide: the Vector unit runs pooling; GE AvgPool in the ResNet-50 .om sample; the prototype's data_format includes NC1HWC0").with(K5HD),
    op("Pooling", &[], C::Pool, U::Vector, FLOAT, F::Pool, "Caffe Pooling (MAX or AVE; ATC operator boundaries: pool 0 or 1 only, so STOCHASTIC has no AI Core kernel)").with(&[Constraint::Supports5hd, Constraint::AttrStrNotIn { attr: "pool", values: &["STOCHASTIC"] }]),
    op("GlobalAveragePool", &["QLinearGlobalAveragePool", "GlobalAvgPool"], C::Pool, U::Vector, FLOAT, F::Pool, "ONNX GlobalAveragePool: GE GlobalAveragePool on the vector unit").with(K5HD),
    op("GlobalMaxPool", &[], C::Pool, U::Vector, FLOAT, F::Pool, S_TBE).with(K5HD),
    op("LpPool", &["GlobalLpPool"], C::Pool, U::Vector, FLOAT, F::Pool, "ONNX LpPool: no dedicated TBE kernel known, lowered to Pow + AvgPool (uncertain); 5HD like its parts").with(K5HD),
    op("MaxPool3D", &[], C::Pool, U::Vector, FLOAT, F::Pool, "TBE MaxPool3D on the vector unit, NDC1HWC0 (the 3D form of 5HD; aclFormat)").with(K5HD),
    op("AvgPool3D", &["AvgPool3DD"], C::Pool, U::Vector, FLOAT, F::Pool, "TBE AvgPool3D on the vector unit, NDC1HWC0 (the 3D form of 5HD; aclFormat)").with(K5HD),
    op("MaxPoolWithArgmax", &["MaxPoolWithArgmaxV1", "MaxPoolWithArgmaxV2"], C::Pool, U::Vector, FLOAT, F::Opaque, "samples: MaxPoolWithArgmax (910A) on AI_CORE, MaxPoolWithArgmaxV1 (A2) on AI_VECTOR_CORE, both with NC1HWC0 tensors; the 910A AlexNet sample runs Conv2D → ReluV2 → MaxPoolWithArgmax → Conv2D with no TransData between").with(K5HD),
    op("AdaptiveAvgPool2d", &[], C::Pool, U::Vector, FLOAT, F::Pool, "TBE kernel on the vector unit; no 5HD claimed: the A2 sample runs AdaptiveAvgPool3d in ND and the 2D kernel's formats were not verified"),
    op("AdaptiveAvgPool3d", &[], C::Pool, U::Vector, FLOAT, F::Pool, "A2 sample: AdaptiveAvgPool3d on AI_VECTOR_CORE; in ND there, so no 5HD claimed"),
    op("AdaptiveMaxPool2d", &[], C::Pool, U::Vector, FLOAT, F::Pool, "TBE kernel on the vector unit; no 5HD claimed (formats not verified, see AdaptiveAvgPool2d)"),
    op("MaxUnpool", &["MaxUnpool2D"], C::Pool, U::Vector, FLOAT_IDX, F::Opaque, "ONNX MaxUnpool: scatter by the pooling indices on the vector unit (uncertain)"),
    op("SPP", &[], C::Pool, U::Vector, FLOAT, F::Pool, "Caffe SPP (spatial pyramid pooling): GE SPP, pooling on the vector unit and concat, both 5HD").with(K5HD),
    op("ROIPooling", &["MaxRoiPool"], C::Pool, U::Vector, FLOAT_IDX, F::Opaque, "Caffe ROIPooling (Faster R-CNN, ATC custom-layer list) and ONNX MaxRoiPool: TBE kernel; 5HD feature maps like ROIAlign (GE op prototypes (CANN fwkacllib inc/ops, 2019-2025))").with(K5HD),
    op("ROIAlign", &[], C::Pool, U::Vector, FLOAT_IDX, F::Opaque, "ONNX RoiAlign / Caffe ROIAlign: GE ROIAlign TBE kernel; the prototype takes features as 5HD").with(K5HD),
    op("PSROIPooling", &["PSROIPoolingV2"], C::Pool, U::Vector, FLOAT_IDX, F::Opaque, "Caffe PSROIPooling (R-FCN, ATC custom-layer list): TBE kernel; the prototype takes x as NC1HWC0").with(K5HD),
    cpu("FractionalMaxPool", &["FractionalAvgPool"], C::Pool, S_AICPU),
    op("Dilation2D", &[], C::Pool, U::Vector, FLOAT, F::Opaque, S_TBE),

    // ── Conversions (key rows first) ──
    op("Cast", &["CastLike"], C::Conversion, U::Vector, CAST_IN, F::Elementwise, "samples: Cast INT32→UINT64 runs on AI_CPU, other Casts on the vector core (A2); the 310 .om sample runs Cast float16→int64 on the AI CPU (Cast_1206, aicpu_ascend_kernel); dtypes from the advisor's Cast list; ascend.md 4.4; 5HD: the 910A AlexNet sample runs Cast → Conv2D → Cast with no TransData between").outputs(CAST_OUT).types(&[(T::Ascend310, CAST_IN, CAST_OUT_310)]).replaced("float32", "the input or output is float64 or uint64", "cast to float32 (or int32) before the op; AI Core Cast takes no double (msprof-analyze advisor double→float rule)").with(CAST_K),
    op("TransData", &["TransDataRNN", "TransDataD"], C::Conversion, U::Vector, ALL, F::Opaque, "GE inserts TransData between formats (ascend.md 4.1); samples: AI_VECTOR_CORE (A2), AI_CORE (910A); converts formats, so never counted as taking 5HD itself").with(&[Constraint::FormatConversion]),
    op("AscendQuant", &["QuantizeLinear", "caffe:Quant", "Quant", "DynamicQuant"], C::Conversion, U::Vector, FLOAT, F::Elementwise, "AMCT / ONNX QuantizeLinear: GE AscendQuant on the vector unit (TbeEltwiseQuantFusionPass); its output is NC1HWC0 (GE op prototypes (CANN fwkacllib inc/ops, 2019-2025))").with(K5HD),
    op("AscendDequant", &["DequantizeLinear", "caffe:Dequant", "Dequant"], C::Conversion, U::Vector, ANY, F::Elementwise, "AMCT / ONNX DequantizeLinear: GE AscendDequant on the vector unit (fused after the Cube op); NC1HWC0 in and out (GE op prototypes (CANN fwkacllib inc/ops, 2019-2025))").with(K5HD),
    op("AscendRequant", &[], C::Conversion, U::Vector, ANY, F::Elementwise, "TBE AscendRequant after an int8 Cube op, NC1HWC0 like AscendDequant").with(K5HD),
    op("AscendAntiQuant", &["AscendAntiQuantV2"], C::Conversion, U::Vector, ANY, F::Elementwise, "TBE AscendAntiQuant; the prototype takes NC1HWC0 (GE op prototypes (CANN fwkacllib inc/ops, 2019-2025))").with(K5HD),
    op("DynamicQuantizeLinear", &[], C::Conversion, U::Vector, FLOAT, F::Opaque, "ONNX DynamicQuantizeLinear: per-tensor scale by a reduction, then quantise (vector; uncertain on the 310)"),
    cpu("QuantizeV2", &["tf:Quantize"], C::Conversion, "TF QuantizeV2 (min / max ranges): no Ascend AI Core kernel known, AI CPU (uncertain)"),
    cpu("Dequantize", &["tf:Dequantize"], C::Conversion, "TF Dequantize (min / max ranges): no Ascend AI Core kernel known, AI CPU (uncertain)"),
    op("FakeQuantWithMinMaxVars", &["FakeQuantWithMinMaxArgs", "FakeQuantWithMinMaxVarsPerChannel"], C::Conversion, U::Vector, FLOAT, F::Elementwise, S_TBE_EW).with(K5HD),
    fold("Bitcast", &[], C::Conversion, "reinterprets the bytes: GE makes it a view, no kernel (uncertain)"),

    // ── Resize (key rows first) ──
    op("Interp", &["ResizeBilinear", "ResizeBilinearV2", "ResizeBilinearV2D"], C::Tensor, U::Vector, FLOAT_IDX, F::Opaque, "tuning guide: Caffe Interp (dst-1)/(src-1) divisibility; ResizeBilinearV2D takes 5-D (NC1HWC0) input").with(&[Constraint::AlignCornersDivisible, Constraint::Supports5hd]),
    op("Resize", &["Upsample", "ResizeNearestNeighbor", "ResizeNearestNeighborV2", "ResizeNearestNeighborV2D", "ResizeD"], C::Tensor, U::Vector, FLOAT_IDX, F::Opaque, "ONNX Resize / Upsample, Caffe Upsample (ATC custom-layer list), TF resize ops: nearest and linear modes have TBE kernels; cubic and tf_crop_and_resize go to the AI CPU (ResizeBicubic, CropAndResize); 5HD: ResizeNearestNeighborV2D's prototype takes NC1HWC0 and ResizeBilinearV2D 5-D input (GE op prototypes (CANN fwkacllib inc/ops, 2019-2025))").with(&[Constraint::AlignCornersDivisible, Constraint::Supports5hd, Constraint::AttrStrNotIn { attr: "mode", values: &["cubic"] }, Constraint::AttrStrNotIn { attr: "coordinate_transformation_mode", values: &["tf_crop_and_resize"] }]),
    cpu("ResizeBicubic", &[], C::Tensor, "TF ResizeBicubic: AI CPU kernel (no TBE kernel known)"),
    cpu("ResizeArea", &[], C::Tensor, S_AICPU),
    op("CropAndResize", &["CropAndResizeV2"], C::Tensor, U::Vector, FLOAT_IDX, F::Opaque, "TBE CropAndResize on training chips; AI CPU on the Ascend 310 (uncertain)").on(&[(T::Ascend310, U::AiCpu)]),
    train("ResizeBilinearV2Grad", &["ResizeBilinearGrad"], C::Tensor, S_TRAIN),
    train("ResizeNearestNeighborV2Grad", &["ResizeNearestNeighborGrad"], C::Tensor, S_TRAIN).inputs(FLOAT_IDX),
    op("GridSample", &["GridSampler2D", "GridSampler3D"], C::Tensor, U::Vector, FLOAT, F::Opaque, "ONNX GridSample: GE GridSampler2D on the 910B; AI CPU on the 310 (uncertain)").on(&[(T::Ascend310, U::AiCpu)]),
    op("AffineGrid", &[], C::Tensor, U::Vector, FLOAT_IDX, F::Opaque, "ONNX AffineGrid: a small MatMul of the theta matrix (uncertain)"),
    op("SpatialTransformer", &["SpatialTransformerD"], C::Tensor, U::Vector, FLOAT, F::Opaque, "Caffe SpatialTransformer (ATC custom-layer list): TBE kernel"),
    op("Aipp", &[], C::Conversion, U::Vector, ANY, F::Opaque, "AIPP (colour conversion, crop, normalisation of the input) runs in the AI Core's load path and fuses ahead of the first convolution (TbeAippConvReluMaxpoolingFusion); DVPP is a separate media unit outside the graph"),

    // ── Reductions (key rows first) ──
    op("ReduceSum", &["ReduceSumD", "tf:Sum"], C::Reduce, U::Vector, FLOAT_IDX, F::Reduce, "TbeReduceElemwiseFusionPass (ascend.md 4.3); samples: ReduceSum on MIX_AIV, ReduceSumD on AI_VECTOR_CORE (A2)").with(&[Constraint::StaticShape { fallback: U::Vector }]),
    op("ReduceMean", &["ReduceMeanD", "tf:Mean"], C::Reduce, U::Vector, FLOAT_IDX, F::Reduce, "TbeReduceElemwiseFusionPass (ascend.md 4.3); 910A sample: ReduceMeanD on AI_CORE"),
    op("Reduction", &[], C::Reduce, U::Vector, FLOAT, F::Reduce, "tuning guide: caffe reduce cannot fuse").with(&[Constraint::NoUbFusion { why: "a Caffe Reduction cannot fuse (tuning guide)" }]),
    op("ReduceMax", &["ReduceMaxD", "tf:Max"], C::Reduce, U::Vector, NUM, F::Reduce, "TbeReduceElemwiseFusionPass member (CommReduce)"),
    op("ReduceMin", &["ReduceMinD", "tf:Min"], C::Reduce, U::Vector, NUM, F::Reduce, "TbeReduceElemwiseFusionPass member (CommReduce)"),
    op("ReduceProd", &["ReduceProdD", "tf:Prod"], C::Reduce, U::Vector, FLOAT_IDX, F::Reduce, S_TBE),
    op("ReduceAll", &["ReduceAllD", "tf:All"], C::Reduce, U::Vector, BOOL.union(INT), F::Reduce, S_TBE),
    op("ReduceAny", &["ReduceAnyD", "tf:Any"], C::Reduce, U::Vector, BOOL.union(INT), F::Reduce, S_TBE),
    op("ReduceL2", &[], C::Reduce, U::Vector, FLOAT_IDX, F::Reduce, "ONNX ReduceL2: square, reduce-sum and sqrt on the vector unit (uncertain mapping)"),
    op("ReduceL1", &[], C::Reduce, U::Vector, FLOAT_IDX, F::Reduce, "ONNX ReduceL1: abs and reduce-sum on the vector unit (uncertain mapping)"),
    op("ReduceLogSum", &[], C::Reduce, U::Vector, FLOAT_IDX, F::Reduce, "ONNX ReduceLogSum: reduce-sum and log on the vector unit (uncertain mapping)"),
    op("ReduceLogSumExp", &[], C::Reduce, U::Vector, FLOAT_IDX, F::Reduce, S_TBE),
    op("ReduceSumSquare", &["SquareSumV1", "SquareSumV2"], C::Reduce, U::Vector, FLOAT_IDX, F::Reduce, S_TBE),
    op("EuclideanNorm", &["EuclideanNormD"], C::Reduce, U::Vector, FLOAT_IDX, F::Reduce, S_TBE),
    op("L2Loss", &[], C::Reduce, U::Vector, FLOAT_IDX, F::Reduce, S_TBE),
    op("ArgMaxV2", &["ArgMax", "ArgMaxD"], C::Reduce, U::Vector, NUM, F::Opaque, "GE ArgMaxV2 in the ResNet-50 .om sample; TBE kernel"),
    op("ArgMaxWithK", &["caffe:ArgMax"], C::Reduce, U::Vector, FLOAT, F::Opaque, "Caffe ArgMax (top_k, out_max_val) maps to GE ArgMaxWithK"),
    op("ArgMaxWithValue", &[], C::Reduce, U::Vector, NUM, F::Opaque, "A2 sample: ArgMaxWithValue on AI_VECTOR_CORE"),
    op("ArgMin", &["ArgMinD", "ArgMinV2"], C::Reduce, U::AiCpu, NUM, F::Opaque, "msprof-analyze advisor: ArgMin runs on the AI CPU before CANN 7.0.RC1 (update CANN); AI Core on the 910B with current CANN").on(&[(T::Ascend910B, U::Vector)]).replaced("ArgMax of the negated input", "the input is a float tensor", "argmin(x) = argmax(-x): Neg and ArgMaxV2 have AI Core kernels; or update to CANN 7.0.RC1 or later (msprof-analyze advisor)"),
    op("ArgMinWithValue", &[], C::Reduce, U::Vector, NUM, F::Opaque, S_TBE),
    op("UnsortedSegmentSum", &["SegmentSum", "UnsortedSegmentSumD"], C::Reduce, U::Vector, FLOAT_IDX, F::Segment, "tuning guide: Segment + element-wise"),
    op("UnsortedSegmentMax", &["UnsortedSegmentMaxD"], C::Reduce, U::Vector, FLOAT_IDX, F::Segment, S_TBE),
    op("UnsortedSegmentMin", &["UnsortedSegmentMinD"], C::Reduce, U::Vector, FLOAT_IDX, F::Segment, S_TBE),
    op("UnsortedSegmentProd", &["UnsortedSegmentProdD"], C::Reduce, U::Vector, FLOAT_IDX, F::Segment, S_TBE),
    op("SegmentMax", &[], C::Reduce, U::AiCpu, ANY, F::Segment, "sorted segment reductions other than sum: AI CPU kernels (uncertain)"),
    op("SegmentMin", &[], C::Reduce, U::AiCpu, ANY, F::Segment, "sorted segment reductions other than sum: AI CPU kernels (uncertain)"),
    op("SegmentMean", &[], C::Reduce, U::AiCpu, ANY, F::Segment, "sorted segment reductions other than sum: AI CPU kernels (uncertain)"),
    op("SegmentProd", &[], C::Reduce, U::AiCpu, ANY, F::Segment, "sorted segment reductions other than sum: AI CPU kernels (uncertain)"),
    cpu("SparseSegmentSum", &["SparseSegmentSumWithNumSegments"], C::Reduce, S_AICPU),
    cpu("SparseSegmentMean", &["SparseSegmentMeanWithNumSegments"], C::Reduce, S_AICPU),
    cpu("SparseSegmentSqrtN", &["SparseSegmentSqrtNWithNumSegments"], C::Reduce, S_AICPU),
    op("Cumsum", &["CumsumD"], C::Reduce, U::Vector, NUM, F::Opaque, "TBE Cumsum on training chips; 310 coverage uncertain"),
    op("Cumprod", &["CumprodD"], C::Reduce, U::Vector, NUM, F::Opaque, S_TBE),

    // ── Data movement ──
    op("MirrorPad", &["MirrorPadD"], C::Tensor, U::Vector, FLOAT_IDX, F::Opaque, "tuning guide: MirrorPad before Mul costs two TransData (no 5HD); GE's Pad kernels are ND"),
    op("Pad", &["PadD", "PadV3", "PadV3D"], C::Tensor, U::Vector, ALL, F::Opaque, "TF Pad / ONNX Pad: GE Pad / PadV3 on the vector unit; edge and wrap modes have no AI Core kernel on older CANN (uncertain); no 5HD: CANN's Pad, PadV2 and PadV3 list ND only (ops-math docs), and a constant Pad before a Conv2D is folded into it (PadConv2dFusionPass, ascend.md 4.3)").with(&[Constraint::AttrStrNotIn { attr: "mode", values: &["edge", "wrap"] }]),
    mov("PadV2", &["PadV2D"], C::Tensor, S_MOVE),
    mov("ConcatD", &["Concat", "ConcatV2", "ConcatV2D", "QLinearConcat", "ParallelConcat"], C::Tensor, "sample: ConcatD on AI_VECTOR_CORE (A2) and AIcoreEngine in the 310 .om; GE turns Concat / ConcatV2 with a constant axis into ConcatD; ConcatD / ConcatV2D take NC1HWC0 or ND (GE op prototypes (CANN fwkacllib inc/ops, 2019-2025)), so a concat between convolutions stays in 5HD").with(K5HD),
    mov("Pack", &["Stack"], C::Tensor, S_MOVE),
    mov("Unpack", &["Unstack"], C::Tensor, S_MOVE),
    mov("SplitD", &["Split"], C::Tensor, "TF / ONNX Split: GE SplitD (constant axis) on the vector unit"),
    mov("SplitV", &["SplitVD", "caffe:Slice"], C::Tensor, "TF SplitV and Caffe Slice (cut along an axis at slice points): GE SplitVD on the vector unit"),
    mov("Slice", &["SliceD"], C::Tensor, "samples: Slice on AI_VECTOR_CORE / AI_CORE (A2)"),
    mov("StridedSlice", &["StridedSliceD", "StridedSliceV2", "StridedSliceV3"], C::Tensor, "samples: StridedSliceD on AI_VECTOR_CORE (A2) and AIcoreEngine in the 310 .om"),
    mov("Transpose", &["TransposeD", "Permute", "ConjugateTranspose", "ConfusionTransposeD"], C::Tensor, "samples: Transpose on AI_VECTOR_CORE (A2) and AI_CORE (910A), Transpose / TransposeD AIcoreEngine in the 310 .om; Caffe Permute (SSD)"),
    mov("GatherV2", &["Gather", "GatherV2D", "ResourceGather", "BatchReindex", "caffe:Embed", "EmbeddingLookup"], C::Tensor, "samples: GatherV2 on AI_VECTOR_CORE (A2), AI_CORE (910A), AIcoreEngine (310 .om); Caffe BatchReindex and Embed gather rows"),
    mov("GatherElements", &["GatherD"], C::Tensor, S_MOVE),
    mov("GatherNd", &[], C::Tensor, S_MOVE),
    mov("TensorScatterUpdate", &["onnx:ScatterND"], C::Tensor, "ONNX ScatterND (data, indices, updates) is TF TensorScatterUpdate: GE TensorScatterUpdate on the vector unit; AI CPU on the 310 (uncertain)").on(&[(T::Ascend310, U::AiCpu)]),
    mov("TensorScatterAdd", &[], C::Tensor, S_MOVE),
    mov("ScatterNd", &["ScatterNdD"], C::Tensor, S_MOVE).with(&[Constraint::DataDependentOperands { inputs: &[2] }]),
    mov("ScatterNdUpdate", &[], C::Tensor, S_MOVE),
    mov("ScatterNdAdd", &["ScatterNdNonAliasingAdd"], C::Tensor, S_MOVE),
    mov("ScatterUpdate", &["ResourceScatterUpdate"], C::Tensor, S_MOVE),
    mov("ScatterAdd", &["ResourceScatterAdd"], C::Tensor, S_MOVE),
    mov("ScatterElements", &["Scatter"], C::Tensor, "ONNX ScatterElements: GE ScatterElements on the vector unit; AI CPU on the 310 (uncertain)").on(&[(T::Ascend310, U::AiCpu)]),
    mov("Index", &[], C::Tensor, "A2 sample: Index on AI_VECTOR_CORE; the advisor points AI CPU Index to a rewrite").replaced("index_select (GatherV2)", "indexing by an index tensor (index by index) falls back to the AI CPU", "tensor[idx] → torch.index_select(tensor, dim, idx), which runs as GatherV2 on the AI Core; with a mask, keep the shape (torch.where) and extract at the end (msprof-analyze advisor: Samples of AI CPU Operator Replacement, Index)"),
    op("IndexPut", &["IndexPutV2"], C::Tensor, U::AiCpu, ALL, F::Opaque, "msprof-analyze advisor: IndexPut runs on the AI CPU and has a rewrite (ascend.md 4.4)").on(&[(T::Ascend910B, U::Vector)]).replaced("a multiply or torch.where by the mask", "index_put by a boolean mask (by an index: turn the index into a mask, or keep it when the indices are few)", "x[mask] = 0 → x *= ~mask (the advisor measured 9.64 ms → 0.17 ms on a (512, 32, 64) float32 tensor); x[mask] = v → torch.where(mask, v, x), which runs as SelectV2 (msprof-analyze advisor: Samples of AI CPU Operator Replacement, IndexPut)"),
    mov("DepthToSpace", &[], C::Tensor, S_MOVE),
    mov("SpaceToDepth", &[], C::Tensor, S_MOVE),
    mov("BatchToSpaceND", &["BatchToSpace", "BatchToSpaceNDD"], C::Tensor, S_MOVE),
    mov("SpaceToBatchND", &["SpaceToBatch", "SpaceToBatchNDD"], C::Tensor, S_MOVE),
    mov("Crop", &[], C::Tensor, "Caffe Crop (ATC operator boundaries): GE Crop on the vector unit; the prototype supports ND, NCHW, NHWC and NC1HWC0").with(K5HD),
    mov("CenterCropPad", &[], C::Tensor, "ONNX CenterCropPad: slice + pad on the vector unit (uncertain)"),
    mov("ShuffleChannel", &[], C::Tensor, "Caffe ShuffleChannel (ATC custom-layer list): TBE kernel"),
    mov("Reorg", &["ReorgD"], C::Tensor, "Caffe Reorg (YOLOv2, ATC custom-layer list): TBE kernel"),
    mov("PassThrough", &[], C::Tensor, "Caffe PassThrough (YOLOv2, ATC custom-layer list): TBE kernel"),
    mov("Tile", &["TileD"], C::Shape, "TF / ONNX / Caffe Tile: GE TileD (constant multiples) on the vector unit").with(OPERAND_1_CPU),
    mov("BroadcastTo", &["BroadcastToD", "Expand", "ExpandD"], C::Shape, "samples: BroadcastTo on AI_VECTOR_CORE (A2); ONNX Expand is the same broadcast").with(OPERAND_1_CPU),
    mov("Fill", &["FillD"], C::Tensor, "A2 samples: Fill on AI_VECTOR_CORE").with(&[Constraint::DataDependentOperands { inputs: &[0] }]),
    mov("ZerosLike", &[], C::Tensor, "samples: ZerosLike on AI_VECTOR_CORE and AI_CORE (A2)"),
    mov("OnesLike", &[], C::Tensor, "A2 samples: OnesLike on AI_VECTOR_CORE"),
    mov("Eye", &["EyeLike"], C::Tensor, "ONNX EyeLike / TF Eye: GE Eye on the vector unit (uncertain)"),
    op("Range", &["RangeD"], C::Shape, U::Vector, NUM.union(DTypeSet::of(&[DType::F64])), F::Opaque, "A2 samples: Range with DOUBLE start / limit / delta (host scalars) on AI_VECTOR_CORE, so float64 is allowed here; RangeD takes them as attributes").with(&[Constraint::StaticShape { fallback: U::AiCpu }, Constraint::DataDependentOperands { inputs: &[0, 1, 2] }]),
    op("LinSpace", &["LinSpaceD"], C::Shape, U::Vector, FLOAT_IDX, F::Opaque, S_TBE).with(&[Constraint::StaticShape { fallback: U::AiCpu }, Constraint::DataDependentOperands { inputs: &[2] }]),
    op("OneHot", &["OneHotD"], C::Tensor, U::Vector, ALL, F::Opaque, "910A sample: OneHotD on AI_CORE; OneHotD takes depth as an attribute").with(OPERAND_1_CPU),
    op("TopKV2", &["TopK", "TopKD", "TopKV2D"], C::Tensor, U::Vector, NUM, F::Opaque, "A2 sample: TopKV2 on MIX_AIV; TopKD takes k as an attribute; a k computed at run time makes the output shape data-dependent").with(OPERAND_1_CPU),
    op("Sort", &["SortV2"], C::Tensor, U::Vector, NUM, F::Opaque, "A2 samples: Sort on MIX_AIV"),
    op("InTopKV2", &["InTopK", "InTopKD"], C::Tensor, U::Vector, FLOAT_IDX, F::Opaque, S_TBE),
    cpu("NthElement", &[], C::Tensor, S_AICPU),
    mov("ReverseV2", &["Reverse", "ReverseV2D", "caffe:Reverse"], C::Tensor, S_MOVE),
    cpu("ReverseSequence", &[], C::Tensor, "ReverseSequence: AI CPU kernel (uncertain; a TBE kernel may exist on newer CANN)"),
    mov("Roll", &[], C::Tensor, S_MOVE),
    mov("Tril", &["Trilu"], C::Tensor, "A2 sample: Tril on AI_VECTOR_CORE; ONNX Trilu (upper = 0)"),
    mov("Triu", &[], C::Tensor, S_MOVE),
    mov("MatrixBandPart", &[], C::Tensor, S_MOVE),
    mov("MatrixDiag", &["MatrixDiagV2", "MatrixDiagV3", "MatrixDiagD"], C::Tensor, S_MOVE),
    mov("MatrixDiagPart", &["MatrixDiagPartV2", "MatrixDiagPartV3", "MatrixDiagPartD"], C::Tensor, S_MOVE),
    mov("MatrixSetDiag", &["MatrixSetDiagV2", "MatrixSetDiagV3", "MatrixSetDiagD"], C::Tensor, S_MOVE),
    mov("AsStrided", &[], C::Tensor, "A2 sample: AsStrided on AI_VECTOR_CORE"),
    mov("TensorMove", &["ViewCopy"], C::Tensor, "samples: TensorMove on AI_VECTOR_CORE / AI_CORE (A2)"),
    mov("MemSet", &["AtomicAddrClean", "DynamicAtomicAddrClean"], C::Other, "samples: MemSet on AI_VECTOR_CORE (A2) and AI_CORE (910A); GE's AtomicAddrClean clears output memory the same way"),
    op("NonZero", &["NonZeroWithValue"], C::Tensor, U::AiCpu, NONZERO_T, F::Opaque, "A2 samples: NonZero on MIX_AIV; the output shape depends on the values; AI CPU on the 310 / 310P (advisor: rewrite NonZero)").on(&[(T::Ascend910B, U::Vector)]).with(DATA_DEP).replaced("a multiply by the mask", "NonZero only feeds indexing or a masked reduction", "tensor[mask.nonzero()].sum() → (tensor * mask).sum(); keep the mask and use torch.where / masked_fill instead of nonzero() + indexing (msprof-analyze advisor: Samples of AI CPU Operator Replacement, nonzero)"),
    op("Where", &[], C::Elementwise, U::AiCpu, ANY, F::Opaque, "TF Where (one input: coordinates of true elements): output shape depends on the values, AI CPU kernel").with(DATA_DEP),
    op("Unique", &["UniqueV2", "UniqueWithCounts", "UniqueWithCountsV2", "UniqueConsecutive"], C::Tensor, U::AiCpu, ANY, F::Opaque, "Unique: output shape depends on the values, AI CPU kernel").with(DATA_DEP),
    op("Compress", &["MaskedSelect", "BooleanMask"], C::Tensor, U::AiCpu, ANY, F::Opaque, "select by a mask: output shape depends on the values, AI CPU kernel").with(DATA_DEP),
    op("ListDiff", &["SetDiff1D"], C::Tensor, U::AiCpu, ANY, F::Opaque, S_AICPU).with(DATA_DEP),
    op("NonMaxSuppression", &["NonMaxSuppressionV2", "NonMaxSuppressionV3", "NonMaxSuppressionV4", "NonMaxSuppressionV5", "NonMaxSuppressionV6", "NonMaxSuppressionWithOverlaps"], C::Tensor, U::AiCpu, ANY, F::Opaque, "NonMaxSuppression: output shape depends on the scores, AI CPU kernel (BatchMultiClassNonMaxSuppression is the AI Core alternative)").with(DATA_DEP).replaced("BatchMultiClassNonMaxSuppression", "the boxes can be padded to a fixed maximum count", "use a fixed-size NMS (BatchMultiClassNMS / CombinedNonMaxSuppression with max_total_size) that GE maps to the AI Core kernel"),
    op("BatchMultiClassNonMaxSuppression", &["BatchMultiClassNMS", "CombinedNonMaxSuppression"], C::Tensor, U::Vector, FLOAT_IDX, F::Opaque, "310 .om sample: BatchMultiClassNonMaxSuppression on AIcoreEngine (fixed-size output)"),
    mov("SearchSorted", &["LowerBound", "UpperBound", "Bucketize"], C::Tensor, "binary search of sorted boundaries: AI CPU on older CANN, vector kernel on the 910B (uncertain)").on(&[(T::Ascend310, U::AiCpu), (T::Ascend310P, U::AiCpu)]),
    cpu("Empty", &[], C::Tensor, "TF Empty (uninitialised tensor of a computed shape): AI CPU / host").with(&[Constraint::DataDependentOperands { inputs: &[0] }]),
    cpu("Bincount", &["DenseBincount"], C::Tensor, "Bincount: the output length is the largest input value + 1 (data-dependent), AI CPU kernel").with(DATA_DEP),
    cpu("InvertPermutation", &[], C::Tensor, S_AICPU),
    cpu("UnravelIndex", &[], C::Tensor, S_AICPU),
    cpu("EditDistance", &[], C::Tensor, S_AICPU),
    cpu("SparseToDense", &[], C::Tensor, S_AICPU).with(&[Constraint::DataDependentOperands { inputs: &[1] }]),
    cpu("Cross", &[], C::Elementwise, S_AICPU),
    mov("DataFormatDimMap", &[], C::Tensor, S_MOVE),
    cpu("DataFormatVecPermute", &[], C::Tensor, S_AICPU),

    // ── Shape-only ops (no kernel) ──
    fold("Reshape", &["ReshapeD"], C::Shape, "a view: GE removes it or makes it a no-op over the same memory").with(&[Constraint::DataDependentOperands { inputs: &[1] }]),
    fold("Flatten", &["FlattenV2"], C::Shape, "a view: GE removes it or makes it a no-op over the same memory"),
    fold("Squeeze", &["SqueezeV2", "SqueezeV3"], C::Shape, "a view: GE removes it or makes it a no-op over the same memory"),
    fold("Unsqueeze", &["UnsqueezeV2", "UnsqueezeV3"], C::Shape, "a view: GE removes it or makes it a no-op over the same memory"),
    fold("ExpandDims", &[], C::Shape, "a view: GE removes it or makes it a no-op over the same memory"),
    fold("Shape", &["ShapeN"], C::Shape, "static shapes are folded into constants; dynamic ones are computed on the host (ge_local)"),
    fold("Size", &[], C::Shape, S_FOLD),
    fold("Rank", &[], C::Shape, S_FOLD),
    cpu("BroadcastArgs", &[], C::Shape, "shape arithmetic: folded for static shapes, AI CPU otherwise"),
    cpu("BroadcastGradientArgs", &[], C::Shape, "shape arithmetic: folded for static shapes, AI CPU otherwise"),
    cpu("ConcatOffset", &[], C::Shape, "shape arithmetic: folded for static shapes, AI CPU otherwise"),
    fold("EnsureShape", &[], C::Shape, S_FOLD),
    fold("Identity", &["IdentityN", "StopGradient", "PreventGradient", "Snapshot", "caffe:Split", "ReadVariableOp", "GuaranteeConst", "Silence", "PhonyConcat", "PhonySplit"], C::Elementwise, "no kernel: GE removes identities (Caffe Split copies a blob to several consumers; Silence discards one)"),
    fold("Dropout", &["BiasDropout"], C::Elementwise, "inference: GE removes Dropout (identity); training uses DropOutGenMask + DropOutDoMask"),

    // ── Constants, inputs, outputs, variables ──
    fold("Const", &["Constant", "ImmutableConst", "HostConst", "caffe:Parameter", "GivenTensorFill"], C::Constant, "GE local (ge_local engine): a constant in device memory, no kernel; samples: Const on DNN_VM_GE_LOCAL_OP_STORE"),
    op("ConstantOfShape", &[], C::Constant, U::None, ANY, F::NoKernel, "ONNX ConstantOfShape: with a constant shape input ATC folds it into a constant; with a computed shape it becomes GE Fill on the vector unit").with(&[Constraint::StaticShape { fallback: U::Vector }, Constraint::DataDependentOperands { inputs: &[0] }]),
    fold("Data", &["Placeholder", "PlaceholderWithDefault", "Input", "caffe:Data", "ImageData", "HDF5Data", "MemoryData", "WindowData", "DummyData", "RefData", "AippData", "_Arg"], C::Constant, "graph input (ge_local engine): no kernel; samples: Data on DNN_VM_GE_LOCAL_OP_STORE"),
    fold("NetOutput", &["_Retval", "HDF5Output"], C::Other, "graph output (rts engine): samples: NetOutput on DNN_VM_RTS_OP_STORE"),
    fold("Variable", &["VariableV2", "VarHandleOp", "TemporaryVariable"], C::Constant, "GE sample: Variable on DNN_VM_GE_LOCAL_OP_STORE (device memory, no kernel)"),
    fold("VarIsInitializedOp", &["IsVariableInitialized"], C::Other, S_FOLD),
    mov("Assign", &["AssignVariableOp"], C::Other, "GE sample: Assign on AIcoreEngine (a device copy)"),
    op("AssignAdd", &["AssignAddVariableOp"], C::Elementwise, U::Vector, NUM, F::Opaque, "910A sample: AssignAdd on AI_CORE"),
    op("AssignSub", &["AssignSubVariableOp"], C::Elementwise, U::Vector, NUM, F::Opaque, S_TBE),
    cpu("FrameworkOp", &[], C::Other, "GE sample: FrameworkOp (original_type RandomUniform) on aicpu_kernel: a framework op GE keeps as is and runs with its framework kernel on the AI CPU"),
    fold("DestroyResourceOp", &[], C::Other, S_FOLD),

    // ── Control flow and runtime ──
    fold("If", &["StatelessIf", "_If"], C::Control, S_CTRL),
    fold("Case", &["StatelessCase"], C::Control, S_CTRL),
    fold("While", &["StatelessWhile", "_While"], C::Control, S_CTRL),
    fold("Loop", &[], C::Control, "ONNX Loop: GE lowers it to a While (stream switch / active, rts), no compute kernel"),
    fold("Scan", &[], C::Control, "ONNX Scan: GE lowers it to a While (rts), no compute kernel"),
    fold("For", &[], C::Control, S_CTRL),
    fold("Switch", &["RefSwitch", "StreamSwitch", "StreamSwitchN"], C::Control, S_CTRL),
    fold("Merge", &["RefMerge", "StreamMerge"], C::Control, S_CTRL),
    fold("Enter", &["RefEnter"], C::Control, S_CTRL),
    fold("Exit", &["RefExit"], C::Control, S_CTRL),
    fold("NextIteration", &["RefNextIteration"], C::Control, S_CTRL),
    fold("LoopCond", &[], C::Control, S_CTRL),
    fold("ControlTrigger", &[], C::Control, S_CTRL),
    fold("StreamActive", &[], C::Control, S_RTS),
    fold("LabelSet", &["LabelGoto", "LabelGotoEx", "LabelSwitchByIndex", "LabelSwitch"], C::Control, S_RTS),
    fold("PartitionedCall", &["StatefulPartitionedCall", "RemoteCall", "SymbolicGradient"], C::Control, "a function call: GE inlines the body (the nodes inside carry the work)"),
    fold("NoOp", &[], C::Control, "GE sample: NoOp on DNN_VM_GE_LOCAL_OP_STORE"),
    fold("Send", &[], C::Control, "GE sample: Send on DNN_VM_RTS_OP_STORE (event record between streams)"),
    fold("Recv", &[], C::Control, "GE sample: Recv on DNN_VM_RTS_OP_STORE (event wait between streams)"),
    fold("MemcpyAsync", &["MemcpyAddrAsync", "MemcpyAsyncD"], C::Other, "GE runtime copy (rts engine): a DMA task, no compute kernel"),
    cpu("Abort", &[], C::Control, "TF Abort: host side effect"),
    cpu("Assert", &[], C::Control, "TF Assert: AI CPU check (GE may drop it at inference)"),
    cpu("Print", &["PrintV2", "Timestamp"], C::Other, "host / AI CPU side effect"),
    cpu("CheckNumerics", &[], C::Other, S_AICPU),
    fold("Optional", &["OptionalGetElement", "OptionalHasElement"], C::Control, "ONNX optional values: host-side bookkeeping (uncertain ATC support)"),
    cpu("BeamSearch", &["GreedySearch", "Sampling"], C::Control, S_ORT),

    // ── Random numbers, dropout ──
    cpu("RandomUniform", &["RandomUniformLike", "StatelessRandomUniform", "StatelessRandomUniformV2"], C::Other, "GE sample: RandomUniform (as FrameworkOp) on aicpu_kernel; CANN AI CPU random kernels"),
    cpu("RandomStandardNormal", &["RandomNormal", "RandomNormalLike", "StatelessRandomNormal", "StatelessRandomNormalV2"], C::Other, S_RANDOM),
    cpu("TruncatedNormal", &["StatelessTruncatedNormal", "StatelessTruncatedNormalV2"], C::Other, S_RANDOM),
    cpu("RandomUniformInt", &["StatelessRandomUniformInt", "StatelessRandomUniformIntV2"], C::Other, S_RANDOM),
    cpu("Multinomial", &["StatelessMultinomial"], C::Other, S_RANDOM),
    cpu("RandomShuffle", &[], C::Other, S_RANDOM),
    cpu("RandomGamma", &["StatelessRandomGammaV2"], C::Other, S_RANDOM),
    cpu("RandomPoisson", &["RandomPoissonV2"], C::Other, S_RANDOM),
    cpu("Bernoulli", &[], C::Other, S_RANDOM),
    cpu("StatelessRandomGetKeyCounter", &["StatelessRandomGetKeyCounterAlg"], C::Other, S_RANDOM),
    cpu("DropOutGenMask", &["DropoutGenMask", "DropOutGenMaskV3", "StatelessDropOutGenMask"], C::Other, "910A sample: DropoutGenMask on AI_CPU (the 910B generates masks on the DSA: DSAGenBitMask)"),
    op("DropOutDoMask", &["DropOutDoMaskV3", "DropOutDoMaskV3D"], C::Elementwise, U::Vector, MASKED, F::Elementwise, "samples: DropOutDoMask on AI_VECTOR_CORE (A2) and AI_CORE (910A)").with(K5HD),
    op("DSAGenBitMask", &[], C::Other, U::Dsa, ANY, F::Opaque, "A2 samples: DSAGenBitMask on DSA_SQE (the 910B's DSA engine)"),
    op("DSAStatelessGenBitMask", &[], C::Other, U::Dsa, ANY, F::Opaque, "A2 samples: DSAStatelessGenBitMask on DSA_SQE"),
    op("DSARandomUniform", &["DSAStatelessRandomUniform"], C::Other, U::Dsa, ANY, F::Opaque, "910B DSA random generation (name from the DSA op family; not seen in the samples, uncertain)"),
    op("DSARandomNormal", &["DSAStatelessRandomNormal", "DSAStatelessRandomTruncatedNormal"], C::Other, U::Dsa, ANY, F::Opaque, "910B DSA random generation (name from the DSA op family; not seen in the samples, uncertain)"),

    // ── Strings, tables, resources, datasets ──
    cpu("StringToNumber", &[], C::Other, S_STRING),
    cpu("AsString", &[], C::Other, S_STRING),
    cpu("StringJoin", &["StringConcat", "ReduceJoin"], C::Other, S_STRING),
    cpu("StringSplit", &["StringSplitV2"], C::Other, "string op: the AI Core has no string type; AI CPU or host only; the number of pieces depends on the values").with(DATA_DEP),
    cpu("RegexReplace", &["StaticRegexReplace"], C::Other, S_STRING),
    cpu("RegexFullMatch", &["StaticRegexFullMatch"], C::Other, S_STRING),
    cpu("StringLength", &[], C::Other, S_STRING),
    cpu("Substr", &[], C::Other, S_STRING),
    cpu("StringStrip", &["StringLower", "StringUpper", "StringNormalizer"], C::Other, S_STRING),
    cpu("StringToHashBucketFast", &["StringToHashBucket", "StringToHashBucketStrong"], C::Other, S_STRING),
    cpu("StringFormat", &[], C::Other, S_STRING),
    cpu("DecodeBase64", &["EncodeBase64"], C::Other, S_STRING),
    cpu("TfIdfVectorizer", &[], C::Other, S_STRING),
    fold("HashTable", &["HashTableV2", "MutableHashTable", "MutableHashTableV2", "MutableDenseHashTableV2"], C::Other, S_TABLE),
    cpu("LookupTableFind", &["LookupTableFindV2"], C::Other, S_TABLE),
    cpu("LookupTableImport", &["LookupTableImportV2", "LookupTableInsert", "LookupTableInsertV2"], C::Other, S_TABLE),
    cpu("InitializeTable", &["InitializeTableV2", "InitializeTableFromTextFile", "InitializeTableFromTextFileV2"], C::Other, S_TABLE),
    cpu("LookupTableSize", &["LookupTableSizeV2"], C::Other, S_TABLE),
    cpu("TensorArray", &["TensorArrayV3"], C::Other, S_TABLE),
    cpu("TensorArrayRead", &["TensorArrayReadV3"], C::Other, S_TABLE),
    cpu("TensorArrayWrite", &["TensorArrayWriteV3"], C::Other, S_TABLE),
    cpu("TensorArrayGather", &["TensorArrayGatherV3"], C::Other, S_TABLE),
    cpu("TensorArrayScatter", &["TensorArrayScatterV3"], C::Other, S_TABLE),
    cpu("TensorArraySize", &["TensorArraySizeV3"], C::Other, S_TABLE),
    cpu("TensorArrayConcat", &["TensorArrayConcatV3"], C::Other, S_TABLE),
    cpu("TensorArraySplit", &["TensorArraySplitV3"], C::Other, S_TABLE),
    cpu("TensorArrayClose", &["TensorArrayCloseV3"], C::Other, S_TABLE),
    cpu("TensorListReserve", &["EmptyTensorList", "SequenceEmpty"], C::Other, S_TABLE),
    cpu("TensorListFromTensor", &["SequenceConstruct", "SplitToSequence"], C::Other, S_TABLE),
    cpu("TensorListGetItem", &["SequenceAt"], C::Other, S_TABLE),
    cpu("TensorListSetItem", &["SequenceInsert"], C::Other, S_TABLE),
    cpu("TensorListStack", &["ConcatFromSequence", "TensorListConcatV2"], C::Other, S_TABLE),
    cpu("TensorListLength", &["SequenceLength"], C::Other, S_TABLE),
    cpu("TensorListPushBack", &[], C::Other, S_TABLE),
    cpu("TensorListPopBack", &["SequenceErase"], C::Other, S_TABLE),
    cpu("TensorListElementShape", &[], C::Other, S_TABLE),
    cpu("TensorListSplit", &[], C::Other, S_TABLE),
    cpu("SequenceMap", &[], C::Control, "ONNX SequenceMap: a loop over sequence items (host / AI CPU; uncertain ATC support)"),
    cpu("GetNext", &["IteratorGetNext", "IteratorV2", "Iterator", "MakeIterator", "OneShotIterator", "DynamicGetNext"], C::Other, "dataset input queue: AI CPU / host (GetNext)"),
    fold("SaveV2", &["RestoreV2", "MergeV2Checkpoints", "ShardedFilename", "Save", "Restore"], C::Other, "checkpoint I/O: host only"),

    // ── Linear algebra, signal processing, special functions ──
    cpu("MatrixInverse", &["Inverse"], C::Layer, S_LINALG),
    cpu("MatrixDeterminant", &["Det", "LogMatrixDeterminant"], C::Layer, S_LINALG),
    cpu("Cholesky", &[], C::Layer, S_LINALG),
    cpu("Qr", &[], C::Layer, S_LINALG),
    cpu("Svd", &[], C::Layer, S_LINALG),
    cpu("SelfAdjointEigV2", &[], C::Layer, S_LINALG),
    cpu("MatrixSolve", &[], C::Layer, S_LINALG),
    cpu("MatrixTriangularSolve", &[], C::Layer, S_LINALG),
    op("Cdist", &["CDist"], C::Layer, U::Vector, FLOAT, F::Opaque, S_ORT),
    cpu("DFT", &["FFT", "IFFT", "RFFT", "IRFFT", "Rfft", "Irfft", "STFT"], C::Layer, "Fourier transforms: AI CPU kernels on the 310 and older CANN (the 910B has newer AI Core FFT kernels: uncertain)"),
    cpu("BlackmanWindow", &["HammingWindow", "HannWindow"], C::Tensor, "ONNX window generators: constant for constant sizes, otherwise AI CPU (uncertain)"),
    cpu("MelWeightMatrix", &[], C::Tensor, "ONNX MelWeightMatrix: constant for constant sizes, otherwise AI CPU (uncertain)"),
    cpu("Lgamma", &[], C::Elementwise, "special function: AI CPU kernel (a TBE Lgamma exists on some training chips: uncertain)"),
    cpu("Digamma", &["Polygamma"], C::Elementwise, "special function: AI CPU kernel (uncertain)"),
    cpu("Igamma", &["Igammac", "Betainc", "Zeta"], C::Elementwise, "special function: AI CPU kernel (uncertain)"),
    cpu("Erfinv", &["Ndtri"], C::Elementwise, "special function: AI CPU kernel (uncertain)"),
    cpu("NextAfter", &[], C::Elementwise, S_AICPU),
    cpu("Complex", &["Real", "Imag", "Angle", "Conj", "ComplexAbs"], C::Elementwise, "complex numbers: not in the AI Core dtype lists (ascend.md 4.4), AI CPU"),

    // ── Images (decode, colour, boxes) ──
    cpu("DecodeJpeg", &["DecodeAndCropJpeg", "DecodeImage", "ImageDecoder"], C::Other, "image decoding: AI CPU / host kernels (the DVPP decoder is used outside the graph)"),
    cpu("DecodePng", &["DecodeBmp", "DecodeGif"], C::Other, "image decoding: AI CPU / host kernels"),
    cpu("EncodeJpeg", &["EncodePng"], C::Other, "image encoding: AI CPU / host kernels"),
    cpu("AdjustContrastv2", &["AdjustContrast"], C::Other, "image adjustment: AI CPU on the 310 (TBE kernels exist on some training chips: uncertain)"),
    cpu("AdjustHue", &[], C::Other, "image adjustment: AI CPU on the 310 (uncertain elsewhere)"),
    cpu("AdjustSaturation", &[], C::Other, "image adjustment: AI CPU on the 310 (uncertain elsewhere)"),
    cpu("RGBToHSV", &[], C::Other, "colour conversion: AI CPU (uncertain)"),
    cpu("HSVToRGB", &[], C::Other, "colour conversion: AI CPU (uncertain)"),
    cpu("ExtractGlimpse", &[], C::Other, S_AICPU),
    cpu("DrawBoundingBoxes", &["DrawBoundingBoxesV2"], C::Other, S_AICPU),
    cpu("SampleDistortedBoundingBox", &["SampleDistortedBoundingBoxV2", "StatelessSampleDistortedBoundingBox"], C::Other, S_RANDOM),
    cpu("ImageProjectiveTransformV2", &["ImageProjectiveTransformV3"], C::Other, S_AICPU),
    cpu("ScaleAndTranslate", &[], C::Other, S_AICPU),

    // ── Detection post-processing (Caffe SSD / Faster R-CNN / YOLO extensions) ──
    op("PriorBox", &["PriorBoxD", "PriorBoxDV2"], C::Tensor, U::Vector, FLOAT, F::Opaque, "Caffe PriorBox (SSD, ATC custom-layer list): TBE PriorBoxD; depends on shapes only, so static nets may get it folded (uncertain); the prototype takes x as NC1HWC0 or NCHW").with(K5HD),
    op("SSDDetectionOutput", &["DetectionOutput"], C::Tensor, U::Vector, FLOAT, F::Opaque, S_DET),
    op("FSRDetectionOutput", &[], C::Tensor, U::Vector, FLOAT, F::Opaque, S_DET),
    op("Proposal", &["ProposalD"], C::Tensor, U::Vector, FLOAT, F::Opaque, S_DET),
    op("YoloV3DetectionOutput", &["YoloV3DetectionOutputD", "YoloV3DetectionOutputV2", "YoloV3DetectionOutputV2D"], C::Tensor, U::Vector, FLOAT, F::Opaque, S_DET),
    op("YoloV2DetectionOutput", &["YoloV2DetectionOutputD"], C::Tensor, U::Vector, FLOAT, F::Opaque, S_DET),
    op("Yolo", &["Region"], C::Tensor, U::Vector, FLOAT, F::Opaque, "Caffe Yolo / Region (YOLOv2/v3, ATC custom-layer list): TBE kernel"),
    op("DecodeBbox", &["DecodeBBoxV2"], C::Tensor, U::Vector, FLOAT, F::Opaque, S_DET),

    // ── Losses ──
    op("SoftmaxCrossEntropyWithLogits", &[], C::Activation, U::Vector, FLOAT, F::Opaque, "910A sample: SoftmaxCrossEntropyWithLogits on AI_CORE"),
    op("SparseSoftmaxCrossEntropyWithLogits", &["onnx:SoftmaxCrossEntropyLoss", "SoftmaxWithLoss"], C::Activation, U::Vector, FLOAT_IDX, F::Opaque, "TF SparseSoftmaxCrossEntropyWithLogits, ONNX SoftmaxCrossEntropyLoss and Caffe SoftmaxWithLoss compute the same: TBE kernel"),
    op("SigmoidCrossEntropyWithLogits", &["SigmoidCrossEntropyLoss", "SigmoidCrossEntropyWithLogitsV2"], C::Activation, U::Vector, FLOAT, F::Opaque, S_TBE),
    op("NLLLoss", &["NegativeLogLikelihoodLoss"], C::Reduce, U::Vector, FLOAT_IDX, F::Opaque, "A2 samples: NLLLoss on MIX_AIV"),
    op("MseLoss", &["caffe:EuclideanLoss"], C::Reduce, U::Vector, FLOAT, F::Opaque, "MSE: GE MseLoss on the vector unit; Caffe EuclideanLoss computes the same (training only)"),
    cpu("HingeLoss", &[], C::Reduce, S_CAFFE_LOSS),
    cpu("ContrastiveLoss", &[], C::Reduce, S_CAFFE_LOSS),
    cpu("InfogainLoss", &[], C::Reduce, S_CAFFE_LOSS),
    cpu("MultinomialLogisticLoss", &[], C::Reduce, S_CAFFE_LOSS),
    cpu("Accuracy", &[], C::Reduce, S_CAFFE_LOSS),
    cpu("CTCLoss", &["CTCLossV2"], C::Reduce, S_AICPU),
    cpu("CTCGreedyDecoder", &["CTCBeamSearchDecoder"], C::Tensor, S_AICPU).with(DATA_DEP),
    cpu("Filter", &[], C::Tensor, "Caffe Filter (keeps the items a selector marks): output shape depends on the values, AI CPU (uncertain)").with(DATA_DEP),
    cpu("Python", &[], C::Other, "Caffe Python layer: user code, no Ascend kernel; ATC needs a custom op (assumed AI CPU)"),

    // ── Gradients and optimizers (training graphs and profiles) ──
    train("ReluGrad", &[], C::Activation, "A2 samples: ReluGrad on AI_VECTOR_CORE; 910A: ReluGrad on AI_CORE").with(K5HD),
    train("ReluGradV2", &[], C::Activation, "910A sample: ReluGradV2 on AI_CORE").with(K5HD),
    train("Relu6Grad", &[], C::Activation, S_TRAIN_EW).with(K5HD),
    train("LeakyReluGrad", &[], C::Activation, S_TRAIN_EW).with(K5HD),
    train("SigmoidGrad", &[], C::Activation, S_TRAIN_EW).with(K5HD),
    train("TanhGrad", &[], C::Activation, S_TRAIN_EW).with(K5HD),
    train("GeluGrad", &[], C::Activation, S_TRAIN_EW).with(K5HD),
    train("FastGeluGrad", &[], C::Activation, S_TRAIN_EW).with(K5HD),
    train("SwiGluGrad", &[], C::Activation, "A2 samples: SwiGluGrad on AI_VECTOR_CORE"),
    train("SoftmaxGrad", &[], C::Activation, "TBE SoftmaxGrad; the prototype takes NC1HWC0 (or ND) tensors").with(K5HD),
    train("LogSoftmaxGrad", &[], C::Activation, "A2 sample: LogSoftmaxGrad on AI_VECTOR_CORE"),
    train("NLLLossGrad", &[], C::Reduce, "A2 sample: NLLLossGrad on AI_VECTOR_CORE").inputs(FLOAT_IDX),
    train("BiasAddGrad", &[], C::Reduce, "910A sample: BiasAddGrad on AI_CORE"),
    train("MaxPoolGradWithArgmax", &["MaxPoolGradWithArgmaxV1", "MaxPoolGradWithArgmaxV2"], C::Pool, "samples: MaxPoolGradWithArgmax (910A) on AI_CORE, MaxPoolGradWithArgmaxV1 (A2) on AI_VECTOR_CORE; NC1HWC0 in the A2 sample").inputs(FLOAT_IDX.union(DTypeSet::of(&[DType::U16]))).with(K5HD),
    train("MaxPoolGrad", &[], C::Pool, "TBE MaxPoolGrad on training chips; on the Ascend 310 it is an AI CPU op (aic-ascend310-ops-info has no AI Core entry, per a public CANN 5.0.4 model-test note); the prototype takes NC1HWC0 tensors").on(&[(T::Ascend310, U::AiCpu)]).with(K5HD),
    train("AvgPoolGrad", &["AvgPoolGradD", "AvgPoolV2Grad"], C::Pool, S_TRAIN).inputs(FLOAT_IDX),
    train("AdaptiveAvgPool3dGrad", &["AdaptiveAvgPool2dGrad"], C::Pool, "A2 sample: AdaptiveAvgPool3dGrad on MIX_AIV"),
    train("StridedSliceGrad", &["StridedSliceGradD"], C::Tensor, S_TRAIN).inputs(FLOAT_IDX),
    train("RotaryPositionEmbeddingGrad", &[], C::Elementwise, "A2 samples: RotaryPositionEmbeddingGrad on AI_VECTOR_CORE"),
    train("EmbeddingDenseGrad", &["EmbeddingDenseGradV2"], C::Tensor, "A2 samples: EmbeddingDenseGradV2 on MIX_AIV").inputs(FLOAT_IDX),
    train("ApplyMomentum", &["ResourceApplyMomentum", "ApplyMomentumD", "ResourceApplyKerasMomentum"], C::Other, S_TRAIN),
    train("FusedMulApplyMomentum", &["FusedMulApplyMomentumExtern"], C::Other, "910A sample: FusedMulApplyMomentum on AI_CORE"),
    train("ApplyAdam", &["ResourceApplyAdam", "ApplyAdamD"], C::Other, S_TRAIN).inputs(FLOAT_IDX),
    train("ApplyAdamW", &[], C::Other, "A2 sample: ApplyAdamW on AI_VECTOR_CORE").inputs(FLOAT_IDX),
    train("ApplyAdamWV2", &[], C::Other, "A2 samples: ApplyAdamWV2 on AI_VECTOR_CORE").inputs(FLOAT_IDX),
    train("ApplyGradientDescent", &["ResourceApplyGradientDescent"], C::Other, S_TRAIN),
    train("ApplyRMSProp", &["ResourceApplyRMSProp", "ApplyRMSPropD"], C::Other, S_TRAIN),
    train("ApplyAdagrad", &["ResourceApplyAdagrad", "ApplyAdagradD"], C::Other, S_TRAIN),
    train("ApplyFtrl", &["ResourceApplyFtrl", "ApplyFtrlD", "ApplyFtrlV2"], C::Other, S_TRAIN),
    train("LambApplyOptimizerAssign", &["LambApplyWeightAssign", "LambNextMV"], C::Other, S_TRAIN),
    train("ForeachAddList", &["ForeachAddListV2"], C::Other, "A2 samples: ForeachAddList on AI_VECTOR_CORE"),
    train("ForeachMulScalar", &["ForeachMulScalarV2"], C::Other, "A2 samples: ForeachMulScalar on AI_VECTOR_CORE"),
    train("ForeachAddScalar", &["ForeachAddScalarV2"], C::Other, S_TRAIN),
    train("ForeachMulList", &[], C::Other, S_TRAIN),
    train("ForeachSubList", &[], C::Other, S_TRAIN),
    train("ForeachDivScalar", &[], C::Other, S_TRAIN),
    train("ForeachNorm", &[], C::Other, S_TRAIN),
    train("ForeachZeroInplace", &[], C::Other, S_TRAIN),

    // ── Collective communication ──
    hccl("HcomAllReduce", &["hcom_allReduce_", "HcclAllReduce"]),
    hccl("HcomAllGather", &["hcom_allGather_", "HcclAllGather"]),
    hccl("HcomBroadcast", &["hcom_broadcast_", "HcclBroadcast"]),
    hccl("HcomReduceScatter", &["hcom_reduceScatter_", "HcclReduceScatter"]),
    hccl("HcomReduce", &["hcom_reduce_", "HcclReduce"]),
    hccl("HcomSend", &["hcom_send_", "HcclSend"]),
    hccl("HcomReceive", &["hcom_receive_", "HcclRecv"]),
    hccl("HcomAllToAllV", &["hcom_alltoallv_", "HcomAllToAll", "hcom_alltoall_", "HcclAlltoAllV"]),
    hccl("HcomBatchSendRecv", &["hcom_batchSendRecv_", "HcclBatchSendRecv"]),
];
