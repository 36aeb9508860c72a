#!/usr/bin/env node
// Compiles src/*.sol with the pinned solcjs (package.json) and writes, for each deployable
// contract, ../internal/testchain/artifacts/<Name>.json ({"abi": [...], "bin": "0x..."}) plus
// build/<Name>.abi and build/<Name>.bin for abigen. The output is deterministic: sources are
// read in sorted order, the compiler is fixed, and the metadata hash is left out of the
// bytecode so comments and paths do not change it.
//
// Usage: npm ci && node compile.js   (internal/testchain/generate.go runs both)
"use strict";

const fs = require("fs");
const path = require("path");
const solc = require("solc");

const SRC_DIR = path.join(__dirname, "src");
const BUILD_DIR = path.join(__dirname, "build");
const ARTIFACT_DIR = path.join(__dirname, "..", "internal", "testchain", "artifacts");

// The contracts that get an artifact and Go bindings, in deploy order.
const CONTRACTS = ["Controller", "LivepeerToken", "Minter", "RoundsManager", "BondingManager", "TicketBroker", "Multicall3"];

// The contracts whose artifact also carries their runtime code ("runtime"): those a test chain
// gets at a fixed address (genesis alloc, anvil_setCode) rather than by a deploy transaction.
const WITH_RUNTIME = new Set(["Multicall3"]);

function main() {
  const sources = {};
  for (const name of fs.readdirSync(SRC_DIR).filter((f) => f.endsWith(".sol")).sort()) {
    sources[name] = { content: fs.readFileSync(path.join(SRC_DIR, name), "utf8") };
  }

  const input = {
    language: "Solidity",
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      // Paris (no PUSH0/MCOPY/transient storage) so the bytecode also deploys on older devnets.
      evmVersion: "paris",
      metadata: { bytecodeHash: "none" },
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
    },
  };

  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  let failed = false;
  for (const err of output.errors || []) {
    process.stderr.write(err.formattedMessage || err.message);
    if (err.severity === "error") failed = true;
  }
  if (failed) {
    process.stderr.write("compile.js: compilation failed\n");
    process.exit(1);
  }

  fs.mkdirSync(BUILD_DIR, { recursive: true });
  fs.mkdirSync(ARTIFACT_DIR, { recursive: true });
  for (const name of CONTRACTS) {
    const unit = output.contracts[`${name}.sol`];
    const contract = unit && unit[name];
    if (!contract) {
      process.stderr.write(`compile.js: no contract ${name} in ${name}.sol\n`);
      process.exit(1);
    }
    const bin = "0x" + contract.evm.bytecode.object;
    const artifact = { abi: contract.abi, bin };
    if (WITH_RUNTIME.has(name)) artifact.runtime = "0x" + contract.evm.deployedBytecode.object;
    fs.writeFileSync(path.join(ARTIFACT_DIR, `${name}.json`), JSON.stringify(artifact, null, 2) + "\n");
    fs.writeFileSync(path.join(BUILD_DIR, `${name}.abi`), JSON.stringify(contract.abi) + "\n");
    fs.writeFileSync(path.join(BUILD_DIR, `${name}.bin`), contract.evm.bytecode.object + "\n");
  }
  process.stdout.write(`compile.js: solc ${solc.version()}: wrote ${CONTRACTS.length} artifacts to ${path.relative(process.cwd(), ARTIFACT_DIR) || "."}\n`);
}

main();
