//! Every key the page handles, in one table: the page's key handler looks keys up here, and the
//! shortcuts help (`?`) lists this table, so the help cannot drift from what the keys do.

/// What a key does on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    Search,
    Open,
    MoveConsumer,
    MoveProducer,
    MoveLeft,
    MoveRight,
    RevealSelected,
    Fit,
    ZoomToSelection,
    ZoomIn,
    ZoomOut,
    ActualSize,
    FoldScope,
    OpenFolded,
    Minimap,
    ModelPanel,
    Units,
    Heat,
    Fusion,
    Constants,
    Theme,
    Dismiss,
    Help,
}

impl Command {
    /// Every command (the table must bind each one).
    pub const ALL: [Command; 23] = [
        Command::Search,
        Command::Open,
        Command::MoveConsumer,
        Command::MoveProducer,
        Command::MoveLeft,
        Command::MoveRight,
        Command::RevealSelected,
        Command::Fit,
        Command::ZoomToSelection,
        Command::ZoomIn,
        Command::ZoomOut,
        Command::ActualSize,
        Command::FoldScope,
        Command::OpenFolded,
        Command::Minimap,
        Command::ModelPanel,
        Command::Units,
        Command::Heat,
        Command::Fusion,
        Command::Constants,
        Command::Theme,
        Command::Dismiss,
        Command::Help,
    ];
}

/// Where a key acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Anywhere on the page but in a text field (the page's key handler).
    Page,
    /// Also in a text field: with Ctrl (⌘ on a Mac).
    Command,
    /// In the search field (handled there).
    SearchField,
    /// On a focused panel splitter (handled there).
    Splitter,
    /// In a dialog (handled there).
    Dialog,
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortcut {
    /// `KeyboardEvent.key` values that trigger it (both cases of a letter).
    pub keys: &'static [&'static str],
    /// How the help shows the keys.
    pub shown: &'static str,
    pub does: &'static str,
    pub scope: Scope,
    /// The page handler's command; `None` for keys another element handles.
    pub command: Option<Command>,
}

const fn page(
    keys: &'static [&'static str],
    shown: &'static str,
    does: &'static str,
    command: Command,
) -> Shortcut {
    Shortcut {
        keys,
        shown,
        does,
        scope: Scope::Page,
        command: Some(command),
    }
}

const fn elsewhere(
    keys: &'static [&'static str],
    shown: &'static str,
    does: &'static str,
    scope: Scope,
) -> Shortcut {
    Shortcut {
        keys,
        shown,
        does,
        scope,
        command: None,
    }
}

