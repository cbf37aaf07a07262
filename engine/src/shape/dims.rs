//! Arithmetic on dimensions that may be known, symbolic or unknown. Every operation is checked:
//! sizes come from untrusted files, so an overflow or a division by zero gives `Dim::Unknown`,
//! never a panic and never a wrong number.

use crate::ir::Dim;

/// `axis` (negative counts from the end) as an index into `rank` dims.
pub(crate) fn axis(axis: i64, rank: usize) -> Option<usize> {
    let rank = i64::try_from(rank).ok()?;
    let idx = if axis < 0 {
        axis.checked_add(rank)?
    } else {
        axis
    };
    (0..rank).contains(&idx).then_some(idx as usize)
}

/// Sorted, deduplicated axes; `None` if any is out of range or repeated.
pub(crate) fn axes(values: &[i64], rank: usize) -> Option<Vec<usize>> {
    let mut res = values
        .iter()
        .map(|&a| axis(a, rank))
        .collect::<Option<Vec<_>>>()?;
    res.sort_unstable();
    let n_before = res.len();
    res.dedup();
    (res.len() == n_before).then_some(res)
}

/// A dim from a computed number: negative results mean the file is inconsistent, so unknown.
pub(crate) fn known(value: Option<i64>) -> Dim {
    match value {
        Some(v) if v >= 0 => Dim::Known(v),
        _ => Dim::Unknown,
    }
}

/// A dim read from integer contents (a shape tensor): negative numbers are not sizes.
pub(crate) fn size(dim: &Dim) -> Dim {
    match dim {
        Dim::Known(v) if *v < 0 => Dim::Unknown,
        other => other.clone(),
    }
}

/// Applies `f` to a known dim; symbolic and unknown dims become unknown.
pub(crate) fn map(dim: &Dim, f: impl FnOnce(i64) -> Option<i64>) -> Dim {
    match dim {
        Dim::Known(v) => known(f(*v)),
        _ => Dim::Unknown,
    }
}

/// `dim + k`; a symbolic dim survives `+ 0`.
pub(crate) fn add(dim: &Dim, k: i64) -> Dim {
    if k == 0 {
        return dim.clone();
    }
    map(dim, |v| v.checked_add(k))
}

/// `dim * k`; a symbolic dim survives `* 1`.
pub(crate) fn scale(dim: &Dim, k: i64) -> Dim {
    if k == 1 {
        return dim.clone();
    }
    map(dim, |v| v.checked_mul(k))
}

/// Sum of dims (concatenation): known only when all are known; a lone symbol plus zeros stays.
pub(crate) fn sum<'a>(dims: impl IntoIterator<Item = &'a Dim>) -> Dim {
    let mut total = 0i64;
    let mut symbol: Option<&Dim> = None;
    for dim in dims {
        match dim {
            Dim::Known(v) => match total.checked_add(*v) {
                Some(t) => total = t,
                None => return Dim::Unknown,
            },
            Dim::Symbolic(_) if symbol.is_none() => symbol = Some(dim),
            _ => return Dim::Unknown,
        }
    }
    match symbol {
        Some(symbol) if total == 0 => symbol.clone(),
        Some(_) => Dim::Unknown,
        None => Dim::Known(total),
    }
}

/// Product of dims as a known factor times symbols, or unknown; what Flatten and Reshape's
/// `-1` need to stay exact when a batch symbol cancels out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Product {
    known: i64,
    symbols: Vec<String>,
    unknown: bool,
}

impl Product {
    pub(crate) fn of<'a>(dims: impl IntoIterator<Item = &'a Dim>) -> Product {
        let mut res = Product {
            known: 1,
            symbols: Vec::new(),
            unknown: false,
        };
        for dim in dims {
            res.push(dim);
        }
        res
    }

    pub(crate) fn push(&mut self, dim: &Dim) {
        match dim {
            Dim::Known(v) => match self.known.checked_mul(*v) {
                Some(p) if *v >= 0 => self.known = p,
                _ => self.unknown = true,
            },
            Dim::Symbolic(name) => self.symbols.push(name.clone()),
            Dim::Unknown => self.unknown = true,
        }
    }

    /// The product as one dim: known, a single symbol (times 1), or unknown.
    pub(crate) fn dim(&self) -> Dim {
        if self.unknown {
            return Dim::Unknown;
        }
        match (self.symbols.as_slice(), self.known) {
            ([], k) => Dim::Known(k),
            ([symbol], 1) => Dim::Symbolic(symbol.clone()),
            _ => Dim::Unknown,
        }
    }

    /// `self / other` when it is exact: symbols of `other` must cancel against `self`'s.
    pub(crate) fn divide(&self, other: &Product) -> Dim {
        if self.unknown || other.unknown || other.known == 0 {
            return Dim::Unknown;
        }
        let mut left = self.symbols.clone();
        for symbol in &other.symbols {
            match left.iter().position(|s| s == symbol) {
                Some(idx) => {
                    left.swap_remove(idx);
                }
                None => return Dim::Unknown,
            }
        }
        if self.known % other.known != 0 {
            return Dim::Unknown;
        }
        Product {
            known: self.known / other.known,
            symbols: left,
            unknown: false,
        }
        .dim()
    }
}

