//! Joining and cutting along an axis: Concat (ONNX attr, TF ConcatV2/Concat axis inputs, GE
//! ConcatD/ConcatV2D attrs, Caffe `axis`/`concat_dim`), Pack/Unpack, Split/SplitV (sizes from
//! attrs or inputs, equal parts otherwise), Caffe Slice (`slice_point`) and Split, Slice (ONNX
//! starts/ends/axes/steps as attrs or inputs, TF begin/size) and TF StridedSlice with its masks.
//! Small integer contents are concatenated and sliced too (shape arithmetic).

use super::ctx::{Ctx, Fact};
use super::dims;
use super::rules::Rows;
use crate::ir::{ConstValue, Dim, Shape};

pub(crate) const ONNX: Rows = &[
    (&["Concat"], onnx_concat),
    (&["Split"], onnx_split),
    (&["Slice"], onnx_slice),
];

pub(crate) const TF: Rows = &[
    (&["ConcatV2"], tf_concat_v2),
    (&["Concat"], tf_concat),
    (&["Pack"], pack),
    (&["Unpack"], unpack),
    (&["Split"], tf_split),
    (&["SplitV"], tf_split_v),
    (&["Slice"], tf_slice),
    (&["StridedSlice"], tf_strided_slice),
];

pub(crate) const CAFFE: Rows = &[
    (&["Concat"], caffe_concat),
    (&["Slice"], caffe_slice),
    (&["Split"], caffe_split),
];

pub(crate) const GE: Rows = &[
    (&["ConcatD", "ConcatV2D"], ge_concat_d),
    (&["ConcatV2"], tf_concat_v2),
    (&["Concat"], tf_concat),
    (&["Pack"], pack),
    (&["Unpack"], unpack),
    (&["SplitD"], ge_split_d),
    (&["SplitVD"], ge_split_vd),
    (&["Split"], tf_split),
    (&["SplitV"], tf_split_v),
    (&["SliceD"], ge_slice_d),
    (&["Slice"], tf_slice),
    (&["StridedSliceD"], ge_strided_slice_d),
    (&["StridedSlice"], tf_strided_slice),
];

/// Concatenation of the inputs in `slots` along `axis`; also concatenates 1-D contents.
fn concat(ctx: &Ctx, slots: &[usize], axis: Option<i64>) -> Vec<Fact> {
    let dtype = slots.first().map(|&s| ctx.dtype(s)).unwrap_or_default();
    let shape = (|| {
        let shapes = slots
            .iter()
            .map(|&s| ctx.dims(s))
            .collect::<Option<Vec<_>>>()?;
        let rank = shapes.first()?.len();
        if shapes.iter().any(|s| s.len() != rank) {
            return None;
        }
        let axis = dims::axis(axis?, rank)?;
        let mut out = Vec::with_capacity(rank);
        for idx in 0..rank {
            out.push(if idx == axis {
                dims::sum(shapes.iter().map(|s| &s[idx]))
            } else {
                // Every input has the same size here: take a known one, and give up when two
                // known sizes disagree (the file is inconsistent).
                let mut known = shapes
                    .iter()
                    .map(|s| &s[idx])
                    .filter(|d| d.known().is_some());
                match known.next() {
                    Some(first) if known.all(|d| d == first) => first.clone(),
                    Some(_) => return None,
                    None => shapes[0][idx].clone(),
                }
            });
        }
        Some(out)
    })();
    let value = match shape.as_deref() {
        Some([_]) => slots
            .iter()
            .map(|&s| ctx.value(s))
            .collect::<Option<Vec<_>>>()
            .map(|parts| parts.concat())
            .filter(|v| v.len() <= ConstValue::MAX_ELEMENTS),
        _ => None,
    };
    vec![Fact {
        dtype,
        shape: shape.map(Shape),
        value,
    }]
}

fn present(ctx: &Ctx, range: std::ops::Range<usize>) -> Vec<usize> {
    range.filter(|&idx| ctx.tensor(idx).is_some()).collect()
}

fn onnx_concat(ctx: &Ctx) -> Vec<Fact> {
    concat(ctx, &present(ctx, 0..ctx.n_inputs()), ctx.attr_int("axis"))
}

/// TF ConcatV2: values, then the axis.
fn tf_concat_v2(ctx: &Ctx) -> Vec<Fact> {
    let n = ctx.n_inputs();
    if n < 2 {
        return Vec::new();
    }
    concat(ctx, &present(ctx, 0..n - 1), ctx.value_int(n - 1))
}