/// The table, in the order the help lists it.
pub const SHORTCUTS: &[Shortcut] = &[
    page(
        &["/"],
        "/",
        "Search nodes by name, op type or attribute",
        Command::Search,
    ),
    Shortcut {
        keys: &["f", "F"],
        shown: "Ctrl+F",
        does: "Search (also from a text field)",
        scope: Scope::Command,
        command: Some(Command::Search),
    },
    Shortcut {
        keys: &["o", "O"],
        shown: "Ctrl+O",
        does: "Open model and profiling files",
        scope: Scope::Command,
        command: Some(Command::Open),
    },
    elsewhere(
        &["Enter"],
        "Enter, Shift+Enter",
        "In the search field: next, previous match",
        Scope::SearchField,
    ),
    page(
        &["Enter"],
        "Enter",
        "Bring the selected node into view",
        Command::RevealSelected,
    ),
    page(
        &["ArrowDown"],
        "↓",
        "Select a consumer of the selected node (the one straight below first)",
        Command::MoveConsumer,
    ),
    page(
        &["ArrowUp"],
        "↑",
        "Select a producer of the selected node; back the way it came when there is a choice",
        Command::MoveProducer,
    ),
    page(
        &["ArrowLeft"],
        "←",
        "Select the previous node in the same row",
        Command::MoveLeft,
    ),
    page(
        &["ArrowRight"],
        "→",
        "Select the next node in the same row",
        Command::MoveRight,
    ),
    page(&["f", "F"], "F", "Fit the graph", Command::Fit),
    page(
        &["z", "Z"],
        "Z",
        "Zoom to the selection",
        Command::ZoomToSelection,
    ),
    page(&["+", "="], "+", "Zoom in", Command::ZoomIn),
    page(&["-", "_"], "-", "Zoom out", Command::ZoomOut),
    page(&["0"], "0", "Zoom to 100 %", Command::ActualSize),
    page(
        &["["],
        "[",
        "Fold the selected node's name scope into one box",
        Command::FoldScope,
    ),
    page(
        &["]"],
        "]",
        "Open the selected folded box",
        Command::OpenFolded,
    ),
    page(&["m", "M"], "M", "Minimap on / off", Command::Minimap),
    page(&["i", "I"], "I", "Model panel", Command::ModelPanel),
    page(&["u", "U"], "U", "Colour by execution unit", Command::Units),
    page(&["h", "H"], "H", "Heat map", Command::Heat),
    page(&["g", "G"], "G", "Fusion overlay", Command::Fusion),
    page(&["c", "C"], "C", "Constants as nodes", Command::Constants),
    page(
        &["t", "T"],
        "T",
        "Theme: System, Light, Dark",
        Command::Theme,
    ),
    page(
        &["Escape"],
        "Escape",
        "Clear the selection, then close the model panel",
        Command::Dismiss,
    ),
    page(&["?"], "?", "This list of shortcuts", Command::Help),
    elsewhere(
        &["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"],
        "← → ↑ ↓",
        "On a focused panel splitter: resize the panel (Shift: larger steps)",
        Scope::Splitter,
    ),
    elsewhere(
        &["Home", "End"],
        "Home, End",
        "On a focused panel splitter: smallest, largest size",
        Scope::Splitter,
    ),
    elsewhere(
        &["Enter", " "],
        "Enter, Space",
        "On a focused panel splitter: collapse or expand the panel",
        Scope::Splitter,
    ),
    elsewhere(
        &["Escape"],
        "Escape",
        "In a dialog: close it",
        Scope::Dialog,
    ),
];

/// The page handler's command for `key`; `command_key` when Ctrl or ⌘ is held. Keys of other
/// scopes are not the page's.
pub fn command_for(key: &str, command_key: bool) -> Option<Command> {
    let scope = if command_key {
        Scope::Command
    } else {
        Scope::Page
    };
    SHORTCUTS
        .iter()
        .filter(|s| s.scope == scope)
        .find(|s| s.keys.contains(&key))
        .and_then(|s| s.command)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_command_has_a_key_and_no_key_two_commands() {
        let mut seen = HashSet::new();
        for shortcut in SHORTCUTS.iter().filter(|s| s.command.is_some()) {
            for key in shortcut.keys {
                assert!(
                    seen.insert((shortcut.scope, *key)),
                    "{key} is bound twice in {:?}",
                    shortcut.scope
                );
            }
            assert!(!shortcut.shown.is_empty() && !shortcut.does.is_empty());
        }
        let commands: HashSet<Command> = SHORTCUTS.iter().filter_map(|s| s.command).collect();
        for command in Command::ALL {
            assert!(commands.contains(&command), "{command:?} has no key");
        }
    }

    #[test]
    fn keys_look_up_their_command() {
        assert_eq!(command_for("?", false), Some(Command::Help));
        assert_eq!(command_for("F", false), Some(Command::Fit));
        assert_eq!(command_for("f", true), Some(Command::Search));
        assert_eq!(command_for("O", true), Some(Command::Open));
        assert_eq!(command_for("=", false), Some(Command::ZoomIn));
        assert_eq!(command_for("Escape", false), Some(Command::Dismiss));
        assert_eq!(command_for("Enter", false), Some(Command::RevealSelected));
        assert_eq!(command_for("x", false), None);
        assert_eq!(command_for("z", true), None);
        assert_eq!(command_for("Home", false), None, "a splitter's key");
    }
}
