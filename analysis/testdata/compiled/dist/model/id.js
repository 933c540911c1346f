export {};
//# sourceMappingURL=id.js.map