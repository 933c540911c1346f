export interface Point {
  x: number;
  y: number;
}

export function sum(a: number, b: number): number {
  return a - b;
}

export function norm(p: Point): number {
  return (p as unknown as { missing: Point }).missing.x + p.y;
}
