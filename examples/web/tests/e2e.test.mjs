// End-to-end test of the web form in Debian's Chromium, driven by Playwright
// (playwright-core; no browser download). Served from 127.0.0.1.
import { createRequire } from "node:module";
import { createServer } from "node:http";
import { readFile, mkdir } from "node:fs/promises";
import { extname, join, normalize, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { test } from "node:test";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
// playwright-core is installed in tools/js (npm ci there).
const { chromium } = createRequire(join(root, "tools", "js", "package.json"))("playwright-core");
const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".json": "application/json" };

function serve() {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    try {
      const body = await readFile(join(root, path));
      res.writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end("not found");
    }
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

test("a cadre fills the family and child forms", async () => {
  const server = await serve();
  const { port } = server.address();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    const consoleErrors = [];
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/examples/web/index.html`);
    await page.waitForSelector("body[data-ready=true]");

    // An invalid NIK: the Indonesian error appears beside the field.
    const nik = page.locator('[data-field="members[0].nik"]');
    const nikError = page.locator('[data-error-for="members[0].nik"]');
    await nik.fill("1234");
    await nik.blur();
    await assert.doesNotReject(nikError.filter({ hasText: "NIK harus 16 angka (tertulis 4)." }).waitFor());
    assert.equal(await nik.getAttribute("aria-invalid"), "true");

    // Switch to English: the same error in English.
    await page.selectOption("#lang", "en");
    assert.equal(await nikError.textContent(), "A NIK must have 16 digits (got 4).");

    // Fix it: the error goes away.
    await nik.fill("6472050101850003");
    await nik.blur();
    assert.equal(await nikError.textContent(), "");
    assert.equal(await nik.getAttribute("aria-invalid"), "false");

    // The rest of the family; the head's stated sex contradicts the NIK at first.
    await page.fill("#no_kk", "6472052301150007");
    await page.fill("#region_code", "64.72.05.1001");
    assert.match(await page.locator("[data-hint-for=region_code]").textContent(), /Urban village · Kalimantan Timur/);
    await page.fill('[data-field="members[0].name"]', "Budi");
    await page.selectOption('[data-field="members[0].sex"]', "P");
    await page.fill('[data-field="members[0].birth_date"]', "1985-01-01");
    await page.selectOption('[data-field="members[0].relationship"]', "kepala_keluarga");
    await page.selectOption('[data-field="members[0].marital_status"]', "kawin");
    assert.equal(await page.locator('[data-error-for="members[0].sex"]').textContent(), "The sex does not match the NIK.");
    await page.selectOption('[data-field="members[0].sex"]', "L");
    await page.click("#add-member");
    await page.fill('[data-field="members[1].name"]', "Siti");
    await page.fill('[data-field="members[1].nik"]', "6472054507050002");
    await page.selectOption('[data-field="members[1].sex"]', "P");
    await page.fill('[data-field="members[1].birth_date"]', "2005-07-05");
    await page.selectOption('[data-field="members[1].relationship"]', "istri");
    await page.selectOption('[data-field="members[1].marital_status"]', "kawin");
    await page.selectOption("#water_source", "sungai");
    await page.selectOption("#latrine", "sendiri");
    await page.check("#septic_tank");
    await page.locator("#krs-at-risk").waitFor();
    // River water is not a safe source (BKKBN KRS rule): the family is at risk, with that reason.
    assert.match(await page.locator("#krs-at-risk").textContent(), /^Yes/);
    assert.equal(await page.locator('#krs-at-risk li[data-code="air_minum_tidak_layak"]').count(), 1);
    assert.equal(await page.locator("#krs-at-risk li").count(), 1);

    // A child's measurement: WHO anthro gives zlen -2.15, zwei -0.13, zwfl 1.22, zbmi 1.68.
    await page.selectOption("#c_sex", "L");
    await page.fill("#c_birth", "2023-01-01");
    await page.fill("#c_date", "2024-10-02"); // 640 days later
    await page.fill("#c_weight", "11.38");
    await page.fill("#c_length", "78.99");
    await page.selectOption("#c_measure", "l");
    const haz = page.locator('#child-result tr[data-index="pb_tb_u"]');
    await haz.waitFor();
    assert.equal((await haz.locator("td.z").textContent()).trim(), "-2.15");
    assert.equal(await haz.locator("[data-code]").getAttribute("data-code"), "stunted");
    assert.equal((await haz.locator("[data-code]").textContent()).trim(), "Stunted");
    assert.equal((await page.locator('#child-result tr[data-index="bb_pb_tb"] td.z').textContent()).trim(), "1.22");
    assert.match(await page.locator("#stunted").textContent(), /Yes/);

    // Back to Indonesian: decimal comma and the Permenkes label.
    await page.selectOption("#lang", "id");
    assert.equal((await haz.locator("td.z").textContent()).trim(), "-2,15");
    assert.equal((await haz.locator("[data-code]").textContent()).trim(), "Pendek");

    // A bad weight is reported beside the weight field, never as a blank or exception.
    await page.fill("#c_weight", "abc");
    assert.match(await page.locator('[data-error-for="weightKg"]').textContent(), /angka|number/i);
    await page.fill("#c_weight", "11.38");

    // The monthly weighing: an earlier weighing makes this one N or T, with
    // KBM, gain and the referral message (MONITORING.md example 15).
    await page.selectOption("#c_sex", "P");
    await page.fill("#c_birth", "2023-08-10");
    await page.fill("#c_date", "2024-02-12");
    await page.fill("#c_weight", "7,0");
    await page.fill("#c_length", "");
    await page.fill('[data-field="previous[0].date"]', "2024-01-11");
    await page.fill('[data-field="previous[0].weightKg"]', "7,0");
    await page.locator("#weighing-code").waitFor();
    assert.equal(await page.locator("#weighing-code").getAttribute("data-code"), "T");
    assert.equal((await page.locator("#weighing-gain").textContent()).trim(), "0 g");
    assert.equal((await page.locator("#weighing-kbm").textContent()).trim(), "400 g");
    assert.equal(await page.locator("#weighing-refer").getAttribute("data-refer"), "true");
    assert.equal(await page.locator("#weighing-message").textContent(),
      "Tidak naik (T): kenaikan 0 g kurang dari KBM 400 g. Rujuk ke Puskesmas: Berat badan tidak naik (T).");
    await page.selectOption("#lang", "en");
    assert.equal(await page.locator("#weighing-message").textContent(),
      "Not gaining (T): gain of 0 g is below the minimum of 400 g. Refer to the Puskesmas: Weight not gaining (T).");
    // 7.0 -> 7.5 kg a month later at 7 months: N, no referral.
    await page.click("#add-weighing");
    await page.fill('[data-field="previous[1].date"]', "2024-02-12");
    await page.fill('[data-field="previous[1].weightKg"]', "7.0");
    await page.fill("#c_date", "2024-03-11");
    await page.fill("#c_weight", "7.5");
    await page.locator('#weighing-code[data-code="N"]').waitFor();
    assert.equal((await page.locator("#weighing-gain").textContent()).trim(), "500 g");
    assert.equal((await page.locator("#weighing-kbm").textContent()).trim(), "300 g");
    assert.equal(await page.locator("#weighing-refer").getAttribute("data-refer"), "false");
    // A weighing dated before an earlier one is an error, not a code.
    await page.fill("#c_date", "2024-02-01");
    await page.locator('#weighing-errors li[data-code="visit_out_of_order"]').waitFor();
    assert.equal(await page.locator("#weighing-code").count(), 0);
    await page.fill("#c_date", "2024-03-11");
    await page.locator('#weighing-code[data-code="N"]').waitFor();

    await mkdir(join(root, "target", "e2e"), { recursive: true });
    const shot = join(root, "target", "e2e", "web-form.png");
    await page.screenshot({ path: shot, fullPage: true });
    assert.deepEqual(consoleErrors, []);
    console.log(`screenshot: ${shot}`);
  } finally {
    await browser.close();
    server.close();
  }
});
