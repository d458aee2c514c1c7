// The organiser's journey and the public page in headless Chromium, driven
// by Playwright. Run by tests/e2e_browser.rs against a real Gather server
// (`cargo test --test e2e_browser`); not meant to be run by hand, but it
// can be, with the variables below set.
//
//   GATHER_URL        the server, e.g. http://127.0.0.1:38123
//   GATHER_TOKEN      the admin token
//   TWILIO_TOKEN      the Twilio auth token the server checks signatures with
//   GATHER_NUMBER     the number people text (Twilio's `To`)
//   SCREENSHOTS       where to write the PNGs (docs/screenshots)
//   CHROMIUM          the browser (default /usr/bin/chromium)
//   CLOSES_AT         when the round closes, e.g. 2026-01-12T18:00

import { chromium } from "playwright-core";
import crypto from "node:crypto";
import path from "node:path";
import fs from "node:fs";

const BASE = must("GATHER_URL");
const TOKEN = must("GATHER_TOKEN");
const TWILIO_TOKEN = must("TWILIO_TOKEN");
const NUMBER = must("GATHER_NUMBER");
const SHOTS = must("SCREENSHOTS");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
// A week after the server's clock, in the server's zone (Europe/London).
const CLOSES_AT = process.env.CLOSES_AT || "2026-01-12T18:00";

