// Follows a runtime upgrade the way polkadot.js Apps does: connected before the upgrade,
// @polkadot/api sees the new runtime version, takes the new metadata and signs under the new
// version without reconnecting (a transaction signed for the old version would be refused).
// Usage: node follow-upgrade.mjs <ws url> <spec_version after the upgrade>. Prints
// "ready at <old>" once connected and "followed the upgrade to <new>" when done; exits non-zero
// on any mismatch, or after four minutes.
import assert from 'node:assert/strict';
import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';

const [url, expectedText] = process.argv.slice(2);
const expected = Number(expectedText);
setTimeout(() => {
  console.error(`no upgrade to ${expected} within four minutes`);
  process.exit(1);
}, 240_000).unref();

const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true });
const before = api.runtimeVersion.specVersion.toNumber();
assert.ok(before < expected, `already at ${before}`);
console.log(`ready at ${before}`);

// The node announces the new version with the first block the new runtime runs.
await new Promise((resolve, reject) => {
  api.rpc.state
    .subscribeRuntimeVersion((version) => {
      if (version.specVersion.toNumber() === expected) resolve();
    })
    .catch(reject);
});
// @polkadot/api updates its registry on the same notification.
while (api.runtimeVersion.specVersion.toNumber() !== expected) {
  await new Promise((resolve) => setTimeout(resolve, 100));
}
assert.equal(typeof api.tx.inference.submitRequest, 'function');

// A transfer signed now carries the new spec version in its signed payload.
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const bob = keyring.addFromUri('//Bob');
const ferdie = keyring.addFromUri('//Ferdie');
const unit = 10n ** 12n;
const block = await new Promise((resolve, reject) => {
  api.tx.balances
    .transferKeepAlive(ferdie.address, unit)
    .signAndSend(bob, ({ status, dispatchError }) => {
      if (dispatchError) reject(new Error(`dispatch failed: ${dispatchError.toString()}`));
      else if (status.isInBlock) resolve(status.asInBlock);
    })
    .catch(reject);
});
const atBlock = await api.rpc.state.getRuntimeVersion(block);
assert.equal(atBlock.specVersion.toNumber(), expected);
console.log(`followed the upgrade to ${expected}: a transfer in block ${block.toHex()}`);
await api.disconnect();
process.exit(0);
