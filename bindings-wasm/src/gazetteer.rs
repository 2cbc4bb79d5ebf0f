//! Region names for web forms, from the gazetteer file the package ships
//! beside the module (`gazetteer.bin`, about 1.2 MB, 0.44 MB gzipped). The
//! module does not embed it: the page fetches it when it needs names and
//! passes the bytes to `loadGazetteer`, so forms that only validate codes do
//! not download it.

use crate::{convert, invalid, read_options, region_info, text_input, valid};
use kampung_core::{ErrorCode, FieldError, Gazetteer, KodeWilayah};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_GAZETTEER: &'static str = r#"
/** Where a gazetteer's names come from, as recorded in its file. */
export interface GazetteerSource {
  /** e.g. "Kepmendagri No. 300.2.2-2138/2025". */
  regulation: string;
  data: string; data_copyright: string; data_licence: string;
  package: string; package_version: string; package_licence: string; registry: string;
  /** The source files read, with their SHA-256. */
  files: { path: string; sha256: string }[];
}
export interface GazetteerCounts {
  provinsi: number; kabupaten: number; kota: number; kecamatan: number;
  kelurahan: number; desa: number; desa_adat: number;
}
export interface GazetteerInfo { source: GazetteerSource; counts: GazetteerCounts; }
/** The names of a region and of the regions it lies in; null below the code's level. */
export interface RegionNames {
  provinsi: string; kabupaten_kota: string | null; kecamatan: string | null; desa_kelurahan: string | null;
}
export interface Region { code: string; name: string; }
/** A region code that is in the gazetteer, with its names. */
export interface KnownRegion extends RegionInfo { name: string; names: RegionNames; }
"#;

thread_local! {
    static LOADED: RefCell<Option<Rc<Gazetteer>>> = const { RefCell::new(None) };
}

/// The loaded gazetteer; throws `gazetteer_missing` before `loadGazetteer`.
fn loaded() -> Result<Rc<Gazetteer>, JsError> {
    LOADED
        .with(|g| g.borrow().clone())
        .ok_or_else(|| JsError::new(&FieldError::new(ErrorCode::GazetteerMissing).to_string()))
}

fn info(g: &Gazetteer) -> JsValue {
    convert::to_js(&json!({ "source": g.source(), "counts": g.counts() }))
}

/// A code from any JS value, or `None`.
fn code_of(input: &JsValue) -> Option<KodeWilayah> {
    KodeWilayah::parse(&input.as_string()?).ok()
}

/// Loads the gazetteer file (the package's `gazetteer.bin`), checking every
/// byte; replaces one loaded before. Throws `gazetteer_invalid` for bytes
/// that are not a gazetteer file.
///
/// ```js
/// const bytes = new Uint8Array(await (await fetch(new URL("gazetteer.bin", import.meta.url))).arrayBuffer());
/// loadGazetteer(bytes).source.regulation; // "Kepmendagri No. 300.2.2-2138/2025"
/// ```
#[wasm_bindgen(js_name = loadGazetteer, unchecked_return_type = "GazetteerInfo")]
pub fn load_gazetteer(bytes: &[u8]) -> Result<JsValue, JsError> {
    let g = Gazetteer::from_bytes(bytes).map_err(|e| JsError::new(&e.to_string()))?;
    let out = info(&g);
    LOADED.with(|slot| *slot.borrow_mut() = Some(Rc::new(g)));
    Ok(out)
}

/// Whether a gazetteer is loaded.
#[wasm_bindgen(js_name = gazetteerLoaded)]
pub fn gazetteer_loaded() -> bool {
    LOADED.with(|g| g.borrow().is_some())
}

/// The loaded gazetteer's source and counts; throws `gazetteer_missing`.
#[wasm_bindgen(js_name = gazetteerInfo, unchecked_return_type = "GazetteerInfo")]
pub fn gazetteer_info() -> Result<JsValue, JsError> {
    Ok(info(&*loaded()?))
}

/// The name of a region code, or `null` when the value is not a well-formed
/// code or the code is not in the gazetteer; throws `gazetteer_missing`.
#[wasm_bindgen(js_name = regionName, unchecked_return_type = "string | null")]
pub fn region_name(
    #[wasm_bindgen(unchecked_param_type = "unknown")] code: JsValue,
) -> Result<JsValue, JsError> {
    let g = loaded()?;
    Ok(code_of(&code)
        .and_then(|k| g.name(&k))
        .map_or(JsValue::NULL, JsValue::from_str))
}

/// The names of a region and the regions it lies in, or `null`; throws
/// `gazetteer_missing`.
#[wasm_bindgen(js_name = regionNames, unchecked_return_type = "RegionNames | null")]
pub fn region_names(
    #[wasm_bindgen(unchecked_param_type = "unknown")] code: JsValue,
) -> Result<JsValue, JsError> {
    let g = loaded()?;
    Ok(code_of(&code)
        .and_then(|k| g.names(&k))
        .map_or(JsValue::NULL, |n| convert::to_js(&n)))
}

/// The regions one level below a code, by code (the 38 provinces for `null`
/// or `undefined`): for cascading province → kabupaten/kota → kecamatan →
/// desa/kelurahan fields. Empty for a code that is malformed or not in the
/// gazetteer; throws `gazetteer_missing`.
#[wasm_bindgen(js_name = regionChildren, unchecked_return_type = "Region[]")]
pub fn region_children(
    #[wasm_bindgen(unchecked_optional_param_type = "string | null")] code: Option<JsValue>,
) -> Result<JsValue, JsError> {
    let g = loaded()?;
    let regions = match code {
        Some(c) if !c.is_null() && !c.is_undefined() => code_of(&c).and_then(|k| g.children(&k)),
        _ => Some(g.provinces()),
    };
    let list: Vec<_> = regions.into_iter().flatten().collect();
    Ok(convert::to_js(&list))
}

/// Validates a region code and checks that it is in the gazetteer (the
/// opt-in existence check): `{status: "valid", value}` with its names, or
/// the parse errors, or `wilayah_not_in_gazetteer` naming the first missing
/// level. Never throws for user input; throws `gazetteer_missing`.
#[wasm_bindgen(js_name = checkRegionCode, unchecked_return_type = "Outcome<KnownRegion>")]
pub fn check_region_code(
    #[wasm_bindgen(unchecked_param_type = "unknown")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Options")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    let (locale, as_of, _) = read_options(&options)?;
    let g = loaded()?;
    let checked = text_input(&input)
        .and_then(|s| KodeWilayah::parse(&s))
        .and_then(|k| {
            let name = g.check(&k)?;
            Ok((k, name, g.names(&k)))
        });
    Ok(match checked {
        Ok((k, name, names)) => {
            let mut v = region_info(&k);
            if let Value::Object(m) = &mut v {
                m.insert("name".to_owned(), Value::from(name));
                m.insert("names".to_owned(), json!(names));
            }
            valid(v, as_of)
        }
        Err(e) => invalid(&e, locale, as_of),
    })
}
