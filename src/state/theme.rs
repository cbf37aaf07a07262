//! The page's theme: the user's choice (System, Light, Dark; the toolbar's button and key `T`)
//! and the colour scheme it gives, with the system's preference for "System".

/// Light or dark: the colour scheme the page is drawn in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scheme {
    #[default]
    Light,
    Dark,
}

impl Scheme {
    /// The name in `data-theme` and in URLs.
    pub fn id(self) -> &'static str {
        match self {
            Scheme::Light => "light",
            Scheme::Dark => "dark",
        }
    }
}

/// The theme the user chose. "System" follows the system's light or dark preference (the
/// media query `prefers-color-scheme`), also when it changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    /// The next theme of the toolbar's button: System → Light → Dark → System.
    pub fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }

    /// The scheme drawn, given the system's.
    pub fn scheme(self, system: Scheme) -> Scheme {
        match self {
            Theme::System => system,
            Theme::Light => Scheme::Light,
            Theme::Dark => Scheme::Dark,
        }
    }

    /// The value of `<html data-theme>`: only a forced theme sets it (the style sheet follows
    /// the system's preference without it).
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Theme::System => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }

    /// The name in `localStorage` (`opscope.theme`) and in URLs (`?theme=dark`).
    pub fn id(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The theme named `text` (an [`Theme::id`], any case); `None` for anything else.
    pub fn parse(text: &str) -> Option<Theme> {
        let text = text.trim();
        Theme::ALL
            .into_iter()
            .find(|t| t.id().eq_ignore_ascii_case(text))
    }

    pub fn label(self) -> &'static str {
        match self {
            Theme::System => "System",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_button_cycles_through_the_three_themes() {
        assert_eq!(Theme::System.next(), Theme::Light);
        assert_eq!(Theme::Light.next(), Theme::Dark);
        assert_eq!(Theme::Dark.next(), Theme::System);
    }

    #[test]
    fn system_follows_the_system_and_the_others_force_theirs() {
        for system in [Scheme::Light, Scheme::Dark] {
            assert_eq!(Theme::System.scheme(system), system);
            assert_eq!(Theme::Light.scheme(system), Scheme::Light);
            assert_eq!(Theme::Dark.scheme(system), Scheme::Dark);
        }
        assert_eq!(Theme::System.attribute(), None);
        assert_eq!(Theme::Dark.attribute(), Some("dark"));
    }

    #[test]
    fn themes_round_trip_through_their_names() {
        for theme in Theme::ALL {
            assert_eq!(Theme::parse(theme.id()), Some(theme));
        }
        assert_eq!(Theme::parse(" DARK "), Some(Theme::Dark));
        assert_eq!(Theme::parse("sepia"), None);
    }
}
