//! Caffe rules with the Caffe importer's conventions: every `*_param` field is an attribute
//! named as in caffe.proto (repeated fields as lists, enums as their value names), bottoms are
//! the data inputs and parameter blobs ride along as weight inputs.

use expect_test::expect;

use super::check;
use crate::ir::ModelFormat;

fn caffe(text: &str, expected: expect_test::Expect) {
    check(ModelFormat::Caffe, text, expected);
}

#[test]
fn convolution_repeated_and_h_w_params() {
    caffe(
        r#"
        input data: f32[1,3,224,224]
        conv1 = Convolution(data) num_output=64 kernel_size=[7] pad=[3] stride=[2]
        rect = Convolution(data) num_output=8 kernel_h=3 kernel_w=5 pad_h=1 pad_w=2 stride_h=2 stride_w=1
        pair = Convolution(data) num_output=8 kernel_size=[3,1] pad=[1,0]
        dilated = Convolution(data) num_output=8 kernel_size=[3] dilation=[2] pad=[2] group=1
        dw = Convolution(conv1) num_output=64 group=64 kernel_size=[3] pad=[1] stride=[1] bias_term=false
        up = Deconvolution(conv1) num_output=21 kernel_size=[4] stride=[2] pad=[1]
        "#,
        expect![[r#"
            data: f32[1,3,224,224]
            conv1: f32[1,64,112,112]
            rect: f32[1,8,112,224]
            pair: f32[1,8,224,224]
            dilated: f32[1,8,224,224]
            dw: f32[1,64,112,112]
            up: f32[1,21,224,224]
        "#]],
    );
}

#[test]
fn pooling_rounds_up_unless_told_and_clips_with_padding() {
    caffe(
        r#"
        input data: f32[1,64,112,112]
        pool1 = Pooling(data) pool="MAX" kernel_size=3 stride=2
        padded = Pooling(data) pool="MAX" kernel_size=3 stride=2 pad=1
        input small: f32[1,1,5,5]
        clipped = Pooling(small) pool="MAX" kernel_size=2 stride=2 pad=1
        floor = Pooling(small) pool="MAX" kernel_size=2 stride=2 pad=1 round_mode="FLOOR"
        unpadded = Pooling(small) pool="AVE" kernel_size=1 stride=3
        rect = Pooling(data) pool="AVE" kernel_h=2 kernel_w=4 stride_h=2 stride_w=4
        global = Pooling(data) pool="AVE" global_pooling=true
        "#,
        expect![[r#"
            data: f32[1,64,112,112]
            pool1: f32[1,64,56,56]
            padded: f32[1,64,57,57]
            small: f32[1,1,5,5]
            clipped: f32[1,1,3,3]
            floor: f32[1,1,3,3]
            unpadded: f32[1,1,3,3]
            rect: f32[1,64,56,28]
            global: f32[1,64,1,1]
        "#]],
    );
}

#[test]
fn inner_product_flatten_reshape_permute() {
    caffe(
        r#"
        input data: f32[2,512,7,7]
        fc = InnerProduct(data) num_output=4096
        fc_axis2 = InnerProduct(data) num_output=10 axis=2
        flat = Flatten(data)
        flat_mid = Flatten(data) axis=1 end_axis=2
        reshaped = Reshape(data) shape=[0,-1]
        partial = Reshape(data) shape=[-1] axis=1 num_axes=2
        nhwc = Permute(data) order=[0,2,3,1]
        swapped = Permute(data) order=[1,0]
        "#,
        expect![[r#"
            data: f32[2,512,7,7]
            fc: f32[2,4096]
            fc_axis2: f32[2,512,10]
            flat: f32[2,25088]
            flat_mid: f32[2,3584,7]
            reshaped: f32[2,25088]
            partial: f32[2,3584,7]
            nhwc: f32[2,7,7,512]
            swapped: f32[512,2,7,7]
        "#]],
    );
}

#[test]
fn eltwise_concat_slice_split_crop() {
    caffe(
        r#"
        input a: f32[1,8,32,32]
        input b: f32[1,8,32,32]
        input small: f32[1,4,30,30]
        sum = Eltwise(a, b) operation="SUM"
        cat = Concat(a, b, small) axis=1
        cat_old = Concat(a, b) concat_dim=1
        s0, s1, s2 = Slice(a) slice_point=[2,5]
        h0, h1 = Slice(a) axis=2
        c0, c1 = Split(a)
        cropped = Crop(a, small) axis=2 offset=[1]
        scaled = Scale(a) bias_term=true
        normed = BatchNorm(a) use_global_stats=true
        relu = ReLU(normed)
        probs = Softmax(relu)
        dropped = Dropout(relu) dropout_ratio=0.5
        "#,
        expect![[r#"
            a: f32[1,8,32,32]
            b: f32[1,8,32,32]
            small: f32[1,4,30,30]
            sum: f32[1,8,32,32]
            cat: f32?
            cat_old: f32[1,16,32,32]
            s0: f32[1,2,32,32]
            s1: f32[1,3,32,32]
            s2: f32[1,3,32,32]
            h0: f32[1,8,16,32]
            h1: f32[1,8,16,32]
            c0: f32[1,8,32,32]
            c1: f32[1,8,32,32]
            cropped: f32[1,8,30,30]
            scaled: f32[1,8,32,32]
            normed: f32[1,8,32,32]
            relu: f32[1,8,32,32]
            probs: f32[1,8,32,32]
            dropped: f32[1,8,32,32]
            unknown: Concat×1
        "#]],
    );
}

#[test]
fn interp_cases_from_the_tuning_guide() {
    // The tuning guide's slow/fast pair: 175 → 350 given explicitly, 176 zoomed by 2 → 351
    // (`(dst - 1) / (src - 1)` whole); zooming 175 by 2 gives 349 in PSPNet's Interp.
    caffe(
        r#"
        input slow: f32[1,18,175,175]
        input fast: f32[1,18,176,176]
        explicit = Interp(slow) height=350 width=350
        zoomed_fast = Interp(fast) zoom_factor=2
        zoomed_slow = Interp(slow) zoom_factor=2
        shrunk = Interp(slow) shrink_factor=2
        both = Interp(fast) shrink_factor=2 zoom_factor=3
        cropped = Interp(fast) zoom_factor=2 pad_beg=-1 pad_end=-1
        like = Interp(slow, fast)
        segnet = Upsample(fast) scale_h=2 scale_w=2 pad_out_h=true
        explicit_up = Upsample(fast) upsample_h=300 upsample_w=400
        ge_up = Upsample(fast) scale=1.0 stride=2
        ambiguous = Upsample(fast) scale=2.0
        "#,
        expect![[r#"
            slow: f32[1,18,175,175]
            fast: f32[1,18,176,176]
            explicit: f32[1,18,350,350]
            zoomed_fast: f32[1,18,351,351]
            zoomed_slow: f32[1,18,349,349]
            shrunk: f32[1,18,88,88]
            both: f32[1,18,262,262]
            cropped: f32[1,18,347,347]
            like: f32[1,18,176,176]
            segnet: f32[1,18,351,352]
            explicit_up: f32[1,18,300,400]
            ge_up: f32[1,18,352,352]
            ambiguous: f32?
            unknown: Upsample×1
        "#]],
    );
}

#[test]
fn ssd_and_faster_rcnn_heads() {
    // SSD300: conv4_3 (38×38, 4 priors) and fc7 (19×19, 6 priors).
    caffe(
        r#"
        input conv4_3: f32[1,512,38,38]
        input fc7: f32[1,1024,19,19]
        input image: f32[1,3,300,300]
        p4 = PriorBox(conv4_3, image) min_size=[30.0] max_size=[60.0] aspect_ratio=[2.0] flip=true clip=false
        p7 = PriorBox(fc7, image) min_size=[60.0] max_size=[111.0] aspect_ratio=[2.0,3.0] flip=true
        no_flip = PriorBox(fc7, image) min_size=[60.0] aspect_ratio=[2.0,2.0,0.5] flip=false
        input loc: f32[1,34928]
        input conf: f32[1,183372]
        input priors: f32[1,2,34928]
        detections = DetectionOutput(loc, conf, priors) num_classes=21 keep_top_k=200
        input rpn_prob: f32[1,18,38,50]
        input rpn_bbox: f32[1,36,38,50]
        input im_info: f32[1,3]
        rois = Proposal(rpn_prob, rpn_bbox, im_info) post_nms_topn=300
        input features: f32[1,512,38,50]
        pooled = ROIPooling(features, rois) pooled_h=7 pooled_w=7 spatial_scale=0.0625
        best = ArgMax(features) top_k=5 out_max_val=true
        per_axis = ArgMax(features) axis=1
        loss = Reduction(features) operation="SUM" axis=1
        "#,
        expect![[r#"
            conv4_3: f32[1,512,38,38]
            fc7: f32[1,1024,19,19]
            image: f32[1,3,300,300]
            p4: f32[1,2,23104]
            p7: f32[1,2,8664]
            no_flip: f32[1,2,4332]
            loc: f32[1,34928]
            conf: f32[1,183372]
            priors: f32[1,2,34928]
            detections: f32[1,1,200,7]
            rpn_prob: f32[1,18,38,50]
            rpn_bbox: f32[1,36,38,50]
            im_info: f32[1,3]
            rois: f32[300,5]
            features: f32[1,512,38,50]
            pooled: f32[300,512,7,7]
            best: f32[1,2,5]
            per_axis: f32[1,1,38,50]
            loss: f32[1]
        "#]],
    );
}

#[test]
fn blob_shapes_are_sized_when_the_caffemodel_is_missing() {
    caffe(
        r#"
        input data: f32[1,3,32,32]
        weight conv/0: f32?
        weight conv/1: f32?
        conv = Convolution(data, conv/0, conv/1) num_output=16 kernel_size=[3] group=1
        weight dw/0: f32?
        dw = Convolution(conv, dw/0) num_output=16 kernel_size=[3] group=16 bias_term=false
        weight bn/0: f32?
        weight bn/1: f32?
        weight bn/2: f32?
        bn = BatchNorm(dw, bn/0, bn/1, bn/2)
        weight sc/0: f32?
        weight sc/1: f32?
        sc = Scale(bn, sc/0, sc/1) bias_term=true
        weight fc/0: f32?
        weight fc/1: f32?
        fc = InnerProduct(sc, fc/0, fc/1) num_output=10
        weight up/0: f32?
        up = Deconvolution(sc, up/0) num_output=16 group=16 kernel_size=[4] stride=[2] pad=[1] bias_term=false
        weight known/0: f32[8,3,1,1]
        weight known/1: f32?
        known = Convolution(data, known/0, known/1) num_output=8 kernel_size=[1]
        "#,
        expect![[r#"
            data: f32[1,3,32,32]
            conv/0: f32[16,3,3,3]
            conv/1: f32[16]
            conv: f32[1,16,30,30]
            dw/0: f32[16,1,3,3]
            dw: f32[1,16,28,28]
            bn/0: f32[16]
            bn/1: f32[16]
            bn/2: f32[1]
            bn: f32[1,16,28,28]
            sc/0: f32[16]
            sc/1: f32[16]
            sc: f32[1,16,28,28]
            fc/0: f32[10,12544]
            fc/1: f32[10]
            fc: f32[1,10]
            up/0: f32[16,1,4,4]
            up: f32[1,16,56,56]
            known/0: f32[8,3,1,1]
            known/1: f32[8]
            known: f32[1,8,32,32]
        "#]],
    );
}
