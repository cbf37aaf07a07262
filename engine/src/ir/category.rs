//! What kind of work an op type does, for colouring and grouping in the viewer. A view of the op
//! knowledge base (`crate::knowledge`), which holds every framework's spelling: there is no second
//! list of op types to keep in step.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpCategory {
    /// Matrix work: convolution, fully connected, MatMul (the Cube unit on Ascend).
    Layer,
    Activation,
    Pool,
    Normalization,
    /// Element-wise arithmetic.
    Elementwise,
    /// Shape-only ops: Reshape, Flatten, Squeeze.
    Shape,
    /// Data movement: Concat, Split, Transpose, Gather, Slice.
    Tensor,
    Reduce,
    Control,
    Constant,
    /// Format or dtype conversion inserted by a compiler (TransData, Cast).
    Conversion,
    Other,
}

impl OpCategory {
    /// Category of an op type in any framework's spelling; `Other` when unknown.
    pub fn of(op_type: &str) -> OpCategory {
        crate::knowledge::category_of(op_type)
    }

    pub fn name(self) -> &'static str {
        match self {
            OpCategory::Layer => "layer",
            OpCategory::Activation => "activation",
            OpCategory::Pool => "pool",
            OpCategory::Normalization => "normalization",
            OpCategory::Elementwise => "elementwise",
            OpCategory::Shape => "shape",
            OpCategory::Tensor => "tensor",
            OpCategory::Reduce => "reduce",
            OpCategory::Control => "control",
            OpCategory::Constant => "constant",
            OpCategory::Conversion => "conversion",
            OpCategory::Other => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_every_spelling() {
        assert_eq!(OpCategory::of("Conv"), OpCategory::Layer);
        assert_eq!(OpCategory::of("convolution"), OpCategory::Layer);
        assert_eq!(OpCategory::of("Relu"), OpCategory::Activation);
        assert_eq!(OpCategory::of("TransData"), OpCategory::Conversion);
        assert_eq!(OpCategory::of("MyCustomOp"), OpCategory::Other);
    }
}
