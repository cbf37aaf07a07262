//! The cost model's work counts and time rules on small models built by code: C0 padding of
//! channel counts (16 / 18 / 32 channels, int8), Cube tile padding of matrix products, depthwise
//! waste, a fused Conv + ReLU against the two apart, an AI CPU op against the same op on the AI
//! Core, the roofline's choice, ResNet-50's MACs in every framework, unknown dims, and graphs
//! that must not make it panic.

use opscope_engine::analysis::cost::{self, Bound, CostModel, NodeCost};
use opscope_engine::analysis::fusion::{Fusion, FusionGroup, FusionKind};
use opscope_engine::analysis::units::{self, NodeUnit};
use opscope_engine::ir::{DType, Model};
use opscope_engine::knowledge::ExecUnit;
use opscope_engine::samples::{
    caffe_resnet50, ge_mobilenet_v2, ge_resnet50, mobilenet_v2, resnet50, tf_mobilenet_v2,
    tf_resnet50, OnnxWriter, TfWeights, WeightStorage,
};
use opscope_engine::target::{Target, TargetId};
use opscope_engine::{open_model, InputFile};

fn storage() -> WeightStorage {
    WeightStorage::External {
        location: "weights.bin".to_string(),
    }
}

fn open(name: &str, bytes: Vec<u8>) -> Model {
    open_model(&InputFile::new(name, bytes)).unwrap_or_else(|err| panic!("{name}: {err}"))
}

fn no_fusion(model: &Model) -> Fusion {
    Fusion {
        group_of: vec![None; model.graph.nodes.len()],
        ..Fusion::default()
    }
}

struct Estimated {
    model: Model,
    target: Target,
    units: Vec<NodeUnit>,
    cost: CostModel,
}

impl Estimated {
    fn new(model: Model, target: TargetId, fusion: Option<Fusion>) -> Estimated {
        let target = Target::new(target);
        let units = units::assign(&model, &target);
        let fusion = fusion.unwrap_or_else(|| no_fusion(&model));
        let cost = cost::estimate(&model.graph, &units, &fusion, &target);
        Estimated {
            model,
            target,
            units,
            cost,
        }
    }

    fn node(&self, op_type: &str) -> usize {
        self.model
            .graph
            .nodes
            .iter()
            .position(|n| n.op_type == op_type)
            .unwrap_or_else(|| panic!("no {op_type} node"))
    }

    fn cost_of(&self, op_type: &str) -> NodeCost {
        self.cost.per_node[self.node(op_type)]
    }
}

/// `[1, channels, 56, 56]` → 3×3 convolution to `channels` (padding 1) → output.
fn conv_model(channels: i64) -> Model {
    let mut w = OnnxWriter::new("conv", storage());
    let x = w.input("x", &[1, channels, 56, 56]);
    let y = w.conv(&x, channels, 3, 1, 1, 1);
    w.output(&y);
    open("conv.onnx", w.finish())
}