/// TF Concat (v1): the axis, then the values.
fn tf_concat(ctx: &Ctx) -> Vec<Fact> {
    concat(ctx, &present(ctx, 1..ctx.n_inputs()), ctx.value_int(0))
}

fn ge_concat_d(ctx: &Ctx) -> Vec<Fact> {
    let axis = ctx.attr_int("concat_dim").or_else(|| ctx.attr_int("axis"));
    concat(ctx, &present(ctx, 0..ctx.n_inputs()), axis)
}

/// Caffe Concat: `axis` (default 1), or the legacy `concat_dim`.
fn caffe_concat(ctx: &Ctx) -> Vec<Fact> {
    let axis = ctx
        .attr_int("axis")
        .or_else(|| ctx.attr_int("concat_dim"))
        .unwrap_or(1);
    concat(ctx, &ctx.data_inputs(), Some(axis))
}

/// TF/GE Pack: N tensors of one shape stacked along a new `axis`.
fn pack(ctx: &Ctx) -> Vec<Fact> {
    let slots = present(ctx, 0..ctx.n_inputs());
    let shape = (|| {
        let x = slots.iter().find_map(|&s| ctx.dims(s))?;
        let axis = dims::axis(ctx.attr_int("axis").unwrap_or(0), x.len() + 1)?;
        let mut out = x.to_vec();
        out.insert(axis, Dim::Known(slots.len() as i64));
        Some(out)
    })();
    // Stacking scalars gives a vector: `tf.stack([batch, -1])` feeding a Reshape.
    let value = match shape.as_deref() {
        Some([_]) => slots
            .iter()
            .map(|&s| match ctx.value(s)?.as_slice() {
                [v] => Some(v.clone()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>(),
        _ => None,
    };
    vec![Fact {
        dtype: ctx.first_dtype(),
        shape: shape.map(Shape),
        value,
    }]
}

/// TF/GE Unpack: `num` outputs, each without dim `axis`.
fn unpack(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let axis = dims::axis(ctx.attr_int("axis").unwrap_or(0), x.len())?;
        let mut out = x.to_vec();
        out.remove(axis);
        Some(Shape(out))
    })();
    let value = ctx.value(0).filter(|v| v.len() == ctx.n_outputs());
    (0..ctx.n_outputs())
        .map(|idx| Fact {
            dtype: ctx.first_dtype(),
            shape: shape.clone(),
            value: value.as_ref().map(|v| vec![v[idx].clone()]),
        })
        .collect()
}

/// How `split` cuts when no sizes are given.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Equal {
    /// Equal parts; a dim that does not divide is an error in the file (unknown).
    Exact,
    /// Equal parts with a smaller last one (ONNX `num_outputs`, opset 18).
    LastSmaller,
}

/// Outputs of `x` cut along `axis` into `sizes`, or into equal parts (one per output).
fn split(ctx: &Ctx, slot: usize, axis: Option<i64>, sizes: Option<Vec<i64>>) -> Vec<Fact> {
    split_with(ctx, slot, axis, sizes, Equal::Exact)
}

