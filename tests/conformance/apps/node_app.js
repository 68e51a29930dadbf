// A small Node.js service for the conformance tests. Run it from a folder whose node_modules holds
// @pyroscope/nodejs, with PYROSCOPE_ADHOC_SERVER_ADDRESS pointing at the capture server (the SDK's
// own override of serverAddress):
//
//   node node_app.js '{"init": {...}, "start": "start"}' SECONDS
//   node node_app.js --snippet FILE SECONDS
//
// "start" names how profiling starts: "start" (Pyroscope.start()), "named.<fn>" (a function taken from
// require('@pyroscope/nodejs') itself) or "default.<fn>" (from its .default export). --snippet loads a
// `pyroadvise setup` snippet unmodified. The workload burns CPU (burnCpu), keeps about 0.5 MiB per
// loop (leakMemory), waits on a timer (idleWait) and on an async file read (readFileWait); with
// "syncBlock": true it also blocks the thread synchronously (syncBlock); with "labels": {...} burnCpu
// runs inside wrapWithLabels. Then Pyroscope.stop().
// The last line printed is a JSON summary, with the error if starting failed.
'use strict';

const fs = require('fs');
const path = require('path');

const kept = [];

function burnCpu(ms) {
  const end = Date.now() + ms;
  let n = 0;
  while (Date.now() < end) {
    for (let i = 0; i < 1000; i++) n += i * i;
  }
  return n;
}

function leakMemory() {
  const chunk = [];
  for (let i = 0; i < 64; i++) chunk.push(new Array(1024).fill(i));
  kept.push(chunk);
}

function idleWait(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readFileWait() {
  return fs.promises.readFile(__filename);
}

function syncBlock(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

async function main() {
  const args = process.argv.slice(2);
  const seconds = Number(args[args.length - 1]);
  const sdkPath = require.resolve('@pyroscope/nodejs', { paths: [process.cwd()] });
  const summary = { version: require(path.join(path.dirname(sdkPath), '..', '..', 'package.json')).version };
  let spec = {};
  try {
    if (args[0] === '--snippet') {
      require(path.resolve(args[1]));
      summary.started = 'snippet';
    } else {
      spec = JSON.parse(args[0]);
      const sdk = require(sdkPath);
      if (spec.init) sdk.init(Object.assign({ appName: 'conformance-node' }, spec.init));
      const start = spec.start || 'start';
      const [from, fn] = start.includes('.') ? start.split('.') : ['named', start];
      // Called the way a user writes it, so an error names the call: Pyroscope.startHeapProfiling ...
      const Pyroscope = from === 'default' ? sdk.default : sdk;
      new Function('Pyroscope', `Pyroscope.${fn}();`)(Pyroscope);
      summary.started = start;
    }
  } catch (err) {
    summary.error = `${err.name}: ${err.message}`;
    console.log(JSON.stringify(summary));
    return;
  }
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (spec.labels) require(sdkPath).wrapWithLabels(spec.labels, () => burnCpu(20));
    else burnCpu(20);
    leakMemory();
    if (spec.syncBlock) syncBlock(20);
    await idleWait(20);
    await readFileWait();
  }
  await require(sdkPath).stop();
  console.log(JSON.stringify(summary));
}

main().catch((err) => {
  console.log(JSON.stringify({ error: `${err.name}: ${err.message}` }));
  process.exitCode = 1;
});
