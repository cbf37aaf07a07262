//! The view's text as it is shown: every string that came from the file and is drawn or listed
//! (titles, names, key-attribute lines, attributes, ports, edge labels, folded constants and the
//! members of folded boxes, the model's title, metadata and warnings) with its hidden characters
//! (bidi overrides, controls) replaced by visible `\u{..}` escapes, as the reports show them. A
//! name such as `a\u{202E}cba` must not be drawn as `aabc`, in the viewer nor in its exports.
//!
//! Keys the page sends back to the worker stay as read: a folded box's `key`, a node's `scope`
//! and `domain`, the folded scope list. Whoever displays those shows them through
//! [`crate::report::render::visible`].

use super::folding::FoldedBox;
use super::{box_size, FoldedConstant, ViewEdge, ViewNode, ViewPort};
use crate::report::render::make_visible;

/// Shows the text of `nodes`, `edges`, `folded` and `folds`; a box whose drawn text grew is made
/// wide enough for it (never narrower than it was).
pub(super) fn show_as_text(
    nodes: &mut [ViewNode],
    edges: &mut [ViewEdge],
    folded: &mut [FoldedConstant],
    folds: &mut [FoldedBox],
) {
    for node in nodes {
        let mut drawn_changed = make_visible(&mut node.title);
        drawn_changed |= make_visible(&mut node.name);
        for line in &mut node.lines {
            drawn_changed |= make_visible(line);
        }
        if drawn_changed {
            let wanted = box_size(&node.title, &node.name, &node.lines);
            node.rect.width = node.rect.width.max(wanted.width);
        }
        for (key, value) in &mut node.attrs {
            make_visible(key);
            make_visible(value);
        }
        node.inputs.iter_mut().chain(&mut node.outputs).for_each(show_port);
    }
    for edge in edges {
        make_visible(&mut edge.tensor);
        make_visible(&mut edge.label);
    }
    for constant in folded {
        make_visible(&mut constant.name);
        make_visible(&mut constant.op_type);
    }
    for fold in folds {
        fold.names.iter_mut().for_each(|name| {
            make_visible(name);
        });
        fold.op_types.iter_mut().for_each(|op_type| {
            make_visible(op_type);
        });
    }
}

fn show_port(port: &mut ViewPort) {
    make_visible(&mut port.slot);
    make_visible(&mut port.name);
    make_visible(&mut port.dtype);
    make_visible(&mut port.shape);
    if let Some(layout) = &mut port.layout {
        make_visible(layout);
    }
    if let Some(from) = &mut port.folded_from {
        make_visible(from);
    }
}