fn split_with(
    ctx: &Ctx,
    slot: usize,
    axis: Option<i64>,
    sizes: Option<Vec<i64>>,
    equal: Equal,
) -> Vec<Fact> {
    let n_outputs = ctx.n_outputs();
    let dtype = ctx.dtype(slot);
    let shapes = (|| {
        let x = ctx.dims(slot)?;
        let axis = dims::axis(axis?, x.len())?;
        let parts: Vec<Dim> = match sizes {
            Some(sizes) => {
                if sizes.len() != n_outputs {
                    return None;
                }
                // One size may be -1: what the others leave (TF SplitV).
                let n_inferred = sizes.iter().filter(|&&s| s == -1).count();
                let rest = sizes.iter().filter(|&&s| s != -1).try_fold(0i64, |a, &s| {
                    (s >= 0).then_some(())?;
                    a.checked_add(s)
                })?;
                sizes
                    .iter()
                    .map(|&s| match (s, n_inferred) {
                        (-1, 1) => dims::add(&x[axis], rest.checked_neg().unwrap_or(i64::MIN)),
                        (-1, _) => Dim::Unknown,
                        (s, _) => Dim::Known(s),
                    })
                    .collect()
            }
            None => {
                let n = i64::try_from(n_outputs).ok().filter(|&n| n > 0)?;
                match &x[axis] {
                    Dim::Known(size) if equal == Equal::Exact && size % n != 0 => {
                        vec![Dim::Unknown; n_outputs]
                    }
                    Dim::Known(size) => {
                        let chunk = dims::div_ceil(*size, n);
                        (0..n)
                            .map(|idx| {
                                let start = chunk.saturating_mul(idx).min(*size);
                                let end = chunk.saturating_mul(idx + 1).min(*size);
                                Dim::Known(end - start)
                            })
                            .collect()
                    }
                    _ => vec![Dim::Unknown; n_outputs],
                }
            }
        };
        Some(
            parts
                .into_iter()
                .map(|part| {
                    let mut out = x.to_vec();
                    out[axis] = part;
                    Shape(out)
                })
                .collect::<Vec<_>>(),
        )
    })();
    match shapes {
        Some(shapes) => shapes
            .into_iter()
            .map(|shape| Fact::new(dtype, Some(shape)))
            .collect(),
        None => vec![Fact::new(dtype, None); n_outputs],
    }
}

/// ONNX Split: `split` attribute (before opset 13) or input 1, else equal parts.
fn onnx_split(ctx: &Ctx) -> Vec<Fact> {
    let axis = Some(ctx.attr_int("axis").unwrap_or(0));
    let sizes = match ctx.attr_ints("split") {
        Some(sizes) => Some(sizes),
        None if ctx.tensor(1).is_some() => match ctx.value_ints(1) {
            Some(sizes) => Some(sizes),
            None => return split_unknown(ctx),
        },
        None => None,
    };
    let equal = match ctx.attr_int("num_outputs") {
        Some(_) => Equal::LastSmaller,
        None => Equal::Exact,
    };
    split_with(ctx, 0, axis, sizes, equal)
}

fn split_unknown(ctx: &Ctx) -> Vec<Fact> {
    vec![Fact::new(ctx.first_dtype(), None); ctx.n_outputs()]
}

/// TF Split: axis (input 0), value (input 1), `num_split` equal parts.
fn tf_split(ctx: &Ctx) -> Vec<Fact> {
    split(ctx, 1, ctx.value_int(0), None)
}

/// TF SplitV: value, `size_splits`, axis.
fn tf_split_v(ctx: &Ctx) -> Vec<Fact> {
    match ctx.value_ints(1) {
        Some(sizes) => split(ctx, 0, ctx.value_int(2), Some(sizes)),
        None => split_unknown(ctx),
    }
}

fn ge_split_d(ctx: &Ctx) -> Vec<Fact> {
    split(ctx, 0, ctx.attr_int("split_dim"), None)
}

fn ge_split_vd(ctx: &Ctx) -> Vec<Fact> {
    match ctx.attr_ints("size_splits") {
        Some(sizes) => split(ctx, 0, ctx.attr_int("split_dim"), Some(sizes)),
        None => split_unknown(ctx),
    }
}

/// Caffe Slice: cut points along `axis` (default 1, legacy `slice_dim`), or equal parts.
fn caffe_slice(ctx: &Ctx) -> Vec<Fact> {
    let axis = ctx
        .attr_int("axis")
        .or_else(|| ctx.attr_int("slice_dim"))
        .unwrap_or(1);
    let points = ctx.attr_ints("slice_point").filter(|p| !p.is_empty());
    let Some(points) = points else {
        return split(ctx, 0, Some(axis), None);
    };
    let sizes = (|| {
        let x = ctx.dims(0)?;
        let total = x.get(dims::axis(axis, x.len())?)?.known()?;
        let mut sizes = Vec::with_capacity(points.len() + 1);
        let mut previous = 0i64;
        for &point in points.iter().chain(std::iter::once(&total)) {
            sizes.push(point.checked_sub(previous).filter(|&s| s >= 0)?);
            previous = point;
        }
        Some(sizes)
    })();
    match sizes {
        Some(sizes) => split(ctx, 0, Some(axis), Some(sizes)),
        None => split_unknown(ctx),
    }
}

/// Caffe Split: every top is a copy of the bottom.
fn caffe_split(ctx: &Ctx) -> Vec<Fact> {
    vec![Fact::new(ctx.first_dtype(), ctx.shape(0).cloned()); ctx.n_outputs()]
}

