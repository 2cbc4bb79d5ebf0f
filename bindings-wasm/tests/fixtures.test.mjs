// Runs every cross-language fixture through the WASM package in Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const kampung = require(join(here, "..", "pkg", "node", "kampung.js"));
const fixtures = join(here, "..", "..", "tests", "fixtures");

function cases(area) {
  const dir = join(fixtures, area);
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  assert.ok(files.length > 0, `no fixtures in ${dir}`);
  return files.map((f) => [f, JSON.parse(readFileSync(join(dir, f), "utf8"))]);
}

// The JS outcome also says which date it used (as_of) and gives each
// error's dotted path (name); the shared fixtures state neither.
function shared(out, asOf) {
  const { as_of, ...rest } = out;
  assert.equal(as_of, asOf);
  if (rest.errors) {
    rest.errors = rest.errors.map(({ name, ...e }) => {
      assert.equal(name, e.path.join("."));
      return e;
    });
  }
  return rest;
}
const runners = {
  nik: (c) => kampung.validateNik(c.input, { as_of: c.options.as_of, locale: c.options.locale }),
  family: (c) => kampung.validateFamily(c.input, { as_of: c.options.as_of, locale: c.options.locale }),
};

for (const [area, run] of Object.entries(runners)) {
  for (const [file, c] of cases(area)) {
    test(`${area}/${file}`, () => {
      assert.deepStrictEqual(shared(run(c), c.options.as_of), c.expected);
    });
  }
}

// KB, KRS and screening fixtures: some state only path/code/message of each
// error, so actual errors are projected onto the keys the fixture gives.
function project(full, expected) {
  const { as_of, ...out } = full;
  assert.equal(typeof as_of, "string");
  if (out.status !== "invalid" || expected.status !== "invalid") return out;
  return {
    status: out.status,
    errors: out.errors.map((e, i) => {
      const keys = expected.errors[i] ? Object.keys(expected.errors[i]) : Object.keys(e);
      return Object.fromEntries(keys.map((k) => [k, e[k]]));
    }),
  };
}
const riskRunners = {
  kb: kampung.kbIndicators,
  krs: kampung.evaluateKrs,
  "screening/catin": kampung.screenCatin,
  "screening/ibu_hamil": kampung.screenIbuHamil,
};
for (const [area, fn] of Object.entries(riskRunners)) {
  for (const [file, c] of cases(area)) {
    test(`${area}/${file}`, () => {
      const { as_of, locale, ...rules } = c.options;
      const opts = { ...rules, locale };
      if (as_of !== undefined) opts.asOf = as_of;
      assert.deepStrictEqual(project(fn(c.input, opts), c.expected), c.expected);
    });
  }
}
