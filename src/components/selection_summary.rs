//! A text summary of the selected node for screen readers (`#selection-summary`, a polite live
//! region, visually hidden): its op type, name, unit, time, output shapes and how many findings
//! name it, spoken whenever the selection changes (a click, a search, the arrow keys).

use yew::prelude::*;

use crate::state::{format_us, FindingsView};
use crate::worker::protocol::NodeAnalysis;
use opscope_engine::report::ViewNode;

#[derive(Properties, PartialEq)]
pub struct SelectionSummaryProps {
    pub text: Option<AttrValue>,
}

/// The sentence read for `node`: `Selected Conv /layer1/0/Conv_4, on the Cube, measured
/// 120.5 µs (estimated 98.0 µs), output 1×64×56×56 f16, 2 findings.`
pub fn summary_text(
    node: &ViewNode,
    analysis: Option<&NodeAnalysis>,
    findings: &FindingsView,
) -> String {
    let mut parts = vec![format!("Selected {} {}", node.title, node.name)];
    if let Some(analysis) = analysis {
        parts.push(format!("on the {}", analysis.unit.label()));
        match analysis.measured_us {
            Some(measured) => parts.push(format!(
                "measured {} (estimated {})",
                format_us(measured),
                format_us(analysis.estimated_us)
            )),
            None => parts.push(format!("estimated {}", format_us(analysis.estimated_us))),
        }
    }
    let outputs: Vec<String> = node
        .outputs
        .iter()
        .filter(|p| !p.shape.is_empty())
        .map(|p| format!("{} {}", p.shape, p.dtype).trim().to_string())
        .collect();
    if !outputs.is_empty() {
        let noun = if outputs.len() == 1 {
            "output"
        } else {
            "outputs"
        };
        parts.push(format!("{noun} {}", outputs.join("; ")));
    }
    let count = if findings.names_are_nodes {
        findings
            .rows
            .iter()
            .filter(|row| row.nodes.contains(&node.name))
            .count()
    } else {
        0
    };
    parts.push(match count {
        0 => "no findings".to_string(),
        1 => "1 finding".to_string(),
        n => format!("{n} findings"),
    });
    format!("{}.", parts.join(", "))
}

#[function_component(SelectionSummary)]
pub fn selection_summary(props: &SelectionSummaryProps) -> Html {
    html! {
        <div id="selection-summary" class="visually-hidden" role="status" aria-live="polite"
            aria-atomic="true">
            { props.text.clone().unwrap_or_default() }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::fixtures;

    #[test]
    fn the_summary_names_type_unit_time_shapes_and_findings() {
        let analysis = fixtures::resnet_analysis(true);
        let (_, bytes) = opscope_engine::samples::bundled().remove(0);
        let model =
            opscope_engine::open_model(&opscope_engine::InputFile::new("resnet50.onnx", bytes))
                .expect("sample");
        let view = opscope_engine::report::graph_view(&model);
        let conv = view
            .nodes
            .iter()
            .find(|n| n.name == "/Conv_1")
            .expect("the profiled /Conv_1");
        let node = analysis
            .node(conv.graph_node.expect("an op"))
            .expect("analysed");
        let findings = FindingsView::of(Some(&analysis), None);
        let text = summary_text(conv, Some(node), &findings);
        assert!(text.starts_with("Selected Conv /Conv_1, on the "), "{text}");
        assert!(text.contains(node.unit.label()), "{text}");
        let measured = node.measured_us.expect("the profile times /Conv_1");
        assert!(
            text.contains(&format!("measured {}", format_us(measured))),
            "{text}"
        );
        assert!(text.contains(&conv.outputs[0].shape), "{text}");
        let count = findings
            .rows
            .iter()
            .filter(|r| r.nodes.iter().any(|n| n == "/Conv_1"))
            .count();
        let said = match count {
            0 => "no findings".to_string(),
            1 => "1 finding".to_string(),
            n => format!("{n} findings"),
        };
        assert!(text.ends_with(&format!("{said}.")), "{text}");
        // Without an analysis only what the graph says.
        let plain = summary_text(conv, None, &FindingsView::default());
        assert!(
            !plain.contains("estimated") && plain.ends_with("no findings."),
            "{plain}"
        );
    }
}