/// One sliced dim, ONNX rules: negative indices count from the end, then clamp.
fn slice_len(dim: &Dim, start: i64, end: i64, step: i64) -> Dim {
    if step == 0 {
        return Dim::Unknown;
    }
    let Dim::Known(size) = *dim else {
        // The whole dim of an unknown size: `[0:∞:1]`.
        return if start == 0 && step == 1 && end >= i64::MAX / 2 {
            dim.clone()
        } else {
            Dim::Unknown
        };
    };
    // A size stated below zero is no size; nothing is taken from an empty dim (and the clamps
    // below need a range: `0..=size - 1` is empty for it).
    match size {
        ..0 => return Dim::Unknown,
        0 => return Dim::Known(0),
        _ => {}
    }
    let resolve = |v: i64, low: i64, high: i64| {
        let v = if v < 0 { v.saturating_add(size) } else { v };
        v.clamp(low, high)
    };
    let count = if step > 0 {
        let (s, e) = (resolve(start, 0, size), resolve(end, 0, size));
        if e > s {
            dims::div_ceil(e - s, step)
        } else {
            0
        }
    } else {
        let (s, e) = (resolve(start, 0, size - 1), resolve(end, -1, size - 1));
        if s > e {
            dims::div_ceil(s - e, step.saturating_neg())
        } else {
            0
        }
    };
    Dim::Known(count)
}

/// Elements `start..end` by `step` of known contents (ONNX slicing rules).
fn slice_values(values: &[Dim], start: i64, end: i64, step: i64) -> Option<Vec<Dim>> {
    let size = i64::try_from(values.len()).ok()?;
    let count = slice_len(&Dim::Known(size), start, end, step).known()?;
    if count == 0 {
        return Some(Vec::new());
    }
    let first = if start < 0 {
        start.saturating_add(size)
    } else {
        start
    };
    let first = if step > 0 {
        first.clamp(0, size)
    } else {
        first.clamp(0, size - 1)
    };
    (0..count)
        .map(|idx| {
            let pos = first.checked_add(idx.checked_mul(step)?)?;
            values.get(usize::try_from(pos).ok()?).cloned()
        })
        .collect()
}

/// ONNX Slice: `starts`/`ends`/`axes` attributes (before opset 10) or inputs 1-4 (with
/// `steps`).
fn onnx_slice(ctx: &Ctx) -> Vec<Fact> {
    let params = (|| {
        let (starts, ends, axes, steps) = match ctx.attr_ints("starts") {
            Some(starts) => (starts, ctx.attr_ints("ends")?, ctx.attr_ints("axes"), None),
            None => (
                ctx.value_ints(1)?,
                ctx.value_ints(2)?,
                match ctx.tensor(3) {
                    Some(_) => Some(ctx.value_ints(3)?),
                    None => None,
                },
                match ctx.tensor(4) {
                    Some(_) => Some(ctx.value_ints(4)?),
                    None => None,
                },
            ),
        };
        let n = starts.len();
        let axes = axes.unwrap_or_else(|| (0..n as i64).collect());
        let steps = steps.unwrap_or_else(|| vec![1; n]);
        (ends.len() == n && axes.len() == n && steps.len() == n)
            .then_some((starts, ends, axes, steps))
    })();
    let Some((starts, ends, axes, steps)) = params else {
        // Only the rank is known.
        return ctx.out(ctx.dims(0).map(|x| vec![Dim::Unknown; x.len()]));
    };
    let shape = (|| {
        let x = ctx.dims(0)?;
        let mut out = x.to_vec();
        for i in 0..starts.len() {
            let axis = dims::axis(axes[i], x.len())?;
            out[axis] = slice_len(&x[axis], starts[i], ends[i], steps[i]);
        }
        Some(out)
    })();
    let value = match (shape.as_deref(), ctx.value(0), axes.as_slice()) {
        (Some([_]), Some(values), [0] | [-1]) => {
            slice_values(&values, starts[0], ends[0], steps[0])
        }
        _ => None,
    };
    vec![Fact {
        dtype: ctx.first_dtype(),
        shape: shape.map(Shape),
        value,
    }]
}