#[test]
fn channel_padding_makes_18_channels_cost_like_32() {
    let [c16, c18, c32] =
        [16, 18, 32].map(|c| Estimated::new(conv_model(c), TargetId::Ascend310, None));
    let [n16, n18, n32] = [&c16, &c18, &c32].map(|e| e.cost_of("Conv"));
    // 56×56 = 3136 output pixels (a multiple of the 16-row cube tile); K = C_padded × 9; N =
    // C_padded.
    assert_eq!(n16.macs, 3136 * (16 * 9) * 16);
    assert_eq!(n16.unpadded_macs, n16.macs);
    assert_eq!(n18.macs, 3136 * (32 * 9) * 32);
    assert_eq!(n18.macs, n32.macs);
    assert_eq!(n18.unpadded_macs, 3136 * 18 * 18 * 9);
    assert!((n18.padding_share() - (1.0 - 18.0 * 18.0 / (32.0 * 32.0))).abs() < 1e-9);
    // The 18-channel feature maps are stored with 32 channels (NC1HWC0): the same bytes too.
    let ratio = n18.estimated_us / n32.estimated_us;
    assert!((0.95..=1.0).contains(&ratio), "18 vs 32 channels: {ratio}");
    // The work beyond the fixed kernel cost (the 310's is 7.9 µs, read off a real profile).
    let work = |n: &cost::NodeCost| n.estimated_us - n.overhead_us;
    assert!(
        work(&n16) < 0.6 * work(&n18),
        "16 channels {} vs 18 channels {}",
        work(&n16),
        work(&n18)
    );
    // Re-costing the 18-channel conv at 16 channels lands on the 16-channel model's estimate
    // (up to the bias, which keeps its 18 values).
    let conv = c18.node("Conv");
    let at_16 =
        cost::node_cost_with_channels(&c18.model.graph, &c18.units, conv, &c18.target, 16, 16)
            .expect("a convolution re-costs");
    assert_eq!(at_16.macs, n16.macs);
    let drift = (at_16.estimated_us - n16.estimated_us).abs() / n16.estimated_us;
    assert!(
        drift < 0.01,
        "{} vs {}",
        at_16.estimated_us,
        n16.estimated_us
    );
    assert_eq!(cost::padded_channels(&c18.target, 18, 16), 32);
    assert_eq!(cost::padded_channels(&c18.target, 18, 8), 32);
    assert_eq!(cost::padded_channels(&c18.target, 40, 8), 64);
    // A Relu has no Cube work to re-cost.
    let mut w = OnnxWriter::new("relu", storage());
    let x = w.input("x", &[1, 16, 8, 8]);
    let y = w.relu(&x);
    w.output(&y);
    let relu = Estimated::new(open("relu.onnx", w.finish()), TargetId::Ascend310, None);
    let node = relu.node("Relu");
    assert_eq!(
        cost::node_cost_with_channels(&relu.model.graph, &relu.units, node, &relu.target, 8, 8),
        None
    );
}

#[test]
fn int8_pads_channels_to_32_and_runs_twice_as_fast() {
    let mut model = conv_model(16);
    for tensor in &mut model.graph.tensors {
        tensor.dtype = DType::I8;
    }
    let int8 = Estimated::new(model, TargetId::Ascend310, None);
    let conv = int8.cost_of("Conv");
    // C0 = 32 for 8-bit types: K pads 16 → 32 channels; N keeps the 16-wide cube tile.
    assert_eq!(conv.macs, 3136 * (32 * 9) * 16);
    assert_eq!(conv.unpadded_macs, 3136 * 16 * 16 * 9);
    let expected = cost::cube_us(&int8.target, conv.macs, true);
    assert!((conv.compute_us - expected).abs() < 1e-9);
    assert!(conv.compute_us < cost::cube_us(&int8.target, conv.macs, false));
}

#[test]
fn matrix_products_pad_m_k_n_to_the_cube_tile() {
    let mut w = OnnxWriter::new("fc", storage());
    let x = w.input("x", &[1, 100]);
    let y = w.gemm(&x, 10);
    w.output(&y);
    let gemm = Estimated::new(open("fc.onnx", w.finish()), TargetId::Ascend310, None);
    let fc = gemm.cost_of("Gemm");
    assert_eq!(fc.unpadded_macs, 100 * 10);
    assert_eq!(fc.macs, 16 * 112 * 16);

    // A batched MatMul [2, 30, 40] × [40, 50].
    let mut w = OnnxWriter::new("bmm", storage());
    let a = w.input("a", &[2, 30, 40]);
    let b = w.weight("b", &[40, 50]);
    let y = w.node("MatMul", &[&a, &b], &[vec![2, 30, 50]], vec![]);
    w.output(&y[0]);
    let bmm = Estimated::new(open("bmm.onnx", w.finish()), TargetId::Ascend310, None);
    let matmul = bmm.cost_of("MatMul");
    assert_eq!(matmul.unpadded_macs, 2 * 30 * 40 * 50);
    assert_eq!(matmul.macs, 2 * 32 * 48 * 64);
}

#[test]
fn depthwise_convolutions_waste_up_to_c0() {
    let mut w = OnnxWriter::new("dw", storage());
    let x = w.input("x", &[1, 32, 56, 56]);
    let y = w.conv(&x, 32, 3, 1, 1, 32);
    w.output(&y);
    let dw = Estimated::new(open("dw.onnx", w.finish()), TargetId::Ascend310, None);
    let conv = dw.cost_of("Conv");
    assert_eq!(conv.unpadded_macs, 3136 * 32 * 9);
    // 16 channels share one block-diagonal fractal: two packed groups of K = 16 × 9, N = 16.
    assert_eq!(conv.macs, 2 * 3136 * (16 * 9) * 16);
    assert!((conv.padding_share() - 15.0 / 16.0).abs() < 1e-9);
}

