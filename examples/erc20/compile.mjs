#!/usr/bin/env node
// Compiles Coin.sol into Coin.json (solc standard-JSON output: ABI, initcode, runtime code)
// with the solc-js the contract corpus pins (tests/contracts, installed by its compile.mjs).
//
//   node examples/erc20/compile.mjs           regenerate Coin.json
//   node examples/erc20/compile.mjs --check   exit 1 if Coin.json is stale

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CORPUS = path.join(HERE, '../../tests/contracts');
const solc = createRequire(path.join(CORPUS, 'package.json'))('solc');

const input = {
  language: 'Solidity',
  sources: { 'Coin.sol': { content: fs.readFileSync(path.join(HERE, 'Coin.sol'), 'utf8') } },
  settings: {
    evmVersion: 'cancun',
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
if (errors.length > 0) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}
const text = JSON.stringify({ contracts: output.contracts, sources: output.sources }, null, 2) + '\n';
const target = path.join(HERE, 'Coin.json');
if (process.argv.includes('--check')) {
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  console.log(current === text ? 'current' : 'stale');
  process.exit(current === text ? 0 : 1);
}
fs.writeFileSync(target, text);
console.error(`wrote ${target} (solc ${solc.version()})`);
