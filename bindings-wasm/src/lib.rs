//! WebAssembly bindings for kampung-core: client-side validation for web
//! forms. Functions never throw for bad user input; they return
//! `{status: "valid", value}` or `{status: "invalid", errors}`. They throw
//! only for programmer misuse (unknown locale, malformed options).

mod convert;
mod gazetteer;
mod monitoring;
mod risk;

use chrono::NaiveDate;
use kampung_core::{
    ErrorCode, Family, FamilyOptions, KodeWilayah, Locale, Nik, NomorKk, ValidationErrors,
};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
import type { ErrorCode } from "./error-codes";
export type { ErrorCode };

/** One problem with one field. `path` uses the input's own keys and list indexes. */
export interface FieldError {
  path: (string | number)[];
  /** The path as text, e.g. "members[2].birth_date". */
  field: string;
  /** The path in the dotted form form libraries use, e.g. "members.2.birth_date". */
  name: string;
  code: ErrorCode;
  /** The message in the requested locale. */
  message: string;
  params: Record<string, string | number>;
}

/** `as_of`: the reference date the outcome used ("YYYY-MM-DD"). */
export type Outcome<T> =
  | { status: "valid"; value: T; as_of: string }
  | { status: "invalid"; errors: FieldError[]; as_of: string };

export type Locale = "id" | "en";

/**
 * Options. Data keys and options are snake_case, as in the JSON wire format
 * and in Python and Rust (`as_of`); the camelCase spellings (`asOf`,
 * `minParentChildGapYears`) are accepted as aliases.
 */
export interface Options {
  /** Language of messages: "id" (default) or "en". */
  locale?: Locale;
  /**
   * Reference date: "YYYY-MM-DD" or a JS Date (its local calendar day). Default
   * for the validators: today's local calendar date; the rule-set functions
   * need it.
   */
  as_of?: string | Date;
  /** Alias of `as_of`. */
  asOf?: string | Date;
}

export interface FamilyOptions extends Options {
  /** Smallest plausible parent-child age gap in years (default 10). */
  min_parent_child_gap_years?: number;
  /** Alias of `min_parent_child_gap_years`. */
  minParentChildGapYears?: number;
}

/** One entry of a code list, with the label in the requested locale. */
export interface CodeLabel { code: string; label_id: string; label_en: string; label: string; }
export interface CodeLists {
  relationship: CodeLabel[]; marital_status: CodeLabel[]; water_source: CodeLabel[];
  latrine: CodeLabel[]; kb_method: CodeLabel[];
}

export interface NikInfo {
  nik: string;
  province_code: string;
  province_name: string;
  kabkota_code: string;
  kecamatan_code: string;
  sex: "male" | "female";
  birth_date: string | null;
  serial: number;
}

export interface RegionInfo {
  code: string;
  plain: string;
  level: "provinsi" | "kabupaten_kota" | "kecamatan" | "desa_kelurahan";
  kind: "provinsi" | "kabupaten" | "kota" | "kecamatan" | "kelurahan" | "desa" | "desa_adat";
  province_name: string;
  parents: string[];
}

export interface NomorKkInfo { no_kk: string; province_code: string; region_prefix: string; }

export type Relationship = "kepala_keluarga" | "suami" | "istri" | "anak" | "menantu" | "cucu"
  | "orang_tua" | "mertua" | "famili_lain" | "pembantu" | "lainnya";
export type MaritalStatus = "belum_kawin" | "kawin" | "cerai_hidup" | "cerai_mati";

export interface Person {
  name: string;
  nik: string | null;
  sex: "male" | "female";
  birth_date: string;
  relationship: Relationship;
  /** The status for the rules: "kawin tercatat" and "kawin belum tercatat" are "kawin". */
  marital_status: MaritalStatus;
  /** true "kawin tercatat", false "kawin belum tercatat", null unknown or not married. */
  marriage_recorded: boolean | null;
}

export interface Family { no_kk: string; region_code: string; members: Person[]; }

/** One child's measurement as typed in a Posyandu form (snake_case keys; camelCase aliases accepted, and error paths echo the keys given). */
export interface ChildForm {
  sex?: unknown; birth_date?: unknown; measured_on?: unknown;
  birthDate?: unknown; measuredOn?: unknown;
  /** kg; a number or text ("8,4" accepted). */
  weight_kg?: unknown; weightKg?: unknown;
  /** cm; a number or text. */
  length_cm?: unknown; lengthCm?: unknown;
  /** "l" (lying, length) or "h" (standing, height); empty = unknown. */
  measure?: unknown;
  oedema?: unknown;
}

/** One end of a z-score interval, with its closure explicit. */
export type Bound = { type: "unbounded" } | { type: "closed"; value: number } | { type: "open"; value: number };
export interface Interval { lower: Bound; upper: Bound; }

/** A Permenkes 2/2020 category, or why there is none. */
export type Classification =
  | { status: "category"; code: string; label: string; label_id: string; label_en: string; interval: Interval }
  | { status: "flagged" }
  | { status: "missing" };

