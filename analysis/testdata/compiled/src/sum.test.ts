import { test } from "node:test";
import assert, { strictEqual } from "node:assert";
import type { Point } from "./sum.js";
import { sum, norm } from "./sum.js";

const origin: Point = { x: 0, y: 0 };

test("adds", () => {
  assert.strictEqual(sum(1, 2) as number, 3);
});

test("measures", () => {
  strictEqual(norm(origin), 0);
});
