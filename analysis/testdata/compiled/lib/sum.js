export function sum(a, b) {
    return a - b;
}
export function norm(p) {
    return p.missing.x + p.y;
}
