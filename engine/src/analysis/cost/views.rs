//! How kernels see tensors: dims as counts (unknown dims as 1), element widths as the unit
//! stores them, layouts (channels first or last, 5HD `NC1HWC0`, `FRACTAL_NZ`, GE filter layouts)
//! and window sizes from attributes. Pure functions of shapes and attributes; no op knowledge.

use crate::ir::{AttrValue, DType, Dim, Node, Shape};

/// `value` rounded up to a multiple of `tile` (a cube tile, C0).
pub(super) fn round_up(value: u64, tile: u64) -> u64 {
    if tile <= 1 {
        value
    } else {
        value.div_ceil(tile).saturating_mul(tile)
    }
}

/// A dim as a count: unknown dims count as 1 (`symbolic` is set).
pub(super) fn dim_value(dim: &Dim, symbolic: &mut bool) -> u64 {
    match dim {
        Dim::Known(value) if *value >= 0 => *value as u64,
        _ => {
            *symbolic = true;
            1
        }
    }
}

/// Elements of a shape, unknown dims counted as 1; saturates on absurd sizes from bad files.
pub(super) fn shape_elements(shape: &Shape, symbolic: &mut bool) -> u64 {
    shape.0.iter().fold(1u64, |acc, dim| {
        acc.saturating_mul(dim_value(dim, symbolic))
    })
}

/// Width of an element as the unit stores it: float32 (and unknown types) as float16 on the AI
/// Core (`force_fp16`), the graph's own type elsewhere (unknown: 32 bits).
pub(crate) fn element_bits(dtype: DType, on_ai_core: bool) -> u64 {
    match dtype {
        DType::F32 if on_ai_core => 16,
        DType::Unknown | DType::Other | DType::String => {
            if on_ai_core {
                16
            } else {
                32
            }
        }
        other => other.bits().unwrap_or(32),
    }
}

/// Bytes of `elements` values of `bits` bits (4-bit types pack two to a byte).
pub(super) fn bytes_of(elements: u64, bits: u64) -> u64 {
    elements.saturating_mul(bits).div_ceil(8)
}

/// An integer (or boolean) attribute.
pub(super) fn attr_int(node: &Node, name: &str) -> Option<i64> {
    node.attr(name).and_then(AttrValue::as_int)
}

/// The product of a window attribute, or `None` when the node has none.
pub(super) fn attr_window_area(node: &Node, n_spatial: usize) -> Option<u64> {
    let positive = |values: &[i64]| -> Option<u64> {
        values.iter().try_fold(1u64, |acc, &v| {
            (v > 0).then(|| acc.saturating_mul(v as u64))
        })
    };
    for name in ["kernel_shape", "ksize", "window"] {
        if let Some(values) = node.attr(name).and_then(AttrValue::as_ints) {
            if !values.is_empty() {
                return positive(values);
            }
        }
    }
    if let (Some(h), Some(w)) = (attr_int(node, "kernel_h"), attr_int(node, "kernel_w")) {
        return positive(&[h, w]);
    }
    match node.attr("kernel_size") {
        Some(AttrValue::Int(k)) => positive(&vec![*k; n_spatial.max(1)]),
        Some(AttrValue::Ints(values)) if values.len() == 1 => {
            positive(&vec![values[0]; n_spatial.max(1)])
        }
        Some(AttrValue::Ints(values)) if !values.is_empty() => positive(values),
        _ => None,
    }
}

/// Whether a `data_format` / layout string puts channels last (`NHWC`, `NDHWC`).
pub(super) fn layout_channels_last(text: &str) -> Option<bool> {
    let text = text.trim().trim_start_matches("FORMAT_");
    match text {
        "NHWC" | "NDHWC" | "NWC" => Some(true),
        "NCHW" | "NCDHW" | "NCW" | "NC1HWC0" => Some(false),
        _ => None,
    }
}

/// A feature map as `(batch, channels, pixels)`: 5HD layouts (`NC1HWC0`, `NDC1HWC0`) by their
/// dims (channels already padded to C0), other layouts by the channel axis.
pub(super) fn feature_map(
    shape: &Shape,
    layout: Option<&str>,
    channels_last: bool,
    symbolic: &mut bool,
) -> Option<(u64, u64, u64)> {
    let dims = &shape.0;
    let rank = dims.len();
    let mut dim = |idx: usize| dim_value(&dims[idx], symbolic);
    let (batch, channels) = match (layout.map(str::trim), rank) {
        (Some("NC1HWC0"), 5) => (dim(0), dim(1).saturating_mul(dim(4))),
        (Some("NDC1HWC0"), 6) => (dim(0), dim(2).saturating_mul(dim(5))),
        (_, rank) if rank >= 3 => (dim(0), dim(if channels_last { rank - 1 } else { 1 })),
        _ => return None,
    };
    let (batch, channels) = (batch.max(1), channels.max(1));
    let elements = shape_elements(shape, symbolic);
    Some((batch, channels, (elements / batch / channels).max(1)))
}

