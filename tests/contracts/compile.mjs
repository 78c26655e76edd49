#!/usr/bin/env node
// Compiles tests/contracts/src/*.sol with solc-js (pinned in package.json) in
// four settings and writes deterministic artifacts to artifacts/<setting>/.
//
//   node compile.mjs            regenerate artifacts/ (removes stale files)
//   node compile.mjs --check    compare with the committed artifacts; exit 1 if stale
//   node compile.mjs --opcodes  also print which notable opcodes each runtime uses
//
// Runs from any working directory; paths are resolved relative to this file.
// Progress and diagnostics go to stderr; the --check verdict goes to stdout.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const SRC_DIR = path.join(ROOT, 'src');
const ARTIFACTS_DIR = path.join(ROOT, 'artifacts');

const SETTINGS = {
  legacy: { viaIR: false, optimizer: { enabled: false } },
  'legacy-opt': { viaIR: false, optimizer: { enabled: true, runs: 200 } },
  'via-ir': { viaIR: true, optimizer: { enabled: false } },
  'via-ir-opt': { viaIR: true, optimizer: { enabled: true, runs: 200 } },
};
const EVM_VERSION = 'cancun';

const OUTPUT_SELECTION = [
  'abi',
  'evm.bytecode.object',
  'evm.bytecode.linkReferences',
  'evm.bytecode.functionDebugData',
  'evm.deployedBytecode.object',
  'evm.deployedBytecode.immutableReferences',
  'evm.deployedBytecode.linkReferences',
  'evm.deployedBytecode.functionDebugData',
  'storageLayout',
  'evm.methodIdentifiers',
];

// Opcodes each of these runtimes must contain in every setting: the reason
// the contract is in the corpus. Guards against a source edit (or compiler
// change) silently dropping them.
const REQUIRED_OPCODES = {
  'src/Transient.sol:TransientUser': ['TLOAD', 'TSTORE', 'MCOPY', 'DELEGATECALL'],
  'src/Factory.sol:Factory': ['CREATE', 'CREATE2'],
  'src/MathLib.sol:MathHarness': ['ADDMOD', 'MULMOD', 'EXP', 'SIGNEXTEND', 'SAR', 'BYTE', 'SDIV', 'SMOD'],
};

// Opcodes worth reporting with --opcodes.
const NOTABLE_OPCODES = {
  0x08: 'ADDMOD', 0x09: 'MULMOD', 0x0a: 'EXP', 0x0b: 'SIGNEXTEND', 0x05: 'SDIV', 0x07: 'SMOD',
  0x1a: 'BYTE', 0x1b: 'SHL', 0x1c: 'SHR', 0x1d: 'SAR', 0x20: 'KECCAK256',
  0x31: 'BALANCE', 0x47: 'SELFBALANCE', 0x5c: 'TLOAD', 0x5d: 'TSTORE', 0x5e: 'MCOPY',
  0xa0: 'LOG0', 0xa1: 'LOG1', 0xa2: 'LOG2', 0xa3: 'LOG3', 0xa4: 'LOG4',
  0xf0: 'CREATE', 0xf1: 'CALL', 0xf4: 'DELEGATECALL', 0xf5: 'CREATE2', 0xfa: 'STATICCALL',
  0xfd: 'REVERT', 0xff: 'SELFDESTRUCT',
};

function die(message) {
  process.stderr.write(`compile.mjs: ${message}\n`);
  process.exit(1);
}

// ---- solc installation ------------------------------------------------------

function loadSolc() {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const wanted = pkg.dependencies.solc;
  const installedPkg = path.join(ROOT, 'node_modules', 'solc', 'package.json');
  let installed = null;
  if (fs.existsSync(installedPkg)) {
    installed = JSON.parse(fs.readFileSync(installedPkg, 'utf8')).version;
  }
  if (installed !== wanted) {
    process.stderr.write(
      installed === null
        ? `solc is not installed; running npm ci in ${ROOT}\n`
        : `solc ${installed} installed but ${wanted} pinned; running npm ci in ${ROOT}\n`,
    );
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const res = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], {
      cwd: ROOT,
      stdio: ['ignore', 2, 2], // keep stdout clean for the --check verdict
      shell: process.platform === 'win32',
    });
    if (res.error) die(`could not run npm ci: ${res.error.message}`);
    if (res.status !== 0) die(`npm ci failed with exit code ${res.status}`);
  }
  const require = createRequire(path.join(ROOT, 'package.json'));
  const solc = require('solc');
  if (!solc.version().startsWith(`${wanted}+`)) {
    die(`loaded solc ${solc.version()}, expected ${wanted}`);
  }
  return solc;
}

