// The web developer's frictions of issue 16 (point 12), reproduced as a form
// meets them: local calendar dates, asOf in growthZscores, the package's
// exports map and synchronous init, dotted error paths, the Standard Schema
// adapter driven by a real form library (TanStack Form), code lists and one
// casing convention.
process.env.TZ = "Asia/Jakarta"; // UTC+7: a local midnight is the previous day in UTC

import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { execFileSync } from "node:child_process";

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, "..", "pkg");
const require = createRequire(import.meta.url);
const kampung = require(join(pkgDir, "node", "kampung.js"));

// A project that installed the package: node_modules/kampung -> pkg.
const project = mkdtempSync(join(tmpdir(), "kampung-consumer-"));
mkdirSync(join(project, "node_modules"));
symlinkSync(pkgDir, join(project, "node_modules", "kampung"), "dir");
writeFileSync(join(project, "package.json"), '{ "type": "module" }\n');
function run(code, args = []) {
  const f = join(project, `t${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(f, code);
  return execFileSync(process.execPath, [...args, f], { cwd: project, encoding: "utf8" }).trim();
}

const member = (over = {}) => ({ name: "Budi", sex: "L", birth_date: "1985-01-01", relationship: "kepala_keluarga", marital_status: "kawin", ...over });
const family = (members) => ({ no_kk: "6472052301150007", region_code: "64.72.05.1001", members });

test("a JS Date from a date picker is its local calendar day, not the UTC day", () => {
  const picked = new Date(2020, 0, 15); // local midnight in Jakarta = 2020-01-14T17:00Z
  assert.equal(picked.toISOString().slice(0, 10), "2020-01-14");
  const out = kampung.validateFamily(family([member({ birth_date: picked })]), { as_of: new Date(2026, 0, 15) });
  assert.equal(out.status, "valid", JSON.stringify(out));
  assert.equal(out.value.members[0].birth_date, "2020-01-15");
  assert.equal(out.as_of, "2026-01-15");
});

test("growthZscores honours as_of: a measurement typed as 2052 is flagged", () => {
  const form = { sex: "P", birthDate: "2024-01-10", measuredOn: "2052-07-01", weightKg: 8.4 };
  const out = kampung.growthZscores(form, { asOf: "2026-01-15", locale: "en" });
  assert.equal(out.status, "invalid");
  assert.deepEqual(out.errors.map((e) => [e.field, e.code]), [["measuredOn", "date_in_future"]]);
  // Without as_of the default is today's local date, and the outcome says which.
  const today = new Date();
  const local = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-${String(today.getDate()).padStart(2, "0")}`;
  assert.equal(kampung.growthZscores(form).as_of, local);
});

test("one casing convention: snake_case keys and options, camelCase accepted as aliases", () => {
  const snake = kampung.growthZscores({ sex: "P", birth_date: "2024-01-10", measured_on: "2025-07-01", weight_kg: "8,4" }, { as_of: "2026-01-15" });
  const camel = kampung.growthZscores({ sex: "P", birthDate: "2024-01-10", measuredOn: "2025-07-01", weightKg: "8,4" }, { asOf: "2026-01-15" });
  assert.equal(snake.status, "valid");
  assert.deepEqual(snake, camel);
  const bad = kampung.growthZscores({ sex: "P", birth_date: "2024-01-10", measured_on: "2025-07-01", weight_kg: "x" }, { as_of: "2026-01-15" });
  assert.deepEqual(bad.errors.map((e) => e.field), ["weight_kg"]); // the caller's own key
  const young = family([member(), member({ name: "A", birth_date: "1990-01-01", relationship: "anak", marital_status: "belum_kawin" })]);
  assert.equal(kampung.validateFamily(young, { as_of: "2026-01-15" }).status, "invalid"); // 5 years < 10
  assert.equal(kampung.validateFamily(young, { as_of: "2026-01-15", min_parent_child_gap_years: 5 }).status, "valid");
  assert.equal(kampung.validateFamily(young, { asOf: "2026-01-15", minParentChildGapYears: 5 }).status, "valid");
});

test("errors carry the dotted path form libraries use", () => {
  const out = kampung.validateFamily(family([member(), member({ name: "X", birth_date: "2030-01-01", relationship: "anak" })]), { asOf: "2026-01-15" });
  assert.equal(out.status, "invalid");
  const e = out.errors.find((x) => x.code === "date_in_future");
  assert.equal(e.field, "members[1].birth_date");
  assert.equal(e.name, "members.1.birth_date");
});

