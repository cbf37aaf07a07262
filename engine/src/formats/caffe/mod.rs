//! Caffe importer: a `.prototxt` net (protobuf text), a `.caffemodel` (binary `NetParameter`
//! whose layers carry the weight blobs), or the two together → IR [`Model`].
//!
//! Invariants:
//! - One node per layer (`layer` and V1 `layers`, whose enum types map to the V2 type strings);
//!   old-style `input:` declarations are graph inputs, not nodes; an `Input` layer is a node whose
//!   tops are graph inputs.
//! - The deploy net is the TEST phase: layers whose include/exclude rules leave them out of it
//!   (Data/Accuracy layers of a train_val file) are dropped, with one warning naming them.
//! - Weight blobs are never copied: the schema does not declare `BlobProto.data` and friends, so
//!   the decoder skips them. Each blob is a `Weight` tensor `<layer>/<index>` (f32), an extra
//!   input of its layer after the bottoms. Its shape and byte size come only from a file that
//!   states them (a caffemodel, or blobs inside the prototxt); a prototxt layer without them gets
//!   the blobs its type allocates in Caffe (Convolution 1 + bias, BatchNorm 3, ...) with unknown
//!   shape, which shape inference sizes from the layer's input. Nothing is guessed beyond that.
//! - Layer parameters are read reflectively: every field of every `*_param` message is an
//!   attribute named as in the schema, only when the file sets it (Caffe's defaults are not
//!   filled in).
//! - Text goes through the shared reader in [`crate::formats::text`]; binary errors name the
//!   byte offset and field path.

mod convert;
mod lazy;
mod locate;
mod net;
pub(crate) mod pb;
mod sniff;

#[cfg(test)]
mod tests;

use crate::formats::decode_error::explain_decode_error;
use bytes::Buf;
use prost::Message;
use prost_reflect::DynamicMessage;

pub(crate) use sniff::FileKind;

use super::{text, FormatSpec, ImportedModel, InputFile, Pairing};
use crate::error::{ImportError, Location};
use crate::ir::Model;
use convert::{Blobs, Weights};
use net::Net;

const TITLE: &str = "Caffe";

pub const FORMAT: FormatSpec = FormatSpec {
    id: "caffe",
    title: TITLE,
    extensions: &[".prototxt", ".caffemodel"],
    sniff: sniff::sniff,
    import,
};

/// Which of Caffe's two files `data` is, if it is one.
pub(crate) fn file_kind(data: &[u8]) -> Option<FileKind> {
    sniff::kind(data).map(|(kind, _)| kind)
}

fn import(file: &InputFile) -> Result<Model, ImportError> {
    match file_kind(&file.data) {
        Some(FileKind::CaffeModel) => import_caffemodel(file),
        _ => import_prototxt(file),
    }
}

/// Reads a prototxt together with the caffemodel the user chose for it: the structure and the
/// layer parameters come from the prototxt, the blob shapes from the caffemodel's layers of the
/// same name (as Caffe's `CopyTrainedLayersFrom` matches them). An unreadable caffemodel does not
/// lose the net: the model loads without weights and a warning carries the caffemodel's error.
pub fn import_pair(prototxt: &InputFile, caffemodel: &InputFile) -> Result<Model, ImportError> {
    let (net, warnings) = read_prototxt(prototxt)?;
    checked(prototxt, with_weights(prototxt, net, warnings, caffemodel))
}

fn with_weights(
    prototxt: &InputFile,
    net: Net,
    mut warnings: Vec<String>,
    caffemodel: &InputFile,
) -> Model {
    let blobs = match read_weights(caffemodel) {
        Ok(weights) => Blobs::Paired(weights),
        Err(err) => {
            warnings.push(format!("{err}; the net was read without its weights"));
            Blobs::Implied
        }
    };
    convert::model(&prototxt.name, net, blobs, warnings)
}

pub(super) fn import_prototxt(file: &InputFile) -> Result<Model, ImportError> {
    let (net, warnings) = read_prototxt(file)?;
    Ok(convert::model(&file.name, net, Blobs::Implied, warnings))
}

fn read_prototxt(file: &InputFile) -> Result<(Net, Vec<String>), ImportError> {
    let mut net = Net::default();
    let warnings = text::parse_text_dynamic_chunks(file, TITLE, "caffe.NetParameter", |part| {
        net::read_net_part(&mut net, &part)
    })?;
    Ok((net, warnings))
}

