import assert from "node:assert/strict";
import { FASHION_CLASSES, loadFashion, rowProblem } from "./fashion.ts";
import { classCounts, IMAGE_PIXELS, type LabelledDataset } from "./labelled.ts";

/** An image whose first two pixels say where it came from (class, row). */
function tagged(label: number, row: number): number[] {
  const img = new Array(IMAGE_PIXELS).fill(7);
  img[0] = label;
  img[1] = row;
  return img;
}

/** A temp folder with class files of `perClass` good rows each, plus `extra[label]` rows. */
async function synthetic(perClass: number, extra: Record<number, unknown[]> = {}): Promise<URL> {
  const dir = await Deno.makeTempDir({ prefix: "fashion_test_" });
  for (let label = 0; label < 10; label++) {
    const data: unknown[] = Array.from({ length: perClass }, (_, row) => tagged(label, row));
    data.push(...(extra[label] ?? []));
    await Deno.writeTextFile(`${dir}/${label}.json`, JSON.stringify({ data }));
  }
  return new URL(`file://${dir}/`);
}

/** The (label, source row) of every image of a split, read from the tags. */
function origins(d: LabelledDataset, split: "train" | "test"): string[] {
  const s = d[split];
  return Array.from({ length: s.count }, (_, i) => {
    const [label, row] = s.images.subarray(i * IMAGE_PIXELS, i * IMAGE_PIXELS + 2);
    assert.deepEqual(label, s.labels[i], "image carries its own label");
    return `${label}:${row}`;
  });
}

Deno.test("rowProblem() accepts 784 integers in 0..255 and names what is wrong otherwise", () => {
  assert.deepEqual(rowProblem(tagged(3, 4)), undefined);
  assert.deepEqual(rowProblem([]), "0 values instead of 784");
  assert.deepEqual(rowProblem(null), "not an array (null)");
  assert.deepEqual(rowProblem("x"), "not an array (string)");
  const bad = (at: number, v: unknown) => {
    const r: unknown[] = tagged(0, 0);
    r[at] = v;
    return rowProblem(r);
  };
  assert.deepEqual(bad(5, 1.5), "value 1.5 at 5 is not an integer in 0..255");
  assert.deepEqual(bad(6, 256), "value 256 at 6 is not an integer in 0..255");
  assert.deepEqual(bad(7, -1), "value -1 at 7 is not an integer in 0..255");
  assert.deepEqual(bad(8, "3"), 'value "3" at 8 is not an integer in 0..255');
  assert.deepEqual(bad(9, null), "value null at 9 is not an integer in 0..255");
});

Deno.test("loadFashion() skips and counts malformed rows and never uses them", async () => {
  const longRow = [...tagged(2, 99), 0];
  const dir = await synthetic(6, {
    0: [[], []],
    2: [longRow, tagged(2, 98).map((v, i) => i === 10 ? 300 : v)],
    9: [tagged(9, 97).map((v, i) => i === 3 ? 0.5 : v), { not: "a row" }],
  });
  const d = await loadFashion({ dir, testPerClass: 2, seed: 5 });
  assert.deepEqual(d.split.skipped.count, 6);
  assert.deepEqual(d.split.skipped.byClass, [2, 0, 2, 0, 0, 0, 0, 0, 0, 2]);
  assert.deepEqual(d.split.skipped.rows.map((r) => `${r.label}:${r.row}`), [
    "0:6",
    "0:7",
    "2:6",
    "2:7",
    "9:6",
    "9:7",
  ]);
  assert.deepEqual(d.split.skipped.rows[2].reason, "785 values instead of 784");
  assert.deepEqual(d.split.testPerClass, new Array(10).fill(2));
  assert.deepEqual(d.split.trainPerClass, new Array(10).fill(4));
  const used = [...origins(d, "train"), ...origins(d, "test")];
  assert.deepEqual(used.length, 60);
  assert.ok(used.every((o) => Number(o.split(":")[1]) < 6), "only good rows are used");
  await Deno.remove(new URL(dir), { recursive: true });
});

Deno.test("loadFashion() holds out a seeded, disjoint test set per class, the same for a seed", async () => {
  const dir = await synthetic(12);
  const a = await loadFashion({ dir, seed: 3, testPerClass: 4 });
  const b = await loadFashion({ dir, seed: 3, testPerClass: 4 });
  const c = await loadFashion({ dir, seed: 4, testPerClass: 4 });
  assert.deepEqual(a.split.testRows, b.split.testRows);
  assert.deepEqual(a.split.testRowsSha256, b.split.testRowsSha256);
  assert.deepEqual(a.test.images, b.test.images, "same order too");
  assert.deepEqual(a.train.images, b.train.images);
  assert.notDeepEqual(a.split.testRows, c.split.testRows);
  assert.notDeepEqual(a.split.testRowsSha256, c.split.testRowsSha256);
  const [train, test] = [origins(a, "train"), origins(a, "test")];
  assert.deepEqual(new Set([...train, ...test]).size, 120, "disjoint and complete");
  const described = a.split.testRows!.flatMap((rows, label) => rows.map((r) => `${label}:${r}`));
  assert.deepEqual([...test].sort(), described.sort(), "testRows names the test images");
  // Classes are interleaved, not in blocks (held-out slices of the train split stay mixed).
  assert.ok(new Set(a.train.labels.subarray(0, 20)).size >= 5);
  await Deno.remove(new URL(dir), { recursive: true });
});

Deno.test("loadFashion() says which class file is missing or broken", async () => {
  const dir = await synthetic(3);
  await Deno.writeTextFile(new URL("4.json", dir), "{not json");
  await assert.rejects(() => loadFashion({ dir, testPerClass: 1 }), {
    name: "Error",
    message: /Cannot read Fashion-MNIST as '4\.json' is not JSON/,
  });
  await Deno.writeTextFile(new URL("4.json", dir), JSON.stringify({ rows: [] }));
  await assert.rejects(() => loadFashion({ dir, testPerClass: 1 }), {
    name: "Error",
    message: new RegExp(RegExp.escape(`'4.json' has no "data"`)),
  });
  await Deno.remove(new URL("4.json", dir));
  await assert.rejects(() => loadFashion({ dir, testPerClass: 1 }), {
    name: "Error",
    message: /'4\.json' is missing/,
  });
  await Deno.writeTextFile(new URL("4.json", dir), JSON.stringify({ data: [tagged(4, 0)] }));
  await assert.rejects(() => loadFashion({ dir, testPerClass: 1 }), {
    name: "Error",
    message: /Cannot hold out 1 images of Fashion-MNIST class 4 \(Coat\): it has 1 valid rows/,
  });
  await Deno.remove(new URL(dir), { recursive: true });
});

Deno.test("loadFashion() reads the package: 70,000 images, the 2 empty rows counted, 1,000 held out per class", async () => {
  const d = await loadFashion();
  assert.deepEqual(d.classes, FASHION_CLASSES);
  assert.deepEqual(d.split.skipped.count, 2);
  assert.deepEqual(d.split.skipped.rows.map((r) => [r.label, r.reason]), [
    [0, "0 values instead of 784"],
    [0, "0 values instead of 784"],
  ]);
  assert.deepEqual([d.train.count, d.test.count], [60_000, 10_000]);
  assert.deepEqual(classCounts(d.test.labels), new Array(10).fill(1000));
  assert.deepEqual(classCounts(d.train.labels), new Array(10).fill(6000));
  assert.deepEqual(d.split.testRows!.map((r) => r.length), new Array(10).fill(1000));
  assert.deepEqual(d.split.seed, 1);
});
