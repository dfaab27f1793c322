// No definitions yet: the compile still writes an accessor module with empty types.
export {};