test("code lists with Indonesian and English labels", () => {
  const id = kampung.codeLists({ locale: "id" });
  const en = kampung.codeLists({ locale: "en" });
  assert.deepEqual(Object.keys(id).sort(), ["kb_method", "latrine", "marital_status", "relationship", "water_source"]);
  assert.equal(id.relationship.length, 11);
  assert.deepEqual(id.marital_status.map((c) => c.code),
    ["belum_kawin", "kawin_tercatat", "kawin_belum_tercatat", "kawin", "cerai_hidup", "cerai_mati"]);
  assert.equal(id.kb_method.find((c) => c.code === "injectable_3_month").label, "Suntik 3 bulan");
  assert.equal(en.kb_method.find((c) => c.code === "injectable_3_month").label, "3-month injectable");
  // Every code is accepted by the validators.
  for (const c of id.marital_status) {
    const out = kampung.validateFamily(family([member({ marital_status: c.label })]), { asOf: "2026-01-15" });
    assert.equal(out.status, "valid", c.label);
  }
});

test("exports map: node condition, require, browser condition with synchronous init", () => {
  const viaImport = run(`import init, { validateNik } from "kampung";
    await init();
    console.log(validateNik("3174064509870003", { asOf: "2026-01-15" }).value.birth_date);`);
  assert.equal(viaImport, "1987-09-05");
  const viaRequire = run(`import { createRequire } from "node:module";
    const k = createRequire(import.meta.url)("kampung");
    console.log(typeof k.validateFamily);`);
  assert.equal(viaRequire, "function");
  const browser = run(`import { readFileSync } from "node:fs";
    const url = import.meta.resolve("kampung");
    const m = await import(url);
    m.initSync({ module: readFileSync(new URL("./kampung_bg.wasm", url)) });
    console.log(url.endsWith("/web/kampung.js"), m.validateNomorKk("6472052301150007").status);`, ["--conditions=browser"]);
  assert.equal(browser, "true valid");
  const bundler = run(`console.log(import.meta.resolve("kampung/bundler").endsWith("/bundler/kampung.js"));`);
  assert.equal(bundler, "true");
});

const formCore = resolve(here, "..", "..", "tools", "js", "node_modules", "@tanstack", "form-core");
test("Standard Schema: TanStack Form validates a family with kampung directly", { skip: !existsSync(formCore) && "npm ci in tools/js" }, async () => {
  const { FormApi } = await import(pathToFileURL(join(formCore, "dist", "esm", "index.js")).href);
  const { familySchema, nikSchema } = await import(pathToFileURL(join(pkgDir, "node", "standard-schema.mjs")).href);
  const schema = familySchema({ as_of: "2026-01-15", locale: "en" });
  assert.equal(schema["~standard"].version, 1);
  assert.equal(schema["~standard"].vendor, "kampung");
  const form = new FormApi({
    defaultValues: family([member({ birth_date: "2030-01-01" })]),
    validators: { onChange: schema },
  });
  form.mount();
  await form.validate("change");
  const fieldErrors = form.state.errorMap.onChange;
  assert.ok(fieldErrors, "the form has errors");
  const issues = fieldErrors["members[0].birth_date"];
  assert.equal(issues[0].message, "The date must not be after the reference date 2026-01-15.");
  form.setFieldValue("members", [member()]);
  await form.validate("change");
  assert.equal(form.state.errorMap.onChange, undefined);
  assert.equal(form.state.isValid, true);
  // A field-level schema.
  const nik = nikSchema({ asOf: "2026-01-15", locale: "en" });
  assert.deepEqual(nik["~standard"].validate("123").issues.map((i) => i.code), ["nik_length"]);
  assert.equal(nik["~standard"].validate("3174064509870003").value.sex, "female");
});

test("a misspelt form key is an error at the caller's own key, never ignored", () => {
  const out = kampung.growthZscores({ sex: "P", birthDate: "2024-01-10", measuredOn: "2025-07-01", heightCm: 70 }, { asOf: "2026-01-15", locale: "en" });
  assert.equal(out.status, "invalid");
  assert.deepEqual(out.errors.map((e) => [e.field, e.code]), [["heightCm", "unknown_field"]]);
});
