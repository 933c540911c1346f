"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const tslib_1 = require("tslib");
const node_test_1 = require("node:test");
const node_assert_1 = tslib_1.__importStar(require("node:assert"));
const sum_js_1 = require("./sum.js");
const origin = { x: 0, y: 0 };
(0, node_test_1.test)("adds", () => {
    node_assert_1.default.strictEqual((0, sum_js_1.sum)(1, 2), 3);
});
(0, node_test_1.test)("measures", () => {
    (0, node_assert_1.strictEqual)((0, sum_js_1.norm)(origin), 0);
});