#[test]
fn per_op_work_follows_each_family() {
    let mut w = OnnxWriter::new("ops", storage());
    let x = w.input("x", &[1, 16, 32, 32]);
    let pooled = w.max_pool(&x, 3, 2, 1);
    let global = w.global_average_pool(&x);
    let reduced = w.node("ReduceMean", &[&x], &[vec![1, 16, 1, 1]], vec![]);
    let moved = w.node("Transpose", &[&x], &[vec![32, 32, 16, 1]], vec![]);
    let joined = w.concat(&[&x, &x], 1);
    let flat = w.flatten(&global);
    let scores = w.softmax(&flat);
    let up = w.input("y", &[1, 18, 8, 8]);
    let filter = w.weight("deconv.weight", &[18, 32, 3, 3]);
    let deconv = w.node(
        "ConvTranspose",
        &[&up, &filter],
        &[vec![1, 32, 10, 10]],
        vec![],
    );
    for out in [
        &pooled,
        &reduced[0],
        &moved[0],
        &joined,
        &scores,
        &deconv[0],
    ] {
        w.output(out);
    }
    let e = Estimated::new(open("ops.onnx", w.finish()), TargetId::Ascend310, None);
    let input_elements = 16 * 32 * 32;
    // Pooling: output elements × window area (3×3 max pool, stride 2: 16×16×16 outputs).
    assert_eq!(e.cost_of("MaxPool").vector_ops, 16 * 16 * 16 * 9);
    // Global pooling and reductions: one operation per input element.
    assert_eq!(e.cost_of("GlobalAveragePool").vector_ops, input_elements);
    assert_eq!(e.cost_of("ReduceMean").vector_ops, input_elements);
    // Softmax: five operations per element.
    assert_eq!(e.cost_of("Softmax").vector_ops, 5 * 16);
    // Data movement: bytes only, read once and written once (fp16).
    let transpose = e.cost_of("Transpose");
    assert_eq!((transpose.vector_ops, transpose.macs), (0, 0));
    assert_eq!(transpose.bytes, 2 * input_elements * 2);
    assert_eq!(e.cost_of("Concat").bytes, 4 * input_elements * 2);
    // Shape-only ops run no kernel.
    assert_eq!(e.cost_of("Flatten").bound, Bound::None);
    assert_eq!(e.cost_of("Flatten").estimated_us, 0.0);
    // Transposed convolution: every input pixel scatters Cout × 3×3 MACs; Cin 18 pads to 32.
    let deconv = e.cost_of("ConvTranspose");
    assert_eq!(deconv.unpadded_macs, 64 * 18 * 32 * 9);
    assert_eq!(deconv.macs, 64 * (32 * 9) * 32);
}

/// x → conv (64 → 64, 3×3) → relu → output, with or without one UB group around the two.
fn conv_relu(fused: bool) -> Estimated {
    let mut w = OnnxWriter::new("conv_relu", storage());
    let x = w.input("x", &[1, 64, 56, 56]);
    let y = w.conv(&x, 64, 3, 1, 1, 1);
    let y = w.relu(&y);
    w.output(&y);
    let model = open("conv_relu.onnx", w.finish());
    let mut fusion = no_fusion(&model);
    if fused {
        let conv = model.graph.nodes.iter().position(|n| n.op_type == "Conv");
        let relu = model.graph.nodes.iter().position(|n| n.op_type == "Relu");
        let (Some(conv), Some(relu)) = (conv, relu) else {
            panic!("conv and relu");
        };
        fusion.groups.push(FusionGroup::new(
            FusionKind::Ub,
            "TbeConvElemwiseFusionPass",
            vec![conv, relu],
            0,
        ));
        fusion.group_of[conv] = Some(0);
        fusion.group_of[relu] = Some(0);
    }
    Estimated::new(model, TargetId::Ascend310, Some(fusion))
}

