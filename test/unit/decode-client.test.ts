// The window's side of the decode worker (renderer/src/worker/decodeClient.ts), against a stand-in
// worker: a file read from a File is posted as that File (the worker reads it; no copy on the
// window's thread), a package's files likewise, and a File the worker can no longer read (changed
// or removed since) is answered by posting the bytes the window holds.
import { describe, expect, it } from 'vitest';
import { fileBytes } from '../../renderer/src/host/readFiles';
import { DecodeClient, UnreadableModelError, type DecodeWorker } from '../../renderer/src/worker/decodeClient';
import type { DecodeRequest, DecodeResponse, OpenedAnalysis, PostedInput } from '../../renderer/src/worker/protocol';

const ANALYSIS = { inspect: {}, diagnostics: [], decodeMs: 1, analysisMs: 1 } as unknown as OpenedAnalysis;

/** A worker that answers each request with `reply(input)`, asynchronously as a real one does. */
function standIn(reply: (input: PostedInput) => 'ok' | 'source' | 'read') {
  const seen: PostedInput[] = [];
  const worker: DecodeWorker = {
    onmessage: null,
    onerror: null,
    terminate() {},
    postMessage(message: DecodeRequest) {
      seen.push(message.input);
      const kind = reply(message.input);
      const data: DecodeResponse = kind === 'ok'
        ? { type: 'analysis', requestId: message.requestId, result: ANALYSIS }
        : { type: 'error', requestId: message.requestId, kind, reason: kind === 'read' ? 'empty file' : 'NotReadableError' };
      queueMicrotask(() => { void worker.onmessage!.call(worker as Worker, { data } as MessageEvent<DecodeResponse>); });
    },
  };
  return { worker, seen };
}

describe('DecodeClient', () => {
  it('posts the File the bytes were read from, not the bytes', async () => {
    const bytes = await fileBytes(new File([new Uint8Array([1, 2, 3])], 'm.mlmodel'));
    const { worker, seen } = standIn(() => 'ok');
    expect(await new DecodeClient(() => worker).analyze('m.mlmodel', bytes)).toBe(ANALYSIS);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(Blob);
  });

  it('posts bytes that came from no File as they are', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const { worker, seen } = standIn(() => 'ok');
    await new DecodeClient(() => worker).analyze('m.mlmodel', bytes);
    expect(seen).toEqual([bytes]);
  });

  it('posts a package file by file, each as its File', async () => {
    const model = await fileBytes(new File([new Uint8Array([9])], 'model.mlmodel'));
    const manifest = new TextEncoder().encode('{}');
    const { worker, seen } = standIn(() => 'ok');
    await new DecodeClient(() => worker).analyze('p.mlpackage', { files: new Map([['Data/model.mlmodel', model], ['Manifest.json', manifest]]), directories: ['Data'] });
    const files = (seen[0] as { files: ReadonlyMap<string, unknown> }).files;
    expect(files.get('Data/model.mlmodel')).toBeInstanceOf(Blob);
    expect(files.get('Manifest.json')).toBe(manifest);
  });

  it('a File the worker cannot read again is answered by posting the bytes', async () => {
    const bytes = await fileBytes(new File([new Uint8Array([4, 5])], 'm.mlmodel'));
    const { worker, seen } = standIn((input) => (input instanceof Blob ? 'source' : 'ok'));
    expect(await new DecodeClient(() => worker).analyze('m.mlmodel', bytes)).toBe(ANALYSIS);
    expect(seen.map((x) => x instanceof Blob)).toEqual([true, false]);
    expect(seen[1]).toBe(bytes);
  });

  it('a model the worker cannot read is reported as unreadable, once', async () => {
    const bytes = await fileBytes(new File([new Uint8Array(0)], 'empty.mlmodel'));
    const { worker, seen } = standIn(() => 'read');
    await expect(new DecodeClient(() => worker).analyze('empty.mlmodel', bytes)).rejects.toThrow(UnreadableModelError);
    expect(seen).toHaveLength(1);
  });
});
