//! ONNX rules: attribute conventions of the ONNX operator specs, opset differences, padding
//! modes, broadcasting, Reshape's 0/-1, the Shape → Gather → Concat → Reshape chains PyTorch
//! exports, and transformer blocks.

use expect_test::expect;

use super::check;
use crate::ir::ModelFormat;

fn onnx(text: &str, expected: expect_test::Expect) {
    check(ModelFormat::Onnx, text, expected);
}

#[test]
fn conv_padding_modes_groups_and_symbolic_batch() {
    onnx(
        r#"
        input x: f32[N,3,224,224]
        weight w: f32[64,3,7,7]
        weight dw: f32[64,1,3,3]
        y = Conv(x, w) kernel_shape=[7,7] strides=[2,2] pads=[3,3,3,3]
        same = Conv(y, dw) group=64 auto_pad="SAME_UPPER" strides=[2,2]
        valid = Conv(y, dw) group=64 auto_pad="VALID" strides=[2,2]
        dilated = Conv(y, dw) group=64 dilations=[2,2] pads=[2,2,2,2]
        input odd: f32[1,64,7,?]
        odd_same = Conv(odd, dw) group=64 auto_pad="SAME_LOWER" strides=[2,2]
        "#,
        expect![[r#"
            x: f32[N,3,224,224]
            w: f32[64,3,7,7]
            dw: f32[64,1,3,3]
            y: f32[N,64,112,112]
            same: f32[N,64,56,56]
            valid: f32[N,64,55,55]
            dilated: f32[N,64,112,112]
            odd: f32[1,64,7,?]
            odd_same: f32[1,64,4,?]
        "#]],
    );
}

#[test]
fn conv_transpose_output_padding_and_output_shape() {
    onnx(
        r#"
        input x: f32[1,16,14,14]
        weight w: f32[16,4,3,3]
        up = ConvTranspose(x, w) strides=[2,2] pads=[1,1,1,1] output_padding=[1,1] group=2
        fixed = ConvTranspose(x, w) strides=[2,2] output_shape=[30,30]
        same = ConvTranspose(x, w) strides=[2,2] auto_pad="SAME_UPPER"
        "#,
        expect![[r#"
            x: f32[1,16,14,14]
            w: f32[16,4,3,3]
            up: f32[1,8,28,28]
            fixed: f32[1,4,30,30]
            same: f32[1,4,28,28]
        "#]],
    );
}

#[test]
fn pooling_floor_ceil_by_opset_and_global() {
    onnx(
        r#"
        opset 13
        input x: f32[1,8,112,112]
        input small: f32[1,1,5,5]
        pool = MaxPool(x) kernel_shape=[3,3] strides=[2,2] pads=[1,1,1,1]
        floor = MaxPool(small) kernel_shape=[2,2] strides=[2,2] pads=[1,1,1,1]
        ceil = MaxPool(small) kernel_shape=[2,2] strides=[2,2] pads=[1,1,1,1] ceil_mode=1
        avg, idx = MaxPool(x) kernel_shape=[2,2] strides=[2,2] auto_pad="SAME_UPPER"
        gap = GlobalAveragePool(x)
        "#,
        expect![[r#"
            x: f32[1,8,112,112]
            small: f32[1,1,5,5]
            pool: f32[1,8,56,56]
            floor: f32[1,1,3,3]
            ceil: f32[1,1,4,4]
            avg: f32[1,8,56,56]
            idx: i64[1,8,56,56]
            gap: f32[1,8,1,1]
        "#]],
    );
    // From opset 22 a window that would start in the end padding is dropped.
    onnx(
        r#"
        opset 22
        input small: f32[1,1,5,5]
        ceil = MaxPool(small) kernel_shape=[2,2] strides=[2,2] pads=[1,1,1,1] ceil_mode=1
        no_pad = AveragePool(small) kernel_shape=[1,1] strides=[3,3] ceil_mode=1
        "#,
        expect![[r#"
            small: f32[1,1,5,5]
            ceil: f32[1,1,3,3]
            no_pad: f32[1,1,2,2]
        "#]],
    );
}

#[test]
fn broadcasting_comparisons_and_where() {
    onnx(
        r#"
        input a: f32[N,1,4]
        input b: f32[3,1]
        input c: f32[2,1]
        input s: f32[]
        sum = Add(a, b)
        scaled = Mul(a, s)
        bad = Add(b, c)
        many = Sum(a, b, s)
        mask = Less(a, b)
        picked = Where(mask, a, b)
        "#,
        expect![[r#"
            a: f32[N,1,4]
            b: f32[3,1]
            c: f32[2,1]
            s: f32[]
            sum: f32[N,3,4]
            scaled: f32[N,1,4]
            bad: f32?
            many: f32[N,3,4]
            mask: bool[N,3,4]
            picked: f32[N,3,4]
            unknown: Add×1
        "#]],
    );
}

#[test]
fn reshape_zero_and_minus_one_with_allowzero() {
    onnx(
        r#"
        input x: f32[N,512,7,7]
        const flat: i64[2] = [0,-1]
        const split: i64[4] = [0,8,-1,49]
        const zeros: i64[3] = [0,512,49]
        input unknown_target: i64[3]
        a = Reshape(x, flat)
        b = Reshape(x, split)
        c = Reshape(x, zeros) allowzero=1
        d = Reshape(x, unknown_target)
        "#,
        expect![[r#"
            x: f32[N,512,7,7]
            flat: i64[2] = [0, -1]
            split: i64[4] = [0, 8, -1, 49]
            zeros: i64[3] = [0, 512, 49]
            unknown_target: i64[3]
            a: f32[N,25088]
            b: f32[N,8,64,49]
            c: f32[0,512,49]
            d: f32[?,?,?]
        "#]],
    );
}

#[test]
fn pytorch_flatten_chain_keeps_the_batch_symbol() {
    // x.view(x.size(0), -1) as torch.onnx exports it.
    onnx(
        r#"
        opset 13
        input x: f32[N,256,6,6]
        const zero: i64[] = [0]
        const axes: i64[1] = [0]
        const minus_one: i64[1] = [-1]
        shape = Shape(x)
        batch = Gather(shape, zero) axis=0
        batch1 = Unsqueeze(batch, axes)
        target = Concat(batch1, minus_one) axis=0
        flat = Reshape(x, target)
        size = Size(x)
        "#,
        expect![[r#"
            x: f32[N,256,6,6]
            zero: i64[] = [0]
            axes: i64[1] = [0]
            minus_one: i64[1] = [-1]
            shape: i64[4]
            batch: i64[]
            batch1: i64[1]
            target: i64[2]
            flat: f32[N,9216]
            size: i64[]
        "#]],
    );
    // With a static batch every value is known and lands in `Tensor::value`.
    onnx(
        r#"
        input x: f32[2,256,6,6]
        const zero: i64[] = [0]
        const minus_one: i64[1] = [-1]
        shape = Shape(x)
        tail = Slice(shape, one, end)
        const one: i64[1] = [1]
        const end: i64[1] = [9223372036854775807]
        batch = Gather(shape, zero) axis=0
        batch1 = Unsqueeze(batch) axes=[0]
        target = Concat(batch1, minus_one) axis=0
        flat = Reshape(x, target)
        twice = Mul(batch, batch)
        "#,
        expect![[r#"
            x: f32[2,256,6,6]
            zero: i64[] = [0]
            minus_one: i64[1] = [-1]
            shape: i64[4] = [2, 256, 6, 6]
            one: i64[1] = [1]
            end: i64[1] = [9223372036854775807]
            tail: i64[3] = [256, 6, 6]
            batch: i64[] = [2]
            batch1: i64[1] = [2]
            target: i64[2] = [2, -1]
            flat: f32[2,9216]
            twice: i64[] = [4]
        "#]],
    );
}

#[test]
fn squeeze_unsqueeze_axes_by_opset_and_negative_axes() {
    onnx(
        r#"
        opset 11
        input x: f32[1,3,1,5]
        all = Squeeze(x)
        some = Squeeze(x) axes=[-2]
        grown = Unsqueeze(x) axes=[0,-1]
        "#,
        expect![[r#"
            x: f32[1,3,1,5]
            all: f32[3,5]
            some: f32[1,3,5]
            grown: f32[1,1,3,1,5,1]
        "#]],
    );
    onnx(
        r#"
        opset 13
        input x: f32[N,3,1,5]
        const axes: i64[1] = [2]
        input dynamic_axes: i64[1]
        some = Squeeze(x, axes)
        unsure = Squeeze(x)
        grown = Unsqueeze(x, axes)
        lost = Unsqueeze(x, dynamic_axes)
        "#,
        expect![[r#"
            x: f32[N,3,1,5]
            axes: i64[1] = [2]
            dynamic_axes: i64[1]
            some: f32[N,3,5]
            unsure: f32?
            grown: f32[N,3,1,1,5]
            lost: f32?
            unknown: Squeeze×1, Unsqueeze×1
        "#]],
    );
}

#[test]
fn transpose_flatten_depth_to_space() {
    onnx(
        r#"
        input x: f32[2,3,4,5]
        reversed = Transpose(x)
        perm = Transpose(x) perm=[0,2,3,1]
        f0 = Flatten(x) axis=0
        f2 = Flatten(x) axis=-2
        f4 = Flatten(x) axis=4
        input y: f32[1,16,8,8]
        d2s = DepthToSpace(y) blocksize=2
        s2d = SpaceToDepth(y) blocksize=4
        "#,
        expect![[r#"
            x: f32[2,3,4,5]
            reversed: f32[5,4,3,2]
            perm: f32[2,4,5,3]
            f0: f32[1,120]
            f2: f32[6,20]
            f4: f32[120,1]
            y: f32[1,16,8,8]
            d2s: f32[1,4,16,16]
            s2d: f32[1,256,2,2]
        "#]],
    );
}

#[test]
fn concat_split_and_slice() {
    onnx(
        r#"
        opset 13
        input a: f32[1,8,4]
        input b: f32[1,?,4]
        input c: f32[1,3,4]
        cat = Concat(a, c) axis=-2
        partial = Concat(a, b) axis=1
        const sizes: i64[2] = [2,6]
        s0, s1 = Split(a, sizes) axis=1
        e0, e1, e2, e3 = Split(a) axis=1
        const starts: i64[2] = [1,-3]
        const ends: i64[2] = [9223372036854775807,-1]
        const axes: i64[2] = [1,2]
        const steps: i64[2] = [2,1]
        sl = Slice(a, starts, ends, axes, steps)
        const rs: i64[1] = [-1]
        const re: i64[1] = [-9223372036854775807]
        const rstep: i64[1] = [-1]
        const ax: i64[1] = [1]
        reversed = Slice(a, rs, re, ax, rstep)
        "#,
        expect![[r#"
            a: f32[1,8,4]
            b: f32[1,?,4]
            c: f32[1,3,4]
            cat: f32[1,11,4]
            partial: f32[1,?,4]
            sizes: i64[2] = [2, 6]
            s0: f32[1,2,4]
            s1: f32[1,6,4]
            e0: f32[1,2,4]
            e1: f32[1,2,4]
            e2: f32[1,2,4]
            e3: f32[1,2,4]
            starts: i64[2] = [1, -3]
            ends: i64[2] = [9223372036854775807, -1]
            axes: i64[2] = [1, 2]
            steps: i64[2] = [2, 1]
            sl: f32[1,4,2]
            rs: i64[1] = [-1]
            re: i64[1] = [-9223372036854775807]
            rstep: i64[1] = [-1]
            ax: i64[1] = [1]
            reversed: f32[1,8,4]
        "#]],
    );
    onnx(
        r#"
        opset 9
        input x: f32[10,20]
        old_slice = Slice(x) starts=[2] ends=[-2] axes=[1]
        old_split_a, old_split_b = Split(x) axis=0 split=[3,7]
        "#,
        expect![[r#"
            x: f32[10,20]
            old_slice: f32[10,16]
            old_split_a: f32[3,20]
            old_split_b: f32[7,20]
        "#]],
    );
    // Opset 18 `num_outputs`: equal parts, the last one smaller.
    onnx(
        r#"
        opset 18
        input x: f32[1,10]
        p0, p1, p2 = Split(x) axis=1 num_outputs=3
        "#,
        expect![[r#"
            x: f32[1,10]
            p0: f32[1,4]
            p1: f32[1,4]
            p2: f32[1,2]
        "#]],
    );
}

#[test]
fn pad_resize_and_upsample() {
    onnx(
        r#"
        opset 11
        input x: f32[1,3,10,10]
        const pads: i64[8] = [0,0,1,2,0,0,3,4]
        padded = Pad(x, pads)
        const roi: f32[0] = []
        const scales: f32[4] = [1.0,1.0,2.0,0.5]
        const sizes: i64[4] = [1,3,32,17]
        scaled = Resize(x, roi, scales)
        sized = Resize(x, roi, _, sizes)
        "#,
        expect![[r#"
            x: f32[1,3,10,10]
            pads: i64[8] = [0, 0, 1, 2, 0, 0, 3, 4]
            padded: f32[1,3,14,16]
            roi: f32[0] = []
            scales: f32[4] = [1, 1, 2, 0.5]
            sizes: i64[4] = [1, 3, 32, 17]
            scaled: f32[1,3,20,5]
            sized: f32[1,3,32,17]
        "#]],
    );
    onnx(
        r#"
        opset 2
        input x: f32[1,3,10,10]
        padded = Pad(x) pads=[0,0,-1,-1,0,0,-1,-1]
        up = Upsample(x) scales=[1.0,1.0,2.0,2.0]
        "#,
        expect![[r#"
            x: f32[1,3,10,10]
            padded: f32[1,3,8,8]
            up: f32[1,3,20,20]
        "#]],
    );
    onnx(
        r#"
        opset 10
        input x: f32[1,3,10,10]
        const scales: f32[4] = [1.0,1.0,1.5,1.5]
        r = Resize(x, scales)
        "#,
        expect![[r#"
            x: f32[1,3,10,10]
            scales: f32[4] = [1, 1, 1.5, 1.5]
            r: f32[1,3,15,15]
        "#]],
    );
}

#[test]
fn matmul_batch_broadcasting_and_gemm() {
    onnx(
        r#"
        input a: f32[8,1,64,32]
        input b: f32[12,32,16]
        input v: f32[32]
        input m: f32[32,10]
        batched = MatMul(a, b)
        vec_mat = MatMul(v, m)
        mat_vec = MatMul(a, v)
        input x: f32[N,2048]
        weight w: f32[1000,2048]
        weight bias: f32[1000]
        fc = Gemm(x, w, bias) transB=1
        input xt: f32[2048,N]
        fct = Gemm(xt, w, bias) transA=1 transB=1
        "#,
        expect![[r#"
            a: f32[8,1,64,32]
            b: f32[12,32,16]
            v: f32[32]
            m: f32[32,10]
            batched: f32[8,12,64,16]
            vec_mat: f32[10]
            mat_vec: f32[8,1,64]
            x: f32[N,2048]
            w: f32[1000,2048]
            bias: f32[1000]
            fc: f32[N,1000]
            xt: f32[2048,N]
            fct: f32[N,1000]
        "#]],
    );
}

#[test]
fn reductions_arg_max_and_top_k() {
    onnx(
        r#"
        opset 13
        input x: f32[2,3,4]
        mean = ReduceMean(x) axes=[-1] keepdims=0
        all = ReduceMax(x)
        const axes: i64[1] = [1]
        sum = ReduceSum(x, axes)
        noop = ReduceSum(x) noop_with_empty_axes=1
        arg = ArgMax(x) axis=2 keepdims=0
        const k: i64[1] = [2]
        values, indices = TopK(x, k) axis=1
        "#,
        expect![[r#"
            x: f32[2,3,4]
            mean: f32[2,3]
            all: f32[1,1,1]
            axes: i64[1] = [1]
            sum: f32[2,1,4]
            noop: f32[2,3,4]
            arg: i64[2,3]
            k: i64[1] = [2]
            values: f32[2,2,4]
            indices: i64[2,2,4]
        "#]],
    );
}

#[test]
fn transformer_block_with_dynamic_sequence() {
    // Embedding, LayerNorm, a fused QKV projection split in three, heads via Reshape +
    // Transpose(0,2,1,3), attention MatMuls and Softmax.
    onnx(
        r#"
        opset 13
        input ids: i64[B,S]
        weight table: f32[30522,768]
        embedded = Gather(table, ids) axis=0
        weight gamma: f32[768]
        weight beta: f32[768]
        normed, mean, inv_std = LayerNormalization(embedded, gamma, beta) axis=-1
        weight wqkv: f32[768,2304]
        qkv = MatMul(normed, wqkv)
        const parts: i64[3] = [768,768,768]
        q, k, v = Split(qkv, parts) axis=-1
        const heads: i64[4] = [0,0,12,64]
        q4 = Reshape(q, heads)
        k4 = Reshape(k, heads)
        qh = Transpose(q4) perm=[0,2,1,3]
        kt = Transpose(k4) perm=[0,2,3,1]
        scores = MatMul(qh, kt)
        probs = Softmax(scores) axis=-1
        ids_f = Cast(ids) to=1
        mask = Equal(ids, ids)
        "#,
        expect![[r#"
            ids: i64[B,S]
            table: f32[30522,768]
            embedded: f32[B,S,768]
            gamma: f32[768]
            beta: f32[768]
            normed: f32[B,S,768]
            mean: f32[B,S,1]
            inv_std: f32[B,S,1]
            wqkv: f32[768,2304]
            qkv: f32[B,S,2304]
            parts: i64[3] = [768, 768, 768]
            q: f32[B,S,768]
            k: f32[B,S,768]
            v: f32[B,S,768]
            heads: i64[4] = [0, 0, 12, 64]
            q4: f32[B,S,12,64]
            k4: f32[B,S,12,64]
            qh: f32[B,12,S,64]
            kt: f32[B,12,64,S]
            scores: f32[B,12,S,S]
            probs: f32[B,12,S,S]
            ids_f: f32[B,S]
            mask: bool[B,S]
        "#]],
    );
}

#[test]
fn expand_tile_range_constant_of_shape_and_non_zero() {
    onnx(
        r#"
        input x: f32[3,1]
        const to: i64[3] = [2,1,6]
        expanded = Expand(x, to)
        const reps: i64[2] = [2,3]
        tiled = Tile(x, reps)
        const start: i64[] = [0]
        const limit: i64[] = [10]
        const delta: i64[] = [3]
        r = Range(start, limit, delta)
        filled = ConstantOfShape(to) value=tensor(i64[1]=[7])
        zeros = ConstantOfShape(reps)
        nz = NonZero(x)
        c = Constant() value_ints=[4,5]
        "#,
        expect![[r#"
            x: f32[3,1]
            to: i64[3] = [2, 1, 6]
            expanded: f32[2,3,6]
            reps: i64[2] = [2, 3]
            tiled: f32[6,3]
            start: i64[] = [0]
            limit: i64[] = [10]
            delta: i64[] = [3]
            r: i64[4] = [0, 3, 6, 9]
            filled: i64[2,1,6]
            zeros: f32[2,3]
            nz: i64[2,?]
            c: i64[2] = [4, 5]
        "#]],
    );
}

#[test]
fn if_takes_what_both_branches_agree_on() {
    onnx(
        r#"
        input x: f32[1,4]
        input cond: bool[]
        subgraph then {
        a = Relu(x)
        output a
        }
        subgraph else {
        const shape: i64[2] = [1,-1]
        b = Reshape(x, shape)
        output b
        }
        y = If(cond) then_branch=graph(then) else_branch=graph(else)
        "#,
        expect![[r#"
            x: f32[1,4]
            cond: bool[]
            y: f32[1,4]
            subgraph #0 then_branch:
              x: f32[1,4]
              a: f32[1,4]
            subgraph #1 else_branch:
              shape: i64[2] = [1, -1]
              x: f32[1,4]
              b: f32[1,4]
        "#]],
    );
}

#[test]
fn recurrent_layers_in_both_layouts() {
    onnx(
        r#"
        input x: f32[T,B,32]
        weight w: f32[2,512,32]
        weight r: f32[2,512,128]
        y, y_h, y_c = LSTM(x, w, r) hidden_size=128 direction="bidirectional"
        input xb: f32[B,T,32]
        weight gw: f32[1,384,32]
        weight gr: f32[1,384,128]
        g, g_h = GRU(xb, gw, gr) layout=1
        "#,
        expect![[r#"
            x: f32[T,B,32]
            w: f32[2,512,32]
            r: f32[2,512,128]
            y: f32[T,2,B,128]
            y_h: f32[2,B,128]
            y_c: f32[2,B,128]
            xb: f32[B,T,32]
            gw: f32[1,384,32]
            gr: f32[1,384,128]
            g: f32[B,T,1,128]
            g_h: f32[B,1,128]
        "#]],
    );
}