/// A matrix operand or result as `(batch, rows, cols)`: `FRACTAL_NZ` as
/// `[..., cols/16, rows/16, 16, 16]`, 5HD as rows = N×H×W and cols = C, other layouts by their
/// last two dims.
pub(super) fn matrix_view(
    shape: &Shape,
    layout: Option<&str>,
    symbolic: &mut bool,
) -> Option<(u64, u64, u64)> {
    let dims = &shape.0;
    let rank = dims.len();
    let product = |range: &[Dim], symbolic: &mut bool| {
        range
            .iter()
            .fold(1u64, |acc, d| acc.saturating_mul(dim_value(d, symbolic)))
    };
    let mut dim = |idx: usize| dim_value(&dims[idx], symbolic);
    Some(match (layout.map(str::trim), rank) {
        (_, 0) => return None,
        (Some("FRACTAL_NZ"), rank) if rank >= 4 => {
            let rows = dim(rank - 3).saturating_mul(dim(rank - 2));
            let cols = dim(rank - 4).saturating_mul(dim(rank - 1));
            (product(&dims[..rank - 4], symbolic), rows, cols)
        }
        (Some("NC1HWC0"), 5) => {
            let rows = dim(0).saturating_mul(dim(2)).saturating_mul(dim(3));
            (1, rows, dim(1).saturating_mul(dim(4)))
        }
        (_, 1) => (1, 1, dim(0)),
        (_, rank) => {
            let (rows, cols) = (dim(rank - 2), dim(rank - 1));
            (product(&dims[..rank - 2], symbolic), rows, cols)
        }
    })
}

/// The window area of a convolution weight whose layout says where the window is; `None` for
/// layouts where it follows from the channel counts (OIHW, HWIO, FRACTAL_Z) or is unknown.
pub(super) fn weight_window_area(weight: &Shape, layout: Option<&str>) -> Option<u64> {
    let dims = &weight.0;
    let window = match (layout.map(str::trim), dims.len()) {
        // GE depthwise filters: [C1, H, W, N, Co, C0].
        (Some("C1HWNCoC0"), 6) => &dims[1..3],
        (Some("HWCN"), rank) if rank >= 3 => &dims[..rank - 2],
        _ => return None,
    };
    window.iter().try_fold(1u64, |acc, dim| match dim {
        Dim::Known(v) if *v > 0 => Some(acc.saturating_mul(*v as u64)),
        _ => None,
    })
}

/// Whether a convolution's weight dims say channels last: they fit OIHW (`[Cout, Cin/g, k...]`,
/// so channels first) or HWIO (`[k..., Cin/g, Cout]`, depthwise `[k..., C, multiplier]`, so
/// channels last), and not both. The group is not read: `Cin/g` only has to divide `Cin`.
pub(super) fn weight_layout(x: &Shape, y: &Shape, w: &Shape, depthwise: bool) -> Option<bool> {
    let (r, wr) = (x.rank(), w.rank());
    if wr < 3 || r < 3 || y.rank() != r {
        return None;
    }
    let at = |shape: &Shape, idx: usize| shape.0.get(idx).and_then(Dim::known);
    let same = |a: Option<i64>, b: Option<i64>| a.is_some() && a == b;
    let divides = |part: Option<i64>, whole: Option<i64>| match (part, whole) {
        (Some(part), Some(whole)) => part > 0 && whole % part == 0,
        _ => false,
    };
    let oihw = same(at(y, 1), at(w, 0)) && (depthwise || divides(at(w, 1), at(x, 1)));
    let hwio = (same(at(y, r - 1), at(w, wr - 1)) && divides(at(w, wr - 2), at(x, r - 1)))
        || (depthwise
            && same(at(x, r - 1), at(w, wr - 2))
            && same(
                at(y, r - 1),
                at(w, wr - 1).and_then(|m| at(w, wr - 2).and_then(|c| c.checked_mul(m))),
            ));
    match (oihw, hwio) {
        (true, false) => Some(false),
        (false, true) => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float32_counts_as_float16_on_the_ai_core_only() {
        assert_eq!(element_bits(DType::F32, true), 16);
        assert_eq!(element_bits(DType::F32, false), 32);
        assert_eq!(element_bits(DType::I8, true), 8);
        assert_eq!(element_bits(DType::Unknown, true), 16);
        assert_eq!(element_bits(DType::I64, true), 64);
    }

    #[test]
    fn layouts_and_windows_read_from_attributes() {
        assert_eq!(layout_channels_last("NHWC"), Some(true));
        assert_eq!(layout_channels_last("FORMAT_NCHW"), Some(false));
        assert_eq!(layout_channels_last("ND"), None);
        let node = |attrs: Vec<(&str, AttrValue)>| Node {
            attrs: attrs
                .into_iter()
                .map(|(name, value)| crate::ir::Attr {
                    name: name.to_string(),
                    value,
                })
                .collect(),
            ..Node::default()
        };
        let ints = |v: &[i64]| AttrValue::Ints(v.to_vec());
        assert_eq!(
            attr_window_area(&node(vec![("kernel_shape", ints(&[3, 3]))]), 2),
            Some(9)
        );
        assert_eq!(
            attr_window_area(&node(vec![("ksize", ints(&[1, 3, 3, 1]))]), 2),
            Some(9)
        );
        assert_eq!(
            attr_window_area(&node(vec![("kernel_size", AttrValue::Int(5))]), 2),
            Some(25)
        );
        assert_eq!(
            attr_window_area(
                &node(vec![
                    ("kernel_h", AttrValue::Int(2)),
                    ("kernel_w", AttrValue::Int(4))
                ]),
                2
            ),
            Some(8)
        );
        assert_eq!(attr_window_area(&node(vec![]), 2), None);
        assert_eq!(
            attr_window_area(&node(vec![("kernel_shape", ints(&[3, -1]))]), 2),
            None
        );
    }
}