// ---- deterministic JSON -----------------------------------------------------

// Sorts object keys recursively; arrays (abi, storage layout, ...) keep their order.
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
    return out;
  }
  return value;
}

function toJson(value) {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

// ---- compilation ------------------------------------------------------------

// Resolves imports between our own sources (e.g. `import "./Other.sol";`).
function findImports(importPath) {
  const full = path.resolve(ROOT, importPath);
  if (!full.startsWith(SRC_DIR + path.sep)) {
    return { error: `import outside tests/contracts/src: ${importPath}` };
  }
  try {
    return { contents: fs.readFileSync(full, 'utf8') };
  } catch (err) {
    return { error: `cannot read ${importPath}: ${err.message}` };
  }
}

function compileOne(solc, sourceKey, content, setting) {
  const input = {
    language: 'Solidity',
    sources: { [sourceKey]: { content } },
    settings: {
      evmVersion: EVM_VERSION,
      viaIR: setting.viaIR,
      optimizer: setting.optimizer,
      outputSelection: { '*': { '*': OUTPUT_SELECTION } },
    },
  };
  return JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
}

// Returns Map<relative artifact path, file content>.
function buildArtifacts(solc) {
  const sources = fs
    .readdirSync(SRC_DIR)
    .filter((f) => f.endsWith('.sol'))
    .sort();
  if (sources.length === 0) die(`no .sol files in ${SRC_DIR}`);

  const artifacts = new Map();
  const errors = [];
  const seenWarnings = new Set();

  for (const file of sources) {
    const bytes = fs.readFileSync(path.join(SRC_DIR, file));
    const sourceKey = `src/${file}`;
    const sha = createHash('sha256').update(bytes).digest('hex');

    for (const [name, setting] of Object.entries(SETTINGS)) {
      const started = process.hrtime.bigint();
      const output = compileOne(solc, sourceKey, bytes.toString('utf8'), setting);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;

      let failed = false;
      for (const diag of output.errors ?? []) {
        const text = diag.formattedMessage ?? diag.message;
        if (diag.severity === 'error') {
          failed = true;
          errors.push(`[${name}] ${text}`);
        } else if (!seenWarnings.has(text)) {
          seenWarnings.add(text);
          process.stderr.write(`${diag.severity} (${name}): ${text}\n`);
        }
      }
      const contracts = output.contracts?.[sourceKey];
      if (!failed && (!contracts || Object.keys(contracts).length === 0)) {
        failed = true;
        errors.push(`[${name}] ${sourceKey}: solc produced no contracts`);
      }
      process.stderr.write(`${failed ? 'FAILED' : 'compiled'} ${sourceKey} [${name}] ${ms.toFixed(0)} ms\n`);
      if (failed) continue;

      for (const [contract, required] of Object.entries(REQUIRED_OPCODES)) {
        const [key, cname] = contract.split(':');
        if (key !== sourceKey) continue;
        const present = opcodesIn(contracts[cname]?.evm?.deployedBytecode?.object ?? '', creationCodes(contracts));
        const missing = required.filter((op) => !present.has(op));
        if (missing.length > 0) {
          errors.push(`[${name}] ${contract}: runtime code lacks ${missing.join(', ')}`);
        }
      }

      const artifact = {
        compiler: solc.version(),
        setting: { ...setting, evmVersion: EVM_VERSION },
        source: sourceKey,
        sourceSha256: sha,
        contracts,
      };
      artifacts.set(`${name}/${file.replace(/\.sol$/, '')}.json`, toJson(artifact));
    }
  }

  if (errors.length > 0) {
    process.stderr.write(`\n${errors.join('\n')}\n`);
    die(`${errors.length} compilation error(s); artifacts left unchanged`);
  }
  return artifacts;
}

// ---- bytecode scan ------------------------------------------------------------

// Names of notable opcodes in `hex` runtime code, skipping PUSH data and the
// trailing CBOR metadata. solc ends the code proper with INVALID (0xfe) and
// appends data after it (sub-contract init code, large constants), so the scan
// stops there; `embedded` creation codes (e.g. Child's inside Factory) are also
// blanked out first. A heuristic, good enough for a report.
function opcodesIn(hex, embedded = []) {
  for (const sub of embedded) {
    if (sub.length > 0) hex = hex.split(sub).join('00'.repeat(sub.length / 2));
  }
  const code = Buffer.from(hex, 'hex');
  let end = code.length;
  if (end >= 2) {
    const metaLen = code.readUInt16BE(end - 2);
    if (metaLen + 2 <= end) end -= metaLen + 2;
  }
  const found = new Set();
  for (let pc = 0; pc < end; pc++) {
    const op = code[pc];
    if (op === 0xfe) break;
    if (NOTABLE_OPCODES[op]) found.add(NOTABLE_OPCODES[op]);
    if (op >= 0x60 && op <= 0x7f) pc += op - 0x5f;
  }
  return found;
}

function creationCodes(contracts) {
  return Object.values(contracts).map((c) => c.evm?.bytecode?.object ?? '');
}

function printOpcodeTable(artifacts) {
  const order = Object.values(NOTABLE_OPCODES);
  for (const [rel, text] of artifacts) {
    const { contracts } = JSON.parse(text);
    for (const [name, c] of Object.entries(contracts)) {
      const found = opcodesIn(c.evm.deployedBytecode.object, creationCodes(contracts));
      const list = order.filter((op) => found.has(op));
      process.stdout.write(`${rel.padEnd(32)} ${name.padEnd(14)} ${list.join(' ')}\n`);
    }
  }
}

// ---- filesystem -----------------------------------------------------------------

function listExisting() {
  const out = new Set();
  if (!fs.existsSync(ARTIFACTS_DIR)) return out;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.add(path.relative(ARTIFACTS_DIR, full).split(path.sep).join('/'));
    }
  };
  walk(ARTIFACTS_DIR);
  return out;
}

