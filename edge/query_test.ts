import assert from "node:assert/strict";
import { canonicalQuery, parseSampleQuery, resolveClass } from "./query.ts";
import { HttpError } from "./errors.ts";

const parse = (q: string, options = {}) => parseSampleQuery(new URLSearchParams(q), options);

function rejects(q: string, pattern: RegExp, options = {}): void {
  assert.throws(() => parse(q, options), (e: unknown) => {
    assert.ok(e instanceof HttpError);
    assert.equal(e.status, 400);
    assert.match(e.message, pattern);
    return true;
  });
}

Deno.test("parseSampleQuery() fills defaults", () => {
  assert.deepEqual(parse(""), {
    n: 1,
    seed: undefined,
    format: "json",
    drs: true,
    gamma: undefined,
    acceptance: undefined,
    scale: 1,
    class: undefined,
  });
});

Deno.test("parseSampleQuery() parses every parameter", () => {
  const q = parse("n=256&seed=4294967295&format=png&drs=true&gamma=-1.5e0&scale=8&class=Bag");
  assert.deepEqual(q, {
    n: 256,
    seed: 4294967295,
    format: "png",
    drs: true,
    gamma: -1.5,
    acceptance: undefined,
    scale: 8,
    class: "Bag",
  });
  assert.equal(parse("acceptance=0.25").acceptance, 0.25);
  assert.equal(parse("drs=false").drs, false);
});

Deno.test("parseSampleQuery() names the parameter and what it expects", () => {
  rejects("n=0", /'n' must be an integer in 1\.\.256: current value is '0'/);
  rejects("n=257", /'n' must be an integer in 1\.\.256/);
  rejects("n=1.5", /'n' must be an integer/);
  rejects("seed=4294967296", /'seed' must be a uint32/);
  rejects("seed=-1", /'seed' must be a uint32/);
  rejects("format=gif", /'format' must be 'json' or 'png'/);
  rejects("drs=yes", /'drs' must be 'true' or 'false'/);
  rejects("gamma=NaN", /'gamma' must be a finite number/);
  rejects("gamma=1e400", /'gamma' must be a finite number/);
  rejects("acceptance=1", /'acceptance' must be a number strictly between 0 and 1/);
  rejects("scale=9", /'scale' must be an integer in 1\.\.8/);
});

Deno.test("parseSampleQuery() refuses unknown, repeated and conflicting parameters", () => {
  rejects("foo=1", /'foo' is not a known parameter/);
  rejects("n=1&n=2", /'n' is repeated/);
  rejects("gamma=1&acceptance=0.5", /'gamma' and 'acceptance' are exclusive/);
  rejects("drs=false&gamma=1", /'gamma' has no effect when drs=false/);
  rejects("format=png", /'format' is not a known parameter/, { forbid: ["format"] });
  rejects("n=2", /'seed' is required/, { require: ["seed"] });
  assert.equal(parse("seed=1&sig=x&kid=y&exp=1", { ignore: ["sig", "kid", "exp"] }).seed, 1);
});

Deno.test("canonicalQuery() is the same for equivalent spellings", () => {
  const a = parse("seed=7&gamma=0.50&n=02"), b = parse("n=2&gamma=.5&seed=7&drs=true");
  assert.equal(canonicalQuery({ ...a, seed: 7 }), canonicalQuery({ ...b, seed: 7 }));
  assert.equal(
    canonicalQuery({ ...a, seed: 7 }),
    "drs=true&format=json&gamma=0.5&n=2&scale=1&seed=7",
  );
});

Deno.test("resolveClass() takes an index or a label (any case) and names the valid ones", () => {
  const model = { id: "fashion", classes: ["T-shirt/top", "Trouser", "Bag"] };
  assert.equal(resolveClass(model, undefined), undefined);
  assert.equal(resolveClass(model, "2"), 2);
  assert.equal(resolveClass(model, "trouser"), 1);
  assert.equal(resolveClass(model, "T-shirt/top"), 0);
  assert.equal(resolveClass(model, "All"), "all");
  assert.equal(resolveClass({ id: "x", classes: ["cat", "all"] }, "all"), 1, "a label wins");
  assert.throws(
    () => resolveClass(model, "3"),
    (e: HttpError) => (
      assert.equal(e.status, 400),
        assert.equal(
          e.message,
          "Cannot sample as 'class' must be a class of model 'fashion': " +
            "current value is '3'; valid classes are 0 (T-shirt/top), 1 (Trouser), 2 (Bag), " +
            "or 'all' (n of each)",
        ),
        true
    ),
  );
  assert.throws(
    () => resolveClass({ id: "grid25" }, "1"),
    /model 'grid25' has no classes: remove 'class'/,
  );
});

Deno.test("parseSampleQuery() reads the pinned version 'v' and refuses a bad one", () => {
  assert.equal(parse("seed=1&v=12").v, 12);
  assert.equal("v" in parse("seed=1"), false, "absent unless given");
  for (const bad of ["0", "01", "-1", "1.0", "1e3", "1000000000", ""]) {
    rejects(`v=${bad}`, /'v' must be a model version \(an integer in 1\.\.999999999/);
  }
  rejects("v=2", /'v' is not a known parameter/, { forbid: ["v"] });
  rejects("v=1&v=1", /'v' is repeated/);
  // The version is not part of the canonical query: the ETag names the version it served.
  assert.equal(
    canonicalQuery({ ...parse("seed=7&v=3"), seed: 7 }),
    canonicalQuery({ ...parse("seed=7"), seed: 7 }),
  );
});
