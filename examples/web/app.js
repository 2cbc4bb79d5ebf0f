// A Posyandu / family-data cadre's form. Every rule runs in the browser
// through the kampung WebAssembly package; nothing is sent anywhere.
import init, * as kampung from "/bindings-wasm/pkg/web/kampung.js";

const T = {
  id: {
    title: "Formulir Keluarga & Pengukuran Anak", language: "Bahasa", loading: "Memuat validator…",
    ready: "Validator siap (kampung WebAssembly).", family: "Keluarga (Kartu Keluarga)", no_kk: "Nomor KK",
    region_code: "Kode wilayah (desa/kelurahan)", members: "Anggota keluarga", add_member: "+ Tambah anggota",
    housing: "Rumah tangga", water_source: "Sumber air minum utama", latrine: "Jamban",
    septic_tank: "Dengan tangki septik", wife_pregnant: "Istri sedang hamil",
    child: "Pengukuran anak (Posyandu)", sex: "Jenis kelamin", male: "Laki-laki", female: "Perempuan",
    birth_date: "Tanggal lahir", measured_on: "Tanggal pengukuran", weight: "Berat badan (kg)",
    length: "Panjang/tinggi badan (cm)", measure: "Cara ukur", lying: "Berbaring (panjang badan)",
    standing: "Berdiri (tinggi badan)", oedema: "Edema bilateral",
    footer: "Dihitung di peramban dengan kampung (WebAssembly). Tidak ada data yang dikirim.",
    name: "Nama", nik: "NIK", relationship: "Hubungan (SHDK)", marital_status: "Status kawin", remove: "Hapus",
    sexopt: ["Laki-laki", "Perempuan"],
    rel: ["Kepala keluarga", "Suami", "Istri", "Anak", "Menantu", "Cucu", "Orang tua", "Mertua", "Famili lain", "Pembantu", "Lainnya"],
    mar: ["Belum kawin", "Kawin", "Cerai hidup", "Cerai mati"],
    indicator: "Indeks", zscore: "Z-score", category: "Kategori (Permenkes 2/2020)",
    flagged: "Tidak wajar (flag WHO) — periksa ulang pengukuran", missing: "Tidak dapat dihitung",
    bb_u: "BB/U", pb_tb_u: "PB/U atau TB/U", bb_pb_tb: "BB/PB atau BB/TB", imt_u: "IMT/U",
    age: "Umur", days: "hari", months: "bulan", stunted: "Stunting (TB/U < −2 SD)", yes: "Ya", no: "Tidak",
    c9mo: "Anak < 9 bulan diukur berdiri: cara ukur diabaikan (aturan WHO).",
    sasaran: "Keluarga sasaran", at_risk: "Berisiko stunting (KRS)", pus: "PUS", four_t: "4 Terlalu",
    region_hint: (r) => `${kindName.id[r.kind] ?? r.kind} · ${r.province_name}`,
    previous_weighings: "Penimbangan sebelumnya (KMS)", add_weighing: "+ Tambah penimbangan",
    weighing_date: "Tanggal", weighing_kg: "Berat (kg)", this_weighing: "Penimbangan ini",
    gain: "Kenaikan", kbm: "KBM", refer: "Rujuk", two_t: "2T (dua kali tidak naik)",
  },
  en: {
    title: "Family & Child Measurement Form", language: "Language", loading: "Loading validator…",
    ready: "Validator ready (kampung WebAssembly).", family: "Family (family card)", no_kk: "Family card number (Nomor KK)",
    region_code: "Region code (village)", members: "Family members", add_member: "+ Add member",
    housing: "Household", water_source: "Main drinking-water source", latrine: "Latrine",
    septic_tank: "With septic tank", wife_pregnant: "Wife is pregnant",
    child: "Child measurement (Posyandu)", sex: "Sex", male: "Male", female: "Female",
    birth_date: "Date of birth", measured_on: "Measurement date", weight: "Weight (kg)",
    length: "Length/height (cm)", measure: "Position", lying: "Lying (length)", standing: "Standing (height)",
    oedema: "Bilateral oedema", footer: "Computed in your browser by kampung (WebAssembly). No data leaves the page.",
    name: "Name", nik: "NIK", relationship: "Relationship (SHDK)", marital_status: "Marital status", remove: "Remove",
    sexopt: ["Male", "Female"],
    rel: ["Head of family", "Husband", "Wife", "Child", "Child-in-law", "Grandchild", "Parent", "Parent-in-law", "Other relative", "Household help", "Other"],
    mar: ["Never married", "Married", "Divorced", "Widowed"],
    indicator: "Index", zscore: "Z-score", category: "Category (Permenkes 2/2020)",
    flagged: "Implausible (WHO flag) — check the measurement", missing: "Cannot be computed",
    bb_u: "Weight-for-age", pb_tb_u: "Length/height-for-age", bb_pb_tb: "Weight-for-length/height", imt_u: "BMI-for-age",
    age: "Age", days: "days", months: "months", stunted: "Stunted (HAZ < −2 SD)", yes: "Yes", no: "No",
    c9mo: "Child under 9 months measured standing: position ignored (WHO rule).",
    sasaran: "Target family (keluarga sasaran)", at_risk: "At risk of stunting (KRS)", pus: "Couple of reproductive age (PUS)",
    four_t: "4T (too young/old/close/many)",
    region_hint: (r) => `${kindName.en[r.kind] ?? r.kind} · ${r.province_name}`,
    previous_weighings: "Earlier weighings (KMS)", add_weighing: "+ Add weighing",
    weighing_date: "Date", weighing_kg: "Weight (kg)", this_weighing: "This weighing",
    gain: "Gain", kbm: "Minimum gain (KBM)", refer: "Refer", two_t: "2T (not gaining twice in a row)",
  },
};
const kindName = {
  id: { provinsi: "Provinsi", kabupaten: "Kabupaten", kota: "Kota", kecamatan: "Kecamatan", kelurahan: "Kelurahan", desa: "Desa", desa_adat: "Desa adat" },
  en: { provinsi: "Province", kabupaten: "Regency", kota: "City", kecamatan: "District", kelurahan: "Urban village", desa: "Village", desa_adat: "Customary village" },
};
const REL = ["kepala_keluarga", "suami", "istri", "anak", "menantu", "cucu", "orang_tua", "mertua", "famili_lain", "pembantu", "lainnya"];
const MAR = ["belum_kawin", "kawin", "cerai_hidup", "cerai_mati"];

