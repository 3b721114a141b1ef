import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readLayersModelWeights } from '../../model';
import { badCases, goodCases, jsonBytes, tinyModelJson, tinyWeights } from './corpus';
import { decodeUtf8, forbiddenKeyPaths, readJson, scanDepth } from './json';
import { halfToFloat } from './dtypes';
import { memoryInput, readUpload } from './readModel';
import type { UploadInput, UploadResult } from './readModel';

const LIMIT_MS = 5_000;

function inputsOf(files: readonly { name: string; bytes: Uint8Array }[]): UploadInput[] {
  return files.map((f) => memoryInput(f.name, f.bytes));
}

function shipped(id: string): UploadInput[] {
  return ['model.json', 'weights.bin'].map((name) =>
    memoryInput(name, new Uint8Array(readFileSync(`public/models/${id}/${name}`))),
  );
}

function loaded(r: UploadResult) {
  if (!r.ok)
    throw new Error(`expected a model, got: ${r.problems.map((p) => p.message).join(' | ')}`);
  return r.model;
}

describe('the corpus of bad uploads', () => {
  const cases = badCases();

  it('has at least 25 malformed or hostile cases, each distinct', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  for (const c of cases) {
    it(`${c.id}: ${c.title} → a problem naming ${c.file ?? 'the upload'}${c.tensor ? ` and ${c.tensor}` : ''}`, async () => {
      const inputs = c.inputs ? c.inputs() : inputsOf(c.files);
      const r = await readUpload(inputs, { timeLimitMs: c.id === 'never-ends' ? 300 : LIMIT_MS });
      expect(r.ok, 'the upload must be refused').toBe(false);
      if (r.ok) return;
      const first = r.problems[0]!;
      expect(first.message).toMatch(c.says);
      expect(first.file).toBe(c.file);
      if (c.file !== null) expect(first.message).toContain(c.file);
      if (c.tensor) {
        expect(first.tensor).toBe(c.tensor);
        expect(first.message).toContain(c.tensor);
      }
    });
  }

  it('markup in names is only ever quoted as text: no problem message carries a raw tag outside quotes', async () => {
    for (const c of cases.filter((x) => /html|script/.test(x.id))) {
      const r = await readUpload(inputsOf(c.files), { timeLimitMs: LIMIT_MS });
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      // The name appears inside JSON quotes (as the UI shows it: as text, never as HTML).
      expect(r.problems[0]!.message).toMatch(/"[^"]*<[^"]*"/);
    }
  });

  it('a __proto__ key pollutes nothing', async () => {
    const c = cases.find((x) => x.id === 'proto-key')!;
    await readUpload(inputsOf(c.files), { timeLimitMs: LIMIT_MS });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports every NaN tensor, not only the first', async () => {
    const json = jsonBytes(tinyModelJson());
    const bin = tinyWeights({ d1Bias: [NaN, 0, 0], d2Kernel: [0, 0, Infinity, 0, 0, NaN] });
    const r = await readUpload(
      inputsOf([
        { name: 'model.json', bytes: json },
        { name: 'weights.bin', bytes: bin },
      ]),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.tensor)).toEqual(['dense1/bias', 'dense2/kernel']);
    expect(r.problems[1]!.message).toMatch(/1 NaN and 1 infinite values \(the first at index 2\)/);
  });
});

