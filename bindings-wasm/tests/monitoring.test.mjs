// Growth monitoring through the WASM package in Node: every fixture of
// tests/fixtures/monitoring through monitorVisits, the last weighing of each
// single-child weights-only fixture through assessWeighing (the form's
// function), and the form's errors and messages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const kampung = require(join(here, "..", "pkg", "node", "kampung.js"));
const dir = join(here, "..", "..", "tests", "fixtures", "monitoring");
const cases = readdirSync(dir).filter((f) => f.endsWith(".json")).sort()
  .map((f) => [f, JSON.parse(readFileSync(join(dir, f), "utf8"))]);
assert.ok(cases.length >= 30);

const same = (got, want) =>
  typeof want === "number" && typeof got === "number" ? Math.round(got * 100) === Math.round(want * 100)
    : JSON.stringify(got) === JSON.stringify(want);

function check(what, got, want) {
  for (const [k, w] of Object.entries(want)) assert.ok(same(got[k] ?? null, w), `${what}.${k}: got ${JSON.stringify(got[k])}, want ${JSON.stringify(w)}`);
}

function jsOptions(options) {
  const { as_of, ...rest } = options;
  return as_of === undefined ? rest : { ...rest, asOf: as_of };
}

for (const [file, c] of cases) {
  test(`monitorVisits ${file}`, () => {
    const out = kampung.monitorVisits(c.input, jsOptions(c.options));
    assert.equal(out.status, "valid", JSON.stringify(out));
    const v = out.value;
    (c.expected.visits ?? []).forEach((want, i) => check(`visit ${i}`, v.visits[i], want));
    if (c.expected.errors) {
      assert.equal(v.errors.length, c.expected.errors.length);
      c.expected.errors.forEach((want, i) => check(`error ${i}`, v.errors[i], want));
    }
    (c.expected.skdn ?? []).forEach((want, i) => check(`skdn ${i}`, v.skdn[i], want));
  });
}

// The form: each single-child, weights-only fixture, its last visit entered
// after the others (when the last is the latest and coded).
for (const [file, c] of cases) {
  const { children, visits } = c.input;
  const last = visits.length - 1;
  const want = c.expected.visits?.[last];
  const simple = children.length === 1 && visits.length > 1 && visits.every((v) => Object.keys(v).length === 3)
    && want?.code && visits.every((v, i) => i === last || v.visit_date < visits[last].visit_date)
    && !c.expected.errors;
  if (!simple) continue;
  test(`assessWeighing ${file}`, () => {
    const input = {
      sex: children[0].sex, birthDate: children[0].birth_date,
      previous: visits.slice(0, last).map((v) => ({ date: v.visit_date, weightKg: v.weight_kg })),
      current: { date: visits[last].visit_date, weightKg: visits[last].weight_kg },
    };
    const out = kampung.assessWeighing(input, { ...jsOptions(c.options), asOf: "2025-01-01" });
    assert.equal(out.status, "valid", JSON.stringify(out));
    const a = out.value;
    for (const k of ["code", "gain_g", "kbm_g", "kbm_age_months", "t_run", "two_t", "waz", "bgm", "above_orange", "refer"]) {
      if (k in want) assert.ok(same(a[k], want[k]), `${k}: got ${a[k]}, want ${want[k]}`);
    }
    if ("refer_reasons" in want) assert.deepEqual(a.refer_reasons.map((r) => r.code), want.refer_reasons);
  });
}

test("assessWeighing: N/T message with KBM, gain and referral in Indonesian and English", () => {
  const input = { sex: "P", birthDate: "2023-08-10",
    previous: [{ date: "2024-01-11", weightKg: 7.0 }], current: { date: "2024-02-12", weightKg: "7,0" } };
  const id = kampung.assessWeighing(input, { asOf: "2024-06-30" }).value;
  assert.equal(id.code, "T");
  assert.equal(id.message, "Tidak naik (T): kenaikan 0 g kurang dari KBM 400 g. Rujuk ke Puskesmas: Berat badan tidak naik (T).");
  const en = kampung.assessWeighing(input, { asOf: "2024-06-30", locale: "en" }).value;
  assert.equal(en.message, "Not gaining (T): gain of 0 g is below the minimum of 400 g. Refer to the Puskesmas: Weight not gaining (T).");
  assert.deepEqual(en.previous_codes, ["B"]);
  const legacy = kampung.assessWeighing(input, { asOf: "2024-06-30", rules: "legacy_2t", locale: "en" }).value;
  assert.equal(legacy.refer, false);
  assert.equal(legacy.message, "Not gaining (T): gain of 0 g is below the minimum of 400 g. No referral needed.");
});

test("assessWeighing: errors name the weighing and field, in camelCase", () => {
  const out = kampung.assessWeighing({ sex: "L", birthDate: "2023-06-10",
    previous: [{ date: "2024-01-12", weightKg: 0 }, { date: "2024-03-01", weightKg: 8.0 }],
    current: { date: "2024-02-12", weightKg: 300 } }, { asOf: "2024-06-30", locale: "en" });
  assert.equal(out.status, "invalid");
  // The order is checked first; the values once the order is right.
  assert.deepEqual(out.errors.map((e) => [e.field, e.code]), [["current.date", "visit_out_of_order"]]);
  const zero = kampung.assessWeighing({ sex: "L", birthDate: "2023-06-10",
    previous: [{ date: "2024-01-12", weightKg: 0 }], current: { date: "2024-02-12", weightKg: 8 } }, { asOf: "2024-06-30" });
  assert.deepEqual(zero.errors.map((e) => [e.field, e.code]), [["previous[0].weightKg", "not_positive"]]);
  const bad = kampung.assessWeighing({ sex: "L", birthDate: "2023-06-10", previous: [],
    current: { date: "2024-02-12", weightKg: 300 } }, { asOf: "2024-06-30", locale: "en" });
  assert.deepEqual(bad.errors.map((e) => [e.field, e.code, e.message]),
    [["current.weightKg", "out_of_range", "The value must be between 0.9 and 58."]]);
  const future = kampung.assessWeighing({ sex: "L", birthDate: "2023-06-10",
    current: { date: "2024-07-12", weightKg: 9 } }, { asOf: "2024-06-30" });
  assert.deepEqual(future.errors.map((e) => [e.field, e.code]), [["current.date", "date_in_future"]]);
  assert.throws(() => kampung.assessWeighing({}, { locale: "fr" }));
});
