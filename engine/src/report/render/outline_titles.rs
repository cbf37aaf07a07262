//! Where the names of fusion groups go, in the viewer and in the SVG pictures alike: a UB
//! group's above its top edge, a candidate group's below its bottom edge, so a UB group starting
//! where its L2 group starts does not overwrite its name; groups drawn around the same members
//! (an L2 and an L1 candidate of one chain) share one line; and a name that would overlap one
//! already placed moves further out, line by line, so no two names are drawn over each other.

use crate::layout::Rect as Bounds;

/// Height of a title line, in world units (10px text and 2 of space).
pub const LINE: f64 = 12.0;
/// Gap between an outline and its title.
const GAP: f64 = 2.0;
/// Lines a title may move out before it is drawn where it overlaps (a dense cluster far out).
const MAX_SHIFTS: usize = 6;

/// One group to name: named above its outline (a UB group) or below it (a candidate).
pub struct TitleRequest<'a> {
    pub above: bool,
    pub pattern: &'a str,
    pub bounds: Bounds,
}

/// A title to draw: its text, the top-left corner of its line, and the first request it names
/// (the outline it belongs with).
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedTitle {
    pub text: String,
    pub x: f64,
    pub y: f64,
    pub first: usize,
}

/// Places the titles of `groups`; `width_of` measures a text in world units.
pub fn place_titles(groups: &[TitleRequest], width_of: impl Fn(&str) -> f64) -> Vec<PlacedTitle> {
    // One line per edge: groups with the same outline side and edge share it.
    let mut lines: Vec<(bool, Bounds, String, usize)> = Vec::new();
    for (index, group) in groups.iter().enumerate() {
        let above = group.above;
        let same_edge = |(line_above, bounds, _, _): &&mut (bool, Bounds, String, usize)| {
            *line_above == above && same_box(bounds, &group.bounds)
        };
        match lines.iter_mut().find(same_edge) {
            Some((_, _, text, _)) => {
                if !text.split(" · ").any(|name| name == group.pattern) {
                    text.push_str(" · ");
                    text.push_str(group.pattern);
                }
            }
            None => lines.push((above, group.bounds, group.pattern.to_string(), index)),
        }
    }
    let mut placed: Vec<(Bounds, PlacedTitle)> = Vec::with_capacity(lines.len());
    for (above, bounds, text, first) in lines {
        let width = width_of(&text);
        let x = bounds.x + 6.0;
        let mut y = if above {
            bounds.y - GAP - LINE
        } else {
            bounds.y + bounds.height + GAP
        };
        if above {
            // Outlines drawn around this one (its L2 / L1 candidates) pass just above its top
            // edge: the title goes above the outermost of them rather than under their lines.
            while let Some(top) = groups
                .iter()
                .map(|g| g.bounds)
                .filter(|outer| encloses(outer, &bounds) && outer.y > y && outer.y < y + LINE)
                .map(|outer| outer.y)
                .reduce(f64::min)
            {
                y = top - GAP - LINE;
            }
        }
        for _ in 0..MAX_SHIFTS {
            let rect = Bounds {
                x,
                y,
                width,
                height: LINE,
            };
            if !placed.iter().any(|(other, _)| overlaps(other, &rect)) {
                break;
            }
            y += if above { -LINE } else { LINE };
        }
        let rect = Bounds {
            x,
            y,
            width,
            height: LINE,
        };
        placed.push((rect, PlacedTitle { text, x, y, first }));
    }
    placed.into_iter().map(|(_, title)| title).collect()
}

/// The same outline up to a small padding difference: the candidate kinds pad their members'
/// box differently (the viewer's `canvas::fusion::padding`), so an L2 and an L1 group of one chain differ by a
/// few units on each side.
fn same_box(a: &Bounds, b: &Bounds) -> bool {
    let close = |p: f64, q: f64| (p - q).abs() <= 8.0;
    close(a.x, b.x)
        && close(a.y, b.y)
        && close(a.x + a.width, b.x + b.width)
        && close(a.y + a.height, b.y + b.height)
}

