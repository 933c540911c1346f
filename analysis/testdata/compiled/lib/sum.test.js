import { test } from "node:test";
import assert, { strictEqual } from "node:assert";
import { sum, norm } from "./sum.js";
const origin = { x: 0, y: 0 };
test("adds", () => {
    assert.strictEqual(sum(1, 2), 3);
});
test("measures", () => {
    strictEqual(norm(origin), 0);
});