#[test]
fn a_fused_conv_relu_costs_less_than_the_two_apart() {
    let apart = conv_relu(false);
    let fused = conv_relu(true);
    assert_eq!(apart.cost.kernels.len(), 2);
    assert_eq!(fused.cost.kernels.len(), 1);
    let kernel = &fused.cost.kernels[0];
    assert_eq!(
        fused.cost.kernel_nodes(kernel),
        &[fused.node("Conv"), fused.node("Relu")]
    );
    assert_eq!(kernel.group, Some(0));
    // The intermediate 1×64×56×56 fp16 map is neither written nor read back.
    let intermediate = 64 * 56 * 56 * 2;
    let bytes = |e: &Estimated| e.cost.per_node.iter().map(|c| c.bytes).sum::<u64>();
    assert_eq!(bytes(&fused), bytes(&apart) - 2 * intermediate);
    assert!(
        fused.cost.total_us < apart.cost.total_us,
        "fused {} vs apart {}",
        fused.cost.total_us,
        apart.cost.total_us
    );
    // One launch instead of two, carried by the head; the members' shares add up to the kernel.
    let saved_launch = cost::kernel_overhead_us(&fused.target);
    assert!(apart.cost.total_us - fused.cost.total_us >= saved_launch - 1e-9);
    let conv = fused.cost_of("Conv");
    let relu = fused.cost_of("Relu");
    assert_eq!((conv.group, relu.group), (Some(0), Some(0)));
    assert!((conv.overhead_us - saved_launch).abs() < 1e-9);
    assert_eq!(relu.overhead_us, 0.0);
    assert!((conv.estimated_us + relu.estimated_us - kernel.estimated_us).abs() < 1e-9);
    assert!((fused.cost.total_us - kernel.estimated_us).abs() < 1e-9);
    assert!(fused
        .cost
        .notes
        .iter()
        .any(|n| n.contains("UB fusion groups")));
    // A group of L2 kind, or one naming nodes that are not there, changes nothing.
    let mut model_fusion = no_fusion(&apart.model);
    model_fusion
        .groups
        .push(FusionGroup::new(FusionKind::L2, "L2", vec![0, 1], 0));
    model_fusion
        .groups
        .push(FusionGroup::new(FusionKind::Ub, "bad ids", vec![1, 999], 0));
    let odd = cost::estimate(
        &apart.model.graph,
        &apart.units,
        &model_fusion,
        &apart.target,
    );
    assert_eq!(odd.total_us, apart.cost.total_us);
}

/// x [1, 64, 56, 56] → Pow(x, 2) → output.
fn pow_model() -> Model {
    let mut w = OnnxWriter::new("pow", storage());
    let x = w.input("x", &[1, 64, 56, 56]);
    let exponent = w.float_scalar("two", 2.0);
    let y = w.node("Pow", &[&x, &exponent], &[vec![1, 64, 56, 56]], vec![]);
    w.output(&y[0]);
    open("pow.onnx", w.finish())
}

#[test]
fn an_ai_cpu_node_costs_more_than_the_same_node_on_the_ai_core() {
    let on_310 = Estimated::new(pow_model(), TargetId::Ascend310, None);
    let pow = on_310.node("Pow");
    assert_eq!(on_310.units[pow].unit, ExecUnit::AiCpu);
    let cpu = on_310.cost.per_node[pow];
    assert_eq!(cpu.bound, Bound::AiCpu);
    assert!(cpu.estimated_us >= cost::AICPU_TASK_US);
    let elements = 64 * 56 * 56;
    // The AI CPU keeps float32: the input, the scalar exponent and the output, 4 bytes each.
    assert_eq!(cpu.bytes, elements * 4 + 4 + elements * 4);
    // Compute: one op per element on 4 AI CPU cores; copy: in and out, twice.
    let expected = cost::aicpu_us(&on_310.target, elements, cpu.bytes);
    assert!((cpu.estimated_us - expected).abs() < 1e-9);
    assert_eq!(
        cost::ai_core_unit(&on_310.model.graph, &on_310.units, pow, &on_310.target),
        ExecUnit::Vector
    );
    let core = cost::node_cost_on_ai_core(&on_310.model.graph, &on_310.units, pow, &on_310.target);
    assert_eq!(core.bound, Bound::Memory);
    assert!(
        cpu.estimated_us > 10.0 * (core.estimated_us - core.overhead_us),
        "AI CPU {} vs AI Core {} (of which {} fixed)",
        cpu.estimated_us,
        core.estimated_us,
        core.overhead_us
    );
    assert!(cpu.estimated_us > 5.0 * core.estimated_us);
    assert!(on_310.cost.notes.iter().any(|n| n.contains("AI CPU")));
    // The 910B has a Vector kernel for Pow: the estimate is already the AI Core one.
    let on_910b = Estimated::new(pow_model(), TargetId::Ascend910B, None);
    let node = on_910b.node("Pow");
    assert_eq!(on_910b.units[node].unit, ExecUnit::Vector);
    let core =
        cost::node_cost_on_ai_core(&on_910b.model.graph, &on_910b.units, node, &on_910b.target);
    assert_eq!(core, on_910b.cost.per_node[node]);
}