/// `outer` is drawn around `inner` (and is not the same outline).
fn encloses(outer: &Bounds, inner: &Bounds) -> bool {
    outer != inner
        && outer.x <= inner.x
        && outer.y <= inner.y
        && outer.x + outer.width >= inner.x + inner.width
        && outer.y + outer.height >= inner.y + inner.height
}

/// Strict overlap (touching lines do not count).
fn overlaps(a: &Bounds, b: &Bounds) -> bool {
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

#[cfg(test)]
mod tests {
    use super::*;

    const UB: bool = true;
    const CANDIDATE: bool = false;

    fn request(above: bool, pattern: &str, x: f64, y: f64, w: f64, h: f64) -> TitleRequest<'_> {
        TitleRequest {
            above,
            pattern,
            bounds: Bounds {
                x,
                y,
                width: w,
                height: h,
            },
        }
    }

    /// 6 world units per character, as the 10px font roughly is.
    fn width(text: &str) -> f64 {
        text.chars().count() as f64 * 6.0
    }

    fn rect(title: &PlacedTitle) -> Bounds {
        Bounds {
            x: title.x,
            y: title.y,
            width: width(&title.text),
            height: LINE,
        }
    }

    #[test]
    fn candidates_around_the_same_chain_share_one_line() {
        // What the MLP of the e2e large model shows: an L2 and an L1 candidate around one UB
        // group, their outlines 6 units apart.
        let titles = place_titles(
            &[
                request(
                    UB,
                    "ATbeMatMulElemwiseFusionPass",
                    100.0,
                    100.0,
                    90.0,
                    120.0,
                ),
                request(CANDIDATE, "L2_optimize", 94.0, 94.0, 102.0, 132.0),
                request(CANDIDATE, "L1_optimize", 88.0, 88.0, 114.0, 144.0),
            ],
            width,
        );
        let texts: Vec<&str> = titles.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            texts,
            ["ATbeMatMulElemwiseFusionPass", "L2_optimize · L1_optimize"]
        );
        assert_eq!(
            titles[0].y,
            88.0 - GAP - LINE,
            "above the candidates' lines that pass over the UB group's top edge"
        );
        assert_eq!(
            titles[1].y,
            94.0 + 132.0 + GAP,
            "below the first candidate's bottom edge"
        );
    }

    #[test]
    fn no_two_titles_overlap_and_each_moves_out_from_its_own_edge() {
        // Two UB groups stacked closely (the second's top edge just below the first's bottom)
        // and candidates whose bottoms fall on the same line.
        let titles = place_titles(
            &[
                request(UB, "TbeMultiOutputFusionPass", 0.0, 0.0, 200.0, 50.0),
                request(UB, "TbeEltwiseFusionPass", 20.0, 4.0, 200.0, 50.0),
                request(CANDIDATE, "L2_optimize", 0.0, 0.0, 150.0, 100.0),
                request(CANDIDATE, "AutomaticBufferFusion", 40.0, 40.0, 150.0, 60.0),
            ],
            width,
        );
        assert_eq!(titles.len(), 4);
        for (i, a) in titles.iter().enumerate() {
            for b in &titles[i + 1..] {
                assert!(!overlaps(&rect(a), &rect(b)), "{a:?} overlaps {b:?}");
            }
        }
        assert!(titles[1].y < titles[0].y, "a UB title moves up: {titles:?}");
        assert!(
            titles[3].y > titles[2].y,
            "a candidate title moves down: {titles:?}"
        );
    }

    #[test]
    fn the_same_pattern_twice_on_one_edge_is_named_once() {
        let titles = place_titles(
            &[
                request(CANDIDATE, "L2_optimize", 0.0, 0.0, 100.0, 100.0),
                request(CANDIDATE, "L2_optimize", 2.0, 2.0, 100.0, 100.0),
            ],
            width,
        );
        assert_eq!(titles.len(), 1);
        assert_eq!(titles[0].text, "L2_optimize");
    }
}
