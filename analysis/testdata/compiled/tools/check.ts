// Outside the configs' include: not an input, and not in the common directory.
console.log("checked");