let lang = "id";
const touched = new Set();
const $ = (sel, root = document) => root.querySelector(sel);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const fmt = (x) => (x === null || x === undefined ? "—" : lang === "id" ? String(x).replace(".", ",") : String(x));

function applyLanguage() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) {
    const v = T[lang][el.dataset.i18n];
    if (typeof v === "string") el.textContent = v;
  }
  for (const sel of document.querySelectorAll("select[data-kind]")) {
    const labels = T[lang][sel.dataset.kind];
    [...sel.options].slice(1).forEach((o, i) => { o.textContent = labels[i]; });
  }
  if (ready) { $("#status").textContent = T[lang].ready; validateAll(); }
}

// ---- members ---------------------------------------------------------------
function memberRow(i) {
  const div = document.createElement("div");
  div.className = "member";
  div.dataset.index = i;
  const f = (key, input) => `
    <div class="field"><label data-i18n="${key}">${T[lang][key]}</label>${input}
    <p class="error" data-error-for="members[${i}].${key}" role="alert"></p></div>`;
  const opts = (kind, values) => `<option value=""></option>` + values.map((v, k) => `<option value="${v}">${T[lang][kind][k]}</option>`).join("");
  div.innerHTML =
    f("name", `<input data-field="members[${i}].name" autocomplete="off">`) +
    f("nik", `<input data-field="members[${i}].nik" inputmode="numeric" autocomplete="off" maxlength="20">`) +
    f("sex", `<select data-kind="sexopt" data-field="members[${i}].sex">${opts("sexopt", ["L", "P"])}</select>`) +
    f("birth_date", `<input type="date" data-field="members[${i}].birth_date">`) +
    f("relationship", `<select data-kind="rel" data-field="members[${i}].relationship">${opts("rel", REL)}</select>`) +
    f("marital_status", `<select data-kind="mar" data-field="members[${i}].marital_status">${opts("mar", MAR)}</select>`) +
    `<button type="button" class="remove" data-i18n="remove">${T[lang].remove}</button>`;
  div.querySelector(".remove").addEventListener("click", () => { div.remove(); renumber(); validateFamilyForm(); });
  return div;
}
function renumber() {
  [...document.querySelectorAll("#members .member")].forEach((div, i) => {
    div.dataset.index = i;
    for (const el of div.querySelectorAll("[data-field]")) el.dataset.field = el.dataset.field.replace(/members\[\d+\]/, `members[${i}]`);
    for (const el of div.querySelectorAll("[data-error-for]")) el.dataset.errorFor = el.dataset.errorFor.replace(/members\[\d+\]/, `members[${i}]`);
  });
}
function addMember() {
  const i = document.querySelectorAll("#members .member").length;
  $("#members").appendChild(memberRow(i));
}

