// Drives a dev node the way polkadot.js Apps and dApps do, with @polkadot/api: chain properties,
// metadata, a signed transfer and a subnet registration, each checked through its events and
// storage. Usage: node check.mjs ws://127.0.0.1:9944 — exits non-zero on any mismatch.
import assert from 'node:assert/strict';
import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';

const url = process.argv[2] ?? 'ws://127.0.0.1:9944';
const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true });

/** Signs and sends `tx`, resolves with the event names of its block once it is in one. */
function inBlock(tx, signer) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (dispatchError) {
        const error = dispatchError.isModule ? api.registry.findMetaError(dispatchError.asModule).name : dispatchError.toString();
        reject(new Error(`dispatch failed: ${error}`));
      } else if (status.isInBlock || status.isFinalized) {
        resolve(events.map(({ event }) => `${event.section}.${event.method}`));
      }
    }).catch(reject);
  });
}

// What wallets display: symbol and decimals from the chain properties.
assert.deepEqual(api.registry.chainTokens, ['INFER']);
assert.deepEqual(api.registry.chainDecimals, [12]);
assert.equal(api.registry.chainSS58, 42);
assert.ok(api.runtimeMetadata.version >= 15, `metadata v${api.runtimeMetadata.version}`);
assert.equal(typeof api.tx.subnets.registerSubnet, 'function');

const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const alice = keyring.addFromUri('//Alice');
const bob = keyring.addFromUri('//Bob');
const unit = 10n ** 12n;

const before = (await api.query.system.account(bob.address)).data.free.toBigInt();
const transferEvents = await inBlock(api.tx.balances.transferKeepAlive(bob.address, 3n * unit), alice);
assert.ok(transferEvents.includes('balances.Transfer'), transferEvents.join(','));
const after = (await api.query.system.account(bob.address)).data.free.toBigInt();
assert.equal(after - before, 3n * unit);

const registerEvents = await inBlock(api.tx.subnets.registerSubnet(1000n * unit), bob);
assert.ok(registerEvents.includes('subnets.SubnetRegistered'), registerEvents.join(','));
const subnet = (await api.query.subnets.subnets(0)).unwrap();
assert.equal(subnet.owner.toString(), bob.address);
assert.equal(subnet.locked.toBigInt(), 100n * unit);

console.log(`polkadot.js check passed: transfer [${transferEvents}], registerSubnet [${registerEvents}]`);
await api.disconnect();
