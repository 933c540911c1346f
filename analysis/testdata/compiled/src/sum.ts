export interface Point {
  x: number;
  y: number;
}

export function sum(a: number, b: number): number {
  return a - b;
}

export const scale: number = 1;

export function norm(p: Point): number {
  return (p as unknown as { missing: Point }).missing.x * scale + p.y;
}
