//! Text that fits its box: cut with an ellipsis, measured once per graph and cached.

/// The texts of one node, cut to fit its box.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedText {
    pub title: String,
    /// The title fitted between the unit glyph's disc and the box's right edge, kept as wide
    /// on both sides so it stays centred.
    pub title_beside_glyph: String,
    pub name: String,
    pub lines: Vec<String>,
}

/// Fitted texts by node index, for the graph they were measured for.
#[derive(Debug, Default)]
pub struct TextCache {
    entries: Vec<Option<FittedText>>,
}

impl TextCache {
    pub fn reset(&mut self, n_nodes: usize) {
        self.entries.clear();
        self.entries.resize(n_nodes, None);
    }

    pub fn get_or_fit(&mut self, node_idx: usize, fit: impl FnOnce() -> FittedText) -> &FittedText {
        if node_idx >= self.entries.len() {
            self.entries.resize(node_idx + 1, None);
        }
        self.entries[node_idx].get_or_insert_with(fit)
    }
}

/// `text` if it is at most `max_width` wide, else its longest prefix that fits with `…` added.
pub fn fit_text(text: &str, max_width: f64, measure: impl Fn(&str) -> f64) -> String {
    if measure(text) <= max_width {
        return text.to_string();
    }
    let boundaries: Vec<usize> = text.char_indices().map(|(idx, _)| idx).collect();
    let n_chars = boundaries.len();
    if n_chars == 0 {
        return String::new();
    }
    let with_ellipsis = |keep: usize| format!("{}…", &text[..boundaries[keep]]);
    // The whole text does not fit: find the most characters (fewer than all) that do, with `…`.
    let (mut keep_lo, mut keep_hi) = (0usize, n_chars - 1);
    while keep_lo < keep_hi {
        let keep = (keep_lo + keep_hi).div_ceil(2);
        if measure(&with_ellipsis(keep)) <= max_width {
            keep_lo = keep;
        } else {
            keep_hi = keep - 1;
        }
    }
    with_ellipsis(keep_lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(text: &str) -> f64 {
        text.chars().count() as f64
    }

    #[test]
    fn short_text_is_kept() {
        assert_eq!(fit_text("Conv", 10.0, chars), "Conv");
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        assert_eq!(fit_text("BatchNormalization", 6.0, chars), "Batch…");
        assert_eq!(fit_text("ab", 1.0, chars), "…");
        assert_eq!(fit_text("ab", 0.0, chars), "…");
    }

    #[test]
    fn multibyte_text_is_cut_on_char_boundaries() {
        assert_eq!(fit_text("W ⟨64×3×7×7⟩", 5.0, chars), "W ⟨6…");
    }

    #[test]
    fn cache_fits_once() {
        let mut cache = TextCache::default();
        cache.reset(2);
        let fitted = FittedText {
            title: "a".into(),
            title_beside_glyph: "a".into(),
            name: String::new(),
            lines: Vec::new(),
        };
        assert_eq!(cache.get_or_fit(1, || fitted.clone()), &fitted);
        let again = cache.get_or_fit(1, || panic!("measured twice"));
        assert_eq!(again, &fitted);
        // Indexes past the end grow the cache instead of panicking.
        assert_eq!(cache.get_or_fit(5, || fitted.clone()), &fitted);
    }
}
