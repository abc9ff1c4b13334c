/**
 * Fuses a generator and a discriminator ONNX graph into one `sampler.onnx`
 * (`z -> x, logit`, or `z, class -> x, logit` for a conditional pair), so serving makes one
 * ONNX Runtime call per batch instead of two.
 *
 * @module
 */

import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/** Options for {@linkcode fuseOnnxPair}. */
export interface FuseOptions {
  /** Prefix given to the discriminator's internal names. @default {"d/"} */
  prefix?: string;
}

function decode(bytes: Uint8Array, file: string): onnxProto.onnx.ModelProto {
  const model = onnx.ModelProto.decode(bytes);
  if (!model.graph) throw new RangeError(`Cannot fuse '${file}' as it holds no graph`);
  return model;
}

/**
 * One graph with G's inputs (`z`, and `class` for a conditional pair) and two outputs, G's `x`
 * and D's `logit`. D's first input is wired to G's output; D's other inputs must be inputs of
 * G by name (the class) and read them; every other D name is prefixed so the two graphs
 * cannot collide.
 */
export function fuseOnnxPair(
  generator: Uint8Array,
  discriminator: Uint8Array,
  options: FuseOptions = {},
): Uint8Array {
  const prefix = options.prefix ?? "d/";
  const g = decode(generator, "generator.onnx"), d = decode(discriminator, "discriminator.onnx");
  const gGraph = g.graph!, dGraph = d.graph!;
  if (gGraph.output!.length !== 1 || dGraph.input!.length < 1 || dGraph.output!.length !== 1) {
    throw new RangeError("Cannot fuse the pair as G needs one output and D one input and output");
  }
  const link = dGraph.input![0].name!, sample = gGraph.output![0].name!;
  const logit = dGraph.output![0].name!;
  const gInputs = gGraph.input!.map((v) => v.name!);
  const shared = new Set(dGraph.input!.slice(1).map((v) => v.name!));
  for (const name of shared) {
    if (!gInputs.includes(name)) {
      throw new RangeError(
        `Cannot fuse the pair as the discriminator input '${name}' is not a generator input: ` +
          `expected one of ${gInputs.join(", ")}`,
      );
    }
  }
  const rename = (name: string) =>
    name === "" || shared.has(name)
      ? name
      : name === link
      ? sample
      : name === logit
      ? logit
      : `${prefix}${name}`;
  const gNames = [
    ...gGraph.node!.flatMap((n) => n.output!),
    ...gGraph.initializer!.map((t) => t.name!),
  ];
  if (gNames.includes(logit) && logit !== sample) {
    throw new RangeError(`Cannot fuse the pair as the generator already has a value '${logit}'`);
  }
  const dNodes = dGraph.node!.map((n) => ({
    ...n,
    name: `${prefix}${n.name ?? ""}`,
    input: n.input!.map(rename),
    output: n.output!.map(rename),
  }));
  const dInits = dGraph.initializer!.map((t) => ({ ...t, name: rename(t.name!) }));
  const opsets = new Map<string, number>();
  for (const o of [...g.opsetImport!, ...d.opsetImport!]) {
    const version = Number(o.version);
    opsets.set(o.domain ?? "", Math.max(opsets.get(o.domain ?? "") ?? 0, version));
  }
  const fused = onnx.ModelProto.create({
    irVersion: Math.max(Number(g.irVersion), Number(d.irVersion)),
    producerName: "drs-edge",
    opsetImport: [...opsets].map(([domain, version]) => ({ domain, version })),
    graph: {
      name: "sampler",
      node: [...gGraph.node!, ...dNodes],
      initializer: [...gGraph.initializer!, ...dInits],
      input: gGraph.input,
      output: [gGraph.output![0], dGraph.output![0]],
    },
  });
  return onnx.ModelProto.encode(fused).finish();
}