/// TF Slice (GE Slice): `begin` and `size` inputs; a size of -1 takes the rest.
fn tf_slice(ctx: &Ctx) -> Vec<Fact> {
    match (ctx.value_ints(1), ctx.value_ints(2)) {
        (Some(begin), Some(size)) => slice_begin_size(ctx, &begin, &size),
        _ => ctx.out(ctx.dims(0).map(|x| vec![Dim::Unknown; x.len()])),
    }
}

fn ge_slice_d(ctx: &Ctx) -> Vec<Fact> {
    match (ctx.attr_ints("offsets"), ctx.attr_ints("size")) {
        (Some(begin), Some(size)) => slice_begin_size(ctx, &begin, &size),
        _ => ctx.out(None),
    }
}

fn slice_begin_size(ctx: &Ctx, begin: &[i64], size: &[i64]) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        if begin.len() != x.len() || size.len() != x.len() {
            return None;
        }
        Some(
            x.iter()
                .zip(begin.iter().zip(size))
                .map(|(d, (&b, &s))| match s {
                    -1 => dims::add(d, b.checked_neg().unwrap_or(i64::MIN)),
                    s => dims::known(Some(s)),
                })
                .collect(),
        )
    })();
    let value = match (shape.as_ref().map(Vec::len), ctx.value(0), begin, size) {
        (Some(1), Some(values), [b], [s]) => {
            let end = if *s == -1 {
                i64::MAX
            } else {
                b.saturating_add(*s)
            };
            slice_values(&values, *b, end, 1)
        }
        _ => None,
    };
    vec![Fact {
        dtype: ctx.first_dtype(),
        shape: shape.map(Shape),
        value,
    }]
}

/// TF StridedSlice parameters.
struct StridedSpec {
    begin: Vec<i64>,
    end: Vec<i64>,
    strides: Vec<i64>,
    begin_mask: i64,
    end_mask: i64,
    ellipsis_mask: i64,
    new_axis_mask: i64,
    shrink_axis_mask: i64,
}

impl StridedSpec {
    fn from_ctx(
        ctx: &Ctx,
        begin: Vec<i64>,
        end: Vec<i64>,
        strides: Option<Vec<i64>>,
    ) -> Option<StridedSpec> {
        let strides = strides.unwrap_or_else(|| vec![1; begin.len()]);
        if end.len() != begin.len() || strides.len() != begin.len() || begin.len() > 63 {
            return None;
        }
        let mask = |name: &str| ctx.attr_int(name).unwrap_or(0);
        Some(StridedSpec {
            begin,
            end,
            strides,
            begin_mask: mask("begin_mask"),
            end_mask: mask("end_mask"),
            ellipsis_mask: mask("ellipsis_mask"),
            new_axis_mask: mask("new_axis_mask"),
            shrink_axis_mask: mask("shrink_axis_mask"),
        })
    }

    fn bit(mask: i64, idx: usize) -> bool {
        (mask >> idx) & 1 == 1
    }
}

/// What one entry of the dense spec does to the output.
enum Step {
    /// An input dim copied whole (ellipsis or past the end of the spec).
    Keep(usize),
    /// A new dim of size 1.
    NewAxis,
    /// Input dim sliced `[begin:end:stride]` (masks applied); `shrink` removes it.
    Slice {
        axis: usize,
        begin: Option<i64>,
        end: Option<i64>,
        stride: i64,
        shrink: bool,
    },
}

/// The sparse StridedSlice spec expanded against an input of rank `rank`.
fn strided_steps(spec: &StridedSpec, rank: usize) -> Option<Vec<Step>> {
    let n = spec.begin.len();
    let n_real = (0..n)
        .filter(|&i| {
            !StridedSpec::bit(spec.new_axis_mask, i) && !StridedSpec::bit(spec.ellipsis_mask, i)
        })
        .count();
    let mut steps = Vec::new();
    let mut axis = 0usize;
    let mut seen_ellipsis = false;
    for i in 0..n {
        if StridedSpec::bit(spec.ellipsis_mask, i) {
            if seen_ellipsis {
                return None;
            }
            seen_ellipsis = true;
            let n_full = rank.checked_sub(n_real)?;
            for _ in 0..n_full {
                steps.push(Step::Keep(axis));
                axis += 1;
            }
        } else if StridedSpec::bit(spec.new_axis_mask, i) {
            steps.push(Step::NewAxis);
        } else {
            if axis >= rank {
                return None;
            }
            let shrink = StridedSpec::bit(spec.shrink_axis_mask, i);
            steps.push(Step::Slice {
                axis,
                begin: (!StridedSpec::bit(spec.begin_mask, i) || shrink).then_some(spec.begin[i]),
                end: (!StridedSpec::bit(spec.end_mask, i) && !shrink).then_some(spec.end[i]),
                stride: if shrink { 1 } else { spec.strides[i] },
                shrink,
            });
            axis += 1;
        }
    }
    while axis < rank {
        steps.push(Step::Keep(axis));
        axis += 1;
    }
    Some(steps)
}