/// Numpy/ONNX broadcasting of one dim pair. `None` means the two cannot broadcast (the file is
/// inconsistent).
pub(crate) fn broadcast_dim(a: &Dim, b: &Dim) -> Option<Dim> {
    Some(match (a, b) {
        (Dim::Known(1), other) | (other, Dim::Known(1)) => other.clone(),
        (Dim::Known(x), Dim::Known(y)) if x == y => a.clone(),
        (Dim::Known(_), Dim::Known(_)) => return None,
        // The other side is 1 or the same size; a known size > 1 decides.
        (Dim::Known(_), _) => a.clone(),
        (_, Dim::Known(_)) => b.clone(),
        (Dim::Symbolic(x), Dim::Symbolic(y)) if x == y => a.clone(),
        _ => Dim::Unknown,
    })
}

/// Numpy/ONNX multidirectional broadcasting of several shapes.
pub(crate) fn broadcast(shapes: &[&[Dim]]) -> Option<Vec<Dim>> {
    let rank = shapes.iter().map(|s| s.len()).max()?;
    let mut res = vec![Dim::Known(1); rank];
    for shape in shapes {
        let offset = rank - shape.len();
        for (idx, dim) in shape.iter().enumerate() {
            res[offset + idx] = broadcast_dim(&res[offset + idx], dim)?;
        }
    }
    Some(res)
}

/// How a sliding window covers its input: explicit pads, or one of the automatic modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Padding {
    /// Pads before and after, summed.
    Explicit(i64),
    /// TF `SAME`, ONNX `SAME_UPPER`/`SAME_LOWER`: `ceil(in / stride)`.
    Same,
    /// No padding.
    Valid,
}

/// Output size of a sliding window (convolution, pooling).
/// `floor` (or `ceil`) of `(in + pads - dilation*(kernel-1) - 1) / stride`, plus 1.
pub(crate) fn window(
    input: &Dim,
    kernel: i64,
    stride: i64,
    dilation: i64,
    padding: Padding,
    ceil: bool,
) -> Dim {
    let Dim::Known(size) = *input else {
        return Dim::Unknown;
    };
    if stride <= 0 || kernel <= 0 || dilation <= 0 {
        return Dim::Unknown;
    }
    let compute = || -> Option<i64> {
        let effective = dilation.checked_mul(kernel - 1)?.checked_add(1)?;
        let pads = match padding {
            Padding::Same => return Some(div_ceil(size, stride)),
            Padding::Valid => 0,
            Padding::Explicit(pads) => pads,
        };
        let span = size.checked_add(pads)?.checked_sub(effective)?;
        if span < 0 {
            return None;
        }
        let steps = if ceil {
            div_ceil(span, stride)
        } else {
            span / stride
        };
        steps.checked_add(1)
    };
    known(compute())
}

/// `ceil(a / b)` for `a >= 0`, `b > 0`.
pub(crate) fn div_ceil(a: i64, b: i64) -> i64 {
    a / b + i64::from(a % b != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(name: &str) -> Dim {
        Dim::Symbolic(name.to_string())
    }

    #[test]
    fn broadcasting_keeps_symbols_and_rejects_conflicts() {
        let a = [sym("N"), Dim::Known(1), Dim::Known(4)];
        let b = [Dim::Known(3), Dim::Known(1)];
        assert_eq!(
            broadcast(&[&a, &b]),
            Some(vec![sym("N"), Dim::Known(3), Dim::Known(4)])
        );
        assert_eq!(broadcast(&[&[Dim::Known(2)], &[Dim::Known(3)]]), None);
        assert_eq!(
            broadcast(&[&[sym("N")], &[sym("M")]]),
            Some(vec![Dim::Unknown])
        );
        assert_eq!(
            broadcast(&[&[sym("N")], &[Dim::Known(5)]]),
            Some(vec![Dim::Known(5)])
        );
    }

    #[test]
    fn products_cancel_symbols() {
        let input = Product::of(&[sym("N"), Dim::Known(512), Dim::Known(7), Dim::Known(7)]);
        let kept = Product::of(&[sym("N")]);
        assert_eq!(input.divide(&kept), Dim::Known(25088));
        assert_eq!(input.divide(&Product::of(&[Dim::Known(25088)])), sym("N"));
        assert_eq!(input.divide(&Product::of(&[sym("M")])), Dim::Unknown);
        assert_eq!(input.divide(&Product::of(&[Dim::Known(0)])), Dim::Unknown);
        assert_eq!(
            Product::of(&[Dim::Known(i64::MAX), Dim::Known(3)]).dim(),
            Dim::Unknown
        );
    }

    #[test]
    fn windows_floor_ceil_and_same() {
        let w = |size, k, s, pads, ceil| {
            window(&Dim::Known(size), k, s, 1, Padding::Explicit(pads), ceil)
        };
        assert_eq!(w(224, 7, 2, 6, false), Dim::Known(112));
        assert_eq!(w(112, 3, 2, 2, false), Dim::Known(56));
        assert_eq!(w(112, 3, 2, 0, true), Dim::Known(56));
        assert_eq!(w(2, 3, 1, 0, false), Dim::Unknown);
        assert_eq!(
            window(&Dim::Known(7), 3, 2, 1, Padding::Same, false),
            Dim::Known(4)
        );
        assert_eq!(
            window(&Dim::Known(7), 3, 2, 1, Padding::Valid, false),
            Dim::Known(3)
        );
        assert_eq!(
            window(&Dim::Known(7), 3, 0, 1, Padding::Valid, false),
            Dim::Unknown
        );
        assert_eq!(
            window(&sym("H"), 3, 1, 1, Padding::Valid, false),
            Dim::Unknown
        );
        assert_eq!(axis(-1, 4), Some(3));
        assert_eq!(axis(4, 4), None);
        assert_eq!(axis(i64::MIN, 4), None);
        assert_eq!(axes(&[1, -3], 4), None);
    }
}
