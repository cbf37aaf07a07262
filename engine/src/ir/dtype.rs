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