function must(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set`);
  }
  return v;
}

function step(text) {
  console.log(`-- ${text}`);
}

function check(ok, message) {
  if (!ok) {
    throw new Error(`check failed: ${message}`);
  }
}

/** Twilio's X-Twilio-Signature: HMAC-SHA1 over the URL and the sorted parameters. */
function twilioSignature(url, params) {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    data += key + params[key];
  }
  return crypto.createHmac("sha1", TWILIO_TOKEN).update(data).digest("base64");
}

let sid = 0;
/** A person texts Gather: a signed Twilio webhook, as Twilio would send it. */
async function sms(from, body) {
  const url = `${BASE}/webhooks/twilio/sms`;
  sid += 1;
  const params = {
    MessageSid: `SM${String(sid).padStart(32, "0")}`,
    AccountSid: "AC00000000000000000000000000000000",
    From: from,
    To: NUMBER,
    Body: body,
    NumSegments: "1",
  };
  const resp = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": twilioSignature(url, params),
    },
    body: new URLSearchParams(params).toString(),
  });
  const text = await resp.text();
  check(resp.status === 200, `webhook ${body} from ${from}: ${resp.status} ${text}`);
  return text;
}

async function shot(page, name) {
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`   screenshot ${file}`);
}

/** Every visible form control has a label (or an aria-label). */
async function labelled(page, where) {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll("input:not([type=hidden]), textarea, select")]
      .filter((e) => e.labels.length === 0 && !e.getAttribute("aria-label"))
      .map((e) => e.name || e.id || e.outerHTML),
  );
  check(unlabelled.length === 0, `${where}: controls without a label: ${unlabelled.join(", ")}`);
  const lang = await page.getAttribute("html", "lang");
  check(!!lang, `${where}: <html> has a lang attribute`);
}

fs.mkdirSync(SHOTS, { recursive: true });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
});
const problems = [];
try {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: "en-GB",
    timezoneId: "Europe/London",
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  // A script that ran from an issue's text would open a dialog; the
  // content security policy would complain on the console.
  page.on("dialog", async (d) => {
    problems.push(`a dialog opened: ${d.message()}`);
    await d.dismiss();
  });
  page.on("console", (m) => {
    // The wrong-token page is a 401 on purpose.
    if (m.type() === "error" && !m.text().includes("401 (Unauthorized)")) {
      problems.push(`console error on ${page.url()}: ${m.text()}`);
    }
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));

  step("the organiser pages need a login");
  await page.goto(`${BASE}/admin`);
  check(page.url().endsWith("/admin/login"), `redirected to the login page, at ${page.url()}`);
  await labelled(page, "login");
  await page.fill("#token", "this-is-not-the-token");
  await page.click("button[type=submit]");
  await page.getByText("That token is not right").waitFor();
  await shot(page, "login");
  await page.fill("#token", TOKEN);
  await page.click("button[type=submit]");
  await page.waitForURL(`${BASE}/admin`);

  step("inbox: safeguarding first, grouped by channel and language");
  await page.getByRole("heading", { name: /Safeguarding flags/ }).waitFor();
  const order = await page.$$eval("article.issue", (els) => els.map((e) => e.id));
  check(order[0] === "G-1005", `the flagged issue comes first: ${order.join(" ")}`);
  await labelled(page, "inbox");
  await shot(page, "inbox");
  // Keyboard: the first Tab reaches the skip link, Enter follows it.
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => document.activeElement.textContent);
  check(focused === "Skip to main content", `first Tab focuses the skip link, not ${focused}`);
  await page.keyboard.press("Enter");
  check(page.url().endsWith("#main"), `the skip link goes to the content: ${page.url()}`);

  step("edit a ballot title and watch its SMS cost change as you type");
  const title = page.locator("#title-G-1001");
  const english = page.locator('[data-costs-for="title-G-1001"] li', { hasText: "English" });
  await title.fill("Walk-in centre closes too early");
  check((await english.locator("[data-encoding]").textContent()) === "GSM-7", "GSM-7 for plain English");
  await title.fill("Walk-in centre closes too early – A&E fills up");
  check(
    (await english.locator("[data-encoding]").textContent()) === "UCS-2",
    "a dash outside GSM-7 makes the English ballot UCS-2, live",
  );
  await title.fill("Walk-in centre closes too early");
  await page.click('form[action="/admin/issues/G-1001/title"] button');
  await page.getByText("now reads “Walk-in centre closes too early”").waitFor();

  step("approve issues, hide one, merge a duplicate");
  for (const r of ["G-1001", "G-1002", "G-1003", "G-1004"]) {
    await page.click(`article#${r} button:has-text("Approve ${r}")`);
    await page.getByText(`${r} approved`).waitFor();
  }
  await page.fill("#reason-G-1005", "Personal situation; the person was signposted to help");
  await page.click('form[action="/admin/issues/G-1005/hide"] button');
  await page.getByText("G-1005 hidden").waitFor();
  await page.fill("#merge-G-1006", "walk in centre");
  await page.click('form[action="/admin/issues/G-1006/merge"] button');
  await page.getByRole("heading", { name: "Merge G-1006 into another issue" }).waitFor();
  await labelled(page, "merge");
  await shot(page, "merge");
  await page.click('button:has-text("Merge G-1006 into G-1001")');
  await page.getByText("G-1006 merged into G-1001").waitFor();

  step("build a shortlist and open a round");
  await page.click('nav a:has-text("Rounds")');
  await labelled(page, "rounds");
  await page.fill("#round-title", "Spring vote");
  for (const r of ["G-1001", "G-1002", "G-1003"]) {
    await page.check(`#pick-${r}`);
  }
  await page.fill("#max-choices", "1");
  await page.fill("#closes-at", CLOSES_AT);
  await shot(page, "rounds");
  // Polish and Arabic voters, no titles in their languages yet: accept the
  // marked English fallback (issue 19).
  await page.check("#accept-fallback");
  await page.click('button:has-text("Save and open now")');
  await page.getByText("Round “Spring vote” opened.").waitFor();
  const roundUrl = page.url();

  step("people vote by SMS (signed Twilio webhooks)");
  const voters = [
    ["+447700900201", "1"],
    ["+447700900202", "1"],
    ["+447700900203", "2"],
    ["+447700900204", "1"],
    ["+447700900205", "3"],
    ["+447700900206", "2"],
    ["+447700900207", "1"],
  ];
  for (const [from, choice] of voters) {
    const reply = await sms(from, `VOTE ${choice}`);
    check(reply.includes("vote is counted"), `the vote is confirmed: ${reply}`);
  }
  // The same webhook again (Twilio retries): still one vote.
  sid -= 1;
  await sms("+447700900207", "VOTE 1");
  await page.goto(roundUrl);
  check((await page.textContent("#ballots")) === "7", "7 ballots, the retry counted once");
  await page.locator("#by-channel svg").waitFor();
  await shot(page, "round-open");

  step("close the round and announce the results");
  await page.click('button:has-text("Close the round")');
  await page.getByText("closed and counted").waitFor();
  await page.getByRole("heading", { name: "Results", exact: true }).waitFor();
  await labelled(page, "round closed");
  await shot(page, "round-closed");
  await page.click('button:has-text("Send the results")');
  await page.waitForURL(/\/admin\/fanouts\/\d+$/);

  step("record a Board response, preview it per language, send it");
  await page.goto(`${BASE}/admin/issues/G-1001/respond`);
  await labelled(page, "respond");
  await page.check("#status-in_progress");
  await page.fill("#progress", "30");
  await page.fill("#text-en-GB", "The walk-in centre will open until 8pm from May. Staff are being hired.");
  await page.fill("#text-pl", "Od maja przychodnia będzie otwarta do 20:00. Trwa zatrudnianie personelu.");
  check(
    !(await page.locator("#text-pl").evaluate((e) => e.closest("[data-translation]").classList.contains("missing"))),
    "a written translation is no longer marked missing (live)",
  );
  check(
    (await page.textContent('[data-cost-of="text-pl"]')).includes("UCS-2"),
    "the Polish text's SMS cost is counted as it is typed",
  );
  await page.click('button:has-text("Preview the messages")');
  await page.getByRole("heading", { name: "What each person gets" }).waitFor();
  const arabic = (await page.locator('pre[lang="ar"]').allTextContents()).join("\n");
  check(arabic.includes("The walk-in centre will open"), "Arabic readers get the English text for now");
  const notice = await page.textContent('pre.sms[lang="ar"]');
  check(notice.includes("G-1001") && !notice.includes("The walk-in centre"), "by SMS, a short notice: the text is on UPDATES");
  check((await page.textContent("#estimate")).startsWith("Estimated cost:"), "the fan-out's SMS cost before sending");
  await shot(page, "respond");
  await page.click('button:has-text("Send to")');
  await page.waitForURL(/\/admin\/fanouts\/\d+$/);

  step("the fan-out completes (the page refreshes itself)");
  let complete = false;
  for (let i = 0; i < 40 && !complete; i++) {
    const state = await page.textContent("#fanout-state");
    complete = state.startsWith("Complete");
    if (!complete) {
      await page.waitForTimeout(500);
      await page.reload();
    }
  }
  check(complete, "the fan-out completed");
  await shot(page, "fanout");

  step("reach");
  await page.click('nav a:has-text("Reach")');
  await page.locator("#people-language svg").waitFor();
  await shot(page, "reach");

  step("the public page, in English, Polish and Arabic");
  await page.goto(`${BASE}/`);
  await page.getByRole("heading", { name: "How to take part" }).waitFor();
  check(
    (await page.content()).includes("&lt;script&gt;alert"),
    "the issue with a script in it shows the script as text",
  );
  await labelled(page, "public");
  await shot(page, "public-en");
  await page.click('nav.languages a[lang="pl"]');
  await page.getByRole("heading", { name: "Jak wziąć udział" }).waitFor();
  await shot(page, "public-pl");
  await page.goto(`${BASE}/?lang=ar`);
  check((await page.getAttribute("html", "dir")) === "rtl", "Arabic is right to left");
  await shot(page, "public-ar");

  step("without JavaScript, an organiser can still log in and act");
  const nojs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const plain = await nojs.newPage();
  await plain.goto(`${BASE}/admin/login`);
  await plain.fill("#token", TOKEN);
  await plain.click("button[type=submit]");
  await plain.goto(`${BASE}/admin?status=hidden`);
  await plain.click('button:has-text("Approve G-1005")');
  await plain.getByText("G-1005 approved").waitFor();
  await plain.goto(`${BASE}/admin?status=approved`);
  await plain.fill("#reason-G-1005", "Personal situation");
  await plain.click('form[action="/admin/issues/G-1005/hide"] button');
  await plain.getByText("G-1005 hidden").waitFor();
  await nojs.close();

  step("log out");
  await page.goto(`${BASE}/admin`);
  await page.click('button:has-text("Log out")');
  await page.waitForURL(`${BASE}/admin/login`);
  await page.goto(`${BASE}/admin/rounds`);
  check(page.url().includes("/admin/login"), "logged out");
} finally {
  await browser.close();
}
if (problems.length > 0) {
  throw new Error(`problems in the browser:\n${problems.join("\n")}`);
}
console.log("e2e: all steps passed");