// ---- showing errors beside fields -----------------------------------------
function showErrors(form, errors, prefix = "") {
  const byField = new Map();
  for (const e of errors) {
    const field = prefix && e.field.startsWith(prefix) ? e.field.slice(prefix.length) : e.field;
    if (!byField.has(field)) byField.set(field, []);
    byField.get(field).push(e.message);
  }
  for (const p of form.querySelectorAll("[data-error-for]")) {
    const f = p.dataset.errorFor;
    const msgs = touched.has(f) || (f === "members" && touched.size > 0) ? byField.get(f) ?? [] : [];
    p.textContent = msgs.join(" ");
    const input = form.querySelector(`[data-field="${f}"]`) ?? form.querySelector(`[name="${f}"]`);
    if (input) input.setAttribute("aria-invalid", msgs.length ? "true" : "false");
  }
}

// ---- family ------------------------------------------------------------------
function familyInput() {
  const members = [...document.querySelectorAll("#members .member")].map((div) => {
    const m = {};
    for (const el of div.querySelectorAll("[data-field]")) m[el.dataset.field.split(".").pop()] = el.value;
    return m;
  });
  return { no_kk: $("#no_kk").value, region_code: $("#region_code").value, members };
}

function validateFamilyForm() {
  const form = $("#family-form");
  const region = kampung.validateRegionCode($("#region_code").value, { locale: lang });
  $("[data-hint-for=region_code]").textContent = region.status === "valid" ? T[lang].region_hint(region.value) : "";
  const family = familyInput();
  const out = kampung.validateFamily(family, { locale: lang });
  if (out.status === "invalid") {
    showErrors(form, out.errors);
    $("#family-result").innerHTML = "";
    return;
  }
  const krsInput = {
    family,
    housing: {
      water_source: $("#water_source").value || null,
      latrine: $("#latrine").value || null,
      septic_tank: $("#latrine").value && $("#latrine").value !== "tidak_ada" ? $("#septic_tank").checked : null,
    },
    wife_pregnant: $("#wife_pregnant").checked,
  };
  const today = new Date().toISOString().slice(0, 10);
  const krs = kampung.evaluateKrs(krsInput, { locale: lang, asOf: today });
  if (krs.status === "invalid") {
    // The family itself is valid: now the household fields are what is missing.
    for (const f of ["housing.water_source", "housing.latrine", "housing.septic_tank", "wife_pregnant"]) touched.add(f);
    showErrors(form, krs.errors.map((e) => ({ ...e, field: e.field.replace(/^family\./, "") })));
    $("#family-result").innerHTML = "";
    return;
  }
  showErrors(form, []);
  const r = krs.value;
  const badge = (b) => `<span class="badge muted">${b ? T[lang].yes : T[lang].no}</span>`;
  const list = (xs) => (xs.length ? `<ul class="reasons">${xs.map((x) => `<li data-code="${esc(x.code)}">${esc(x.explanation)}</li>`).join("")}</ul>` : "");
  const ft = Object.entries(r.four_t).filter(([, v]) => v).map(([k]) => k.replace("_", " ")).join(", ") || "—";
  $("#family-result").innerHTML = `<table>
    <tr><th>${T[lang].pus}</th><td>${badge(r.pus)}</td></tr>
    <tr><th>${T[lang].four_t}</th><td>${esc(ft)}</td></tr>
    <tr><th>${T[lang].sasaran}</th><td>${badge(r.sasaran)}${list(r.sasaran_reasons)}</td></tr>
    <tr><th>${T[lang].at_risk}</th><td id="krs-at-risk">${r.at_risk ? `<span class="badge bad">${T[lang].yes}</span>` : `<span class="badge ok">${T[lang].no}</span>`}${list(r.risk_factors)}</td></tr>
  </table>`;
}

