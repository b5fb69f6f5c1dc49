#!/usr/bin/env node
// Build Homeward's front-end assets into static/build/ (git-ignored).
//
//   static/scss/app.scss                      -> static/build/app.css
//   govuk-frontend/dist/govuk/govuk-frontend.min.js(.map)
//                                             -> static/build/govuk-frontend.min.js(.map)
//   axe-core/axe.min.js                       -> static/build/vendor/axe.min.js
//
// Uses only Node built-ins plus the `sass` package's JS API. Idempotent: each
// output this script owns is removed and written afresh on every run.
// Usage: node scripts/build-assets.mjs   (or `npm run build`)

import { cpSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const nodeModules = join(root, "node_modules");
const outDir = join(root, "static", "build");
const govukDist = join(nodeModules, "govuk-frontend", "dist", "govuk");
const started = process.hrtime.bigint();

function fail(message) {
  console.error(`build-assets: ${message}`);
  process.exit(1);
}

for (const dep of [govukDist, join(nodeModules, "axe-core", "axe.min.js")]) {
  if (!existsSync(dep)) fail(`missing ${relative(root, dep)} - run \`npm ci\` first`);
}

// Outputs owned by this script (removed first so stale files never linger).
const owned = [
  "app.css",
  "app.css.map",
  "govuk-frontend.min.js",
  "govuk-frontend.min.js.map",
  "assets",
  "vendor",
];
mkdirSync(outDir, { recursive: true });
for (const name of owned) rmSync(join(outDir, name), { recursive: true, force: true });

// 1. Sass -> CSS -------------------------------------------------------------
let css;
try {
  css = sass.compile(join(root, "static", "scss", "app.scss"), {
    loadPaths: [nodeModules],
    style: "compressed",
    sourceMap: false,
    // govuk-frontend 5.x predates several Dart Sass deprecations; hide
    // warnings from node_modules, and the @import warning from our own entry
    // point (govuk-frontend 5 is built to be consumed with @import).
    quietDeps: true,
    silenceDeprecations: ["import"],
  }).css;
} catch (error) {
  fail(`Sass compilation failed\n${error.message}`);
}

// Homeward is not a GOV.UK service: it must never ship the GDS Transport font.
if (/GDS Transport/i.test(css) || /@font-face/i.test(css)) {
  fail('compiled CSS contains "GDS Transport" or @font-face - check $govuk-font-family / $govuk-include-default-font-face');
}
writeFileSync(join(outDir, "app.css"), css.endsWith("\n") ? css : `${css}\n`);

// 2. Copy govuk-frontend JS and axe-core --------------------------------
for (const file of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  cpSync(join(govukDist, file), join(outDir, file));
}

// govuk-frontend's assets/ are not copied: its images are the GOV.UK crown and its fonts
// are GDS Transport, both for GOV.UK alone. Homeward ships its own icon in static/.

mkdirSync(join(outDir, "vendor"), { recursive: true });
cpSync(join(nodeModules, "axe-core", "axe.min.js"), join(outDir, "vendor", "axe.min.js"));

// Summary ---------------------------------------------------------------------
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const kb = (p) => `${(statSync(join(outDir, p)).size / 1024).toFixed(1)} KiB`;
console.log(
  `build-assets: static/build/ app.css ${kb("app.css")}, govuk-frontend.min.js ${kb("govuk-frontend.min.js")}, ` +
    `vendor/axe.min.js ${kb("vendor/axe.min.js")} in ${ms.toFixed(0)} ms`,
);
