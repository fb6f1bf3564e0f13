#!/usr/bin/env node
/**
 * Builds the compact region files shipped with the app from the upstream dataset.
 *
 *   node scripts/build-regions.js <path/to/vn_units_34_provinces.json> [outDir]
 *
 * outDir defaults to src/regions/data. Writes:
 *   provinces.json  [{ code, name, fullName, nameEn, type: 'city' | 'province' }]   sorted by code
 *   communes.json   [{ code, name, fullName, provinceCode, type: 'ward' | 'commune' | 'special_zone' }]
 *                   sorted by provinceCode, then code
 * Codes stay strings (leading zeros matter); all text is NFC. A full name must start with its unit's
 * short name ("Xã ", "Phường ", "Đặc khu ", "Tỉnh ", "Thành phố "); where upstream has the right
 * words in the wrong case (e.g. "xã Bắc Sơn") the prefix is re-cased and the fix is printed; any
 * other mismatch is an error. The script refuses input whose shape
 * it does not understand (unknown administrative-unit id, bad code, duplicate code, a commune whose
 * ProvinceCode disagrees with its parent) instead of writing half-right files.
 * Plain Node, no dependencies, deterministic output: re-running on the same input gives the same bytes.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

/** sha256 of the copy documented in src/regions/data/SOURCES.md. */
const KNOWN_SHA256 = 'e691c923dd5df61b1ab08a1d20c6d73f48a947b7a961ca2eca2cad26f7301ca2';

// AdministrativeUnitId (upstream) -> our type.
const PROVINCE_TYPES = { 1: 'city', 2: 'province' };
const COMMUNE_TYPES = { 3: 'ward', 4: 'commune', 5: 'special_zone' };

function fail(message) {
  console.error(`build-regions: ${message}`);
  process.exit(1);
}

function text(value, what) {
  if (typeof value !== 'string' || value.trim() === '') fail(`${what}: expected a non-empty string, got ${JSON.stringify(value)}`);
  return value.normalize('NFC').trim();
}

function code(value, digits, what) {
  if (typeof value !== 'string' || !new RegExp(`^\\d{${digits}}$`).test(value)) {
    fail(`${what}: expected a ${digits}-digit string code, got ${JSON.stringify(value)}`);
  }
  return value;
}

const fixes = [];

/**
 * The full name with its unit prefix spelled exactly as the unit's short name. Upstream's one known
 * slip is a lowercase "xã Bắc Sơn" (06325); such a case-only difference is repaired and reported.
 */
function fullName(row, what) {
  const full = text(row.FullName, `${what} FullName`);
  const unit = text(row.AdministrativeUnitShortName, `${what} AdministrativeUnitShortName`);
  if (full.startsWith(`${unit} `)) return full;
  const head = full.slice(0, unit.length + 1);
  if (head.toLocaleLowerCase('vi') === `${unit} `.toLocaleLowerCase('vi')) {
    const fixed = `${unit} ${full.slice(unit.length + 1)}`;
    fixes.push(`${what}: "${full}" -> "${fixed}"`);
    return fixed;
  }
  return fail(`${what}: FullName "${full}" does not start with its unit "${unit}"`);
}

/** One array element per line: small diffs, still compact. */
function writeRows(file, rows) {
  const body = rows.map((r) => JSON.stringify(r)).join(',\n');
  fs.writeFileSync(file, `[\n${body}\n]\n`, 'utf8');
}

function main() {
  const [input, outArg] = process.argv.slice(2);
  if (!input) fail('usage: node scripts/build-regions.js <vn_units_34_provinces.json> [outDir]');
  const outDir = path.resolve(outArg || path.join(__dirname, '..', 'src', 'regions', 'data'));

  const raw = fs.readFileSync(input);
  const sha256 = crypto.createHash('sha256').update(raw).digest('hex');
  if (sha256 !== KNOWN_SHA256) {
    console.warn(`build-regions: input sha256 ${sha256} differs from the documented copy ${KNOWN_SHA256};`);
    console.warn('  update src/regions/data/SOURCES.md (origin, commit, sha256, counts) to match.');
  }

  const source = JSON.parse(raw.toString('utf8'));
  if (!Array.isArray(source)) fail('input root is not an array of provinces');

  const provinces = [];
  const communes = [];
  const seenProvince = new Set();
  const seenCommune = new Set();

  for (const p of source) {
    const pCode = code(p.Code, 2, 'province Code');
    if (seenProvince.has(pCode)) fail(`duplicate province code ${pCode}`);
    seenProvince.add(pCode);
    const pType = PROVINCE_TYPES[p.AdministrativeUnitId];
    if (!pType) fail(`province ${pCode}: unknown AdministrativeUnitId ${p.AdministrativeUnitId}`);
    provinces.push({
      code: pCode,
      name: text(p.Name, `province ${pCode} Name`),
      fullName: fullName(p, `province ${pCode}`),
      nameEn: text(p.NameEn, `province ${pCode} NameEn`),
      type: pType,
    });

    if (!Array.isArray(p.Wards)) fail(`province ${pCode}: Wards is not an array`);
    for (const w of p.Wards) {
      const wCode = code(w.Code, 5, `province ${pCode} ward Code`);
      if (seenCommune.has(wCode)) fail(`duplicate commune code ${wCode}`);
      seenCommune.add(wCode);
      if (w.ProvinceCode !== pCode) fail(`commune ${wCode}: ProvinceCode ${w.ProvinceCode} but listed under ${pCode}`);
      const wType = COMMUNE_TYPES[w.AdministrativeUnitId];
      if (!wType) fail(`commune ${wCode}: unknown AdministrativeUnitId ${w.AdministrativeUnitId}`);
      communes.push({
        code: wCode,
        name: text(w.Name, `commune ${wCode} Name`),
        fullName: fullName(w, `commune ${wCode}`),
        provinceCode: pCode,
        type: wType,
      });
    }
  }

  const byCode = (a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  provinces.sort(byCode);
  communes.sort((a, b) =>
    a.provinceCode < b.provinceCode ? -1 : a.provinceCode > b.provinceCode ? 1 : byCode(a, b),
  );

  fs.mkdirSync(outDir, { recursive: true });
  writeRows(path.join(outDir, 'provinces.json'), provinces);
  writeRows(path.join(outDir, 'communes.json'), communes);

  const count = (rows, type) => rows.filter((r) => r.type === type).length;
  console.log(`input sha256 ${sha256}`);
  console.log(
    `provinces: ${provinces.length} (${count(provinces, 'city')} city, ${count(provinces, 'province')} province)`,
  );
  console.log(
    `communes: ${communes.length} (${count(communes, 'commune')} commune/Xã, ${count(communes, 'ward')} ward/Phường, ` +
      `${count(communes, 'special_zone')} special_zone/Đặc khu)`,
  );
  for (const f of fixes) console.log(`fixed case of unit prefix, ${f}`);
  console.log(`written to ${outDir}`);
}

main();
