//! Element types, shared by every format (each importer maps its own enum onto this one).

use serde::{Deserialize, Serialize};

/// Element type of a tensor. `Unknown` is a real state (a graph input without type info), not an
/// error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DType {
    #[default]
    Unknown,
    F32,
    F16,
    BF16,
    F64,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    Bool,
    String,
    Complex64,
    Complex128,
    F8E4M3,
    F8E5M2,
    I4,
    U4,
    /// A type the source format names but the IR does not model (quantised or resource types).
    Other,
}

impl DType {
    /// The ONNX `TensorProto.DataType` code (what `Cast.to` and initializers say); `Unknown` for
    /// UNDEFINED (0), `Other` for codes the IR does not model.
    pub fn from_onnx_code(code: i64) -> DType {
        match code {
            0 => DType::Unknown,
            1 => DType::F32,
            2 => DType::U8,
            3 => DType::I8,
            4 => DType::U16,
            5 => DType::I16,
            6 => DType::I32,
            7 => DType::I64,
            8 => DType::String,
            9 => DType::Bool,
            10 => DType::F16,
            11 => DType::F64,
            12 => DType::U32,
            13 => DType::U64,
            14 => DType::Complex64,
            15 => DType::Complex128,
            16 => DType::BF16,
            // FLOAT8E4M3FN, FLOAT8E4M3FNUZ; FLOAT8E5M2, FLOAT8E5M2FNUZ.
            17 | 18 => DType::F8E4M3,
            19 | 20 => DType::F8E5M2,
            21 => DType::U4,
            22 => DType::I4,
            _ => DType::Other,
        }
    }

    /// The C++ `ge::DataType` number (GE attributes of kind `dt`, `Cast.dst_type`): a different
    /// numbering from the GE proto enum (FLOAT = 0, FLOAT16 = 1, INT8 = 2, INT32 = 3, ...).
    pub fn from_ge_code(code: i64) -> DType {
        match code {
            0 => DType::F32,
            1 => DType::F16,
            2 => DType::I8,
            3 => DType::I32,
            4 => DType::U8,
            6 => DType::I16,
            7 => DType::U16,
            8 => DType::U32,
            9 => DType::I64,
            10 => DType::U64,
            11 => DType::F64,
            12 => DType::Bool,
            13 => DType::String,
            16 => DType::Complex64,
            17 => DType::Complex128,
            27 => DType::BF16,
            28 => DType::Unknown,
            29 => DType::I4,
            35 => DType::F8E5M2,
            36 => DType::F8E4M3,
            _ => DType::Other,
        }
    }

    /// A dtype that names an element type, not "unknown" or "not modelled".
    pub fn known(self) -> Option<DType> {
        (!matches!(self, DType::Unknown | DType::Other)).then_some(self)
    }

    /// Size of one element in bits; `None` where the size is not fixed (strings, unknown).
    pub fn bits(self) -> Option<u64> {
        Some(match self {
            DType::F32 | DType::I32 | DType::U32 => 32,
            DType::F16 | DType::BF16 | DType::I16 | DType::U16 => 16,
            DType::F64 | DType::I64 | DType::U64 | DType::Complex64 => 64,
            DType::Complex128 => 128,
            DType::I8 | DType::U8 | DType::Bool | DType::F8E4M3 | DType::F8E5M2 => 8,
            DType::I4 | DType::U4 => 4,
            DType::String | DType::Unknown | DType::Other => return None,
        })
    }

    /// Short lowercase name as shown in the viewer and in JSON (`f32`, `i64`, ...).
    pub fn name(self) -> &'static str {
        match self {
            DType::Unknown => "unknown",
            DType::F32 => "f32",
            DType::F16 => "f16",
            DType::BF16 => "bf16",
            DType::F64 => "f64",
            DType::I8 => "i8",
            DType::I16 => "i16",
            DType::I32 => "i32",
            DType::I64 => "i64",
            DType::U8 => "u8",
            DType::U16 => "u16",
            DType::U32 => "u32",
            DType::U64 => "u64",
            DType::Bool => "bool",
            DType::String => "string",
            DType::Complex64 => "complex64",
            DType::Complex128 => "complex128",
            DType::F8E4M3 => "f8e4m3",
            DType::F8E5M2 => "f8e5m2",
            DType::I4 => "i4",
            DType::U4 => "u4",
            DType::Other => "other",
        }
    }
}

impl std::fmt::Display for DType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
