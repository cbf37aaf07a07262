//! The app's state and every way it changes: a reducer with no browser in it, so selection,
//! viewport maths, the profile tables and the handling of stale worker results are tested
//! natively.
//!
//! Components read [`AppState`] and send [`Action`]s; they never change state any other way.
//!
//! - [`reducer`]: [`AppState`], [`Action`] and the reduce function;
//! - [`viewport`]: world ↔ screen maths (zoom, pan, fit);
//! - [`graph`]: the loaded graph ([`GraphHandle`]) and its lookups;
//! - [`folding`]: folding and opening name scopes and groups ([`FoldRequest`]);
//! - [`profile`]: the loaded profile (measured or estimated) and its tables ([`table`]);
//! - [`analysis`]: the analysis of the shown model and the findings list;
//! - [`overlay`]: what the graph's nodes are coloured by;
//! - [`theme`]: the light or dark theme, chosen or the system's;
//! - [`loading`]: the progress of a load and its timings;
//! - [`navigate`]: moving the selection along edges and across rows (the arrow keys);
//! - [`link`]: the selected node in the URL (`#node=`);
//! - [`hash`]: the view in the URL hash (node, overlay, tab, model panel);
//! - [`panels`]: the panels' sizes and collapsed states, kept across reloads;
//! - [`shortcuts`]: every key the page handles, the key handler's and the help's one table;
//! - [`minimap`]: the minimap's geometry;
//! - [`format`]: numbers, times and sizes as people read them;
//! - [`shown`]: text from files with its hidden characters made visible, as the page shows it.

pub mod analysis;
pub mod files;
pub mod folding;
pub mod format;
pub mod graph;
pub mod hash;
pub mod link;
pub mod loading;
pub mod minimap;
pub mod navigate;
pub mod overlay;
pub mod panels;
pub mod profile;
pub mod reducer;
pub mod shortcuts;
pub mod shown;
pub mod table;
pub mod theme;
pub mod viewport;

#[cfg(test)]
pub(crate) mod fixtures;

use std::ops::Deref;
use std::rc::Rc;

pub use self::analysis::{estimate_label, AnalysisState, FindingGroup, FindingsView};
pub use self::files::{FileEntry, FileStatus, FilesAction, FilesState, RowStatus};
pub use self::folding::{FoldRequest, Refold};
pub use self::format::{
    format_bytes, format_count, format_ms, format_share, format_us, format_us_cell, format_zoom,
};
pub use self::graph::GraphHandle;
pub use self::loading::{GraphState, LoadStage, LoadStats, Loading, PendingAnalysis};
pub use self::minimap::MiniMap;
pub use self::navigate::Direction;
pub use self::overlay::Overlay;
pub use self::profile::{PanelTab, ProfileState};
pub use self::reducer::{Action, AppState};
pub use self::theme::{Scheme, Theme};
pub use self::viewport::{
    min_scale, Bounds, Size, Viewport, FIT_MAX_SCALE, FIT_PADDING, MAX_SCALE, READABLE_SCALE,
    ZOOM_STEP,
};

/// A value shared between the state and the components, compared by identity, so passing it as
/// a prop never walks 50,000 nodes or 100,000 rows.
#[derive(Debug)]
pub struct Shared<T>(Rc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        Shared(Rc::new(value))
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Shared<T> {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Shared<T>) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
