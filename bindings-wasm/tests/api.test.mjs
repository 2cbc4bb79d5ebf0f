// The WASM API as a web form meets it: never throws for user input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const pkg = join(here, "..", "pkg", "node");
const kampung = require(join(pkg, "kampung.js"));

const garbage = [
  undefined, null, 0, -1, NaN, Infinity, 1e308, 12345678901234567890n, true, "", " ", "💥".repeat(100),
  [], [null], {}, { members: {} }, { members: [null, 1, "x", [], { name: {} }] },
  () => 1, Symbol("s"), new Date("invalid"), new Date(0), new Map([[1, 2]]), new Uint8Array(4),
];

test("validateNik and validateFamily answer any JS value without throwing", () => {
  const deep = {};
  let cur = deep;
  for (let i = 0; i < 500; i++) { cur.members = [{}]; cur = cur.members[0]; }
  const cyclic = { no_kk: "6472052301150007" };
  cyclic.members = [cyclic];
  for (const g of [...garbage, deep, cyclic]) {
    for (const f of [kampung.validateNik, kampung.validateNomorKk, kampung.validateRegionCode, kampung.validateFamily,
      kampung.growthZscores, kampung.evaluateKrs, kampung.screenCatin, kampung.screenIbuHamil, kampung.kbIndicators]) {
      const out = f(g, { asOf: "2026-01-15" });
      const nested = f({ family: g, housing: g, records: [g, { method: g }], sex: g, birthDate: g, weightKg: g }, { asOf: "2026-01-15" });
      assert.ok(nested.status === "valid" || nested.status === "invalid");
      assert.ok(out.status === "valid" || out.status === "invalid", String(g));
      if (out.status === "invalid") {
        assert.ok(out.errors.length > 0);
        for (const e of out.errors) {
          assert.equal(typeof e.code, "string");
          assert.equal(typeof e.message, "string");
          assert.ok(Array.isArray(e.path));
        }
      }
    }
  }
});

test("options are optional; misuse throws", () => {
  assert.equal(kampung.validateNik("3174064509870003").status, "valid");
  assert.throws(() => kampung.validateNik("3174064509870003", { locale: "fr" }), /unknown locale/);
  assert.throws(() => kampung.validateNik("3174064509870003", { asOf: "15/01/2026" }), /as_of/);
  assert.throws(() => kampung.validateNik("3174064509870003", 5), /options must be an object/);
});

test("messages in Indonesian by default, English on request", () => {
  const id = kampung.validateNik("123", { asOf: "2026-01-15" });
  assert.equal(id.errors[0].message, "NIK harus 16 angka (tertulis 3).");
  const en = kampung.validateNik("123", { asOf: "2026-01-15", locale: "en" });
  assert.equal(en.errors[0].message, "A NIK must have 16 digits (got 3).");
});

test("region codes decode level, kind and parents", () => {
  const { as_of, ...r } = kampung.validateRegionCode("6472051001");
  assert.match(as_of, /^\d{4}-\d{2}-\d{2}$/);
  assert.deepEqual(r, {
    status: "valid",
    value: {
      code: "64.72.05.1001", plain: "6472051001", level: "desa_kelurahan", kind: "kelurahan",
      province_name: "Kalimantan Timur", parents: ["64.72.05", "64.72", "64"],
    },
  });
});

test("the ErrorCode union in the .d.ts equals the compiled registry", () => {
  const dts = readFileSync(join(pkg, "error-codes.d.ts"), "utf8");
  const union = [...dts.matchAll(/\| "([a-z0-9_]+)"/g)].map((m) => m[1]);
  assert.deepEqual(union, kampung.listErrorCodes());
});
