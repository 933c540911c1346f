export function sum(a, b) {
    return a - b;
}
export const scale = 1;
export function norm(p) {
    return p.missing.x * scale + p.y;
}
