// A sample of WHO anthro's golden output through the single-child WASM
// function, as a web form calls it (dates, not ages).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const kampung = require(join(here, "..", "pkg", "node", "kampung.js"));
const shared = process.env.KAMPUNG_SHARED_DIR ?? resolve(here, "..", "..", "..", "shared");
const golden = join(shared, "data", "who-growth", "testdata", "anthro_r_golden_random_100k.csv");
const present = existsSync(golden);
if (!present && process.env.CI === "true") throw new Error(`WHO golden data not found at ${golden}`);

function readCsv(path) {
  const [head, ...lines] = readFileSync(path, "utf8").trim().split("\n");
  const cols = head.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v])));
}
const num = (s) => (s === "" || s === "NA" ? null : Number(s));
const addDays = (iso, days) => new Date(Date.parse(iso) + days * 86400000).toISOString().slice(0, 10);

test("growthZscores equals WHO anthro on a sample of the 100k golden file", { skip: !present && "golden data absent" }, () => {
  const rows = readCsv(golden).filter((r, i) => i % 25 === 0 && Number(r.age_days) < 1826);
  assert.ok(rows.length > 3500);
  let compared = 0;
  for (const r of rows) {
    const birthDate = "2019-03-01";
    const out = kampung.growthZscores({
      sex: r.sex, birthDate, measuredOn: addDays(birthDate, Number(r.age_days)),
      weightKg: Number(r.weight), lengthCm: Number(r.lenhei), measure: r.measure,
    }, { locale: "en" });
    assert.equal(out.status, "valid", JSON.stringify(out));
    const v = out.value;
    for (const k of ["zlen", "flen", "zwei", "fwei", "zwfl", "fwfl", "zbmi", "fbmi"]) {
      // === (not Object.is): R, like kampung, may round a tiny negative z to -0.
      assert.ok(v[k] === num(r[k]), `row ${r.id} ${k}: ${v[k]} vs ${r[k]}`);
      compared++;
    }
    // clenhei is written with 15 significant digits in the file (R's print).
    assert.equal(Number(v.clenhei.toPrecision(15)), num(r.clenhei), `row ${r.id} clenhei`);
    assert.equal(v.stunted, v.zlen === null || v.flen === 1 ? null : v.zlen < -2);
  }
  assert.ok(compared > 30000);
});

test("growthZscores: labels follow the locale; flagged values are not classified", () => {
  const form = { sex: "P", birthDate: "2024-01-10", measuredOn: "2025-07-01", weightKg: "8,4", lengthCm: "72,5", measure: "l" };
  const id = kampung.growthZscores(form, { locale: "id" }).value;
  const en = kampung.growthZscores(form, { locale: "en" }).value;
  assert.equal(id.pb_tb_u.status, "category");
  assert.equal(id.pb_tb_u.label, id.pb_tb_u.label_id);
  assert.equal(en.pb_tb_u.label, en.pb_tb_u.label_en);
  const absurd = kampung.growthZscores({ ...form, lengthCm: 40 }, { locale: "en" }).value;
  assert.equal(absurd.flen, 1);
  assert.deepEqual(absurd.pb_tb_u, { status: "flagged" });
});

test("growthZscores: form errors name the form's own fields", () => {
  const out = kampung.growthZscores({ sex: "X", birthDate: "2025-01-01", measuredOn: "2024-01-01", weightKg: "abc" }, { locale: "id" });
  assert.equal(out.status, "invalid");
  assert.deepEqual(out.errors.map((e) => [e.field, e.code]), [
    ["sex", "sex_invalid"], ["weightKg", "invalid_type"],
  ]);
  const before = kampung.growthZscores({ sex: "L", birthDate: "2025-01-01", measuredOn: "2024-01-01" }, { locale: "id" });
  assert.deepEqual(before.errors.map((e) => [e.field, e.code]), [["measuredOn", "measured_before_birth"]]);
});
