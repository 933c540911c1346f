// Deeper than the other inputs: their common directory is still src/.
export type Id = string;