describe('valid uploads', () => {
  for (const c of goodCases()) {
    it(`${c.id}: ${c.title} loads`, async () => {
      const m = loaded(await readUpload(inputsOf(c.files), { timeLimitMs: LIMIT_MS }));
      expect(m.kind).toBe(c.kind);
      expect(m.evaluation).toBe(c.evaluation);
      expect(m.evaluable).toBe(c.evaluation !== 'none');
      expect(m.why.length).toBeGreaterThan(20);
      for (const [name, values] of Object.entries(c.values)) {
        const t = m.tensors.find((x) => x.name === name);
        expect(t, name).toBeDefined();
        expect(Array.from(t!.values)).toEqual(values.map(Math.fround));
      }
      if (c.warns) expect(m.warnings.join(' ')).toMatch(c.warns);
      expect(m.id).toBe(`uploaded:${m.sha256}`);
    });
  }

  it('a Keras 3 batch_shape export reads as the same model as its Keras 2 twin', async () => {
    const [k2, k3] = (await Promise.all(
      ['tiny-keras2', 'keras3-sequential'].map(async (id) =>
        loaded(await readUpload(inputsOf(goodCases().find((c) => c.id === id)!.files))),
      ),
    )) as [ReturnType<typeof loaded>, ReturnType<typeof loaded>];
    expect(k3.inputShape).toEqual([4]);
    expect(k3.outputShape).toEqual([2]);
    expect(k3.layers.map((l) => [l.name, l.kernelShape, l.biasShape])).toEqual(
      k2.layers.map((l) => [l.name, l.kernelShape, l.biasShape]),
    );
    const layers = (
      k3.topology!.config as { layers: { class_name: string; config: Record<string, unknown> }[] }
    ).layers;
    // Fidelity inputs come as 3-D "images" (1×1×4 here): a Reshape gives the model its shape.
    expect(layers.map((l) => l.class_name)).toEqual(['Reshape', 'Dense', 'Dense']);
    expect(layers[0]!.config.batch_input_shape).toEqual([null, 1, 1, 4]);
    expect(layers[0]!.config.target_shape).toEqual([4]);
    expect(layers[1]!.config.dtype).toBe('float32');
    expect(k3.imageShape).toEqual([1, 1, 4]);
    expect(JSON.stringify(k3.topology)).not.toMatch(/batch_shape|registered_name|module/);
  });

  it('a model with BatchNormalization is shown but not evaluated, and says why', async () => {
    const m = loaded(
      await readUpload(inputsOf(goodCases().find((c) => c.id === 'batchnorm')!.files)),
    );
    expect(m.why).toMatch(/layer "bn" is a BatchNormalization, which the labs do not run/);
    expect(m.tensors).toHaveLength(8);
    expect(m.topology).toBeNull();
  });

  it('a graph model counts its ops', async () => {
    const m = loaded(
      await readUpload(inputsOf(goodCases().find((c) => c.id === 'graph-model')!.files)),
    );
    expect(m.ops).toEqual({ Placeholder: 1, Const: 2, MatMul: 1, Reshape: 1 });
    expect(m.tensors.map((t) => t.storage)).toEqual(['float16', 'int32']);
    expect(m.tensors.map((t) => t.bytes)).toEqual([8, 8]);
  });

  for (const id of ['mnist-mlp', 'mnist-cnn', 'fashion-mlp', 'fashion-cnn']) {
    it(`the shipped ${id} loads as a dataset-evaluated model with the weights the labs read`, async () => {
      const inputs = shipped(id);
      const m = loaded(await readUpload(inputs, { timeLimitMs: LIMIT_MS }));
      expect(m.kind).toBe('layers');
      expect(m.evaluation).toBe('dataset');
      expect(m.outputShape).toEqual([10]);
      const reference = readLayersModelWeights(
        JSON.parse(new TextDecoder().decode(readFileSync(`public/models/${id}/model.json`))),
        readFileSync(`public/models/${id}/weights.bin`).buffer.slice(0) as ArrayBuffer,
      );
      expect(m.layers.map((l) => l.name)).toEqual(reference.map((r) => r.info.name));
      for (const r of reference) {
        const l = m.layers.find((x) => x.name === r.info.name)!;
        expect(l.className).toBe(r.info.className);
        expect(l.kernelShape).toEqual(r.info.kernelShape);
        expect(m.tensors.find((t) => t.name === l.kernel)!.values).toEqual(r.kernel);
        expect(m.tensors.find((t) => t.name === l.bias)!.values).toEqual(r.bias);
      }
      const hash = createHash('sha256');
      for (const name of ['model.json', 'weights.bin'])
        hash.update(readFileSync(`public/models/${id}/${name}`));
      expect(m.sha256).toBe(hash.digest('hex'));
    });
  }

  it('the same files give the same id; other weights another', async () => {
    const files = goodCases()[0]!.files;
    const a = loaded(await readUpload(inputsOf(files)));
    const b = loaded(await readUpload(inputsOf(files)));
    const other = loaded(
      await readUpload(
        inputsOf([files[0]!, { name: 'weights.bin', bytes: tinyWeights({ d2Bias: [1, 1] }) }]),
      ),
    );
    expect(a.id).toBe(b.id);
    expect(other.id).not.toBe(a.id);
  });
});

describe('JSON reading', () => {
  it('measures depth without recursion and ignores brackets in strings', () => {
    expect(scanDepth('{"a": "[[[[", "b": [1, {"c": []}]}').depth).toBe(4);
    expect(scanDepth('[[["\\"]]]', 2).tooDeepAt).toBe(2);
    expect(scanDepth('{"a": [1, 2').unterminated).toBe(true);
    expect(scanDepth('"abc').unterminated).toBe(true);
  });

  it('finds forbidden keys anywhere', () => {
    const v = JSON.parse('{"a": [{"__proto__": 1}], "b": {"prototype": 2}}');
    expect(forbiddenKeyPaths(v)).toEqual(['a[0].__proto__', 'b.prototype']);
  });

  it('drops a UTF-8 BOM and refuses invalid UTF-8', () => {
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]))).toBe('{}');
    expect(decodeUtf8(new Uint8Array([0x7b, 0xc0, 0x80, 0x7d]))).toBeNull();
    expect(readJson('x.json', new Uint8Array([0xef, 0xbb, 0xbf, 0x31]))).toEqual({
      ok: true,
      value: 1,
    });
  });

  it('decodes halves exactly, ±∞ and NaN included', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
  });
});