/// Start/end of a masked TF slice in ONNX terms (masked ends run to the edge).
fn tf_bounds(begin: Option<i64>, end: Option<i64>, stride: i64, shrink: bool) -> (i64, i64) {
    let start = begin.unwrap_or(if stride > 0 { 0 } else { i64::MAX });
    let stop = match (shrink, end) {
        // One element at `begin`: up to the next index (or the end when begin is -1).
        (true, _) => match start {
            -1 => i64::MAX,
            s => s.saturating_add(1),
        },
        (false, Some(end)) => end,
        (false, None) if stride > 0 => i64::MAX,
        (false, None) => i64::MIN,
    };
    (start, stop)
}

fn strided_slice(ctx: &Ctx, spec: Option<StridedSpec>) -> Vec<Fact> {
    let Some(spec) = spec else {
        return ctx.out(None);
    };
    let x = ctx.dims(0);
    let steps = x.and_then(|x| strided_steps(&spec, x.len()));
    let shape = (|| {
        let x = x?;
        let mut out = Vec::new();
        for step in steps.as_ref()? {
            match *step {
                Step::Keep(axis) => out.push(x[axis].clone()),
                Step::NewAxis => out.push(Dim::Known(1)),
                Step::Slice {
                    axis,
                    begin,
                    end,
                    stride,
                    shrink,
                } => {
                    let (start, stop) = tf_bounds(begin, end, stride, shrink);
                    let len = slice_len(&x[axis], start, stop, stride);
                    if !shrink {
                        out.push(len);
                    }
                }
            }
        }
        Some(out)
    })();
    // `tf.shape(x)[0]` and `tf.shape(x)[1:]` on known contents.
    let value = match (ctx.value(0), steps.as_deref()) {
        (
            Some(values),
            Some(
                [Step::Slice {
                    begin,
                    end,
                    stride,
                    shrink,
                    ..
                }],
            ),
        ) => {
            let (start, stop) = tf_bounds(*begin, *end, *stride, *shrink);
            slice_values(&values, start, stop, *stride).filter(|v| !*shrink || v.len() == 1)
        }
        _ => None,
    };
    vec![Fact {
        dtype: ctx.first_dtype(),
        shape: shape.map(Shape),
        value,
    }]
}

/// TF StridedSlice: begin, end, strides inputs plus the five masks.
fn tf_strided_slice(ctx: &Ctx) -> Vec<Fact> {
    let spec = (|| {
        StridedSpec::from_ctx(
            ctx,
            ctx.value_ints(1)?,
            ctx.value_ints(2)?,
            ctx.value_ints(3),
        )
    })();
    strided_slice(ctx, spec)
}

/// GE StridedSliceD: begin, end, strides as attributes.
fn ge_strided_slice_d(ctx: &Ctx) -> Vec<Fact> {
    let spec = (|| {
        StridedSpec::from_ctx(
            ctx,
            ctx.attr_ints("begin")?,
            ctx.attr_ints("end")?,
            ctx.attr_ints("strides"),
        )
    })();
    strided_slice(ctx, spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `analyze_built` fuzz crash: a stated dim of -1808504320951916991 sliced forwards.
    #[test]
    fn a_dim_below_zero_slices_to_unknown_and_an_empty_one_to_nothing() {
        let negative = Dim::Known(-1_808_504_320_951_916_991);
        assert_eq!(slice_len(&negative, 0, 5, 1), Dim::Unknown);
        assert_eq!(slice_len(&negative, -1, i64::MIN, -1), Dim::Unknown);
        assert_eq!(slice_len(&Dim::Known(0), -1, i64::MIN, -1), Dim::Known(0));
        assert_eq!(slice_values(&[], -1, i64::MIN, -1), Some(Vec::new()));
        assert_eq!(slice_len(&Dim::Known(5), -1, i64::MIN, -1), Dim::Known(5));
    }
}
