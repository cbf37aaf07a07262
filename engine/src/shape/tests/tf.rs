//! TensorFlow rules with the attribute conventions of NodeDef: NHWC by default, `strides`/
//! `ksize`/`dilations` in data_format order, `padding` SAME/VALID/EXPLICIT, axes and shapes as
//! const inputs, `T`/`DstT`/`out_type` dtypes.

use expect_test::expect;

use super::check;
use crate::ir::ModelFormat;

fn tf(text: &str, expected: expect_test::Expect) {
    check(ModelFormat::Tensorflow, text, expected);
}

#[test]
fn conv2d_same_valid_explicit_nchw_and_depthwise() {
    tf(
        r#"
        input x: f32[N,7,7,32]
        weight w: f32[3,3,32,64]
        weight dw: f32[3,3,32,2]
        same = Conv2D(x, w) strides=[1,2,2,1] padding="SAME" data_format="NHWC"
        valid = Conv2D(x, w) strides=[1,2,2,1] padding="VALID"
        explicit = Conv2D(x, w) strides=[1,1,1,1] padding="EXPLICIT" explicit_paddings=[0,0,2,2,1,1,0,0]
        dilated = Conv2D(x, w) strides=[1,1,1,1] dilations=[1,2,2,1] padding="VALID"
        depthwise = DepthwiseConv2dNative(x, dw) strides=[1,2,2,1] padding="SAME"
        input nchw: f32[1,32,9,9]
        channels_first = Conv2D(nchw, w) strides=[1,1,2,2] padding="SAME" data_format="NCHW"
        const sizes: i32[4] = [1,14,14,32]
        input grad: f32[1,7,7,64]
        upsampled = Conv2DBackpropInput(sizes, w, grad) strides=[1,2,2,1] padding="SAME"
        "#,
        expect![[r#"
            x: f32[N,7,7,32]
            w: f32[3,3,32,64]
            dw: f32[3,3,32,2]
            same: f32[N,4,4,64]
            valid: f32[N,3,3,64]
            explicit: f32[N,9,7,64]
            dilated: f32[N,3,3,64]
            depthwise: f32[N,4,4,64]
            nchw: f32[1,32,9,9]
            channels_first: f32[1,64,5,5]
            sizes: i32[4] = [1, 14, 14, 32]
            grad: f32[1,7,7,64]
            upsampled: f32[1,14,14,32]
        "#]],
    );
}

#[test]
fn pools_in_both_layouts() {
    tf(
        r#"
        input x: f32[1,112,112,64]
        max_same = MaxPool(x) ksize=[1,3,3,1] strides=[1,2,2,1] padding="SAME"
        max_valid = MaxPool(x) ksize=[1,3,3,1] strides=[1,2,2,1] padding="VALID"
        input nchw: f32[1,64,7,7]
        avg = AvgPool(nchw) ksize=[1,1,7,7] strides=[1,1,1,1] padding="VALID" data_format="NCHW"
        "#,
        expect![[r#"
            x: f32[1,112,112,64]
            max_same: f32[1,56,56,64]
            max_valid: f32[1,55,55,64]
            nchw: f32[1,64,7,7]
            avg: f32[1,64,1,1]
        "#]],
    );
}

#[test]
fn reshape_from_shape_arithmetic() {
    // tf.reshape(x, [tf.shape(x)[0], -1]) and the Keras Flatten spelling with Prod.
    tf(
        r#"
        input x: f32[N,7,7,512]
        shape = Shape(x)
        const b0: i32[1] = [0]
        const b1: i32[1] = [1]
        const s1: i32[1] = [1]
        batch = StridedSlice(shape, b0, b1, s1) shrink_axis_mask=1
        const minus_one: i32[] = [-1]
        target = Pack(batch, minus_one) axis=0
        flat = Reshape(x, target)
        const e: i32[1] = [0]
        rest = StridedSlice(shape, b1, e, s1) end_mask=1
        const axis0: i32[] = [0]
        features = Prod(rest, axis0) keep_dims=false
        target2 = Pack(minus_one, features) axis=0
        flat2 = Reshape(x, target2)
        "#,
        expect![[r#"
            x: f32[N,7,7,512]
            shape: i32[4]
            b0: i32[1] = [0]
            b1: i32[1] = [1]
            s1: i32[1] = [1]
            batch: i32[]
            minus_one: i32[] = [-1]
            target: i32[2]
            flat: f32[N,25088]
            e: i32[1] = [0]
            rest: i32[3] = [7, 7, 512]
            axis0: i32[] = [0]
            features: i32[] = [25088]
            target2: i32[2] = [-1, 25088]
            flat2: f32[N,25088]
        "#]],
    );
}

#[test]
fn strided_slice_masks() {
    tf(
        r#"
        input x: f32[8,10,12,3]
        const b: i32[3] = [1,0,0]
        const e: i32[3] = [5,0,-1]
        const s: i32[3] = [2,1,1]
        // x[1:5:2, ..., :-1]: the ellipsis keeps the middle dims.
        ellipsis = StridedSlice(x, b, e, s) ellipsis_mask=2
        // x[:, tf.newaxis, 3] with begin/end masks on dim 0.
        const b2: i32[3] = [0,0,3]
        const e2: i32[3] = [0,0,4]
        const s2: i32[3] = [1,1,1]
        picked = StridedSlice(x, b2, e2, s2) begin_mask=1 end_mask=1 new_axis_mask=2 shrink_axis_mask=4
        // x[::-1]
        const b3: i32[1] = [0]
        const e3: i32[1] = [0]
        const s3: i32[1] = [-1]
        reversed = StridedSlice(x, b3, e3, s3) begin_mask=1 end_mask=1
        "#,
        expect![[r#"
            x: f32[8,10,12,3]
            b: i32[3] = [1, 0, 0]
            e: i32[3] = [5, 0, -1]
            s: i32[3] = [2, 1, 1]
            ellipsis: f32[2,10,12,2]
            b2: i32[3] = [0, 0, 3]
            e2: i32[3] = [0, 0, 4]
            s2: i32[3] = [1, 1, 1]
            picked: f32[8,1,12,3]
            b3: i32[1] = [0]
            e3: i32[1] = [0]
            s3: i32[1] = [-1]
            reversed: f32[8,10,12,3]
        "#]],
    );
}

/// Found by the `analyze_built` fuzz target: slicing a dim backwards clamped its start to
/// `0..=size - 1`, which panicked (min > max) on an empty dim, and a stated dim below zero
/// panicked the same way going forwards.
#[test]
fn strided_slice_of_an_empty_or_negative_dim_does_not_panic() {
    tf(
        r#"
        input x: f32[0,4]
        const b: i32[1] = [0]
        const e: i32[1] = [0]
        const s: i32[1] = [-1]
        reversed = StridedSlice(x, b, e, s) begin_mask=1 end_mask=1
        const s2: i32[1] = [1]
        const e2: i32[1] = [3]
        forward = StridedSlice(x, b, e2, s2)
        shape = Shape(x)
        const b3: i32[1] = [-1]
        const e3: i32[1] = [-3]
        last_dims_reversed = StridedSlice(shape, b3, e3, s)
        "#,
        expect![[r#"
            x: f32[0,4]
            b: i32[1] = [0]
            e: i32[1] = [0]
            s: i32[1] = [-1]
            reversed: f32[0,4]
            s2: i32[1] = [1]
            e2: i32[1] = [3]
            forward: f32[0,4]
            shape: i32[2] = [0, 4]
            b3: i32[1] = [-1]
            e3: i32[1] = [-3]
            last_dims_reversed: i32[2] = [4, 0]
        "#]],
    );
}

#[test]
fn shape_ops_with_const_inputs() {
    tf(
        r#"
        input x: f32[2,3,1,5]
        const dim: i32[] = [-1]
        expanded = ExpandDims(x, dim)
        squeezed = Squeeze(x) squeeze_dims=[2]
        const perm: i32[4] = [0,3,1,2]
        transposed = Transpose(x, perm)
        const axis: i32[] = [1]
        cat = ConcatV2(x, x, axis)
        packed = Pack(x, x, x) axis=1
        u0, u1 = Unpack(x) axis=0 num=2
        const paddings: i32[4,2] = [0,0,1,1,2,2,0,0]
        padded = Pad(x, paddings)
        const split_axis: i32[] = [3]
        p0, p1 = Split(split_axis, x) num_split=2
        const sizes: i32[3] = [1,-1,1]
        v0, v1, v2 = SplitV(x, sizes, split_axis)
        const reduce: i32[2] = [1,2]
        mean = Mean(x, reduce) keep_dims=true
        total = Sum(x, reduce)
        arg = ArgMax(x, axis)
        const k: i32[] = [2]
        top_v, top_i = TopKV2(x, k)
        const multiples: i32[4] = [1,2,1,1]
        tiled = Tile(x, multiples)
        const fill_dims: i32[2] = [3,4]
        const fill_value: f32[] = [0.5]
        filled = Fill(fill_dims, fill_value)
        as_int = Cast(x) DstT=dtype(i32)
        "#,
        expect![[r#"
            x: f32[2,3,1,5]
            dim: i32[] = [-1]
            expanded: f32[2,3,1,5,1]
            squeezed: f32[2,3,5]
            perm: i32[4] = [0, 3, 1, 2]
            transposed: f32[2,5,3,1]
            axis: i32[] = [1]
            cat: f32[2,6,1,5]
            packed: f32[2,3,3,1,5]
            u0: f32[3,1,5]
            u1: f32[3,1,5]
            paddings: i32[4,2] = [0, 0, 1, 1, 2, 2, 0, 0]
            padded: f32[2,5,5,5]
            split_axis: i32[] = [3]
            p0: f32[2,3,1,?]
            p1: f32[2,3,1,?]
            sizes: i32[3] = [1, -1, 1]
            v0: f32[2,3,1,1]
            v1: f32[2,3,1,3]
            v2: f32[2,3,1,1]
            reduce: i32[2] = [1, 2]
            mean: f32[2,1,1,5]
            total: f32[2,5]
            arg: i64[2,1,5]
            k: i32[] = [2]
            top_v: f32[2,3,1,2]
            top_i: i32[2,3,1,2]
            multiples: i32[4] = [1, 2, 1, 1]
            tiled: f32[2,6,1,5]
            fill_dims: i32[2] = [3, 4]
            fill_value: f32[] = [0.5]
            filled: f32[3,4]
            as_int: i32[2,3,1,5]
        "#]],
    );
}

#[test]
fn matmuls_resize_and_fused_batch_norm() {
    tf(
        r#"
        input a: f32[N,1024]
        weight w: f32[1000,1024]
        logits = MatMul(a, w) transpose_b=true
        input q: f32[B,8,S,64]
        input k: f32[1,8,S,64]
        scores = BatchMatMulV2(q, k) adj_y=true
        input img: f32[1,13,13,256]
        const size: i32[2] = [26,26]
        up = ResizeNearestNeighbor(img, size)
        weight scale: f32[256]
        weight offset: f32[256]
        weight mean: f32[256]
        weight var: f32[256]
        y, bm, bv, r1, r2, r3 = FusedBatchNormV3(img, scale, offset, mean, var) is_training=false
        "#,
        expect![[r#"
            a: f32[N,1024]
            w: f32[1000,1024]
            logits: f32[N,1000]
            q: f32[B,8,S,64]
            k: f32[1,8,S,64]
            scores: f32[B,8,S,S]
            img: f32[1,13,13,256]
            size: i32[2] = [26, 26]
            up: f32[1,26,26,256]
            scale: f32[256]
            offset: f32[256]
            mean: f32[256]
            var: f32[256]
            y: f32[1,13,13,256]
            bm: f32[256]
            bv: f32[256]
            r1: f32[256]
            r2: f32[256]
            r3: unknown?
            unknown: FusedBatchNormV3×1
        "#]],
    );
}

#[test]
fn const_placeholder_and_stated_output_shapes() {
    tf(
        r#"
        x = Placeholder() dtype=dtype(f32) shape=shape[?,224,224,3]
        c = Const() dtype=dtype(i32) value=tensor(i32[2]=[-1,150528])
        flat = Reshape(x, c)
        r = Relu(flat) _output_shapes=shapes[[?,150000]]
        s = Relu(flat) _output_shapes=shapes[[8,?]]
        "#,
        expect![[r#"
            x: f32[?,224,224,3]
            c: i32[2] = [-1, 150528]
            flat: f32[?,150528]
            r: f32[?,150000]
            s: f32[8,150528]
            mismatch: r (Relu) r: stated [?,150000], inferred [?,150528]
        "#]],
    );
}

#[test]
fn dilated_convolution_as_space_to_batch() {
    // tf.nn.atrous_conv2d(rate=2) in TF 1 graphs.
    tf(
        r#"
        input x: f32[1,64,64,8]
        const block: i32[2] = [2,2]
        const pads: i32[2,2] = [2,2,2,2]
        s2b = SpaceToBatchND(x, block, pads)
        weight w: f32[3,3,8,16]
        conv = Conv2D(s2b, w) strides=[1,1,1,1] padding="VALID"
        const crops: i32[2,2] = [0,0,0,0]
        b2s = BatchToSpaceND(conv, block, crops)
        "#,
        expect![[r#"
            x: f32[1,64,64,8]
            block: i32[2] = [2, 2]
            pads: i32[2,2] = [2, 2, 2, 2]
            s2b: f32[4,34,34,8]
            w: f32[3,3,8,16]
            conv: f32[4,32,32,16]
            crops: i32[2,2] = [0, 0, 0, 0]
            b2s: f32[1,64,64,16]
        "#]],
    );
}
