//! GE rules. GE dumps state most shapes in their descs; inference fills only the gaps, reads
//! GE's attribute spellings (`pads` as [top, bottom, left, right], `concat_dim`, `perm`,
//! `dst_type` as a `ge::DataType` number, "D" ops with their constant inputs as attributes) and
//! never touches nodes whose tensors are in fractal or 5-D layouts.

use expect_test::expect;

use super::check;
use crate::ir::ModelFormat;

fn ge(text: &str, expected: expect_test::Expect) {
    check(ModelFormat::Ge, text, expected);
}

#[test]
fn gaps_in_plain_layouts_are_filled() {
    ge(
        r#"
        input x: f16[1,3,224,224] @NCHW
        weight w: f16[64,3,7,7] @NCHW
        conv = Conv2D(x, w) strides=[1,1,2,2] pads=[3,3,3,3] dilations=[1,1,1,1] groups=1 data_format="NCHW"
        weight hwcn: f16[3,3,64,32] @HWCN
        conv2 = Conv2D(conv, hwcn) strides=[1,1,1,1] pads=[1,1,1,1] data_format="NCHW"
        pool = MaxPool(conv2) ksize=[1,1,3,3] strides=[1,1,2,2] padding="SAME" data_format="NCHW"
        pool3 = MaxPoolV3(conv2) ksize=[1,1,3,3] strides=[1,1,2,2] padding_mode="CALCULATED" pads=[1,1,1,1] ceil_mode=true data_format="NCHW"
        cat = ConcatD(pool, pool) concat_dim=1 N=2
        nhwc = TransposeD(cat) perm=[0,2,3,1]
        mean = ReduceMeanD(nhwc) axes=[1,2] keep_dims=false
        half = Cast(mean) dst_type=1
        weight fcw: f16[64,1000] @ND
        weight bad: f16[128,1000] @ND
        wrong = MatMulV2(half, bad)
        logits = MatMulV2(half, fcw) transpose_x1=false transpose_x2=false
        probs = SoftmaxV2(logits) axes=[-1]
        fc = FullyConnection(pool, w) num_output=10
        padded = PadD(pool) paddings=lists[[0,0],[0,0],[1,1],[2,2]]
        up = ResizeBilinearV2D(x) size=[448,448] align_corners=false
        unsure = ResizeBilinearV2D(pool) size=[112,112]
        "#,
        expect![[r#"
            x: f16[1,3,224,224]
            w: f16[64,3,7,7]
            conv: f16[1,64,112,112]
            hwcn: f16[3,3,64,32]
            conv2: f16[1,32,112,112]
            pool: f16[1,32,56,56]
            pool3: f16[1,32,57,57]
            cat: f16[1,64,56,56]
            nhwc: f16[1,56,56,64]
            mean: f16[1,64]
            half: f16[1,64]
            fcw: f16[64,1000]
            bad: f16[128,1000]
            wrong: f16?
            logits: f16[1,1000]
            probs: f16[1,1000]
            fc: f16[1,10]
            padded: f16[1,32,58,60]
            up: f16[1,3,448,448]
            unsure: f16?
            unknown: MatMulV2×1, ResizeBilinearV2D×1
        "#]],
    );
}

#[test]
fn fractal_layouts_are_left_alone_and_descs_win() {
    ge(
        r#"
        input x: f16[1,1,56,56,16] @NC1HWC0
        weight w: f16[9,4,16,16] @FRACTAL_Z
        conv = Conv2D(x, w) strides=[1,1,1,1] pads=[1,1,1,1] data_format="NCHW"
        input y: f32[1,64,56,56] @NCHW
        stated relu: f32[1,64,56,55] @NCHW
        relu = Relu(y)
        stated gap: f32[1,64,?,?] @NCHW
        gap = ReduceMeanD(relu) axes=[2,3] keep_dims=true
        "#,
        expect![[r#"
            x: f16[1,1,56,56,16]
            w: f16[9,4,16,16]
            conv: unknown?
            y: f32[1,64,56,56]
            relu: f32[1,64,56,55]
            gap: f32[1,64,1,1]
            unknown: Conv2D×1
            mismatch: relu (Relu) relu: stated [1,64,56,55], inferred [1,64,56,56]
        "#]],
    );
}