/// A caffemodel on its own is a complete net (it holds the layers with their wiring). Its layer
/// parameters are read with the full schema; when a fork's field numbering makes them
/// unreadable, the lenient `NetCore` view keeps the structure and the weights, with a warning.
/// The file is read a few layers at a time ([`lazy`]) unless that must give way to the
/// whole-file reading.
pub(super) fn import_caffemodel(file: &InputFile) -> Result<Model, ImportError> {
    if let Some(net) = lazy::read_net(file, "caffe.NetParameter") {
        return Ok(convert::model(&file.name, net, Blobs::InFile, Vec::new()));
    }
    import_caffemodel_whole(file)
}

/// [`import_caffemodel`] with the whole file decoded at once.
fn import_caffemodel_whole(file: &InputFile) -> Result<Model, ImportError> {
    match decode(file, "caffe.NetParameter") {
        Ok(message) => Ok(convert::model(
            &file.name,
            net::read_net(&message),
            Blobs::InFile,
            Vec::new(),
        )),
        Err(full_error) => match decode(file, "caffe.NetCore") {
            Ok(message) => Ok(convert::model(
                &file.name,
                net::read_net(&message),
                Blobs::InFile,
                vec![format!(
                    "{full_error}; the layer parameters were skipped (a Caffe fork with other field numbers?) and the net read without them"
                )],
            )),
            Err(_) => Err(full_error),
        },
    }
}

/// Blob shapes of every layer of a caffemodel that has blobs, by layer name (a later layer of
/// the same name wins, as in Caffe).
fn read_weights(file: &InputFile) -> Result<Weights, ImportError> {
    let net = match lazy::read_net(file, "caffe.NetCore") {
        Some(net) => net,
        None => net::read_net(&decode(file, "caffe.NetCore")?),
    };
    let by_layer = net
        .layers
        .into_iter()
        .filter(|layer| !layer.blobs.is_empty())
        .map(|layer| (layer.name, layer.blobs))
        .collect();
    Ok(Weights {
        file: file.name.clone(),
        by_layer,
    })
}

/// Decodes the whole file as `message_name`, turning the decoder's error into one that names the
/// byte offset, the field path and what was expected.
fn decode(file: &InputFile, message_name: &str) -> Result<DynamicMessage, ImportError> {
    let malformed = |location: Location, expected: String| ImportError::Malformed {
        file: file.name.clone(),
        format: TITLE,
        location,
        expected,
    };
    let descriptor = text::pool()
        .get_message_by_name(message_name)
        .ok_or_else(|| {
            malformed(
                Location::default(),
                format!("schema {message_name} (internal: not compiled in)"),
            )
        })?;
    let mut buf = file.data.clone();
    let mut message = DynamicMessage::new(descriptor.clone());
    match message.merge(&mut buf) {
        Ok(()) => Ok(message),
        Err(err) => {
            let offset = file.data.len().saturating_sub(buf.remaining());
            let path = locate::path_at(&file.data, &descriptor, offset);
            let mut location = Location::byte(offset as u64);
            if !path.is_empty() {
                location = location.with_path(path);
            }
            Err(malformed(location, explain_decode_error(&err).1))
        }
    }
}

/// The net name a caffemodel declares (its first top-level field 1), read without decoding.
fn caffemodel_net_name(data: &[u8]) -> Option<String> {
    let field = super::wire::fields(data)
        .take(64)
        .map_while(|field| field)
        .find(|field| field.number == 1 && field.wire_type == super::wire::LEN)?;
    let name = std::str::from_utf8(&data[field.payload.0..field.payload.1]).ok()?;
    (!name.is_empty()).then(|| name.to_string())
}

