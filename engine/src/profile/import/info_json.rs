//! msprof `info.json` (device info): `platform_version` (chip id, ascend.md 1.2) and, in
//! `DeviceInfo[0]`, `ai_core_num`, `aiv_num` and `aic_frequency` (MHz). Numbers may be JSON
//! numbers or strings (`"aic_frequency": "1150"`).

use serde_json::Value;

use crate::profile::error::IssueSink;
use crate::profile::model::{chip_name, DeviceInfo, SourceKind};

/// Which known JSON object this is.
pub(crate) fn classify(value: &Value) -> Option<SourceKind> {
    let object = value.as_object()?;
    if object.contains_key("DeviceInfo") || object.contains_key("platform_version") {
        Some(SourceKind::Info)
    } else if object.contains_key("config")
        && (object.contains_key("start_info") || object.contains_key("end_info"))
    {
        Some(SourceKind::ProfilerInfo)
    } else {
        None
    }
}

pub(crate) fn describe_keys(value: &Value) -> String {
    match value.as_object() {
        Some(object) => {
            let keys: Vec<String> = object.keys().take(6).map(|k| format!("`{k}`")).collect();
            if keys.is_empty() {
                "(none)".to_string()
            } else {
                keys.join(", ")
            }
        }
        None => "(not an object)".to_string(),
    }
}

fn number(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|v| v.is_finite())
}

fn count(value: Option<&Value>) -> Option<u32> {
    number(value)
        .filter(|v| *v >= 0.0 && v.fract() == 0.0 && *v <= f64::from(u32::MAX))
        .map(|v| v as u32)
}

pub(crate) fn read(file: &str, value: &Value, sink: &mut IssueSink) -> DeviceInfo {
    let platform_version = match value.get("platform_version") {
        Some(Value::String(s)) => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let chip = platform_version.as_deref().and_then(chip_name);
    if let (Some(version), None) = (&platform_version, chip) {
        sink.file_note(format!(
            "platform_version `{version}` is not a known chip id"
        ));
    }
    let devices = value.get("DeviceInfo").and_then(Value::as_array);
    let device = devices.and_then(|list| list.first());
    if devices.map(Vec::len).unwrap_or(0) > 1 {
        sink.file_note("several devices in DeviceInfo; the first is used");
    }
    if device.is_none() {
        sink.file_note("no DeviceInfo entry: AI Core count and frequency unknown");
    }
    let ai_core_num = count(device.and_then(|d| d.get("ai_core_num")));
    let aiv_num = count(device.and_then(|d| d.get("aiv_num")));
    let aic_frequency_mhz = number(device.and_then(|d| d.get("aic_frequency")));
    DeviceInfo {
        platform_version,
        chip,
        ai_core_num,
        aiv_num,
        aic_frequency_mhz,
        file: Some(file.to_string()),
        ..DeviceInfo::default()
    }
}
