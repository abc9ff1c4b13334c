/**
 * Model families behind one interface ({@linkcode ModelFamily}, in `types.ts`): `points` (2-D
 * mixtures, two ReLU MLPs) and `cond-image` (class-conditional conv G with a projection or
 * ACGAN D). Adding a family is one file implementing the interface and a line here; adding an
 * architecture is an option of its family.
 *
 * @module
 */

import type { TrainConfig } from "../config.ts";
import type { ModelFamily } from "./types.ts";

export type * from "./types.ts";

/** The family of a config. */
export async function familyOf(config: TrainConfig): Promise<ModelFamily> {
  switch (config.family) {
    case "points":
      return (await import("./points.ts")).pointsFamily;
    case "cond-image":
      return (await import("./cond_image.ts")).condImageFamily;
  }
}
