//! Recurrent layers: ONNX LSTM/GRU/RNN (`hidden_size`, `direction`, `layout`).

use super::ctx::{Ctx, Fact};
use super::dims;
use super::rules::Rows;
use crate::ir::{Dim, Shape};

pub(crate) const ONNX: Rows = &[(&["LSTM", "GRU", "RNN"], onnx_rnn)];

/// `Y`: `[seq, directions, batch, hidden]` (`layout=1`: `[batch, seq, directions, hidden]`);
/// `Y_h` and LSTM's `Y_c`: `[directions, batch, hidden]` (`layout=1`: `[batch, directions,
/// hidden]`). The input is `[seq, batch, input]` (or `[batch, seq, input]`).
fn onnx_rnn(ctx: &Ctx) -> Vec<Fact> {
    let shapes = (|| {
        let x = ctx.dims(0)?;
        if x.len() != 3 {
            return None;
        }
        let directions = match ctx.attr_str("direction").unwrap_or("forward") {
            "forward" | "reverse" => 1,
            "bidirectional" => 2,
            _ => return None,
        };
        let hidden = match ctx.attr_int("hidden_size") {
            Some(hidden) => dims::known(Some(hidden)),
            // Without the attribute, the recurrence weight R is [directions, gates*hidden, hidden].
            None => ctx.dims(2)?.get(2)?.clone(),
        };
        let batch_first = ctx.attr_int("layout").unwrap_or(0) == 1;
        let (seq, batch) = if batch_first {
            (&x[1], &x[0])
        } else {
            (&x[0], &x[1])
        };
        let dirs = Dim::Known(directions);
        let (y, state) = if batch_first {
            (
                vec![batch.clone(), seq.clone(), dirs.clone(), hidden.clone()],
                vec![batch.clone(), dirs, hidden],
            )
        } else {
            (
                vec![seq.clone(), dirs.clone(), batch.clone(), hidden.clone()],
                vec![dirs, batch.clone(), hidden],
            )
        };
        Some((Shape(y), Shape(state)))
    })();
    let dtype = ctx.first_dtype();
    let (y, state) = match shapes {
        Some((y, state)) => (Some(y), Some(state)),
        None => (None, None),
    };
    let mut res = vec![Fact::new(dtype, y)];
    for _ in 1..ctx.n_outputs().min(3) {
        res.push(Fact::new(dtype, state.clone()));
    }
    res
}
