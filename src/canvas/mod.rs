//! The graph drawing: pure geometry and hit testing ([`geometry`], [`scene`]), text fitting,
//! colours, the heat-map overlay ([`heat`]), and the draw functions over a 2D canvas context
//! ([`draw`]).

pub mod draw;
pub mod geometry;
pub mod heat;
pub mod mask;
pub mod palette;
pub mod scene;
pub mod text;
