//! The graph drawing: pure geometry and hit testing ([`geometry`], [`scene`]), text fitting,
//! colours, the overlays (heat map [`heat`], units [`units`], fusion outlines [`fusion`]), and the
//! draw functions over a 2D canvas context ([`draw`]).

pub mod draw;
pub mod fusion;
pub mod geometry;
pub mod heat;
pub mod mask;
pub mod palette;
pub mod scene;
pub mod text;
pub mod units;