// ---- child measurement --------------------------------------------------------
function childInput() {
  return {
    sex: $("#c_sex").value, birthDate: $("#c_birth").value, measuredOn: $("#c_date").value,
    weightKg: $("#c_weight").value, lengthCm: $("#c_length").value, measure: $("#c_measure").value,
    oedema: $("#c_oedema").checked,
  };
}
function category(c) {
  if (c.status === "category") {
    const tone = ["normal", "normal_weight", "good_nutrition"].includes(c.code) ? "ok" : "warn";
    return `<span class="badge ${tone}" data-code="${esc(c.code)}">${esc(c.label)}</span>`;
  }
  if (c.status === "flagged") return `<span class="badge bad" data-code="flagged">${T[lang].flagged}</span>`;
  return `<span class="badge muted" data-code="missing">${T[lang].missing}</span>`;
}
function validateChildForm() {
  const form = $("#child-form");
  const out = kampung.growthZscores(childInput(), { locale: lang });
  if (out.status === "invalid") {
    showErrors(form, out.errors);
    $("#child-result").innerHTML = "";
    return;
  }
  showErrors(form, []);
  const v = out.value;
  const row = (key, z, flag, cls) =>
    `<tr data-index="${key}"><th>${T[lang][key]}</th><td class="z">${fmt(z)}${flag === 1 ? " ⚑" : ""}</td><td>${category(cls)}</td></tr>`;
  $("#child-result").innerHTML = `
    <p>${T[lang].age}: ${v.age_days} ${T[lang].days} (${fmt(Math.floor(v.age_months))} ${T[lang].months}) · WHO ${v.reference === "who2006" ? "2006" : "2007"}</p>
    ${v.c9mo_flag ? `<p class="hint">${T[lang].c9mo}</p>` : ""}
    <table><thead><tr><th>${T[lang].indicator}</th><th>${T[lang].zscore}</th><th>${T[lang].category}</th></tr></thead><tbody>
    ${row("bb_u", v.zwei, v.fwei, v.bb_u)}
    ${row("pb_tb_u", v.zlen, v.flen, v.pb_tb_u)}
    ${row("bb_pb_tb", v.zwfl, v.fwfl, v.bb_pb_tb)}
    ${row("imt_u", v.zbmi, v.fbmi, v.imt_u)}
    </tbody></table>
    <p id="stunted">${T[lang].stunted}: <b>${v.stunted === null ? "—" : v.stunted ? T[lang].yes : T[lang].no}</b></p>`;
}