export interface ChildAssessment {
  age_days: number; age_months: number; reference: "who2006" | "who2007";
  clenhei: number | null; cbmi: number | null; c9mo_flag: boolean;
  zlen: number | null; flen: number | null; zwei: number | null; fwei: number | null;
  zwfl: number | null; fwfl: number | null; zbmi: number | null; fbmi: number | null;
  bb_u: Classification; pb_tb_u: Classification; bb_pb_tb: Classification; imt_u: Classification;
  stunted: boolean | null;
}

/** Options of the rule-set functions: asOf and locale, plus rule choices (snake_case or camelCase). */
export interface RuleOptions extends Options { [rule: string]: unknown; }

export interface Reason { code: string; explanation: string; }
export interface Ratio { numerator: number; denominator: number; value: number | null; }

export interface KrsInput { family?: RawFamily | unknown; housing?: unknown; wife_pregnant?: unknown; [key: string]: unknown; }
export interface KrsResult {
  rule_set: unknown; wife_age_years: number | null; pus: boolean; pus_hamil: boolean;
  baduta: number; balita: number; living_children: number; birth_interval_months: number | null;
  four_t: { terlalu_muda: boolean; terlalu_tua: boolean; terlalu_dekat: boolean; terlalu_banyak: boolean };
  sasaran: boolean; sasaran_reasons: Reason[]; at_risk: boolean; risk_factors: Reason[];
}
export interface CatinInput { sex?: unknown; birth_date?: unknown; weight_kg?: unknown; height_cm?: unknown; lila_cm?: unknown; hb_g_dl?: unknown; }
export interface IbuHamilInput { [key: string]: unknown; }
export interface ScreeningResult {
  rule_set: unknown; category: "ideal" | "berisiko"; age_years: number | null; imt: number | null;
  imt_category: string | null; anaemia: string | null; kek: boolean | null; birth_interval_months: number | null;
  reasons: Reason[]; not_assessed: string[];
}
export interface KbInput { records?: unknown; counts?: unknown; }
export interface KbIndicators {
  pus: number; users: number; non_users: number; cpr: Ratio; mcpr: Ratio; mkjp_share: Ratio;
  method_mix: Record<string, Ratio>; not_using_by_reason: Record<string, Ratio>;
  unmet_need_proxy: Ratio; unmet_need_dhs: unknown; demand_satisfied_modern: Ratio | null;
}

/** Form input: every field optional and loosely typed; problems come back as errors. */
export interface RawPerson {
  name?: unknown; nik?: unknown; sex?: unknown; birth_date?: unknown;
  relationship?: unknown; marital_status?: unknown;
}
export interface RawFamily { no_kk?: unknown; region_code?: unknown; members?: unknown; }
"#;

/// Reads `{locale, as_of | asOf}`; throws on misuse. The date is the one
/// given (text `YYYY-MM-DD` or a JS `Date`'s local calendar day) or today's
/// local calendar date.
pub(crate) fn read_options(
    options: &Option<JsValue>,
) -> Result<(Locale, NaiveDate, Value), JsError> {
    let opts = options.as_ref().map_or(Value::Null, convert::to_value);
    let obj = match &opts {
        Value::Null => serde_json::Map::new(),
        Value::Object(m) => m.clone(),
        _ => return Err(JsError::new("options must be an object")),
    };
    let locale = match obj.get("locale") {
        None | Some(Value::Null) => Locale::Id,
        Some(Value::String(s)) => Locale::parse(s)
            .map_err(|_| JsError::new(&format!("unknown locale {s:?}: use \"id\" or \"en\"")))?,
        Some(_) => return Err(JsError::new("options.locale must be \"id\" or \"en\"")),
    };
    let given = obj
        .get("as_of")
        .filter(|v| !v.is_null())
        .or_else(|| obj.get("asOf"));
    let as_of = match given {
        None | Some(Value::Null) => today(),
        Some(Value::String(s)) => kampung_core::input::parse_date(s).map_err(|_| {
            JsError::new(&format!(
                "options.as_of must be a date YYYY-MM-DD, got {s:?}"
            ))
        })?,
        Some(_) => {
            return Err(JsError::new(
                "options.as_of must be a string YYYY-MM-DD or a valid Date",
            ))
        }
    };
    Ok((locale, as_of, Value::Object(obj)))
}

fn today() -> NaiveDate {
    let d = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(
        i32::try_from(d.get_full_year()).unwrap_or(2000),
        d.get_month() + 1,
        d.get_date(),
    )
    .unwrap_or_default()
}

/// The errors as JS objects, each with its dotted `name` (`members.2.birth_date`).
pub(crate) fn error_list(errors: &ValidationErrors, locale: Locale) -> Vec<Value> {
    errors
        .errors()
        .iter()
        .map(|e| {
            let mut v = serde_json::to_value(e.localized(locale)).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert("name".into(), Value::String(e.path().dotted()));
            }
            v
        })
        .collect()
}

pub(crate) fn invalid(errors: &ValidationErrors, locale: Locale, as_of: NaiveDate) -> JsValue {
    convert::to_js(&json!({
        "status": "invalid",
        "errors": error_list(errors, locale),
        "as_of": as_of.to_string(),
    }))
}