#[test]
fn the_roofline_picks_memory_for_elementwise_and_compute_for_a_big_conv() {
    let mut w = OnnxWriter::new("roofline", storage());
    let x = w.input("x", &[1, 256, 56, 56]);
    let y = w.conv(&x, 256, 3, 1, 1, 1);
    let y = w.relu(&y);
    w.output(&y);
    let model = open("roofline.onnx", w.finish());
    for target in TargetId::ALL {
        let e = Estimated::new(model.clone(), target, None);
        let conv = e.cost_of("Conv");
        let relu = e.cost_of("Relu");
        assert_eq!(conv.bound, Bound::Compute, "{target:?}: {conv:?}");
        assert!(conv.compute_us > conv.memory_us);
        assert!(
            (conv.estimated_us - conv.compute_us - conv.overhead_us).abs() < 1e-9,
            "{target:?}"
        );
        assert_eq!(relu.bound, Bound::Memory, "{target:?}: {relu:?}");
        assert!(relu.memory_us > relu.compute_us);
        // Relu reads and writes 256×56×56 fp16 values.
        assert_eq!(relu.bytes, 2 * 256 * 56 * 56 * 2);
        assert_eq!(relu.vector_ops, 256 * 56 * 56);
    }
}

#[test]
fn resnet50_counts_about_4_1_gmac_in_every_framework() {
    let onnx = Estimated::new(open("resnet50.onnx", resnet50()), TargetId::Ascend310, None);
    let tf = Estimated::new(
        open(
            "resnet50.pbtxt",
            tf_resnet50(TfWeights::Splat, true).text().into_bytes(),
        ),
        TargetId::Ascend310,
        None,
    );
    let caffe = Estimated::new(
        open(
            "ResNet-50.prototxt",
            caffe_resnet50().prototxt().into_bytes(),
        ),
        TargetId::Ascend310,
        None,
    );
    let ge = Estimated::new(
        open("resnet50.txt", ge_resnet50().to_text().into_bytes()),
        TargetId::Ascend310,
        None,
    );
    let macs = |e: &Estimated| e.cost.per_node.iter().map(|c| c.unpadded_macs).sum::<u64>();
    let padded = |e: &Estimated| e.cost.per_node.iter().map(|c| c.macs).sum::<u64>();
    // ResNet-50 v1.5 (stride on the 3×3 conv, as torchvision and TF-slim build it): 4.09 GMAC
    // including the 2048 × 1000 classifier.
    assert_eq!(macs(&onnx), 4_089_184_256);
    assert_eq!(macs(&tf), macs(&onnx));
    // Without `data_format` (stripped defaults), the HWIO weights still tell TF's NHWC layout.
    let mut stripped = tf.model.clone();
    for node in &mut stripped.graph.nodes {
        node.attrs.retain(|a| a.name != "data_format");
    }
    let stripped = Estimated::new(stripped, TargetId::Ascend310, None);
    assert_eq!(macs(&stripped), macs(&onnx));
    assert_eq!(stripped.cost.per_node, tf.cost.per_node);
    // Kaiming He's Caffe original strides the first 1×1 conv instead: 3.86 GMAC ("3.8 × 10⁹
    // FLOPs" in the ResNet paper's Table 1, which counts multiply-adds).
    assert!(
        (3.8e9..3.9e9).contains(&(macs(&caffe) as f64)),
        "{}",
        macs(&caffe)
    );
    // With padding, the stem's 3 input channels count as 16: +0.51 GMAC, and the rest as is.
    assert_eq!(padded(&onnx), 4_937_482_240);
    assert_eq!(padded(&tf), padded(&onnx));
    // The GE graph (after ATC) holds 5HD maps and FRACTAL_Z weights: the same padded work.
    assert_eq!(padded(&ge), padded(&onnx));
}

