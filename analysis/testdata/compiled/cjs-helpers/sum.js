"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.scale = void 0;
exports.sum = sum;
exports.norm = norm;
function sum(a, b) {
    return a - b;
}
exports.scale = 1;
function norm(p) {
    return p.missing.x * exports.scale + p.y;
}