// ---- monthly weighing: N/T against the earlier weighings (KMS) ----------------
function weighingRow(i) {
  const div = document.createElement("div");
  div.className = "row weighing";
  div.innerHTML = `
    <div class="field"><label data-i18n="weighing_date">${T[lang].weighing_date}</label>
      <input type="date" data-prev="date" data-field="previous[${i}].date">
      <p class="error" data-error-for="previous[${i}].date" role="alert"></p></div>
    <div class="field"><label data-i18n="weighing_kg">${T[lang].weighing_kg}</label>
      <input data-prev="weightKg" data-field="previous[${i}].weightKg" inputmode="decimal" autocomplete="off">
      <p class="error" data-error-for="previous[${i}].weightKg" role="alert"></p></div>`;
  return div;
}
function addWeighing() {
  $("#previous-weighings").appendChild(weighingRow(document.querySelectorAll("#previous-weighings .weighing").length));
}
function previousWeighings() {
  return [...document.querySelectorAll("#previous-weighings .weighing")]
    .map((div) => ({ date: $("[data-prev=date]", div).value, weightKg: $("[data-prev=weightKg]", div).value }))
    .filter((w) => w.date !== "" || w.weightKg !== "");
}
function validateWeighing() {
  const previous = previousWeighings();
  const box = $("#weighing-result");
  const errorsFor = (errs) => {
    for (const p of document.querySelectorAll("#previous-weighings [data-error-for]")) {
      const msgs = errs.filter((e) => e.field === p.dataset.errorFor).map((e) => e.message);
      p.textContent = msgs.join(" ");
      $(`[data-field="${p.dataset.errorFor}"]`)?.setAttribute("aria-invalid", msgs.length ? "true" : "false");
    }
  };
  const c = childInput();
  if (previous.length === 0 || !c.weightKg || !c.measuredOn) { errorsFor([]); box.innerHTML = ""; return; }
  const out = kampung.assessWeighing(
    { sex: c.sex, birthDate: c.birthDate, previous, current: { date: c.measuredOn, weightKg: c.weightKg } },
    { locale: lang });
  if (out.status === "invalid") {
    errorsFor(out.errors);
    const other = out.errors.filter((e) => !e.field.startsWith("previous"));
    box.innerHTML = other.length ? `<ul class="reasons" id="weighing-errors">${other.map((e) => `<li data-code="${esc(e.code)}">${esc(e.message)}</li>`).join("")}</ul>` : "";
    return;
  }
  errorsFor([]);
  const a = out.value;
  const tone = { N: "ok", T: "bad", O: "muted", B: "muted" }[a.code];
  const g = (x) => (x === null ? "—" : `${x} g`);
  box.innerHTML = `
    <p>${T[lang].this_weighing}: <span id="weighing-code" class="badge ${tone}" data-code="${a.code}">${esc(a.code)} · ${esc(a.code_label)}</span>
      ${a.two_t ? `<span class="badge bad" id="weighing-2t">${T[lang].two_t}</span>` : ""}</p>
    <table><tbody>
      <tr><th>${T[lang].gain}</th><td id="weighing-gain">${g(a.gain_g)}</td></tr>
      <tr><th>${T[lang].kbm}</th><td id="weighing-kbm">${g(a.kbm_g)}</td></tr>
      <tr><th>${T[lang].refer}</th><td id="weighing-refer" data-refer="${a.refer}">${a.refer ? `<span class="badge bad">${T[lang].yes}</span>` : `<span class="badge ok">${T[lang].no}</span>`}</td></tr>
    </tbody></table>
    <p id="weighing-message">${esc(a.message)}</p>
    ${a.warnings.length ? `<ul class="reasons">${a.warnings.map((w) => `<li data-code="${esc(w.code)}">${esc(w.message)}</li>`).join("")}</ul>` : ""}`;
}

function validateAll() { validateFamilyForm(); validateChildForm(); validateWeighing(); }

// ---- wiring ------------------------------------------------------------------
let ready = false;
function fieldKey(el) { return el.dataset.field ?? el.name ?? el.id; }
function onEdit(form, validate) {
  const handler = (ev) => {
    const el = ev.target;
    if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement)) return;
    if (ev.type !== "input" || el.type !== "date") touched.add(fieldKey(el));
    if (el.id === "water_source" || el.id === "latrine" || el.id === "septic_tank") touched.add("housing." + el.id);
    validate();
  };
  form.addEventListener("input", handler);
  form.addEventListener("change", handler);
  form.addEventListener("focusout", handler);
}

await init();
ready = true;
addMember();
$("#add-member").addEventListener("click", () => { addMember(); validateFamilyForm(); });
onEdit($("#family-form"), validateFamilyForm);
onEdit($("#child-form"), () => { validateChildForm(); validateWeighing(); });
addWeighing();
$("#add-weighing").addEventListener("click", () => { addWeighing(); validateWeighing(); });
$("#lang").addEventListener("change", (e) => { lang = e.target.value; applyLanguage(); });
applyLanguage();
document.body.dataset.ready = "true";