pub(crate) fn valid(value: Value, as_of: NaiveDate) -> JsValue {
    convert::to_js(&json!({ "status": "valid", "value": value, "as_of": as_of.to_string() }))
}

pub(crate) fn text_input(v: &JsValue) -> Result<String, ValidationErrors> {
    kampung_core::input::text_value(&convert::to_value(v)).map_err(ValidationErrors::from)
}

/// Validates a NIK typed into a form.
#[wasm_bindgen(js_name = validateNik, unchecked_return_type = "Outcome<NikInfo>")]
pub fn validate_nik(
    #[wasm_bindgen(unchecked_param_type = "unknown")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Options")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    let (locale, as_of, _) = read_options(&options)?;
    Ok(
        match text_input(&input).and_then(|s| Nik::parse_as_of(&s, as_of)) {
            Ok(nik) => valid(
                serde_json::to_value(nik.info(as_of)).unwrap_or(Value::Null),
                as_of,
            ),
            Err(e) => invalid(&e, locale, as_of),
        },
    )
}

/// Validates a Nomor KK typed into a form.
#[wasm_bindgen(js_name = validateNomorKk, unchecked_return_type = "Outcome<NomorKkInfo>")]
pub fn validate_nomor_kk(
    #[wasm_bindgen(unchecked_param_type = "unknown")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Options")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    let (locale, as_of, _) = read_options(&options)?;
    Ok(match text_input(&input).and_then(|s| NomorKk::parse(&s)) {
        Ok(kk) => valid(
            json!({
                "no_kk": kk.as_str(),
                "province_code": format!("{:02}", kk.province_code()),
                "region_prefix": kk.region_prefix(),
            }),
            as_of,
        ),
        Err(e) => invalid(&e, locale, as_of),
    })
}

/// Validates a Kemendagri region code (2, 4, 6 or 10 digits, dots optional).
#[wasm_bindgen(js_name = validateRegionCode, unchecked_return_type = "Outcome<RegionInfo>")]
pub fn validate_region_code(
    #[wasm_bindgen(unchecked_param_type = "unknown")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Options")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    let (locale, as_of, _) = read_options(&options)?;
    Ok(
        match text_input(&input).and_then(|s| KodeWilayah::parse(&s)) {
            Ok(k) => valid(region_info(&k), as_of),
            Err(e) => invalid(&e, locale, as_of),
        },
    )
}

/// A valid region code as `RegionInfo`.
pub(crate) fn region_info(k: &KodeWilayah) -> Value {
    let parents: Vec<String> = std::iter::successors(k.parent(), KodeWilayah::parent)
        .map(|p| p.to_string())
        .collect();
    json!({
        "code": k.to_string(),
        "plain": k.as_plain(),
        "level": k.level(),
        "kind": k.kind(),
        "province_name": k.province_name(),
        "parents": parents,
    })
}

/// Validates a whole family (Kartu Keluarga) with its cross-field rules.
#[wasm_bindgen(js_name = validateFamily, unchecked_return_type = "Outcome<Family>")]
pub fn validate_family(
    #[wasm_bindgen(unchecked_param_type = "RawFamily | unknown")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "FamilyOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    let (locale, as_of, opts) = read_options(&options)?;
    let mut fo = FamilyOptions::new(as_of);
    let gap = opts
        .get("min_parent_child_gap_years")
        .filter(|v| !v.is_null())
        .or_else(|| opts.get("minParentChildGapYears"));
    match gap {
        None | Some(Value::Null) => {}
        Some(v) => {
            let years = v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| {
                    JsError::new("options.min_parent_child_gap_years must be a whole number")
                })?;
            fo = fo.with_min_parent_child_gap_years(years);
        }
    }
    let raw = convert::to_value(&input);
    Ok(match Family::from_value(&raw, &fo) {
        Ok(fam) => valid(serde_json::to_value(&fam).unwrap_or(Value::Null), as_of),
        Err(e) => invalid(&e, locale, as_of),
    })
}

/// The code lists a form offers (relationship, marital status, drinking
/// water, latrine, KB method), each `{code, label_id, label_en, label}`
/// with `label` in the requested locale.
#[wasm_bindgen(js_name = codeLists, unchecked_return_type = "CodeLists")]
pub fn code_lists(
    #[wasm_bindgen(unchecked_param_type = "Options")] options: Option<JsValue>,
) -> Result<JsValue, JsError> {
    let (locale, _, _) = read_options(&options)?;
    let mut out = serde_json::Map::new();
    for (name, list) in kampung_core::codes::ALL {
        let entries: Vec<Value> = list
            .iter()
            .map(|e| {
                json!({
                    "code": e.code, "label_id": e.label_id, "label_en": e.label_en,
                    "label": match locale { Locale::Id => e.label_id, Locale::En => e.label_en },
                })
            })
            .collect();
        out.insert(name.to_owned(), Value::Array(entries));
    }
    Ok(convert::to_js(&Value::Object(out)))
}

/// Every stable error code, in registry order.
#[wasm_bindgen(js_name = listErrorCodes, unchecked_return_type = "ErrorCode[]")]
pub fn list_error_codes() -> JsValue {
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    convert::to_js(&codes)
}
