// The JS memory of a page's web workers (and of the page) through a Chrome DevTools Protocol
// session, for the browser benchmark (tests/bench/browser.mjs) and the large-model end-to-end
// test (tests/e2e/large.test.mjs), which must measure it the same way.

/** One target's memory in bytes: `heap` is V8's used heap and `buffers` the ArrayBuffer backing
 *  stores (both from Runtime.getHeapUsage), `wasm` its WebAssembly memories, which neither
 *  figure counts (found with Runtime.queryObjects). `send(method, params)` runs a CDP command in
 *  the target; `collectGarbage` forces a GC first. */
export async function targetMemory(send, { collectGarbage = true } = {}) {
  if (collectGarbage) await send('HeapProfiler.collectGarbage');
  const { usedSize = 0, backingStorageSize = 0 } = await send('Runtime.getHeapUsage');
  const { result: prototype } = await send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
  const { objects } = await send('Runtime.queryObjects', { prototypeObjectId: prototype.objectId });
  const { result: wasm } = await send('Runtime.callFunctionOn', {
    objectId: objects.objectId,
    functionDeclaration: 'function () { return this.reduce((sum, memory) => sum + memory.buffer.byteLength, 0); }',
    returnByValue: true,
  });
  return { heap: usedSize, buffers: backingStorageSize, wasm: wasm.value };
}

/** `targetMemory` of each web worker of the page `cdp` (Playwright's CDP session) is attached
 *  to, one entry a worker. The workers are reached through Target auto-attach in non-flat mode,
 *  whose commands travel inside Target.sendMessageToTarget (Playwright's CDP session has no
 *  child sessions); `settleMs` is how long the attach events are awaited. */
export async function workerMemories(cdp, { collectGarbage = true, settleMs = 200 } = {}) {
  const workers = [];
  const replies = new Map();
  let nextId = 0;
  const onAttached = (event) => { if (event.targetInfo.type === 'worker') workers.push(event.sessionId); };
  const onMessage = ({ message }) => {
    const reply = JSON.parse(message);
    replies.get(reply.id)?.(reply);
  };
  cdp.on('Target.attachedToTarget', onAttached);
  cdp.on('Target.receivedMessageFromTarget', onMessage);
  const memories = [];
  try {
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    for (const sessionId of workers) {
      const send = async (method, params = {}) => {
        const id = ++nextId;
        const reply = new Promise((resolve, reject) => {
          replies.set(id, resolve);
          setTimeout(() => reject(new Error(`${method} timed out in a worker`)), 10000);
        });
        await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
        const { result, error } = await reply;
        if (error) throw new Error(error.message);
        return result;
      };
      memories.push(await targetMemory(send, { collectGarbage }));
    }
  } finally {
    cdp.off('Target.attachedToTarget', onAttached);
    cdp.off('Target.receivedMessageFromTarget', onMessage);
  }
  return memories;
}