/// Imports the Caffe files of a multi-file drop (`files` are `(order, file, kind)`), pairing each
/// caffemodel with a prototxt; see [`crate::formats::import_models`] for the rules. Returns each
/// model with the order of its main file.
pub(crate) fn import_group(files: &[(usize, &InputFile, FileKind)]) -> Vec<(usize, ImportedModel)> {
    struct Text<'a> {
        order: usize,
        file: &'a InputFile,
        read: Result<(Net, Vec<String>), ImportError>,
        partner: Option<(usize, Pairing)>,
    }
    struct Binary<'a> {
        order: usize,
        file: &'a InputFile,
        net_name: Option<String>,
        paired: bool,
    }
    let mut texts: Vec<Text> = Vec::new();
    let mut binaries: Vec<Binary> = Vec::new();
    for &(order, file, kind) in files {
        match kind {
            FileKind::Prototxt => texts.push(Text {
                order,
                file,
                read: read_prototxt(file),
                partner: None,
            }),
            FileKind::CaffeModel => binaries.push(Binary {
                order,
                file,
                net_name: caffemodel_net_name(&file.data),
                paired: false,
            }),
        }
    }

    let stem = |file: &InputFile| convert::file_stem(&file.name);
    // Pairs binary `bin_idx` with the only text among `candidates`, if there is exactly one.
    let pair = |texts: &mut Vec<Text>,
                binaries: &mut Vec<Binary>,
                bin_idx: usize,
                candidates: &[usize],
                how: Pairing| {
        if let [text_idx] = candidates {
            texts[*text_idx].partner = Some((bin_idx, how));
            binaries[bin_idx].paired = true;
        }
    };
    let free_texts = |texts: &Vec<Text>| -> Vec<usize> {
        (0..texts.len())
            .filter(|&idx| texts[idx].partner.is_none() && texts[idx].read.is_ok())
            .collect()
    };

    // 1. Same net name (narrowed by file stem when several prototxts share the name).
    for bin_idx in 0..binaries.len() {
        let Some(name) = binaries[bin_idx].net_name.clone() else {
            continue;
        };
        let mut candidates: Vec<usize> = free_texts(&texts)
            .into_iter()
            .filter(|&idx| matches!(&texts[idx].read, Ok((net, _)) if net.name == name))
            .collect();
        if candidates.len() > 1 {
            let bin_stem = stem(binaries[bin_idx].file);
            candidates.retain(|&idx| stem(texts[idx].file) == bin_stem);
        }
        pair(
            &mut texts,
            &mut binaries,
            bin_idx,
            &candidates,
            Pairing::NetName,
        );
    }
    // 2. Same file stem (`resnet.prototxt` + `resnet.caffemodel`).
    for bin_idx in 0..binaries.len() {
        if binaries[bin_idx].paired {
            continue;
        }
        let bin_stem = stem(binaries[bin_idx].file);
        let candidates: Vec<usize> = free_texts(&texts)
            .into_iter()
            .filter(|&idx| stem(texts[idx].file) == bin_stem)
            .collect();
        pair(
            &mut texts,
            &mut binaries,
            bin_idx,
            &candidates,
            Pairing::FileStem,
        );
    }
    // 3. Exactly one of each left.
    let free_binaries: Vec<usize> = (0..binaries.len())
        .filter(|&idx| !binaries[idx].paired)
        .collect();
    if let [bin_idx] = free_binaries[..] {
        let candidates = free_texts(&texts);
        pair(
            &mut texts,
            &mut binaries,
            bin_idx,
            &candidates,
            Pairing::OnlyPair,
        );
    }

    let mut models = Vec::new();
    for text in texts {
        let mut file_names = vec![text.file.name.clone()];
        let result = match (text.read, text.partner) {
            (Ok((net, warnings)), Some((bin_idx, _))) => {
                let caffemodel = binaries[bin_idx].file;
                file_names.push(caffemodel.name.clone());
                Ok(with_weights(text.file, net, warnings, caffemodel))
            }
            (Ok((net, warnings)), None) => Ok(convert::model(
                &text.file.name,
                net,
                Blobs::Implied,
                warnings,
            )),
            (Err(err), _) => Err(err),
        }
        .and_then(|model| checked(text.file, model));
        models.push((
            text.order,
            ImportedModel {
                files: file_names,
                pairing: text.partner.map(|(_, how)| how),
                result,
            },
        ));
    }
    for binary in binaries.iter().filter(|b| !b.paired) {
        models.push((
            binary.order,
            ImportedModel {
                files: vec![binary.file.name.clone()],
                pairing: None,
                result: import_caffemodel(binary.file)
                    .and_then(|model| checked(binary.file, model)),
            },
        ));
    }
    models
}

/// A model read outside [`super::import_model`] goes through the same bounds check.
fn checked(file: &InputFile, model: Model) -> Result<Model, ImportError> {
    crate::limits::check_model(&file.name, FORMAT.title, &model, &file.limits)?;
    Ok(model)
}