function check(artifacts) {
  const existing = listExisting();
  const problems = [];
  for (const [rel, text] of artifacts) {
    const full = path.join(ARTIFACTS_DIR, rel);
    if (!existing.has(rel)) problems.push(`missing: artifacts/${rel}`);
    else if (fs.readFileSync(full, 'utf8') !== text) problems.push(`stale:   artifacts/${rel}`);
  }
  for (const rel of [...existing].sort()) {
    if (!artifacts.has(rel)) problems.push(`extra:   artifacts/${rel}`);
  }
  if (problems.length > 0) {
    process.stdout.write(`${problems.join('\n')}\n`);
    process.stdout.write(
      `artifacts are out of date (${problems.length} problem(s)); regenerate with: node tests/contracts/compile.mjs\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`artifacts are current (${artifacts.size} files)\n`);
}

function write(artifacts) {
  let written = 0;
  for (const [rel, text] of artifacts) {
    const full = path.join(ARTIFACTS_DIR, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    if (!fs.existsSync(full) || fs.readFileSync(full, 'utf8') !== text) {
      fs.writeFileSync(full, text);
      written++;
    }
  }
  let removed = 0;
  for (const rel of listExisting()) {
    if (!artifacts.has(rel)) {
      fs.rmSync(path.join(ARTIFACTS_DIR, rel));
      removed++;
    }
  }
  for (const entry of fs.readdirSync(ARTIFACTS_DIR, { withFileTypes: true })) {
    const dir = path.join(ARTIFACTS_DIR, entry.name);
    if (entry.isDirectory() && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  }
  process.stderr.write(
    `${artifacts.size} artifacts in ${ARTIFACTS_DIR}: ` +
      `${written} written, ${removed} removed, ${artifacts.size - written} unchanged\n`,
  );
}

// ---- main -------------------------------------------------------------------------

const args = process.argv.slice(2);
const known = new Set(['--check', '--opcodes']);
const unknown = args.filter((a) => !known.has(a));
if (unknown.length > 0) {
  process.stderr.write(`unknown argument(s): ${unknown.join(' ')}\nusage: node compile.mjs [--check] [--opcodes]\n`);
  process.exit(2);
}

const solc = loadSolc();
const artifacts = buildArtifacts(solc);
if (args.includes('--opcodes')) printOpcodeTable(artifacts);
if (args.includes('--check')) check(artifacts);
else write(artifacts);