#[test]
fn mobilenet_v2_depthwise_work_agrees_across_frameworks() {
    let onnx = Estimated::new(
        open("mobilenet_v2.onnx", mobilenet_v2()),
        TargetId::Ascend310,
        None,
    );
    let tf = Estimated::new(
        open(
            "mobilenet_v2.pbtxt",
            tf_mobilenet_v2(TfWeights::Splat, true).text().into_bytes(),
        ),
        TargetId::Ascend310,
        None,
    );
    let ge = Estimated::new(
        open("mobilenet_v2.txt", ge_mobilenet_v2().to_text().into_bytes()),
        TargetId::Ascend310,
        None,
    );
    let macs = |e: &Estimated| e.cost.per_node.iter().map(|c| c.unpadded_macs).sum::<u64>();
    let padded = |e: &Estimated| e.cost.per_node.iter().map(|c| c.macs).sum::<u64>();
    // MobileNet v2 1.0 at 224×224: 0.30 GMAC.
    assert_eq!(macs(&onnx), 300_774_272);
    assert_eq!(macs(&tf), macs(&onnx));
    // Depthwise layers (ONNX group = C, TF HWC1 filters, GE C1HWNCoC0 filters) pad alike.
    assert_eq!(padded(&tf), padded(&onnx));
    assert_eq!(padded(&ge), padded(&onnx));
    assert!(padded(&onnx) > 2 * macs(&onnx));
}

#[test]
fn unknown_dims_count_as_one_and_say_so() {
    let build = |symbolic: bool| {
        let mut w = OnnxWriter::new("sym", storage());
        if symbolic {
            w = w.symbolic_batch("N");
        }
        let x = w.input("x", &[1, 16, 32, 32]);
        let y = w.conv(&x, 16, 3, 1, 1, 1);
        w.output(&y);
        Estimated::new(open("sym.onnx", w.finish()), TargetId::Ascend310, None)
    };
    let fixed = build(false);
    let symbolic = build(true);
    assert_eq!(fixed.cost.per_node, symbolic.cost.per_node);
    assert!(fixed.cost.notes.iter().all(|n| !n.contains("unknown dims")));
    assert!(
        symbolic
            .cost
            .notes
            .iter()
            .any(|n| n.contains("unknown dims")),
        "{:?}",
        symbolic.cost.notes
    );
}

#[test]
fn odd_graphs_cost_without_panicking() {
    let target = Target::default();
    // Empty graph.
    let empty = opscope_engine::ir::Graph::default();
    let cost = cost::estimate(&empty, &[], &Fusion::default(), &target);
    assert_eq!((cost.per_node.len(), cost.total_us), (0, 0.0));
    // Dangling tensor ids, a self-loop, no units at all, a group of unknown nodes.
    let mut model = conv_relu(false).model;
    model.graph.nodes[0].inputs.push(Some(12_345));
    model.graph.nodes[0].outputs.push(54_321);
    let first_output = model.graph.nodes[1].outputs[0];
    model.graph.nodes[1].inputs.push(Some(first_output));
    model.graph.relink();
    let fusion = Fusion {
        groups: vec![FusionGroup::new(
            FusionKind::Ub,
            "cycle",
            vec![1, 0, 1, 77],
            0,
        )],
        near_misses: Vec::new(),
        group_of: vec![Some(0); 1],
    };
    for units in [units::assign(&model, &target), Vec::new()] {
        let cost = cost::estimate(&model.graph, &units, &fusion, &target);
        assert_eq!(cost.per_node.len(), model.graph.nodes.len());
        assert!(cost.total_us.is_finite() && cost.total_us > 0.0);
        let profile = cost::estimated_profile(&model, &units, &cost);
        assert!(profile.is_estimate());
    }
    // Node ids out of range re-cost to nothing.
    let units = units::assign(&model, &target);
    let none = cost::node_cost_as(&model.graph, &units, 999, ExecUnit::Vector, &target);
    assert_eq!(none.estimated_us, 0.0);
    assert_eq!(
        cost::node_cost_with_channels(&model.graph, &units, 999, &target, 16, 16),
        None
    );
}
